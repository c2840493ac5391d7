"""Ingest throughput: the demo corpus replicated to ~2,000 articles through the full pipeline.

Each replica gets new ids, dates shifted by 40 days (so replicas form their own stories) and a
changed text (so nothing is a duplicate); the vector cache is off, so every lead is embedded.
Prints and writes bench/results/ingest.json: articles/s, tokens/s, the share of wall time
spent inside the encoder, pipeline time / encoder time, and peak RSS.

    python bench/ingest.py [--n 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "crosswire" / "data" / "demo" / "articles.jsonl"
RESULTS = ROOT / "bench" / "results"


def replicate(n: int, out: Path) -> int:
    base = [json.loads(line) for line in DEMO.open(encoding="utf-8") if line.strip()]
    written = 0
    with out.open("w", encoding="utf-8") as fh:
        r = 0
        while written < n:
            for rec in base:
                if written >= n:
                    break
                new = dict(rec)
                new["id"] = f"{rec['id']}-r{r}"
                new["url"] = f"{rec['url']}?r={r}"
                pub = datetime.fromisoformat(rec["published"]) + timedelta(days=40 * r)
                new["published"] = pub.isoformat()
                # a different lead for every replica: the edition line comes first
                new["text"] = f"({r + 1}) " + rec["text"]
                fh.write(json.dumps(new, ensure_ascii=False) + "\n")
                written += 1
            r += 1
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="articles to ingest")
    args = ap.parse_args()

    import crosswire
    from crosswire.app import shared_encoder

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bench.jsonl"
        n = replicate(args.n, src)
        cw = crosswire.open(str(Path(tmp) / "bench.db"), vector_cache="off")
        encoder = shared_encoder(cw.settings)
        cw._encoder = encoder
        inner = encoder.inner
        # load the model and the story prior first: start-up is not throughput
        from crosswire.stories import background_prior

        background_prior(encoder)
        inner.seconds = 0.0  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        summary = cw.ingest([str(src)])
        wall = time.perf_counter() - t0
        enc_s = float(getattr(inner, "seconds", 0.0))
        tokens = int(cw.store.query_one("SELECT SUM(n_tokens) FROM articles")[0] or 0)
        stories = cw.store.count_stories()
        cw.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "bench": "ingest",
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} cpus={os.cpu_count()}",
        "articles": n,
        "stored": summary.stored,
        "rejected": len(summary.rejected),
        "stories": stories,
        "wall_s": round(wall, 2),
        "articles_per_s": round(n / wall, 2),
        "tokens_embedded": tokens,
        "tokens_per_s": round(tokens / wall, 1),
        "encoder_s": round(enc_s, 2),
        "encoder_share": round(enc_s / wall, 3) if wall else None,
        "pipeline_over_encoder": round(wall / enc_s, 3) if enc_s else None,
        "ms_per_token_in_encoder": round(1000 * enc_s / tokens, 3) if tokens else None,
        "peak_rss_mb": round(rss_mb, 1),
    }
    for k, v in result.items():
        print(f"{k:>26}: {v}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
