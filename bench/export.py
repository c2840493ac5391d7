"""Export speed: records a second for each format and record kind on the demo corpus.

Ingests the demo corpus (115 articles, 8 languages) into a temporary SQLite store (or
``--db``), then times ``Crosswire.export`` for articles in jsonl (first run: it works out the
provenance of every story, aligning their sentences, as ``article ID --json`` would; then
again, with that stored), csv and parquet, and for stories, actors and events in jsonl and
the actor graph in graphml. Each article record costs a handful of queries (article,
sentences, mentions, events, provenance), so the figures measure the store, not the format.
Prints a table and writes bench/results/export.json.

    CROSSWIRE_VECTOR_CACHE=.cache/vectors.sqlite python bench/export.py [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import crosswire

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEMO = ROOT / "src" / "crosswire" / "data" / "demo" / "articles.jsonl"
RUNS = [("articles", "jsonl", "first run (provenance worked out)"),
        ("articles", "jsonl", "again"), ("articles", "csv", ""), ("articles", "parquet", ""),
        ("stories", "jsonl", ""), ("actors", "jsonl", ""), ("events", "jsonl", ""),
        ("graph", "graphml", "")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="store to use (default: a new temporary SQLite file)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or os.path.join(tmp, "bench.db")
        with crosswire.open(db) as cw:
            if cw.store.count_articles() == 0:
                cw.ingest([str(DEMO)])
            rows = []
            for what, fmt, note in RUNS:
                out = os.path.join(tmp, f"out.{fmt}")
                t0 = time.perf_counter()
                summary = cw.export(fmt, out, what)
                secs = time.perf_counter() - t0
                rows.append({"what": what, "format": fmt, "note": note,
                             "records": summary.count, "seconds": round(secs, 3),
                             "records_per_second": round(summary.count / secs, 1),
                             "bytes": os.path.getsize(out)})
    print(f"{'what':<9} {'format':<8} {'records':>7} {'seconds':>8} {'rec/s':>8} {'bytes':>9}")
    for r in rows:
        print(f"{r['what']:<9} {r['format']:<8} {r['records']:>7} {r['seconds']:>8.3f} "
              f"{r['records_per_second']:>8.1f} {r['bytes']:>9}  {r['note']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "export.json").write_text(json.dumps(
        {"corpus": "demo (115 articles)", "backend": "sqlite", "machine": platform.machine(),
         "cpus": os.cpu_count(), "runs": rows}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
