"""Store reads for search (migration 7): the full-text index and the article vectors.

SQLite keeps ``articles_fts``, an FTS5 index over each article's title and text (external
content: the index holds no copy of the text; triggers keep it in step with ``articles``).
Other backends have no FTS5 table: ``keyword_search`` falls back to a case-insensitive
``LIKE`` scan there, which is correct but slow on a large store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from crosswire.embed import from_blob


class SearchStoreMixin:
    """Keyword and vector reads; ``Store`` provides ``query`` and ``dialect``."""

    query: Any
    dialect: str

    def keyword_search(self, terms: Sequence[str], language: str | None = None,
                       limit: int = 20, any_term: bool = False) -> list[tuple[int, float]]:
        """(article id, rank) of articles holding every term (``any_term``: at least one) as
        a word prefix, best first. Terms are plain words (letters and digits only)."""
        words = [t for t in terms if t]
        if not words:
            return []
        if self.dialect == "sqlite":
            match = (" OR " if any_term else " AND ").join(f'"{w}"*' for w in words)
            sql = ("SELECT f.rowid, bm25(articles_fts, 4.0, 1.0) AS rank FROM articles_fts f ")
            params: list[Any] = [match]
            if language:
                sql += "JOIN articles a ON a.id = f.rowid WHERE articles_fts MATCH ? AND " \
                       "a.language = ?"
                params.append(language)
            else:
                sql += "WHERE articles_fts MATCH ?"
            rows = self.query(sql + " ORDER BY rank LIMIT ?", [*params, limit])
            return [(int(r[0]), -float(r[1])) for r in rows]
        clauses = [" OR ".join(["title LIKE ?", "text LIKE ?"])] * len(words)
        joined = (" OR " if any_term else " AND ").join(f"({c})" for c in clauses)
        params = [p for w in words for p in (f"%{w}%", f"%{w}%")]
        sql = f"SELECT id FROM articles WHERE ({joined})"
        if language:
            sql += " AND language = ?"
            params.append(language)
        rows = self.query(sql + " ORDER BY sort_key DESC, id DESC LIMIT ?", [*params, limit])
        return [(int(r[0]), 1.0 / (n + 1)) for n, r in enumerate(rows)]

    def iter_article_vectors(self, after_id: int = 0, fetched_since: str | None = None,
                             batch: int = 5000
                             ) -> Iterator[list[tuple[int, str | None, Any]]]:
        """Batches of (id, language, vector) for articles with an id above ``after_id`` or,
        when ``fetched_since`` is given, fetched at or after it (content replaced in place)."""
        last = after_id
        while True:
            rows = self.query(
                "SELECT id, language, vector FROM articles WHERE id > ? AND vector IS NOT NULL "
                "ORDER BY id LIMIT ?", (last, batch))
            if not rows:
                break
            yield [(int(r[0]), r[1], from_blob(r[2])) for r in rows]
            last = int(rows[-1][0])
        if fetched_since is not None:
            rows = self.query(
                "SELECT id, language, vector FROM articles WHERE fetched >= ? AND id <= ? "
                "AND vector IS NOT NULL", (fetched_since, after_id))
            if rows:
                yield [(int(r[0]), r[1], from_blob(r[2])) for r in rows]

    def newest_fetch(self) -> str | None:
        """The latest ``fetched`` time of any article (ISO text), or None when empty."""
        row = self.query("SELECT MAX(fetched) FROM articles")
        return row[0][0] if row and row[0][0] is not None else None
