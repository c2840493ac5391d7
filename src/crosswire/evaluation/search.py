"""Search evaluation: do an article's own words find the other articles of its story, in the
other languages?

Reads a labelled JSONL file (the ingest fields plus a gold ``story`` label, as for ``eval
clustering``), ingests it into a temporary database and uses each article's title as a query
in its own language. The relevant articles are the other articles of the same gold story
written in another language: a Turkish headline should find the English, German and Chinese
reports of the same event. For each way of searching (by meaning with the language-centred
score, by meaning with the raw cosine, by words, and both fused) it reports recall@10 of those
articles, the mean reciprocal rank of the first one, and the share of queries whose top 10
hold at least one. The query article itself is left out of its results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crosswire.config import Settings
from crosswire.evaluation.clustering import read_labels
from crosswire.evaluation.labelled import scratch_ingest
from crosswire.search import Mode, VectorIndex, search

TOP = 10


def _score(ranked: list[int], relevant: set[int]) -> tuple[float, float, float]:
    top = ranked[:TOP]
    found = [i for i in top if i in relevant]
    first = next((n for n, i in enumerate(ranked, start=1) if i in relevant), None)
    return (len(found) / len(relevant), 1.0 / first if first else 0.0, 1.0 if found else 0.0)


def evaluate_search(gold_path: str | Path, settings: Settings) -> dict[str, Any]:
    path = Path(gold_path)
    labels = read_labels(path)
    runs: dict[str, tuple[Mode, bool]] = {
        "meaning": ("meaning", True), "meaning_raw_cosine": ("meaning", False),
        "words": ("words", True), "both": ("both", True)}
    totals = {name: [0.0, 0.0, 0.0] for name in runs}
    n_queries = 0
    with scratch_ingest(path, settings) as (cw, line_article, _):
        articles = {a.id: a for a in cw.store.list_articles()}
        gold = {line_article[n]: labels[n] for n in line_article if n in labels}
        indexes = {True: VectorIndex(), False: VectorIndex(centred=False)}
        for aid, label in sorted(gold.items()):
            query = articles[aid]
            relevant = {b for b, lb in gold.items() if lb == label and b != aid
                        and articles[b].language != query.language}
            if not query.title or not relevant:
                continue
            n_queries += 1
            for name, (mode, centred) in runs.items():
                hits = search(cw.store, cw.encoder, indexes[centred], query.title,
                              mode=mode, limit=TOP + 1, sentences=False)
                ranked = [h.article.id for h in hits if h.article.id != aid]
                for k, v in enumerate(_score(ranked, relevant)):  # type: ignore[arg-type]
                    totals[name][k] += v
    result: dict[str, Any] = {"kind": "search", "gold": str(path), "n_queries": n_queries}
    for name, (recall, mrr, hit) in totals.items():
        d = max(n_queries, 1)
        result[f"{name}_recall_at_{TOP}"] = round(recall / d, 4)
        result[f"{name}_mrr"] = round(mrr / d, 4)
        result[f"{name}_hit_at_{TOP}"] = round(hit / d, 4)
    return result
