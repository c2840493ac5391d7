"""Watchlists and the matcher that decides whether an article concerns one.

Reads an ``Article`` (title, text, language, source, url, and ``mentions`` when the actors
stage has run), its story, and the events coded for it (when an events source is wired, see
``alerts.EVENT_SOURCE``). Writes nothing: it returns the reasons an article matches, or None.

Semantics: every kind of criterion a watchlist names must hold (AND); within a kind, any
value will do (OR). Keywords match case-insensitively at the start of a word, so "Kore" also
finds "Kore'nin" and "Rusya" finds "Rusya'da" (CJK keywords match anywhere). Sources match the
article's source name or its URL's host. Actors match a mention's actor id or name; event types
match an event of that PLOVER type (involving one of the actors, when actors are named too).

A watchlist that names actors or event types while that data is absent from this build is
"waiting": it matches nothing and ``watchlist list`` says what it waits for, instead of
silently never alerting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from crosswire.models import Article, iso

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
_NO_SPACES = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class EventRef:
    """What the matcher needs of a coded event (the events capability fills these)."""

    id: str
    type: str
    source: str | None = None  # actor id or name
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Watchlist:
    """Criteria an analyst watches for; see the module docstring for how they combine."""

    id: int | None = None
    name: str | None = None
    keywords: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    created: datetime | None = None

    def criteria(self) -> dict[str, list[str]]:
        return {"keywords": list(self.keywords), "languages": list(self.languages),
                "sources": list(self.sources), "actors": list(self.actors),
                "event_types": list(self.event_types)}

    @property
    def label(self) -> str:
        return self.name or f"watchlist {self.id}"

    def waiting_for(self, available: frozenset[str]) -> list[str]:
        """The kinds of data this watchlist needs that this build does not produce."""
        need = []
        if self.actors and "actors" not in available:
            need.append("actors")
        if self.event_types and "events" not in available:
            need.append("events")
        return need

    def status(self, available: frozenset[str]) -> str:
        missing = self.waiting_for(available)
        if not missing:
            return "active"
        what = " and ".join(missing)
        return (f"waiting for {what} data: matches nothing until this build produces "
                f"{what}")

    def to_dict(self, available: frozenset[str] = frozenset()) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, **self.criteria(),
                "created": iso(self.created), "status": self.status(available),
                "waiting_for": self.waiting_for(available)}


@dataclass(slots=True)
class Alert:
    """A stored alert: the watchlist, what happened, and a snapshot of the evidence."""

    id: int
    watchlist_id: int
    kind: str  # "story" (a story newly matches), "article" (new in a watched story), "event"
    story_id: int | None
    article_id: int | None
    event_id: str | None
    created: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    delivered: datetime | None = None
    delivery_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "created": iso(self.created), "kind": self.kind,
                "watchlist": self.payload.get("watchlist", {"id": self.watchlist_id}),
                "story": self.payload.get("story"), "article": self.payload.get("article"),
                "event_id": self.event_id, "reasons": self.payload.get("reasons", []),
                "delivered": iso(self.delivered), "delivery_error": self.delivery_error}


@lru_cache(maxsize=256)
def keyword_pattern(keywords: tuple[str, ...]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One regex over casefolded text for a watchlist's keywords (word-start anchored), and
    the keyword each top-level group stands for."""
    order = tuple(sorted({k.casefold().strip() for k in keywords if k.strip()}, key=len,
                         reverse=True))
    parts = [re.escape(kw) if _NO_SPACES.match(kw) or not kw[0].isalnum()
             else rf"(?<!\w){re.escape(kw)}" for kw in order]
    return re.compile("|".join(f"({p})" for p in parts)), order


def _host(url: str | None) -> str:
    if not url:
        return ""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def matches_filters(w: Watchlist, article: Article) -> list[str] | None:
    """Language and source filters only (they also gate new articles in watched stories)."""
    reasons = []
    if w.languages:
        if article.language not in w.languages:
            return None
        reasons.append(f"language {article.language}")
    if w.sources:
        name, host = (article.source or "").casefold(), _host(article.url)
        hit = next((s for s in w.sources if s.casefold() == name
                    or (host and (host == s.lower() or host.endswith("." + s.lower())))), None)
        if hit is None:
            return None
        reasons.append(f"source {hit}")
    return reasons


def _keyword_reasons(w: Watchlist, folded: tuple[str, str]) -> list[str] | None:
    pattern, order = keyword_pattern(w.keywords)
    found: dict[str, str] = {}
    for where, text in (("title", folded[0]), ("text", folded[1])):
        for m in pattern.finditer(text):
            found.setdefault(order[(m.lastindex or 1) - 1], where)
            if len(found) == len(order):
                break
    if not found:
        return None
    return [f"keyword {kw!r} in {where}" for kw, where in found.items()]


def _actor_hits(w: Watchlist, article: Article) -> list[str]:
    wanted = {a.casefold() for a in w.actors}
    hits = []
    for m in article.mentions:
        names = {m.actor_id.casefold(), (m.actor_name or "").casefold(), m.text.casefold()}
        if wanted & names:
            label = m.actor_name or m.actor_id
            if label not in hits:
                hits.append(label)
    return hits


def matching_events(w: Watchlist, events: Sequence[EventRef]) -> list[EventRef]:
    """Events of the watched types (and, when actors are named, involving one of them)."""
    if not w.event_types:
        return []
    wanted = {a.casefold() for a in w.actors}
    return [e for e in events if e.type.upper() in w.event_types and (
        not wanted or (e.source or "").casefold() in wanted
        or (e.target or "").casefold() in wanted)]


def match_article(w: Watchlist, article: Article, events: Sequence[EventRef] = (),
                  available: frozenset[str] = frozenset(),
                  folded: tuple[str, str] | None = None) -> list[str] | None:
    """Why ``article`` matches ``w``, or None. ``events`` are the events coded for it;
    ``folded`` = casefolded (title, text), so many watchlists share one casefold."""
    if w.waiting_for(available):
        return None
    reasons = matches_filters(w, article)
    if reasons is None:
        return None
    if w.keywords:
        folded = folded or ((article.title or "").casefold(), article.text.casefold())
        kw = _keyword_reasons(w, folded)
        if kw is None:
            return None
        reasons += kw
    if w.actors:
        hits = _actor_hits(w, article)
        if not hits and not w.event_types:
            return None
        reasons += [f"actor {h}" for h in hits]
    if w.event_types:
        evs = matching_events(w, events)
        if not evs:
            return None
        reasons += [f"event {e.type} {e.source or '?'} -> {e.target or '?'}" for e in evs]
    if not (w.keywords or w.actors or w.event_types or w.languages or w.sources):
        return None  # an empty watchlist watches nothing
    return reasons
