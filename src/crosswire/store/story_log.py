"""The story change log and bulk story reads, for the story index (story_index.py).

Every change to a story's centroid or time span appends ``(seq, story_id)`` to
``story_changes`` inside the same transaction (seq 0 marks "every story was dropped"), so a
process that keeps stories in memory can catch up on what any writer, in any process,
committed since it last looked. Part of ``Store``; relies on its ``query``/``execute``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crosswire.models import iso

if TYPE_CHECKING:
    from crosswire.store.base import StoryState


class StoryLogMixin:
    query: Any
    query_one: Any
    execute: Any
    transaction: Any
    _row_to_state: Any
    _STATE_COLUMNS: str

    def _log_story_change(self, story_id: int) -> None:
        """Record that a story's centroid or span changed (0: every story was dropped)."""
        self.execute("INSERT INTO story_changes (story_id) VALUES (?)", (story_id,))

    def story_changes(self, after: int, limit: int = 10_000) -> list[tuple[int, int]]:
        """(seq, story id) of the changes logged after ``after``, oldest first."""
        return [(int(r[0]), int(r[1])) for r in self.query(
            "SELECT seq, story_id FROM story_changes WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, limit))]

    def story_change_bounds(self) -> tuple[int, int]:
        """(oldest, newest) seq still in the log; (0, 0) when it is empty."""
        row = self.query_one("SELECT MIN(seq), MAX(seq) FROM story_changes")
        return (int(row[0]), int(row[1])) if row and row[0] is not None else (0, 0)

    def prune_story_changes(self, upto: int) -> None:
        """Forget changes up to ``upto`` (a reader that lags further rebuilds its index)."""
        with self.transaction():
            self.execute("DELETE FROM story_changes WHERE seq <= ?", (upto,))

    def story_states(self, story_ids: Sequence[int]) -> list[StoryState]:
        ids = list(story_ids)
        out: list[StoryState] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out += [self._row_to_state(r) for r in self.query(
                f"SELECT {self._STATE_COLUMNS} FROM stories WHERE id IN ({marks})", chunk)]
        return out

    def stories_active_since(self, start: datetime) -> Iterator[StoryState]:
        """Every dated story last reported at or after ``start``, in id order."""
        last = 0
        while True:
            rows = self.query(
                f"SELECT {self._STATE_COLUMNS} FROM stories WHERE last_published >= ? "
                "AND id > ? ORDER BY id LIMIT 1000", (iso(start), last))
            if not rows:
                return
            for r in rows:
                yield self._row_to_state(r)
            last = int(rows[-1][0])
