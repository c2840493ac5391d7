"""The event-type classifier: sentence meaning (e5 vector) plus cue words -> PLOVER type.

Reads a model file (JSON; the bundled one is ``events/data/event_model.json``, written by
``crosswire train events`` from the exemplars in ``events/data/exemplars.jsonl``). Writes
nothing at run time. A missing or malformed model file raises ``ConfigError`` naming it.

Two one-vs-rest logistic models share the file:

* ``full``: the standardised sentence vector and the cue features (which types' words occur,
  strongly or weakly, and whether two actors are named);
* ``cues``: the cue features alone, used when the encoder is switched off
  (``events_encoder = false``) or a sentence has no vector.

The per-label sigmoid outputs are normalised to sum to one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from crosswire.errors import ConfigError
from crosswire.events.lexicon import STRONG, CueHit
from crosswire.events.plover import LABELS, TYPES
from crosswire.story_evidence import fit_logistic

DEFAULT_MODEL = Path(__file__).parent / "data" / "event_model.json"
CUE_FEATURES: tuple[str, ...] = (
    *(f"strong:{t}" for t in TYPES), *(f"weak:{t}" for t in TYPES),
    *(f"main:{t}" for t in TYPES), "two_actors",
)


def cue_features(hits: Sequence[CueHit], n_actors: int,
                 main_clause: Sequence[CueHit] = ()) -> np.ndarray:
    """The cue part of the features: per type, a strong cue anywhere, a weak cue anywhere,
    a strong cue in the clause of the first actor (the main verb, usually); two actors."""
    x = np.zeros(len(CUE_FEATURES), dtype=np.float64)
    n = len(TYPES)
    for h in hits:
        k = TYPES.index(h.type)
        if h.weight >= STRONG:
            x[k] = 1.0
        else:
            x[n + k] = 1.0
    for h in main_clause:
        if h.weight >= STRONG:
            x[2 * n + TYPES.index(h.type)] = 1.0
    x[-1] = 1.0 if n_actors >= 2 else 0.0
    return x


@dataclass
class LinearOvR:
    """One-vs-rest logistic weights over a feature vector; rows follow ``LABELS``."""

    weights: np.ndarray  # (labels, features)
    bias: np.ndarray  # (labels,)

    def scores(self, x: np.ndarray) -> np.ndarray:
        z = np.clip(self.weights @ x + self.bias, -50.0, 50.0)
        p = 1.0 / (1.0 + np.exp(-z))
        total = float(p.sum())
        return p / total if total > 0 else np.full(len(p), 1.0 / len(p))

    def to_dict(self) -> dict[str, Any]:
        return {"weights": np.round(self.weights, 5).tolist(),
                "bias": np.round(self.bias, 5).tolist()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinearOvR:
        return cls(np.array(d["weights"], dtype=np.float64), np.array(d["bias"], np.float64))


@dataclass
class EventModel:
    """Standardisation of the vector part plus the two linear models."""

    mean: np.ndarray
    scale: np.ndarray
    full: LinearOvR
    cues: LinearOvR
    labels: tuple[str, ...] = LABELS
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return int(self.mean.shape[0])

    def features(self, vector: np.ndarray, cues: np.ndarray) -> np.ndarray:
        return np.concatenate([(np.asarray(vector, np.float64) - self.mean) / self.scale, cues])

    def probabilities(self, vector: np.ndarray | None, cues: np.ndarray) -> np.ndarray:
        """P(label) for each of ``labels`` (NONE first)."""
        if vector is None or vector.shape[0] != self.dim:
            return self.cues.scores(cues)
        return self.full.scores(self.features(vector, cues))

    def to_json(self) -> str:
        return json.dumps({
            "labels": list(self.labels), "cue_features": list(CUE_FEATURES),
            "mean": np.round(self.mean, 6).tolist(), "scale": np.round(self.scale, 6).tolist(),
            "full": self.full.to_dict(), "cues": self.cues.to_dict(), **self.info,
        }) + "\n"

    @classmethod
    def load(cls, path: str | Path | None = None) -> EventModel:
        p = Path(path) if path else DEFAULT_MODEL
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            labels = tuple(data["labels"])
            model = cls(mean=np.array(data["mean"], np.float64),
                        scale=np.array(data["scale"], np.float64),
                        full=LinearOvR.from_dict(data["full"]),
                        cues=LinearOvR.from_dict(data["cues"]), labels=labels,
                        info={k: v for k, v in data.items() if k not in (
                            "labels", "cue_features", "mean", "scale", "full", "cues")})
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"event model {p}: cannot read it ({exc})") from exc
        if labels != LABELS or tuple(data.get("cue_features", ())) != CUE_FEATURES:
            raise ConfigError(f"event model {p}: labels or features differ from this crosswire; "
                              "retrain it with `crosswire train events`")
        d = model.dim + len(CUE_FEATURES)
        if model.full.weights.shape != (len(LABELS), d):
            raise ConfigError(f"event model {p}: weights do not match the feature count {d}")
        return model


def fit_event_model(vectors: np.ndarray, cues: np.ndarray, labels: Sequence[str],
                    l2: float = 3.0, cue_l2: float = 0.3, vector_weight: float = 0.1
                    ) -> EventModel:
    """Fit both linear models on labelled sentences (``labels`` from ``LABELS``).

    The standardised vector is multiplied by ``vector_weight`` before fitting: with a few
    hundred exemplars, 384 free dimensions learn the exemplars' topics (which countries,
    which war) rather than the action, so the vector is held back and the cue words lead.
    """
    y_idx = np.array([LABELS.index(lbl) for lbl in labels])
    mean = vectors.mean(axis=0)
    scale = (vectors.std(axis=0) + 1e-6) / vector_weight
    x_full = np.hstack([(vectors - mean) / scale, cues])
    full_w = np.zeros((len(LABELS), x_full.shape[1]))
    full_b = np.zeros(len(LABELS))
    cue_w = np.zeros((len(LABELS), cues.shape[1]))
    cue_b = np.zeros(len(LABELS))
    for k in range(len(LABELS)):
        y = (y_idx == k).astype(np.float64)
        if not y.any():
            full_b[k] = cue_b[k] = -20.0  # a label never seen is never predicted
            continue
        full_w[k], full_b[k] = fit_logistic(x_full, y, l2=l2)
        cue_w[k], cue_b[k] = fit_logistic(cues, y, l2=cue_l2)
    return EventModel(mean=mean, scale=scale, full=LinearOvR(full_w, full_b),
                      cues=LinearOvR(cue_w, cue_b))
