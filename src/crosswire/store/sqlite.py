"""SQLite backend: one file, WAL mode, one writer connection, a reader per thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from crosswire.errors import StoreError
from crosswire.store.base import Store

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    "PRAGMA cache_size=-65536",
)


class SQLiteStore(Store):
    dialect = "sqlite"

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        if str(path) == ":memory:":
            raise StoreError("use a file path for the SQLite store (WAL needs a file)")
        if not self.path.parent.exists():
            raise StoreError(f"cannot create database {self.path}: "
                             f"directory {self.path.parent} does not exist")
        if self.path.is_dir():
            raise StoreError(f"cannot use {self.path} as a database: it is a directory")
        self._writer()  # open now, so a bad path fails at open time

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                   timeout=30)
            for pragma in _PRAGMAS:
                conn.execute(pragma)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        return conn

    def _setup_reader(self, conn: Any) -> None:
        conn.execute("PRAGMA query_only=ON")

    def _begin(self, conn: Any) -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot write to {self.path}: {exc}") from exc

    def _errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    # --- catalogue (for `crosswire migrate`) -----------------------------------------------
    def list_tables(self) -> list[str]:
        # virtual tables (FTS5) and their shadow tables belong to SQLite alone
        rows = self.query("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                          "AND name NOT LIKE 'sqlite%' ORDER BY rowid")
        virtual = [n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
        return [n for n, _ in rows
                if n not in virtual and not any(n.startswith(v + "_") for v in virtual)]

    def table_columns(self, table: str) -> list[str]:
        return [r[1] for r in self.query(f"PRAGMA table_info(\"{table}\")")]

    def primary_key(self, table: str) -> list[str]:
        rows = self.query(f"PRAGMA table_info(\"{table}\")")
        return [r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5])]

    def stream(self, sql: str, params: Sequence[Any] = (), batch: int = 1000
               ) -> Iterator[list[tuple[Any, ...]]]:
        conn = self._connect()
        try:
            cur = conn.execute(sql, tuple(params))
            while rows := cur.fetchmany(batch):
                yield [tuple(r) for r in rows]
        except sqlite3.Error as exc:
            raise StoreError(f"database error: {exc}") from exc
        finally:
            conn.close()
