"""The actor graph: who acts on whom, how often, how it changes between two time windows.

Reads stored events and their reports (``store.edge_reports``); writes nothing. An edge is
(source, target, type) with its events, reports, independent sources, first and last report
and stories, counted over the reports whose article falls in the window. Negated events are
not ties; mutual events ("X and Y signed") give one undirected edge, marked ``mutual``.

``compare_windows`` sets a window against the one before it (or any baseline): an edge is
*new* when the baseline has no event of it, *gone* when the window has none, *stronger* or
*weaker* when its event count (then its independent-source count) changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

from crosswire.events.merge import independent_sources
from crosswire.store import Store


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    type: str
    mutual: bool = False
    n_events: int = 0
    n_reports: int = 0
    n_sources: int = 0
    n_hedged: int = 0
    first_seen: str | None = None
    last_seen: str | None = None
    stories: list[int] = field(default_factory=list)
    events: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.target, self.type)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "type": self.type,
                "mutual": self.mutual, "n_events": self.n_events, "n_reports": self.n_reports,
                "n_sources": self.n_sources, "n_hedged": self.n_hedged,
                "first_seen": self.first_seen, "last_seen": self.last_seen,
                "stories": list(self.stories), "events": list(self.events)}


@dataclass(slots=True)
class Graph:
    nodes: dict[str, dict[str, Any]]
    edges: list[Edge]
    since: datetime | None = None
    until: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "nodes": [{"id": k, **v} for k, v in sorted(self.nodes.items())],
                "edges": [e.to_dict() for e in self.edges]}

    def to_graphml(self) -> str:
        """GraphML (networkx): a directed multigraph, one edge per (source, target, type)."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for nid, attrs in sorted(self.nodes.items()):
            g.add_node(nid, name=str(attrs.get("name") or nid), type=str(attrs.get("type") or ""))
        for e in self.edges:
            g.add_edge(e.source, e.target, key=e.type, type=e.type, mutual=e.mutual,
                       n_events=e.n_events, n_reports=e.n_reports, n_sources=e.n_sources,
                       n_hedged=e.n_hedged, first_seen=e.first_seen or "",
                       last_seen=e.last_seen or "",
                       stories=",".join(str(s) for s in e.stories))
        buf = BytesIO()
        nx.write_graphml(g, buf, encoding="utf-8")
        return buf.getvalue().decode("utf-8")


def build_graph(store: Store, actor_ids: Sequence[str] | None = None,
                since: datetime | None = None, until: datetime | None = None,
                types: Sequence[str] | None = None, include_hedged: bool = True,
                min_events: int = 1) -> Graph:
    """The edges of events reported in [since, until); only those touching ``actor_ids``
    when given (the actor's ego network)."""
    edges = aggregate(store.edge_reports(since, until, types), include_hedged)
    if actor_ids:
        wanted = set(actor_ids)
        edges = [e for e in edges if e.source in wanted or e.target in wanted]
    edges = [e for e in edges if e.n_events >= min_events]
    edges.sort(key=lambda e: (-e.n_events, -e.n_sources, e.key))
    ids = sorted({a for e in edges for a in (e.source, e.target)})
    names = store.actor_names(ids)
    nodes = {a: {"name": names.get(a, (a, ""))[0], "type": names.get(a, ("", ""))[1]}
             for a in ids}
    return Graph(nodes=nodes, edges=edges, since=since, until=until)


def aggregate(rows: Iterable[Sequence[Any]], include_hedged: bool = True) -> list[Edge]:
    """Edges from ``store.edge_reports`` rows."""
    edges: dict[tuple[str, str, str], Edge] = {}
    sources: dict[tuple[str, str, str], list[tuple[int, str | None]]] = {}
    hedged_events: dict[tuple[str, str, str], set[int]] = {}
    for eid, typ, src, tgt, mutual, hedged, article_id, article_source, time, story in rows:
        if hedged and not include_hedged:
            continue
        key = (src, tgt, typ)
        e = edges.get(key)
        if e is None:
            e = edges[key] = Edge(src, tgt, typ, mutual=bool(mutual))
        e.n_reports += 1
        if eid not in e.events:
            e.events.append(eid)
        if story and story not in e.stories:
            e.stories.append(story)
        if time:
            e.first_seen = min(e.first_seen or time, time)
            e.last_seen = max(e.last_seen or time, time)
        sources.setdefault(key, []).append((article_id, article_source))
        if hedged:
            hedged_events.setdefault(key, set()).add(eid)
    for key, e in edges.items():
        e.n_events = len(e.events)
        e.n_sources = independent_sources(sources[key])
        e.n_hedged = len(hedged_events.get(key, ()))
    return list(edges.values())


@dataclass(slots=True)
class Change:
    kind: str  # new, stronger, weaker, gone
    edge: Edge
    before: Edge | None

    def to_dict(self) -> dict[str, Any]:
        d = self.edge.to_dict()
        d["change"] = self.kind
        d["before"] = None if self.before is None else {
            "n_events": self.before.n_events, "n_reports": self.before.n_reports,
            "n_sources": self.before.n_sources}
        return d


def compare_windows(current: Graph, baseline: Graph) -> list[Change]:
    """New, stronger, weaker and gone edges of ``current`` against ``baseline``."""
    now = {e.key: e for e in current.edges}
    then = {e.key: e for e in baseline.edges}
    out: list[Change] = []
    for key, e in now.items():
        b = then.get(key)
        if b is None:
            out.append(Change("new", e, None))
        elif (e.n_events, e.n_sources) > (b.n_events, b.n_sources):
            out.append(Change("stronger", e, b))
        elif (e.n_events, e.n_sources) < (b.n_events, b.n_sources):
            out.append(Change("weaker", e, b))
    for key, b in then.items():
        if key not in now:
            out.append(Change("gone", Edge(b.source, b.target, b.type, b.mutual), b))
    order = {"new": 0, "stronger": 1, "weaker": 2, "gone": 3}
    out.sort(key=lambda c: (order[c.kind], -(c.edge.n_events or (c.before.n_events
                                                                 if c.before else 0)),
                            c.edge.key))
    return out
