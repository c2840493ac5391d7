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
        6,
        "live sources: fetch state, feeds, feed items, watchlists, alerts",
        [
            """CREATE TABLE fetch_state (
                url TEXT PRIMARY KEY,
                final_url TEXT,
                status INTEGER,
                etag TEXT,
                last_modified TEXT,
                fetched TEXT NOT NULL
            )""",
            "CREATE INDEX fetch_state_final ON fetch_state(final_url)",
            """CREATE TABLE feeds (
                id INTEGER PRIMARY KEY,
                url TEXT NOT NULL UNIQUE,
                title TEXT,
                kind TEXT,
                added TEXT NOT NULL,
                last_poll TEXT,
                last_ok TEXT,
                last_error TEXT,
                n_errors INTEGER NOT NULL DEFAULT 0,
                etag TEXT,
                last_modified TEXT
            )""",
            """CREATE TABLE feed_items (
                feed_id INTEGER NOT NULL REFERENCES feeds(id),
                item_key TEXT NOT NULL,
                url TEXT NOT NULL,
                title TEXT,
                published TEXT,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                article_id INTEGER,
                reason TEXT,
                first_seen TEXT NOT NULL,
                updated TEXT NOT NULL,
                PRIMARY KEY (feed_id, item_key)
            )""",
            "CREATE INDEX feed_items_status ON feed_items(feed_id, status)",
            "CREATE INDEX feed_items_url ON feed_items(url)",
            """CREATE TABLE watchlists (
                id INTEGER PRIMARY KEY,
                name TEXT,
                criteria TEXT NOT NULL,
                created TEXT NOT NULL,
                removed TEXT
            )""",
            """CREATE TABLE alerts (
                id INTEGER PRIMARY KEY,
                watchlist_id INTEGER NOT NULL,
                kind TEXT NOT NULL,
                dedupe_key TEXT NOT NULL UNIQUE,
                story_id INTEGER,
                article_id INTEGER,
                event_id TEXT,
                created TEXT NOT NULL,
                payload TEXT NOT NULL,
                delivered TEXT,
                delivery_error TEXT
            )""",
            "CREATE INDEX alerts_story ON alerts(watchlist_id, story_id)",
            "CREATE INDEX alerts_created ON alerts(created)",
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

MIGRATIONS.append(
    (
        2,
        "actors, aliases seen, mentions",
        [
            """CREATE TABLE actors (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                type TEXT NOT NULL,
                wikidata TEXT,
                known INTEGER NOT NULL DEFAULT 1,
                merge_key TEXT,
                n_mentions INTEGER NOT NULL DEFAULT 0,
                n_articles INTEGER NOT NULL DEFAULT 0,
                first_seen TEXT
            )""",
            "CREATE INDEX actors_merge_key ON actors(merge_key)",
            "CREATE INDEX actors_n_mentions ON actors(n_mentions)",
            """CREATE TABLE actor_aliases (
                actor_id TEXT NOT NULL,
                name TEXT NOT NULL,
                language TEXT NOT NULL DEFAULT '',
                folded TEXT NOT NULL,
                n INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (actor_id, name, language)
            )""",
            "CREATE INDEX actor_aliases_folded ON actor_aliases(folded)",
            """CREATE TABLE mentions (
                article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                text TEXT NOT NULL,
                actor_id TEXT NOT NULL,
                PRIMARY KEY (article_id, start_char)
            )""",
            "CREATE INDEX mentions_actor ON mentions(actor_id, article_id)",
        ],
    )
)

MIGRATIONS.append(
    (
        3,
        "events, their reports (evidence sentences), edge view",
        [
            # one row per actor pair a sentence reports; '' where no actor is named, so the
            # event key below is a plain unique index on every backend
            """CREATE TABLE event_reports (
                id INTEGER PRIMARY KEY,
                article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                sentence INTEGER NOT NULL,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                type TEXT NOT NULL,
                mode TEXT,
                source_id TEXT NOT NULL DEFAULT '',
                target_id TEXT NOT NULL DEFAULT '',
                mutual INTEGER NOT NULL DEFAULT 0,
                hedged INTEGER NOT NULL DEFAULT 0,
                negated INTEGER NOT NULL DEFAULT 0,
                reported INTEGER NOT NULL DEFAULT 0,
                confidence REAL NOT NULL DEFAULT 0,
                trigger_start INTEGER,
                trigger_end INTEGER,
                language TEXT,
                event_id INTEGER
            )""",
            "CREATE INDEX event_reports_article ON event_reports(article_id)",
            "CREATE INDEX event_reports_event ON event_reports(event_id)",
            """CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                story_id INTEGER NOT NULL DEFAULT 0,
                type TEXT NOT NULL,
                mode TEXT,
                source_id TEXT NOT NULL DEFAULT '',
                target_id TEXT NOT NULL DEFAULT '',
                mutual INTEGER NOT NULL DEFAULT 0,
                negated INTEGER NOT NULL DEFAULT 0,
                hedged INTEGER NOT NULL DEFAULT 0,
                reported INTEGER NOT NULL DEFAULT 0,
                n_reports INTEGER NOT NULL DEFAULT 0,
                n_articles INTEGER NOT NULL DEFAULT 0,
                n_sources INTEGER NOT NULL DEFAULT 0,
                languages TEXT NOT NULL DEFAULT '[]',
                first_seen TEXT,
                last_seen TEXT,
                first_article_id INTEGER,
                created TEXT NOT NULL
            )""",
            "CREATE UNIQUE INDEX events_key ON events(story_id, type, source_id, target_id, "
            "negated)",
            "CREATE INDEX events_source ON events(source_id, first_seen)",
            "CREATE INDEX events_target ON events(target_id, first_seen)",
            "CREATE INDEX events_first_seen ON events(first_seen)",
            "CREATE INDEX events_first_article ON events(first_article_id)",
            # the actor graph for tools that read the database directly
            """CREATE VIEW event_edges AS
                SELECT source_id, target_id, type, COUNT(*) AS n_events,
                       SUM(n_reports) AS n_reports, MIN(first_seen) AS first_seen,
                       MAX(last_seen) AS last_seen
                FROM events
                WHERE source_id <> '' AND target_id <> '' AND negated = 0
                GROUP BY source_id, target_id, type""",
        ],
    )
)

MIGRATIONS.append(
    (
        5,
        "provenance: LSH band keys, machine-written signals, article relations",
        [
            """CREATE TABLE lsh_bands (
                key INTEGER NOT NULL,
                article_id INTEGER NOT NULL,
                PRIMARY KEY (key, article_id)
            )""",
            "CREATE INDEX lsh_bands_article ON lsh_bands(article_id)",
            """CREATE TABLE article_signals (
                article_id INTEGER PRIMARY KEY,
                author TEXT,
                signals TEXT NOT NULL DEFAULT '[]'
            )""",
            """CREATE TABLE article_relations (
                article_id INTEGER NOT NULL,
                original_id INTEGER NOT NULL,
                kind TEXT NOT NULL,
                score REAL NOT NULL,
                method TEXT NOT NULL,
                story_id INTEGER,
                evidence TEXT NOT NULL DEFAULT '{}',
                PRIMARY KEY (article_id, original_id, kind)
            )""",
            "CREATE INDEX article_relations_original ON article_relations(original_id)",
            "CREATE INDEX article_relations_story ON article_relations(story_id)",
            """CREATE TABLE story_provenance (
                story_id INTEGER PRIMARY KEY,
                members TEXT NOT NULL,
                computed TEXT NOT NULL
            )""",
        ],
    )
)

# SQLite only: an FTS5 index over title and text that stores no copy of the text (external
# content), kept in step by triggers; other backends search with LIKE (store/search.py).
_FTS_SYNC = "INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);"
_FTS_DROP = ("INSERT INTO articles_fts (articles_fts, rowid, title, text) "
             "VALUES ('delete', old.id, old.title, old.text);")
MIGRATIONS.append(
    (
        7,
        "web: full-text index of articles, indexes for source figures and changed articles",
        [
            {"sqlite": "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, "
                       "content='articles', content_rowid='id', "
                       "tokenize='unicode61 remove_diacritics 2')", "*": None},
            {"sqlite": "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles "
                       f"BEGIN {_FTS_SYNC} END", "*": None},
            {"sqlite": "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles "
                       f"BEGIN {_FTS_DROP} END", "*": None},
            {"sqlite": "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON "
                       f"articles BEGIN {_FTS_DROP} {_FTS_SYNC} END", "*": None},
            {"sqlite": "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')", "*": None},
            "CREATE INDEX articles_fetched ON articles(fetched)",
            "CREATE INDEX articles_source_figures ON articles(source, language, story_id, "
            "sort_key)",
        ],
    )
)
