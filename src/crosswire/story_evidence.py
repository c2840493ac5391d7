"""Story evidence: what says an article belongs to a story, and how much.

Reads an article (vector, language, keys, time) and a candidate story (centroid, language mix,
key counts, time span); writes a feature vector and, through a small logistic model, the
probability that the article reports the same story. Pure: no store access (the store supplies
counts and running means), so the same code scores live articles and trains the model.

Features (all cheap beside the encoder):

* ``meaning``: cosine between the article vector and the story centroid, after each vector is
  centred on its language's mean (``LanguageCentres``). Raw e5 cosine has a high floor and a
  strong language component (two unrelated Chinese articles score higher than a Chinese and a
  Spanish article on the same event); centring removes both.
* ``names``, ``actors``: the IDF-weighted share of the article's keys of each kind that the
  story also has. Names and numbers survive translation in Latin scripts; actor ids (when the
  actors stage runs) survive it in every script. (Content-word overlap was tried and dropped:
  it measures "same language" more than "same story", and the trained weight came out
  negative.)
* ``gap``: days between the article and the story's dated span (0 inside it).
* ``size``: log of the story size (a big story's centroid is a steadier target).

The model (weights in ``data/story_model.json``) is trained by ``crosswire train stories`` on
labelled JSONL and is replaceable by a user-trained file (setting ``story_model``).
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from crosswire.embed import Encoder
from crosswire.errors import ConfigError
from crosswire.models import Article
from crosswire.numbers import number_keys

DATA = Path(__file__).parent / "data"
BACKGROUND = DATA / "background.txt"
DEFAULT_MODEL = DATA / "story_model.json"

# --- keys: evidence that needs no model -----------------------------------------------------
_NAME = re.compile(r"(?<![\w'’])([A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ][\w'’-]{2,})")
MAX_ARTICLE_KEYS = 100
MAX_STORY_KEYS = 400

# key prefix -> feature; "n:" numbers and "w:" names share one feature
KEY_KINDS = {"n": "names", "w": "names", "a": "actors"}
FEATURES = ("meaning", "names", "actors", "gap", "size")


def fold(word: str) -> str:
    """Lower case, no accents, cut at an apostrophe (Turkish suffix: Malatya'da -> malatya)."""
    w = unicodedata.normalize("NFKD", word)
    w = "".join(ch for ch in w if not unicodedata.combining(ch)).lower()
    for sep in ("'", "’"):
        w = w.split(sep)[0]
    return w


def article_keys(article: Article) -> frozenset[str]:
    """Numbers and capitalised names, folded; title and lead first when the list is cut."""
    text = f"{article.title or ''}\n{article.text}"
    # figures only: clock times depend on the outlet's time zone
    keys: list[str] = [k for k in number_keys(text, article.language) if k.startswith("n:")]
    for m in _NAME.finditer(text):
        word = fold(m.group(1))
        if len(word) >= 4:
            keys.append("w:" + word[:8])
    return frozenset(list(dict.fromkeys(keys))[:MAX_ARTICLE_KEYS])


def idf_weights(keys: Iterable[str], df: Mapping[str, int], n_docs: int) -> dict[str, float]:
    """Smoothed inverse document frequency of each key over the store."""
    n = max(n_docs, 1)
    return {k: math.log((n + 1) / (df.get(k, 0) + 1)) for k in keys}


# --- language centres ------------------------------------------------------------------------
def unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


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
        langs: list[str | None] = []
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

    The centre of a language is the running mean of its article vectors, blended with the mean
    of the bundled background texts in that language (``prior_weight`` pseudo-articles) so the
    first articles of a language are not centred on themselves. ``sums`` is the running state;
    the store keeps it for the live system, a plain dict serves training.
    """

    def __init__(self, prior: tuple[np.ndarray, dict[str, np.ndarray]],
                 sums: dict[str, tuple[int, np.ndarray]] | None = None,
                 prior_weight: float = 20.0) -> None:
        self.prior_global, self.prior = prior
        self.prior_weight = prior_weight
        self.sums = sums if sums is not None else {}

    def add(self, language: str | None, vector: np.ndarray, sign: int = 1) -> None:
        lang = language or "_"
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

    def centred(self, vector: np.ndarray, language: str | None) -> np.ndarray:
        return unit(vector - self.centre(language))

    def centred_centroid(self, centroid: np.ndarray, n_articles: int,
                         lang_counts: Mapping[str, int]) -> np.ndarray:
        """Mean of a story's member vectors, each centred on its own language."""
        n = max(n_articles, 1)
        shift = np.zeros_like(centroid)
        for lang, cnt in lang_counts.items():
            shift += (cnt / n) * self.centre(None if lang == "_" else lang)
        return unit(centroid - shift)


# --- features and model ----------------------------------------------------------------------
def gap_days(t: datetime | None, first: datetime | None, last: datetime | None) -> float:
    if t is None or first is None or last is None or first <= t <= last:
        return 0.0
    edge = first if t < first else last
    return abs((t - edge).total_seconds()) / 86400.0


def story_features(
    meaning: float, article_keys: Iterable[str], idf: Mapping[str, float],
    story_keys: Mapping[str, int], gap: float, n_articles: int,
) -> np.ndarray:
    """The feature vector, in ``FEATURES`` order."""
    have: dict[str, float] = {}
    shared: dict[str, float] = {}
    for k in article_keys:
        kind = KEY_KINDS.get(k.split(":", 1)[0])
        if kind is None:
            continue
        w = idf.get(k, 0.0)
        have[kind] = have.get(kind, 0.0) + w
        if k in story_keys:
            shared[kind] = shared.get(kind, 0.0) + w
    frac = {kind: shared.get(kind, 0.0) / total for kind, total in have.items() if total > 0}
    return np.array([meaning, frac.get("names", 0.0), frac.get("actors", 0.0), min(gap, 30.0),
                     math.log1p(n_articles)], dtype=np.float64)


@dataclass(slots=True)
class StoryModel:
    """Logistic model: P(same story) = sigmoid(weights . features + bias)."""

    weights: np.ndarray
    bias: float
    features: tuple[str, ...] = FEATURES
    info: dict[str, Any] = field(default_factory=dict)

    def probability(self, x: np.ndarray) -> float:
        z = float(self.weights @ x + self.bias)
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def to_json(self) -> str:
        return json.dumps({"features": list(self.features), "weights": self.weights.tolist(),
                           "bias": self.bias, **self.info}, indent=2) + "\n"

    @classmethod
    def load(cls, path: str | Path | None = None) -> StoryModel:
        p = Path(path) if path else DEFAULT_MODEL
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            names = tuple(data["features"])
            weights = np.array(data["weights"], dtype=np.float64)
            bias = float(data["bias"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"story model {p}: cannot read it ({exc})") from exc
        if names != FEATURES or weights.shape != (len(FEATURES),):
            raise ConfigError(f"story model {p}: features {names} do not match {FEATURES}")
        info = {k: v for k, v in data.items() if k not in ("features", "weights", "bias")}
        return cls(weights=weights, bias=bias, info=info)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50
                 ) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (small, exact, dependency-free).

    Positives are re-weighted to balance the classes: most candidates are other stories.
    """
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    pos = max(float(y.sum()), 1.0)
    neg = max(float(n - y.sum()), 1.0)
    sw = np.where(y > 0, n / (2 * pos), n / (2 * neg))
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0  # the bias is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -50, 50)))
        grad = xb.T @ (sw * (p - y)) + reg * w
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return w[:-1], float(w[-1])
