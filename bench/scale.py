"""Scale: backfill throughput with 1 and 2 Dask workers, story-assignment cost at 10k-1M articles.

1. Throughput: the demo corpus replicated (bench/ingest.py's ``replicate``), vector cache off
   so every lead is embedded, through a single-process ``ingest`` and through ``backfill`` on a
   local Dask cluster with 1 and 2 workers (cluster start-up and the workers' model loading
   included; the story prior is computed once, before timing). Each setup runs ``--repeat``
   times, interleaved, and the best run counts: the machine is shared, and other jobs only
   ever slow a run down. Peak memory is the
   largest summed RSS of this process and all its children, sampled every 0.1 s.
2. Store size per article: the SQLite file (and, with --pg URL, the growth of that PostgreSQL
   database when the same store is copied in) after the single-process ingest.
3. Story assignment at N stored articles (10k, 100k, 1M; generated e5-like vectors spread over
   a year, ~3 articles a story, so the 7-day window gets denser as N grows): the time to
   commit 200 new articles near random stories of the last week (3 h after each story's first
   report), with the story index
   (``story_ann_candidates`` 100) and with the SQL window scan (0), and how many of them
   joined their story.

    python bench/scale.py [--n 230] [--repeat 2] [--sizes 10000,100000,1000000] [--pg URL]
                          [--parts throughput,assignment]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import replicate  # bench/ingest.py

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
YEAR_START = datetime(2024, 1, 1, tzinfo=UTC)


@contextmanager
def peak_rss() -> Iterator[dict[str, float]]:
    """Largest RSS of this process tree while the block runs, in MB."""
    me = psutil.Process()
    out = {"peak_mb": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                with suppress(psutil.Error):
                    total += p.memory_info().rss
            out["peak_mb"] = max(out["peak_mb"], total / 2**20)
            stop.wait(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        yield out
    finally:
        stop.set()
        t.join()


def _timed_run(name: str, db: str, src: Path, workers: int) -> tuple[dict[str, Any], int]:
    """One throughput run on a fresh store: ``workers`` 0 is a single-process ingest."""
    import crosswire
    from crosswire.backfill import BackfillOptions, backfill

    with peak_rss() as mem, crosswire.open(db, vector_cache="off") as cw:
        t0 = time.perf_counter()
        if workers == 0:
            summary = cw.ingest([str(src)])
        else:
            summary = backfill(cw.pipeline, cw.reader().read([str(src)]),
                               BackfillOptions(workers=workers))
        wall = time.perf_counter() - t0
    run = {"wall_s": round(wall, 2), "articles_per_s": round(summary.stored / wall, 2),
           "peak_rss_mb": round(mem["peak_mb"], 1)}
    print(f"{name}: {run['articles_per_s']} articles/s ({wall:.1f} s, "
          f"peak {mem['peak_mb']:.0f} MB)", flush=True)
    return run, summary.stored


def run_throughput(src: Path, tmp: Path, pg: str | None, repeat: int) -> dict[str, Any]:
    """Each configuration ``repeat`` times, interleaved; the best run of each is reported
    (other jobs on a shared machine only ever slow a run down)."""
    import crosswire
    from crosswire.app import shared_encoder
    from crosswire.story_evidence import background_prior

    # start-up is not throughput: load the model and the story prior first (every run in this
    # process then shares them; backfill workers load their own model, and that is counted)
    with crosswire.open(str(tmp / "warm.db"), vector_cache="off") as cw:
        background_prior(shared_encoder(cw.settings))
    configs = {"single_process_ingest": 0, "backfill_1_workers": 1, "backfill_2_workers": 2}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in configs}
    stored = 0
    for rep in range(repeat):
        for name, workers in configs.items():
            run, stored = _timed_run(name, str(tmp / f"{name}-{rep}.db"), src, workers)
            runs[name].append(run)
    out: dict[str, Any] = {"articles": stored, "repeat": repeat}
    for name, rs in runs.items():
        out[name] = {**max(rs, key=lambda r: r["articles_per_s"]),
                     "all_articles_per_s": [r["articles_per_s"] for r in rs]}
    one = out["backfill_1_workers"]["articles_per_s"]
    out["ratio_2_over_1_workers"] = round(out["backfill_2_workers"]["articles_per_s"] / one, 2)
    db = str(tmp / "single_process_ingest-0.db")
    size = os.path.getsize(db) + (os.path.getsize(db + "-wal") if os.path.exists(db + "-wal")
                                  else 0)
    out["store_bytes_per_article"] = {"sqlite": round(size / stored)}
    if pg:
        from crosswire.store import open_store
        from crosswire.store.copy import copy_store

        src_store, dst = open_store(db), open_store(pg)
        size_sql = "SELECT pg_database_size(current_database())"
        empty = int(dst.query_one(size_sql)[0])  # the catalogue of an empty database
        copy_store(src_store, dst)
        grown = int(dst.query_one(size_sql)[0]) - empty
        out["store_bytes_per_article"]["postgresql"] = round(grown / stored)
        src_store.close()
        dst.close()
    return out


def _unit_like(centre: np.ndarray, rng: np.random.Generator, spread: float = 0.4) -> np.ndarray:
    r = rng.standard_normal(centre.shape[0])
    v = centre + spread * r / np.linalg.norm(r)
    return (v / np.linalg.norm(v)).astype(np.float32)


def generate_store(db: str, n: int, centre: np.ndarray, seed: int = 1
                   ) -> tuple[list[tuple[int, np.ndarray, datetime]], float]:
    """``n`` generated articles in stories of 3 over a year, through the store's own API.

    Returns the stories of the last week (id, centroid, first report), the probes' targets.

    Vectors are placed as e5 places English news (around the language centre), so the
    language centre is the bundled prior and no running means are needed.
    """
    from crosswire.models import Article
    from crosswire.store import StoryState, open_store

    rng = np.random.default_rng(seed)
    store = open_store(db)
    span = 365 * 86400.0
    recent: list[tuple[int, np.ndarray, datetime]] = []
    t0 = time.perf_counter()
    n_stories = max(1, n // 3)
    for first in range(0, n_stories, 2000):
        with store.transaction():
            for s in range(first, min(first + 2000, n_stories)):
                start = YEAR_START + timedelta(seconds=span * s / n_stories)
                centroid = _unit_like(centre, rng)
                size = 3 if s < n_stories - 1 else n - 3 * (n_stories - 1)
                sid = store.create_story()
                vecs = []
                for j in range(size):
                    v = _unit_like(centroid, rng, 0.1)
                    vecs.append(v)
                    when = start + timedelta(hours=j)
                    chash = hashlib.sha256(f"g{s}-{j}".encode()).hexdigest()
                    aid = store.insert_article(Article(
                        text=f"generated article {s}-{j}", title=f"Generated {s}-{j}",
                        language="en", content_hash=chash, published=when, fetched=when,
                        vector=v, keys=frozenset({f"w:s{s}"})))
                    store.set_article_story(aid, sid)
                st = StoryState(id=sid, centroid=np.mean(vecs, axis=0).astype(np.float32),
                                n_articles=size, first_published=None, last_published=None,
                                keys={f"w:s{s}": size}, lang_counts={"en": size})
                store.save_story_state(st)
                store.refresh_story_summary(sid)
                if start >= YEAR_START + timedelta(days=358):
                    recent.append((sid, st.centroid, start))
    store.close()
    return recent, time.perf_counter() - t0


def time_assignment(db: str, recent: list[tuple[int, np.ndarray, datetime]], k: int,
                    m: int, seed: int = 7) -> dict[str, float]:
    import crosswire
    from crosswire.models import Article

    rng = np.random.default_rng(seed)
    picks = [recent[i] for i in rng.choice(len(recent), size=min(m, len(recent)), replace=False)]
    last = max(r[2] for r in recent)
    joined = 0
    with crosswire.open(db, story_ann_candidates=k, vector_cache="off") as cw:
        cw.pipeline.commit(Article(text="warm-up", content_hash=f"warm-{k}-{seed}",
                                   published=last, fetched=last, language="en",
                                   vector=_unit_like(picks[0][1], rng, 0.1)))
        times = []
        for i, (sid, centroid, start) in enumerate(picks):
            a = Article(text=f"probe {k} {i}", title=f"Probe {i}", language="en",
                        content_hash=hashlib.sha256(f"probe-{k}-{seed}-{i}".encode()).hexdigest(),
                        published=start + timedelta(hours=3, seconds=i), fetched=last,
                        vector=_unit_like(centroid, rng, 0.1), keys=frozenset({f"w:s{sid}"}))
            t0 = time.perf_counter()
            r = cw.pipeline.commit(a)
            times.append(time.perf_counter() - t0)
            joined += r.story_id == sid
    return {"ms_per_article": round(1000 * float(np.median(times)), 2),
            "ms_p90": round(1000 * float(np.percentile(times, 90)), 2),
            "joined_right_story": round(joined / len(picks), 3)}


def run_assignment(sizes: list[int], tmp: Path, m: int) -> dict[str, Any]:
    import crosswire
    from crosswire.story_evidence import background_prior

    with crosswire.open(str(tmp / "prior.db")) as cw:
        centre = background_prior(cw.encoder)[1]["en"].astype(np.float64)
    out: dict[str, Any] = {}
    for n in sizes:
        db = str(tmp / f"gen{n}.db")
        recent, gen_s = generate_store(db, n, centre)
        row: dict[str, Any] = {"generate_s": round(gen_s, 1), "stories_in_last_week": len(recent)}
        for k, name in ((100, "index"), (0, "sql_window")):
            with peak_rss() as mem:
                row[name] = time_assignment(db, recent, k, m)
            row[name]["peak_rss_mb"] = round(mem["peak_mb"], 1)
        out[str(n)] = row
        print(f"{n:>9,} stored: index {row['index']['ms_per_article']} ms/article "
              f"(joined {row['index']['joined_right_story']:.0%}), SQL window "
              f"{row['sql_window']['ms_per_article']} ms "
              f"(joined {row['sql_window']['joined_right_story']:.0%})", flush=True)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=230, help="articles for the throughput runs")
    ap.add_argument("--sizes", default="10000,100000,1000000",
                    help="stored-article counts for the assignment-cost curve")
    ap.add_argument("--probes", type=int, default=200, help="articles assigned at each size")
    ap.add_argument("--pg", help="an empty PostgreSQL database URL, for its size per article")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each throughput setup")
    ap.add_argument("--parts", default="throughput,assignment",
                    help="what to run; a part left out keeps its figures (and date) from the "
                         "last results file")
    args = ap.parse_args()
    result: dict[str, Any] = {"bench": "scale",
                              "date": datetime.now().isoformat(timespec="seconds"),
                              "machine": f"{platform.machine()}  cpus={os.cpu_count()}"}
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    path = RESULTS / "scale.json"
    last = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for part in ("throughput", "assignment"):
            if part not in parts and part in last:
                result[part] = last[part]
                result[f"{part}_date"] = last.get(f"{part}_date", last.get("date"))
        if "throughput" in parts:
            src = tmp / "bench.jsonl"
            replicate(args.n, src)
            result["throughput"] = t = run_throughput(src, tmp, args.pg, args.repeat)
            result["throughput_date"] = result["date"]
            print(f"best of {args.repeat}: single-process ingest "
                  f"{t['single_process_ingest']['articles_per_s']} articles/s; backfill 1 worker "
                  f"{t['backfill_1_workers']['articles_per_s']}, 2 workers "
                  f"{t['backfill_2_workers']['articles_per_s']} (ratio "
                  f"{t['ratio_2_over_1_workers']}); store bytes per article: "
                  f"{t['store_bytes_per_article']}", flush=True)
        if "assignment" in parts:
            sizes = [int(x) for x in args.sizes.split(",") if x]
            result["assignment"] = run_assignment(sizes, tmp, args.probes)
            result["assignment_date"] = result["date"]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

