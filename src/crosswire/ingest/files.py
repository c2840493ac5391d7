"""Read sources into ``RawDocument``s: files, folders, JSONL (optionally gzipped), WARC, stdin
and, through the live reader (``ingest/live.py``), URLs and feeds.

Yields one ``RawDocument`` per article, or an ``IngestResult`` with status ``rejected`` for
input that cannot become one (missing file, unsupported type, binary, bad encoding, too big,
bad JSONL line). Nothing here stops a batch: every problem becomes one rejection line that
names the file (and line) and the reason. Folders are walked recursively in sorted order,
skipping hidden entries, so runs are deterministic.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from crosswire.errors import InputError
from crosswire.ingest.decode import check_size, decode_bytes
from crosswire.models import IngestResult, RawDocument

if TYPE_CHECKING:
    from crosswire.ingest.live import LiveReader
    from crosswire.ingest.warc import Progress

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"}
WARC_SUFFIXES = {".warc", ".warc.gz"}
SUPPORTED = sorted(TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES)

_TEXT_KEYS = ("text", "content", "body")
_STR_FIELDS = ("title", "url", "source", "language", "html", "author")
_HTML_HINT = re.compile(r"<(p|div|br|article|span|a|h[1-6]|ul|li|html|body)\b[^>]*>", re.I)
_TITLE_MAX = 200
_SENTENCE_END = ".!?。！？؟…"

Item = RawDocument | IngestResult


def reject(origin: str, reason: str, line: int | None = None) -> IngestResult:
    return IngestResult(status="rejected", origin=origin, line=line, reason=reason)


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    for compound in (".jsonl.gz", ".ndjson.gz", ".warc.gz"):
        if name.endswith(compound):
            return compound
    return path.suffix.lower()


def parse_datetime(value: Any) -> datetime:
    """An ISO 8601 date or date-time; naive values are taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"published {value!r} is not an ISO 8601 date")
    v = value.strip()
    if v.endswith(("Z", "z")):
        v = v[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(v)
    except ValueError as exc:
        raise InputError(f"published {value!r} is not an ISO 8601 date") from exc
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def split_title(text: str, markdown: bool = False) -> tuple[str | None, str]:
    """A short first line followed by more text is the title."""
    stripped = text.lstrip("\ufeff\n\r\t ")
    first, sep, rest = stripped.partition("\n")
    candidate = first.strip()
    if markdown:
        candidate = candidate.lstrip("#").strip()
    if not sep or not rest.strip() or not candidate or len(candidate) > _TITLE_MAX:
        return None, text
    blank_after = rest.startswith(("\n", "\r\n")) or rest.lstrip(" \t").startswith("\n")
    if blank_after or candidate[-1] not in _SENTENCE_END or (markdown and first.startswith("#")):
        return candidate, rest
    return None, text


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"(\*\*|__|`)")
_MD_HEAD = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)


def strip_markdown(text: str) -> str:
    return _MD_MARK.sub("", _MD_HEAD.sub("", _MD_LINK.sub(r"\1", text)))


class SourceReader:
    """Turns the user's SOURCE arguments into documents; see the module docstring."""

    def __init__(self, max_bytes: int, encoding: str | None = None,
                 stdin: IO[bytes] | None = None, live: LiveReader | None = None,
                 progress: Progress | None = None) -> None:
        self.max_bytes = max_bytes
        self.encoding = encoding
        self.stdin = stdin
        self.live = live
        self.progress = progress  # (origin, bytes done, bytes total) for long archives
        self.notes: list[str] = []  # per-source remarks for the summary (skipped records)

    def read(self, sources: Iterable[str]) -> Iterator[Item]:
        for src in sources:
            if src == "-":
                yield from self._read_stdin()
            elif "://" in src:
                yield from self.read_url(src)
            else:
                yield from self._read_path(Path(src))

    def read_url(self, url: str) -> Iterator[Item]:
        """A page or a feed's pages, through the live reader (fetch guard, feed state)."""
        if self.live is None:
            yield reject(url, "URLs need the live reader (crosswire.open(...).ingest does this)")
            return
        yield from self.live.read_url(url)

    # --- paths -----------------------------------------------------------------------------
    def _read_path(self, path: Path) -> Iterator[Item]:
        origin = str(path)
        try:
            if path.is_dir():
                yield from self._read_dir(path)
                return
            if not path.exists():
                yield reject(origin, "no such file or directory")
                return
            if not path.is_file():
                yield reject(origin, "not a regular file")
                return
        except OSError as exc:
            yield reject(origin, f"cannot read: {exc.strerror or exc}")
            return
        yield from self.read_file(path)

    def _read_dir(self, root: Path) -> Iterator[Item]:
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                yield from self._read_path(Path(dirpath) / name)

    def read_file(self, path: Path) -> Iterator[Item]:
        origin = str(path)
        suffix = suffix_of(path)
        if suffix in WARC_SUFFIXES:
            from crosswire.ingest.warc import read_warc

            yield from read_warc(path, self.max_bytes, self.progress, self.notes)
            return
        try:
            if suffix in JSONL_SUFFIXES:
                opener = gzip.open if suffix.endswith(".gz") else open
                with opener(path, "rb") as fh:
                    yield from self.read_jsonl(fh, origin, path=str(path.resolve()))
                return
            kind = self._kind(suffix)
            if kind is None:
                yield reject(origin, f"unsupported file type {suffix or '(no extension)'!r}; "
                                     f"expected one of {', '.join(SUPPORTED)}")
                return
            check_size(path.stat().st_size, self.max_bytes)
            data = path.read_bytes()
        except InputError as exc:
            yield reject(origin, str(exc))
            return
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield reject(origin, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
            return
        yield self._document(data, kind, origin, path=str(path.resolve()),
                             markdown=suffix in (".md", ".markdown"))

    @staticmethod
    def _kind(suffix: str) -> str | None:
        if suffix in TEXT_SUFFIXES:
            return "text"
        if suffix in HTML_SUFFIXES:
            return "html"
        return None

    def _document(self, data: bytes, kind: str, origin: str, path: str | None = None,
                  markdown: bool = False) -> Item:
        try:
            check_size(len(data), self.max_bytes)
            text = decode_bytes(data, self.encoding, html=(kind == "html"))
        except InputError as exc:
            return reject(origin, str(exc))
        if kind == "html":
            return RawDocument(origin=origin, html=text, path=path)
        title, body = split_title(text, markdown=markdown)
        if markdown:
            body = strip_markdown(body)
        return RawDocument(origin=origin, text=body, title=title, path=path)

    # --- stdin -----------------------------------------------------------------------------
    def _read_stdin(self) -> Iterator[Item]:
        raw = self.stdin if self.stdin is not None else sys.stdin.buffer
        stream: Any = raw if hasattr(raw, "peek") else io.BufferedReader(raw)
        head = stream.peek(4096)[:4096].lstrip()[:1]
        if head == b"{":  # JSON lines: stream them, however many there are
            yield from self.read_jsonl(stream, "<stdin>")
            return
        data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            yield reject("<stdin>", f"input is over the {self.max_bytes:,} byte limit "
                                    "(max_document_bytes)")
            return
        kind = "html" if head == b"<" else "text"
        yield self._document(data, kind, "<stdin>")

    # --- JSONL -----------------------------------------------------------------------------
    def read_jsonl(self, lines: Iterable[bytes] | IO[bytes], origin: str,
                   path: str | None = None) -> Iterator[Item]:
        it: Iterator[bytes]
        if hasattr(lines, "readline"):
            fh: Any = lines
            limit = self.max_bytes + 1

            def _iter() -> Iterator[bytes]:
                while True:
                    chunk = fh.readline(limit)
                    if not chunk:
                        return
                    if len(chunk) >= limit and not chunk.endswith(b"\n"):
                        # an oversize line: skip to its end without holding it in memory
                        size = len(chunk)
                        while True:
                            more = fh.readline(1 << 20)
                            size += len(more)
                            if not more or more.endswith(b"\n"):
                                break
                        yield b"\x00OVERSIZE" + str(size).encode()
                        continue
                    yield chunk

            it = _iter()
        else:
            it = iter(lines)
        for n, raw in enumerate(it, start=1):
            if raw.startswith(b"\x00OVERSIZE"):
                size = int(raw[len(b"\x00OVERSIZE"):])
                yield reject(origin, f"line is {size:,} bytes, over the "
                                     f"{self.max_bytes:,} byte limit (max_document_bytes)", n)
                continue
            if not raw.strip():
                continue
            try:
                yield self._record(raw, origin, n, path)
            except InputError as exc:
                yield reject(origin, str(exc), n)

    def _record(self, raw: bytes, origin: str, n: int, path: str | None) -> RawDocument:
        check_size(len(raw), self.max_bytes, "line")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid UTF-8 (byte 0x{raw[exc.start:exc.start+1].hex()} "
                             f"at offset {exc.start})") from exc
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(rec, dict):
            raise InputError(f"expected a JSON object, got {type(rec).__name__}")
        body = next((rec[k] for k in _TEXT_KEYS if rec.get(k) not in (None, "")), None)
        if body is None:
            raise InputError("no text: the record needs a non-empty 'text' (or 'content'/'body')")
        if not isinstance(body, str):
            raise InputError(f"'text' must be a string, got {type(body).__name__}")
        for key in _STR_FIELDS:
            if rec.get(key) is not None and not isinstance(rec[key], str):
                raise InputError(f"'{key}' must be a string, got {type(rec[key]).__name__}")
        published = parse_datetime(rec["published"]) if rec.get("published") else None
        ext = rec.get("id")
        if ext is not None and not isinstance(ext, (str, int)):
            raise InputError(f"'id' must be a string or number, got {type(ext).__name__}")
        is_html = bool(_HTML_HINT.search(body[:4000]))
        return RawDocument(
            origin=origin, line=n,
            text=None if is_html else body, html=body if is_html else None,
            title=rec.get("title"), url=rec.get("url"), source=rec.get("source"),
            published=published, language=rec.get("language"),
            external_id=None if ext is None else str(ext), path=path,
            author=rec.get("author"),
        )
