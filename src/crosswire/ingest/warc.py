"""WARC and WARC.gz archives (Common Crawl News and the like), streamed record by record.

Reads a ``.warc`` or ``.warc.gz`` file with warcio, one record at a time, so memory stays
bounded however large the archive is; reports progress as bytes read of the file. Writes one
``RawDocument`` per ``response`` record with HTTP 200 and an HTML content type (the HTTP
charset, then the page's ``<meta charset>``, decide the decoding; ``WARC-Target-URI`` becomes
the article URL and ``WARC-Date`` its fetch time). Every other record (requests, metadata,
revisits, redirects, images...) is skipped and counted; the counts go to ``notes``.

Fails per record: an oversize or undecodable page is one rejection naming the record number
and its URL; a truncated or corrupt archive stops with one rejection after the records that
could be read (those are kept).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from crosswire.errors import InputError
from crosswire.ingest.decode import charset_of, decode_web_bytes, human_size
from crosswire.ingest.feeds import parse_date
from crosswire.models import IngestResult, RawDocument

Progress = Callable[[str, int, int], None]
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PROGRESS_EVERY = 64


def _page(record: Any, max_bytes: int, skipped: Counter[str]) -> bytes | str | None:
    """The HTML bytes of a record; a reason string to reject it; None to skip it."""
    if record.rec_type != "response":
        skipped[f"{record.rec_type} records"] += 1
        return None
    http = record.http_headers
    if http is None:
        skipped["responses without HTTP headers"] += 1
        return None
    status = http.get_statuscode()
    if status != "200":
        skipped[f"HTTP {status} responses"] += 1
        return None
    ctype = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if ctype not in _HTML_TYPES:
        skipped["non-HTML responses"] += 1
        return None
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        return (f"page is over the {human_size(max_bytes)} limit "
                "(setting max_document_bytes)")
    return bytes(data)


def read_warc(path: Path, max_bytes: int, progress: Progress | None = None,
              notes: list[str] | None = None) -> Iterator[RawDocument | IngestResult]:
    """Stream the HTML pages of a WARC file; see the module docstring."""
    from warcio.archiveiterator import ArchiveIterator

    origin, resolved = str(path), str(path.resolve())
    total = path.stat().st_size
    skipped: Counter[str] = Counter()
    n = pages = 0
    with path.open("rb") as fh:
        try:
            for n, record in enumerate(ArchiveIterator(fh, arc2warc=True), start=1):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                try:
                    page = _page(record, max_bytes, skipped)
                    if page is None:
                        continue
                    if isinstance(page, str):
                        raise InputError(page)
                    ctype = record.http_headers.get_header("Content-Type") or ""
                    text, _ = decode_web_bytes(page, charset_of(ctype), html=True)
                except InputError as exc:
                    yield IngestResult("rejected", origin, n, reason=f"{uri}: {exc}")
                    continue
                except Exception as exc:  # warcio/zlib on a corrupt record body
                    yield IngestResult("rejected", origin, n,
                                       reason=f"{uri}: unreadable record ({exc})")
                    continue
                pages += 1
                yield RawDocument(origin=origin, line=n, html=text, url=uri or None,
                                  path=resolved,
                                  fetched=parse_date(record.rec_headers.get_header("WARC-Date")))
                if progress is not None and pages % _PROGRESS_EVERY == 0:
                    progress(origin, fh.tell(), total)
        except Exception as exc:  # truncated gzip, not a WARC at all...
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            where = f"after record {n}" if n else "at the start"
            yield IngestResult("rejected", origin,
                               reason=f"unreadable WARC {where} (truncated or corrupt): {reason}")
    if progress is not None:
        progress(origin, total, total)
    if notes is not None:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(skipped.items(), key=lambda kv: -kv[1]))
        notes.append(f"{origin}: {n} records, {pages} HTML pages read"
                     + (f"; skipped: {parts}" if parts else ""))
