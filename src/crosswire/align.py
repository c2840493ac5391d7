"""Align: which sentences of different articles state the same thing, in any language.

Reads articles (clean text, sentence offsets, language) and an encoder; returns a
``StoryAlignment`` and writes nothing. Used by the comparison of a story (shared and unique
claims) and meant for provenance too (a translation is an article whose sentences are almost
all linked, in order, to an earlier one: ``StoryAlignment.coverage``).

Method, in four steps:

1. **Units.** The sentences that can carry a claim: not headings (a line without final
   punctuation), not questions, not very short lines, not the article talking about itself
   ("In this article, we will..."). At most ``max_sentences`` an article, from the top
   (news puts what matters first).
2. **Vectors.** Every unit of the story in one encoder call, passage side, through the
   content-hash cache, so a sentence is embedded once whatever story it appears in.
3. **Calibrated scores.** Raw e5 cosine has a high floor (unrelated sentences 0.70-0.83,
   translations 0.83-0.93) that moves with the language pair, the story's topic and the
   sentence. For each pair of articles we double-centre their cosine matrix: each sentence's
   mean similarity to the other article (leaving out its best match, shrunk towards what
   non-matching sentences of the two articles score) is subtracted, and the rest divided by
   the spread of the centred scores over the whole story (for a small story, shrunk towards
   the spread typical of our dev cases). A score is then "how many standard deviations this
   pair stands out from what these two sentences score with the rest of the other article",
   comparable across language pairs and stories, in the spirit of CSLS and LASER's margin
   scoring.
4. **Links and groups.** For each pair of articles, two units are linked when each is the
   other's best match (mutual best), the score reaches ``threshold``, and the match is
   unambiguous: both beat their second-best candidate by ``gap`` (a sentence that matches two
   sentences equally well shares a topic, not a claim). A unit next to a linked one may join
   the same match when that match is its own best too and it scores nearly as well as its
   neighbour (many-to-one: one source says in two sentences what another says in one).
   Links are merged into groups strongest first; a group keeps one sentence per article
   (plus such neighbours), and a merge that would break this is refused, so groups do not
   chain across a long story.

Fails with ``EncoderError`` when the model cannot run; never on odd text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from crosswire.embed import Encoder
from crosswire.models import Article

_END_PUNCT = re.compile(r"[.!…\"”»’'）)。！」』;:؛]$")
_QUESTION = re.compile(r"[?？؟]\s*[\"”»’')]?$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# the article describing itself: not a claim about the world
_META = re.compile(
    r"\b(?:in this (?:article|report|piece|analysis)|this article|we will (?:analy[sz]e|explore|"
    r"examine|discuss|look)|bu (?:yazıda|makalede|haberde|yazımızda)|in diesem (?:artikel|beitrag)|"
    r"dans cet article|en este artículo|в этой статье|в данной статье)\b|في هذا المقال|本文将|本文",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence considered for alignment, as offsets into its article's text."""

    article_id: int
    sentence: int
    start: int
    end: int
    language: str | None
    text: str


@dataclass(frozen=True, slots=True)
class AlignOptions:
    """Knobs of the aligner; ``Settings`` supplies them (see docs/compare.md)."""

    threshold: float = 1.9
    gap: float = 0.2
    many_drop: float = 0.75  # a neighbour joins when it scores at most this much below
    max_sentences: int = 40
    min_words: int = 4
    shrink: float = 3.0
    prior_spread: float = 0.03  # typical spread of centred scores (median over dev cases)
    prior_weight: float = 20.0  # how many sentence pairs' worth of weight the prior has


@dataclass(frozen=True, slots=True)
class Link:
    """Two units (indices into ``StoryAlignment.units``) that state the same thing."""

    a: int
    b: int
    score: float
    kind: Literal["mutual", "many"] = "mutual"


@dataclass(slots=True)
class StoryAlignment:
    """The units of a story, their vectors and calibrated scores, links and groups."""

    units: list[Unit]
    vectors: np.ndarray
    scores: np.ndarray
    links: list[Link] = field(default_factory=list)
    groups: list[list[int]] = field(default_factory=list)

    def group_index(self) -> dict[int, int]:
        """Unit index -> group index, for the units that belong to a group."""
        return {u: g for g, members in enumerate(self.groups) for u in members}

    def units_of(self, article_id: int) -> list[int]:
        return [i for i, u in enumerate(self.units) if u.article_id == article_id]

    def coverage(self, article_id: int, other_id: int) -> float:
        """Share of ``article_id``'s units linked directly to a unit of ``other_id``."""
        mine = self.units_of(article_id)
        if not mine:
            return 0.0
        linked = set()
        for link in self.links:
            ua, ub = self.units[link.a], self.units[link.b]
            if ua.article_id == article_id and ub.article_id == other_id:
                linked.add(link.a)
            elif ub.article_id == article_id and ua.article_id == other_id:
                linked.add(link.b)
        return len(linked) / len(mine)


# --- 1. units --------------------------------------------------------------------------------
def _word_count(text: str) -> int:
    return len(_CJK.findall(text)) // 2 + len(_CJK.sub(" ", text).split())


def is_heading(text: str, start: int, end: int, sentence: str) -> bool:
    """A whole line without final punctuation, like "Responses from Other Countries"."""
    line_start = start == 0 or text[start - 1] == "\n"
    line_end = end >= len(text) or text[end] == "\n"
    s = sentence.strip()
    return line_start and line_end and not _END_PUNCT.search(s) and _word_count(s) < 16


def is_claim_sentence(sentence: str, min_words: int = 4) -> bool:
    """Whether a sentence can state a claim: not a question, not too short, not meta-talk."""
    s = sentence.strip()
    return (_word_count(s) >= min_words and not _QUESTION.search(s)
            and not _META.search(s))


def claim_units(article: Article, max_sentences: int = 40, min_words: int = 4) -> list[Unit]:
    """The sentences of an article that may carry a claim, first ones first."""
    if article.id is None:
        return []
    out: list[Unit] = []
    for s in article.sentences:
        text = article.text[s.start:s.end]
        if is_heading(article.text, s.start, s.end, text) or not is_claim_sentence(
                text, min_words):
            continue
        out.append(Unit(article.id, s.index, s.start, s.end, s.language or article.language,
                        text))
        if len(out) >= max_sentences:
            break
    return out


# --- 2. vectors ------------------------------------------------------------------------------
def embed_units(encoder: Encoder, units: Sequence[Unit]) -> np.ndarray:
    """Sentence vectors for all units in one encoder call (passage side, cached by content)."""
    if not units:
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray(encoder.encode_passages([u.text for u in units]), dtype=np.float32)


# --- 3. calibrated scores --------------------------------------------------------------------
def calibrate(vectors: np.ndarray, owner: np.ndarray, shrink: float = 3.0,
              prior_spread: float = 0.03, prior_weight: float = 20.0) -> np.ndarray:
    """Double-centred, standardised cosine between units of different owners (articles).

    ``owner[i]`` says which article unit ``i`` comes from; pairs within one article get NaN.
    Centring is done per pair of articles, so what two languages (or two outlets) share in
    general is removed too; the spread is pooled over the whole story and, for a small story
    (two short articles), shrunk towards ``prior_spread``.
    """
    n = len(owner)
    out = np.full((n, n), np.nan)
    if n == 0:
        return out
    sims = (vectors @ vectors.T).astype(np.float64)
    articles = list(dict.fromkeys(owner.tolist()))
    index = {a: np.flatnonzero(owner == a) for a in articles}
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    residuals: list[np.ndarray] = []
    for x, a in enumerate(articles):
        for b in articles[x + 1:]:
            rows, cols = index[a], index[b]
            block = sims[np.ix_(rows, cols)]
            # what two sentences of these articles score when they are not each other's
            # match: the block without each row's best entry
            rest = block.size - len(rows)
            mean = float((block.sum() - block.max(axis=1).sum()) / rest) if rest else float(
                block.mean())
            # each sentence's typical similarity to the other article, its best match left
            # out (that one may be its translation) and shrunk towards that mean
            row = (block.sum(axis=1) - block.max(axis=1) + shrink * mean) / (
                block.shape[1] - 1 + shrink)
            col = (block.sum(axis=0) - block.max(axis=0) + shrink * mean) / (
                block.shape[0] - 1 + shrink)
            blocks.append((rows, cols, block, (row[:, None] + col[None, :]) / 2.0))
            residuals.append((block - row[:, None] - col[None, :] + mean).ravel())
    if not blocks:
        return out
    res = np.concatenate(residuals)
    spread = float(np.sqrt((res.size * res.var() + prior_weight * prior_spread ** 2)
                           / (res.size + prior_weight)))
    for rows, cols, block, centre in blocks:
        z = (block - centre) / spread
        out[np.ix_(rows, cols)] = z
        out[np.ix_(cols, rows)] = z.T
    return out


# --- 4. links and groups ---------------------------------------------------------------------
def _second(values: np.ndarray) -> float:
    """The runner-up score of a row or column (equal to the best when two tie)."""
    if len(values) < 2:
        return -np.inf
    return float(np.partition(values, -2)[-2])


def _neighbours(sub: np.ndarray, mine: np.ndarray, best: np.ndarray, partner: dict[int, int],
                sentence: Sequence[int], options: AlignOptions) -> list[tuple[int, int, float]]:
    """(i, j, score) for each unit i of ``mine`` that is not linked, whose best match j is
    linked to i's neighbour sentence, and that scores nearly as well as that neighbour."""
    out = []
    for i, j in enumerate(best):
        j = int(j)
        if i in partner.values() or j not in partner:
            continue
        z = float(sub[i, j])
        if (abs(sentence[mine[i]] - sentence[mine[partner[j]]]) == 1
                and z >= options.threshold and z >= sub[partner[j], j] - options.many_drop
                and z - _second(sub[i]) >= options.gap):
            out.append((i, j, z))
    return out


def link_articles(scores: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                  sentence: Sequence[int], options: AlignOptions) -> list[Link]:
    """Links between the units ``rows`` (one article) and ``cols`` (another)."""
    if len(rows) == 0 or len(cols) == 0:
        return []
    sub = scores[np.ix_(rows, cols)]
    row_best = sub.argmax(axis=1)
    col_best = sub.argmax(axis=0)
    links: list[Link] = []
    matched_rows: dict[int, int] = {}
    matched_cols: dict[int, int] = {}
    for i, j in enumerate(row_best):
        if col_best[j] != i:
            continue
        z = float(sub[i, j])
        margin = min(z - _second(sub[i]), z - _second(sub[:, j]))
        if z >= options.threshold and margin >= options.gap:
            links.append(Link(int(rows[i]), int(cols[j]), z))
            matched_rows[i], matched_cols[int(j)] = int(j), i
    # many-to-one: a neighbour of a linked sentence whose own best match is the same sentence
    for i, j, z in _neighbours(sub, rows, row_best, matched_cols, sentence, options):
        links.append(Link(int(rows[i]), int(cols[j]), z, "many"))
    for j, i, z in _neighbours(sub.T, cols, col_best, matched_rows, sentence, options):
        links.append(Link(int(rows[i]), int(cols[j]), z, "many"))
    return links


def group_links(units: Sequence[Unit], links: Sequence[Link]) -> list[list[int]]:
    """Merge links into groups, strongest first.

    A group holds one sentence per article, except that a many-to-one link may add the
    neighbour of a sentence already in it. Merges that break this are refused, so groups do
    not chain across a long story.
    """
    parent = list(range(len(units)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(units))}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def articles(group: list[int]) -> set[int]:
        return {units[u].article_id for u in group}

    def joins_as_neighbour(link: Link, ga: list[int], gb: list[int]) -> bool:
        """Many-to-one: one side is a lone sentence next to its article's sentence in the
        other group, and the two groups share no other article."""
        for lone, other, unit in ((ga, gb, link.a), (gb, ga, link.b)):
            if len(lone) != 1 or lone[0] != unit:
                continue
            u = units[unit]
            same = [units[v] for v in other if units[v].article_id == u.article_id]
            if same and all(abs(v.sentence - u.sentence) == 1 for v in same) and len(same) == 1:
                return True
        return False

    for link in sorted(links, key=lambda lk: (-lk.score, lk.a, lk.b)):
        ra, rb = find(link.a), find(link.b)
        if ra == rb:
            continue
        ga, gb = members[ra], members[rb]
        if articles(ga) & articles(gb) and not (
                link.kind == "many" and joins_as_neighbour(link, ga, gb)):
            continue
        parent[rb] = ra
        members[ra] = ga + members.pop(rb)
    groups = [sorted(m) for m in members.values()
              if len({units[u].article_id for u in m}) >= 2]
    groups.sort(key=lambda g: (units[g[0]].article_id, units[g[0]].sentence))
    return groups


def align_units(units: list[Unit], vectors: np.ndarray,
                options: AlignOptions | None = None) -> StoryAlignment:
    """Link and group units whose vectors are given (rows of ``vectors`` follow ``units``)."""
    opts = options or AlignOptions()
    owner = np.array([u.article_id for u in units], dtype=np.int64)
    scores = calibrate(vectors, owner, opts.shrink, opts.prior_spread, opts.prior_weight)
    sentence = [u.sentence for u in units]
    articles = list(dict.fromkeys(u.article_id for u in units))
    index = {a: np.flatnonzero(owner == a) for a in articles}
    links: list[Link] = []
    for x, a in enumerate(articles):
        for b in articles[x + 1:]:
            links.extend(link_articles(scores, index[a], index[b], sentence, opts))
    return StoryAlignment(units, vectors, scores, links, group_links(units, links))


def align_articles(articles: Sequence[Article], encoder: Encoder,
                   options: AlignOptions | None = None) -> StoryAlignment:
    """Align the claim sentences of several articles (one encoder call for all of them)."""
    opts = options or AlignOptions()
    units = [u for a in articles for u in claim_units(a, opts.max_sentences, opts.min_words)]
    return align_units(units, embed_units(encoder, units), opts)
