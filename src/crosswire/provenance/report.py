"""Provenance read side: per-article records, a story's derivation tree, per-source figures
and the origins that independence counts.

Reads the store (articles, relations, signals) and, for translations and rewrites, runs
``derive`` on a story the first time it is asked about (and again only when the story's
members changed: ``story_provenance`` remembers them); writes those relations back. Copies
were found at ingest. Fails with ``NotFound`` for an unknown article or story and with
``EncoderError`` when the model cannot run.

Which original an article derives from: a copy relation first (its text is the same), then
the earliest original (a second translation of a wire story matches the first translation
as well as the wire: the wire is the source), then translation before rewrite, then the
highest score. Its **root** (``original``)
follows those links back to an article that derives from nothing; relations never form a
cycle (each points from a later article to an earlier one, ties by id), and the walk stops
after 50 steps in any case.
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crosswire.align import AlignOptions
from crosswire.claims import source_name
from crosswire.config import Settings
from crosswire.embed import Encoder
from crosswire.models import Article
from crosswire.provenance.derive import derive_relations
from crosswire.provenance.signals import (
    MachineScore,
    derived_signal,
    machine_score,
    signals_from_dicts,
)
from crosswire.store import Store
from crosswire.store.provenance import ArticleRow, Relation

KIND_ORDER = {"copy": 0, "translation": 1, "rewrite": 2}
_MAX_CHAIN = 50


@dataclass(slots=True)
class ArticleProvenance:
    """Everything provenance says about one article (the ``provenance`` JSON object)."""

    article_id: int
    machine: MachineScore
    flagged: bool
    debris: list[str]
    best: Relation | None
    original: int | None
    relations: list[Relation] = field(default_factory=list)
    derived_by: list[Relation] = field(default_factory=list)

    @property
    def independent(self) -> bool:
        return self.best is None

    def of(self, kind: str) -> int | None:
        return self.best.original_id if self.best is not None and self.best.kind == kind else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "machine_written": {**self.machine.to_dict(), "flagged": self.flagged},
            "debris": list(self.debris),
            "copy_of": self.of("copy"),
            "translation_of": self.of("translation"),
            "rewrite_of": self.of("rewrite"),
            "original": self.original,
            "independent": self.independent,
            "relations": [relation_dict(r) for r in self.relations],
            "derived_by": [{"article_id": r.article_id, "kind": r.kind,
                            "score": round(r.score, 3)} for r in self.derived_by],
        }


def relation_dict(r: Relation) -> dict[str, Any]:
    return {"kind": r.kind, "of": r.original_id, "score": round(r.score, 3),
            "method": r.method, "evidence": r.evidence}


def best_relation(relations: Iterable[Relation], published: Mapping[int, str]
                  ) -> Relation | None:
    """The one original an article is shown to derive from (see the module docstring)."""
    return min(relations, key=lambda r: (r.kind != "copy", published.get(r.original_id, ""),
                                         KIND_ORDER.get(r.kind, 9), -r.score,
                                         r.original_id), default=None)


def members_signature(articles: Sequence[Article]) -> str:
    h = hashlib.blake2b(digest_size=12)
    for a in sorted(articles, key=lambda a: a.id or 0):
        h.update(f"{a.id}:{a.content_hash};".encode())
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class SourceFigures:
    source: str
    n_articles: int
    languages: list[str]
    n_machine_written: int
    n_derived: int
    n_flagged: int
    median_lag_hours: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "n_articles": self.n_articles,
                "languages": self.languages,
                "n_machine_written": self.n_machine_written, "n_derived": self.n_derived,
                "share_flagged": round(self.n_flagged / self.n_articles, 3),
                "median_lag_hours": None if self.median_lag_hours is None
                else round(self.median_lag_hours, 2)}


class ProvenanceService:
    """The provenance use cases over one store and encoder."""

    def __init__(self, store: Store, encoder: Encoder, settings: Settings,
                 align: AlignOptions | None = None) -> None:
        self.store = store
        self.encoder = encoder
        self.settings = settings
        self.align = align or AlignOptions(threshold=settings.align_threshold,
                                           gap=settings.align_gap,
                                           many_drop=settings.align_many_drop,
                                           max_sentences=settings.compare_max_sentences)

    # --- computing ---------------------------------------------------------------------
    def ensure_story(self, story_id: int) -> None:
        """Work out a story's translations and rewrites unless its members are unchanged."""
        light = self.store.list_articles(story_id=story_id)
        signature = members_signature(light)
        if self.store.story_provenance_members(story_id) == signature:
            return
        ids = [a.id for a in light if a.id is not None]
        relations: list[Relation] = []
        if len(ids) >= 2:
            cap = self.settings.provenance_max_articles
            chosen = [self.store.get_article(i) for i in ids[:cap]]
            scores = self.ingest_scores(ids)
            copies = {(r.article_id, r.original_id) for r in self.store.relations_for(ids)
                      if r.kind == "copy"}
            relations = derive_relations(chosen, self.encoder, self.align, scores,
                                         self.settings.provenance_threshold, copies, story_id)
        self.store.replace_story_relations(story_id, ids, signature, relations)

    def ensure_stories(self, story_ids: Iterable[int]) -> None:
        for sid in dict.fromkeys(story_ids):
            self.ensure_story(sid)

    def ingest_scores(self, article_ids: Sequence[int]) -> dict[int, float]:
        """Machine-written scores from the ingest-time signals only (no relations)."""
        return {aid: machine_score(signals_from_dicts(sig)).score
                for aid, (_, sig) in self.store.signals_for(article_ids).items()}

    # --- reading -----------------------------------------------------------------------
    def articles(self, article_ids: Sequence[int], ensure: bool = True
                 ) -> dict[int, ArticleProvenance]:
        """Provenance of some articles (their stories analysed first unless ``ensure`` is off)."""
        rows = self.store.article_rows(article_ids)
        if ensure:
            self.ensure_stories(r.story_id for r in rows if r.story_id is not None)
        relations = self.store.relations_for(article_ids)
        published = self._published({r.original_id for r in relations}
                                    | {r.article_id for r in relations} | set(article_ids))
        signals = self.store.signals_for(article_ids)
        debris = {a: self._debris(a) for a in article_ids}
        best = self._best_map(relations, published)
        out = {}
        for aid in article_ids:
            mine = [r for r in relations if r.article_id == aid]
            b = best.get(aid)
            sigs = signals_from_dicts(signals.get(aid, (None, []))[1])
            if b is not None:
                sigs.append(derived_signal(b.kind, b.original_id, b.score))
            m = machine_score(sigs)
            out[aid] = ArticleProvenance(
                aid, m, m.score >= self.settings.machine_threshold, debris[aid], b,
                self._root(aid, best) if b is not None else None, mine,
                [r for r in relations if r.original_id == aid and best.get(r.article_id) == r])
        return out

    def article(self, article_id: int) -> ArticleProvenance:
        self.store.get_article(article_id)  # NotFound for an unknown id
        return self.articles([article_id])[article_id]

    def _debris(self, article_id: int) -> list[str]:
        row = self.store.get_article(article_id)
        return list(row.debris)

    def _published(self, ids: Iterable[int]) -> dict[int, str]:
        return {r.id: r.sort_key for r in self.store.article_rows(ids)}

    def _best_map(self, relations: Sequence[Relation], published: Mapping[int, str]
                  ) -> dict[int, Relation]:
        by_article: dict[int, list[Relation]] = {}
        for r in relations:
            by_article.setdefault(r.article_id, []).append(r)
        out: dict[int, Relation] = {}
        for aid, rels in by_article.items():
            b = best_relation(rels, published)
            if b is not None:
                out[aid] = b
        return out

    def _root(self, article_id: int, best: Mapping[int, Relation]) -> int:
        """Follow best originals back; loads the relations of originals outside ``best``."""
        current, seen = article_id, {article_id}
        known = dict(best)
        for _ in range(_MAX_CHAIN):
            rel = known.get(current)
            if rel is None:
                more = [r for r in self.store.relations_for([current]) if r.article_id == current]
                rel = best_relation(more, self._published({r.original_id for r in more}))
                if rel is None:
                    return current
                known[current] = rel
            if rel.original_id in seen:
                return current
            seen.add(rel.original_id)
            current = rel.original_id
        return current

    def origins(self, article_ids: Sequence[int], ensure: bool = True) -> dict[int, int]:
        """Article id -> its root article (itself when it derives from nothing)."""
        prov = self.articles(list(article_ids), ensure)
        return {aid: p.original if p.original is not None else aid for aid, p in prov.items()}

    def origin_sources(self, articles: Sequence[Article], ensure: bool = True
                       ) -> dict[int, str]:
        """Article id -> the outlet of its root article: what independence counts."""
        ids = [a.id for a in articles if a.id is not None]
        roots = self.origins(ids, ensure)
        names = {r.id: _source_of_row(r) for r in self.store.article_rows(set(roots.values()))}
        return {aid: names.get(root, f"article {root}") for aid, root in roots.items()}

    def independent_count(self, story_id: int, ensure: bool = True) -> int:
        """Independent sources of a story: outlets of the root articles of its members."""
        articles = self.store.list_articles(story_id=story_id)
        return len(set(self.origin_sources(articles, ensure).values()))

    def story_tree(self, story_id: int) -> dict[str, Any]:
        """The story's articles as a derivation forest, roots and children earliest first."""
        story = self.store.get_story(story_id, with_articles=True)
        ids = [a.id for a in story.articles if a.id is not None]
        prov = self.articles(ids)
        by_id = {a.id: a for a in story.articles}
        children: dict[int, list[int]] = {}
        roots = []
        for aid in ids:  # already in publication order
            b = prov[aid].best
            if b is not None and b.original_id in by_id:
                children.setdefault(b.original_id, []).append(aid)
            else:
                roots.append(aid)

        def node(aid: int, depth: int = 0) -> dict[str, Any]:
            a, p = by_id[aid], prov[aid]
            return {"article_id": aid, "title": a.title, "source": source_name(a),
                    "language": a.language, "published": a.to_dict()["published"],
                    "relation": None if p.best is None else relation_dict(p.best),
                    "machine_written": {"score": round(p.machine.score, 3),
                                        "flagged": p.flagged, "reasons": p.machine.reasons},
                    "children": [node(c, depth + 1) for c in children.get(aid, [])
                                 if depth < _MAX_CHAIN]}

        return {"story": story.to_dict(with_articles=False),
                "n_independent": self.independent_count(story_id, ensure=False),
                "n_independent_articles": len(roots), "n_derived": len(ids) - len(roots),
                "tree": [node(r) for r in roots]}

    def sources(self, ensure: bool = True) -> list[SourceFigures]:
        """Per source: articles, languages, how many flagged, median lag behind first report."""
        rows = self.store.article_rows()
        if ensure:
            self.ensure_stories({r.story_id for r in rows if r.story_id is not None})
        ids = [r.id for r in rows]
        relations = self.store.relations_for(ids) if ids else []
        derived = {r.article_id for r in relations}
        signals = self.store.signals_for(ids)
        firsts = self.store.story_first_published()
        groups: dict[str, list[ArticleRow]] = {}
        for r in rows:
            groups.setdefault(_source_of_row(r), []).append(r)
        out = []
        for src, members in groups.items():
            mw = 0
            flagged = 0
            lags = []
            for r in members:
                sigs = signals_from_dicts(signals.get(r.id, (None, []))[1])
                if r.id in derived:
                    sigs.append(derived_signal("rewrite", 0, 1.0))
                is_mw = machine_score(sigs).score >= self.settings.machine_threshold
                mw += is_mw
                flagged += is_mw or r.id in derived
                lag = _lag_hours(r.published, firsts.get(r.story_id) if r.story_id else None)
                if lag is not None:
                    lags.append(lag)
            langs = sorted({r.language for r in members if r.language})
            out.append(SourceFigures(src, len(members), langs, mw,
                                     sum(r.id in derived for r in members), flagged,
                                     statistics.median(lags) if lags else None))
        out.sort(key=lambda s: (-s.n_articles, s.source))
        return out


def _source_of_row(row: ArticleRow) -> str:
    return source_name(Article(text="", id=row.id, source=row.source, url=row.url))


def _lag_hours(published: str | None, first: str | None) -> float | None:
    if not published or not first:
        return None
    try:
        return max(0.0, (datetime.fromisoformat(published) - datetime.fromisoformat(first)
                         ).total_seconds() / 3600.0)
    except ValueError:
        return None
