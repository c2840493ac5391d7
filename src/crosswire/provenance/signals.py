"""Machine-written and content-farm signals, each a named reason with its evidence.

Reads one article (clean text, removed debris, byline, sentences); returns ``Signal``s and
writes nothing. Computed at ingest (no encoder, about a millisecond an article) and kept in
``article_signals``; the ``derived`` signal is added when reading, from the relations found
so far. The score is a logistic function of the signal values with the weights and phrase
lists of ``data/signals.toml``: nothing is learnt behind the user's back, every point of the
score comes from a reason shown next to it.

Signals (value 0..1):

* ``ai_disclosure``: the page says AI wrote or helped write it, in any language the debris
  patterns know (``debris.debris_kind`` = ``ai_disclosure``), whether the cleaner cut the
  line out or it stayed inside the text;
* ``comment_form``: a comment form kept in the page (cut out by the cleaner);
* ``cms_debris``: an empty "Source link:" line, shortcodes (``[caption]``), template
  placeholders (``{{title}}``, ``%%excerpt%%``) or leftover markup;
* ``templated_phrases``: padding phrases content farms put around a rewrite;
* ``generic_analysis``: hedged sentences ("experts", "could") with no quote and no
  statement attributed to anyone;
* ``no_byline``: no author in the page metadata or the record, and no "By ..." line;
* ``derived`` (added on read): the article is a copy, translation or rewrite of an earlier one.

Never fails on odd text; an article with no sentences scores on its debris alone.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from crosswire.debris import debris_kind
from crosswire.models import Article

_MAX_EVIDENCE = 3
_QUOTE = re.compile(r"[\"“”«»„「『]([^\"“”«»„「」『』]{12,})[\"“”«»」』]")
_SHORTCODE = re.compile(r"\[/?(?:caption|embed|gallery|video|audio|vc_\w+|et_pb_\w+)\b[^\]]*\]"
                        r"|\{\{\s*[\w.]+\s*\}\}|%%\w+%%|\$\{\w+\}|&lt;/?\w+&gt;|</?(?:p|div|span)>",
                        re.IGNORECASE)
_EMPTY_SOURCE = re.compile(r"^\s*(source link|kaynak bağlantısı|ссылка на источник|رابط المصدر|"
                           r"lien source|enlace fuente|原文链接|quelle)\s*[:：]?\s*$",
                           re.IGNORECASE)
_BYLINE = re.compile(r"^\s*(by|yazan|yazar|muhabir|автор|von|par|por|بقلم|记者|作者)\s*[:：]?\s+"
                     r"\S.{1,60}$", re.IGNORECASE | re.MULTILINE)
_SIGNAL_TITLES = {
    "ai_disclosure": "AI disclosure",
    "comment_form": "comment form left in the page",
    "cms_debris": "CMS debris",
    "templated_phrases": "templated phrases",
    "generic_analysis": "generic hedged analysis with no quotes or named sources",
    "no_byline": "no byline",
    "derived": "high overlap with an earlier article",
}


@dataclass(frozen=True, slots=True)
class Signal:
    """One named reason, how strongly it holds (0..1) and the text that shows it."""

    name: str
    value: float
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": round(self.value, 3),
                "evidence": list(self.evidence)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Signal:
        return cls(str(d["name"]), float(d["value"]), tuple(d.get("evidence", ())))

    def reason(self) -> str:
        """A line for a reader: what was found and where."""
        title = _SIGNAL_TITLES.get(self.name, self.name)
        if not self.evidence:
            return title
        quoted = "; ".join(f"\"{e}\"" for e in self.evidence)
        return f"{title}: {quoted}"


@dataclass(frozen=True, slots=True)
class SignalConfig:
    bias: float
    weights: dict[str, float]
    templated: tuple[str, ...]
    hedges: tuple[str, ...]
    attributions: tuple[str, ...]


@lru_cache(maxsize=1)
def load_config() -> SignalConfig:
    """The weights and phrase lists shipped in ``data/signals.toml``."""
    raw = tomllib.loads(resources.files("crosswire.provenance").joinpath(
        "data/signals.toml").read_text(encoding="utf-8"))
    weights = dict(raw["weights"])
    bias = float(weights.pop("bias"))
    return SignalConfig(bias, {k: float(v) for k, v in weights.items()},
                        tuple(raw["templated"]["phrases"]), tuple(raw["generic"]["hedges"]),
                        tuple(raw["generic"]["attributions"]))


@lru_cache(maxsize=8)
def _phrase_regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Phrases as whole words (where the script has word boundaries)."""
    parts = sorted((re.escape(p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def _short(text: str, limit: int = 120) -> str:
    t = " ".join(text.split())
    return t if len(t) <= limit else t[:limit - 1].rstrip() + "…"


def _sentences(article: Article) -> list[str]:
    if article.sentences:
        return [article.text[s.start:s.end] for s in article.sentences]
    return [line for line in article.text.splitlines() if line.strip()]


def disclosure_signal(article: Article) -> Signal | None:
    lines = [d for d in article.debris if debris_kind(d) == "ai_disclosure"]
    lines += [s for s in (*article.text.splitlines(), *_sentences(article))
              if debris_kind(s) == "ai_disclosure"]
    lines = list(dict.fromkeys(_short(x) for x in lines))
    return Signal("ai_disclosure", 1.0, tuple(lines[:_MAX_EVIDENCE])) if lines else None


def debris_signals(article: Article) -> list[Signal]:
    out = []
    forms = [_short(d) for d in article.debris if debris_kind(d) == "comment_form"]
    if forms:
        out.append(Signal("comment_form", 1.0, tuple(forms[:_MAX_EVIDENCE])))
    cms = [_short(d) for d in article.debris if _EMPTY_SOURCE.match(d)]
    cms += [m.group(0) for m in _SHORTCODE.finditer(article.text)]
    if cms:
        out.append(Signal("cms_debris", 1.0, tuple(dict.fromkeys(cms))[:_MAX_EVIDENCE]))
    return out


def templated_signal(article: Article, config: SignalConfig) -> Signal | None:
    rx = _phrase_regex(config.templated)
    hits = [_short(s) for s in _sentences(article) if rx.search(s)]
    hits += [_short(d) for d in article.debris if rx.search(d)]
    hits = list(dict.fromkeys(hits))
    if not hits:
        return None
    return Signal("templated_phrases", min(1.0, len(hits) / 2), tuple(hits[:_MAX_EVIDENCE]))


def generic_signal(article: Article, config: SignalConfig, min_sentences: int = 4
                   ) -> Signal | None:
    """Hedged sentences in a text where nobody is quoted and nothing is attributed."""
    sentences = [s for s in _sentences(article) if len(s.split()) >= 4 or len(s) >= 20]
    if len(sentences) < min_sentences:
        return None
    if _QUOTE.search(article.text) or _phrase_regex(config.attributions).search(article.text):
        return None
    hedge = _phrase_regex(config.hedges)
    hedged = [s for s in sentences if hedge.search(s)]
    share = len(hedged) / len(sentences)
    if share < 0.1:
        return None
    words = sorted({m.group(0).lower() for s in hedged for m in hedge.finditer(s)})
    evidence = (f"{len(hedged)} of {len(sentences)} sentences hedge "
                f"({', '.join(words[:6])}); no quote, no statement attributed to anyone",)
    return Signal("generic_analysis", min(1.0, share / 0.3), evidence)


def byline_signal(article: Article) -> Signal | None:
    if article.author or _BYLINE.search(article.text[:400]) or any(
            _BYLINE.match(d) for d in article.debris):
        return None
    return Signal("no_byline", 1.0)


def article_signals(article: Article) -> list[Signal]:
    """Every ingest-time signal that holds for an article."""
    config = load_config()
    found = [disclosure_signal(article), *debris_signals(article),
             templated_signal(article, config), generic_signal(article, config),
             byline_signal(article)]
    return [s for s in found if s is not None]


def derived_signal(kind: str, original_id: int, score: float) -> Signal:
    value = 0.5 if kind == "translation" else 1.0
    return Signal("derived", value, (f"{kind} of article {original_id} ({score:.2f})",))


@dataclass(frozen=True, slots=True)
class MachineScore:
    score: float
    reasons: list[str]
    signals: list[Signal]

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 3), "reasons": list(self.reasons),
                "signals": [s.to_dict() for s in self.signals]}


def machine_score(signals: Iterable[Signal], config: SignalConfig | None = None
                  ) -> MachineScore:
    """The logistic score of the signals; reasons strongest first."""
    cfg = config or load_config()
    sigs = list(signals)
    z = cfg.bias + sum(cfg.weights.get(s.name, 0.0) * s.value for s in sigs)
    ordered = sorted(sigs, key=lambda s: -cfg.weights.get(s.name, 0.0) * s.value)
    return MachineScore(1.0 / (1.0 + math.exp(-z)), [s.reason() for s in ordered], ordered)


def signals_from_dicts(items: Sequence[dict[str, Any]]) -> list[Signal]:
    return [Signal.from_dict(d) for d in items]
