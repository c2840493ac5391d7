"""The story index: finds the right story in a crowded window, and follows other writers."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import fresh_database

import crosswire
from crosswire.models import Article
from crosswire.story_evidence import background_prior

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _article(vec: np.ndarray, when: datetime, tag: str, keys: frozenset[str]) -> Article:
    v = (vec / np.linalg.norm(vec)).astype(np.float32)
    return Article(text=f"generated {tag}", title=f"Generated {tag}", language="en",
                   content_hash=hashlib.sha256(tag.encode()).hexdigest(), published=when,
                   fetched=when, vector=v, keys=keys)


def _like_e5(cw: crosswire.Crosswire, rng: np.random.Generator) -> np.ndarray:
    """A generated vector placed as e5 places English news: around the language's centre."""
    centre = background_prior(cw.encoder)[1]["en"]
    r = rng.standard_normal(centre.shape[0])
    return centre + 0.4 * r / np.linalg.norm(r)


def _crowd(cw: crosswire.Crosswire, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``n`` unrelated one-article stories, one a minute (all inside one window)."""
    vecs = []
    for i in range(n):
        vec = _like_e5(cw, rng)
        vecs.append(vec)
        r = cw.pipeline.commit(_article(vec, T0 + timedelta(minutes=i), f"crowd-{i}",
                                        frozenset({f"w:crowd{i}"})))
        assert r.status == "stored"
    return vecs


def test_the_index_finds_a_story_the_recency_limit_would_miss(
        request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> None:
    """300 stories in one window: the SQL scan sees the 200 most recently active only."""
    rng = np.random.default_rng(11)
    joined = {}
    for k in (100, 0):
        db = fresh_database(request, backend, tmp_path, f"k{k}.db")
        with crosswire.open(db, story_ann_candidates=k) as cw:
            vecs = _crowd(cw, 300, np.random.default_rng(11))
            near_first = vecs[0] + 0.02 * rng.standard_normal(384)
            r = cw.pipeline.commit(_article(near_first, T0 + timedelta(hours=6), f"late-{k}",
                                            frozenset({"w:crowd0"})))
            first = cw.store.query_one("SELECT story_id FROM articles WHERE title = ?",
                                       ("Generated crowd-0",))
            assert first is not None
            joined[k] = r.story_id == first[0]
    assert joined[100], "the index proposes the right story however many are active"
    assert not joined[0], "the recency-limited scan misses it (what the index is for)"


def test_two_writers_see_each_others_stories(db_path: str) -> None:
    """Each process keeps its own index; the story change log keeps both in step."""
    rng = np.random.default_rng(5)
    with crosswire.open(db_path) as a, crosswire.open(db_path) as b:
        base = _like_e5(a, rng)
        # both build their index before the other writes
        a.pipeline.commit(_article(_like_e5(a, rng), T0, "a-warmup", frozenset()))
        b.pipeline.commit(_article(_like_e5(b, rng), T0, "b-warmup", frozenset()))
        ra = a.pipeline.commit(_article(base, T0 + timedelta(hours=1), "a-news",
                                        frozenset({"w:tumen", "n:4700"})))
        rb = b.pipeline.commit(_article(base + 0.02 * rng.standard_normal(384),
                                        T0 + timedelta(hours=2), "b-news",
                                        frozenset({"w:tumen", "n:4700"})))
        assert rb.story_id == ra.story_id
        # and back the other way, after b moved the story's centroid
        rc = a.pipeline.commit(_article(base + 0.02 * rng.standard_normal(384),
                                        T0 + timedelta(hours=3), "a-more",
                                        frozenset({"w:tumen"})))
        assert rc.story_id == ra.story_id
        story = a.store.get_story(ra.story_id)  # type: ignore[arg-type]
        assert story.n_articles == 3
