"""Pipeline guarantees: idempotent, same URL updates, crash-safe, deterministic."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import fresh_database, run_cli

from crosswire.store import open_store

WORDS = ["harbour", "bridge", "council", "river", "station", "market", "festival", "library", "tunnel", "stadium", "museum", "airport", "factory", "school", "hospital", "park", "tower", "canal", "square", "garden"]


def _article(i: int, seed: str) -> dict[str, str]:
    rng = random.Random(f"{seed}-{i}")
    words = " ".join(rng.choice(WORDS) for _ in range(12))
    return {"id": f"a{i}", "title": f"Report {i} {seed}",
            "text": f"Report number {i} ({seed}): the {words}. Officials gave details on day {i}.",
            "published": f"2024-05-{1 + i % 28:02d}T10:00:00Z"}


def test_same_content_twice_is_stored_once(cw, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(_article(i, "dup")) for i in range(5)) + "\n", "utf-8")
    first = cw.ingest([str(path)])
    second = cw.ingest([str(path)])
    assert (first.stored, first.duplicates) == (5, 0)
    assert (second.stored, second.duplicates) == (0, 5)
    assert cw.store.count_articles() == 5
    # whitespace and Unicode form do not make new content
    rec = _article(0, "dup")
    rec["text"] = "  " + rec["text"].replace(" ", "  ") + "\n\n"
    path.write_text(json.dumps(rec) + "\n", "utf-8")
    assert cw.ingest([str(path)]).duplicates == 1


def test_same_url_new_content_is_an_update(cw, tmp_path: Path) -> None:
    url = "https://news.example/story-1"
    path = tmp_path / "u.jsonl"
    path.write_text(json.dumps({"url": url, "title": "First version",
                                "text": "The bridge will open in May, the mayor said."}) + "\n",
                    "utf-8")
    first = cw.ingest([str(path)])
    path.write_text(json.dumps({"url": url, "title": "Corrected version",
                                "text": "The bridge will open in June, the mayor said on Friday."})
                    + "\n", "utf-8")
    second = cw.ingest([str(path)])
    assert first.stored == 1 and second.updated == 1 and second.stored == 0
    assert cw.store.count_articles() == 1
    a = cw.article(first.article_ids[0])
    assert a.title == "Corrected version" and "June" in a.text
    assert a.story_id is not None
    assert sum(s.n_articles for s in cw.stories()) == 1


def _count(db: str, sql: str) -> int:
    store = open_store(db)
    try:
        row = store.query_one(sql)
        return int(row[0]) if row else 0
    finally:
        store.close()


def test_killed_ingest_resumes_without_duplicates(db_path: str, backend: str, tmp_path: Path) -> None:
    db = db_path
    seed = str(time.time_ns())  # fresh text, so the vector cache cannot make it instant
    src = tmp_path / "many.jsonl"
    n = 70  # a little over two chunks of 32: the kill lands after the first commits
    src.write_text("\n".join(json.dumps(_article(i, seed)) for i in range(n)) + "\n", "utf-8")
    # a private, empty vector cache: slow enough to kill, and the resume reuses what it kept
    cache = str(tmp_path / "vectors.sqlite")
    env = {**os.environ, "CROSSWIRE_VECTOR_CACHE": cache}
    proc = subprocess.Popen([sys.executable, "-m", "crosswire", "--db", db, "ingest", str(src)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            stored = _count(db, "SELECT COUNT(*) FROM articles")
        except Exception:  # the other process may hold the schema lock for a moment
            stored = 0
        if stored >= 20:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if backend == "sqlite":
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = _count(db, "SELECT COUNT(*) FROM articles")
    orphans = _count(db, "SELECT COUNT(*) FROM articles WHERE story_id IS NULL")
    assert 20 <= partial < n
    assert orphans == 0, "every stored article is in a story: each commit is whole"
    res = run_cli("ingest", "--json", str(src), db=db, env={"CROSSWIRE_VECTOR_CACHE": cache})
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["stored"] + summary["duplicates"] == n
    assert summary["duplicates"] == partial
    assert _count(db, "SELECT COUNT(*) FROM articles") == n
    assert _count(db, "SELECT COUNT(DISTINCT external_id) FROM articles") == n


def _partition(db: str) -> set[frozenset[str]]:
    store = open_store(db)
    rows = store.query("SELECT external_id, story_id FROM articles")
    store.close()
    groups: dict[int, set[str]] = {}
    for ext, sid in rows:
        groups.setdefault(sid, set()).add(ext)
    return {frozenset(g) for g in groups.values()}


def test_stories_are_deterministic_and_ignore_the_order_of_equal_timestamps(
        request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> None:
    recs = [_article(i, "det") for i in range(24)]
    for r in recs:
        r["published"] = "2024-05-01T10:00:00Z"  # all equal
    shuffled = list(recs)
    random.Random(7).shuffle(shuffled)
    parts = []
    for k, order in enumerate([recs, recs, shuffled]):
        path = tmp_path / f"in{k}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in order) + "\n", "utf-8")
        db = fresh_database(request, backend, tmp_path, f"d{k}.db")
        run_cli("ingest", str(path), db=db, check=True)
        parts.append(_partition(db))
    assert parts[0] == parts[1] == parts[2]


def test_recluster_rebuilds_the_same_stories(db_path: str, tmp_path: Path) -> None:
    db = db_path
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(json.dumps(_article(i, "rc")) for i in range(20)) + "\n", "utf-8")
    run_cli("ingest", str(path), db=db, check=True)
    before = _partition(db)
    res = run_cli("recluster", "--json", db=db, check=True)
    assert json.loads(res.stdout)["articles"] == 20
    assert _partition(db) == before
