"""A persistent vector cache keyed by content hash, in its own SQLite file.

Shared by every database on the machine (and by the test suite), so the same text is never
embedded twice. Values are float16. A cache that cannot be opened or written is switched off
with a warning: it only ever saves time, so it must never fail an ingest.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


class VectorCache:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                   timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, data BLOB NOT NULL)"
            )
            self._conn = conn
        except (OSError, sqlite3.Error) as exc:
            log.warning("vector cache %s disabled: %s", self.path, exc)

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        if self._conn is None or not keys:
            return {}
        out: dict[str, np.ndarray] = {}
        with self._lock:
            try:
                for i in range(0, len(keys), 500):
                    chunk = list(keys[i : i + 500])
                    marks = ",".join("?" * len(chunk))
                    for key, blob in self._conn.execute(
                        f"SELECT key, data FROM vectors WHERE key IN ({marks})", chunk
                    ):
                        out[key] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
            except sqlite3.Error as exc:
                log.warning("vector cache read failed: %s", exc)
        return out

    def put_many(self, items: Sequence[tuple[str, np.ndarray]]) -> None:
        if self._conn is None or not items:
            return
        with self._lock:
            try:
                self._conn.execute("BEGIN")
                self._conn.executemany(
                    "INSERT OR REPLACE INTO vectors (key, data) VALUES (?, ?)",
                    [(k, np.asarray(v, dtype=np.float16).tobytes()) for k, v in items],
                )
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                log.warning("vector cache write failed: %s", exc)
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
