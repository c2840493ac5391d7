"""Actors end to end: the seed articles, the store, the CLI contract and relinking."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests.conftest import fresh_database, run_cli, seeds_or_skip

import crosswire
from crosswire.app import Crosswire
from crosswire.errors import NotFound

SEED_ACTORS = {
    # actor id: (names the Turkish seed uses, names the English seed uses)
    "country:kp": ({"Kuzey Kore", "Kuzey Kore’nin"}, {"North Korea", "North Korean"}),
    "country:ru": ({"Rusya", "Rusya’dan", "Rusya’daki"}, {"Russia", "Russian"}),
    "country:us": ({"ABD’nin"}, {"United States"}),
    "org:nato": ({"NATO"}, {"NATO"}),
    "country:kr": (set(), {"South Korea"}),
    "country:cn": (set(), {"China"}),
    "country:ua": (set(), {"Ukraine"}),
    "person:vladimir-putin": (set(), {"Vladimir Putin", "Putin"}),
    "person:kim-jong-un": (set(), {"Kim Jong Un", "Kim"}),
}


@pytest.fixture(scope="module")
def seeded(request: pytest.FixtureRequest, backend: str,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Crosswire, str]]:
    tr, en = seeds_or_skip()
    db = fresh_database(request, backend, tmp_path_factory.mktemp("seeds"))
    app = crosswire.open(db)
    summary = app.ingest([str(tr), str(en)])
    assert summary.stored == 2
    yield app, db
    app.close()


def test_seed_actors_have_one_identity_with_turkish_and_english_names(
        seeded: tuple[Crosswire, str]) -> None:
    app, _ = seeded
    for actor_id, (tr_names, en_names) in SEED_ACTORS.items():
        actor = app.actor(actor_id)
        seen = {(n, lang) for n, lang in actor.aliases}
        for name in tr_names:
            assert (name, "tr") in seen, (actor_id, name, seen)
        for name in en_names:
            assert (name, "en") in seen, (actor_id, name, seen)
        assert actor.n_articles == (2 if tr_names else 1)
    # any name in any language or inflection resolves to the same actor
    for name in ("Kuzey Kore", "Северная Корея", "كوريا الشمالية", "朝鲜", "Nordkoreas",
                 "Kuzey Kore'nin", "north korea"):
        assert app.actor(name).id == "country:kp", name
    assert app.actor("Rusya'dan").id == "country:ru"
    assert app.actor("ABD").id == "country:us"
    with pytest.raises(NotFound):
        app.actor("Atlantis Federation")


def test_story_facets_and_neighbours(seeded: tuple[Crosswire, str]) -> None:
    app, _ = seeded
    stories = app.stories(actor="Северная Корея")
    assert len(stories) == 1 and set(stories[0].languages) == {"tr", "en"}
    assert app.stories(actor="Kim Jong Un") == app.stories(actor="person:kim-jong-un")
    neighbours = {i for i, _, _, _ in app.actor_neighbours("country:kp")}
    assert {"country:ru", "country:us", "org:nato"} <= neighbours


def test_mentions_are_stored_as_offsets(seeded: tuple[Crosswire, str]) -> None:
    app, _ = seeded
    for article in app.store.list_articles():
        assert article.id is not None
        full = app.article(article.id)
        assert full.mentions
        for m in full.mentions:
            assert full.text[m.start:m.end] == m.text
            assert m.actor_name and m.actor_type


def test_cli_contract(seeded: tuple[Crosswire, str]) -> None:
    _, db = seeded
    actors = json.loads(run_cli("actors", "--json", db=db, check=True).stdout)["actors"]
    fields = {"id", "name", "type", "wikidata", "aliases", "n_mentions", "languages"}
    assert actors and all(fields <= set(a) for a in actors)
    assert actors[0]["id"] == "country:kp" and actors[0]["wikidata"] == "Q423"
    one = json.loads(run_cli("actor", "Kuzey Kore", "--json", db=db, check=True).stdout)
    assert one["id"] == "country:kp" and one["languages"] == ["en", "tr"]
    assert {"name": "Kuzey Kore", "language": "tr"} in one["aliases"]
    assert one["stories"] and one["neighbours"]
    human = run_cli("actor", "Kuzey Kore", db=db, check=True).stdout
    assert "North Korea" in human and "Kuzey Kore" in human
    st = json.loads(run_cli("stories", "--actor", "Северная Корея", "--json", db=db,
                            check=True).stdout)["stories"]
    assert len(st) == 1
    missing = run_cli("actor", "Atlantis Federation", db=db)
    assert missing.returncode == 2 and "no actor named" in missing.stderr
    art = json.loads(run_cli("article", "1", "--json", db=db, check=True).stdout)
    m = art["mentions"][0]
    assert art["text"][m["start"]:m["end"]] == m["text"] and m["actor"]["id"]


def test_updates_keep_counts_exact_and_relink_rebuilds(db_path: str) -> None:
    app = crosswire.open(db_path)
    try:
        app.ingest_text("Rusya ve Çin ortak tatbikat yaptı. Rusya'dan açıklama geldi.",
                        title="Tatbikat", url="https://x.example/1", language="tr")
        assert app.actor("country:ru").n_mentions == 2
        app.ingest_text("Japonya, Çin'in açıklamasını eleştirdi.", title="Tepki",
                        url="https://x.example/1", language="tr")
        assert app.actor("country:cn").n_mentions == 1
        assert app.actor("country:jp").n_mentions == 1
        assert app.store.get_actor("country:ru").n_mentions == 0  # type: ignore[union-attr]
        assert app.actors()[0].id in ("country:cn", "country:jp")
        assert all(a.id != "country:ru" for a in app.actors())
        assert app.relink() == 1
        assert {a.id for a in app.actors()} == {"country:cn", "country:jp"}
    finally:
        app.close()


def test_a_new_name_in_another_script_joins_an_existing_new_actor(db_path: str) -> None:
    app = crosswire.open(db_path)
    try:
        app.ingest_text("Romania: the outsider Dorin Vasilescu won in Romania, beating the "
                        "Social Democrats.", title="Vote", language="en")
        app.ingest_text("В Румынии неожиданно лидирует Дорин Василеску.", title="Выборы",
                        language="ru")
        actor = app.actor("Дорин Василеску")
        assert actor.id == "new:dorin-vasilescu"
        assert {lang for _, lang in actor.aliases} == {"en", "ru"}
    finally:
        app.close()
