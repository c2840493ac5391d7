"""``crosswire export``: what a user reads back from each format equals what the ``--json``
commands print, on both store backends."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.conftest import DEMO, fresh_database, run_cli

import crosswire
from crosswire.export import export as export_records
from crosswire.export import iter_pages

# Two stories with events between actors (gas deal, naval drills) and one without.
SLICE = (0, 1, 20, 21, 22, 23, 29, 30, 31, 32)


@pytest.fixture(scope="module")
def store(request: pytest.FixtureRequest, backend: str,
          tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("export")
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    corpus = folder / "slice.jsonl"
    corpus.write_text("\n".join(lines[i] for i in SLICE) + "\n", encoding="utf-8")
    db = fresh_database(request, backend, folder)
    run_cli("ingest", str(corpus), db=db, check=True)
    return db


def export(db: str, out: Path | str, fmt: str, *more: str) -> str:
    res = run_cli("export", "--format", fmt, *more, str(out), db=db, check=True)
    return res.stderr


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_jsonl_articles_are_article_json(store: str, tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    stderr = export(store, out, "jsonl")
    records = jsonl(out.read_text(encoding="utf-8"))
    assert len(records) == len(SLICE)
    assert f"exported {len(SLICE)} articles to {out}" in stderr
    stories = json.loads(run_cli("stories", "--json", "--limit", "100", db=store,
                                 check=True).stdout)["stories"]
    assert {r["id"] for r in records} == {a["id"] for s in stories for a in s["articles"]}
    for r in records:
        shown = json.loads(run_cli("article", str(r["id"]), "--json", db=store,
                                   check=True).stdout)
        assert r == shown
    assert all({"text", "sentences", "mentions", "events", "provenance"} <= set(r)
               for r in records)
    assert any(r["mentions"] for r in records) and any(r["events"] for r in records)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.jsonl"]  # no part file


def test_jsonl_to_stdout(store: str) -> None:
    res = run_cli("export", "--format", "jsonl", "-", db=store, check=True)
    records = jsonl(res.stdout)
    assert len(records) == len(SLICE)
    zh = next(r for r in records if r["language"] == "zh")
    assert zh["title"] in res.stdout  # UTF-8 as is, not \\u escapes
    assert res.stderr.strip().splitlines()[-1] == f"exported {len(SLICE)} articles to stdout"


def test_csv_reads_back_flat(store: str, tmp_path: Path) -> None:
    export(store, tmp_path / "a.jsonl", "jsonl")
    by_id = {r["id"]: r for r in jsonl((tmp_path / "a.jsonl").read_text(encoding="utf-8"))}
    export(store, tmp_path / "a.csv", "csv")
    with open(tmp_path / "a.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(SLICE)
    assert {int(r["id"]) for r in rows} == set(by_id)
    for row in rows:
        want = by_id[int(row["id"])]
        assert list(row) == list(want)
        assert row["text"] == want["text"]
        assert row["title"] == (want["title"] or "")
        assert json.loads(row["mentions"]) == want["mentions"]
        assert json.loads(row["provenance"]) == want["provenance"]


def test_parquet_reads_back_flat(store: str, tmp_path: Path) -> None:
    export(store, tmp_path / "a.jsonl", "jsonl")
    by_id = {r["id"]: r for r in jsonl((tmp_path / "a.jsonl").read_text(encoding="utf-8"))}
    out = tmp_path / "a.parquet"
    assert f"exported {len(SLICE)} articles" in export(store, out, "parquet")
    table = pq.read_table(out)
    assert table.num_rows == len(SLICE)
    assert not any(pa.types.is_nested(t) for t in table.schema.types)
    assert table.schema.field("id").type == pa.int64()
    rows = table.to_pylist()
    assert {r["id"] for r in rows} == set(by_id)
    for r in rows:
        want = by_id[r["id"]]
        assert r["text"] == want["text"] and r["published"] == want["published"]
        assert json.loads(r["sentences"]) == want["sentences"]


def test_graphml_is_the_actor_graph(store: str, tmp_path: Path) -> None:
    out = tmp_path / "g.graphml"
    stderr = export(store, out, "graphml")
    exported = nx.read_graphml(out)
    shown = nx.read_graphml(io.BytesIO(run_cli("graph", "--format", "graphml", db=store,
                                               check=True).stdout.encode("utf-8")))
    edges = sorted(exported.edges(data="type"))
    assert edges and edges == sorted(shown.edges(data="type"))
    assert dict(exported.nodes(data="name")) == dict(shown.nodes(data="name"))
    assert f"exported {len(edges)} ties to {out}" in stderr


@pytest.mark.parametrize("what", ["stories", "actors", "events"])
def test_other_records_match_their_json_lists(store: str, what: str) -> None:
    listed = json.loads(run_cli(what, "--json", "--limit", "1000", db=store,
                                check=True).stdout)[what]
    res = run_cli("export", "--format", "jsonl", "--what", what, "-", db=store, check=True)
    assert listed and jsonl(res.stdout) == listed
    assert f"exported {len(listed)} {what} to stdout" in res.stderr


def test_small_pages_give_the_same_records(store: str, tmp_path: Path) -> None:
    """Paging (ids for articles, offsets for the rest) neither drops nor repeats a record,
    whether the last page is full or not; Parquet gets one row group a page."""
    with crosswire.open(store) as cw:
        for what in ("articles", "stories", "actors", "events"):
            whole = [r for p in iter_pages(cw, what, page=1000) for r in p]
            assert len(whole) > 2
            for size in (2, len(whole)):
                pages = list(iter_pages(cw, what, page=size))
                assert all(0 < len(p) <= size for p in pages)
                assert [r for p in pages for r in p] == whole
        out = tmp_path / "paged.parquet"
        summary = export_records(cw, "parquet", str(out), page=3)
    assert summary.count == len(SLICE)
    assert pq.ParquetFile(out).num_row_groups == -(-len(SLICE) // 3)
    assert [r["id"] for r in pq.read_table(out).to_pylist()] == [r["id"] for r in
                                                                 iter_whole_articles(store)]


def iter_whole_articles(db: str) -> list[dict]:
    with crosswire.open(db) as cw:
        return [r for p in iter_pages(cw, "articles") for r in p]


def test_refusals_are_one_line_and_status_2(store: str, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    cases = [
        (["--format", "jsonl", str(blocker / "out.jsonl")], "cannot write"),
        (["--format", "csv", str(tmp_path)], "is a directory"),
        (["--format", "parquet", "-"], "Parquet"),
        (["--format", "xml", str(tmp_path / "o.xml")], "unknown export format 'xml'"),
        (["--format", "graphml", "--what", "articles", str(tmp_path / "g")], "actor graph"),
        (["--format", "jsonl", "--what", "graph", str(tmp_path / "g")], "graphml"),
    ]
    for args, reason in cases:
        res = run_cli("export", *args, db=store)
        assert res.returncode == 2, (args, res.stderr)
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and reason in lines[0], (args, res.stderr)
        assert res.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_empty_store_exports_empty_files(db_path: str, tmp_path: Path) -> None:
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"empty.{fmt}"
        assert "exported 0 articles" in export(db_path, out, fmt)
        assert out.is_file()
    assert (tmp_path / "empty.jsonl").read_text(encoding="utf-8") == ""
    assert pq.read_table(tmp_path / "empty.parquet").num_rows == 0
