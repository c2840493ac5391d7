"""Story index: the nearest recent stories to an article, found in flat time as the store grows.

Reads story centroids, language mixes and time spans (through the store's story change log);
holds, in memory, an HNSW graph (usearch, inner product) over the *centred* centroid of every
dated story active within ``horizon`` of the newest article seen. Story assignment asks it for
the ``k`` stories nearest to an article's centred vector, keeps those whose span lies within
the time window, and scores them exactly with the story model (stories.py). So the work per
article is one graph search plus ``k`` exact scores, whatever the number of stored stories.

Why centred: raw e5 vectors carry a strong language component, so by raw cosine a Chinese
article's nearest stories are Chinese ones; centring each vector on its language's mean (as
the exact score does, ``LanguageCentres``) makes the search cross-lingual. Centroids are
centred with the language centres of the moment they were indexed; the exact score uses the
current ones, so drift only affects which stories are proposed, not how they are scored.

Kept in step with the store by reading ``story_changes`` before each search: changes
committed by this process or any other writer are applied in commit order. A gap in the log
(pruned before this process saw it) or a "dropped every story" mark rebuilds the index from
the store. Deterministic: one thread, updates in commit order. An article older
than the index's horizon (out-of-order input) gets ``None`` and the caller scans the window in
SQL instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from crosswire.store import Store, StoryState
from crosswire.story_evidence import LanguageCentres

PRUNE_EVERY = 50_000  # log rows kept behind the newest before pruning


class StoryIndex:
    """An ANN index over recent story centroids; see the module docstring."""

    def __init__(self, dim: int, k: int, window_days: float, horizon_days: float | None = None
                 ) -> None:
        self.dim = dim
        self.k = k
        self.window = timedelta(days=window_days)
        # stories stay indexed this long after their last report: the window plus a margin
        self.horizon = timedelta(days=horizon_days if horizon_days is not None
                                 else 2 * window_days + 1)
        self._graph: Any = None  # usearch.index.Index
        self._span: dict[int, tuple[float, float]] = {}  # story id -> (first, last) timestamps
        self._floor: float | None = None  # stories last reported before this are not indexed
        self._newest = float("-inf")
        self._seq = 0
        self._since_evict = 0

    # --- the graph -------------------------------------------------------------------------
    def _new_graph(self) -> None:
        from usearch.index import Index

        self._graph = Index(ndim=self.dim, metric="ip", dtype="f32", connectivity=16,
                            expansion_add=100, expansion_search=max(2 * self.k, 64))
        self._span = {}

    def _put(self, state: StoryState, centres: LanguageCentres) -> None:
        first, last = state.first_published, state.last_published
        if (state.centroid.size != self.dim or state.n_articles == 0 or first is None
                or last is None or self._floor is None or last.timestamp() < self._floor):
            self._drop(state.id)
            return
        vec = centres.centred_centroid(state.centroid, state.n_articles, state.lang_counts)
        if state.id in self._span:  # a moved centroid: replace the node
            self._graph.remove(state.id)
        self._graph.add(state.id, vec.astype(np.float32), threads=1)
        self._span[state.id] = (first.timestamp(), last.timestamp())

    def _drop(self, story_id: int) -> None:
        if story_id in self._span:
            self._graph.remove(story_id)
            del self._span[story_id]

    def _rebuild(self, store: Store, centres: LanguageCentres) -> None:
        self._seq = store.story_change_bounds()[1]
        assert self._floor is not None
        self._new_graph()
        for st in store.stories_active_since(datetime.fromtimestamp(self._floor).astimezone()):
            self._put(st, centres)

    # --- keeping in step -------------------------------------------------------------------
    def sync(self, store: Store, centres: LanguageCentres) -> None:
        """Apply every story change committed since the last call (by anyone)."""
        if self._graph is None:
            if self._floor is not None:
                self._rebuild(store, centres)
            return
        while True:
            changes = store.story_changes(self._seq)
            if not changes:
                return
            if changes[0][0] != self._seq + 1 and store.story_change_bounds()[0] > self._seq + 1:
                self._rebuild(store, centres)  # we missed pruned changes
                return
            if any(sid == 0 for _, sid in changes):
                self._rebuild(store, centres)  # every story was dropped (recluster)
                return
            self._seq = changes[-1][0]
            ids = sorted({sid for _, sid in changes})
            found = {st.id: st for st in store.story_states(ids)}
            for sid in ids:
                if sid in found:
                    self._put(found[sid], centres)
                else:
                    self._drop(sid)
            if self._seq % PRUNE_EVERY < len(changes) and self._seq > PRUNE_EVERY:
                store.prune_story_changes(self._seq - PRUNE_EVERY)

    def _advance(self, t: float, store: Store, centres: LanguageCentres) -> None:
        """Move the horizon with the newest article; evict stories that fell behind it."""
        if self._floor is None:
            self._floor = t - self.horizon.total_seconds()
            self._newest = t
            self._rebuild(store, centres)
            return
        if t <= self._newest:
            return
        self._newest = t
        self._since_evict += 1
        if self._since_evict >= 256:  # a sweep now and then keeps the graph to the horizon
            self._since_evict = 0
            self._floor = max(self._floor, t - self.horizon.total_seconds())
            for sid in [s for s, (_, last) in self._span.items() if last < self._floor]:
                self._drop(sid)

    # --- search ----------------------------------------------------------------------------
    def nearest(self, store: Store, centres: LanguageCentres, vector: np.ndarray,
                language: str | None, when: datetime) -> list[int] | None:
        """Ids of up to ``k`` indexed stories nearest in meaning whose span is within the
        window around ``when``; ``None`` when ``when`` is older than the index covers."""
        t = when.timestamp()
        self._advance(t, store, centres)
        self.sync(store, centres)
        assert self._floor is not None
        window = self.window.total_seconds()
        if t - window < self._floor:
            return None
        if not self._span:
            return []
        u = centres.centred(vector, language).astype(np.float32)
        found = self._graph.search(u, min(self.k, len(self._span)), threads=1)
        return _within(found.keys, self._span, t - window, t + window)

    def reset(self) -> None:
        """Forget everything (after a rollback or a recluster); rebuilt on next use."""
        self._graph, self._span, self._floor = None, {}, None
        self._newest, self._seq, self._since_evict = float("-inf"), 0, 0


def _within(labels: Iterable[int], span: dict[int, tuple[float, float]], start: float,
            end: float) -> list[int]:
    return [int(sid) for sid in labels
            if int(sid) in span and span[int(sid)][1] >= start and span[int(sid)][0] <= end]
