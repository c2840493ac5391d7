"""Search: one query, any language, by meaning and by words, with the sentences that match.

Reads the store (article vectors, the full-text index, article texts) and the encoder; writes
nothing. Two rankings are fused:

* **meaning**: the query is embedded on the e5 ``query:`` side (through the content-hash
  cache) and compared with every article vector (title and lead, ``passage:`` side) held in
  an in-memory matrix (``VectorIndex``, brute force). A query in Turkish finds English
  articles, the vectors being cross-lingual; but e5 scores same-language pairs higher, so
  the score is the cosine minus the query's cosine with the mean vector of the article's
  language (shrunk towards the mean of all languages): on the seeds' story this lifts the
  English article from 6th to 3rd-4th for Turkish queries.
* **words**: every query word of three letters or more (any length in Chinese, Japanese
  and Korean) becomes a prefix of its stem (folded as the actors index folds names, the
  last one or two letters dropped from long words, so ``askerleri`` also finds
  ``askerlerin`` and ``Москве`` finds ``Москва``), all words required; when that finds
  nothing, any word. Ranked by BM25 with the title weighted 4x (store/search.py).

The two lists are merged by reciprocal-rank fusion (k = 60), which needs no threshold on the
cosine, whose floor moves with the language (see docs/pipeline.md). For each hit the matching
sentences come back as offsets with the matched words marked; for hits by meaning, the
sentence closest to the query among the first ``SENTENCES_COMPARED`` is marked as well (its
vector from the cache, or embedded once, for the best ``SENTENCE_HITS`` hits).

Fails with ``EncoderError`` when the model cannot run; an empty query (or, by words, one
with no word of three letters) gives no hits, never an error.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from crosswire.actors.text import CJK, WORD, fold, is_hangul
from crosswire.embed import Encoder
from crosswire.models import Article
from crosswire.store import Store

Mode = Literal["both", "meaning", "words"]
MODES: tuple[str, ...] = ("both", "meaning", "words")
RRF_K = 60
WORDS_WEIGHT = 0.5  # the word ranking counts half: cross-lingual finds come by meaning
SENTENCES_COMPARED = 8  # sentences of a hit compared with the query by meaning
SENTENCE_HITS = 3  # hits by meaning whose closest sentence is found (cold: <= 24 embedded)
SHOWN_SENTENCES = 3  # sentences returned per hit
MAX_QUERY_CHARS = 500
CENTRE_PRIOR = 5.0  # articles' worth of weight the overall mean has in a language's centre


@dataclass(frozen=True, slots=True)
class SentenceMatch:
    """A sentence of a hit: offsets into the article text, the words that matched (offsets
    into the article text too) and whether it is the one closest in meaning."""

    index: int
    start: int
    end: int
    text: str
    marks: tuple[tuple[int, int], ...] = ()
    closest: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "start": self.start, "end": self.end, "text": self.text,
                "marks": [list(m) for m in self.marks], "closest": self.closest}

    def pieces(self) -> list[tuple[str, bool]]:
        """The sentence as (text, marked) pieces, for rendering with escapes."""
        out: list[tuple[str, bool]] = []
        pos = self.start
        for s, e in self.marks:
            if s > pos:
                out.append((self.text[pos - self.start:s - self.start], False))
            out.append((self.text[s - self.start:e - self.start], True))
            pos = e
        if pos < self.end:
            out.append((self.text[pos - self.start:], False))
        return out


@dataclass(slots=True)
class SearchHit:
    """One article found, why (``matched``: "meaning", "words" or both) and where;
    ``similarity`` is the score by meaning (language-centred cosine), when it had one."""

    article: Article
    score: float
    matched: tuple[str, ...]
    similarity: float | None = None
    sentences: list[SentenceMatch] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article.to_dict(), "score": round(self.score, 5),
                "matched": list(self.matched),
                "similarity": None if self.similarity is None else round(self.similarity, 4),
                "sentences": [s.to_dict() for s in self.sentences]}


def query_words(query: str) -> list[str]:
    """The folded words of a query, each cut to the prefix that the index is asked for."""
    words = []
    for m in WORD.finditer(query[:MAX_QUERY_CHARS]):
        w = fold(m.group())
        if len(w) < 3 and not (CJK.match(w) or is_hangul(w[0])):  # "ya", "de", "на"
            continue
        if len(w) >= 7:
            w = w[:-2]
        elif len(w) >= 5:
            w = w[:-1]
        if w and w not in words:
            words.append(w)
    return words


def mark_words(text: str, start: int, end: int, words: Sequence[str]
               ) -> tuple[tuple[int, int], ...]:
    """Offsets (into ``text``) of the words in ``text[start:end]`` that begin with a query
    word (both folded)."""
    if not words:
        return ()
    out = []
    for m in WORD.finditer(text, start, end):
        f = fold(m.group())
        if any(f.startswith(w) for w in words):
            out.append((m.start(), m.end()))
    return tuple(out)


class VectorIndex:
    """Every article vector of a store in one matrix, refreshed with what was added or
    replaced since the last search, and each language's mean vector. Thread-safe; one per
    store per process."""

    def __init__(self, prior_weight: float = CENTRE_PRIOR, centred: bool = True) -> None:
        self.prior_weight = prior_weight
        self.centred = centred
        self._lock = threading.Lock()
        self._n = 0
        self._ids = np.zeros(0, dtype=np.int64)
        self._langs = np.zeros(0, dtype=np.int32)
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._position: dict[int, int] = {}
        self._codes: dict[str | None, int] = {}
        self._centres = np.zeros((0, 0), dtype=np.float32)
        self._last_id = 0
        self._last_fetch: str | None = None

    def __len__(self) -> int:
        return self._n

    def _grow(self, need: int, dim: int) -> None:
        if self._matrix.shape[1] != dim:
            self._matrix = np.zeros((0, dim), dtype=np.float32)
            self._n, self._position = 0, {}
        cap = len(self._matrix)
        if need <= cap:
            return
        cap = max(need, 2 * cap, 1024)
        matrix = np.zeros((cap, dim), dtype=np.float32)
        matrix[: self._n] = self._matrix[: self._n]
        ids = np.zeros(cap, dtype=np.int64)
        ids[: self._n] = self._ids[: self._n]
        langs = np.zeros(cap, dtype=np.int32)
        langs[: self._n] = self._langs[: self._n]
        self._matrix, self._ids, self._langs = matrix, ids, langs

    def _code(self, language: str | None) -> int:
        return self._codes.setdefault(language, len(self._codes))

    def refresh(self, store: Store) -> None:
        with self._lock:
            newest = store.newest_fetch()
            if newest == self._last_fetch and store.approx_article_count() <= self._last_id:
                return
            for batch in store.iter_article_vectors(self._last_id, self._last_fetch):
                for aid, lang, vec in batch:
                    if vec is None:
                        continue
                    at = self._position.get(aid)
                    if at is None:  # new; else content replaced in place (same URL)
                        self._grow(self._n + 1, len(vec))
                        at = self._position[aid] = self._n
                        self._n += 1
                    self._matrix[at], self._ids[at] = vec, aid
                    self._langs[at] = self._code(lang)
                    self._last_id = max(self._last_id, aid)
            self._last_fetch = newest
            self._centres = self._language_centres(store.language_means())

    def _language_centres(self, means: dict[str, tuple[int, np.ndarray]]) -> np.ndarray:
        """Each language's mean article vector, shrunk towards the mean of all languages
        (``prior_weight`` articles' worth), one row per language code; zero when unknown."""
        dim = self._matrix.shape[1]
        centres = np.zeros((len(self._codes), dim), dtype=np.float32)
        usable = {k: v for k, v in means.items() if v[0] > 0 and len(v[1]) == dim}
        if not usable:
            return centres
        total = sum(v[1] for v in usable.values())
        overall = total / sum(v[0] for v in usable.values())
        for lang, code in self._codes.items():
            n, s = usable.get(lang or "", (0, np.zeros(dim)))
            centres[code] = (s + self.prior_weight * overall) / (n + self.prior_weight)
        return centres

    def nearest(self, vector: np.ndarray, limit: int, language: str | None = None
                ) -> list[tuple[int, float]]:
        """(article id, score) of the ``limit`` best articles: cosine minus the query's
        cosine with the article's language centre, so no language wins for being the
        query's own (e5 favours same-language pairs)."""
        with self._lock:
            n = self._n
            matrix, ids, langs = self._matrix[:n], self._ids[:n], self._langs[:n]
            centres, code = self._centres, self._codes.get(language, -1)
        if n == 0 or limit <= 0 or matrix.shape[1] != len(vector):
            return []
        q = np.asarray(vector, dtype=np.float32)
        sims = matrix @ q
        if self.centred and len(centres):
            sims = sims - (centres @ q)[langs]
        if language:
            sims = np.where(langs == code, sims, -np.inf)
        k = min(limit, n)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(ids[i]), float(sims[i])) for i in top if np.isfinite(sims[i])]


def fuse(rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None,
         k: int = RRF_K) -> dict[int, float]:
    """Weighted reciprocal-rank fusion of ranked id lists."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, aid in enumerate(ranking):
            scores[aid] = scores.get(aid, 0.0) + weight / (k + rank + 1)
    return scores


def _closest_sentence(article: Article, qvec: np.ndarray, encoder: Encoder) -> int | None:
    sentences = [s for s in article.sentences if s.end - s.start >= 20][:SENTENCES_COMPARED]
    if not sentences:
        return None
    vecs = encoder.encode_passages([article.sentence_text(s) for s in sentences])
    return sentences[int(np.argmax(vecs @ qvec))].index


def sentence_matches(article: Article, words: Sequence[str], closest: int | None
                     ) -> list[SentenceMatch]:
    """The sentences to show for a hit: the closest in meaning first, then those with the
    most matched words, in reading order."""
    found: list[tuple[int, SentenceMatch]] = []
    for s in article.sentences:
        marks = mark_words(article.text, s.start, s.end, words)
        if marks or s.index == closest:
            found.append((len(marks), SentenceMatch(
                s.index, s.start, s.end, article.sentence_text(s), marks, s.index == closest)))
    best = sorted(found, key=lambda x: (not x[1].closest, -x[0], x[1].index))
    return sorted((m for _, m in best[:SHOWN_SENTENCES]), key=lambda m: m.index)


def search(store: Store, encoder: Encoder, index: VectorIndex, query: str,
           language: str | None = None, mode: Mode = "both", limit: int = 20,
           sentences: bool = True) -> list[SearchHit]:
    """Articles for ``query``, best first; see the module docstring. Without ``sentences``
    the hits carry no matching sentences (and nothing is embedded but the query)."""
    query = query.strip()[:MAX_QUERY_CHARS]
    words = query_words(query)
    if not query or (mode == "words" and not words):
        return []
    by_meaning: list[tuple[int, float]] = []
    qvec: np.ndarray | None = None
    if mode in ("both", "meaning"):
        index.refresh(store)
        qvec = np.asarray(encoder.encode_queries([query])[0], dtype=np.float32)
        by_meaning = index.nearest(qvec, limit, language)
    by_words: list[tuple[int, float]] = []
    if mode in ("both", "words") and words:
        by_words = store.keyword_search(words, language, limit) or store.keyword_search(
            words, language, limit, any_term=True)
    similarity = dict(by_meaning)
    worded = {aid for aid, _ in by_words}
    fused = fuse([[a for a, _ in by_meaning], [a for a, _ in by_words]], [1.0, WORDS_WEIGHT])
    ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    hits = []
    for n, (aid, score) in enumerate(ranked):
        article = store.get_article(aid)
        article.vector = None
        matched = tuple(m for m, hit in (("meaning", aid in similarity),
                                         ("words", aid in worded)) if hit)
        found: list[SentenceMatch] = []
        if sentences:
            closest = None
            if qvec is not None and aid in similarity and n < SENTENCE_HITS:
                closest = _closest_sentence(article, qvec, encoder)
            found = sentence_matches(article, words, closest)
        hits.append(SearchHit(article, score, matched, similarity.get(aid), found))
    return hits
