"""Actor linking evaluation: ``crosswire eval entities GOLD.jsonl``.

GOLD is JSONL, one text a line: ``{"id": ..., "language": "tr", "text": "..."}`` where every
gold mention is written inline as ``[surface|actor-id]``, e.g.
``[Kuzey Kore'nin|country:kp] askerleri [Rusya'da|country:ru]``. The actor id is a knowledge-
base id, or ``new`` for a name the knowledge base does not know (a correct prediction is then
any new actor, ``new:...``). Spans cover the written word with its inflection; Arabic
proclitics (و ف ب ل ك) stay outside. Precision, recall and F1 count a predicted mention as
correct when it overlaps a gold mention and names the same actor (one-to-one); ``strict_*``
also require the exact span.

The texts are linked with the same code the pipeline runs (``actors.stage.link_text``); no
database is used.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crosswire.actors.kb import load_kb
from crosswire.actors.stage import link_text
from crosswire.config import Settings
from crosswire.evaluation.labelled import read_labelled
from crosswire.evaluation.metrics import prf

MARK = re.compile(r"\[([^\[\]|]+)\|([^\[\]|]+)\]")


@dataclass(frozen=True, slots=True)
class GoldMention:
    start: int
    end: int
    text: str
    actor: str


@dataclass(slots=True)
class GoldText:
    id: str
    language: str
    text: str
    mentions: list[GoldMention]


def parse_marked(marked: str) -> tuple[str, list[GoldMention]]:
    """Plain text and gold mentions from ``[surface|actor]`` markup."""
    out: list[str] = []
    mentions: list[GoldMention] = []
    pos = 0
    length = 0
    for m in MARK.finditer(marked):
        before = marked[pos:m.start()]
        out.append(before)
        length += len(before)
        surface, actor = m.group(1), m.group(2).strip()
        mentions.append(GoldMention(length, length + len(surface), surface, actor))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), mentions


def read_gold(path: Path) -> list[GoldText]:
    def parse(rec: dict[str, Any], n: int) -> GoldText:
        text, mentions = parse_marked(str(rec["text"]))
        return GoldText(str(rec.get("id", n)), str(rec["language"]), text, mentions)

    return read_labelled(path, parse)


def _same_actor(gold: str, predicted: str) -> bool:
    return predicted.startswith("new:") if gold == "new" else gold == predicted


def score_text(gold: list[GoldMention], predicted: list[tuple[int, int, str, str]]
               ) -> tuple[int, int, list[GoldMention], list[tuple[int, int, str, str]]]:
    """(matches, strict matches, missed gold, wrong predictions) for one text."""
    used: set[int] = set()
    tp = strict = 0
    missed: list[GoldMention] = []
    for g in gold:
        hit = next((k for k, p in enumerate(predicted) if k not in used
                    and p[0] < g.end and g.start < p[1] and _same_actor(g.actor, p[3])), None)
        if hit is None:
            missed.append(g)
            continue
        used.add(hit)
        tp += 1
        strict += int(predicted[hit][0] == g.start and predicted[hit][1] == g.end)
    wrong = [p for k, p in enumerate(predicted) if k not in used]
    return tp, strict, missed, wrong


def evaluate_entities(gold_path: str | Path, settings: Settings, errors: int = 50
                      ) -> dict[str, Any]:
    path = Path(gold_path)
    items = read_gold(path)
    kb = load_kb(settings.actors_file or None)
    tot: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, strict, n_gold, n_pred
    error_list: list[dict[str, Any]] = []
    for item in items:
        pred = [(m.start, m.end, m.text, m.actor_id)
                for m in link_text(item.text, item.language, kb, settings.actors_unknown)]
        tp, strict, missed, wrong = score_text(item.mentions, pred)
        for key in ("all", item.language):
            t = tot[key]
            t[0] += tp
            t[1] += strict
            t[2] += len(item.mentions)
            t[3] += len(pred)
        for g in missed:
            if len(error_list) < errors:
                error_list.append({"id": item.id, "kind": "missed", "text": g.text,
                                   "gold": g.actor})
        for p in wrong:
            if len(error_list) < errors:
                gold_here = [g.actor for g in item.mentions if g.start < p[1] and p[0] < g.end]
                error_list.append({"id": item.id, "kind": "wrong", "text": p[2],
                                   "predicted": p[3], "gold": gold_here[0] if gold_here else None})

    def metrics(t: list[int]) -> dict[str, Any]:
        p, r, f = prf(t[0], t[3] - t[0], t[2] - t[0])
        _, _, sf = prf(t[1], t[3] - t[1], t[2] - t[1])
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "strict_f1": round(sf, 4), "n_gold": t[2], "n_predicted": t[3]}

    overall = metrics(tot["all"])
    return {
        "kind": "entities",
        "gold": str(path),
        "n_texts": len(items),
        **overall,
        "per_language": {lang: metrics(t) for lang, t in sorted(tot.items()) if lang != "all"},
        "errors": error_list,
    }
