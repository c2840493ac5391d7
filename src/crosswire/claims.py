"""Claims: what the sources of a story say together, alone, and leave out.

Reads a ``StoryAlignment`` and the articles it came from; returns a ``ClaimSet`` and writes
nothing. Each group of aligned sentences is a claim; each sentence that no other source
states is a claim of its own source. Every claim carries its support: the article, sentence
index and character offsets of each sentence behind it.

* **shared**: supported by two or more independent sources;
* **unique**: supported by one source (a source's angle on the story);
* **omissions**: a shared claim that more than half of the story's sources state (at least
  three sources in the story), with the sources that leave it out.

Independence is one function, ``independent_sources``: distinct outlets, after each copy,
translation or rewrite is folded into the outlet of its original (``origins``, which
``crosswire.provenance`` supplies: ``Crosswire.independence``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from crosswire.align import StoryAlignment, Unit
from crosswire.models import Article


def source_name(article: Article) -> str:
    """The outlet an article comes from: its source, else its web host, else the article."""
    if article.source:
        return article.source
    if article.url:
        host = urlsplit(article.url).hostname
        if host:
            return host.removeprefix("www.")
    return f"article {article.id}"


@dataclass(frozen=True, slots=True)
class Support:
    """A span a claim rests on, as offsets into its article's text: a whole sentence, or
    part of one (a detail, the figure of a contradiction)."""

    article_id: int
    sentence: int
    start: int
    end: int
    language: str | None
    source: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "sentence": self.sentence, "start": self.start,
                "end": self.end, "language": self.language, "source": self.source,
                "text": self.text}


@dataclass(slots=True)
class Claim:
    """A statement with the sentences that make it; ``text`` is one of them."""

    id: str
    text: str
    language: str | None
    support: list[Support]
    sources: list[str]
    salience: float
    units: list[int] = field(default_factory=list)  # indices into StoryAlignment.units
    details: list[Support] = field(default_factory=list)  # parts only their source states
    rank: int = 0  # for unique claims: reading priority within the source (0 = first)
    event: str | None = None  # "MOBILIZE North Korea -> Russia" when grouped by a coded event

    @property
    def shared(self) -> bool:
        return len(self.sources) >= 2

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "language": self.language,
                "sources": list(self.sources), "n_sources": len(self.sources),
                "rank": self.rank, "support": [s.to_dict() for s in self.support],
                "details": [d.to_dict() for d in self.details], "event": self.event}


@dataclass(frozen=True, slots=True)
class Omission:
    """A claim most sources make, and the sources (with their articles) that leave it out."""

    claim: Claim
    missing: tuple[tuple[str, tuple[int, ...]], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"claim_id": self.claim.id, "text": self.claim.text,
                "language": self.claim.language, "n_sources": len(self.claim.sources),
                "missing": [{"source": s, "article_ids": list(ids)} for s, ids in self.missing]}


@dataclass(slots=True)
class ClaimSet:
    shared: list[Claim]
    unique: list[Claim]
    omissions: list[Omission]


Independence = Callable[[Sequence[Support]], list[str]]


def independent_sources(support: Sequence[Support],
                        origins: Mapping[int, str] | None = None) -> list[str]:
    """The independent sources behind some sentences: the distinct outlets, each article
    counted as the outlet of its original when ``origins`` (article id -> outlet of the
    earliest article it was copied, translated or rewritten from) says it derives from one.
    Without ``origins`` every outlet counts."""
    origin = origins or {}
    return list(dict.fromkeys(origin.get(s.article_id, s.source) for s in support))


def unit_salience(vectors: np.ndarray) -> np.ndarray:
    """How central each sentence is to the story: mean cosine to every other sentence."""
    n = len(vectors)
    if n < 2:
        return np.ones(n, dtype=np.float64)
    sims = (vectors @ vectors.T).astype(np.float64)
    return (sims.sum(axis=1) - np.diag(sims)) / (n - 1)


def _claim_id(units: Sequence[Unit]) -> str:
    h = hashlib.blake2b(digest_size=6)
    for u in sorted(units, key=lambda u: (u.article_id, u.sentence)):
        h.update(f"{u.article_id}:{u.sentence};".encode())
    return h.hexdigest()


def _support(unit: Unit, source: str) -> Support:
    return Support(unit.article_id, unit.sentence, unit.start, unit.end, unit.language, source,
                   unit.text)


def representative(alignment: StoryAlignment, members: Sequence[int],
                   reader_language: str | None = None) -> int:
    """The member that best stands for a group: in the reader's language when one is, and
    the closest to the other members."""
    pool = [m for m in members if reader_language and alignment.units[m].language
            == reader_language] or list(members)
    if len(members) < 2:
        return pool[0]

    def closeness(m: int) -> float:
        others = [o for o in members if alignment.units[o].article_id
                  != alignment.units[m].article_id]
        return float(np.mean([alignment.scores[m, o] for o in others])) if others else 0.0

    return max(pool, key=lambda m: (closeness(m), -m))


def join_event_reports(alignment: StoryAlignment,
                       events: Sequence[tuple[str, Sequence[tuple[int, int]]]]
                       ) -> dict[int, str]:
    """Group sentences of different articles that report the same coded event.

    The encoder can miss a paraphrase across languages ("Kuzey Kore'nin askeri birlikleri
    Rusya'da konuşlanmaya başladı" / "sending North Korean troops to Russia"), while the event
    coder finds one event, North Korea -> Russia MOBILIZE, in both. ``events`` are
    ``(label, [(article_id, sentence index), ...])``; for each, the first report of each
    article that no alignment group holds yet joins a new group when two or more articles
    take part. Returns the new groups' indices with their event labels; ``alignment.groups``
    is extended in place.
    """
    where = {(u.article_id, u.sentence): i for i, u in enumerate(alignment.units)}
    taken = set(alignment.group_index())
    added: dict[int, str] = {}
    for label, reports in events:
        members: dict[int, int] = {}
        for article_id, sentence in reports:
            i = where.get((article_id, sentence))
            if i is not None and i not in taken and article_id not in members:
                members[article_id] = i
        if len(members) >= 2:
            alignment.groups.append(sorted(members.values()))
            taken.update(members.values())
            added[len(alignment.groups) - 1] = label
    return added


def build_claims(alignment: StoryAlignment, articles: Sequence[Article],
                 reader_language: str | None = None,
                 independence: Independence = independent_sources,
                 event_groups: Mapping[int, str] | None = None) -> ClaimSet:
    """Shared claims, unique claims and omissions of an aligned story. ``event_groups``
    names the groups that ``join_event_reports`` made."""
    by_id: Mapping[int, Article] = {a.id: a for a in articles if a.id is not None}
    source_of = {aid: source_name(a) for aid, a in by_id.items()}
    salience = unit_salience(alignment.vectors) if len(alignment.units) else np.zeros(0)
    claims: list[Claim] = []
    grouped = alignment.group_index()
    singles = [[i] for i in range(len(alignment.units)) if i not in grouped]
    events = event_groups or {}
    for g, members in enumerate([*alignment.groups, *singles]):
        units = [alignment.units[m] for m in members]
        support = [_support(u, source_of.get(u.article_id, f"article {u.article_id}"))
                   for u in units]
        rep = alignment.units[representative(alignment, members, reader_language)]
        claims.append(Claim(
            id=_claim_id(units), text=rep.text, language=rep.language, support=support,
            sources=independence(support),
            salience=float(np.mean([salience[m] for m in members])), units=list(members),
            event=events.get(g)))
    shared = sorted((c for c in claims if c.shared),
                    key=lambda c: (-len(c.sources), -c.salience, c.id))
    order = {aid: k for k, aid in enumerate(by_id)}
    unique = sorted((c for c in claims if not c.shared),
                    key=lambda c: (order.get(c.support[0].article_id, 0), c.support[0].sentence))
    rank_angles(unique, alignment)
    return ClaimSet(shared, unique, find_omissions(shared, alignment, source_of))


def rank_angles(unique: Sequence[Claim], alignment: StoryAlignment,
                redundancy: float = 0.5) -> None:
    """Order each source's unique claims for reading: central first, but a claim close to
    one already ranked waits (maximal marginal relevance), so a source's distinct points
    come before its repetitions."""
    by_source: dict[str, list[Claim]] = {}
    for c in unique:
        by_source.setdefault(c.sources[0], []).append(c)
    for claims in by_source.values():
        vecs = np.stack([alignment.vectors[c.units].mean(axis=0) for c in claims])
        vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
        near = np.zeros(len(claims))  # similarity to the closest claim ranked so far
        left = list(range(len(claims)))
        for rank in range(len(claims)):
            value = [claims[i].salience - redundancy * near[i] for i in left]
            best = left.pop(int(np.argmax(value)))
            claims[best].rank = rank
            near = np.maximum(near, vecs @ vecs[best])


def find_omissions(shared: Sequence[Claim], alignment: StoryAlignment,
                   source_of: Mapping[int, str]) -> list[Omission]:
    """Claims that more than half of the story's sources make, and who leaves them out."""
    articles_of: dict[str, list[int]] = {}
    for aid in dict.fromkeys(u.article_id for u in alignment.units):
        articles_of.setdefault(source_of.get(aid, f"article {aid}"), []).append(aid)
    n_sources = len(articles_of)
    if n_sources < 3:
        return []
    out = []
    for claim in shared:
        if len(claim.sources) * 2 <= n_sources:
            continue
        stated = {s.source for s in claim.support}
        missing = tuple((src, tuple(ids)) for src, ids in articles_of.items()
                        if src not in stated)
        if missing:
            out.append(Omission(claim, missing))
    return out
