"""Events end to end: the seeds, one event for many reports, updates, the graph and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import DATA, fresh_database, run_cli, seeds_or_skip

import crosswire
from crosswire.actors.kb import load_kb
from crosswire.models import Event


@pytest.fixture(scope="module")
def seeded(request: pytest.FixtureRequest, backend: str,  # type: ignore[no-untyped-def]
           tmp_path_factory: pytest.TempPathFactory):
    tr, en = seeds_or_skip()
    db = fresh_database(request, backend, tmp_path_factory.mktemp("seeds"))
    app = crosswire.open(db)
    summary = app.ingest([str(tr), str(en)])
    assert summary.stored == 2
    yield app, db
    app.close()


def _country(actor: str | None) -> str | None:
    """An actor or, for a person or body, the country it belongs to."""
    if actor is None:
        return None
    k = load_kb().get(actor)
    return k.country if k is not None and k.type in ("person", "armed_force", "government") \
        and k.country else actor


def _find(events: list[Event], types: set[str], src: str, tgt: str,
          mutual_ok: bool = True) -> list[Event]:
    out = []
    for e in events:
        pair = (_country(e.source), _country(e.target))
        if e.type in types and (pair == (src, tgt) or (mutual_ok and e.mutual
                                                        and pair == (tgt, src))):
            out.append(e)
    return out


def test_seed_events_match_what_a_reader_expects(seeded) -> None:  # type: ignore[no-untyped-def]
    app, _ = seeded
    events = app.events(limit=500)
    kp, ru, us, kr = "country:kp", "country:ru", "country:us", "country:kr"
    troops = _find(events, {"MOBILIZE", "COOPERATE"}, kp, ru)
    assert troops, "North Korea -> Russia troops/military cooperation"
    assert any(e.type == "MOBILIZE" and e.mode == "troops" for e in troops)
    aid = _find(events, {"AID"}, ru, kp, mutual_ok=False)
    assert aid and aid[0].mode in ("military", "technology")
    assert aid[0].hedged  # "almak istiyor": North Korea wants it
    assert _find(events, {"CONSULT"}, ru, kp), "Putin hosted Kim"
    treaty = _find(events, {"AGREE"}, ru, kp)
    assert treaty and treaty[0].mutual and treaty[0].mode == "treaty"
    for accuser in (us, kr):
        assert _find(events, {"ACCUSE"}, accuser, kp, mutual_ok=False), accuser
    # one story, and the troops are reported in both languages with a sentence each
    mobilize = next(e for e in troops if e.type == "MOBILIZE")
    assert set(mobilize.languages) == {"tr", "en"}
    assert {x.language for x in mobilize.evidence} == {"tr", "en"}
    for x in mobilize.evidence:
        text = app.article(x.article_id).text
        assert text[x.start:x.end] == x.sentence
    assert any(not x.hedged for x in mobilize.evidence)  # the Turkish report asserts it
    assert any(x.hedged for x in mobilize.evidence)  # "the possibility of sending"


def test_events_and_reports_are_counted_separately(seeded) -> None:  # type: ignore[no-untyped-def]
    app, _ = seeded
    n_events, n_reports = app.store.count_events()
    events = app.events(limit=500)
    assert len(events) == n_events
    assert sum(e.n_reports for e in events) == n_reports > n_events
    coop = [e for e in events if e.n_reports > 1]
    assert coop and all(e.n_articles <= e.n_reports for e in coop)


def test_events_json_follows_the_interface(seeded) -> None:  # type: ignore[no-untyped-def]
    _, db = seeded
    res = run_cli("events", "--actor", "Kuzey Kore", "--json", db=db, check=True)
    data = json.loads(res.stdout)["events"]
    assert data
    for e in data:
        assert {"id", "type", "mode", "source", "target", "hedged", "story_id", "date",
                "evidence"} <= set(e)
        assert "country:kp" in {(e["source"] or {}).get("id"), (e["target"] or {}).get("id")}
        for x in e["evidence"]:
            assert {"article_id", "language", "sentence"} <= set(x)
    res = run_cli("events", "--type", "mobilize", db=db, check=True)
    assert "MOBILIZE" in res.stdout and "North Korea" in res.stdout
    assert run_cli("events", "--type", "invade", db=db).returncode == 2
    assert run_cli("event", "999999", db=db).returncode == 2
    one = run_cli("event", str(data[0]["id"]), "--json", db=db, check=True)
    assert json.loads(one.stdout)["id"] == data[0]["id"]
    art = json.loads(run_cli("article", "1", "--json", db=db, check=True).stdout)
    assert art["events"] and all(x["event_id"] for x in art["events"])
    actor = json.loads(run_cli("actor", "Rusya", "--json", db=db, check=True).stdout)
    assert actor["events"]


def test_graph_exports(seeded) -> None:  # type: ignore[no-untyped-def]
    import networkx as nx

    _, db = seeded
    g = json.loads(run_cli("graph", "North Korea", "--format", "json", db=db,
                           check=True).stdout)
    assert g["edges"] and all("country:kp" in (e["source"], e["target"]) for e in g["edges"])
    mob = [e for e in g["edges"] if e["type"] == "MOBILIZE"]
    assert mob and mob[0]["n_sources"] == 2
    xml = run_cli("graph", "--format", "graphml", db=db, check=True).stdout
    from io import BytesIO

    parsed = nx.read_graphml(BytesIO(xml.encode("utf-8")))
    assert parsed.has_edge("country:kp", "country:ru")
    assert parsed.nodes["country:kp"]["name"] == "North Korea"
    assert run_cli("graph", "--changes", db=db).returncode == 2


@pytest.fixture(scope="module")
def timeline(request: pytest.FixtureRequest, backend: str,  # type: ignore[no-untyped-def]
             tmp_path_factory: pytest.TempPathFactory):
    db = fresh_database(request, backend, tmp_path_factory.mktemp("timeline"))
    app = crosswire.open(db)
    assert app.ingest([str(DATA / "events_timeline.jsonl")]).stored == 5
    yield app, db
    app.close()


def test_graph_changes_between_two_windows(timeline) -> None:  # type: ignore[no-untyped-def]
    _, db = timeline
    res = run_cli("graph", "--since", "2024-11-01", "--until", "2024-11-30", "--changes",
                  "--baseline-since", "2024-10-01", "--baseline-until", "2024-10-31",
                  "--json", db=db, check=True)
    changes = {(c["source"], c["type"], c["target"]): c["change"]
               for c in json.loads(res.stdout)["changes"]}
    assert changes[("country:ir", "AID", "country:ru")] == "stronger"  # 2 sources now, 1 then
    assert "gone" in {v for (s, t, g), v in changes.items() if t == "CONSULT"}
    assert changes.get(("country:by", "COOPERATE", "country:ru")) == "new"
    table = run_cli("graph", "--since", "2024-11-01", "--until", "2024-11-30", "--changes",
                    db=db, check=True).stdout
    assert "new" in table and "Belarus" in table


def test_updating_an_article_replaces_its_reports(timeline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app, _ = timeline
    before_events, _ = app.store.count_events()
    rec = json.loads((DATA / "events_timeline.jsonl").read_text(encoding="utf-8")
                     .splitlines()[4])
    rec["text"] = ("Belarus and Russia cancelled the planned exercises near the Polish border."
                   "\n\nWarsaw welcomed the news.")
    path = tmp_path / "update.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    summary = app.ingest([str(path)])
    assert summary.updated == 1
    article_id = summary.article_ids[0]
    events = app.events(limit=500)
    assert not [e for e in events if e.type == "COOPERATE" and e.source == "country:by"]
    n_events, n_reports = app.store.count_events()
    assert sum(e.n_reports for e in events) == n_reports
    assert n_events <= before_events + 2
    new_text = app.article(article_id).text
    for e in events:  # every sentence of the updated article comes from its new text
        for x in e.evidence:
            if x.article_id == article_id:
                assert x.sentence in new_text


def test_recluster_and_recode_keep_events_consistent(timeline) -> None:  # type: ignore[no-untyped-def]
    app, _ = timeline
    before = sorted((e.type, e.source, e.target, e.n_reports) for e in app.events(limit=500))
    app.recluster()
    after = sorted((e.type, e.source, e.target, e.n_reports) for e in app.events(limit=500))
    assert after == before
    assert app.recode() == 5
    again = sorted((e.type, e.source, e.target, e.n_reports) for e in app.events(limit=500))
    assert again == before
    for e in app.events(limit=500):
        assert e.story_id is not None
        assert {x.article_id for x in e.evidence} <= {
            a.id for a in app.story(e.story_id).articles}


def test_events_created_by_a_commit(timeline) -> None:  # type: ignore[no-untyped-def]
    app, _ = timeline
    created = [e for a in app.store.list_articles() for e in app.events_created_by(a.id or 0)]
    assert sorted(e.id for e in created) == sorted(e.id for e in app.events(limit=500))
