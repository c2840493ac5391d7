"""Provenance: copies, translations, rewrites, machine-written signals, independence."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.conftest import DATA, DEMO, fresh_database, run_cli, seeds_or_skip

from crosswire.claims import Support, independent_sources
from crosswire.models import Article
from crosswire.provenance.shingles import band_keys, jaccard, shingle_set, signature, tokens
from crosswire.provenance.signals import article_signals, machine_score

ORIGINAL = ("The regional council approved a budget of 45 million euros for flood defences on "
            "Monday, after two days of debate. Council leader Anna Berg said the first dikes "
            "would be raised before next winter, and that farmers would be compensated for "
            "land taken by the works.")


def test_light_edits_keep_a_copy_close_and_unrelated_text_far() -> None:
    edited = ORIGINAL.replace("on Monday", "this Monday").replace("Council leader", "Leader")
    other = ("A new ferry line will link the two islands from June, the operator said, with "
             "four crossings a day in summer and two in winter.")
    a, b, c = shingle_set(ORIGINAL), shingle_set(edited), shingle_set(other)
    assert jaccard(a, b) >= 0.5 > jaccard(a, c)
    shared = set(band_keys(signature(a))) & set(band_keys(signature(b)))
    assert shared  # light edits still share LSH bands: the copy is a candidate
    assert not set(band_keys(signature(a))) & set(band_keys(signature(c)))
    assert tokens("北方时报 地震") == ["北", "方", "时", "报", "地", "震"]


def test_disclosures_and_farm_phrases_in_several_languages() -> None:
    ru = Article(text="Текст статьи о наводнении в регионе.\nМатериал подготовлен при участии "
                      "искусственного интеллекта.", language="ru")
    tr = Article(text="Depremle ilgili son bilgiler geldi. İşte detaylar.\nUzmanlar yeni "
                      "sarsıntılar olabilir diyor.", language="tr", author="Ayşe Kaya")
    plain = Article(text=ORIGINAL, language="en", author="Lena Vos")
    names = {s.name for s in article_signals(ru)}
    assert "ai_disclosure" in names
    assert "templated_phrases" in {s.name for s in article_signals(tr)}
    assert machine_score(article_signals(ru)).score >= 0.5
    assert machine_score(article_signals(plain)).score < 0.2
    assert machine_score(article_signals(plain)).reasons == []


def test_independence_folds_derived_articles_into_their_originals_outlet() -> None:
    support = [Support(1, 0, 0, 5, "en", "Wire", "x"), Support(2, 0, 0, 5, "de", "Blog", "x"),
               Support(3, 0, 0, 5, "tr", "Daily", "x")]
    assert independent_sources(support) == ["Wire", "Blog", "Daily"]
    assert independent_sources(support, origins={2: "Wire"}) == ["Wire", "Daily"]


@pytest.fixture(scope="module")
def seeds_db(request: pytest.FixtureRequest, backend: str,
             tmp_path_factory: pytest.TempPathFactory) -> str:
    tr, en = seeds_or_skip()
    db = fresh_database(request, backend, tmp_path_factory.mktemp("prov-seeds"))
    run_cli("ingest", str(tr), str(en), db=db, check=True)
    return db


def _article_json(db: str, language: str) -> dict[str, Any]:
    story = json.loads(run_cli("stories", "--json", db=db, check=True).stdout)["stories"][0]
    aid = next(a["id"] for a in story["articles"] if a["language"] == language)
    return json.loads(run_cli("article", str(aid), "--json", db=db, check=True).stdout)


def test_seeds_english_article_is_machine_written_by_its_own_disclosure(seeds_db: str) -> None:
    en = _article_json(seeds_db, "en")["provenance"]
    mw = en["machine_written"]
    assert mw["flagged"] and mw["score"] >= 0.9
    reasons = " | ".join(mw["reasons"])
    assert "Artificial intelligence was used ezycontent" in reasons
    assert "Leave a Reply" in reasons and "Source link" in reasons  # its page debris
    assert "Leave a Reply" in en["debris"]


def test_seeds_are_two_independent_sources(seeds_db: str) -> None:
    tr = _article_json(seeds_db, "tr")["provenance"]
    assert tr["copy_of"] is None and tr["translation_of"] is None and tr["rewrite_of"] is None
    assert tr["independent"]
    stories = json.loads(run_cli("stories", "--independent", "--json", db=seeds_db,
                                 check=True).stdout)["stories"]
    assert stories[0]["n_independent"] == 2
    tree = json.loads(run_cli("provenance", "--story", str(stories[0]["id"]), "--json",
                              db=seeds_db, check=True).stdout)
    assert tree["n_derived"] == 0 and len(tree["tree"]) == 2


def test_seeds_brief_shows_the_flag(seeds_db: str) -> None:
    story = json.loads(run_cli("stories", "--json", db=seeds_db, check=True).stdout)["stories"][0]
    brief = json.loads(run_cli("brief", str(story["id"]), "--format", "json", db=seeds_db,
                               check=True).stdout)
    assert brief["provenance"] is not None
    flagged = [p for p in brief["provenance"] if p["machine_written"]["flagged"]]
    assert [p["article_id"] for p in flagged] == [
        a["id"] for a in story["articles"] if a["language"] == "en"]


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest, backend: str,
         tmp_path_factory: pytest.TempPathFactory) -> Any:
    import crosswire

    cw = crosswire.open(fresh_database(request, backend, tmp_path_factory.mktemp("prov-demo")))
    cw.ingest([str(DEMO)])
    yield cw
    cw.close()


def test_demo_derived_articles_link_to_their_originals(demo: Any) -> None:
    gold = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    ids = {a.external_id: a.id for a in demo.store.list_articles()}
    for rec in gold:
        if rec["relation"] is None:
            continue
        p = demo.provenance(ids[rec["id"]]).to_dict()
        field = f"{rec['relation']['type']}_of"
        assert p[field] == ids[rec["relation"]["of"]], (rec["id"], p["relations"])
        assert not p["independent"]


def test_demo_sources_figures(demo: Any) -> None:
    figures = {f.source: f for f in demo.sources()}
    farm = next(f for f in figures.values() if f.n_machine_written)
    assert farm.to_dict()["share_flagged"] > 0
    assert all(f.n_articles >= 1 and f.languages for f in figures.values())


def test_eval_provenance_on_the_held_out_split(tmp_path: Any) -> None:
    result = json.loads(run_cli("eval", "provenance", str(DATA / "provenance_gold.jsonl"),
                                "--split", "test", "--json", check=True).stdout)
    assert result["n_cases"] == 3
    assert result["copy_precision"] >= 0.9 and result["copy_recall"] >= 0.9
    assert result["derived_precision"] >= 0.9
    assert result["machine_written_precision"] >= 0.9
    assert result["machine_written_recall"] >= 0.9


def test_reports_that_disagree_on_a_figure_are_not_derived(tmp_path: Any, db_path: str
                                                            ) -> None:
    # same facts, same order, one sentence each way: reads like a translation, but a
    # translation keeps its source's figures; 40 ships against about 30 is two reports
    records = [
        {"id": "a", "language": "en", "source": "Harbour Post", "title": "Port strike",
         "published": "2024-10-03T08:00:00+00:00",
         "text": "Dockworkers at the port of Hamburg walked off the job on Thursday for 48 "
                 "hours. More than 40 container vessels wait at the mouth of the Elbe."},
        {"id": "b", "language": "de", "source": "Nordkurier", "title": "Hafenstreik",
         "published": "2024-10-03T09:00:00+00:00",
         "text": "Die Hafenarbeiter in Hamburg sind am Donnerstag in einen 48-stündigen "
                 "Streik getreten. Vor der Elbmündung warten rund 30 Containerschiffe."},
    ]
    src = tmp_path / "two.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                   encoding="utf-8")
    db = db_path
    run_cli("ingest", str(src), db=db, check=True)
    tree = json.loads(run_cli("provenance", "--story", "1", "--json", db=db, check=True).stdout)
    assert tree["n_independent"] == 2 and tree["n_derived"] == 0
