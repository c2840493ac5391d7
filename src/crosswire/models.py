"""Typed records that flow through crosswire.

A ``RawDocument`` is what a source yields; the pipeline turns it into an ``Article`` (text,
sentences as offsets, vector, story evidence) which the store keeps. Every span (sentence,
mention) is an offset pair into ``Article.text`` so each result leads back to its sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def from_iso(value: str | None) -> datetime | None:
    """The inverse of ``iso``: a stored ISO 8601 text back to a datetime (None stays None)."""
    return datetime.fromisoformat(value) if value else None


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 in UTC, second precision: sortable as text and stable across backends."""
    if dt is None:
        return None
    return dt.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(slots=True)
class RawDocument:
    """One document as read from a source, before cleaning.

    ``origin`` and ``line`` say where a user can find it (a path, ``<stdin>`` or a URL, and
    the line number inside a JSONL file); they appear in every rejection message.
    """

    origin: str
    line: int | None = None
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: datetime | None = None
    language: str | None = None
    external_id: str | None = None
    path: str | None = None
    fetched: datetime | None = None
    author: str | None = None  # byline, when the page or record names one

    @property
    def where(self) -> str:
        return f"{self.origin}:{self.line}" if self.line is not None else self.origin


@dataclass(slots=True, frozen=True)
class Sentence:
    """A sentence as offsets into the article's clean text."""

    index: int
    start: int
    end: int
    language: str | None = None


@dataclass(slots=True, frozen=True)
class Mention:
    """A name in the text linked to an actor (filled by the actors stage)."""

    start: int
    end: int
    text: str
    actor_id: str
    actor_name: str | None = None
    actor_type: str | None = None


@dataclass(slots=True, frozen=True)
class CodedEvent:
    """An event one sentence reports (filled by the events stage): who did what to whom.

    ``sources`` and ``targets`` are actor ids (several when names are coordinated: "the US
    and South Korea condemned..."); ``mutual`` means no direction ("X and Y signed a treaty").
    ``trigger`` is the (start, end) of the action word in ``Article.text`` when one was found.
    """

    sentence: int
    start: int
    end: int
    type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    mode: str | None = None
    mutual: bool = False
    hedged: bool = False
    negated: bool = False
    reported: bool = False
    confidence: float = 0.0
    trigger: tuple[int, int] | None = None
    event_id: int | None = None  # set once stored and grouped into an event

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "sentence": self.sentence, "start": self.start, "end": self.end, "type": self.type,
            "mode": self.mode, "sources": list(self.sources), "targets": list(self.targets),
            "mutual": self.mutual, "hedged": self.hedged, "negated": self.negated,
            "reported": self.reported, "confidence": round(self.confidence, 4),
            "trigger": list(self.trigger) if self.trigger else None,
        }


@dataclass(slots=True)
class Article:
    """An article: metadata, clean text, removed debris, sentences and its vector."""

    text: str
    title: str | None = None
    id: int | None = None
    external_id: str | None = None
    debris: list[str] = field(default_factory=list)
    language: str | None = None
    language_confidence: float | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    published: datetime | None = None
    fetched: datetime | None = None
    content_hash: str | None = None
    story_id: int | None = None
    flags: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    events: list[CodedEvent] = field(default_factory=list)
    vector: np.ndarray | None = None
    n_tokens: int = 0
    keys: frozenset[str] = frozenset()
    author: str | None = None  # byline from the page or record (kept by provenance)

    def sentence_text(self, sentence: Sentence) -> str:
        return self.text[sentence.start : sentence.end]

    @property
    def time(self) -> datetime | None:
        """The time that orders articles: publication, else when it was fetched."""
        return self.published

    def to_dict(self, full: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "external_id": self.external_id,
            "title": self.title,
            "language": self.language,
            "language_confidence": (
                None if self.language_confidence is None else round(self.language_confidence, 4)
            ),
            "source": self.source,
            "url": self.url,
            "path": self.path,
            "published": iso(self.published),
            "fetched": iso(self.fetched),
            "story_id": self.story_id,
            "flags": list(self.flags),
        }
        if full:
            d["text"] = self.text
            d["debris"] = list(self.debris)
            d["sentences"] = [
                {
                    "index": s.index,
                    "start": s.start,
                    "end": s.end,
                    "language": s.language,
                    "text": self.sentence_text(s),
                }
                for s in self.sentences
            ]
            d["mentions"] = [
                {
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "actor": {"id": m.actor_id, "name": m.actor_name, "type": m.actor_type},
                }
                for m in self.mentions
            ]
            d["events"] = [e.to_dict() for e in self.events]
        return d


@dataclass(slots=True)
class Story:
    """A cluster of articles about one real-world development, across languages."""

    id: int
    title: str | None
    languages: list[str]
    n_articles: int
    n_sources: int
    first_seen: datetime | None
    last_seen: datetime | None
    articles: list[Article] = field(default_factory=list)
    updated: datetime | None = None
    n_independent: int | None = None  # filled by provenance when asked for


    def to_dict(self, with_articles: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "languages": list(self.languages),
            "n_articles": self.n_articles,
            "n_sources": self.n_sources,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
        }
        if self.n_independent is not None:
            d["n_independent"] = self.n_independent
        if with_articles:
            d["articles"] = [a.to_dict() for a in self.articles]
        return d


@dataclass(slots=True)
class Actor:
    """An actor as stored: who it is, the names it was seen under, how often."""

    id: str
    name: str
    type: str
    wikidata: str | None = None
    n_mentions: int = 0
    n_articles: int = 0
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (name, language)
    known: bool = True  # from the knowledge base (False: a new actor found in the text)

    @property
    def languages(self) -> list[str]:
        return sorted({lang for _, lang in self.aliases if lang})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "type": self.type, "wikidata": self.wikidata,
            "aliases": [{"name": n, "language": lang or None} for n, lang in self.aliases],
            "n_mentions": self.n_mentions, "n_articles": self.n_articles,
            "languages": self.languages, "known": self.known,
        }


@dataclass(slots=True)
class Evidence:
    """One sentence that reports an event, pointing into its article's text."""

    article_id: int
    sentence_index: int
    start: int
    end: int
    language: str | None
    sentence: str
    source: str | None = None
    published: datetime | None = None
    hedged: bool = False
    negated: bool = False
    reported: bool = False
    mode: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "language": self.language,
                "sentence": self.sentence, "sentence_index": self.sentence_index,
                "start": self.start, "end": self.end, "source": self.source,
                "published": iso(self.published), "hedged": self.hedged,
                "negated": self.negated, "reported": self.reported, "mode": self.mode}


@dataclass(slots=True)
class Event:
    """One real-world event in a story, with every sentence (any language) that reports it.

    ``n_reports`` counts sentences, ``n_articles`` articles and ``n_sources`` independent
    sources (``events.merge.independent_sources``). ``hedged`` means every report is hedged;
    ``date`` is when it was first reported.
    """

    id: int
    story_id: int | None
    type: str
    source: str | None
    target: str | None
    mode: str | None = None
    source_name: str | None = None
    target_name: str | None = None
    mutual: bool = False
    hedged: bool = False
    negated: bool = False
    reported: bool = False
    n_reports: int = 0
    n_articles: int = 0
    n_sources: int = 0
    languages: list[str] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def date(self) -> datetime | None:
        return self.first_seen

    def to_dict(self, evidence: bool = True) -> dict[str, Any]:
        def actor(aid: str | None, name: str | None) -> dict[str, Any] | None:
            return None if not aid else {"id": aid, "name": name or aid}

        d: dict[str, Any] = {
            "id": self.id, "type": self.type, "mode": self.mode,
            "source": actor(self.source, self.source_name),
            "target": actor(self.target, self.target_name),
            "mutual": self.mutual, "hedged": self.hedged, "negated": self.negated,
            "reported": self.reported, "story_id": self.story_id, "date": iso(self.first_seen),
            "first_seen": iso(self.first_seen), "last_seen": iso(self.last_seen),
            "n_reports": self.n_reports, "n_articles": self.n_articles,
            "n_sources": self.n_sources, "languages": list(self.languages),
        }
        if evidence:
            d["evidence"] = [e.to_dict() for e in self.evidence]
        return d


Status = Literal["stored", "updated", "duplicate", "rejected"]


@dataclass(slots=True, frozen=True)
class IngestResult:
    """What happened to one input document."""

    status: Status
    origin: str
    line: int | None = None
    article_id: int | None = None
    story_id: int | None = None
    reason: str | None = None

    @property
    def where(self) -> str:
        return f"{self.origin}:{self.line}" if self.line is not None else self.origin


@dataclass(slots=True)
class IngestSummary:
    """Totals of one ingest run plus one line per rejected input."""

    stored: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: list[IngestResult] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. WARC records skipped, by kind

    def add(self, result: IngestResult) -> None:
        if result.status == "stored":
            self.stored += 1
        elif result.status == "updated":
            self.updated += 1
        elif result.status == "duplicate":
            self.duplicates += 1
        else:
            self.rejected.append(result)
        if result.article_id is not None and result.status in ("stored", "updated"):
            self.article_ids.append(result.article_id)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def to_dict(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "rejected": [
                {"origin": r.origin, "line": r.line, "reason": r.reason} for r in self.rejected
            ],
            "article_ids": list(self.article_ids),
            "notes": list(self.notes),
        }
