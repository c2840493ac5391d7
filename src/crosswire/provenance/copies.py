"""Copies at ingest: the commit hook that finds near-verbatim copies and keeps the signals.

Reads the newly stored article (clean text, debris, byline, time) and, from the store, the
articles that share an LSH band key with it; writes its band keys (``lsh_bands``), the
copies it finds (``article_relations``, method ``minhash``) and its machine-written signals
(``article_signals``). The cost per article is one signature, one indexed lookup of 32 keys
and an exact Jaccard check of at most ``copy_max_candidates`` texts, so it stays flat as the
store grows (bench/provenance.py measures it).

A candidate is a copy when the Jaccard similarity of the two shingle sets reaches
``copy_jaccard``, or when one text is nearly contained in the other (an excerpt: 90% of the
shorter text's shingles, and Jaccard at least 0.3). Which one is the copy: the one published
later; on equal or missing dates, the one with fewer specific details; then the later id.

Fails only with the store (``StoreError``), which rolls the article back like any hook.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crosswire.config import Settings
from crosswire.models import Article
from crosswire.provenance.shingles import (
    band_keys,
    containment,
    jaccard,
    shingle_set,
    signature,
)
from crosswire.provenance.signals import article_signals
from crosswire.store import Store
from crosswire.store.provenance import Relation
from crosswire.story_evidence import article_keys

EXCERPT_CONTAINMENT = 0.9
EXCERPT_MIN_JACCARD = 0.3


@dataclass(frozen=True, slots=True)
class Dated:
    """What deciding a direction needs to know about an article."""

    id: int
    published: datetime | None
    specificity: int


def specificity(article: Article) -> int:
    """How many specific details (figures, names) an article gives: its story keys."""
    keys = article.keys or article_keys(article)
    return len(keys)


def derivation_order(a: Dated, b: Dated) -> tuple[Dated, Dated]:
    """(derived, original): later publication first; then fewer details; then later id."""
    if a.published is not None and b.published is not None and a.published != b.published:
        return (a, b) if a.published > b.published else (b, a)
    if a.specificity != b.specificity:
        return (a, b) if a.specificity < b.specificity else (b, a)
    return (a, b) if a.id > b.id else (b, a)


def copy_evidence(j: float, c: float) -> dict[str, float]:
    return {"jaccard": round(j, 3), "containment": round(c, 3)}


def is_copy(j: float, c: float, threshold: float) -> bool:
    return j >= threshold or (c >= EXCERPT_CONTAINMENT and j >= EXCERPT_MIN_JACCARD)


class ProvenanceHook:
    """Commit hook: band keys, copies and machine-written signals of each stored article."""

    name = "provenance"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, store: Store, article: Article, is_update: bool) -> None:
        if article.id is None:
            return
        if is_update:
            store.delete_copy_relations(article.id)
        shingles = shingle_set(article.text)
        keys = band_keys(signature(shingles)) if shingles else []
        relations = find_copies(store, article, shingles, keys, self.settings)
        store.replace_lsh_keys(article.id, keys)
        store.add_relations(relations)
        store.save_signals(article.id, article.author,
                           [s.to_dict() for s in article_signals(article)])


def find_copies(store: Store, article: Article, shingles: set[str], keys: list[int],
                settings: Settings) -> list[Relation]:
    """Relations between ``article`` and the stored articles it copies or that copy it."""
    assert article.id is not None
    candidates = store.lsh_candidates(keys, article.id, settings.copy_max_candidates)
    if not candidates:
        return []
    texts = store.article_texts(candidates)
    found: list[tuple[int, float, float]] = []
    for cid in candidates:
        theirs = shingle_set(texts.get(cid, ""))
        j, c = jaccard(shingles, theirs), containment(shingles, theirs)
        if is_copy(j, c, settings.copy_jaccard):
            found.append((cid, j, c))
    if not found:
        return []
    me = Dated(article.id, article.published, specificity(article))
    out = []
    for cid, j, c in found:
        other = store.get_article(cid)
        them = Dated(cid, other.published, specificity(other))
        derived, original = derivation_order(me, them)
        out.append(Relation(derived.id, original.id, "copy", round(j, 4), "minhash",
                            copy_evidence(j, c)))
    return out
