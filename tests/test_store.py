"""The SQLite store: WAL, migrations, a lossless round trip, transactions."""

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


def test_wal_and_schema(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "a.db"))
    mode = sqlite3.connect(tmp_path / "a.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert store.schema_version() == max(m[0] for m in MIGRATIONS)
    store.close()
    again = open_store(str(tmp_path / "a.db"))  # migrating twice is a no-op
    assert again.schema_version() == max(m[0] for m in MIGRATIONS)
    again.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "a.db"))
    with store.transaction():
        store.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    store.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(str(tmp_path / "a.db"))


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
def test_round_trip_keeps_every_field(tmp_path: Path, text, title, debris, lang, conf, source,
                                      url, published, flags, keys) -> None:
    store = open_store(str(tmp_path / "rt.db"))
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


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "t.db"))
    a = Article(text="x", content_hash="h1", fetched=datetime(2024, 1, 1, tzinfo=UTC))
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_article(a)
        raise RuntimeError("crash mid-article")
    assert store.count_articles() == 0
    with pytest.raises(NotFound):
        store.get_article(1)


def test_readers_in_threads_see_committed_rows(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "r.db"))
    store.insert_article(Article(text="hello", content_hash="h", fetched=datetime(2024, 1, 1, tzinfo=UTC)))
    seen: list[int] = []
    threads = [threading.Thread(target=lambda: seen.append(store.count_articles())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [1, 1, 1, 1]


def test_write_outside_transaction_is_a_bug(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "w.db"))
    with pytest.raises(StoreError, match="outside a transaction"):
        store.execute("DELETE FROM articles")
