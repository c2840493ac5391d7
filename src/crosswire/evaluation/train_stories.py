"""Train the story model (``crosswire train stories``) on labelled JSONL.

Replays the labelled articles in publication order the way the live assigner sees them
(language centres and key counts grow as articles arrive), but with the gold stories as the
stories so far ("teacher forcing"): every candidate story inside the time window gives one
example, positive when it is the article's own story. A logistic model fitted on those
examples decides joins in ``StoryAssigner``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from crosswire.config import Settings
from crosswire.embed import Encoder
from crosswire.errors import InputError
from crosswire.evaluation.clustering import read_labels
from crosswire.ingest.files import SourceReader
from crosswire.models import Article, RawDocument
from crosswire.pipeline import default_stages, to_article
from crosswire.story_evidence import (
    FEATURES,
    LanguageCentres,
    StoryModel,
    background_prior,
    fit_logistic,
    gap_days,
    idf_weights,
    story_features,
)


@dataclass
class _GoldStory:
    total: np.ndarray
    n: int = 0
    lang_counts: Counter[str] = field(default_factory=Counter)
    keys: Counter[str] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None


def prepare_labelled(path: Path, settings: Settings, encoder: Encoder
                     ) -> list[tuple[Article, str]]:
    """The labelled file's articles through the pure pipeline stages, with their labels."""
    labels = read_labels(path)
    reader = SourceReader(settings.max_document_bytes, settings.encoding)
    pairs: list[tuple[Article, str]] = []
    for item in reader.read([str(path)]):
        if isinstance(item, RawDocument) and item.line in labels:
            try:
                pairs.append((to_article(item, settings), labels[item.line]))
            except InputError:
                continue
    articles = [a for a, _ in pairs]
    for stage in default_stages(replace(settings, events_enabled=False), encoder):
        stage(articles)
    return pairs


def collect_examples(pairs: list[tuple[Article, str]], settings: Settings, encoder: Encoder
                     ) -> tuple[np.ndarray, np.ndarray]:
    def order(p: tuple[Article, str]) -> tuple[int, float, str]:
        a = p[0]
        return (0, a.published.timestamp(), a.content_hash or "") if a.published else (
            1, 0.0, "")

    centres = LanguageCentres(background_prior(encoder), {}, settings.story_prior_weight)
    df: Counter[str] = Counter()
    stories: dict[str, _GoldStory] = {}
    window = timedelta(days=settings.story_window_days)
    xs: list[np.ndarray] = []
    ys: list[int] = []
    for n_docs, (a, label) in enumerate(sorted(pairs, key=order), start=1):
        assert a.vector is not None
        centres.add(a.language, a.vector)
        df.update(a.keys)
        u = centres.centred(a.vector, a.language)
        idf = idf_weights(a.keys, df, n_docs)
        for name, st in stories.items():
            if a.published and st.first and st.last and not (
                    st.first - window <= a.published <= st.last + window):
                continue
            meaning = float(u @ centres.centred_centroid(st.total / st.n, st.n, st.lang_counts))
            xs.append(story_features(meaning, a.keys, idf, st.keys,
                                     gap_days(a.published, st.first, st.last), st.n))
            ys.append(1 if name == label else 0)
        st = stories.setdefault(label, _GoldStory(total=np.zeros_like(a.vector, np.float64)))
        st.total += a.vector
        st.n += 1
        st.lang_counts[a.language or "_"] += 1
        st.keys.update(a.keys)
        if a.published:
            st.first = min(st.first or a.published, a.published)
            st.last = max(st.last or a.published, a.published)
    if not xs:
        raise InputError("no training examples: the labelled files need stories of 2+ articles")
    return np.vstack(xs), np.array(ys, dtype=np.float64)


def train_story_model(paths: list[str | Path], settings: Settings, encoder: Encoder,
                      l2: float = 1.0) -> tuple[StoryModel, dict[str, Any]]:
    xs, ys = [], []
    for p in paths:
        x, y = collect_examples(prepare_labelled(Path(p), settings, encoder), settings, encoder)
        xs.append(x)
        ys.append(y)
    x_all, y_all = np.vstack(xs), np.concatenate(ys)
    weights, bias = fit_logistic(x_all, y_all, l2=l2)
    model = StoryModel(weights=weights, bias=bias)
    predicted = np.array([model.probability(x) >= 0.5 for x in x_all])
    stats = {
        "trained_on": [Path(p).name for p in paths],
        "examples": len(y_all),
        "positives": int(y_all.sum()),
        "l2": l2,
        "encoder": encoder.name,
        "date": datetime.now(UTC).date().isoformat(),
        "training_accuracy": round(float((predicted == (y_all > 0)).mean()), 4),
    }
    model.info = stats
    return model, {**stats, "weights": dict(zip(FEATURES, weights.round(4).tolist(),
                                                 strict=True)), "bias": round(bias, 4)}
