"""Alerts: a commit hook that stores an alert when a new article matches a watchlist, and
webhook delivery.

Reads the article just committed (with its story id, set by story assignment, and its
mentions when the actors stage ran), the active watchlists and, when wired, the events coded
for the article. Writes ``alerts`` rows in the article's own transaction, so an alert exists
exactly when its article does. Kinds:

- ``story``: a story matches a watchlist for the first time (a new story, or an old one that a
  new article made relevant);
- ``article``: a new article joins a story the watchlist already alerted on (it passes the
  watchlist's language and source filters; the topic criteria were met by the story);
- ``event``: a new event of a watched type (and actor), once events are wired (below).

Cost per article: one query for the watchlists (nothing else when there are none), one story
read, one casefold of the text, one regex per keyword watchlist. Alerts are deduplicated by a
key (watchlist + story / article / event), so re-ingesting never alerts twice.

Events: ``EVENT_SOURCE`` is a function ``(store, article) -> list[EventRef]`` returning the
events the article's commit created (``coded_events``); ``None`` switches event-type
watchlists off. Actor watchlists read ``Article.mentions``, filled by the actors stage.

Webhook delivery POSTs each alert as one JSON object through the guarded ``Fetcher`` (address
policy, retries); a failed delivery is recorded on the alert and retried next time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from crosswire.models import Article, Story, iso
from crosswire.store import Store
from crosswire.watchlists import (
    Alert,
    EventRef,
    Watchlist,
    match_article,
    matches_filters,
    matching_events,
)

log = logging.getLogger(__name__)

ACTORS_MIGRATION = 2
EVENTS_MIGRATION = 3
def coded_events(store: Store, article: Article) -> Sequence[EventRef]:
    """The events the article's commit created (``crosswire.events.stage.event_refs``)."""
    from crosswire.events.stage import event_refs

    return event_refs(store, article)


EVENT_SOURCE: Callable[[Store, Article], Sequence[EventRef]] | None = coded_events


def available_data(store: Store) -> frozenset[str]:
    """Which optional kinds of data this build and database produce (actors, events)."""
    versions = store.schema_versions()
    have = set()
    if ACTORS_MIGRATION in versions:
        have.add("actors")
    if EVENTS_MIGRATION in versions and EVENT_SOURCE is not None:
        have.add("events")
    return frozenset(have)


def alert_payload(w: Watchlist, article: Article, story: Story | None, reasons: list[str]
                  ) -> dict[str, Any]:
    """The snapshot stored with an alert: enough to read it without the database."""
    return {
        "watchlist": {"id": w.id, "name": w.name},
        "story": None if story is None else {
            "id": story.id, "title": story.title, "languages": story.languages,
            "n_articles": story.n_articles, "n_sources": story.n_sources,
            "first_seen": iso(story.first_seen), "new": story.n_articles <= 1},
        "article": {"id": article.id, "title": article.title, "language": article.language,
                    "source": article.source, "url": article.url,
                    "published": iso(article.published)},
        "reasons": reasons,
    }


def alerts_for_article(store: Store, article: Article, story: Story | None,
                       watchlists: Sequence[Watchlist], available: frozenset[str],
                       events: Sequence[EventRef] = ()) -> list[int]:
    """Store the alerts one committed article raises; returns the new alert ids."""
    assert article.id is not None
    new: list[int] = []
    folded: tuple[str, str] | None = None
    for w in watchlists:
        if w.id is None or w.waiting_for(available):
            continue
        sid = story.id if story else None
        if story is not None and store.story_watched(w.id, story.id):
            reasons = matches_filters(w, article)
            if reasons is not None:
                aid = store.add_alert(w.id, "article", f"{w.id}:article:{article.id}", sid,
                                      article.id, None, alert_payload(
                                          w, article, story, ["new article in a watched story",
                                                              *reasons]))
                new += [aid] if aid else []
        else:
            if folded is None:
                folded = ((article.title or "").casefold(), article.text.casefold())
            reasons = match_article(w, article, events, available, folded)
            if reasons is not None:
                key = f"{w.id}:story:{sid}" if sid else f"{w.id}:article:{article.id}"
                aid = store.add_alert(w.id, "story", key, sid, article.id, None,
                                      alert_payload(w, article, story, reasons))
                new += [aid] if aid else []
        if events and matches_filters(w, article) is not None:
            for ev in matching_events(w, events):
                aid = store.add_alert(w.id, "event", f"{w.id}:event:{ev.id}", sid, article.id,
                                      ev.id, alert_payload(w, article, story, [
                                          f"event {ev.type} {ev.source or '?'} -> "
                                          f"{ev.target or '?'}"]))
                new += [aid] if aid else []
    return new


@dataclass
class AlertHook:
    """Commit hook (runs last, after stories, actors and events hooks)."""

    name: str = "alerts"
    _available: frozenset[str] | None = None

    def __call__(self, store: Store, article: Article, is_update: bool) -> None:
        watchlists = store.list_watchlists()
        if not watchlists:
            return
        if self._available is None:
            self._available = available_data(store)
        story = (store.get_story(article.story_id, with_articles=False)
                 if article.story_id is not None else None)
        events = (EVENT_SOURCE(store, article)
                  if EVENT_SOURCE is not None and "events" in self._available else ())
        alerts_for_article(store, article, story, watchlists, self._available, events)

    def reset(self) -> None:
        self._available = None


def deliver_alerts(store: Store, post: Callable[[str, bytes], int], url: str,
                   alerts: Sequence[Alert]) -> tuple[int, list[str]]:
    """POST each alert to ``url``; returns (delivered, one-line errors). Never raises for a
    delivery failure: it is recorded on the alert, which stays undelivered."""
    from crosswire.errors import CrosswireError

    ok, errors = 0, []
    for alert in alerts:
        body = json.dumps(alert.to_dict(), ensure_ascii=False).encode("utf-8")
        try:
            post(url, body)
        except CrosswireError as exc:
            errors.append(f"alert {alert.id}: webhook {url}: {exc}")
            store.mark_alert_delivered(alert.id, error=str(exc))
            continue
        store.mark_alert_delivered(alert.id)
        ok += 1
    return ok, errors
