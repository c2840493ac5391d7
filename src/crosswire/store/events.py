"""Store queries for events (mixed into ``Store``; SQL lives only in store/).

Tables (migration 3): ``event_reports`` (one row per actor pair a sentence reports, with
offsets into the article) and ``events`` (one row per event of a story: type, source,
target, negation, with counters kept by ``refresh_event``); the ``event_edges`` view groups
events into graph edges. A missing actor is stored as '' so the event key is a plain unique
index.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crosswire.models import CodedEvent, Event, Evidence, from_iso, iso, utc_now


@dataclass(frozen=True, slots=True)
class ReportRow:
    """A stored report with what event grouping and counting need."""

    id: int
    article_id: int
    event_id: int | None
    type: str
    source_id: str
    target_id: str
    negated: bool
    hedged: bool
    reported: bool
    mutual: bool
    mode: str | None
    language: str | None
    article_source: str | None
    story_id: int | None
    time: str | None


@dataclass(frozen=True, slots=True)
class EventFilter:
    actor_ids: tuple[str, ...] | None = None
    type: str | None = None
    story_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    article_id: int | None = None
    created_by: int | None = None


_EVENT_COLUMNS = ("e.id, e.story_id, e.type, e.mode, e.source_id, e.target_id, e.mutual, "
                  "e.negated, e.hedged, e.reported, e.n_reports, e.n_articles, e.n_sources, "
                  "e.languages, e.first_seen, e.last_seen, sa.name, ta.name")
_REPORT_COLUMNS = ("r.id, r.article_id, r.event_id, r.type, r.source_id, r.target_id, "
                   "r.negated, r.hedged, r.reported, r.mutual, r.mode, r.language, a.source, "
                   "a.story_id, a.sort_key")


class EventStoreMixin:
    """Event queries; relies on ``Store.query``/``execute``/``transaction``."""

    query: Any
    query_one: Any
    execute: Any
    executemany: Any
    transaction: Any

    # --- reports ------------------------------------------------------------------------
    def delete_reports(self, article_id: int) -> list[int]:
        """Remove an article's reports; returns the events they belonged to."""
        with self.transaction():
            ids = [int(r[0]) for r in self.query(
                "SELECT DISTINCT event_id FROM event_reports WHERE article_id = ? "
                "AND event_id IS NOT NULL", (article_id,))]
            self.execute("DELETE FROM event_reports WHERE article_id = ?", (article_id,))
        return ids

    def insert_report(self, article_id: int, ev: CodedEvent, source_id: str, target_id: str,
                      language: str | None) -> int:
        with self.transaction():
            cur = self.execute(
                "INSERT INTO event_reports (article_id, sentence, start_char, end_char, type, "
                "mode, source_id, target_id, mutual, hedged, negated, reported, confidence, "
                "trigger_start, trigger_end, language) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (article_id, ev.sentence, ev.start, ev.end, ev.type, ev.mode, source_id,
                 target_id, int(ev.mutual), int(ev.hedged), int(ev.negated), int(ev.reported),
                 round(ev.confidence, 4), ev.trigger[0] if ev.trigger else None,
                 ev.trigger[1] if ev.trigger else None, language))
            return int(cur.fetchone()[0])

    def set_report_event(self, report_ids: Sequence[int], event_id: int | None) -> None:
        with self.transaction():
            self.executemany("UPDATE event_reports SET event_id = ? WHERE id = ?",
                             [(event_id, r) for r in report_ids])

    def reports_for_events(self, event_ids: Sequence[int]) -> list[ReportRow]:
        out: list[ReportRow] = []
        for chunk in chunks(list(event_ids), 400):
            marks = ",".join("?" * len(chunk))
            out += [self._report_row(r) for r in self.query(
                f"SELECT {_REPORT_COLUMNS} FROM event_reports r "
                f"JOIN articles a ON a.id = r.article_id WHERE r.event_id IN ({marks}) "
                "ORDER BY a.sort_key, r.article_id, r.sentence", chunk)]
        return out

    def reports_for_article(self, article_id: int) -> list[CodedEvent]:
        return [
            CodedEvent(sentence=int(r[0]), start=int(r[1]), end=int(r[2]), type=r[3],
                       sources=(r[5],) if r[5] else (), targets=(r[6],) if r[6] else (),
                       mode=r[4], mutual=bool(r[7]), hedged=bool(r[8]), negated=bool(r[9]),
                       reported=bool(r[10]), confidence=float(r[11]),
                       trigger=(int(r[12]), int(r[13])) if r[12] is not None else None,
                       event_id=r[14])
            for r in self.query(
                "SELECT sentence, start_char, end_char, type, mode, source_id, target_id, "
                "mutual, hedged, negated, reported, confidence, trigger_start, trigger_end, "
                "event_id FROM event_reports WHERE article_id = ? ORDER BY sentence, id",
                (article_id,))
        ]

    def iter_reports(self, batch: int = 1000) -> Iterator[ReportRow]:
        """Every report with its article's story, in publication order (for regrouping)."""
        last: tuple[str, int] = ("", 0)
        while True:
            rows = self.query(
                f"SELECT {_REPORT_COLUMNS} FROM event_reports r "
                "JOIN articles a ON a.id = r.article_id "
                "WHERE a.sort_key > ? OR (a.sort_key = ? AND r.id > ?) "
                "ORDER BY a.sort_key, r.id LIMIT ?", (last[0], last[0], last[1], batch))
            if not rows:
                return
            for r in rows:
                yield self._report_row(r)
            last = (rows[-1][14] or "", int(rows[-1][0]))

    @staticmethod
    def _report_row(r: Sequence[Any]) -> ReportRow:
        return ReportRow(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7]),
                         bool(r[8]), bool(r[9]), r[10], r[11], r[12], r[13], r[14])

    # --- events -------------------------------------------------------------------------
    def find_event(self, story_id: int, type: str, source_id: str, target_id: str,
                   negated: bool) -> int | None:
        row = self.query_one(
            "SELECT id FROM events WHERE story_id = ? AND type = ? AND source_id = ? AND "
            "target_id = ? AND negated = ?", (story_id, type, source_id, target_id,
                                              int(negated)))
        return int(row[0]) if row else None

    def create_event(self, story_id: int, type: str, source_id: str, target_id: str,
                     negated: bool, mutual: bool, article_id: int) -> int:
        with self.transaction():
            cur = self.execute(
                "INSERT INTO events (story_id, type, source_id, target_id, negated, mutual, "
                "first_article_id, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (story_id, type, source_id, target_id, int(negated), int(mutual), article_id,
                 iso(utc_now())))
            return int(cur.fetchone()[0])

    def update_event_summary(self, event_id: int, mode: str | None, hedged: bool,
                             reported: bool, mutual: bool, n_reports: int, n_articles: int,
                             n_sources: int, languages: list[str], first_seen: str | None,
                             last_seen: str | None) -> None:
        with self.transaction():
            self.execute(
                "UPDATE events SET mode = ?, hedged = ?, reported = ?, mutual = ?, "
                "n_reports = ?, n_articles = ?, n_sources = ?, languages = ?, first_seen = ?, "
                "last_seen = ? WHERE id = ?",
                (mode, int(hedged), int(reported), int(mutual), n_reports, n_articles,
                 n_sources, json.dumps(languages), first_seen, last_seen, event_id))

    def delete_event(self, event_id: int) -> None:
        with self.transaction():
            self.execute("UPDATE event_reports SET event_id = NULL WHERE event_id = ?",
                         (event_id,))
            self.execute("DELETE FROM events WHERE id = ?", (event_id,))

    def clear_events(self) -> None:
        """Forget every event (reports stay); before regrouping them into new stories."""
        with self.transaction():
            self.execute("UPDATE event_reports SET event_id = NULL")
            self.execute("DELETE FROM events")

    def clear_reports(self) -> None:
        with self.transaction():
            self.execute("DELETE FROM event_reports")
            self.execute("DELETE FROM events")

    def _row_to_event(self, r: Sequence[Any]) -> Event:
        return Event(id=int(r[0]), story_id=r[1] or None, type=r[2], mode=r[3],
                     source=r[4] or None, target=r[5] or None, mutual=bool(r[6]),
                     negated=bool(r[7]), hedged=bool(r[8]), reported=bool(r[9]),
                     n_reports=int(r[10]), n_articles=int(r[11]), n_sources=int(r[12]),
                     languages=json.loads(r[13] or "[]"), first_seen=from_iso(r[14]),
                     last_seen=from_iso(r[15]), source_name=r[16], target_name=r[17])

    def list_events(self, f: EventFilter, limit: int = 50, offset: int = 0,
                    with_evidence: bool = True) -> list[Event]:
        """Events matching ``f``, most recently reported first."""
        where = ["e.n_reports > 0"]
        params: list[Any] = []
        if f.actor_ids is not None:
            if not f.actor_ids:
                return []
            marks = ",".join("?" * len(f.actor_ids))
            where.append(f"(e.source_id IN ({marks}) OR e.target_id IN ({marks}))")
            params += [*f.actor_ids, *f.actor_ids]
        if f.type:
            where.append("e.type = ?")
            params.append(f.type)
        if f.story_id is not None:
            where.append("e.story_id = ?")
            params.append(f.story_id)
        if f.since is not None:
            where.append("e.last_seen >= ?")
            params.append(iso(f.since))
        if f.until is not None:
            where.append("e.first_seen <= ?")
            params.append(iso(f.until))
        if f.article_id is not None:
            where.append("e.id IN (SELECT event_id FROM event_reports WHERE article_id = ?)")
            params.append(f.article_id)
        if f.created_by is not None:
            where.append("e.first_article_id = ?")
            params.append(f.created_by)
        rows = self.query(
            f"SELECT {_EVENT_COLUMNS} FROM events e "
            "LEFT JOIN actors sa ON sa.id = e.source_id LEFT JOIN actors ta ON ta.id = "
            f"e.target_id WHERE {' AND '.join(where)} "
            "ORDER BY e.last_seen DESC, e.id DESC LIMIT ? OFFSET ?", [*params, limit, offset])
        events = [self._row_to_event(r) for r in rows]
        if with_evidence:
            self._fill_evidence(events)
        return events

    def get_event(self, event_id: int) -> Event | None:
        row = self.query_one(
            f"SELECT {_EVENT_COLUMNS} FROM events e LEFT JOIN actors sa ON sa.id = e.source_id "
            "LEFT JOIN actors ta ON ta.id = e.target_id WHERE e.id = ?", (event_id,))
        if row is None:
            return None
        ev = self._row_to_event(row)
        self._fill_evidence([ev])
        return ev

    def events_version(self) -> int:
        """A cache key for views of events: changes when reports or events are written (their
        newest ids; two index lookups)."""
        row = self.query_one("SELECT (SELECT MAX(id) FROM event_reports), "
                             "(SELECT MAX(id) FROM events)")
        return hash((row[0], row[1])) if row else 0

    def count_events(self) -> tuple[int, int]:
        """(events, reports)."""
        row = self.query_one("SELECT COUNT(*), COALESCE(SUM(n_reports), 0) FROM events")
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def _fill_evidence(self, events: list[Event]) -> None:
        by_id = {e.id: e for e in events}
        for chunk in chunks(list(by_id), 400):
            marks = ",".join("?" * len(chunk))
            for r in self.query(
                "SELECT r.event_id, r.article_id, r.sentence, r.start_char, r.end_char, "
                # CAST: PostgreSQL's substr takes int4, and our columns are 64-bit there
                "r.language, substr(a.text, CAST(r.start_char + 1 AS INTEGER), "
                "CAST(r.end_char - r.start_char AS INTEGER)), "
                "a.source, a.published, r.hedged, r.negated, r.reported, r.mode "
                "FROM event_reports r JOIN articles a ON a.id = r.article_id "
                f"WHERE r.event_id IN ({marks}) ORDER BY a.sort_key, r.article_id, r.sentence",
                chunk):
                ev = by_id[int(r[0])]
                item = Evidence(article_id=int(r[1]), sentence_index=int(r[2]), start=int(r[3]),
                                end=int(r[4]), language=r[5], sentence=r[6] or "",
                                source=r[7], published=from_iso(r[8]), hedged=bool(r[9]),
                                negated=bool(r[10]), reported=bool(r[11]), mode=r[12])
                if not any(x.article_id == item.article_id and
                           x.sentence_index == item.sentence_index for x in ev.evidence):
                    ev.evidence.append(item)

    def edge_reports(self, since: datetime | None, until: datetime | None,
                     types: Sequence[str] | None = None) -> list[tuple[Any, ...]]:
        """Reports of events with a source and a target, with the time of their article:
        (event id, type, source, target, mutual, hedged, article id, article source,
        time, story id). Negated events are not ties and are left out."""
        where = ["e.source_id <> ''", "e.target_id <> ''", "e.negated = 0"]
        params: list[Any] = []
        if since is not None:
            where.append("a.sort_key >= ?")
            params.append(iso(since))
        if until is not None:
            where.append("a.sort_key < ?")
            params.append(iso(until))
        if types:
            where.append(f"e.type IN ({','.join('?' * len(types))})")
            params += list(types)
        return [tuple(r) for r in self.query(
            "SELECT e.id, e.type, e.source_id, e.target_id, e.mutual, e.hedged, r.article_id, "
            "a.source, a.sort_key, e.story_id FROM event_reports r "
            "JOIN events e ON e.id = r.event_id JOIN articles a ON a.id = r.article_id "
            f"WHERE {' AND '.join(where)} ORDER BY a.sort_key, r.id", params)]

    def actor_names(self, actor_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """(name, type) of stored actors."""
        out: dict[str, tuple[str, str]] = {}
        for chunk in chunks(list(actor_ids), 400):
            marks = ",".join("?" * len(chunk))
            for aid, name, typ in self.query(
                    f"SELECT id, name, type FROM actors WHERE id IN ({marks})", chunk):
                out[aid] = (name, typ)
        return out

    def iter_coding_inputs(self, batch: int = 200) -> Iterator[int]:
        """Ids of every article, for recoding."""
        last = 0
        while True:
            rows = self.query("SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                              (last, batch))
            if not rows:
                return
            for r in rows:
                yield int(r[0])
            last = int(rows[-1][0])


def chunks(items: list[Any], n: int) -> Iterator[list[Any]]:
    """``items`` in slices of ``n`` (for IN (...) lists under the backend's parameter cap)."""
    for i in range(0, len(items), n):
        yield items[i : i + n]
