"""Brief: how each source and language tells one story, claim by claim.

Reads a story and its articles (text, sentences, language, source; mentions when the actors
stage has filled them) and an encoder; returns a ``Brief`` and writes nothing. The steps:

1. choose the articles (``max_articles``: the first article of each source in publication
   order, then the others), so a long story stays fast;
2. align their sentences (``crosswire.align``: one encoder call, cached by content);
3. claims: shared, unique, omissions (``crosswire.claims``), and the details one source adds
   to a shared claim (``crosswire.details``: one more encoder call);
4. contradictions between the sentences of each shared claim (``crosswire.contradictions``);
5. a short extractive summary (``crosswire.summary``) and a headline in the reader's language
   when an article in it has a title.

Actors, events and provenance are optional inputs: a section is present (a list) when its
capability supplied data and ``None`` when it did not run. Actors are also read from the
articles' mentions when any article has them. Fails with ``EncoderError`` if the model cannot
run; an empty story gives an empty brief.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crosswire.align import AlignOptions, align_articles
from crosswire.claims import (
    Claim,
    Independence,
    Omission,
    build_claims,
    independent_sources,
    join_event_reports,
    source_name,
)
from crosswire.contradictions import Contradiction, find_contradictions
from crosswire.details import find_details
from crosswire.embed import Encoder
from crosswire.models import Article, Story, iso
from crosswire.summary import SummaryItem, summarize


@dataclass(frozen=True, slots=True)
class BriefOptions:
    align: AlignOptions = field(default_factory=AlignOptions)
    max_articles: int = 40
    summary_sentences: int = 5


@dataclass(frozen=True, slots=True)
class ActorSummary:
    """An actor of the story, as the actors capability (or the articles' mentions) gives it."""

    id: str
    name: str
    type: str | None = None
    n_mentions: int = 0
    languages: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type,
                "n_mentions": self.n_mentions, "languages": list(self.languages)}


@dataclass(frozen=True, slots=True)
class EventSummary:
    """A coded event of the story, as the events capability gives it."""

    id: str
    type: str
    source: str | None
    target: str | None
    date: str | None = None
    hedged: bool = False
    evidence: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "source": self.source,
                "target": self.target, "date": self.date, "hedged": self.hedged,
                "evidence": list(self.evidence)}


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One article of the brief: who published it, in which language, and its title."""

    article_id: int
    source: str
    language: str | None
    title: str | None
    published: str | None
    url: str | None
    flags: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "source": self.source,
                "language": self.language, "title": self.title, "published": self.published,
                "url": self.url, "flags": list(self.flags)}


@dataclass(slots=True)
class Brief:
    story: Story
    headline: str
    reader_language: str | None
    sources: list[SourceInfo]
    summary: list[SummaryItem]
    shared_claims: list[Claim]
    unique_claims: list[Claim]
    omissions: list[Omission]
    contradictions: list[Contradiction]
    actors: list[ActorSummary] | None = None
    events: list[EventSummary] | None = None
    provenance: list[dict[str, Any]] | None = None
    n_articles_compared: int = 0

    def angle(self, source: str) -> list[dict[str, Any]]:
        """What one source says that no other does: its unique claims and its details."""
        items: list[dict[str, Any]] = [
            {"kind": "claim", **c.to_dict()} for c in self.unique_claims
            if c.sources == [source]]
        for c in self.shared_claims:
            items.extend({"kind": "detail", "claim_id": c.id, "text": d.text,
                          "language": d.language, "support": [d.to_dict()]}
                         for d in c.details if d.source == source)
        return items

    def to_dict(self) -> dict[str, Any]:
        unique: list[dict[str, Any]] = [{"kind": "claim", **c.to_dict()}
                                        for c in self.unique_claims]
        for c in self.shared_claims:
            unique.extend({"kind": "detail", "id": f"{c.id}-{k}", "part_of": c.id,
                           "text": d.text, "language": d.language, "sources": [d.source],
                           "n_sources": 1, "support": [d.to_dict()], "details": []}
                          for k, d in enumerate(c.details))
        return {
            "story": self.story.to_dict(with_articles=False),
            "headline": self.headline,
            "reader_language": self.reader_language,
            "sources": [s.to_dict() for s in self.sources],
            "n_articles_compared": self.n_articles_compared,
            "summary": [s.to_dict() for s in self.summary],
            "actors": None if self.actors is None else [a.to_dict() for a in self.actors],
            "events": None if self.events is None else [e.to_dict() for e in self.events],
            "shared_claims": [c.to_dict() for c in self.shared_claims],
            "unique_claims": unique,
            "omissions": [o.to_dict() for o in self.omissions],
            "contradictions": [c.to_dict() for c in self.contradictions],
            "provenance": self.provenance,
        }


def choose_articles(articles: Sequence[Article], limit: int) -> list[Article]:
    """At most ``limit`` articles: each source's first article, then the rest, in order."""
    if len(articles) <= limit:
        return list(articles)
    seen: set[str] = set()
    first: list[Article] = []
    rest: list[Article] = []
    for a in articles:
        src = source_name(a)
        (rest if src in seen else first).append(a)
        seen.add(src)
    chosen = (first + rest)[:limit]
    keep = {id(a) for a in chosen}
    return [a for a in articles if id(a) in keep]


def actors_from_mentions(articles: Sequence[Article]) -> list[ActorSummary] | None:
    """The story's actors from the articles' mentions; ``None`` when no article has any."""
    counts: dict[str, list[Any]] = {}
    for a in articles:
        for m in a.mentions:
            entry = counts.setdefault(m.actor_id, [m.actor_name or m.text, m.actor_type, 0,
                                                   set()])
            entry[2] += 1
            if a.language:
                entry[3].add(a.language)
    if not counts:
        return None
    return [ActorSummary(aid, e[0], e[1], e[2], tuple(sorted(e[3])))
            for aid, e in sorted(counts.items(), key=lambda kv: (-kv[1][2], kv[1][0]))]


def headline(story: Story, articles: Sequence[Article], reader_language: str | None) -> str:
    """The story title, unless an article in the reader's language has a title and the story
    title is in another language: then the first such article's title."""
    mine = [a.title for a in articles if a.title and a.language == reader_language]
    if mine and story.title not in mine:
        return mine[0]
    return story.title or next((a.title for a in articles if a.title), f"Story {story.id}")


def event_reports(events: Sequence[EventSummary]) -> list[tuple[str, list[tuple[int, int]]]]:
    """The reports of each event between two actors, as ``join_event_reports`` takes them.
    Negated reports are left out; hedged ones stay (one source states what another calls a
    possibility: the same claim, told differently) and the label says so."""
    out = []
    for e in events:
        if not e.source or not e.target:
            continue
        reports = [x for x in e.evidence if not x.get("negated")
                   and x.get("article_id") is not None and x.get("sentence_index") is not None]
        label = f"{e.type} {e.source} -> {e.target}"
        hedged = sorted({int(x["article_id"]) for x in reports if x.get("hedged")})
        if hedged:
            label += " (hedged in " + ", ".join(f"[{a}]" for a in hedged) + ")"
        out.append((label, [(int(x["article_id"]), int(x["sentence_index"])) for x in reports]))
    return out


def build_brief(story: Story, articles: Sequence[Article], encoder: Encoder,
                options: BriefOptions | None = None, reader_language: str | None = None,
                actors: Sequence[ActorSummary] | None = None,
                events: Sequence[EventSummary] | None = None,
                provenance: Sequence[dict[str, Any]] | None = None,
                independence: Independence = independent_sources) -> Brief:
    """Compare the articles of a story and assemble its brief; see the module docstring."""
    opts = options or BriefOptions()
    chosen = choose_articles(articles, opts.max_articles)
    alignment = align_articles(chosen, encoder, opts.align)
    claims = build_claims(alignment, chosen, reader_language, independence,
                          join_event_reports(alignment, event_reports(events or ())))
    find_details(encoder, alignment, claims.shared)
    summary = summarize([*claims.shared, *claims.unique], alignment, reader_language,
                        opts.summary_sentences, opts.align.threshold)
    sources = [SourceInfo(a.id, source_name(a), a.language, a.title, iso(a.published), a.url,
                          tuple(a.flags)) for a in chosen if a.id is not None]
    return Brief(
        story=story,
        headline=headline(story, chosen, reader_language),
        reader_language=reader_language,
        sources=sources,
        summary=summary,
        shared_claims=claims.shared,
        unique_claims=claims.unique,
        omissions=claims.omissions,
        contradictions=find_contradictions(claims.shared, chosen),
        actors=list(actors) if actors is not None else actors_from_mentions(chosen),
        events=list(events) if events is not None else None,
        provenance=list(provenance) if provenance is not None else None,
        n_articles_compared=len(chosen),
    )
