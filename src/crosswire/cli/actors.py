"""Actor commands: ``actors``, ``actor NAME_OR_ID`` and ``relink``."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from crosswire.cli.common import emit_json, get_app, handle_errors, json_option, out, short_date
from crosswire.models import Actor


def _aliases_by_language(actor: Actor, per_language: int = 4) -> str:
    by: dict[str, list[str]] = {}
    for name, lang in actor.aliases:
        lst = by.setdefault(lang or "?", [])
        if len(lst) < per_language:
            lst.append(name)
    return "; ".join(f"{lang}: {', '.join(ns)}" for lang, ns in sorted(by.items()))


@click.command()
@click.option("--type", "actor_type", metavar="TYPE",
              help="Only this type: country, organisation, person, city, region, armed_group, "
                   "armed_force, government, facility, unknown.")
@click.option("--lang", "language", metavar="CODE", help="Only actors named in CODE articles.")
@click.option("--new", "only_new", is_flag=True,
              help="Only new actors (names the knowledge base does not know).")
@click.option("--limit", default=50, show_default=True, help="How many actors.")
@click.option("--offset", default=0, help="Skip this many (for paging).")
@json_option
@click.pass_context
@handle_errors
def actors(ctx: click.Context, actor_type: str | None, language: str | None, only_new: bool,
           limit: int, offset: int, as_json: bool) -> None:
    """Top actors: name, type, mentions, languages and the names they were seen under."""
    found = get_app(ctx).actors(limit=limit, offset=offset, type=actor_type, language=language,
                                known=False if only_new else None)
    if as_json:
        emit_json({"actors": [a.to_dict() for a in found]})
        return
    if not found:
        out.print("no actors yet: run `crosswire ingest SOURCE...` first")
        return
    t = Table(pad_edge=False)
    for col, kw in (("id", {}), ("name", {}), ("type", {}), ("mentions", {"justify": "right"}),
                    ("articles", {"justify": "right"}), ("languages", {}),
                    ("names seen", {"overflow": "fold", "max_width": 70})):
        t.add_column(col, **kw)
    for a in found:
        t.add_row(a.id, Text(a.name), a.type, str(a.n_mentions), str(a.n_articles),
                  ",".join(a.languages), Text(_aliases_by_language(a)))
    out.print(t)


@click.command()
@click.argument("name_or_id")
@click.option("--limit", default=20, show_default=True,
              help="How many stories and neighbours to show.")
@json_option
@click.pass_context
@handle_errors
def actor(ctx: click.Context, name_or_id: str, limit: int, as_json: bool) -> None:
    """One actor by id or any name in any language: names seen, stories, neighbours."""
    app = get_app(ctx)
    a = app.actor(name_or_id)
    stories = app.actor_stories(a.id, limit=limit)
    neighbours = app.actor_neighbours(a.id, limit=limit)
    events = app.events(actor=a.id, limit=limit, evidence=False)
    if as_json:
        d = a.to_dict()
        d["stories"] = [s.to_dict(with_articles=False) for s in stories]
        d["neighbours"] = [{"id": i, "name": n, "type": t, "n_articles": k}
                           for i, n, t, k in neighbours]
        d["events"] = [e.to_dict(evidence=False) for e in events]
        emit_json(d)
        return
    qid = f", Wikidata {a.wikidata}" if a.wikidata else ""
    out.print(Text(f"{a.name} ({a.id}, {a.type}{qid})", style="bold"))
    out.print(f"{a.n_mentions} mentions in {a.n_articles} articles; languages: "
              f"{', '.join(a.languages) or '-'}" + ("" if a.known else "; new actor"))
    out.print(Text("Names seen:", style="bold"))
    for name, lang in a.aliases:
        out.print(Text(f"  {lang or '?'}: {name}"))
    out.print(Text(f"Stories ({len(stories)}):", style="bold"))
    for s in stories:
        out.print(Text(f"  {s.id}: {s.title or '(untitled)'} [{','.join(s.languages)}] "
                       f"{short_date(s.last_seen)}"))
    out.print(Text(f"Neighbours ({len(neighbours)}):", style="bold"))
    for i, n, t, k in neighbours:
        out.print(Text(f"  {n} ({i}, {t}): {k} shared articles"))
    from crosswire.cli.events import event_line

    out.print(Text(f"Events ({len(events)}):", style="bold"))
    for e in events:
        flags = " (hedged)" if e.hedged else (" (negated)" if e.negated else "")
        out.print(Text(f"  {e.id}: {event_line(e)}{flags}; {e.n_reports} reports, "
                       f"{','.join(e.languages)}; {short_date(e.first_seen)}"))


@click.command()
@json_option
@click.pass_context
@handle_errors
def relink(ctx: click.Context, as_json: bool) -> None:
    """Link every stored article again (after updating the knowledge base or actors_file)."""
    n = get_app(ctx).relink()
    if as_json:
        emit_json({"articles": n})
    else:
        out.print(f"relinked {n} articles")


def register(group: click.Group) -> None:
    group.add_command(actors)
    group.add_command(actor)
    group.add_command(relink)
