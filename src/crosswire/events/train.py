"""Train the event-type classifier (``crosswire train events``) on labelled sentences.

Reads JSONL exemplars, one sentence a line: ``{"language": "tr", "text": "...", "type":
"AID"}`` (``type`` is a PLOVER type or ``NONE``). The bundled model was trained on
``events/data/exemplars.jsonl`` (sentences we wrote for training only; the evaluation sets in
``tests/data/`` are separate). Writes a model JSON file. Sentence vectors come through the
cached encoder, the same way the pipeline embeds sentences.

Also reports a stratified k-fold cross-validated type macro-F1 on the exemplars, so a change
to the lexicon or the exemplars can be judged without touching the evaluation sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from crosswire.actors.kb import KnowledgeBase
from crosswire.actors.stage import link_text
from crosswire.embed import Encoder
from crosswire.errors import InputError
from crosswire.evaluation.labelled import read_labelled
from crosswire.evaluation.metrics import prf
from crosswire.events.code import EventCoder
from crosswire.events.model import EventModel, fit_event_model
from crosswire.events.plover import LABELS, TYPES
from crosswire.models import Sentence


@dataclass(frozen=True, slots=True)
class Exemplar:
    language: str
    text: str
    label: str


def read_exemplars(paths: Sequence[str | Path]) -> list[Exemplar]:
    def parse(rec: dict[str, Any], n: int) -> Exemplar:
        label = str(rec["type"]).upper()
        if label not in LABELS:
            raise ValueError(f"type {label!r} is not a PLOVER type or NONE")
        return Exemplar(str(rec["language"]), str(rec["text"]), label)

    if not paths:
        raise InputError("no exemplars to train on")
    return [ex for p in paths for ex in read_labelled(Path(p), parse, "training exemplar")]


def exemplar_features(items: Sequence[Exemplar], coder: EventCoder, kb: KnowledgeBase,
                      encoder: Encoder) -> tuple[np.ndarray, np.ndarray]:
    """(sentence vectors, cue features) of each exemplar, as the coder would see them."""
    cues = []
    for ex in items:
        mentions = link_text(ex.text, ex.language, kb)
        c = coder.candidate(ex.text, Sentence(0, 0, len(ex.text), ex.language), mentions,
                            ex.language, force=True)
        assert c is not None
        cues.append(coder.features(c))
    vectors = encoder.encode_passages([ex.text for ex in items]).astype(np.float64)
    return vectors, np.vstack(cues)


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    scores = []
    for t in TYPES:
        tp = sum(g == t and p == t for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != t and p == t for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == t and p != t for g, p in zip(gold, predicted, strict=True))
        if tp + fp + fn:
            scores.append(prf(tp, fp, fn)[2])
    return float(np.mean(scores)) if scores else 0.0


def cross_validate(vectors: np.ndarray, cues: np.ndarray, labels: Sequence[str], l2: float,
                   folds: int = 5, vector_weight: float = 0.1) -> dict[str, float]:
    """Macro-F1 of the full and the cue-only model, by stratified k-fold."""
    rng = np.random.default_rng(7)
    fold_of = np.zeros(len(labels), dtype=int)
    for lbl in set(labels):
        idx = [i for i, x in enumerate(labels) if x == lbl]
        rng.shuffle(idx)
        for k, i in enumerate(idx):
            fold_of[i] = k % folds
    pred_full: list[str] = [""] * len(labels)
    pred_cue: list[str] = [""] * len(labels)
    for f in range(folds):
        train = fold_of != f
        model = fit_event_model(vectors[train], cues[train],
                                [lbl for lbl, tr in zip(labels, train, strict=True) if tr], l2,
                                vector_weight=vector_weight)
        for i in (int(k) for k in np.flatnonzero(~train)):
            pred_full[i] = LABELS[int(np.argmax(model.probabilities(vectors[i], cues[i])))]
            pred_cue[i] = LABELS[int(np.argmax(model.probabilities(None, cues[i])))]
    return {"cv_macro_f1": round(macro_f1(labels, pred_full), 4),
            "cv_macro_f1_cues_only": round(macro_f1(labels, pred_cue), 4)}


def train_event_model(paths: Sequence[str | Path], coder: EventCoder, kb: KnowledgeBase,
                      encoder: Encoder, l2: float = 3.0, folds: int = 5,
                      vector_weight: float = 0.1) -> tuple[EventModel, dict[str, Any]]:
    items = read_exemplars(paths)
    vectors, cues = exemplar_features(items, coder, kb, encoder)
    labels = [ex.label for ex in items]
    model = fit_event_model(vectors, cues, labels, l2=l2, vector_weight=vector_weight)
    stats: dict[str, Any] = {
        "trained_on": [Path(p).name for p in paths], "exemplars": len(items),
        "languages": sorted({ex.language for ex in items}), "l2": l2,
        "vector_weight": vector_weight,
        "encoder": encoder.name, "date": datetime.now(UTC).date().isoformat(),
    }
    if folds > 1:
        stats.update(cross_validate(vectors, cues, labels, l2, folds, vector_weight))
    model.info = stats
    return model, stats
