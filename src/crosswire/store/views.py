"""Store reads that the views aggregate: per-source figures, an actor's mentions over time and
the co-mention links among a set of actors. Read-only; a mixin of ``Store``.

Per-source figures read the covering index ``articles_source_figures`` (migration 7), so they
cost an index scan, not a table scan, on a large store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

UNNAMED_SOURCE = "(no source)"


@dataclass(slots=True)
class SourceActivity:
    """What one source contributed: articles, stories, languages and the dates it covers."""

    source: str
    n_articles: int
    n_stories: int
    first: str | None
    last: str | None
    languages: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "n_articles": self.n_articles,
                "n_stories": self.n_stories, "first": self.first, "last": self.last,
                "languages": dict(self.languages)}


class ViewStoreMixin:
    """Aggregates for the views; ``Store`` provides ``query``."""

    query: Any

    def source_figures(self, limit: int = 200, offset: int = 0) -> list[SourceActivity]:
        """Sources by number of articles; articles without a source are one row,
        ``UNNAMED_SOURCE``."""
        rows = self.query(
            "SELECT source, COUNT(*) AS n, COUNT(DISTINCT story_id), MIN(sort_key), "
            "MAX(sort_key) FROM articles GROUP BY source ORDER BY n DESC, source LIMIT ? "
            "OFFSET ?", (limit, offset))
        figures = {r[0]: SourceActivity(r[0] if r[0] is not None else UNNAMED_SOURCE,
                                       int(r[1]), int(r[2]), r[3], r[4]) for r in rows}
        if not figures:
            return []
        named = [s for s in figures if s is not None]
        where = []
        params: list[Any] = []
        if named:
            where.append(f"source IN ({','.join('?' * len(named))})")
            params += named
        if None in figures:
            where.append("source IS NULL")
        for src, lang, n in self.query(
                f"SELECT source, language, COUNT(*) FROM articles WHERE {' OR '.join(where)} "
                "GROUP BY source, language ORDER BY COUNT(*) DESC, language", params):
            figures[src].languages[lang or "?"] = int(n)
        return list(figures.values())

    def stories_version(self) -> tuple[Any, ...]:
        """Changes whenever an article is added or replaced or a story changes (each part is
        read from an index): the newest article id and fetch time, the newest story update
        and the number of stories."""
        row = self.query(
            "SELECT (SELECT MAX(id) FROM articles), (SELECT MAX(fetched) FROM articles), "
            "(SELECT MAX(updated) FROM stories), (SELECT COUNT(*) FROM stories)")
        return tuple(row[0]) if row else ()

    def language_counts(self) -> list[tuple[str, int]]:
        """(language, articles), most articles first."""
        return [(r[0], int(r[1])) for r in self.query(
            "SELECT language, COUNT(*) AS n FROM articles WHERE language IS NOT NULL "
            "GROUP BY language ORDER BY n DESC, language")]

    def actor_timeline(self, actor_id: str) -> list[tuple[str, str, int]]:
        """(day, language, articles naming the actor that day), oldest first; the day is the
        publication date (ingest date when undated)."""
        return [(str(r[0]), r[1] or "?", int(r[2])) for r in self.query(
            "SELECT substr(a.sort_key, 1, 10) AS day, a.language, COUNT(DISTINCT a.id) "
            "FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.actor_id = ? "
            "GROUP BY day, a.language ORDER BY day, a.language", (actor_id,))]

    def actor_links(self, actor_id: str, others: Sequence[str], recent: int = 2000
                    ) -> list[tuple[str, str, int]]:
        """(actor a, actor b, shared articles) for each pair among ``others`` named together
        in one of the ``recent`` newest articles that name ``actor_id`` (a < b)."""
        ids = sorted(set(others) - {actor_id})
        if len(ids) < 2:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.query(
            "SELECT m1.actor_id, m2.actor_id, COUNT(DISTINCT m1.article_id) FROM mentions m1 "
            "JOIN mentions m2 ON m2.article_id = m1.article_id AND m1.actor_id < m2.actor_id "
            f"WHERE m1.actor_id IN ({marks}) AND m2.actor_id IN ({marks}) AND m1.article_id IN "
            "(SELECT article_id FROM mentions WHERE actor_id = ? GROUP BY article_id "
            "ORDER BY article_id DESC LIMIT ?) GROUP BY m1.actor_id, m2.actor_id",
            [*ids, *ids, actor_id, recent])
        return [(r[0], r[1], int(r[2])) for r in rows]
