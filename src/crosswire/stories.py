"""Stories: online cross-lingual clustering in publication order.

Reads each newly stored article (vector, time, keys) and the stories active around its time;
writes the article's ``story_id`` and the story's centroid, keys, counts and title.

An article joins the best-scoring candidate story if the score clears ``story_threshold``,
otherwise it starts a new story. Candidates are the stories whose dated span lies within
``story_window_days`` of the article (undated articles, and undated stories, are compared
with the most recently updated stories). The score combines:

* **meaning**: cosine between the article vector and the story centroid after both are
  centred on the running mean vector of the store. Raw e5 cosine has a high floor (unrelated
  pairs 0.70-0.83); centring removes the direction every news text shares, so the score
  measures what is specific to this story;
* **shared specifics**: numbers and names (and, when the actors stage runs, actor ids) that
  the article shares with the story, weighted by how rare they are in the store (IDF);
* **time**: a penalty that grows with the gap between the article and the story's span.

Deterministic: the same input in the same order gives the same stories. ``recluster``
rebuilds all stories in publication order after a change of settings.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from crosswire.config import Settings
from crosswire.embed import Encoder
from crosswire.models import Article
from crosswire.numbers import number_keys
from crosswire.store import Store, StoryState

# --- story keys: specifics that survive translation ------------------------------------------
_NAME = re.compile(r"(?<![\w'’])([A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ][\w'’-]{2,})")
_MAX_KEYS = 60
_STORY_KEYS = 200


def _fold(word: str) -> str:
    w = unicodedata.normalize("NFKD", word)
    w = "".join(ch for ch in w if not unicodedata.combining(ch)).lower()
    for sep in ("'", "’"):
        w = w.split(sep)[0]  # Turkish suffix after an apostrophe: Malatya'da -> malatya
    return w


def article_keys(article: Article) -> frozenset[str]:
    """Numbers and capitalised names of an article, folded so they match across languages."""
    text = f"{article.title or ''}\n{article.text}"
    keys: list[str] = list(number_keys(text, article.language))
    for m in _NAME.finditer(text):
        word = _fold(m.group(1))
        if len(word) >= 4:
            keys.append("w:" + word[:8])
    return frozenset(list(dict.fromkeys(keys))[:_MAX_KEYS])


# --- scoring --------------------------------------------------------------------------------
def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


BACKGROUND = Path(__file__).parent / "data" / "background.txt"
_LANG_HEADER = re.compile(r"^#\s*([a-z]{2,3})\s*$")
_priors: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]] = {}
_priors_lock = threading.Lock()


def read_background(path: Path = BACKGROUND) -> list[tuple[str | None, str]]:
    """(language, text) lines of the bundled background file; ``# xx`` lines name the language."""
    out: list[tuple[str | None, str]] = []
    lang: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _LANG_HEADER.match(line.strip())
        if m:
            lang = m.group(1)
        elif line.strip() and not line.startswith("#"):
            out.append((lang, line.strip()))
    return out


def background_prior(encoder: Encoder) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Mean vector of generic news overall and per language, for this encoder (cached)."""
    with _priors_lock:
        if encoder.name in _priors:
            return _priors[encoder.name]
        lines = read_background()
        langs = []
        for lang, text in lines:
            if lang is None:
                from crosswire.config import DEFAULT_LANGUAGES
                from crosswire.language import detect_language

                lang = detect_language(text, DEFAULT_LANGUAGES)[0]
            langs.append(lang)
        vecs = encoder.encode_passages([t for _, t in lines]).astype(np.float64)
        per: dict[str, list[np.ndarray]] = {}
        for lang, v in zip(langs, vecs, strict=True):
            if lang:
                per.setdefault(lang, []).append(v)
        prior = (vecs.mean(axis=0), {k: np.mean(v, axis=0) for k, v in per.items()})
        _priors[encoder.name] = prior
        return prior


class LanguageCentres:
    """Where each language's articles sit in the vector space, so it can be subtracted.

    Articles in one language share a direction that has nothing to do with their story (two
    unrelated Chinese articles score higher than a Chinese and a Spanish article on the same
    event). The centre of a language is the running mean of its stored article vectors,
    blended with a prior from the bundled background texts (``prior_weight`` pseudo-articles)
    so the first articles of a language are not centred on themselves.
    """

    def __init__(self, store: Store, encoder: Encoder, prior_weight: float = 20.0) -> None:
        self.store = store
        self.prior_global, self.prior = background_prior(encoder)
        self.prior_weight = prior_weight
        self.sums = store.language_means()

    def add(self, language: str | None, vector: np.ndarray, sign: int = 1) -> None:
        lang = language or "_"
        self.store.add_to_language_mean(lang, vector, sign)
        n, total = self.sums.get(lang, (0, np.zeros(vector.shape[0], dtype=np.float64)))
        self.sums[lang] = (n + sign, total + sign * vector.astype(np.float64))

    def centre(self, language: str | None) -> np.ndarray:
        lang = language or "_"
        prior = self.prior.get(lang, self.prior_global)
        n, total = self.sums.get(lang, (0, None))
        if not n or total is None:
            return prior.astype(np.float32)
        k = self.prior_weight
        return ((k * prior + total) / (k + n)).astype(np.float32)

    def centred_centroid(self, st: StoryState) -> np.ndarray:
        """Mean of the story's member vectors, each centred on its own language."""
        n = max(st.n_articles, 1)
        shift = sum((cnt / n) * self.centre(None if lang == "_" else lang)
                    for lang, cnt in st.lang_counts.items())
        return st.centroid - shift if isinstance(shift, np.ndarray) else st.centroid


@dataclass(frozen=True, slots=True)
class StoryScore:
    story_id: int
    score: float
    meaning: float
    specifics: float
    time_penalty: float


class StoryAssigner:
    """Commit hook that puts each stored article into a story; see the module docstring."""

    name = "stories"

    def __init__(self, settings: Settings, encoder: Encoder) -> None:
        self.settings = settings
        self.encoder = encoder
        self._centres: LanguageCentres | None = None

    def centres(self, store: Store) -> LanguageCentres:
        if self._centres is None or self._centres.store is not store:
            self._centres = LanguageCentres(store, self.encoder,
                                            self.settings.story_prior_weight)
        return self._centres

    def reset(self) -> None:
        self._centres = None

    def candidates(self, store: Store, article: Article) -> list[StoryState]:
        s = self.settings
        limit = max(s.story_candidates * 10, 200)
        t = article.published
        found: dict[int, StoryState] = {}
        if t is not None:
            w = timedelta(days=s.story_window_days)
            for st in store.stories_in_window(t - w, t + w, limit):
                found[st.id] = st
            undated = store.recent_stories(s.story_candidates, undated_only=True)
        else:
            undated = store.recent_stories(limit)
        for st in undated:
            found.setdefault(st.id, st)
        return list(found.values())

    def score(self, store: Store, article: Article, stories: list[StoryState]
              ) -> list[StoryScore]:
        assert article.vector is not None
        s = self.settings
        centres = self.centres(store)
        u = _unit(article.vector - centres.centre(article.language))
        df = store.key_counts(article.keys)
        n_docs = max(store.approx_article_count(), 1)
        idf = {k: math.log((n_docs + 1) / (df.get(k, 0) + 1)) for k in article.keys}
        total_idf = sum(idf.values()) or 1.0
        out = []
        for st in stories:
            if st.centroid.size == 0:
                continue
            meaning = float(u @ _unit(centres.centred_centroid(st)))
            shared = [k for k in article.keys if k in st.keys]
            specifics = sum(idf[k] for k in shared) / total_idf if shared else 0.0
            penalty = _time_penalty(article.published, st, s.story_window_days)
            score = meaning + s.story_key_weight * specifics - penalty
            out.append(StoryScore(st.id, score, meaning, specifics, penalty))
        out.sort(key=lambda x: (-x.score, x.story_id))
        return out

    def __call__(self, store: Store, article: Article, is_update: bool) -> None:
        if article.id is None or article.vector is None:
            return
        centres = self.centres(store)
        old = article.story_id if is_update else None
        if old is not None:
            store.set_article_story(article.id, None)
            self._rebuild_story(store, old)
        centres.add(article.language, article.vector)
        ranked = self.score(store, article, self.candidates(store, article))
        if ranked and ranked[0].score >= self.settings.story_threshold:
            sid = ranked[0].story_id
        else:
            sid = store.create_story()
        store.set_article_story(article.id, sid)
        article.story_id = sid
        self._add_to_story(store, sid, article)

    def _add_to_story(self, store: Store, story_id: int, article: Article) -> None:
        assert article.vector is not None
        st = store.story_state(story_id)
        n = st.n_articles
        if st.centroid.size == 0 or n == 0:
            st.centroid = article.vector.astype(np.float32)
        else:
            st.centroid = ((st.centroid * n + article.vector) / (n + 1)).astype(np.float32)
        lang = article.language or "_"
        st.lang_counts[lang] = st.lang_counts.get(lang, 0) + 1
        for k in article.keys:
            st.keys[k] = st.keys.get(k, 0) + 1
        if len(st.keys) > _STORY_KEYS:
            st.keys = dict(sorted(st.keys.items(), key=lambda kv: (-kv[1], kv[0]))[:_STORY_KEYS])
        store.save_story_state(st)
        store.refresh_story_summary(story_id)
        self.retitle(store, story_id, st.centroid)

    def _rebuild_story(self, store: Store, story_id: int) -> None:
        """Recompute a story after an article left it (its content changed)."""
        members = store.story_members(story_id)
        store.refresh_story_summary(story_id)
        if not members:
            return
        vecs = store.article_vectors([m[0] for m in members])
        st = store.story_state(story_id)
        if vecs:
            st.centroid = np.mean(np.stack(list(vecs.values())), axis=0).astype(np.float32)
        st.lang_counts = {}
        for _, lang, _, _ in members:
            st.lang_counts[lang or "_"] = st.lang_counts.get(lang or "_", 0) + 1
        store.save_story_state(st)
        self.retitle(store, story_id, st.centroid)

    @staticmethod
    def retitle(store: Store, story_id: int, centroid: np.ndarray) -> None:
        """The most central title, in English when an English article has one.

        Articles without a title (plain text files) lend their first sentence, but only when
        no article in the story has a real title.
        """
        members = store.story_members(story_id)
        if not members:
            return
        if len(members) > 64 and len(members) % 16:  # big stories: refresh now and then
            return
        vecs = store.article_vectors([m[0] for m in members])
        titled = [m for m in members if m[2]]
        pool = [m for m in titled if m[1] == "en"] or titled or members
        best = max(pool, key=lambda m: (float(vecs[m[0]] @ centroid) if m[0] in vecs else -1.0,
                                        -m[0]))
        store.set_story_title(story_id, best[2] or lead_title(best[3]), best[0])


def lead_title(text: str, limit: int = 120) -> str:
    """A stand-in title from the first sentence of a text without one."""
    first = re.split(r"(?<=[.!?。！？؟])\s", text.strip(), maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0] if " " in first[:limit] else first[:limit]
    return cut.rstrip(",;:") + "…"


def _time_penalty(t: datetime | None, st: StoryState, window_days: float) -> float:
    if t is None or st.first_published is None or st.last_published is None:
        return 0.0
    if st.first_published <= t <= st.last_published:
        return 0.0
    gap = min(abs((t - st.first_published).total_seconds()),
              abs((t - st.last_published).total_seconds())) / 86400.0
    grace = 1.0
    return 0.0 if gap <= grace else 0.1 * (gap - grace) / max(window_days, 1.0)


def recluster(store: Store, assigner: StoryAssigner,
              progress: Callable[[int], None] | None = None) -> int:
    """Rebuild every story from scratch in publication order; returns the number of stories."""
    with store.transaction():
        store.clear_stories()
        store.clear_language_means()
    assigner.reset()
    for i, article in enumerate(store.iter_articles_in_order()):
        with store.transaction():
            article.story_id = None
            assigner(store, article, is_update=False)
        if progress is not None:
            progress(i + 1)
    return store.count_stories()
