"""Translations and rewrites within a story, found by sentence alignment.

Reads the articles of one story (text, sentences, language, time, story keys), their
ingest-time signals and an encoder; returns ``Relation``s (method ``align``) and writes
nothing (``provenance.report`` stores them per story).

For each pair of articles of the story (at most ``provenance_max_articles``, earliest first)
the later one is the candidate copy (``copies.derivation_order``). Their claim sentences
are aligned with ``crosswire.align`` (the same units, vectors and calibrated scores as the
brief, so the vectors come from the cache) and the pair is described by named features:

* ``cov_derived``: share of the later article's sentences linked to the earlier one;
* ``cov_original``: share of the earlier article's sentences the later one restates;
* ``cov_specific``: the same share over the later article's sentences that carry a figure
  or a name (a farm rewrite pads the original's facts with generic sentences);
* ``strength``: mean calibrated score of the links (translations stand out more than two
  outlets' paraphrases of the same fact);
* ``order``: share of links that keep the sentence order (longest increasing run);
* ``length_fit``: how well the sentence lengths on one side predict those on the other
  (a translation keeps each sentence's share of the text);
* ``new_figures``: share of the later article's figures that the earlier one lacks (a
  rewrite adds none; an independent report brings its own);
  (and, outside the model, a veto: linked sentences that disagree on a figure or a date,
  "more than 40" / "about 30", are never derived from one another);
* ``machine``: the later article's machine-written score from its ingest-time signals;
* ``same_language``.

A small logistic model (weights in ``data/derivation.json``, fitted on the dev split of
``tests/data/provenance_gold.jsonl`` by ``tools/fit_provenance.py``) turns them into the
probability that the later article was derived from the earlier one; at
``provenance_threshold`` or above it is a **translation** when the languages differ and
both coverages reach ``TRANSLATION_COVERAGE``, otherwise a **rewrite**. Pairs already
linked as copies are left to the copy relation. Fails with ``EncoderError`` when the model
cannot run.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from crosswire.align import AlignOptions, Unit, align_units, claim_units, embed_units
from crosswire.contradictions import disagreeing_dates, disagreeing_figures
from crosswire.embed import Encoder
from crosswire.models import Article
from crosswire.numbers import figures
from crosswire.provenance.copies import Dated, derivation_order, specificity
from crosswire.store.provenance import Relation

FEATURES = ("cov_derived", "cov_original", "cov_specific", "strength", "order", "length_fit",
            "new_figures", "machine", "same_language")
TRANSLATION_COVERAGE = 0.75
# a figure, or a capitalised word inside the sentence (a name), or a CJK/Arabic run next to
# a digit: what makes a sentence specific rather than filler
_SPECIFIC = re.compile(r"\d|(?<=[\s(«\"„“])[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ][\w’'-]+")
MIN_UNITS = 2


@dataclass(frozen=True, slots=True)
class DerivationModel:
    weights: tuple[float, ...]
    bias: float

    def probability(self, x: Sequence[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "weights": [round(w, 4) for w in self.weights],
                "bias": round(self.bias, 4)}


@lru_cache(maxsize=1)
def load_model() -> DerivationModel:
    raw = json.loads(resources.files("crosswire.provenance").joinpath(
        "data/derivation.json").read_text(encoding="utf-8"))
    if tuple(raw["features"]) != FEATURES:
        raise ValueError("data/derivation.json was fitted on other features; refit it")
    return DerivationModel(tuple(float(w) for w in raw["weights"]), float(raw["bias"]))


@dataclass(frozen=True, slots=True)
class PairFeatures:
    derived: int
    original: int
    values: tuple[float, ...]
    n_links: int
    conflicts: tuple[str, ...] = ()
    """Figures or dates on which two linked sentences disagree ("40 / 30"): a copy,
    translation or rewrite repeats its source's figures, so any conflict rules derivation
    out."""

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 3) for k, v in zip(FEATURES, self.values, strict=True)}


def _increasing_share(pairs: list[tuple[int, int]]) -> float:
    """Share of links on the longest run that keeps both articles' sentence order."""
    if not pairs:
        return 0.0
    tails: list[int] = []
    for _, b in sorted(pairs):
        k = bisect.bisect_left(tails, b)
        if k == len(tails):
            tails.append(b)
        else:
            tails[k] = b
    return len(tails) / len(pairs)


def _length_fit(texts: list[tuple[str, str]]) -> float:
    """How well one side's sentence lengths predict the other's (correlation of log lengths;
    0 with fewer than three links). A translation keeps each sentence's share of the text;
    two outlets telling the same facts do not."""
    if len(texts) < 3:
        return 0.0
    a = np.log([max(len(x), 1) for x, _ in texts])
    b = np.log([max(len(y), 1) for _, y in texts])
    if float(a.std()) < 1e-9 or float(b.std()) < 1e-9:
        return 0.0
    return max(0.0, float(np.corrcoef(a, b)[0, 1]))


def _figures(article: Article) -> set[str]:
    return {k for k in article.keys if k.startswith("n:")}


def pair_features(derived: Article, original: Article, units: Sequence[Unit],
                  vectors: np.ndarray, options: AlignOptions, machine: float
                  ) -> PairFeatures:
    """Align two articles' units and describe the pair (see the module docstring)."""
    assert derived.id is not None and original.id is not None
    alignment = align_units(list(units), vectors, options)
    links = [(lk, alignment.units[lk.a], alignment.units[lk.b]) for lk in alignment.links]
    pairs = [(ua.sentence, ub.sentence) if ua.article_id == original.id
             else (ub.sentence, ua.sentence) for _, ua, ub in links]
    strength = float(np.mean([lk.score for lk, _, _ in links])) if links else 0.0
    fit = _length_fit([(ua.text, ub.text) for _, ua, ub in links])
    figs_d, figs_o = _figures(derived), _figures(original)
    new = len(figs_d - figs_o) / len(figs_d) if figs_d else 0.0
    linked = {lk.a for lk in alignment.links} | {lk.b for lk in alignment.links}
    specific = [i for i, u in enumerate(alignment.units)
                if u.article_id == derived.id and _SPECIFIC.search(u.text[1:])]
    cov_specific = (sum(i in linked for i in specific) / len(specific)) if specific else 0.0
    values = (alignment.coverage(derived.id, original.id),
              alignment.coverage(original.id, derived.id), cov_specific, strength,
              _increasing_share(pairs), fit, new, machine,
              1.0 if derived.language == original.language else 0.0)
    return PairFeatures(derived.id, original.id, values, len(links),
                        _conflicts([(ua.text, ua.language, ub.text, ub.language)
                                    for _, ua, ub in links]))


def _conflicts(linked: Sequence[tuple[str, str | None, str, str | None]]) -> tuple[str, ...]:
    """What linked sentences disagree on, as "A / B" (the contradiction rules of compare)."""
    out = []
    for ta, la, tb, lb in linked:
        (qa, da), (qb, db) = figures(ta, la), figures(tb, lb)
        out += [f"{x.text} / {y.text}" for x, y in disagreeing_figures(qa, qb)]
        out += [f"{x.text} / {y.text}" for x, y, _ in disagreeing_dates(da, db)]
    return tuple(out)


def story_pairs(articles: Sequence[Article], encoder: Encoder, options: AlignOptions,
                machine: Mapping[int, float], skip: set[tuple[int, int]] | None = None
                ) -> list[PairFeatures]:
    """Features of every (later, earlier) pair of the given articles, one encoder call."""
    units = {a.id: claim_units(a, options.max_sentences, options.min_words) for a in articles}
    flat = [u for a in articles for u in units[a.id]]
    vectors = embed_units(encoder, flat)
    start: dict[int | None, int] = {}
    k = 0
    for a in articles:
        start[a.id] = k
        k += len(units[a.id])
    dated = {a.id: Dated(a.id, a.published, specificity(a)) for a in articles if a.id}
    out = []
    for i, a in enumerate(articles):
        for b in articles[i + 1:]:
            if a.id is None or b.id is None:
                continue
            if len(units[a.id]) < MIN_UNITS or len(units[b.id]) < MIN_UNITS:
                continue
            if skip and ((a.id, b.id) in skip or (b.id, a.id) in skip):
                continue
            derived, _ = derivation_order(dated[a.id], dated[b.id])
            da, oa = (a, b) if derived.id == a.id else (b, a)
            idx = [*range(start[oa.id], start[oa.id] + len(units[oa.id])),
                   *range(start[da.id], start[da.id] + len(units[da.id]))]
            out.append(pair_features(da, oa, [flat[x] for x in idx], vectors[idx], options,
                                     machine.get(da.id, 0.0)))  # type: ignore[arg-type]
    return out


def classify(pair: PairFeatures, model: DerivationModel, threshold: float,
             story_id: int | None = None) -> Relation | None:
    """A translation or rewrite relation when the model says the pair is derived."""
    p = model.probability(pair.values)
    if p < threshold or pair.conflicts:
        return None
    f = dict(zip(FEATURES, pair.values, strict=True))
    translation = (f["same_language"] == 0.0 and f["cov_derived"] >= TRANSLATION_COVERAGE
                   and f["cov_original"] >= TRANSLATION_COVERAGE)
    evidence: dict[str, Any] = {"probability": round(p, 3), "links": pair.n_links,
                                **pair.as_dict()}
    return Relation(pair.derived, pair.original, "translation" if translation else "rewrite",
                    round(p, 4), "align", evidence, story_id)


def derive_relations(articles: Sequence[Article], encoder: Encoder, options: AlignOptions,
                     machine: Mapping[int, float], threshold: float,
                     skip: set[tuple[int, int]] | None = None, story_id: int | None = None,
                     model: DerivationModel | None = None) -> list[Relation]:
    """Translations and rewrites among a story's articles (see the module docstring)."""
    m = model or load_model()
    found = [classify(p, m, threshold, story_id)
             for p in story_pairs(articles, encoder, options, machine, skip)]
    return [r for r in found if r is not None]
