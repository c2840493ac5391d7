"""Store queries for provenance (mixed into ``Store``; SQL lives only in store/).

Tables (migration 5):

* ``lsh_bands``: the MinHash LSH band keys of each article (32 a article), so finding copy
  candidates is an index lookup whatever the size of the store;
* ``article_signals``: the machine-written signals found at ingest (JSON) and the byline;
* ``article_relations``: ``article_id`` is a copy, translation or rewrite of ``original_id``,
  with a score, the method that found it (``minhash`` at ingest, ``align`` within a story)
  and its evidence (JSON);
* ``story_provenance``: which members a story had when its translations and rewrites were
  last worked out, so they are recomputed only when the story changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crosswire.models import iso, utc_now


@dataclass(slots=True, frozen=True)
class Relation:
    """``article_id`` derives from ``original_id`` (kind: copy, translation or rewrite)."""

    article_id: int
    original_id: int
    kind: str
    score: float
    method: str
    evidence: dict[str, Any]
    story_id: int | None = None


@dataclass(slots=True, frozen=True)
class ArticleRow:
    """The few columns provenance reads for many articles at once."""

    id: int
    source: str | None
    url: str | None
    language: str | None
    published: str | None
    sort_key: str
    story_id: int | None
    flags: list[str]


class ProvenanceStoreMixin:
    """Provenance queries; relies on ``Store.query``/``execute``/``transaction``."""

    query: Any
    query_one: Any
    execute: Any
    executemany: Any
    transaction: Any

    # --- LSH bands ---------------------------------------------------------------------
    def replace_lsh_keys(self, article_id: int, keys: Sequence[int]) -> None:
        with self.transaction():
            self.execute("DELETE FROM lsh_bands WHERE article_id = ?", (article_id,))
            self.executemany("INSERT INTO lsh_bands (key, article_id) VALUES (?, ?) "
                             "ON CONFLICT (key, article_id) DO NOTHING",
                             [(k, article_id) for k in keys])

    def lsh_candidates(self, keys: Sequence[int], exclude: int | None, limit: int
                       ) -> list[int]:
        """Articles sharing a band key, most shared bands first, newest first on ties."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.query(
            f"SELECT article_id, COUNT(*) AS n FROM lsh_bands WHERE key IN ({marks}) "
            "AND article_id != ? GROUP BY article_id ORDER BY n DESC, article_id DESC LIMIT ?",
            [*keys, -1 if exclude is None else exclude, limit])
        return [int(r[0]) for r in rows]

    # --- signals -----------------------------------------------------------------------
    def save_signals(self, article_id: int, author: str | None,
                     signals: list[dict[str, Any]]) -> None:
        with self.transaction():
            self.execute(
                "INSERT INTO article_signals (article_id, author, signals) VALUES (?, ?, ?) "
                "ON CONFLICT (article_id) DO UPDATE SET author = excluded.author, "
                "signals = excluded.signals",
                (article_id, author, json.dumps(signals, ensure_ascii=False)))

    def signals_for(self, article_ids: Iterable[int]
                    ) -> dict[int, tuple[str | None, list[dict[str, Any]]]]:
        """Article id -> (byline, stored signals) for the articles that have them."""
        out: dict[int, tuple[str | None, list[dict[str, Any]]]] = {}
        for chunk in _chunks(sorted(set(article_ids)), 500):
            marks = ",".join("?" * len(chunk))
            for aid, author, signals in self.query(
                    "SELECT article_id, author, signals FROM article_signals "
                    f"WHERE article_id IN ({marks})", chunk):
                out[int(aid)] = (author, json.loads(signals or "[]"))
        return out

    # --- relations ---------------------------------------------------------------------
    def add_relations(self, relations: Iterable[Relation]) -> None:
        with self.transaction():
            self.executemany(
                "INSERT INTO article_relations (article_id, original_id, kind, score, method, "
                "story_id, evidence) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (article_id, original_id, kind) DO UPDATE SET "
                "score = excluded.score, method = excluded.method, "
                "story_id = excluded.story_id, evidence = excluded.evidence",
                [(r.article_id, r.original_id, r.kind, r.score, r.method, r.story_id,
                  json.dumps(r.evidence, ensure_ascii=False)) for r in relations])

    def delete_copy_relations(self, article_id: int) -> None:
        """Forget the copies found for an article (its content changed)."""
        with self.transaction():
            self.execute("DELETE FROM article_relations WHERE method = 'minhash' AND "
                         "(article_id = ? OR original_id = ?)", (article_id, article_id))

    def relations_for(self, article_ids: Iterable[int]) -> list[Relation]:
        """Every relation in which one of the articles is the derived one or the original."""
        ids = sorted(set(article_ids))
        out: dict[tuple[int, int, str], Relation] = {}
        for chunk in _chunks(ids, 400):
            marks = ",".join("?" * len(chunk))
            for row in self.query(
                    "SELECT article_id, original_id, kind, score, method, evidence, story_id "
                    f"FROM article_relations WHERE article_id IN ({marks}) "
                    f"OR original_id IN ({marks})", [*chunk, *chunk]):
                rel = Relation(int(row[0]), int(row[1]), str(row[2]), float(row[3]),
                               str(row[4]), json.loads(row[5] or "{}"), row[6])
                out[(rel.article_id, rel.original_id, rel.kind)] = rel
        return sorted(out.values(), key=lambda r: (r.article_id, r.original_id, r.kind))

    def all_relations(self) -> list[Relation]:
        return [Relation(int(r[0]), int(r[1]), str(r[2]), float(r[3]), str(r[4]),
                         json.loads(r[5] or "{}"), r[6])
                for r in self.query(
                    "SELECT article_id, original_id, kind, score, method, evidence, story_id "
                    "FROM article_relations ORDER BY article_id, original_id, kind")]

    # --- per-story derivation state ------------------------------------------------------
    def story_provenance_members(self, story_id: int) -> str | None:
        row = self.query_one("SELECT members FROM story_provenance WHERE story_id = ?",
                             (story_id,))
        return str(row[0]) if row else None

    def replace_story_relations(self, story_id: int, member_ids: Sequence[int], members: str,
                                relations: Sequence[Relation]) -> None:
        """The translations and rewrites found within a story replace the previous ones."""
        with self.transaction():
            self.execute("DELETE FROM article_relations WHERE method = 'align' AND story_id = ?",
                         (story_id,))
            for chunk in _chunks(sorted(set(member_ids)), 400):
                marks = ",".join("?" * len(chunk))
                self.execute("DELETE FROM article_relations WHERE method = 'align' AND "
                             f"article_id IN ({marks})", chunk)
            self.add_relations(relations)
            self.execute(
                "INSERT INTO story_provenance (story_id, members, computed) VALUES (?, ?, ?) "
                "ON CONFLICT (story_id) DO UPDATE SET members = excluded.members, "
                "computed = excluded.computed", (story_id, members, iso(utc_now())))

    # --- reads for figures ---------------------------------------------------------------
    def article_rows(self, article_ids: Iterable[int] | None = None) -> list[ArticleRow]:
        """Light rows of some articles (all of them when ``article_ids`` is None)."""
        cols = "id, source, url, language, published, sort_key, story_id, flags"
        if article_ids is None:
            rows = self.query(f"SELECT {cols} FROM articles ORDER BY sort_key, id")
        else:
            rows = []
            for chunk in _chunks(sorted(set(article_ids)), 500):
                marks = ",".join("?" * len(chunk))
                rows += self.query(f"SELECT {cols} FROM articles WHERE id IN ({marks})", chunk)
            rows.sort(key=lambda r: (r[5], r[0]))
        return [ArticleRow(int(r[0]), r[1], r[2], r[3], r[4], str(r[5]), r[6],
                           json.loads(r[7] or "[]")) for r in rows]

    def article_texts(self, article_ids: Iterable[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for chunk in _chunks(sorted(set(article_ids)), 200):
            marks = ",".join("?" * len(chunk))
            for aid, text in self.query(f"SELECT id, text FROM articles WHERE id IN ({marks})",
                                        chunk):
                out[int(aid)] = str(text or "")
        return out

    def story_first_published(self) -> dict[int, str | None]:
        """Story id -> when its first article was published (or first seen)."""
        return {int(r[0]): r[1] or r[2] for r in self.query(
            "SELECT id, first_published, first_seen FROM stories")}


def _chunks(items: list[Any], n: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]
