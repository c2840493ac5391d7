"""Search: query words and stems, the full-text index (migration 7) kept in step with the
articles, the in-memory vector index, and search across languages on the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import run_cli, seeds_or_skip

import crosswire
from crosswire.models import Article, Sentence
from crosswire.search import VectorIndex, mark_words, query_words
from crosswire.store import open_store


def test_query_words_fold_cut_and_skip_particles() -> None:
    assert query_words("Kuzey Kore askerleri Rusya'ya") == ["kuze", "kore", "askerle", "rusy"]
    assert query_words("Москве и НАТО") == ["москв", "нато"]
    assert query_words("北韩 军队") == ["北韩", "军队"]
    assert query_words("북한 군대") == ["북한", "군대"]
    assert query_words("  ?! ") == []


def test_mark_words_gives_offsets_of_matching_words() -> None:
    text = "Yesterday, North Korean troops crossed. Koreans watched."
    marks = mark_words(text, 0, 39, query_words("Korea troop"))
    assert [text[s:e] for s, e in marks] == ["Korean", "troops"]
    assert mark_words(text, 40, len(text), ["korea"]) == ((40, 47),)


def _article(n: int, text: str, language: str, vector: np.ndarray | None = None,
             url: str | None = None) -> Article:
    return Article(text=text, title=f"Title {n}", language=language, content_hash=f"h{n}",
                   url=url, vector=vector,
                   sentences=[Sentence(0, 0, len(text), language)])


def test_full_text_index_follows_inserts_and_replacements(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "fts.db"))
    try:
        a = store.insert_article(_article(1, "Askerlerin Rusya'ya gönderildiği bildirildi.",
                                          "tr", url="https://x.example/1"))
        b = store.insert_article(_article(2, "Тысячи солдат прибыли в Москву.", "ru"))
        assert [i for i, _ in store.keyword_search(query_words("askerleri"))] == [a]
        assert [i for i, _ in store.keyword_search(query_words("Москве"))] == [b]
        assert store.keyword_search(query_words("askerleri"), language="ru") == []
        # all words must match; with any_term one is enough
        assert store.keyword_search(query_words("Rusya Москве")) == []
        assert len(store.keyword_search(query_words("Rusya Москве"), any_term=True)) == 2
        store.replace_article(a, _article(3, "Tatbikat Karadeniz'de başladı.", "tr"))
        assert store.keyword_search(query_words("askerleri")) == []
        assert [i for i, _ in store.keyword_search(["karadeniz"])] == [a]
    finally:
        store.close()


def test_migration_indexes_articles_stored_before_it(tmp_path: Path) -> None:
    path = str(tmp_path / "old.db")
    store = open_store(path)
    aid = store.insert_article(_article(1, "Fırtına nedeniyle liman kapatıldı.", "tr"))
    with store.transaction():  # back to the schema before migration 7
        for trigger in ("insert", "delete", "update"):
            store.execute(f"DROP TRIGGER articles_fts_{trigger}")
        store.execute("DROP TABLE articles_fts")
        store.execute("DROP INDEX articles_fetched")
        store.execute("DROP INDEX articles_source_figures")
        store.execute("DELETE FROM schema_migrations WHERE version = 7")
    store.close()
    store = open_store(path)
    try:
        assert store.query_one("SELECT 1 FROM schema_migrations WHERE version = 7")
        assert [i for i, _ in store.keyword_search(["liman"])] == [aid]
    finally:
        store.close()


def test_vector_index_sees_new_and_replaced_articles(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "vec.db"))
    e = np.eye(4, dtype=np.float32)
    try:
        a = store.insert_article(_article(1, "one", "en", e[0], url="https://x.example/a"))
        store.insert_article(_article(2, "two", "tr", e[1]))
        index = VectorIndex(prior_weight=0.0)
        index.refresh(store)
        assert len(index) == 2 and index.nearest(e[0], 1)[0][0] == a
        c = store.insert_article(_article(3, "three", "tr", e[2]))
        index.refresh(store)
        assert len(index) == 3 and index.nearest(e[2], 1)[0][0] == c
        assert a not in [i for i, _ in index.nearest(e[0], 5, language="tr")]
        replaced = _article(4, "one, rewritten", "en", e[3], url="https://x.example/a")
        store.replace_article(a, replaced)
        index.refresh(store)
        assert len(index) == 3 and index.nearest(e[3], 1)[0][0] == a
    finally:
        store.close()


def test_search_across_languages_on_the_seeds(tmp_path: Path) -> None:
    tr, en = seeds_or_skip()
    with crosswire.open(str(tmp_path / "seeds.db")) as cw:
        cw.ingest([str(tr), str(en)])
        english = next(a.id for a in cw.store.list_articles() if a.language == "en")
        hits = cw.search("Kuzey Kore askerleri Rusya'da", mode="meaning", limit=2)
        assert english in [h.article.id for h in hits]
        found = next(h for h in hits if h.article.id == english)
        assert found.matched == ("meaning",)
        closest = [s for s in found.sentences if s.closest]
        assert len(closest) == 1 and "Korea" in closest[0].text
        words = cw.search("Rusya'ya", mode="words")
        assert words and all(h.article.language == "tr" for h in words)
        assert all(any(s.marks for s in h.sentences) for h in words)


def test_search_command_prints_json_and_refuses_bad_language(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    data = tmp_path / "one.jsonl"
    data.write_text(json.dumps({"title": "Harbour strike ends", "language": "en",
                                "text": "The harbour strike in Constanta ended on Friday "
                                        "after the port operator agreed to new shifts."}) + "\n",
                    encoding="utf-8")
    run_cli("ingest", str(data), db=db, check=True)
    out = run_cli("search", "Constanta strike", "--mode", "words", "--json", db=db, check=True)
    hits = json.loads(out.stdout)["hits"]
    assert hits[0]["article"]["title"] == "Harbour strike ends"
    assert hits[0]["sentences"][0]["marks"]
    table = run_cli("search", "Constanta", "--mode", "words", db=db, check=True)
    assert "Harbour strike ends" in table.stdout
    bad = run_cli("search", "x", "--lang", "not a code", db=db)
    assert bad.returncode == 2 and "--lang" in bad.stderr


@pytest.mark.parametrize("query", ["", "   ", "!!"])
def test_empty_queries_find_nothing(tmp_path: Path, query: str) -> None:
    with crosswire.open(str(tmp_path / "empty.db")) as cw:
        assert cw.search(query) == []
