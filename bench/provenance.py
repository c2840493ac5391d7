"""Per-article cost of copy detection (MinHash LSH at ingest) as the store grows.

Fills a SQLite store with generated articles (random words from a Zipf vocabulary, 150-400
words each) up to 1k, 10k and 100k stored articles, with their LSH band keys, then at each
size times the provenance commit hook (``copies.ProvenanceHook``: shingles, signature, band
lookup, exact Jaccard check of the candidates, signals, writes) on 200 new articles: half
light-edit copies of stored ones (5% of words replaced), half new texts. Prints and writes
bench/results/provenance.json: ms per article (median and p95) at each size, and the share
of copies found. No encoder is involved.

    python bench/provenance.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from crosswire.config import Settings
from crosswire.models import Article, utc_now
from crosswire.pipeline import content_hash
from crosswire.provenance.copies import ProvenanceHook
from crosswire.provenance.shingles import band_keys, shingle_set, signature
from crosswire.store import open_store

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results"


def make_text(rng: random.Random, vocab: list[str]) -> str:
    n = rng.randint(150, 400)
    words = rng.choices(vocab, weights=[1 / (i + 1) for i in range(len(vocab))], k=n)
    return " ".join(words) + "."


def edit(rng: random.Random, text: str, vocab: list[str], share: float = 0.05) -> str:
    words = text.split()
    for _ in range(max(1, int(len(words) * share))):
        words[rng.randrange(len(words))] = rng.choice(vocab)
    return " ".join(words)


def fill(store: object, rng: random.Random, vocab: list[str], start: int, end: int,
         texts: list[str]) -> None:
    st = store  # type: ignore[assignment]
    batch = 2000
    for lo in range(start, end, batch):
        with st.transaction():  # type: ignore[attr-defined]
            for _ in range(lo, min(end, lo + batch)):
                text = make_text(rng, vocab)
                a = Article(text=text, content_hash=content_hash(text), fetched=utc_now(),
                            language="en")
                aid = st.insert_article(a)  # type: ignore[attr-defined]
                st.replace_lsh_keys(aid, band_keys(signature(shingle_set(text))))  # type: ignore[attr-defined]
                texts.append(text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--probe", type=int, default=200)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(20000)]
    settings = Settings()
    hook = ProvenanceHook(settings)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        texts: list[str] = []
        for size in sizes:
            t0 = time.perf_counter()
            fill(store, rng, vocab, len(texts), size, texts)
            fill_s = time.perf_counter() - t0
            times, found = [], 0
            for k in range(args.probe):
                copy = k % 2 == 0
                text = edit(rng, rng.choice(texts), vocab) if copy else make_text(rng, vocab)
                a = Article(text=text, content_hash=content_hash(text), fetched=utc_now(),
                            language="en")
                with store.transaction():
                    a.id = store.insert_article(a)
                    t = time.perf_counter()
                    hook(store, a, False)
                    times.append((time.perf_counter() - t) * 1000)
                if copy:
                    found += any(r.kind == "copy" and r.article_id == a.id
                                 for r in store.relations_for([a.id]))
                texts.append(text)
            times.sort()
            row = {"stored": size, "ms_median": round(statistics.median(times), 3),
                   "ms_p95": round(times[int(0.95 * len(times)) - 1], 3),
                   "copies_found": round(found / (args.probe // 2), 3),
                   "fill_seconds": round(fill_s, 1)}
            rows.append(row)
            print(json.dumps(row))
        store.close()
    result = {"bench": "provenance", "date": datetime.now().isoformat(timespec="seconds"),
              "machine": f"{platform.machine()} cpus={__import__('os').cpu_count()}",
              "what": "ms per article for the provenance commit hook (copy detection + signals)",
              "results": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "provenance.json").write_text(json.dumps(result, indent=2) + "\n",
                                             encoding="utf-8")


if __name__ == "__main__":
    main()
