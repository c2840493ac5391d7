"""The naive story-clustering baseline, for comparison (docs/stories.md).

e5 on title + lead, raw cosine, online centroid assignment in publication order, no time
window, one threshold tuned on the labelled set itself (so it is an optimistic figure).

    python tools/naive_baseline.py src/crosswire/data/demo/articles.jsonl [...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from crosswire.app import shared_encoder
from crosswire.config import load_settings
from crosswire.evaluation.metrics import bcubed
from crosswire.evaluation.train_stories import prepare_labelled


def naive_f1(path: Path) -> tuple[float, float]:
    settings = load_settings()
    pairs = prepare_labelled(path, settings, shared_encoder(settings))
    pairs.sort(key=lambda p: (p[0].published.timestamp() if p[0].published else 0.0,
                              p[0].content_hash or ""))
    vecs = np.stack([a.vector for a, _ in pairs])
    gold = {i: label for i, (_, label) in enumerate(pairs)}
    best = (0.0, 0.0)
    for thr in np.arange(0.70, 0.96, 0.005):
        sums: list[np.ndarray] = []
        pred: dict[int, int] = {}
        for i, v in enumerate(vecs):
            sims = [float(v @ (s / np.linalg.norm(s))) for s in sums]
            j = int(np.argmax(sims)) if sims else -1
            if j >= 0 and sims[j] >= thr:
                sums[j] = sums[j] + v
                pred[i] = j
            else:
                sums.append(v.copy())
                pred[i] = len(sums) - 1
        f1 = bcubed(gold, pred)[2]
        best = max(best, (f1, float(thr)))
    return best


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        f1, thr = naive_f1(Path(arg))
        print(f"{arg}: naive B-cubed F1 {f1:.3f} (best threshold {thr:.3f}, tuned on the set)")
