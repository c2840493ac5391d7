"""Event coding evaluation: ``crosswire eval events GOLD.jsonl``.

GOLD is JSONL, one sentence a line: ``{"id": ..., "language": "tr", "text": "...",
"events": [...]}`` where each event is either an object (``type``, ``mode``, ``source``,
``target``, ``mutual``, ``hedged``, ``negated``, ``reported``; ``source``/``target`` an actor
id or a list of ids) or the short form ``"TYPE[.mode] SRC > TGT [hedged] [negated]
[reported]"``: ``<>`` instead of ``>`` for a mutual event, ``+`` between coordinated actors,
``-`` for no actor, two lowercase letters for ``country:xx``. ``[]`` means no event.

The sentences are linked and coded with the same code the pipeline runs (no database).
Metrics:

* type: per-type precision/recall/F1 over sentences (a type predicted in a sentence whose
  gold lacks it is a false positive), ``macro_f1`` over the 16 PLOVER types, and event
  detection (any event vs none);
* ``direction_accuracy``: over gold actor pairs whose event type the system found and whose
  two actors it put in that event, the share with source and target the right way round
  (either way for a mutual gold event); ``dyad_accuracy``: over gold pairs whose type was
  found, the share with both actors in their right roles (actor choice and direction);
  an actor matches itself or the country a person or body belongs to;
* ``hedge_accuracy``, ``negation_accuracy``, ``reported_accuracy``, ``mode_accuracy``: over
  gold events whose type the system found in that sentence (mode: where gold gives one).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crosswire.actors.kb import KnowledgeBase
from crosswire.actors.stage import link_text
from crosswire.embed import Encoder
from crosswire.evaluation.labelled import read_labelled
from crosswire.evaluation.metrics import prf
from crosswire.events.code import EventCoder
from crosswire.events.plover import TYPES
from crosswire.models import CodedEvent, Sentence

_SHORT = re.compile(r"^\s*([A-Z]+)(?:\.([a-z_]+))?\s+(\S+)\s*(<>|>)\s*(\S+)((?:\s+[a-z]+)*)\s*$")


@dataclass(frozen=True, slots=True)
class GoldEvent:
    type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    mode: str | None = None
    mutual: bool = False
    hedged: bool = False
    negated: bool = False
    reported: bool | None = None


@dataclass(slots=True)
class GoldSentence:
    id: str
    language: str
    text: str
    events: list[GoldEvent] = field(default_factory=list)


def _actor(token: str) -> str:
    return f"country:{token}" if re.fullmatch(r"[a-z]{2}", token) else token


def _actors(value: Any) -> tuple[str, ...]:
    if value in (None, "", "-"):
        return ()
    items = value if isinstance(value, list) else str(value).split("+")
    return tuple(_actor(str(x).strip()) for x in items if str(x).strip() not in ("", "-"))


def parse_event(value: Any) -> GoldEvent:
    """One gold event from the short string form or an object."""
    if isinstance(value, str):
        m = _SHORT.match(value)
        if not m:
            raise ValueError(f"cannot read event {value!r} (expected 'TYPE[.mode] SRC > TGT')")
        typ, mode, src, arrow, tgt, flags = m.groups()
        words = set(flags.split())
        unknown = words - {"hedged", "negated", "reported"}
        if unknown:
            raise ValueError(f"unknown flags {sorted(unknown)} in {value!r}")
        ev = GoldEvent(typ, _actors(src), _actors(tgt), mode, arrow == "<>", "hedged" in words,
                       "negated" in words, "reported" in words)
    elif isinstance(value, dict):
        ev = GoldEvent(str(value["type"]).upper(), _actors(value.get("source")),
                       _actors(value.get("target")), value.get("mode"),
                       bool(value.get("mutual", False)), bool(value.get("hedged", False)),
                       bool(value.get("negated", False)), value.get("reported"))
    else:
        raise ValueError(f"an event is a string or an object, not {type(value).__name__}")
    if ev.type not in TYPES:
        raise ValueError(f"{ev.type!r} is not a PLOVER type")
    return ev


def read_gold(path: Path) -> list[GoldSentence]:
    def parse(rec: dict[str, Any], n: int) -> GoldSentence:
        return GoldSentence(str(rec.get("id", n)), str(rec["language"]), str(rec["text"]),
                            [parse_event(e) for e in rec["events"]])

    return read_labelled(path, parse)


def code_sentences(items: Sequence[tuple[str, str]], coder: EventCoder, kb: KnowledgeBase,
                   encoder: Encoder | None, unknown: bool = True) -> list[list[CodedEvent]]:
    """Code standalone sentences ``(text, language)`` as the pipeline would."""
    cands = []
    for text, lang in items:
        mentions = link_text(text, lang, kb, unknown)
        cands.append(coder.candidate(text, Sentence(0, 0, len(text), lang), mentions, lang))
    todo = [c for c in cands if c is not None]
    vectors = {id(c): v for c, v in zip(todo, coder.vectors(todo, encoder), strict=True)}
    return [coder.code(c, text, vectors.get(id(c))) if c is not None else []
            for c, (text, _) in zip(cands, items, strict=True)]


def _same(kb: KnowledgeBase, gold: str, pred: str) -> bool:
    if gold == pred:
        return True
    for a, b in ((gold, pred), (pred, gold)):
        k = kb.get(a)
        if k is not None and k.type != "city" and k.country == b:
            return True
    return False


def _has(kb: KnowledgeBase, actors: Sequence[str], wanted: str) -> bool:
    return any(_same(kb, wanted, a) for a in actors)


def evaluate_events(gold_path: str | Path, coder: EventCoder, kb: KnowledgeBase,
                    encoder: Encoder | None, unknown: bool = True, errors: int = 50
                    ) -> dict[str, Any]:
    path = Path(gold_path)
    items = read_gold(path)
    predicted = code_sentences([(g.text, g.language) for g in items], coder, kb, encoder,
                               unknown)
    per_type: dict[str, list[int]] = {t: [0, 0, 0] for t in TYPES}
    per_lang: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {t: [0, 0, 0] for t in TYPES})
    detect = [0, 0, 0]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # metric -> [right, total]
    error_list: list[dict[str, Any]] = []

    def note(kind: str, g: GoldSentence, **extra: Any) -> None:
        if len(error_list) < errors:
            error_list.append({"id": g.id, "kind": kind, "text": g.text, **extra})

    for g, preds in zip(items, predicted, strict=True):
        gold_types = {e.type for e in g.events}
        pred_types = {e.type for e in preds}
        for t in TYPES:
            cell = (t in gold_types and t in pred_types, t in pred_types and t not in gold_types,
                    t in gold_types and t not in pred_types)
            for k, v in enumerate(cell):
                per_type[t][k] += int(v)
                per_lang[g.language][t][k] += int(v)
        detect[0] += int(bool(gold_types) and bool(pred_types))
        detect[1] += int(not gold_types and bool(pred_types))
        detect[2] += int(bool(gold_types) and not pred_types)
        for t in sorted(pred_types - gold_types):
            note("wrong type", g, predicted=t, gold=sorted(gold_types))
        for t in sorted(gold_types - pred_types):
            note("missed type", g, gold=t, predicted=sorted(pred_types))
        for ge in g.events:
            pe = next((p for p in preds if p.type == ge.type), None)
            if pe is None:
                continue
            for flag in ("hedged", "negated"):
                right = getattr(ge, flag) == getattr(pe, flag)
                counts[flag][0] += int(right)
                counts[flag][1] += 1
                if not right:
                    note(f"{flag} wrong", g, gold=getattr(ge, flag), predicted=getattr(pe, flag))
            if ge.reported is not None:
                counts["reported"][0] += int(ge.reported == pe.reported)
                counts["reported"][1] += 1
            if ge.mode:
                counts["mode"][0] += int(ge.mode == pe.mode)
                counts["mode"][1] += 1
                if ge.mode != pe.mode:
                    note("mode wrong", g, gold=ge.mode, predicted=pe.mode)
            for src in ge.sources:
                for tgt in ge.targets:
                    roles_right = (_has(kb, pe.sources, src) and _has(kb, pe.targets, tgt))
                    swapped = (_has(kb, pe.sources, tgt) and _has(kb, pe.targets, src))
                    if ge.mutual:
                        roles_right = roles_right or swapped
                    counts["dyad"][0] += int(roles_right)
                    counts["dyad"][1] += 1
                    if roles_right or swapped:
                        counts["direction"][0] += int(roles_right)
                        counts["direction"][1] += 1
                    if not roles_right:
                        note("direction wrong" if swapped else "actors wrong", g,
                             gold=f"{src} > {tgt}",
                             predicted=f"{'+'.join(pe.sources) or '-'} "
                                       f"{'<>' if pe.mutual else '>'} "
                                       f"{'+'.join(pe.targets) or '-'}")

    def f1s(table: dict[str, list[int]]) -> dict[str, dict[str, float]]:
        out = {}
        for t, (tp, fp, fn) in table.items():
            if tp + fp + fn:
                p, r, f = prf(tp, fp, fn)
                out[t] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                          "n_gold": tp + fn}
        return out

    def macro(table: dict[str, list[int]]) -> float:
        scores = [prf(*v)[2] for v in table.values() if v[0] + v[2]]
        return round(sum(scores) / len(scores), 4) if scores else 0.0

    def acc(name: str) -> float | None:
        right, total = counts[name]
        return round(right / total, 4) if total else None

    dp, dr, df = prf(*detect)
    return {
        "kind": "events",
        "gold": str(path),
        "n_sentences": len(items),
        "n_gold_events": sum(len(g.events) for g in items),
        "n_predicted_events": sum(len(p) for p in predicted),
        "macro_f1": macro(per_type),
        "detection_precision": round(dp, 4),
        "detection_recall": round(dr, 4),
        "detection_f1": round(df, 4),
        "direction_accuracy": acc("direction"),
        "dyad_accuracy": acc("dyad"),
        "hedge_accuracy": acc("hedged"),
        "negation_accuracy": acc("negated"),
        "reported_accuracy": acc("reported"),
        "mode_accuracy": acc("mode"),
        "n_direction": counts["direction"][1],
        "n_flags": counts["hedged"][1],
        "per_type": f1s(per_type),
        "per_language": {lang: {"macro_f1": macro(tab),
                                "n_sentences": sum(1 for g in items if g.language == lang)}
                         for lang, tab in sorted(per_lang.items())},
        "errors": error_list,
    }
