"""Store queries for live sources (migration 6): fetch state, feeds, feed items, watchlists,
alerts. A mixin of ``Store``, so SQL stays in ``store/`` and the other queries stay readable.

Feed state is written so a restart neither refetches nor stores anything twice: new items
are saved as ``pending`` in the same transaction as the feed's ETag/Last-Modified, and an
item leaves ``pending`` only once its article is committed (or refused for good).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crosswire.models import from_iso, iso, utc_now
from crosswire.watchlists import Alert, Watchlist

if TYPE_CHECKING:
    from crosswire.ingest.feeds import FeedItem


@dataclass(slots=True, frozen=True)
class FeedState:
    id: int
    url: str
    title: str | None
    kind: str | None
    last_poll: datetime | None
    last_ok: datetime | None
    last_error: str | None
    n_errors: int
    etag: str | None
    last_modified: str | None


@dataclass(slots=True, frozen=True)
class PendingItem:
    feed_id: int
    key: str
    url: str
    title: str | None
    published: datetime | None
    attempts: int


_FEED_COLUMNS = ("id, url, title, kind, last_poll, last_ok, last_error, n_errors, etag, "
                 "last_modified")
_ALERT_COLUMNS = ("id, watchlist_id, kind, story_id, article_id, event_id, created, payload, "
                  "delivered, delivery_error")


class LiveStore:
    """Live-source queries; ``Store`` provides ``query``/``execute``/``transaction``."""

    if TYPE_CHECKING:
        def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
        def query_one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None: ...
        def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
        def transaction(self) -> AbstractContextManager[None]: ...

    def schema_versions(self) -> set[int]:
        return {int(r[0]) for r in self.query("SELECT version FROM schema_migrations")}

    # --- conditional requests --------------------------------------------------------------
    def fetch_state(self, url: str) -> tuple[str | None, str | None, str | None] | None:
        """(etag, last_modified, final_url) last seen for ``url``."""
        row = self.query_one("SELECT etag, last_modified, final_url FROM fetch_state "
                             "WHERE url = ?", (url,))
        return (row[0], row[1], row[2]) if row else None

    def save_fetch_state(self, url: str, final_url: str, status: int, etag: str | None,
                         last_modified: str | None) -> None:
        with self.transaction():
            self.execute(
                "INSERT INTO fetch_state (url, final_url, status, etag, last_modified, fetched) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
                "final_url = excluded.final_url, status = excluded.status, "
                "etag = excluded.etag, last_modified = excluded.last_modified, "
                "fetched = excluded.fetched",
                (url, final_url, status, etag, last_modified, iso(utc_now())))

    def article_for_url(self, url: str) -> int | None:
        """The article stored under ``url`` or under where ``url`` last redirected to."""
        row = self.query_one(
            "SELECT id FROM articles WHERE url = ? OR url = "
            "(SELECT final_url FROM fetch_state WHERE url = ?) LIMIT 1", (url, url))
        return int(row[0]) if row else None

    # --- feeds -----------------------------------------------------------------------------
    def _feed(self, row: Sequence[Any]) -> FeedState:
        return FeedState(int(row[0]), row[1], row[2], row[3], from_iso(row[4]),
                         from_iso(row[5]), row[6], int(row[7]), row[8], row[9])

    def get_feed(self, url: str) -> FeedState | None:
        row = self.query_one(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE url = ?", (url,))
        return self._feed(row) if row else None

    def ensure_feed(self, url: str) -> FeedState:
        with self.transaction():
            self.execute("INSERT INTO feeds (url, added) VALUES (?, ?) "
                         "ON CONFLICT (url) DO NOTHING", (url, iso(utc_now())))
            feed = self.get_feed(url)
        assert feed is not None
        return feed

    def list_feeds(self) -> list[FeedState]:
        return [self._feed(r) for r in self.query(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY id")]

    def save_feed_items(self, feed_id: int, items: Sequence[FeedItem], title: str | None,
                        kind: str, etag: str | None, last_modified: str | None) -> int:
        """Remember new items as pending and the feed's validators, atomically; returns how
        many items were new."""
        now = iso(utc_now())
        new = 0
        with self.transaction():
            for it in items:
                cur = self.execute(
                    "INSERT INTO feed_items (feed_id, item_key, url, title, published, status, "
                    "first_seen, updated) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) "
                    "ON CONFLICT (feed_id, item_key) DO NOTHING",
                    (feed_id, it.key, it.url, it.title, iso(it.published), now, now))
                new += max(cur.rowcount, 0)
            self.execute(
                "UPDATE feeds SET title = COALESCE(?, title), kind = ?, etag = ?, "
                "last_modified = ? WHERE id = ?", (title, kind, etag, last_modified, feed_id))
        return new

    def pending_feed_items(self, feed_id: int, max_attempts: int) -> list[PendingItem]:
        """Items still to fetch, oldest publication first (story assignment prefers order)."""
        rows = self.query(
            "SELECT feed_id, item_key, url, title, published, attempts FROM feed_items "
            "WHERE feed_id = ? AND status IN ('pending', 'error') AND attempts < ? "
            "ORDER BY published IS NULL, published, first_seen, item_key",
            (feed_id, max_attempts))
        return [PendingItem(int(r[0]), r[1], r[2], r[3], from_iso(r[4]), int(r[5])) for r in rows]

    def mark_feed_item(self, feed_id: int, key: str, status: str, article_id: int | None = None,
                       reason: str | None = None) -> None:
        """Record an item's outcome: a final status, or ``error`` (tried again next poll)."""
        with self.transaction():
            self.execute(
                "UPDATE feed_items SET status = ?, article_id = COALESCE(?, article_id), "
                "reason = ?, attempts = attempts + 1, updated = ? "
                "WHERE feed_id = ? AND item_key = ?",
                (status, article_id, reason, iso(utc_now()), feed_id, key))

    def feed_polled(self, feed_id: int, error: str | None) -> None:
        now = iso(utc_now())
        with self.transaction():
            if error is None:
                self.execute("UPDATE feeds SET last_poll = ?, last_ok = ?, last_error = NULL, "
                             "n_errors = 0 WHERE id = ?", (now, now, feed_id))
            else:
                self.execute("UPDATE feeds SET last_poll = ?, last_error = ?, "
                             "n_errors = n_errors + 1 WHERE id = ?", (now, error, feed_id))

    def feed_item_counts(self, feed_id: int) -> dict[str, int]:
        return {str(r[0]): int(r[1]) for r in self.query(
            "SELECT status, COUNT(*) FROM feed_items WHERE feed_id = ? GROUP BY status",
            (feed_id,))}

    # --- watchlists ------------------------------------------------------------------------
    def add_watchlist(self, w: Watchlist) -> int:
        with self.transaction():
            cur = self.execute(
                "INSERT INTO watchlists (name, criteria, created) VALUES (?, ?, ?) RETURNING id",
                (w.name, json.dumps(w.criteria(), ensure_ascii=False), iso(utc_now())))
            return int(cur.fetchone()[0])

    def list_watchlists(self) -> list[Watchlist]:
        out = []
        for wid, name, criteria, created in self.query(
                "SELECT id, name, criteria, created FROM watchlists WHERE removed IS NULL "
                "ORDER BY id"):
            c = json.loads(criteria)
            out.append(Watchlist(
                id=int(wid), name=name, keywords=tuple(c.get("keywords", ())),
                languages=tuple(c.get("languages", ())), sources=tuple(c.get("sources", ())),
                actors=tuple(c.get("actors", ())), event_types=tuple(c.get("event_types", ())),
                created=from_iso(created)))
        return out

    def remove_watchlist(self, watchlist_id: int) -> bool:
        """Stop watching; the watchlist's past alerts are kept."""
        with self.transaction():
            cur = self.execute("UPDATE watchlists SET removed = ? WHERE id = ? AND removed IS NULL",
                               (iso(utc_now()), watchlist_id))
            return bool(cur.rowcount)

    # --- alerts ----------------------------------------------------------------------------
    def add_alert(self, watchlist_id: int, kind: str, dedupe_key: str, story_id: int | None,
                  article_id: int | None, event_id: str | None, payload: dict[str, Any]
                  ) -> int | None:
        """Store an alert unless one with ``dedupe_key`` exists; returns the new id."""
        with self.transaction():
            row = self.execute(
                "INSERT INTO alerts (watchlist_id, kind, dedupe_key, story_id, article_id, "
                "event_id, created, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                (watchlist_id, kind, dedupe_key, story_id, article_id, event_id,
                 iso(utc_now()), json.dumps(payload, ensure_ascii=False))).fetchone()
        return int(row[0]) if row else None

    def story_watched(self, watchlist_id: int, story_id: int) -> bool:
        return self.query_one("SELECT 1 FROM alerts WHERE watchlist_id = ? AND story_id = ? "
                              "LIMIT 1", (watchlist_id, story_id)) is not None

    def _alert(self, r: Sequence[Any]) -> Alert:
        return Alert(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], from_iso(r[6]) or utc_now(),
                     json.loads(r[7]), from_iso(r[8]), r[9])

    def list_alerts(self, since: datetime | None = None, watchlist_id: int | None = None,
                    after_id: int = 0, undelivered: bool = False, limit: int = 1000
                    ) -> list[Alert]:
        """Alerts in creation order."""
        where: list[str] = ["id > ?"]
        params: list[Any] = [after_id]
        if since is not None:
            where.append("created >= ?")
            params.append(iso(since))
        if watchlist_id is not None:
            where.append("watchlist_id = ?")
            params.append(watchlist_id)
        if undelivered:
            where.append("delivered IS NULL")
        rows = self.query(f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE {' AND '.join(where)} "
                          "ORDER BY id LIMIT ?", [*params, limit])
        return [self._alert(r) for r in rows]

    def last_alert_id(self) -> int:
        row = self.query_one("SELECT MAX(id) FROM alerts")
        return int(row[0]) if row and row[0] is not None else 0

    def mark_alert_delivered(self, alert_id: int, error: str | None = None) -> None:
        with self.transaction():
            if error is None:
                self.execute("UPDATE alerts SET delivered = ?, delivery_error = NULL "
                             "WHERE id = ?", (iso(utc_now()), alert_id))
            else:
                self.execute("UPDATE alerts SET delivery_error = ? WHERE id = ?",
                             (error, alert_id))
