"""Reading the labelled JSONL files we write by hand (gold sets, exemplars)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from crosswire.errors import InputError

if TYPE_CHECKING:
    from crosswire.app import Crosswire
    from crosswire.config import Settings
    from crosswire.models import IngestSummary

T = TypeVar("T")


def read_labelled(path: Path, parse: Callable[[dict[str, Any], int], T],
                  what: str = "gold record") -> list[T]:
    """``parse(record, line number)`` for every line of a JSONL file; a bad line raises
    ``InputError`` naming the file, the line and the reason; an empty file too."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read {what}s ({exc})") from exc
    items: list[T] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(parse(json.loads(line), n))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{n}: not a {what} ({exc})") from exc
    if not items:
        raise InputError(f"{path}: no {what}s")
    return items


@contextmanager
def scratch_ingest(source: Path | Sequence[dict[str, Any]], settings: Settings,
                   **overrides: Any) -> Iterator[tuple[Crosswire, dict[int, int], IngestSummary]]:
    """Ingest a JSONL file (or these records, written one a line) into a temporary database,
    with ``settings`` and ``overrides``; yields the app, the article id of each input line
    (1-based, as the reader numbers them; stored, updated or duplicate) and the summary. The
    database is gone afterwards: an evaluation never touches the user's store."""
    from crosswire.app import Crosswire

    with tempfile.TemporaryDirectory(prefix="crosswire-eval-") as tmp:
        if isinstance(source, Path):
            path = source
        else:
            path = Path(tmp) / "records.jsonl"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in source),
                            encoding="utf-8")
        cw = Crosswire(replace(settings, db=str(Path(tmp) / "eval.db"), **overrides))
        try:
            line_article: dict[int, int] = {}

            def collect(r: Any) -> None:
                if r.line is not None and r.article_id is not None:
                    line_article[r.line] = r.article_id

            summary = cw.ingest([str(path)], on_result=collect)
            yield cw, line_article, summary
        finally:
            cw.close()
