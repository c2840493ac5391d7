"""Copy one store into another (``crosswire migrate``): SQLite to PostgreSQL and back.

Reads every table of the source (whatever capabilities added, found through the catalogue,
not a list of names) and writes the rows, with their ids, into the same table of the
destination, in batches of ``batch`` rows, one transaction a batch. Both stores are brought to
the current schema first, so their tables match; a table the destination lacks (an FTS5 index
that only SQLite has) is reported as skipped.

A destination that already holds other articles is refused (their ids would clash).
Idempotent: rows are inserted with ``ON CONFLICT DO NOTHING``, so a second run (or a run after
an interrupted one) adds only what is missing. A table without a primary key is copied only
into an empty destination table. Afterwards the destination's id generators are moved past
the copied ids and the row count of every table is compared; a difference is reported, not
hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from crosswire.errors import StoreError
from crosswire.store.base import Store

SKIP_TABLES = ("schema_migrations",)  # each store migrates itself


@dataclass(slots=True)
class TableCopy:
    table: str
    source_rows: int
    before: int
    after: int
    note: str = ""

    @property
    def copied(self) -> int:
        return self.after - self.before

    @property
    def ok(self) -> bool:
        return self.after == self.source_rows


@dataclass(slots=True)
class CopyReport:
    tables: list[TableCopy] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "tables": [{"table": t.table, "source_rows": t.source_rows, "copied": t.copied,
                        "destination_rows": t.after, "ok": t.ok, "note": t.note}
                       for t in self.tables],
            "skipped": self.skipped,
        }


def _count(store: Store, table: str) -> int:
    row = store.query_one(f'SELECT COUNT(*) FROM "{table}"')
    return int(row[0]) if row else 0


def _check_lineage(source: Store, dest: Store) -> None:
    """Refuse a destination that holds other articles: ids would point at the wrong rows.

    An empty destination, or an earlier (possibly interrupted) copy of this source, passes:
    its first and last articles are the source's articles with the same ids.
    """
    ends = dest.query("SELECT id, content_hash FROM articles WHERE id = (SELECT MIN(id) FROM "
                      "articles) OR id = (SELECT MAX(id) FROM articles)")
    for aid, chash in ends:
        row = source.query_one("SELECT content_hash FROM articles WHERE id = ?", (aid,))
        if row is None or row[0] != chash:
            raise StoreError("the destination already holds other articles (not a copy of "
                             "this source); copy into an empty database")


def copy_store(source: Store, dest: Store, batch: int = 1000,
               progress: Callable[[str, int, int], None] | None = None) -> CopyReport:
    """Copy every table of ``source`` into ``dest``; see the module docstring."""
    if source.schema_version() != dest.schema_version():
        raise StoreError(f"schema versions differ ({source.schema_version()} vs "
                         f"{dest.schema_version()}); open both with this crosswire first")
    _check_lineage(source, dest)
    report = CopyReport()
    dest_tables = set(dest.list_tables())
    for table in source.list_tables():
        if table in SKIP_TABLES:
            continue
        if table not in dest_tables:
            report.skipped[table] = "not in the destination schema"
            continue
        dest_columns = set(dest.table_columns(table))
        columns = [c for c in source.table_columns(table) if c in dest_columns]
        total, before = _count(source, table), _count(dest, table)
        entry = TableCopy(table, total, before, before)
        report.tables.append(entry)
        key = source.primary_key(table)
        if not key and before:
            entry.note = "no primary key and the destination table is not empty: not copied"
            continue
        cols = ", ".join(f'"{c}"' for c in columns)
        order = ", ".join(f'"{c}"' for c in key) if key else cols
        insert = (f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))}) '
                  "ON CONFLICT DO NOTHING")
        done = 0
        for rows in source.stream(f'SELECT {cols} FROM "{table}" ORDER BY {order}',
                                  batch=batch):
            with dest.transaction():
                dest.executemany(insert, rows)
            done += len(rows)
            if progress is not None:
                progress(table, done, total)
        entry.after = _count(dest, table)
    dest.sync_identities()
    return report
