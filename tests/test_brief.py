"""The brief end to end: the seeds, the three formats, hostile text, the Python API."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import run_cli, seeds_or_skip


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    tr, en = seeds_or_skip()
    db = str(tmp_path_factory.mktemp("seeds") / "seeds.db")
    run_cli("ingest", str(tr), str(en), db=db, check=True)
    return db


@pytest.fixture(scope="module")
def seeds_brief(seeds_db: str) -> dict[str, Any]:
    story = json.loads(run_cli("stories", "--json", db=seeds_db, check=True).stdout)["stories"][0]
    return json.loads(run_cli("brief", str(story["id"]), "--format", "json", db=seeds_db,
                              check=True).stdout)


def lang_of(brief: dict[str, Any], article_id: int) -> str:
    return next(s["language"] for s in brief["sources"] if s["article_id"] == article_id)


def shared_with(brief: dict[str, Any], tr: str, en: str) -> list[dict[str, Any]]:
    """Shared claims whose Turkish sentence matches ``tr`` and English sentence ``en``."""
    out = []
    for c in brief["shared_claims"]:
        by_lang: dict[str, str] = {}
        for s in c["support"]:
            by_lang[lang_of(brief, s["article_id"])] = by_lang.get(
                lang_of(brief, s["article_id"]), "") + " " + s["text"]
        if re.search(tr, by_lang.get("tr", ""), re.I) and re.search(en, by_lang.get("en", ""),
                                                                     re.I):
            out.append(c)
    return out


def angle(brief: dict[str, Any], language: str) -> str:
    """All a language's article says alone: unique sentences and details of shared claims."""
    return " ".join(c["text"] for c in brief["unique_claims"]
                    if lang_of(brief, c["support"][0]["article_id"]) == language)


def test_seeds_shared_claims(seeds_brief: dict[str, Any]) -> None:
    assert seeds_brief["story"]["n_sources"] == 2
    # North Korea seeks military technology from Russia
    assert shared_with(seeds_brief, r"Rusya.{0,5}dan teknoloji", r"technological support")
    # Western / NATO / US concern
    assert shared_with(seeds_brief, r"NATO", r"NATO|United States")


def test_seeds_share_north_korean_troops_in_russia(seeds_brief: dict[str, Any]) -> None:
    # e5-small alone finds no unambiguous match for the Turkish sentence (docs/compare.md);
    # the event coder finds North Korea -> Russia MOBILIZE in both, which makes the claim
    assert shared_with(seeds_brief, r"askeri birlikleri.{0,40}Rusya|Rusya.{0,12}askeri varlı",
                       r"North Korean (?:troops|forces)")
    troops = [c for c in seeds_brief["shared_claims"]
              if (c["event"] or "").startswith("MOBILIZE North Korea -> Russia")]
    assert troops and "hedged in" in troops[0]["event"]  # the English side says "possibility"


def test_seeds_each_source_angle(seeds_brief: dict[str, Any]) -> None:
    tr, en = angle(seeds_brief, "tr"), angle(seeds_brief, "en")
    assert re.search(r"nükleer", tr) and re.search(r"balistik füze|nükleer silah", tr)
    assert "Asya-Pasifik" in tr
    assert "shortage in its armed forces" in en
    assert "sanctions" in en and "economic assistance" in en
    assert re.search(r"legal debates|international law", en)
    assert "China" in en
    # what only one side says is not also listed as shared
    shared_text = " ".join(s["text"] for c in seeds_brief["shared_claims"]
                           for s in c["support"])
    assert "Asya-Pasifik" not in shared_text and "China" not in shared_text


def test_every_claim_cites_its_sentence(seeds_db: str, seeds_brief: dict[str, Any]) -> None:
    articles = {s["article_id"]: json.loads(run_cli("article", str(s["article_id"]), "--json",
                                                    db=seeds_db, check=True).stdout)
                for s in seeds_brief["sources"]}
    claims = seeds_brief["shared_claims"] + seeds_brief["unique_claims"]
    assert claims
    for c in claims:
        assert c["support"] and c["text"] and c["language"] in ("tr", "en")
        for s in c["support"]:
            art = articles[s["article_id"]]
            sentence = art["sentences"][s["sentence"]]
            assert sentence["start"] <= s["start"] < s["end"] <= sentence["end"]
            assert art["text"][s["start"]:s["end"]] == s["text"]


def test_brief_json_has_the_interface_fields(seeds_brief: dict[str, Any]) -> None:
    for key in ("story", "summary", "actors", "events", "shared_claims", "unique_claims",
                "contradictions", "provenance"):
        assert key in seeds_brief
    claim = seeds_brief["shared_claims"][0]
    assert {"text", "language", "support"} <= set(claim)
    assert {"article_id", "sentence"} <= set(claim["support"][0])
    # provenance ran: the English article is flagged machine-written, with its disclosure
    flagged = {p["article_id"]: p for p in seeds_brief["provenance"]}
    assert len(flagged) == 1
    (mw,) = flagged.values()
    assert any("Artificial intelligence" in r for r in mw["machine_written"]["reasons"])
    # events ran: the seeds' troops, with the sentences behind them
    mobilize = [e for e in seeds_brief["events"] if e["type"] == "MOBILIZE"]
    assert mobilize and mobilize[0]["source"] == "North Korea" and mobilize[0]["evidence"]


def test_readers_language_shapes_the_summary(seeds_db: str,
                                             seeds_brief: dict[str, Any]) -> None:
    sid = str(seeds_brief["story"]["id"])
    tr = json.loads(run_cli("brief", sid, "--json", "--lang", "tr", db=seeds_db,
                            check=True).stdout)
    assert [i["language"] for i in seeds_brief["summary"]].count("en") > len(
        seeds_brief["summary"]) // 2
    assert [i["language"] for i in tr["summary"]].count("tr") > len(tr["summary"]) // 2
    assert tr["reader_language"] == "tr"


def test_markdown_brief_in_the_terminal(seeds_db: str, seeds_brief: dict[str, Any]) -> None:
    sid = str(seeds_brief["story"]["id"])
    md = run_cli("brief", sid, db=seeds_db, check=True).stdout
    assert md.startswith("# New Changes in Military Alliances")
    for heading in ("## Summary", "## What the sources agree on", "## Each source's angle"):
        assert heading in md
    assert "## Events" in md and "MOBILIZE: North Korea -> Russia" in md
    assert re.search(r"\[\d+\]§\d+", md)
    # provenance reads as a sentence with its reasons, not as a dump of fields
    assert re.search(r"^- \[\d+\] machine-written 1\.00: AI disclosure", md, re.M)
    assert '"relations"' not in md


HOSTILE = [
    {"id": "h1", "language": "en", "source": "<img src=x onerror=alert(1)>",
     "title": "<script>alert('t')</script> Port strike halts Hamburg",
     "published": "2024-10-03T08:00:00+00:00", "url": "https://a.example/1",
     "text": "Dockworkers at the port of Hamburg walked off the job on Thursday for 48 hours. "
             "<script>alert('x')</script> More than 40 container vessels wait at the Elbe."},
    {"id": "h2", "language": "de", "source": "Nord & Süd \"Zeitung\"",
     "title": "Hafenstreik in Hamburg", "published": "2024-10-03T09:00:00+00:00",
     "url": "https://b.example/2",
     "text": "Die Hafenarbeiter in Hamburg sind am Donnerstag in einen 48-stündigen Streik "
             "getreten. Vor der Elbmündung warten rund 30 Containerschiffe."},
]


def test_html_is_standalone_and_escapes_article_text(tmp_path: Path, db_path: str) -> None:
    src = tmp_path / "hostile.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in HOSTILE) + "\n",
                   encoding="utf-8")
    run_cli("ingest", str(src), db=db_path, check=True)
    stories = json.loads(run_cli("stories", "--json", db=db_path, check=True).stdout)["stories"]
    assert len(stories) == 1
    html = run_cli("brief", str(stories[0]["id"]), "--format", "html", db=db_path,
                   check=True).stdout
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    # nothing is fetched: no external stylesheet, script, font or image
    assert not re.search(r"<link|@import|url\(|<[^>]*\s(?:src|href)\s*=", html, re.I)
    md = run_cli("brief", str(stories[0]["id"]), db=db_path, check=True).stdout
    assert "<script" not in md and "&lt;script&gt;" in md
    assert "40" in md and "30" in md and "Where they disagree" in md


def test_unknown_story_is_one_line_and_status_2(db_path: str) -> None:
    run_cli("ingest", "-", db=db_path, stdin=b"A short note about nothing in particular.\n")
    res = run_cli("brief", "999", db=db_path)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "999" in res.stderr


def test_python_api(seeds_db: str) -> None:
    import crosswire

    with crosswire.open(seeds_db) as cw:
        story = cw.stories()[0]
        brief = cw.brief(story.id, language="en")
        assert brief.shared_claims and brief.unique_claims
        assert brief.to_dict()["story"]["id"] == story.id
        assert {s.language for s in brief.sources} == {"tr", "en"}
