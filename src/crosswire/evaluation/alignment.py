"""Claim alignment evaluation: ``crosswire eval alignment GOLD.jsonl``.

Each line of GOLD is one case: several short articles on one story, as sentences, with the
sentences that state the same claim labelled alike::

    {"case": "port-strike", "split": "dev",
     "articles": [{"id": "de", "language": "de", "source": "...",
                   "sentences": ["plain sentence", {"text": "...", "claim": "c1"},
                                 {"text": "...", "near": "c1"}]}, ...]}

Two sentences of different articles with the same ``claim`` form a gold pair. ``near`` marks
a near miss of a claim (same actors, different claim): pairs of it with that claim's
sentences must not be aligned, and the count of those that are is reported. The aligner runs
on each case as it runs on a story (same units, same one-call embedding); a predicted pair is
two sentences of different articles in one predicted group. Metrics: precision, recall and F1
over pairs, overall and per language pair, plus the same over direct links.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crosswire.align import AlignOptions, align_articles
from crosswire.embed import Encoder
from crosswire.errors import InputError
from crosswire.evaluation.metrics import prf
from crosswire.models import Article, Sentence


@dataclass(frozen=True, slots=True)
class GoldSentence:
    article: int
    index: int
    language: str | None
    claim: str | None
    near: str | None


@dataclass(slots=True)
class GoldCase:
    name: str
    split: str | None
    articles: list[Article]
    sentences: list[GoldSentence]

    def pairs(self) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
        """Gold pairs and near-miss pairs, as pairs of indices into ``sentences``."""
        gold: set[tuple[int, int]] = set()
        near: set[tuple[int, int]] = set()
        for x, y in itertools.combinations(range(len(self.sentences)), 2):
            a, b = self.sentences[x], self.sentences[y]
            if a.article == b.article:
                continue
            if a.claim and a.claim == b.claim:
                gold.add((x, y))
            elif (a.near and a.near == b.claim) or (b.near and b.near == a.claim):
                near.add((x, y))
        return gold, near


def _case_from_record(rec: Any, line: int) -> GoldCase:
    if not isinstance(rec, dict) or not isinstance(rec.get("articles"), list):
        raise InputError(f"line {line}: expected an object with an 'articles' list")
    articles: list[Article] = []
    sentences: list[GoldSentence] = []
    for n, art in enumerate(rec["articles"], start=1):
        if not isinstance(art, dict) or not isinstance(art.get("sentences"), list):
            raise InputError(f"line {line}: article {n} needs a 'sentences' list")
        lang = art.get("language")
        parts: list[str] = []
        spans: list[Sentence] = []
        pos = 0
        for i, s in enumerate(art["sentences"]):
            item = {"text": s} if isinstance(s, str) else s
            text = item.get("text") if isinstance(item, dict) else None
            if not isinstance(text, str) or not text.strip():
                raise InputError(f"line {line}: article {n}, sentence {i + 1} has no text")
            parts.append(text)
            spans.append(Sentence(i, pos, pos + len(text), lang))
            pos += len(text) + 1
            sentences.append(GoldSentence(n, i, lang, item.get("claim"), item.get("near")))
        articles.append(Article(text=" ".join(parts), id=n, language=lang, sentences=spans,
                                source=art.get("source"), external_id=art.get("id")))
    return GoldCase(str(rec.get("case", f"line {line}")), rec.get("split"), articles, sentences)


def read_gold(path: Path) -> tuple[list[GoldCase], list[dict[str, Any]]]:
    """The cases of a gold file and one rejection (line, reason) for each unreadable line."""
    cases: list[GoldCase] = []
    rejected: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read gold file ({exc})") from exc
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            cases.append(_case_from_record(json.loads(raw), n))
        except json.JSONDecodeError as exc:
            rejected.append({"line": n, "reason": f"not valid JSON ({exc.msg})"})
        except InputError as exc:
            rejected.append({"line": n, "reason": str(exc).split(": ", 1)[-1]})
    if not cases:
        raise InputError(f"{path}: no readable cases (see docs/compare.md for the format)")
    return cases, rejected


def evaluate_alignment(gold_path: str | Path, encoder: Encoder,
                       options: AlignOptions | None = None, split: str | None = None
                       ) -> dict[str, Any]:
    """Precision, recall and F1 of the aligner on a gold file (optionally one split)."""
    path = Path(gold_path)
    cases, rejected = read_gold(path)
    if split:
        cases = [c for c in cases if c.split == split]
        if not cases:
            raise InputError(f"{path}: no case has split {split!r}")
    tp = fp = fn = 0
    link_tp = link_fp = 0
    near_hit = near_total = gold_total = 0
    by_pair: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    missed: list[dict[str, Any]] = []
    wrong: list[dict[str, Any]] = []
    for case in cases:
        alignment = align_articles(case.articles, encoder, options)
        where = {(s.article, s.index): k for k, s in enumerate(case.sentences)}
        group_of: dict[int, int] = {}
        for g, members in enumerate(alignment.groups):
            for u in members:
                unit = alignment.units[u]
                group_of[where[(unit.article_id, unit.sentence)]] = g
        predicted = {(x, y) for x, y in itertools.combinations(range(len(case.sentences)), 2)
                     if case.sentences[x].article != case.sentences[y].article
                     and x in group_of and group_of.get(y) == group_of[x]}
        linked = set()
        for link in alignment.links:
            ua, ub = alignment.units[link.a], alignment.units[link.b]
            x, y = where[(ua.article_id, ua.sentence)], where[(ub.article_id, ub.sentence)]
            linked.add((min(x, y), max(x, y)))
        gold, near = case.pairs()
        gold_total += len(gold)
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        link_tp += len(linked & gold)
        link_fp += len(linked - gold)
        near_hit += len(predicted & near)
        near_total += len(near)
        for x, y in predicted | gold:
            key = "-".join(sorted((case.sentences[x].language or "?",
                                   case.sentences[y].language or "?")))
            row = by_pair[key]
            row[0] += (x, y) in predicted and (x, y) in gold
            row[1] += (x, y) in predicted and (x, y) not in gold
            row[2] += (x, y) in gold and (x, y) not in predicted
        texts = {k: case.articles[s.article - 1].text[
            case.articles[s.article - 1].sentences[s.index].start:
            case.articles[s.article - 1].sentences[s.index].end]
            for k, s in enumerate(case.sentences)}
        for x, y in sorted(gold - predicted):
            missed.append({"case": case.name, "a": texts[x], "b": texts[y]})
        for x, y in sorted(predicted - gold):
            wrong.append({"case": case.name, "a": texts[x], "b": texts[y]})
    p, r, f = prf(tp, fp, fn)
    lp, lr, lf = prf(link_tp, link_fp, gold_total - link_tp)
    return {
        "kind": "alignment",
        "gold": str(path),
        "split": split or "all",
        "n_cases": len(cases),
        "n_gold_pairs": gold_total,
        "n_predicted_pairs": tp + fp,
        "n_near_miss_pairs": near_total,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "link_precision": round(lp, 4),
        "link_recall": round(lr, 4),
        "link_f1": round(lf, 4),
        "near_miss_aligned": near_hit,
        "by_language_pair": {
            k: {"gold": v[0] + v[2], "f1": round(prf(*v)[2], 4)}
            for k, v in sorted(by_pair.items(), key=lambda kv: (-(kv[1][0] + kv[1][2]), kv[0]))
        },
        "missed": missed,
        "wrong": wrong,
        "rejected": rejected,
    }
