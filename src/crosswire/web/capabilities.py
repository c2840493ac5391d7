"""Events, the actor graph and provenance as the pages show them.

Each section of a page asks here for its data and is left out when there is none (a store
with no coded events shows no events plot). ``PROVIDES`` is what the API's ``health``
reports, so scripts can check:

* ``actor_events(app, actor_id)`` -> ``app.events(actor=ID)`` as dicts (docs/formats.md);
* ``actor_graph(app, actor_id)`` -> ``app.graph(actor=ID).to_dict()``, ``None`` without edges;
* ``source_extras(app)`` -> ``app.sources(ensure=False)``: the provenance figures found so
  far (no story is aligned to draw the page), each one a column of the Sources page;
* a story's events and provenance come with its brief (``Brief.events``,
  ``Brief.provenance``), and independent-source counts with the story
  (``Story.n_independent``).
"""

from __future__ import annotations

from typing import Any

from crosswire.app import Crosswire

# what this build shows, reported by /api/v1/health for scripts that span versions
PROVIDES = {"events": True, "graph": True, "provenance": True, "source_figures_extra": True}


def _records(found: Any) -> list[dict[str, Any]]:
    return [r.to_dict() for r in found]


def actor_events(app: Crosswire, actor_id: str) -> list[dict[str, Any]]:
    """The actor's events."""
    return _records(app.events(actor=actor_id))


def actor_graph(app: Crosswire, actor_id: str) -> dict[str, Any] | None:
    """The actor's event graph in the network view's shape (``kind`` "events", ``center``,
    each node's ``weight`` the events it shares with the actor); ``None`` without edges."""
    data: dict[str, Any] = app.graph(actor=actor_id).to_dict()
    if not data.get("edges"):
        return None
    weight: dict[str, int] = {}
    for e in data["edges"]:
        for a, b in ((e["source"], e["target"]), (e["target"], e["source"])):
            if a == actor_id:
                weight[b] = weight.get(b, 0) + int(e.get("n_events") or 1)
    for n in data["nodes"]:
        n["weight"] = weight.get(n["id"], 0)
    data["nodes"].sort(key=lambda n: (n["id"] != actor_id, -n["weight"], n["id"]))
    return {**data, "kind": "events", "center": actor_id}


def source_extras(app: Crosswire) -> dict[str, dict[str, Any]]:
    """Provenance figures by source name, beyond the articles and languages the Sources page
    already has."""
    extras: dict[str, dict[str, Any]] = {}
    for rec in _records(app.sources(ensure=False)):
        name = rec.pop("source", None)
        if name is not None:
            extras[str(name)] = {k: v for k, v in rec.items()
                                 if k not in ("n_articles", "languages")}
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
