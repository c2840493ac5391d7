"""Optional capabilities the pages show when they exist and hide when they do not.

Events and the actor graph (issue 4) and provenance (issue 6) are built on other branches.
The pages never stub them: each section asks here whether its capability is present (a
method of ``Crosswire``) and whether it has data, and is left out otherwise. These are the
only places that call those methods, so wiring a capability in means checking one function:

* ``actor_events(app, actor_id)`` -> ``app.events(actor=ID)``: records with ``to_dict()`` in
  the event shape of docs/formats.md (``id``, ``type``, ``mode``, ``source``/``target``
  {``id``, ``name``}, ``hedged``, ``story_id``, ``date``, ``evidence``);
* ``actor_graph(app, actor_id)`` -> ``app.graph(actor=ID)``: ``to_dict()`` with ``nodes``
  ({``id``, ``name``, ``type``}) and ``edges`` ({``source``, ``target``, ``type``, ``weight``});
* ``article_provenance(app, article_id)`` -> ``app.provenance(ID)``: ``to_dict()`` in the
  provenance shape (``machine_written`` {``score``, ``reasons``}, ``copy_of``,
  ``translation_of``, ``rewrite_of``, ``independent``);
* ``source_extras(app)`` -> ``app.sources()``: records whose ``to_dict()`` has ``source`` and
  more figures; every extra figure becomes a column of the Sources page;
* a story's events and provenance come with its brief (``Brief.events``, ``Brief.provenance``:
  ``None`` when the capability did not run), and independent-source counts with the story
  (``Story.n_independent`` when provenance adds it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crosswire.app import Crosswire


@dataclass(frozen=True, slots=True)
class Capabilities:
    events: bool
    graph: bool
    provenance: bool
    sources: bool

    def to_dict(self) -> dict[str, bool]:
        return {"events": self.events, "graph": self.graph, "provenance": self.provenance,
                "source_figures_extra": self.sources}


def detect(app: Crosswire) -> Capabilities:
    """Which optional capabilities this build of crosswire has."""
    def has(name: str) -> bool:
        return callable(getattr(app, name, None))

    return Capabilities(has("events"), has("graph"), has("provenance"), has("sources"))


def _records(found: Any) -> list[dict[str, Any]]:
    return [r.to_dict() if hasattr(r, "to_dict") else dict(r) for r in found]


def actor_events(app: Crosswire, actor_id: str) -> list[dict[str, Any]] | None:
    """The actor's events (``None`` without the events capability)."""
    if not detect(app).events:
        return None
    return _records(app.events(actor=actor_id))  # type: ignore[attr-defined]


def actor_graph(app: Crosswire, actor_id: str) -> dict[str, Any] | None:
    """The actor's event graph (``None`` without the graph capability or without edges)."""
    if not detect(app).graph:
        return None
    graph = app.graph(actor=actor_id)  # type: ignore[attr-defined]
    data: dict[str, Any] = graph.to_dict() if hasattr(graph, "to_dict") else dict(graph)
    return data if data.get("edges") else None


def article_provenance(app: Crosswire, article_id: int) -> dict[str, Any] | None:
    if not detect(app).provenance:
        return None
    found = app.provenance(article_id)  # type: ignore[attr-defined]
    return found.to_dict() if hasattr(found, "to_dict") else dict(found)


def source_extras(app: Crosswire) -> dict[str, dict[str, Any]] | None:
    """Extra per-source figures by source name (``None`` without the capability)."""
    if not detect(app).sources:
        return None
    extras: dict[str, dict[str, Any]] = {}
    for rec in _records(app.sources()):  # type: ignore[attr-defined]
        name = rec.pop("source", None)
        if name is not None:
            extras[str(name)] = rec
    return extras


def event_counts_by_day(events: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """{type: {day: events}} for the events-over-time plot."""
    out: dict[str, dict[str, int]] = {}
    for e in events:
        day = str(e.get("date") or "")[:10]
        if day:
            per = out.setdefault(str(e.get("type") or "?"), {})
            per[day] = per.get(day, 0) + 1
    return out
