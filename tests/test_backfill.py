"""Backfill on a local Dask cluster with 2 workers equals a single-process ingest."""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.conftest import DEMO, fresh_database, run_cli

from crosswire.backfill import _Runs
from crosswire.evaluation.metrics import bcubed
from crosswire.models import Article
from crosswire.pipeline import commit_order
from crosswire.store import open_store


def _labels(db: str) -> dict[str, int]:
    store = open_store(db)
    try:
        return {str(ext): int(sid) for ext, sid in
                store.query("SELECT external_id, story_id FROM articles")}
    finally:
        store.close()


def _write_shards(folder: Path, records: list[dict[str, object]], n: int) -> list[str]:
    paths = []
    for k in range(n):
        path = folder / f"shard-{k:02d}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            for rec in records[k::n]:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        paths.append(str(path))
    return paths


def test_backfill_on_two_workers_matches_single_process_ingest(
        request: pytest.FixtureRequest, backend: str, db_path: str, tmp_path: Path) -> None:
    records = [json.loads(line) for line in DEMO.open(encoding="utf-8") if line.strip()]
    shuffled = list(records)
    random.Random(3).shuffle(shuffled)  # shards are not in time order
    shards = _write_shards(tmp_path, shuffled, 3)
    bad = tmp_path / "shard-99.jsonl.gz"
    with gzip.open(bad, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(records[0]) + "\n")  # the same article again: a duplicate
        fh.write('{"title": "no text at all"}\n')  # rejected, with its line
    single = fresh_database(request, backend, tmp_path, "single.db")
    run_cli("ingest", str(DEMO), db=single, check=True)

    res = run_cli("backfill", "--json", "--workers", "2", "--batch", "8", "--run-size", "16",
                  *shards, str(bad), db=db_path)
    assert res.returncode == 1, res.stderr  # one rejected record
    summary = json.loads(res.stdout)
    assert summary["stored"] == len(records)
    assert summary["duplicates"] == 1
    assert [r["line"] for r in summary["rejected"]] == [2]

    mine, theirs = _labels(db_path), _labels(single)
    assert sorted(mine) == sorted(theirs) == sorted(r["id"] for r in records)
    assert bcubed(theirs, mine)[2] >= 0.99
    gold = {r["id"]: r["story"] for r in records}
    assert bcubed(gold, mine)[2] >= 0.95
    # the summary counts agree with the stored stories
    store = open_store(db_path)
    try:
        assert store.query_one("SELECT SUM(n_articles) FROM stories") == (len(records),)
        assert [r[0] for r in store.list_rejections()] == [str(bad)]
    finally:
        store.close()


def test_sorted_runs_merge_in_commit_order(tmp_path: Path) -> None:
    """The external sort: many small spilled runs come back as one ordered stream."""
    base = datetime(2024, 1, 1, tzinfo=UTC)
    rng = random.Random(5)
    runs = _Runs(run_size=7, folder=str(tmp_path))
    expected = []
    for seq in range(100):
        published = None if seq % 9 == 0 else base + timedelta(hours=rng.randrange(500))
        a = Article(text=f"t{seq}", content_hash=f"h{seq:03d}", published=published)
        key = commit_order(a, seq)
        runs.add((key, a, "x", seq))
        expected.append(key)
    assert len(runs.files) == 14  # spilled, not held
    merged = [item[0] for item in runs.merged()]
    assert merged == sorted(expected)
    # undated articles come last, in input order
    undated = [k[3] for k in merged if k[0] == 1]
    assert undated == sorted(undated) and len(undated) == 12


@pytest.mark.sqlite_only  # the store side is the same as above; this checks the cluster side
def test_backfill_on_a_running_scheduler(db_path: str, tmp_path: Path) -> None:
    """`--scheduler` sends the work to a cluster someone else started (here: in this test)."""
    from distributed import LocalCluster

    records = [json.loads(line) for line in DEMO.open(encoding="utf-8") if line.strip()][:12]
    shards = _write_shards(tmp_path, records, 2)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None, scheduler_kwargs={"dashboard": False}) as cluster:
        res = run_cli("backfill", "--json", "--scheduler", cluster.scheduler_address, *shards,
                      db=db_path)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["stored"] == 12
    assert sorted(_labels(db_path)) == sorted(r["id"] for r in records)
    unreachable = run_cli("backfill", "--scheduler", "tcp://127.0.0.1:9", *shards, db=db_path)
    assert unreachable.returncode == 2 and "cannot reach the Dask scheduler" in unreachable.stderr
