"""Fit the derivation model (src/crosswire/provenance/data/derivation.json) on gold pairs.

    python tools/fit_provenance.py tests/data/provenance_gold.jsonl --split dev [--write]

Ingests the gold records of the split into a temporary database, computes the features of
every (later, earlier) pair of articles within each gold case (``derive.story_pairs``), labels
a pair positive when the later article is a gold translation or rewrite of the earlier one
(or of what it copies), fits an L2-regularised logistic regression with balanced classes
(``story_evidence.fit_logistic``) and prints the weights and the in-sample precision and
recall at 0.5. ``--write`` saves them. Copies are left out: the copy relation finds them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from crosswire.config import load_settings
from crosswire.evaluation.labelled import scratch_ingest
from crosswire.evaluation.provenance import GoldArticle, acceptable_originals, read_gold
from crosswire.provenance.derive import FEATURES, DerivationModel, story_pairs
from crosswire.story_evidence import fit_logistic

MODEL = Path(__file__).resolve().parents[1] / "src/crosswire/provenance/data/derivation.json"


def root(gold: dict[str, GoldArticle], x: str) -> str:
    seen: set[str] = set()
    while (rel := gold[x].relation) is not None and rel[1] in gold and x not in seen:
        seen.add(x)
        x = rel[1]
    return x


def pair_table(gold_path: Path, split: str | None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    records = read_gold(gold_path, split)
    gold = {g.id: g for g in records}
    settings = load_settings()
    xs, ys, names = [], [], []
    with scratch_ingest([g.record for g in records], settings) as (cw, line_article, _):
        ext = {line_article[n]: records[n - 1].id for n in line_article}
        service = cw.provenance_service
        scores = service.ingest_scores(list(ext))
        cases: dict[str, list[int]] = {}
        for aid, gid in ext.items():
            cases.setdefault(gold[gid].case, []).append(aid)
        for aids in cases.values():
            arts = sorted((cw.store.get_article(a) for a in aids),
                          key=lambda a: (a.published is None, a.published, a.id))
            copies = {(r.article_id, r.original_id) for r in cw.store.relations_for(aids)
                      if r.kind == "copy"}
            for p in story_pairs(arts, cw.encoder, service.align, scores, copies):
                d, o = ext[p.derived], ext[p.original]
                rel = gold[d].relation
                positive = bool(rel and rel[0] != "copy"
                                and o in acceptable_originals(gold, d))
                if not positive and root(gold, d) == root(gold, o):
                    continue  # siblings of one original: neither label is right
                xs.append(p.values)
                ys.append(1.0 if positive else 0.0)
                names.append(f"{d} <- {o}")
    return np.array(xs), np.array(ys), names


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", type=Path, nargs="+")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    tables = [pair_table(g, args.split) for g in args.gold]
    x = np.vstack([t[0] for t in tables])
    y = np.concatenate([t[1] for t in tables])
    names = [n for t in tables for n in t[2]]
    w, b = fit_logistic(x, y, l2=args.l2)
    model = DerivationModel(tuple(float(v) for v in w), b)
    p = np.array([model.probability(row) for row in x])
    tp = int(((p >= 0.5) & (y > 0)).sum())
    fp = int(((p >= 0.5) & (y == 0)).sum())
    fn = int(((p < 0.5) & (y > 0)).sum())
    print(f"{len(y)} pairs, {int(y.sum())} positive; in-sample tp {tp} fp {fp} fn {fn}")
    for name, weight in zip(FEATURES, w, strict=True):
        print(f"  {name:>14}: {weight:+.3f}")
    print(f"  {'bias':>14}: {b:+.3f}")
    for i in np.argsort(-p):
        if (p[i] >= 0.5) != (y[i] > 0) or (y[i] > 0):
            print(f"  {p[i]:.3f} {'+' if y[i] else '-'} {names[i]} "
                  f"{dict(zip(FEATURES, np.round(x[i], 2), strict=True))}")
    if args.write:
        MODEL.write_text(json.dumps(model.to_dict()) + "\n", encoding="utf-8")
        print(f"wrote {MODEL}")


if __name__ == "__main__":
    main()
