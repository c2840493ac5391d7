"""Read-side use cases that the HTTP API, the web pages and the CLI share beyond plain
listing: a story read side by side (the articles chosen and their sentences aligned across
languages), an actor's mentions over time and its co-mention network.

Reads the store and, for the alignment, the encoder (sentence vectors through the
content-hash cache: the first reading of a story embeds its sentences, about 1.2 ms a token;
later ones are numpy work). Writes nothing. Fails with ``NotFound`` for an unknown story or
actor, ``EncoderError`` when the model cannot run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crosswire.align import AlignOptions, StoryAlignment, align_articles
from crosswire.embed import Encoder
from crosswire.errors import NotFound
from crosswire.models import Article, Story
from crosswire.store import Store

MAX_COLUMNS = 6  # articles read side by side at most
DEFAULT_COLUMNS = 4


@dataclass(slots=True)
class Reading:
    """A story read side by side: the articles shown (full text) and how their sentences
    align. ``groups`` maps (article id, sentence index) to a group number; sentences with
    the same number state the same thing."""

    story: Story
    articles: list[Article]
    alignment: StoryAlignment
    groups: dict[tuple[int, int], int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        members: dict[int, list[dict[str, Any]]] = {}
        for (aid, idx), g in sorted(self.groups.items()):
            members.setdefault(g, []).append({"article_id": aid, "sentence": idx})
        return {"story_id": self.story.id, "article_ids": [a.id for a in self.articles],
                "groups": [{"group": g, "sentences": m} for g, m in sorted(members.items())]}


def choose_columns(articles: Sequence[Article], reader_language: str | None,
                   limit: int = DEFAULT_COLUMNS) -> list[int]:
    """Article ids to read side by side: one per language (the reader's first), then one per
    source not yet shown, each the earliest; at most ``limit``."""
    ordered = sorted(articles, key=lambda a: (a.language != reader_language,))
    chosen: list[int] = []
    langs: set[str | None] = set()
    sources: set[str | None] = set()
    for a in ordered:
        if a.language not in langs and a.id is not None:
            chosen.append(a.id)
            langs.add(a.language)
            sources.add(a.source)
    for a in ordered:
        if a.id is not None and a.id not in chosen and (a.source is None
                                                         or a.source not in sources):
            chosen.append(a.id)
            sources.add(a.source)
    return chosen[:limit]


def read_story(store: Store, encoder: Encoder, story_id: int,
               article_ids: Sequence[int] | None, options: AlignOptions,
               reader_language: str | None = None) -> Reading:
    """The story's chosen articles (``article_ids`` of this story, else ``choose_columns``)
    with their sentences aligned; see ``Reading``."""
    story = store.get_story(story_id, with_articles=True)
    members = {a.id for a in story.articles}
    wanted = [i for i in dict.fromkeys(article_ids or ()) if i in members][:MAX_COLUMNS]
    if not wanted:
        wanted = choose_columns(story.articles, reader_language)
    articles = [store.get_article(i) for i in wanted]
    for a in articles:
        a.vector = None
    alignment = align_articles(articles, encoder, options)
    groups = {}
    for g, units in enumerate(alignment.groups, start=1):
        for u in units:
            unit = alignment.units[u]
            groups[(unit.article_id, unit.sentence)] = g
    return Reading(story, articles, alignment, groups)


@dataclass(slots=True)
class ActorNetwork:
    """An actor and its neighbours (named in the same articles), with the links among the
    neighbours too: ``nodes`` (id, name, type, articles shared with the centre; the centre
    has its own article count) and ``edges`` (a, b, shared articles)."""

    center: str
    nodes: list[tuple[str, str, str, int]]
    edges: list[tuple[str, str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {"center": self.center,
                "nodes": [{"id": i, "name": n, "type": t, "weight": w}
                          for i, n, t, w in self.nodes],
                "edges": [{"source": a, "target": b, "weight": w} for a, b, w in self.edges],
                "kind": "co-mention"}


def actor_network(store: Store, actor_id: str, limit: int = 20) -> ActorNetwork:
    """The co-mention network around an actor: its ``limit`` nearest neighbours and how
    they are linked to it and to each other."""
    actor = store.get_actor(actor_id)
    if actor is None:
        raise NotFound(f"no actor with id {actor_id!r} in this store")
    neighbours = store.actor_neighbours(actor_id, limit)
    nodes = [(actor.id, actor.name, actor.type, actor.n_articles), *neighbours]
    edges = [(actor.id, nid, n) for nid, _, _, n in neighbours]
    edges += store.actor_links(actor_id, [nid for nid, _, _, _ in neighbours])
    return ActorNetwork(actor.id, nodes, edges)
