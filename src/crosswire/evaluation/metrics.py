"""Metrics shared by every evaluation: precision/recall/F1, B-cubed and pairwise clustering."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty side counts as perfect (nothing claimed, nothing missed)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def bcubed(gold: Mapping[Any, Any], pred: Mapping[Any, Any]
           ) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 over the items present in both mappings."""
    items = [i for i in gold if i in pred]
    if not items:
        return 0.0, 0.0, 0.0
    pair = Counter((gold[i], pred[i]) for i in items)
    gsize = Counter(gold[i] for i in items)
    psize = Counter(pred[i] for i in items)
    p = sum(pair[(gold[i], pred[i])] / psize[pred[i]] for i in items) / len(items)
    r = sum(pair[(gold[i], pred[i])] / gsize[gold[i]] for i in items) / len(items)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def pairwise(gold: Mapping[Any, Any], pred: Mapping[Any, Any]
             ) -> tuple[float, float, float]:
    """Precision, recall, F1 over pairs of items put together."""
    items = [i for i in gold if i in pred]
    pair = Counter((gold[i], pred[i]) for i in items)
    gsize = Counter(gold[i] for i in items)
    psize = Counter(pred[i] for i in items)

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    tp = sum(pairs(n) for n in pair.values())
    pred_pairs = sum(pairs(n) for n in psize.values())
    gold_pairs = sum(pairs(n) for n in gsize.values())
    return prf(tp, pred_pairs - tp, gold_pairs - tp)
