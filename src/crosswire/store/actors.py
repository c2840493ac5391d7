"""Store queries for actors and mentions (mixed into ``Store``; SQL lives only in store/).

Tables (migration 2): ``actors`` (one row per actor ever mentioned, with mention and article
counters), ``actor_aliases`` (each name an actor was seen under, per language, with counts)
and ``mentions`` (offsets into an article's text). Counters are kept in step by
``replace_mentions`` so listing top actors never scans the mentions table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from crosswire.models import Actor, Mention, iso, utc_now


@dataclass(slots=True, frozen=True)
class ActorInfo:
    """What the store needs to create an actor row the first time it is mentioned."""

    id: str
    name: str
    type: str
    wikidata: str | None = None
    known: bool = True
    merge_key: str | None = None


class ActorStoreMixin:
    """Actor and mention queries; relies on ``Store.query``/``execute``/``transaction``."""

    query: Any
    query_one: Any
    execute: Any
    executemany: Any
    transaction: Any

    # --- writes ------------------------------------------------------------------------
    def replace_mentions(self, article_id: int, mentions: Sequence[Mention],
                         language: str | None, actors: dict[str, ActorInfo],
                         folded: dict[str, str]) -> None:
        """Make ``mentions`` the article's mentions, keeping actor counters and aliases exact.

        ``actors`` describes every actor id in ``mentions``; ``folded`` maps a mention text to
        its folded form (for alias lookup).
        """
        with self.transaction():
            old = self.query("SELECT text, actor_id FROM mentions WHERE article_id = ?",
                             (article_id,))
            old_lang = self._article_language(article_id) if old else None
            self._count(old, old_lang, -1)
            self.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
            now = iso(utc_now())
            for info in actors.values():
                self.execute(
                    "INSERT INTO actors (id, name, type, wikidata, known, merge_key, first_seen) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    (info.id, info.name, info.type, info.wikidata, int(info.known),
                     info.merge_key, now),
                )
            self.executemany(
                "INSERT INTO mentions (article_id, start_char, end_char, text, actor_id) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_id, start_char) DO NOTHING",
                [(article_id, m.start, m.end, m.text, m.actor_id) for m in mentions],
            )
            self._count([(m.text, m.actor_id) for m in mentions], language, 1, folded)

    def _article_language(self, article_id: int) -> str | None:
        row = self.query_one("SELECT language FROM articles WHERE id = ?", (article_id,))
        return row[0] if row else None

    def _count(self, pairs: Sequence[tuple[str, str]], language: str | None, sign: int,
               folded: dict[str, str] | None = None) -> None:
        if not pairs:
            return
        from crosswire.actors.text import fold

        per_actor = Counter(actor for _, actor in pairs)
        self.executemany(
            "UPDATE actors SET n_mentions = n_mentions + ?, n_articles = n_articles + ? "
            "WHERE id = ?",
            [(sign * n, sign, actor) for actor, n in sorted(per_actor.items())],
        )
        lang = language or ""
        per_alias = Counter(pairs)
        if sign > 0:
            self.executemany(
                "INSERT INTO actor_aliases (actor_id, name, language, folded, n) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (actor_id, name, language) "
                "DO UPDATE SET n = actor_aliases.n + excluded.n",
                [(actor, name, lang, (folded or {}).get(name) or fold(name), n)
                 for (name, actor), n in sorted(per_alias.items())],
            )
        else:
            self.executemany(
                "UPDATE actor_aliases SET n = n - ? "
                "WHERE actor_id = ? AND name = ? AND language = ?",
                [(n, actor, name, lang) for (name, actor), n in sorted(per_alias.items())],
            )

    def clear_mentions(self) -> None:
        """Forget every mention and actor (before relinking all articles)."""
        with self.transaction():
            self.execute("DELETE FROM mentions")
            self.execute("DELETE FROM actor_aliases")
            self.execute("DELETE FROM actors")

    # --- reads -------------------------------------------------------------------------
    def mentions_for_article(self, article_id: int) -> list[Mention]:
        return [
            Mention(start=int(r[0]), end=int(r[1]), text=r[2], actor_id=r[3], actor_name=r[4],
                    actor_type=r[5])
            for r in self.query(
                "SELECT m.start_char, m.end_char, m.text, m.actor_id, a.name, a.type "
                "FROM mentions m LEFT JOIN actors a ON a.id = m.actor_id "
                "WHERE m.article_id = ? ORDER BY m.start_char",
                (article_id,),
            )
        ]

    def _row_to_actor(self, row: Sequence[Any]) -> Actor:
        aid, name, typ, qid, known, n_m, n_a = row
        return Actor(id=aid, name=name, type=typ, wikidata=qid, known=bool(known),
                     n_mentions=int(n_m), n_articles=int(n_a))

    _ACTOR_COLUMNS = "id, name, type, wikidata, known, n_mentions, n_articles"

    def get_actor(self, actor_id: str) -> Actor | None:
        row = self.query_one(f"SELECT {self._ACTOR_COLUMNS} FROM actors WHERE id = ?",
                             (actor_id,))
        if row is None:
            return None
        actor = self._row_to_actor(row)
        actor.aliases = self.actor_aliases(actor_id)
        return actor

    def actor_aliases(self, actor_id: str) -> list[tuple[str, str]]:
        return [
            (r[0], r[1]) for r in self.query(
                "SELECT name, language FROM actor_aliases WHERE actor_id = ? AND n > 0 "
                "ORDER BY n DESC, language, name", (actor_id,))
        ]

    def list_actors(self, limit: int = 50, offset: int = 0, type: str | None = None,
                    language: str | None = None, known: bool | None = None) -> list[Actor]:
        where = ["n_mentions > 0"]
        params: list[Any] = []
        if type:
            where.append("type = ?")
            params.append(type)
        if known is not None:
            where.append("known = ?")
            params.append(int(known))
        if language:
            where.append("id IN (SELECT actor_id FROM actor_aliases WHERE language = ? "
                         "AND n > 0)")
            params.append(language)
        rows = self.query(
            f"SELECT {self._ACTOR_COLUMNS} FROM actors WHERE {' AND '.join(where)} "
            "ORDER BY n_mentions DESC, id LIMIT ? OFFSET ?", [*params, limit, offset])
        actors = [self._row_to_actor(r) for r in rows]
        for a in actors:
            a.aliases = self.actor_aliases(a.id)
        return actors

    def find_actors(self, name_or_id: str, folded: str) -> list[str]:
        """Ids of stored actors with this id, or seen under this (folded) name; busiest first."""
        rows = self.query(
            "SELECT a.id FROM actors a WHERE a.id = ? OR a.id IN "
            "(SELECT actor_id FROM actor_aliases WHERE folded = ?) "
            "ORDER BY a.n_mentions DESC, a.id", (name_or_id, folded))
        return [r[0] for r in rows]

    def new_actor_by_key(self, merge_key: str) -> list[str]:
        return [r[0] for r in self.query(
            "SELECT id FROM actors WHERE merge_key = ? AND known = 0 ORDER BY n_mentions DESC, id",
            (merge_key,))]

    def actor_stories(self, actor_id: str) -> list[int]:
        """Stories with at least one article that mentions the actor, newest first."""
        return [int(r[0]) for r in self.query(
            "SELECT s.id FROM stories s WHERE s.id IN (SELECT a.story_id FROM articles a "
            "JOIN mentions m ON m.article_id = a.id WHERE m.actor_id = ?) "
            "ORDER BY s.last_seen DESC, s.id DESC", (actor_id,))]

    def actor_neighbours(self, actor_id: str, limit: int = 20) -> list[tuple[str, str, str, int]]:
        """Actors named in the same articles: (id, name, type, shared articles)."""
        rows = self.query(
            "SELECT m2.actor_id, a.name, a.type, COUNT(DISTINCT m2.article_id) AS n "
            "FROM mentions m1 JOIN mentions m2 ON m2.article_id = m1.article_id "
            "JOIN actors a ON a.id = m2.actor_id "
            "WHERE m1.actor_id = ? AND m2.actor_id <> ? "
            "GROUP BY m2.actor_id, a.name, a.type ORDER BY n DESC, m2.actor_id LIMIT ?",
            (actor_id, actor_id, limit))
        return [(r[0], r[1], r[2], int(r[3])) for r in rows]

    def iter_article_texts(self, batch: int = 500) -> Iterator[tuple[int, str, str | None,
                                                                     str | None]]:
        """(id, text, title, language) of every article, for relinking."""
        last = 0
        while True:
            rows = self.query("SELECT id, text, title, language FROM articles WHERE id > ? "
                              "ORDER BY id LIMIT ?", (last, batch))
            if not rows:
                return
            for r in rows:
                yield int(r[0]), r[1], r[2], r[3]
            last = int(rows[-1][0])
