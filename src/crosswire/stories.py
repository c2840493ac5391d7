"""Stories: online cross-lingual clustering in publication order.

Reads each newly stored article (vector, language, keys, time) and the stories active around
its time; writes the article's ``story_id`` and the story's centroid, language mix, keys,
counts and title.

An article joins the candidate story that the story model (``story_evidence.StoryModel``)
finds most probable, if that probability clears ``story_threshold``; otherwise it starts a new
story. Candidates are the stories whose dated span lies within ``story_window_days`` of the
article: the ``story_ann_candidates`` nearest in centred meaning, found by the story index
(story_index.py) so the cost per article stays flat as the store grows; undated articles, and
undated stories, are compared with the most recently updated stories. The evidence (centred
meaning, shared names/numbers and actors, time gap, size) is described in
``story_evidence.py`` and docs/stories.md.

Deterministic: the same input in the same order gives the same stories. ``recluster``
rebuilds all stories in publication order after a change of settings or model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from crosswire.config import Settings
from crosswire.embed import Encoder
from crosswire.models import Article
from crosswire.store import Store, StoryState
from crosswire.story_evidence import (
    MAX_STORY_KEYS,
    LanguageCentres,
    StoryModel,
    background_prior,
    gap_days,
    idf_weights,
    story_features,
)
from crosswire.story_index import StoryIndex


@dataclass(frozen=True, slots=True)
class StoryScore:
    story_id: int
    probability: float
    features: tuple[float, ...]


class StoryAssigner:
    """Commit hook that puts each stored article into a story; see the module docstring."""

    name = "stories"

    def __init__(self, settings: Settings, encoder: Encoder) -> None:
        self.settings = settings
        self.encoder = encoder
        self.model = StoryModel.load(settings.story_model or None)
        self._centres: LanguageCentres | None = None
        self._store: Store | None = None
        self._index: StoryIndex | None = None

    def centres(self, store: Store) -> LanguageCentres:
        if self._centres is None or self._store is not store:
            if self._store is not store and self._index is not None:
                self._index.reset()
            self._centres = LanguageCentres(background_prior(self.encoder),
                                            store.language_means(),
                                            self.settings.story_prior_weight)
            self._store = store
        return self._centres

    def reset(self) -> None:
        self._centres = None
        if self._index is not None:
            self._index.reset()

    def nearest(self, store: Store, article: Article) -> list[int] | None:
        """Ids of the stories nearest the article from the story index (None: not usable)."""
        k = self.settings.story_ann_candidates
        if k <= 0 or article.vector is None or article.published is None:
            return None
        centres = self.centres(store)
        if self._index is None:
            self._index = StoryIndex(article.vector.shape[0], k, self.settings.story_window_days)
        return self._index.nearest(store, centres, article.vector, article.language,
                                   article.published)

    def candidates(self, store: Store, article: Article) -> list[StoryState]:
        s = self.settings
        limit = max(s.story_candidates * 10, 200)
        t = article.published
        found: dict[int, StoryState] = {}
        if t is not None:
            w = timedelta(days=s.story_window_days)
            near = self.nearest(store, article)
            dated = (store.story_states(near) if near is not None
                     else store.stories_in_window(t - w, t + w, limit))
            for st in dated:
                found[st.id] = st
            undated = store.recent_stories(s.story_candidates, undated_only=True)
        else:
            undated = store.recent_stories(limit)
        for st in undated:
            found.setdefault(st.id, st)
        return list(found.values())

    def score(self, store: Store, article: Article, stories: list[StoryState]
              ) -> list[StoryScore]:
        """Each candidate story with the probability that the article belongs to it."""
        assert article.vector is not None
        centres = self.centres(store)
        u = centres.centred(article.vector, article.language)
        idf = idf_weights(article.keys, store.key_counts(article.keys),
                          store.approx_article_count())
        out = []
        for st in stories:
            if st.centroid.size == 0:
                continue
            meaning = float(u @ centres.centred_centroid(st.centroid, st.n_articles,
                                                         st.lang_counts))
            x = story_features(meaning, article.keys, idf, st.keys,
                               gap_days(article.published, st.first_published,
                                        st.last_published), st.n_articles)
            out.append(StoryScore(st.id, self.model.probability(x), tuple(x.tolist())))
        out.sort(key=lambda sc: (-sc.probability, sc.story_id))
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
        store.add_to_language_mean(article.language or "_", article.vector)
        ranked = self.score(store, article, self.candidates(store, article))
        if ranked and ranked[0].probability >= self.settings.story_threshold:
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
        if len(st.keys) > MAX_STORY_KEYS:
            st.keys = dict(sorted(st.keys.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_STORY_KEYS])
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
