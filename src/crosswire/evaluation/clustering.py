"""Story clustering evaluation: ingest a labelled JSONL file into a fresh temporary database
and compare the stories crosswire builds with the gold ``story`` labels.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from crosswire.config import Settings
from crosswire.errors import InputError
from crosswire.evaluation.labelled import scratch_ingest
from crosswire.evaluation.metrics import bcubed, pairwise

LABEL_KEYS = ("story", "label", "cluster")


def read_labels(path: Path, keys: tuple[str, ...] = LABEL_KEYS) -> dict[int, str]:
    """Gold label of each JSONL line (1-based line numbers, as the reader reports them)."""
    labels: dict[int, str] = {}
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # the ingest reports it with its line number
                if isinstance(rec, dict):
                    label = next((rec[k] for k in keys if rec.get(k) not in (None, "")), None)
                    if label is not None:
                        labels[n] = str(label)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read gold file ({exc})") from exc
    if not labels:
        raise InputError(f"{path}: no labelled records (each line needs a 'story' field)")
    return labels


def evaluate_clustering(gold_path: str | Path, settings: Settings) -> dict[str, Any]:
    path = Path(gold_path)
    labels = read_labels(path)
    # stories only: coding events would spend the encoder on sentences for nothing
    with scratch_ingest(path, settings, events_enabled=False) as (cw, line_article, summary):
        story_of = {a.id: a.story_id for a in cw.store.list_articles()}
        titles = {s.id: s.title for s in cw.stories(limit=100000)}
    gold = {n: labels[n] for n in line_article if n in labels}
    pred = {n: story_of[line_article[n]] for n in gold}
    bp, br, bf = bcubed(gold, pred)
    pp, pr, pf = pairwise(gold, pred)
    by_gold: dict[str, Counter[Any]] = defaultdict(Counter)
    by_pred: dict[Any, Counter[str]] = defaultdict(Counter)
    for n, g in gold.items():
        by_gold[g][pred[n]] += 1
        by_pred[pred[n]][g] += 1
    split = {g: len(c) for g, c in by_gold.items() if len(c) > 1}
    merged = {str(p): dict(c) for p, c in by_pred.items() if len(c) > 1}
    return {
        "kind": "clustering",
        "gold": str(path),
        "n_articles": len(gold),
        "n_gold_stories": len(by_gold),
        "n_predicted_stories": len(by_pred),
        "bcubed_precision": round(bp, 4),
        "bcubed_recall": round(br, 4),
        "bcubed_f1": round(bf, 4),
        "pairwise_precision": round(pp, 4),
        "pairwise_recall": round(pr, 4),
        "pairwise_f1": round(pf, 4),
        "rejected": len(summary.rejected),
        "split_gold_stories": split,
        "merged_predicted_stories": {
            k: {"title": titles.get(int(k)), "gold": v} for k, v in merged.items()
        },
    }

