"""Event commands: ``events``, ``event ID``, ``graph [ACTOR]``, ``recode``."""

from __future__ import annotations

import sys

import click
from rich.table import Table
from rich.text import Text

from crosswire.cli.common import (
    emit_json,
    get_app,
    handle_errors,
    json_option,
    out,
    parse_when,
    short_date,
)
from crosswire.events.plover import TYPES
from crosswire.models import Event

_TYPE_HELP = "PLOVER type: " + ", ".join(TYPES) + "."


def _actor_label(aid: str | None, name: str | None) -> str:
    return "-" if not aid else (name or aid)


def _flags(e: Event) -> str:
    return "".join(f for f, on in (("hedged ", e.hedged), ("negated ", e.negated)) if on).strip()


def event_line(e: Event) -> str:
    arrow = "<->" if e.mutual else "->"
    mode = f" ({e.mode})" if e.mode else ""
    return (f"{e.type}{mode}: {_actor_label(e.source, e.source_name)} {arrow} "
            f"{_actor_label(e.target, e.target_name)}")


def events_table(events: list[Event]) -> Table:
    t = Table(pad_edge=False)
    for col, kw in (("id", {"justify": "right"}), ("first seen", {}), ("event", {}),
                    ("flags", {}), ("reports", {"justify": "right"}),
                    ("articles", {"justify": "right"}), ("sources", {"justify": "right"}),
                    ("languages", {}), ("story", {"justify": "right"}),
                    ("evidence", {"overflow": "ellipsis", "no_wrap": True, "max_width": 60})):
        t.add_column(col, **kw)
    for e in events:
        first = e.evidence[0].sentence if e.evidence else ""
        t.add_row(str(e.id), short_date(e.first_seen), Text(event_line(e)), _flags(e),
                  str(e.n_reports), str(e.n_articles), str(e.n_sources), ",".join(e.languages),
                  str(e.story_id or "-"), Text(first))
    return t


@click.command()
@click.option("--actor", metavar="NAME", help="Only events with this actor as source or target "
              "(any name, any language, or an actor id).")
@click.option("--type", "event_type", metavar="TYPE", help=_TYPE_HELP)
@click.option("--story", "story_id", type=int, metavar="ID", help="Only events of this story.")
@click.option("--since", metavar="WHEN", help="Reported since (2024-10-01, 24h, 7d...).")
@click.option("--until", metavar="WHEN", help="First reported before (2024-11-01...).")
@click.option("--limit", default=50, show_default=True, help="How many events.")
@click.option("--offset", default=0, help="Skip this many (for paging).")
@json_option
@click.pass_context
@handle_errors
def events(ctx: click.Context, actor: str | None, event_type: str | None,
           story_id: int | None, since: str | None, until: str | None, limit: int,
           offset: int, as_json: bool) -> None:
    """Coded events (who did what to whom), most recently reported first, with evidence."""
    found = get_app(ctx).events(actor=actor, type=event_type, story=story_id,
                                since=parse_when(since), until=parse_when(until), limit=limit,
                                offset=offset)
    if as_json:
        emit_json({"events": [e.to_dict() for e in found]})
        return
    if not found:
        out.print("no events found")
        return
    out.print(events_table(found))


@click.command()
@click.argument("event_id", type=int)
@json_option
@click.pass_context
@handle_errors
def event(ctx: click.Context, event_id: int, as_json: bool) -> None:
    """One event with every sentence that reports it, in every language."""
    e = get_app(ctx).event(event_id)
    if as_json:
        emit_json(e.to_dict())
        return
    out.print(Text(f"Event {e.id}: {event_line(e)}", style="bold"))
    out.print(f"story {e.story_id or '-'}; {e.n_reports} reports in {e.n_articles} articles "
              f"from {e.n_sources} independent sources; languages "
              f"{', '.join(e.languages) or '-'}; first {short_date(e.first_seen)}, last "
              f"{short_date(e.last_seen)}" + (f"; {_flags(e)}" if _flags(e) else ""))
    for x in e.evidence:
        marks = ", ".join(m for m, on in (("hedged", x.hedged), ("negated", x.negated),
                                          ("reported", x.reported)) if on)
        out.print(Text(f"  [{x.language or '?'}] article {x.article_id}, sentence "
                       f"{x.sentence_index}" + (f" ({marks})" if marks else "") + ":"))
        out.print(Text(f"    {x.sentence}"))


@click.command()
@click.argument("actor", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "graphml"]),
              default="table", show_default=True, help="Output format.")
@click.option("--since", metavar="WHEN", help="Count reports since WHEN.")
@click.option("--until", metavar="WHEN", help="Count reports before WHEN.")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="Only this event type (repeatable). " + _TYPE_HELP)
@click.option("--no-hedged", is_flag=True, help="Leave out events that every report hedges.")
@click.option("--min-events", default=1, show_default=True,
              help="Only ties with at least this many events.")
@click.option("--changes", is_flag=True,
              help="Compare [--since, --until) with the window of the same length before it "
                   "(or --baseline-since/--baseline-until): new, stronger, weaker, gone ties.")
@click.option("--baseline-since", metavar="WHEN", help="Start of the window to compare with.")
@click.option("--baseline-until", metavar="WHEN", help="End of the window to compare with.")
@json_option
@click.pass_context
@handle_errors
def graph(ctx: click.Context, actor: str | None, fmt: str, since: str | None,
          until: str | None, types: tuple[str, ...], no_hedged: bool, min_events: int,
          changes: bool, baseline_since: str | None, baseline_until: str | None,
          as_json: bool) -> None:
    """The actor graph: ties (source, target, event type) with event, report and source
    counts; ACTOR's ties only when given."""
    app = get_app(ctx)
    if as_json:
        fmt = "json"
    s, u = parse_when(since), parse_when(until)
    if changes:
        if s is None or u is None:
            raise click.UsageError("--changes needs --since and --until")
        current, baseline, diff = app.graph_changes(
            s, u, parse_when(baseline_since), parse_when(baseline_until), actor, list(types))
        if fmt == "json":
            emit_json({"window": {"since": s.isoformat(), "until": u.isoformat()},
                       "baseline": {"since": baseline.since.isoformat() if baseline.since
                                    else None,
                                    "until": baseline.until.isoformat() if baseline.until
                                    else None},
                       "changes": [c.to_dict() for c in diff]})
            return
        if fmt == "graphml":
            raise click.UsageError("--changes prints a table or JSON, not GraphML")
        names = {**baseline.nodes, **current.nodes}
        t = Table(pad_edge=False)
        for col in ("change", "source", "type", "target", "events now", "events before",
                    "sources now"):
            t.add_column(col)
        for c in diff:
            e = c.edge
            t.add_row(c.kind, Text(names.get(e.source, {}).get("name", e.source)), e.type,
                      Text(names.get(e.target, {}).get("name", e.target)), str(e.n_events),
                      str(c.before.n_events if c.before else 0), str(e.n_sources))
        out.print(t if diff else "no changes between the two windows")
        return
    g = app.graph(actor, s, u, list(types), include_hedged=not no_hedged,
                  min_events=min_events)
    if fmt == "json":
        emit_json(g.to_dict())
        return
    if fmt == "graphml":
        sys.stdout.write(g.to_graphml() + "\n")
        return
    if not g.edges:
        out.print("no ties found")
        return
    t = Table(pad_edge=False)
    for col in ("source", "type", "target", "events", "reports", "sources", "hedged",
                "first seen", "last seen", "stories"):
        t.add_column(col, justify="right" if col in ("events", "reports", "sources", "hedged")
                     else "left")
    for e in g.edges:
        t.add_row(Text(g.nodes[e.source]["name"]), e.type + (" (mutual)" if e.mutual else ""),
                  Text(g.nodes[e.target]["name"]), str(e.n_events), str(e.n_reports),
                  str(e.n_sources), str(e.n_hedged), (e.first_seen or "-")[:16],
                  (e.last_seen or "-")[:16], ",".join(str(x) for x in e.stories))
    out.print(t)


@click.command()
@json_option
@click.pass_context
@handle_errors
def recode(ctx: click.Context, as_json: bool) -> None:
    """Code the events of every stored article again (after a new model, cue lexicon or
    events setting); regroups them into events."""
    n = get_app(ctx).recode()
    events_n, reports = get_app(ctx).store.count_events()
    if as_json:
        emit_json({"articles": n, "events": events_n, "reports": reports})
    else:
        out.print(f"recoded {n} articles: {events_n} events from {reports} reports")


def register(group: click.Group) -> None:
    group.add_command(events)
    group.add_command(event)
    group.add_command(graph)
    group.add_command(recode)
