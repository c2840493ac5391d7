"""The store: the only place that reads or writes the database.

``Store`` holds every query in a portable SQL subset (``?`` placeholders, ``RETURNING``,
``ON CONFLICT``); a backend subclass supplies connections and dialect details. One writer
connection (guarded by a lock) and one reader connection per thread. Every write happens
inside ``transaction()``; an ingested article is one transaction, so a crash leaves a
consistent database. Third-party errors are translated to ``StoreError`` at this boundary.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from crosswire.embed import from_blob, to_blob
from crosswire.errors import NotFound, StoreError
from crosswire.models import Article, Sentence, Story, from_iso, iso, utc_now
from crosswire.store.actors import ActorStoreMixin
from crosswire.store.events import EventStoreMixin, chunks
from crosswire.store.live import LiveStore
from crosswire.store.migrations import MIGRATIONS
from crosswire.store.provenance import ProvenanceStoreMixin
from crosswire.store.search import SearchStoreMixin
from crosswire.store.story_log import StoryLogMixin
from crosswire.store.views import ViewStoreMixin


@dataclass(slots=True)
class StoryState:
    """What story assignment needs to know about a story."""

    id: int
    centroid: np.ndarray
    n_articles: int
    first_published: datetime | None
    last_published: datetime | None
    keys: dict[str, int] = field(default_factory=dict)
    lang_counts: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True, frozen=True)
class StoryFilter:
    language: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    story_ids: tuple[int, ...] | None = None  # e.g. stories mentioning an actor


ARTICLE_COLUMNS = (
    "id, content_hash, external_id, url, path, source, title, text, debris, language, "
    "language_confidence, published, fetched, story_id, flags, n_tokens, vector, keys"
)
ARTICLE_LIGHT_COLUMNS = (
    "id, content_hash, external_id, url, path, source, title, '' AS text, '[]' AS debris, "
    "language, language_confidence, published, fetched, story_id, flags, n_tokens, "
    "NULL AS vector, '[]' AS keys"
)
STORY_COLUMNS = (
    "id, title, languages, n_articles, n_sources, first_seen, last_seen, updated"
)


class Store(ActorStoreMixin, EventStoreMixin, ProvenanceStoreMixin, LiveStore, StoryLogMixin,
            SearchStoreMixin, ViewStoreMixin, ABC):
    """Backend-independent store logic. Subclasses implement the connection hooks."""

    dialect = "portable"

    def __init__(self) -> None:
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._writer_conn: Any = None
        self._readers: list[Any] = []
        self._readers_lock = threading.Lock()

    @property
    def _depth(self) -> int:
        """Transaction nesting depth of the calling thread."""
        return int(getattr(self._local, "depth", 0))

    @_depth.setter
    def _depth(self, value: int) -> None:
        self._local.depth = value

    # --- backend hooks ---------------------------------------------------------------------
    @abstractmethod
    def _connect(self) -> Any:
        """A new connection (errors become ``StoreError`` naming the store)."""

    def _setup_reader(self, conn: Any) -> None:
        """Make a fresh connection a reader (SQLite: read-only)."""

    def _writer(self) -> Any:
        """The single connection that writes."""
        if self._writer_conn is None:
            self._writer_conn = self._connect()
        return self._writer_conn

    def _reader(self) -> Any:
        """A connection for reads, one per thread."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._setup_reader(conn)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection."""
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        self._local = threading.local()
        if self._writer_conn is not None:
            self._writer_conn.close()
            self._writer_conn = None

    def _sql(self, sql: str) -> str:
        """Translate portable SQL to the backend's dialect (placeholders, types)."""
        return sql

    def _errors(self) -> tuple[type[BaseException], ...]:
        return (Exception,)

    # --- catalogue (used by `crosswire migrate` to copy any table present) -----------------
    @abstractmethod
    def list_tables(self) -> list[str]:
        """Every table of the schema, in creation order."""

    @abstractmethod
    def table_columns(self, table: str) -> list[str]:
        """A table's column names, in order."""

    @abstractmethod
    def primary_key(self, table: str) -> list[str]:
        """The columns of a table's primary key, in key order (empty when it has none)."""

    @abstractmethod
    def stream(self, sql: str, params: Sequence[Any] = (), batch: int = 1000
               ) -> Iterator[list[tuple[Any, ...]]]:
        """Rows of a large query in batches, on a connection of its own."""

    def sync_identities(self) -> None:
        """After rows were written with their own ids: make generated ids continue past them."""

    # --- plumbing --------------------------------------------------------------------------
    def _conn(self) -> Any:
        # Inside a transaction the writer also reads, so a transaction sees its own writes.
        return self._writer() if self._depth > 0 else self._reader()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            cur = self._conn().cursor()
            cur.execute(self._sql(sql), tuple(params))
            return cur
        except self._errors() as exc:
            raise StoreError(f"database error: {exc}") from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._run(sql, params).fetchall())

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row = self._run(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self._depth == 0:
            raise StoreError("write outside a transaction (a bug: use store.transaction())")
        return self._run(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if self._depth == 0:
            raise StoreError("write outside a transaction (a bug: use store.transaction())")
        try:
            self._writer().cursor().executemany(self._sql(sql), [tuple(r) for r in rows])
        except self._errors() as exc:
            raise StoreError(f"database error: {exc}") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction; nested calls join the outer one."""
        with self._write_lock:
            conn = self._writer()
            outer = self._depth == 0
            if outer:
                self._begin(conn)
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    conn.rollback()
                raise
            self._depth -= 1
            if outer:
                try:
                    conn.commit()
                except self._errors() as exc:
                    raise StoreError(f"database error on commit: {exc}") from exc

    @abstractmethod
    def _begin(self, conn: Any) -> None:
        """Start a transaction (taking the write lock early where the backend can)."""

    # --- schema ----------------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply pending migrations; returns the schema version."""
        with self.transaction():
            self.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"
            )
            done = {r[0] for r in self.query("SELECT version FROM schema_migrations")}
            newest = max(m[0] for m in MIGRATIONS)
            if done and max(done) > newest:
                raise StoreError(
                    f"the database has schema version {max(done)}, newer than this crosswire "
                    f"understands ({newest}); upgrade crosswire"
                )
            for version, name, statements in sorted(MIGRATIONS):
                if version in done:
                    continue
                for stmt in statements:
                    sql = stmt if isinstance(stmt, str) else stmt.get(self.dialect,
                                                                      stmt.get("*"))
                    if sql:  # a dialect-only statement (e.g. an FTS5 table) may be skipped
                        self.execute(sql)
                self.execute(
                    "INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)",
                    (version, name, iso(utc_now())),
                )
            return newest

    def schema_version(self) -> int:
        row = self.query_one("SELECT MAX(version) FROM schema_migrations")
        return int(row[0]) if row and row[0] is not None else 0

    # --- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.query_one("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # --- articles --------------------------------------------------------------------------
    def find_by_hash(self, content_hash: str) -> int | None:
        row = self.query_one("SELECT id FROM articles WHERE content_hash = ?", (content_hash,))
        return int(row[0]) if row else None

    def find_by_url(self, url: str) -> tuple[int, str, int | None] | None:
        """(id, content_hash, story_id) of the article stored under ``url``."""
        row = self.query_one(
            "SELECT id, content_hash, story_id FROM articles WHERE url = ?", (url,)
        )
        return (int(row[0]), str(row[1]), row[2]) if row else None

    def _article_values(self, a: Article, sort_key: str, encoder: str | None) -> tuple[Any, ...]:
        return (
            a.content_hash, a.external_id, a.url, a.path, a.source, a.title, a.text,
            json.dumps(a.debris, ensure_ascii=False), a.language, a.language_confidence,
            iso(a.published), iso(a.fetched or utc_now()), sort_key,
            json.dumps(a.flags), a.n_tokens, encoder,
            None if a.vector is None else to_blob(a.vector),
            json.dumps(sorted(a.keys), ensure_ascii=False),
        )

    def insert_article(self, a: Article, encoder: str | None = None) -> int:
        """Insert an article and its sentences; returns the new id."""
        sort_key = iso(a.published or a.fetched or utc_now()) or ""
        with self.transaction():
            cur = self.execute(
                "INSERT INTO articles (content_hash, external_id, url, path, source, title, "
                "text, debris, language, language_confidence, published, fetched, sort_key, "
                "flags, n_tokens, encoder, vector, keys) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                self._article_values(a, sort_key, encoder),
            )
            article_id = int(cur.fetchone()[0])
            self._write_sentences(article_id, a.sentences)
        return article_id

    def replace_article(self, article_id: int, a: Article, encoder: str | None = None) -> None:
        """New content for an existing article (same URL): keep the id, replace the rest."""
        sort_key = iso(a.published or a.fetched or utc_now()) or ""
        with self.transaction():
            self.execute(
                "UPDATE articles SET content_hash = ?, external_id = ?, url = ?, path = ?, "
                "source = ?, title = ?, text = ?, debris = ?, language = ?, "
                "language_confidence = ?, published = ?, fetched = ?, sort_key = ?, flags = ?, "
                "n_tokens = ?, encoder = ?, vector = ?, keys = ? WHERE id = ?",
                (*self._article_values(a, sort_key, encoder), article_id),
            )
            self.execute("DELETE FROM sentences WHERE article_id = ?", (article_id,))
            self._write_sentences(article_id, a.sentences)

    def _write_sentences(self, article_id: int, sentences: Sequence[Sentence]) -> None:
        self.executemany(
            "INSERT INTO sentences (article_id, idx, start_char, end_char, language) "
            "VALUES (?, ?, ?, ?, ?)",
            [(article_id, s.index, s.start, s.end, s.language) for s in sentences],
        )

    def set_article_story(self, article_id: int, story_id: int | None) -> None:
        with self.transaction():
            self.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))

    def _row_to_article(self, row: Sequence[Any]) -> Article:
        (aid, chash, ext, url, path, source, title, text, debris, lang, conf, pub, fetched,
         story_id, flags, n_tokens, vector, keys) = row
        return Article(
            id=int(aid), content_hash=chash, external_id=ext, url=url, path=path, source=source,
            title=title, text=text or "", debris=json.loads(debris or "[]"), language=lang,
            language_confidence=conf, published=from_iso(pub), fetched=from_iso(fetched),
            story_id=story_id, flags=json.loads(flags or "[]"), n_tokens=int(n_tokens or 0),
            vector=from_blob(vector), keys=frozenset(json.loads(keys or "[]")),
        )

    def get_article(self, article_id: int) -> Article:
        row = self.query_one(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?",
                             (article_id,))
        if row is None:
            raise NotFound(f"no article with id {article_id}")
        article = self._row_to_article(row)
        article.sentences = self.get_sentences(article_id)
        article.mentions = self.mentions_for_article(article_id)
        article.events = self.reports_for_article(article_id)
        return article

    def get_sentences(self, article_id: int) -> list[Sentence]:
        return [
            Sentence(index=r[0], start=r[1], end=r[2], language=r[3])
            for r in self.query(
                "SELECT idx, start_char, end_char, language FROM sentences "
                "WHERE article_id = ? ORDER BY idx",
                (article_id,),
            )
        ]

    def list_articles(
        self, story_id: int | None = None, light: bool = True, limit: int | None = None,
        offset: int = 0,
    ) -> list[Article]:
        cols = ARTICLE_LIGHT_COLUMNS if light else ARTICLE_COLUMNS
        sql = f"SELECT {cols} FROM articles"
        params: list[Any] = []
        if story_id is not None:
            sql += " WHERE story_id = ?"
            params.append(story_id)
        sql += " ORDER BY sort_key, id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [self._row_to_article(r) for r in self.query(sql, params)]

    def iter_articles_in_order(self, batch: int = 500) -> Iterator[Article]:
        """Every article with its vector, in publication order (ingest order when undated)."""
        last: tuple[str, int] = ("", 0)
        while True:
            rows = self.query(
                f"SELECT {ARTICLE_COLUMNS}, sort_key FROM articles "
                "WHERE sort_key > ? OR (sort_key = ? AND id > ?) ORDER BY sort_key, id LIMIT ?",
                (last[0], last[0], last[1], batch),
            )
            if not rows:
                return
            for r in rows:
                yield self._row_to_article(r[:-1])
            last = (rows[-1][-1], int(rows[-1][0]))

    def article_vectors(self, article_ids: Sequence[int]) -> dict[int, np.ndarray]:
        out: dict[int, np.ndarray] = {}
        for chunk in chunks(list(article_ids), 500):
            marks = ",".join("?" * len(chunk))
            for aid, blob in self.query(
                f"SELECT id, vector FROM articles WHERE id IN ({marks})", chunk
            ):
                vec = from_blob(blob)
                if vec is not None:
                    out[int(aid)] = vec
        return out

    def approx_article_count(self) -> int:
        """Cheap upper bound of the article count (the highest id), for IDF weights."""
        row = self.query_one("SELECT MAX(id) FROM articles")
        return int(row[0]) if row and row[0] is not None else 0

    def count_articles(self) -> int:
        row = self.query_one("SELECT COUNT(*) FROM articles")
        return int(row[0]) if row else 0

    # --- rejections ------------------------------------------------------------------------
    def add_rejection(self, origin: str, line: int | None, reason: str) -> None:
        with self.transaction():
            self.execute(
                "INSERT INTO rejections (origin, line, reason, at) VALUES (?, ?, ?, ?)",
                (origin, line, reason, iso(utc_now())),
            )

    def list_rejections(self, limit: int = 100) -> list[tuple[str, int | None, str, str]]:
        return [
            (r[0], r[1], r[2], r[3])
            for r in self.query(
                "SELECT origin, line, reason, at FROM rejections ORDER BY id DESC LIMIT ?",
                (limit,),
            )
        ]

    # --- story evidence keys ---------------------------------------------------------------
    def count_keys(self, keys: Iterable[str]) -> None:
        """Document frequency of story keys (how many articles carry each)."""
        with self.transaction():
            self.executemany(
                "INSERT INTO key_counts (key, n) VALUES (?, 1) "
                "ON CONFLICT (key) DO UPDATE SET n = key_counts.n + 1",
                [(k,) for k in sorted(set(keys))],
            )

    def key_counts(self, keys: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for chunk in chunks(sorted(set(keys)), 500):
            marks = ",".join("?" * len(chunk))
            for k, n in self.query(f"SELECT key, n FROM key_counts WHERE key IN ({marks})",
                                   chunk):
                out[str(k)] = int(n)
        return out

    # --- per-language mean vectors (story scoring centres on them) --------------------------
    def language_means(self) -> dict[str, tuple[int, np.ndarray]]:
        """Running (count, sum vector) of article vectors per language."""
        return {
            str(lang): (int(n), np.frombuffer(bytes(total), dtype=np.float64).copy())
            for lang, n, total in self.query("SELECT language, n, total FROM language_means")
        }

    def add_to_language_mean(self, language: str, vector: np.ndarray, sign: int = 1) -> None:
        """Add (or with ``sign=-1`` remove) one article vector to its language's running sum."""
        with self.transaction():
            row = self.query_one("SELECT n, total FROM language_means WHERE language = ?",
                                 (language,))
            v = np.asarray(vector, dtype=np.float64) * sign
            if row is None:
                self.execute("INSERT INTO language_means (language, n, total) VALUES (?, ?, ?)",
                             (language, max(sign, 0), v.tobytes()))
            else:
                total = np.frombuffer(bytes(row[1]), dtype=np.float64) + v
                self.execute("UPDATE language_means SET n = ?, total = ? WHERE language = ?",
                             (max(int(row[0]) + sign, 0), total.tobytes(), language))

    def clear_language_means(self) -> None:
        with self.transaction():
            self.execute("DELETE FROM language_means")

    # --- stories ---------------------------------------------------------------------------
    def _row_to_state(self, row: Sequence[Any]) -> StoryState:
        sid, centroid, n, first, last, keys, lang_counts = row
        vec = from_blob(centroid)
        return StoryState(
            id=int(sid), centroid=vec if vec is not None else np.zeros(0, np.float32),
            n_articles=int(n), first_published=from_iso(first), last_published=from_iso(last),
            keys=json.loads(keys or "{}"), lang_counts=json.loads(lang_counts or "{}"),
        )

    _STATE_COLUMNS = (
        "id, centroid, n_articles, first_published, last_published, keys, lang_counts"
    )

    def story_state(self, story_id: int) -> StoryState:
        row = self.query_one(f"SELECT {self._STATE_COLUMNS} FROM stories WHERE id = ?",
                             (story_id,))
        if row is None:
            raise NotFound(f"no story with id {story_id}")
        return self._row_to_state(row)

    def stories_in_window(self, start: datetime, end: datetime, limit: int) -> list[StoryState]:
        """Stories whose dated span overlaps [start, end], most recently active first."""
        rows = self.query(
            f"SELECT {self._STATE_COLUMNS} FROM stories WHERE last_published >= ? "
            "AND first_published <= ? ORDER BY last_published DESC, id DESC LIMIT ?",
            (iso(start), iso(end), limit),
        )
        return [self._row_to_state(r) for r in rows]

    def recent_stories(self, limit: int, undated_only: bool = False) -> list[StoryState]:
        """The most recently updated stories (candidates when an article has no date)."""
        where = "WHERE first_published IS NULL " if undated_only else ""
        rows = self.query(
            f"SELECT {self._STATE_COLUMNS} FROM stories {where}"
            "ORDER BY updated DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [self._row_to_state(r) for r in rows]

    def create_story(self) -> int:
        with self.transaction():
            cur = self.execute(
                "INSERT INTO stories (updated) VALUES (?) RETURNING id", (iso(utc_now()),)
            )
            return int(cur.fetchone()[0])

    def save_story_state(self, state: StoryState) -> None:
        with self.transaction():
            self.execute(
                "UPDATE stories SET centroid = ?, keys = ?, lang_counts = ? WHERE id = ?",
                (to_blob(state.centroid), json.dumps(state.keys, ensure_ascii=False),
                 json.dumps(state.lang_counts, sort_keys=True), state.id),
            )
            self._log_story_change(state.id)

    def refresh_story_summary(self, story_id: int) -> None:
        """Recompute a story's counts, languages and time span from its articles."""
        with self.transaction():
            row = self.query_one(
                "SELECT COUNT(*), COUNT(DISTINCT source), "
                "SUM(CASE WHEN source IS NULL THEN 1 ELSE 0 END), MIN(sort_key), "
                "MAX(sort_key), MIN(published), MAX(published) "
                "FROM articles WHERE story_id = ?",
                (story_id,),
            )
            assert row is not None
            n, n_named, n_unnamed, first, last, first_pub, last_pub = row
            self._log_story_change(story_id)
            if not n:
                self.execute("DELETE FROM stories WHERE id = ?", (story_id,))
                return
            langs = [
                r[0] for r in self.query(
                    "SELECT language FROM articles WHERE story_id = ? AND language IS NOT NULL "
                    "GROUP BY language ORDER BY COUNT(*) DESC, language",
                    (story_id,),
                )
            ]
            self.execute(
                "UPDATE stories SET n_articles = ?, n_sources = ?, languages = ?, "
                "first_seen = ?, last_seen = ?, first_published = ?, last_published = ?, "
                "updated = ? WHERE id = ?",
                (n, int(n_named or 0) + int(n_unnamed or 0), json.dumps(langs), first, last,
                 first_pub, last_pub, iso(utc_now()), story_id),
            )

    def set_story_title(self, story_id: int, title: str | None, article_id: int | None) -> None:
        with self.transaction():
            self.execute(
                "UPDATE stories SET title = ?, title_article_id = ? WHERE id = ?",
                (title, article_id, story_id),
            )

    def story_members(self, story_id: int) -> list[tuple[int, str | None, str | None, str]]:
        """(article id, language, title, start of text) of each article in a story."""
        return [
            (int(r[0]), r[1], r[2], r[3] or "")
            for r in self.query(
                "SELECT id, language, title, substr(text, 1, 300) FROM articles "
                "WHERE story_id = ? ORDER BY sort_key, id",
                (story_id,),
            )
        ]

    def _row_to_story(self, row: Sequence[Any]) -> Story:
        sid, title, langs, n, n_src, first, last, updated = row
        return Story(
            id=int(sid), title=title, languages=json.loads(langs or "[]"), n_articles=int(n),
            n_sources=int(n_src), first_seen=from_iso(first), last_seen=from_iso(last),
            updated=from_iso(updated),
        )

    def get_story(self, story_id: int, with_articles: bool = True) -> Story:
        row = self.query_one(f"SELECT {STORY_COLUMNS} FROM stories WHERE id = ?", (story_id,))
        if row is None:
            raise NotFound(f"no story with id {story_id}")
        story = self._row_to_story(row)
        if with_articles:
            story.articles = self.list_articles(story_id=story_id)
        return story

    def list_stories(
        self, filters: StoryFilter | None = None, limit: int = 50, offset: int = 0,
        with_articles: bool = False,
    ) -> list[Story]:
        f = filters or StoryFilter()
        where: list[str] = ["n_articles > 0"]
        params: list[Any] = []
        if f.since is not None:
            where.append("last_seen >= ?")
            params.append(iso(f.since))
        if f.until is not None:
            where.append("first_seen <= ?")
            params.append(iso(f.until))
        if f.language:
            where.append("id IN (SELECT story_id FROM articles WHERE language = ?)")
            params.append(f.language)
        if f.source:
            where.append("id IN (SELECT story_id FROM articles WHERE source = ?)")
            params.append(f.source)
        if f.story_ids is not None:
            if not f.story_ids:
                return []
            where.append(f"id IN ({','.join('?' * len(f.story_ids))})")
            params.extend(f.story_ids)
        rows = self.query(
            f"SELECT {STORY_COLUMNS} FROM stories WHERE {' AND '.join(where)} "
            "ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        stories = [self._row_to_story(r) for r in rows]
        if with_articles:
            for s in stories:
                s.articles = self.list_articles(story_id=s.id)
        return stories

    def count_stories(self) -> int:
        row = self.query_one("SELECT COUNT(*) FROM stories WHERE n_articles > 0")
        return int(row[0]) if row else 0

    def clear_stories(self) -> None:
        """Forget every story (before reclustering); articles stay."""
        with self.transaction():
            self.execute("UPDATE articles SET story_id = NULL")
            self.execute("DELETE FROM stories")
            self._log_story_change(0)

