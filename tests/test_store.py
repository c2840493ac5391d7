"""The store on both backends: migrations, a lossless round trip, transactions; SQLite's WAL."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswire.errors import NotFound, StoreError
from crosswire.models import Article, Sentence
from crosswire.store import open_store
from crosswire.store.migrations import MIGRATIONS


@pytest.mark.sqlite_only
def test_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    open_store(str(tmp_path / "a.db")).close()
    mode = sqlite3.connect(tmp_path / "a.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_schema_is_current_and_migrating_twice_is_a_no_op(db_path: str) -> None:
    store = open_store(db_path)
    assert store.schema_version() == max(m[0] for m in MIGRATIONS)
    tables = set(store.list_tables())
    assert {"articles", "sentences", "stories", "meta", "schema_migrations"} <= tables
    store.close()
    again = open_store(db_path)
    assert again.schema_version() == max(m[0] for m in MIGRATIONS)
    assert set(again.list_tables()) == tables
    again.close()


def test_newer_schema_is_refused(db_path: str) -> None:
    store = open_store(db_path)
    with store.transaction():
        store.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    store.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(db_path)


@pytest.mark.sqlite_only
def test_bad_paths(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(str(tmp_path / "missing" / "a.db"))
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database file at all" * 100)
    with pytest.raises(StoreError):
        open_store(str(junk))


texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=texts, title=st.none() | texts, debris=st.lists(texts, max_size=3),
    lang=st.none() | st.sampled_from(["en", "tr", "zh"]), conf=st.none() | st.floats(0, 1),
    source=st.none() | texts, url=st.none() | st.from_regex(r"https://[a-z]{1,10}\.example/[a-z0-9]{0,12}", fullmatch=True),
    published=st.none() | st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                                       timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0)),
    flags=st.lists(st.sampled_from(["truncated", "mixed_language"]), max_size=2, unique=True),
    keys=st.frozensets(st.text(min_size=1, max_size=10), max_size=5),
)
def test_round_trip_keeps_every_field(db_path: str, backend: str, text, title, debris, lang, conf, source,
                                      url, published, flags, keys) -> None:
    if backend == "postgres" and any("\x00" in str(v) for v in (text, title, debris, source, keys)):
        return  # PostgreSQL text cannot hold NUL (see test_nul_becomes_a_replacement_character)
    store = open_store(db_path)
    try:
        vec = np.random.default_rng(0).standard_normal(384).astype(np.float32)
        vec /= np.linalg.norm(vec)
        import hashlib
        h = hashlib.sha256((text + str(url) + str(published)).encode("utf-8", "surrogatepass")).hexdigest()
        if store.find_by_hash(h) is not None or (url and store.find_by_url(url)):
            return
        a = Article(text=text, title=title, debris=debris, language=lang, language_confidence=conf,
                    source=source, url=url, published=published,
                    fetched=datetime(2024, 1, 1, tzinfo=UTC), content_hash=h, flags=flags,
                    sentences=[Sentence(0, 0, len(text), lang)], vector=vec, n_tokens=7, keys=keys)
        aid = store.insert_article(a)
        b = store.get_article(aid)
        for field in ("text", "title", "debris", "language", "source", "url", "published",
                      "fetched", "content_hash", "flags", "sentences", "n_tokens", "keys"):
            assert getattr(b, field) == getattr(a, field), field
        assert b.language_confidence == pytest.approx(a.language_confidence)
        assert b.vector is not None and float(b.vector @ vec) > 0.999
    finally:
        store.close()


def test_failed_transaction_leaves_nothing(db_path: str) -> None:
    store = open_store(db_path)
    a = Article(text="x", content_hash="h1", fetched=datetime(2024, 1, 1, tzinfo=UTC))
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_article(a)
        raise RuntimeError("crash mid-article")
    assert store.count_articles() == 0
    with pytest.raises(NotFound):
        store.get_article(1)
    store.close()


def test_readers_in_threads_see_committed_rows(db_path: str) -> None:
    store = open_store(db_path)
    store.insert_article(Article(text="hello", content_hash="h", fetched=datetime(2024, 1, 1, tzinfo=UTC)))
    seen: list[int] = []
    threads = [threading.Thread(target=lambda: seen.append(store.count_articles())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [1, 1, 1, 1]
    store.close()


def test_write_outside_transaction_is_a_bug(db_path: str) -> None:
    store = open_store(db_path)
    with pytest.raises(StoreError, match="outside a transaction"):
        store.execute("DELETE FROM articles")
    store.close()


def test_nul_becomes_a_replacement_character_only_where_it_must(db_path: str, backend: str) -> None:
    store = open_store(db_path)
    aid = store.insert_article(Article(text="body", external_id="id\x00x", content_hash="n",
                                       fetched=datetime(2024, 1, 1, tzinfo=UTC)))
    expected = "id\ufffdx" if backend == "postgres" else "id\x00x"
    assert store.get_article(aid).external_id == expected
    store.close()
