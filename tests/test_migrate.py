"""`crosswire migrate`: SQLite to the other backend and back, idempotent, verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import DATA, fresh_database, run_cli

INPUTS = DATA / "inputs"


def _stories(db: str) -> list[dict[str, object]]:
    return json.loads(run_cli("stories", "--json", "--limit", "100", db=db,
                              check=True).stdout)["stories"]


def test_copy_there_and_back_keeps_everything(
        request: pytest.FixtureRequest, backend: str, db_path: str, tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    res = run_cli("ingest", str(INPUTS / "feed.jsonl"), str(INPUTS / "wire.txt"),
                  str(INPUTS / "page_tr.html"), str(INPUTS / "broken.html"), db=source)
    assert res.returncode == 1  # broken.html is rejected: its rejection is data to copy too
    first = json.loads(run_cli("migrate", "--json", "--from", source, "--to", db_path,
                               check=True).stdout)
    tables = {t["table"]: t for t in first["tables"]}
    assert first["ok"] and {"articles", "sentences", "stories", "key_counts", "rejections",
                            "language_means"} <= set(tables)
    assert tables["articles"]["copied"] == tables["articles"]["source_rows"] > 0
    assert tables["rejections"]["destination_rows"] == tables["rejections"]["source_rows"] >= 1
    assert _stories(db_path) == _stories(source)
    art = json.loads(run_cli("article", "1", "--json", db=db_path, check=True).stdout)
    assert art == json.loads(run_cli("article", "1", "--json", db=source, check=True).stdout)

    again = json.loads(run_cli("migrate", "--json", "--from", source, "--to", db_path,
                               check=True).stdout)
    assert again["ok"] and all(t["copied"] == 0 for t in again["tables"])

    back = str(tmp_path / "back.db")
    run_cli("migrate", "--from", db_path, "--to", back, check=True)
    assert _stories(back) == _stories(source)

    # new articles in the copy get new ids (the id generators moved past the copied rows)
    res = run_cli("ingest", "--json", str(INPUTS / "note.md"), db=db_path, check=True)
    new_id = json.loads(res.stdout)["article_ids"][0]
    assert new_id > max(int(t["source_rows"]) for t in first["tables"]
                        if t["table"] == "articles")


def test_a_destination_with_other_articles_is_refused(
        request: pytest.FixtureRequest, backend: str, db_path: str, tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    run_cli("ingest", str(INPUTS / "wire.txt"), db=source, check=True)
    run_cli("ingest", str(INPUTS / "note.md"), db=db_path, check=True)
    res = run_cli("migrate", "--from", source, "--to", db_path)
    assert res.returncode == 1
    assert "already holds other articles" in res.stderr
    other = fresh_database(request, backend, tmp_path, "other.db")
    same = run_cli("migrate", "--from", other, "--to", other)
    assert same.returncode == 2 and "same store" in same.stderr
