"""One event, many reports: group coded sentences into the events of a story.

Reads an article's coded sentences (``Article.events``), its story and language; writes
``event_reports`` (one row per actor pair a sentence reports) and ``events``: reports with
the same story, type, source, target and negation are one event, whatever their language or
article. Counters (reports, articles, independent sources, languages, first and last seen)
are recomputed from the reports of every event an article touches, so an updated or moved
article never leaves stale counts. Runs inside the article's transaction; a failure rolls
the whole article back.

``independent_sources`` is the one place that decides what counts as an independent source
(today: distinct outlet names, each unnamed article its own source); the provenance
capability refines it. ``events_created_by`` is what a commit added, for alerts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from crosswire.models import Article, CodedEvent, Event
from crosswire.store import Store
from crosswire.store.events import EventFilter, ReportRow


@dataclass
class EventChanges:
    """What one article's commit did to the events table."""

    created: list[int] = field(default_factory=list)
    touched: list[int] = field(default_factory=list)


def independent_sources(reports: Iterable[tuple[int, str | None]]) -> int:
    """Independent sources among ``(article id, source name)`` pairs of an event's reports."""
    named: set[str] = set()
    unnamed: set[int] = set()
    for article_id, source in reports:
        if source:
            named.add(source.strip().casefold())
        else:
            unnamed.add(article_id)
    return len(named) + len(unnamed)


def dyads(ev: CodedEvent) -> list[tuple[str, str]]:
    """The actor pairs a coded sentence reports ('' for a missing side); mutual pairs in a
    canonical order so "X and Y signed" and "Y and X signed" are one event."""
    out: list[tuple[str, str]] = []
    for s in ev.sources or ("",):
        for t in ev.targets or ("",):
            if s == t:
                continue
            pair = tuple(sorted((s, t))) if ev.mutual and s and t else (s, t)
            if pair not in out:
                out.append(pair)  # type: ignore[arg-type]
    return out


def store_article_events(store: Store, article: Article) -> EventChanges:
    """Replace the article's reports and attach them to their story's events."""
    assert article.id is not None
    changes = EventChanges()
    touched = set(store.delete_reports(article.id))
    story = article.story_id or 0
    langs = {s.index: s.language for s in article.sentences}
    for ev in article.events:
        language = langs.get(ev.sentence) or article.language
        for source, target in dyads(ev):
            report = store.insert_report(article.id, ev, source, target, language)
            eid = store.find_event(story, ev.type, source, target, ev.negated)
            if eid is None:
                eid = store.create_event(story, ev.type, source, target, ev.negated,
                                         ev.mutual, article.id)
                changes.created.append(eid)
            store.set_report_event([report], eid)
            touched.add(eid)
    for eid in sorted(touched):
        refresh_event(store, eid)
    changes.touched = sorted(touched)
    return changes


def refresh_event(store: Store, event_id: int) -> None:
    """Recompute an event's summary from its reports; drop it when none is left."""
    rows = store.reports_for_events([event_id])
    if not rows:
        store.delete_event(event_id)
        return
    summarise(store, event_id, rows)


def summarise(store: Store, event_id: int, rows: list[ReportRow]) -> None:
    modes = Counter(r.mode for r in rows if r.mode)
    times = [r.time for r in rows if r.time]
    langs = Counter(r.language for r in rows if r.language)
    store.update_event_summary(
        event_id, mode=modes.most_common(1)[0][0] if modes else None,
        hedged=all(r.hedged for r in rows), reported=all(r.reported for r in rows),
        mutual=any(r.mutual for r in rows), n_reports=len(rows),
        n_articles=len({r.article_id for r in rows}),
        n_sources=independent_sources((r.article_id, r.article_source) for r in rows),
        languages=[lang for lang, _ in sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))],
        first_seen=min(times) if times else None, last_seen=max(times) if times else None)


def rebuild_events(store: Store, progress: Callable[[int], None] | None = None) -> int:
    """Regroup every stored report into events (after stories were rebuilt)."""
    with store.transaction():
        store.clear_events()
        groups: dict[tuple[int, str, str, str, bool], list[ReportRow]] = {}
        for r in store.iter_reports():
            key = (r.story_id or 0, r.type, r.source_id, r.target_id, r.negated)
            groups.setdefault(key, []).append(r)
        for n, (key, rows) in enumerate(groups.items(), start=1):
            eid = store.create_event(key[0], key[1], key[2], key[3], key[4],
                                     any(r.mutual for r in rows), rows[0].article_id)
            store.set_report_event([r.id for r in rows], eid)
            summarise(store, eid, store.reports_for_events([eid]))
            if progress is not None:
                progress(n)
    return len(groups)


def events_created_by(store: Store, article_id: int) -> list[Event]:
    """The events that the commit of ``article_id`` created (first reported by it)."""
    return store.list_events(EventFilter(created_by=article_id), limit=10_000)
