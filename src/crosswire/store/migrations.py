"""Versioned schema. Each migration is applied once, in order, inside a transaction.

SQL here is written in a portable subset (INTEGER, REAL, TEXT, BLOB; ``INTEGER PRIMARY KEY``
for generated ids); a backend may translate type names for its dialect. Never edit a migration
that has shipped: add a new one.

A statement may instead be a mapping from dialect (``"sqlite"``, ``"postgresql"``, ``"*"`` for
any other) to SQL, or to ``None`` to skip it, for the rare feature with no portable spelling
(an FTS5 table); the PostgreSQL backend translates types itself (store/postgres.py).
"""

from __future__ import annotations

Statement = str | dict[str, str | None]

MIGRATIONS: list[tuple[int, str, list[Statement]]] = [
    (
        1,
        "articles, sentences, stories, rejections",
        [
            """CREATE TABLE articles (
                id INTEGER PRIMARY KEY,
                content_hash TEXT NOT NULL UNIQUE,
                external_id TEXT,
                url TEXT,
                path TEXT,
                source TEXT,
                title TEXT,
                text TEXT NOT NULL,
                debris TEXT NOT NULL DEFAULT '[]',
                language TEXT,
                language_confidence REAL,
                published TEXT,
                fetched TEXT NOT NULL,
                sort_key TEXT NOT NULL,
                story_id INTEGER,
                flags TEXT NOT NULL DEFAULT '[]',
                n_tokens INTEGER NOT NULL DEFAULT 0,
                encoder TEXT,
                vector BLOB,
                keys TEXT NOT NULL DEFAULT '[]'
            )""",
            "CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL",
            "CREATE INDEX articles_story ON articles(story_id)",
            "CREATE INDEX articles_sort ON articles(sort_key, id)",
            "CREATE INDEX articles_external ON articles(external_id)",
            "CREATE INDEX articles_source ON articles(source)",
            """CREATE TABLE sentences (
                article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                idx INTEGER NOT NULL,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                language TEXT,
                PRIMARY KEY (article_id, idx)
            )""",
            """CREATE TABLE stories (
                id INTEGER PRIMARY KEY,
                title TEXT,
                title_article_id INTEGER,
                first_seen TEXT,
                last_seen TEXT,
                first_published TEXT,
                last_published TEXT,
                n_articles INTEGER NOT NULL DEFAULT 0,
                n_sources INTEGER NOT NULL DEFAULT 0,
                languages TEXT NOT NULL DEFAULT '[]',
                centroid BLOB,
                lang_counts TEXT NOT NULL DEFAULT '{}',
                keys TEXT NOT NULL DEFAULT '{}',
                updated TEXT NOT NULL
            )""",
            "CREATE INDEX stories_last_seen ON stories(last_seen)",
            "CREATE INDEX stories_window ON stories(last_published, first_published)",
            "CREATE INDEX stories_updated ON stories(updated)",
            """CREATE TABLE key_counts (
                key TEXT PRIMARY KEY,
                n INTEGER NOT NULL
            )""",
            """CREATE TABLE rejections (
                id INTEGER PRIMARY KEY,
                origin TEXT NOT NULL,
                line INTEGER,
                reason TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            """CREATE TABLE language_means (
                language TEXT PRIMARY KEY,
                n INTEGER NOT NULL,
                total BLOB NOT NULL
            )""",
            """CREATE TABLE meta (
                key TEXT PRIMARY KEY,
                value TEXT
            )""",
        ],
    ),
    (
        8,
        "story change log (keeps each process's story index in step) and undated stories",
        [
            """CREATE TABLE story_changes (
                seq INTEGER PRIMARY KEY,
                story_id INTEGER NOT NULL
            )""",
            "CREATE INDEX stories_undated ON stories(updated) WHERE first_published IS NULL",
        ],
    ),
]
