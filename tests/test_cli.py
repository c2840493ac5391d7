"""The command-line contract users script against (INTERFACE.md): fields and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import DATA, run_cli

INPUTS = DATA / "inputs"

ARTICLE_FIELDS = {"id", "external_id", "title", "language", "source", "url", "path",
                  "published", "story_id", "flags"}
STORY_FIELDS = {"id", "title", "languages", "n_articles", "n_sources", "first_seen",
                "last_seen", "articles"}


def test_json_fields_and_exit_codes(db_path: str) -> None:
    run_cli("ingest", str(INPUTS / "page_tr.html"), str(INPUTS / "wire.txt"), db=db_path,
            check=True)
    stories = json.loads(run_cli("stories", "--json", db=db_path, check=True).stdout)
    assert len(stories["stories"]) == 2
    for s in stories["stories"]:
        assert set(s) >= STORY_FIELDS
        for a in s["articles"]:
            assert set(a) >= ARTICLE_FIELDS
    sid = stories["stories"][0]["id"]
    story = json.loads(run_cli("story", str(sid), "--json", db=db_path, check=True).stdout)
    assert set(story) >= STORY_FIELDS
    aid = story["articles"][0]["id"]
    art = json.loads(run_cli("article", str(aid), "--json", db=db_path, check=True).stdout)
    assert ARTICLE_FIELDS | {"text", "debris", "sentences", "mentions"} <= set(art)
    for s in art["sentences"]:
        assert art["text"][s["start"]:s["end"]] == s["text"]
    # human output goes to stdout too, logs and errors to stderr
    assert "Malatya" in run_cli("stories", db=db_path, check=True).stdout
    missing = run_cli("article", "999", db=db_path)
    assert missing.returncode == 2 and "no article with id 999" in missing.stderr
    assert missing.stdout == ""
    bad = run_cli("stories", "--since", "last tuesday", db=db_path)
    assert bad.returncode == 2
    assert run_cli("no-such-command", db=db_path).returncode == 2


def test_db_from_environment_and_config_file(db_path: str, tmp_path: Path) -> None:
    db = db_path
    run_cli("ingest", str(INPUTS / "wire.txt"), env={"CROSSWIRE_DB": db}, check=True)
    stories = json.loads(run_cli("stories", "--json", env={"CROSSWIRE_DB": db},
                                 check=True).stdout)["stories"]
    assert [s["n_articles"] for s in stories] == [1]
    cfg = tmp_path / "cw.toml"
    cfg.write_text("[crosswire]\nstory_threshold = 'high'\n", encoding="utf-8")
    res = run_cli("--config", str(cfg), "stories", db=db)
    assert res.returncode == 2 and "story_threshold" in res.stderr
    cfg.write_text("nonsense_setting = 1\n", encoding="utf-8")
    res = run_cli("--config", str(cfg), "stories", db=db)
    assert res.returncode == 2 and "unknown setting 'nonsense_setting'" in res.stderr


@pytest.mark.sqlite_only
def test_unusable_database_path_is_one_clear_line(tmp_path: Path) -> None:
    res = run_cli("stories", db=str(tmp_path / "no" / "such" / "dir.db"))
    assert res.returncode == 1
    assert "does not exist" in res.stderr
    assert "Traceback" not in res.stderr
