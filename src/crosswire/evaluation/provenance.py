"""Provenance evaluation: copies, translations, rewrites and machine-written flags against
labelled JSONL.

Each gold line is an ingest record plus ``id``, ``case`` (or ``story``: the articles that
tell one story), ``relation`` (null or {``type``: copy | translation | rewrite, ``of``: id})
and optionally ``machine_written`` (bool) and ``split`` (a record without one is put in
``dev`` or ``test`` by a hash of its case, so the demo corpus splits by story). The records
(of one split, when asked) are ingested into a fresh temporary database, end to end: copies
are found at ingest,
stories are formed by the clusterer, translations and rewrites within the stories it forms.

A predicted relation (the one original each article is shown to derive from) is right when
its kind is the gold kind and its original is the gold original, an ancestor of it, or a
gold copy of it (the same text). Precision and recall are given per kind and for "derived
at all" (any kind); machine-written precision and recall use the ``machine_threshold``
flag. ``independent_exact`` is the share of cases whose count of independent sources (after
folding derived articles into their originals' outlets) equals the gold count.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crosswire.config import Settings
from crosswire.errors import InputError
from crosswire.evaluation.labelled import read_labelled, scratch_ingest
from crosswire.evaluation.metrics import prf

KINDS = ("copy", "translation", "rewrite")


@dataclass(frozen=True, slots=True)
class GoldArticle:
    id: str
    case: str
    split: str | None
    source: str
    relation: tuple[str, str] | None
    machine_written: bool | None
    record: dict[str, Any]


def default_split(case: str) -> str:
    """A record without ``split`` goes by its case: half the cases dev, half test, stably."""
    return "dev" if hashlib.blake2b(case.encode(), digest_size=1).digest()[0] % 2 == 0 \
        else "test"


def read_gold(path: Path, split: str | None = None) -> list[GoldArticle]:
    """The gold records (of ``split`` when given); a bad line raises ``InputError``."""
    def parse(rec: dict[str, Any], n: int) -> GoldArticle:
        rel = rec.get("relation")
        if rel is not None and (not isinstance(rel, dict) or rel.get("type") not in KINDS
                                or not rel.get("of")):
            raise ValueError(f"relation must be null or {{type: {'|'.join(KINDS)}, of: id}}")
        case = str(rec.get("case") or rec["story"])
        return GoldArticle(str(rec["id"]), case, rec.get("split") or default_split(case),
                           str(rec.get("source") or rec["id"]),
                           None if rel is None else (str(rel["type"]), str(rel["of"])),
                           rec.get("machine_written"), rec)

    out = [g for g in read_labelled(path, parse, "provenance gold record")
           if split is None or g.split == split]
    if not out:
        raise InputError(f"{path}: no gold records" + (f" in split {split!r}" if split else ""))
    return out


def acceptable_originals(gold: dict[str, GoldArticle], article: str) -> set[str]:
    """The gold original of ``article``, its ancestors, and gold copies of any of them."""
    rel = gold[article].relation
    if rel is None:
        return set()
    chain, current = [], rel[1]
    while current in gold and current not in chain:
        chain.append(current)
        parent = gold[current].relation
        current = parent[1] if parent else ""
    copies = {g.id for g in gold.values() if g.relation and g.relation[0] == "copy"
              and g.relation[1] in chain}
    return set(chain) | copies


def gold_independent(gold: dict[str, GoldArticle], ids: list[str]) -> int:
    def root(x: str) -> str:
        seen = set()
        while gold[x].relation and gold[x].relation[1] in gold and x not in seen:  # type: ignore[index]
            seen.add(x)
            x = gold[x].relation[1]  # type: ignore[index]
        return x
    return len({gold[root(x)].source for x in ids})


def evaluate_provenance(gold_path: str | Path, settings: Settings, split: str | None = None
                        ) -> dict[str, Any]:
    path = Path(gold_path)
    records = read_gold(path, split)
    gold = {g.id: g for g in records}
    rows = [{k: v for k, v in g.record.items() if k not in ("relation", "machine_written")}
            for g in records]
    with scratch_ingest(rows, settings) as (cw, article_of, _):
        ext = {article_of[n]: records[n - 1].id for n in article_of}
        service = cw.provenance_service
        prov = service.articles(list(ext))
        origin = service.origin_sources([cw.store.get_article(a) for a in ext], ensure=False)
    return score_predictions(path, split, gold, ext, prov, origin)


def score_predictions(path: Path, split: str | None, gold: dict[str, GoldArticle],
                      ext: dict[int, str], prov: dict[int, Any], origin: dict[int, str]
                      ) -> dict[str, Any]:
    counts = {k: [0, 0, 0] for k in (*KINDS, "derived", "machine_written")}  # tp fp fn
    errors: list[dict[str, Any]] = []
    for aid, gid in ext.items():
        g, p = gold[gid], prov[aid]
        pred = None if p.best is None else (p.best.kind, ext.get(p.best.original_id, "?"))
        ok_originals = acceptable_originals(gold, gid)
        if pred is not None and g.relation is not None:
            counts["derived"][0] += 1
            if pred[0] == g.relation[0] and pred[1] in ok_originals:
                counts[pred[0]][0] += 1
                continue
            counts[pred[0]][1] += 1
            counts[g.relation[0]][2] += 1
        elif pred is not None:
            counts["derived"][1] += 1
            counts[pred[0]][1] += 1
        elif g.relation is not None:
            counts["derived"][2] += 1
            counts[g.relation[0]][2] += 1
        else:
            continue
        errors.append({"article": gid, "gold": g.relation, "predicted": pred,
                       "evidence": None if p.best is None else p.best.evidence})
    for aid, gid in ext.items():
        truth = gold[gid].machine_written
        if truth is None:
            continue
        flagged = prov[aid].flagged
        c = counts["machine_written"]
        c[0] += flagged and truth
        c[1] += flagged and not truth
        c[2] += truth and not flagged
        if flagged != truth:
            errors.append({"article": gid, "machine_written": truth,
                           "score": round(prov[aid].machine.score, 3),
                           "reasons": prov[aid].machine.reasons})
    by_case: dict[str, list[int]] = defaultdict(list)
    for aid, gid in ext.items():
        by_case[gold[gid].case].append(aid)
    exact = []
    for _, aids in sorted(by_case.items()):
        want = gold_independent(gold, [ext[a] for a in aids])
        exact.append(len({origin[a] for a in aids}) == want)
    result: dict[str, Any] = {"kind": "provenance", "gold": str(path), "split": split,
                              "n_articles": len(ext), "n_cases": len(by_case)}
    for name, (tp, fp, fn) in counts.items():
        if name == "machine_written" and tp + fp + fn == 0 and not any(
                g.machine_written is not None for g in gold.values()):
            continue
        p, r, f = prf(tp, fp, fn)
        result.update({f"{name}_precision": round(p, 4), f"{name}_recall": round(r, 4),
                       f"{name}_f1": round(f, 4), f"{name}_gold": tp + fn})
    result["independent_exact"] = round(sum(exact) / len(exact), 4) if exact else 0.0
    result["errors"] = errors
    return result
