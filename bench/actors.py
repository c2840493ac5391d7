"""Actor linking speed beside the encoder, on the demo corpus (115 articles, 8 languages).

Measures, in one run on this machine:
* knowledge-base load time in a fresh process (what a CLI command that links pays once);
* linking throughput: mentions/s, articles/s and ms per article (known + new actors, title
  and text, as the actors stage does), best of 3 passes;
* the encoder on the same articles' title + lead (the pipeline's embed stage, vector cache
  off) on a sample, as ms per article; and the ratio linking / encoder.

Prints the figures and writes bench/results/actors.json.

    python bench/actors.py [--sample 20]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "crosswire" / "data" / "demo" / "articles.jsonl"
RESULTS = ROOT / "bench" / "results"

LOAD_SNIPPET = (
    "import time; t = time.perf_counter(); from crosswire.actors.kb import load_kb; "
    "kb = load_kb(); print(time.perf_counter() - t, len(kb.actors), len(kb.rows))"
)


def kb_load_seconds() -> tuple[float, int, int]:
    best = None
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", LOAD_SNIPPET], capture_output=True,
                             text=True, check=True).stdout.split()
        secs = float(out[0])
        best = (secs, int(out[1]), int(out[2])) if best is None or secs < best[0] else best
    assert best is not None
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=20, help="articles to embed for the ratio")
    args = ap.parse_args()

    from crosswire.actors.kb import load_kb
    from crosswire.actors.stage import link_text
    from crosswire.embed import lead_within_budget, make_encoder
    from crosswire.sentences import split_sentences

    records = [json.loads(line) for line in DEMO.open(encoding="utf-8") if line.strip()]
    load_s, n_actors, n_aliases = kb_load_seconds()
    kb = load_kb()
    link_text("warm up: Rusya", "tr", kb)

    best = float("inf")
    n_mentions = 0
    chars = sum(len(r["text"]) + len(r.get("title") or "") for r in records)
    for _ in range(3):
        t0 = time.perf_counter()
        n = 0
        for r in records:
            n += len(link_text(r["text"], r["language"], kb))
            n += len(link_text(r.get("title") or "", r["language"], kb, unknown=False))
        best = min(best, time.perf_counter() - t0)
        n_mentions = n
    per_article_ms = 1000 * best / len(records)

    encoder = make_encoder("e5")
    sample = records[: args.sample]
    leads = []
    for r in sample:
        spans = [(s.start, s.end) for s in split_sentences(r["text"], r["language"])]
        lead, _ = lead_within_budget(r.get("title"), r["text"], spans, 200,
                                     encoder.count_tokens)
        leads.append(lead)
    t0 = time.perf_counter()
    encoder.encode_passages(leads)
    enc_ms = 1000 * (time.perf_counter() - t0) / len(sample)

    result = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "articles": len(records),
        "characters": chars,
        "kb_actors": n_actors,
        "kb_aliases": n_aliases,
        "kb_load_s": round(load_s, 3),
        "mentions": n_mentions,
        "mentions_per_s": round(n_mentions / best),
        "articles_per_s": round(len(records) / best, 1),
        "chars_per_s": round(chars / best),
        "link_ms_per_article": round(per_article_ms, 2),
        "encoder_ms_per_article": round(enc_ms, 1),
        "link_over_encoder": round(per_article_ms / enc_ms, 4),
    }
    for k, v in result.items():
        print(f"{k:>24}: {v}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "actors.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
