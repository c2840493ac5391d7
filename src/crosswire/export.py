"""Export stored records to a file: JSON Lines, CSV or Parquet (articles, stories, actors or
events), or GraphML (the actor graph).

Reads the store through ``Crosswire`` one page at a time, so an export of any size holds one
page of records in memory: articles by id (each record is what ``article ID --json`` prints,
``Crosswire.article_record``; like that command it works out the provenance of a story not
analysed yet and stores what it finds), stories, actors and events as their ``--json`` list
commands print them. CSV and Parquet are flat: a list or object value is a JSON string in its
cell. Writes ``OUT`` through a hidden ``.OUT.PID.part`` file beside it, renamed over ``OUT``
only when the export is complete (a failed export leaves no half file and an older ``OUT``
untouched); ``-`` writes to stdout (not Parquet).

Fails with ``ConfigError`` (one line, exit status 2) for an unknown format or record kind, a
combination that makes no sense (Parquet to stdout, GraphML of articles) or an ``OUT`` that
cannot be written; with ``CrosswireError`` (exit status 1) when a record does not fit the flat
layout the first page set (a field the first record lacked, a Parquet column changing type);
store and encoder errors pass through.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from crosswire.errors import ConfigError, CrosswireError

if TYPE_CHECKING:
    from crosswire.app import Crosswire

FORMATS = ("jsonl", "csv", "parquet", "graphml")
KINDS = ("articles", "stories", "actors", "events", "graph")
PAGE = 200  # records read (and, for Parquet, written as one row group) at a time

Record = dict[str, Any]
Scalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote: ``count`` records of ``what`` (ties for the graph) to ``out``."""

    what: str
    count: int
    out: str

    def message(self) -> str:
        noun = "ties" if self.what == "graph" else self.what
        return f"exported {self.count} {noun} to {'stdout' if self.out == '-' else self.out}"


def check_request(fmt: str, what: str | None, out: str) -> str:
    """The record kind to export (``graph`` for GraphML), or ``ConfigError`` for a request
    that cannot be met."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if what is not None and what not in KINDS:
        raise ConfigError(f"unknown record kind {what!r}; expected one of {', '.join(KINDS)}")
    if fmt == "graphml":
        if what not in (None, "graph"):
            raise ConfigError(f"--format graphml exports the actor graph, not {what}: leave "
                              "out --what (or use --what graph)")
        what = "graph"
    elif what == "graph":
        raise ConfigError("--what graph needs --format graphml")
    if fmt == "parquet" and out == "-":
        raise ConfigError("Parquet is binary: give a file path, not - (stdout)")
    if out != "-" and Path(out).is_dir():
        raise ConfigError(f"cannot write {out}: it is a directory")
    return what or "articles"


# --- records ------------------------------------------------------------------------------
def count_records(app: Crosswire, what: str) -> int | None:
    """How many records an export of ``what`` will write, when the store says cheaply."""
    if what == "articles":
        return app.store.count_articles()
    if what == "stories":
        return app.store.count_stories()
    if what == "events":
        return app.store.count_events()[0]
    return None


def iter_pages(app: Crosswire, what: str, page: int = PAGE) -> Iterator[list[Record]]:
    """Every record of ``what`` (articles, stories, actors, events), ``page`` at a time."""
    if what == "articles":
        ids: list[int] = []
        for aid in app.store.iter_coding_inputs(batch=page):
            ids.append(aid)
            if len(ids) == page:
                yield [app.article_record(i) for i in ids]
                ids = []
        if ids:
            yield [app.article_record(i) for i in ids]
        return
    fetch: Callable[[int], Sequence[Any]]
    if what == "stories":
        def fetch(offset: int) -> Sequence[Any]:
            return app.stories(limit=page, offset=offset, with_articles=True)
    elif what == "actors":
        def fetch(offset: int) -> Sequence[Any]:
            return app.actors(limit=page, offset=offset)
    elif what == "events":
        def fetch(offset: int) -> Sequence[Any]:
            return app.events(limit=page, offset=offset)
    else:
        raise ConfigError(f"cannot export {what!r} as records")
    offset = 0
    while True:
        found = fetch(offset)
        if found:
            yield [x.to_dict() for x in found]
        if len(found) < page:
            return
        offset += page


def flatten(record: Record, columns: Sequence[str]) -> list[Scalar]:
    """The record's values in ``columns`` order, lists and objects as JSON strings."""
    extra = record.keys() - set(columns)
    if extra:
        raise CrosswireError(f"record {record.get('id')!r} has fields the first record did not "
                          f"have ({', '.join(sorted(extra))}); cannot keep a flat layout")
    row: list[Scalar] = []
    for c in columns:
        v = record.get(c)
        row.append(json.dumps(v, ensure_ascii=False, default=str)
                   if isinstance(v, (list, dict, tuple)) else v)
    return row


# --- writers ------------------------------------------------------------------------------
class Sink(Protocol):
    def write(self, records: list[Record]) -> None: ...

    def close(self) -> None: ...


class JsonlSink:
    """One JSON object a line, as the ``--json`` commands print each record."""

    def __init__(self, raw: BinaryIO) -> None:
        self.text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")

    def write(self, records: list[Record]) -> None:
        for r in records:
            self.text.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        self.text.flush()
        self.text.detach()


def csv_cell(value: Scalar) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class CsvSink:
    """A header row (the first record's fields), then one row a record."""

    def __init__(self, raw: BinaryIO) -> None:
        self.text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        self.writer = csv.writer(self.text)
        self.columns: list[str] | None = None

    def write(self, records: list[Record]) -> None:
        for r in records:
            if self.columns is None:
                self.columns = list(r)
                self.writer.writerow(self.columns)
            self.writer.writerow([csv_cell(v) for v in flatten(r, self.columns)])

    def close(self) -> None:
        self.text.flush()
        self.text.detach()


class ParquetSink:
    """One row group a page; the schema (from the first page) is flat: strings, 64-bit
    integers, doubles and booleans, a column with no value in the first page a string."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.columns: list[str] | None = None
        self.writer: Any = None

    def write(self, records: list[Record]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not records:
            return
        if self.columns is None:
            self.columns = list(records[0])
        rows = [flatten(r, self.columns) for r in records]
        values = [[row[i] for row in rows] for i in range(len(self.columns))]
        if self.writer is None:
            schema = pa.schema([(c, arrow_type(v)) for c, v in zip(self.columns, values,
                                                                   strict=True)])
            self.writer = pq.ParquetWriter(self.raw, schema)
        arrays = [arrow_column(name, v, t) for name, v, t in
                  zip(self.columns, values, self.writer.schema.types, strict=True)]
        self.writer.write_batch(pa.record_batch(arrays, schema=self.writer.schema))

    def close(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:  # nothing exported: a valid file with no columns and no rows
            pq.write_table(pa.table({}), self.raw)
        else:
            self.writer.close()


def arrow_type(values: Sequence[Scalar]) -> Any:
    import pyarrow as pa

    kinds = {type(v) for v in values if v is not None}
    if kinds == {bool}:
        return pa.bool_()
    if kinds == {int}:
        return pa.int64()
    if kinds and kinds <= {int, float}:
        return pa.float64()
    return pa.string()


def arrow_column(name: str, values: list[Scalar], t: Any) -> Any:
    """``values`` as an array of the schema's type ``t``; a string column takes any value
    (written as JSON), another column only values of its kind."""
    import pyarrow as pa

    if pa.types.is_string(t):
        values = [v if v is None or isinstance(v, str) else json.dumps(v) for v in values]
    try:
        return pa.array(values, type=t)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise CrosswireError(f"column {name!r} changed type after the first page ({exc}); "
                          "export it as jsonl or csv") from exc


SINKS: dict[str, Callable[[BinaryIO], Sink]] = {
    "jsonl": JsonlSink, "csv": CsvSink, "parquet": ParquetSink,
}


# --- the use case -------------------------------------------------------------------------
class Target:
    """Where the bytes go: stdout, or a part file renamed over ``out`` by ``commit()``."""

    def __init__(self, out: str) -> None:
        self.out = out
        self.part: Path | None = None
        if out == "-":
            self.raw: BinaryIO = sys.stdout.buffer
            return
        path = Path(out)
        self.part = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            self.raw = open(self.part, "wb")  # noqa: SIM115 - closed by commit() or abort()
        except OSError as exc:
            raise ConfigError(f"cannot write {out}: {exc.strerror or exc}") from exc

    def commit(self) -> None:
        self.raw.flush()
        if self.part is None:
            return
        self.raw.close()
        try:
            os.replace(self.part, self.out)
        except OSError as exc:
            self.abort()
            raise ConfigError(f"cannot write {self.out}: {exc.strerror or exc}") from exc

    def abort(self) -> None:
        if self.part is None:
            return
        self.raw.close()
        self.part.unlink(missing_ok=True)


def export(app: Crosswire, fmt: str, out: str, what: str | None = None,
           progress: Callable[[int], None] | None = None, page: int = PAGE) -> ExportSummary:
    """Write every record of ``what`` (default articles) to ``out`` in ``fmt``, reading
    ``page`` records at a time; see the module docstring. ``progress(n)`` is told how many
    records are written so far."""
    kind = check_request(fmt, what, out)
    target = Target(out)
    try:
        if kind == "graph":
            graph = app.graph()
            target.raw.write((graph.to_graphml() + "\n").encode("utf-8"))
            n = len(graph.edges)
        else:
            sink = SINKS[fmt](target.raw)
            n = 0
            for records in iter_pages(app, kind, page):
                sink.write(records)
                n += len(records)
                if progress is not None:
                    progress(n)
            sink.close()
        target.commit()
    except BaseException:
        target.abort()
        raise
    return ExportSummary(kind, n, out)
