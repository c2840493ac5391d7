"""Read-side commands: ``stories``, ``story``, ``article``."""

from __future__ import annotations

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
from crosswire.models import Article, Story


def _story_table(stories: list[Story]) -> Table:
    t = Table(show_lines=False, pad_edge=False)
    t.add_column("id", justify="right")
    t.add_column("title", overflow="ellipsis", no_wrap=True, max_width=64)
    t.add_column("languages", no_wrap=True, min_width=23)
    t.add_column("articles", justify="right")
    t.add_column("sources", justify="right")
    if any(s.n_independent is not None for s in stories):
        t.add_column("independent", justify="right")
    t.add_column("first seen")
    t.add_column("last seen")
    for s in stories:
        independent = [] if s.n_independent is None else [str(s.n_independent)]
        t.add_row(str(s.id), Text(s.title or "(untitled)"), ",".join(s.languages),
                  str(s.n_articles), str(s.n_sources), *independent, short_date(s.first_seen),
                  short_date(s.last_seen))
    return t


@click.command()
@click.option("--lang", "language", metavar="CODE", help="Only stories with articles in CODE.")
@click.option("--source", metavar="NAME", help="Only stories with articles from NAME.")
@click.option("--actor", metavar="NAME", help="Only stories naming this actor (any name, any "
              "language, or an actor id).")
@click.option("--since", metavar="WHEN", help="Active since (2024-10-01, 24h, 7d...).")
@click.option("--until", metavar="WHEN", help="Started before (2024-11-01...).")
@click.option("--limit", default=50, show_default=True, help="How many stories.")
@click.option("--offset", default=0, help="Skip this many (for paging).")
@click.option("--independent", is_flag=True, help="Also count independent sources (copies, "
              "translations and rewrites of one original count once).")
@json_option
@click.pass_context
@handle_errors
def stories(ctx: click.Context, language: str | None, source: str | None, actor: str | None,
            since: str | None, until: str | None, limit: int, offset: int, independent: bool,
            as_json: bool) -> None:
    """List stories, newest activity first."""
    app = get_app(ctx)
    found = app.stories(language=language, source=source, since=parse_when(since),
                        until=parse_when(until), limit=limit, offset=offset,
                        with_articles=as_json, actor=actor, independent=independent)
    if as_json:
        emit_json({"stories": [s.to_dict() for s in found]})
        return
    if not found:
        out.print("no stories yet: run `crosswire ingest SOURCE...` first")
        return
    out.print(_story_table(found))


def _article_table(articles: list[Article]) -> Table:
    t = Table(pad_edge=False)
    t.add_column("id", justify="right")
    t.add_column("lang")
    t.add_column("source")
    t.add_column("published")
    t.add_column("title", overflow="ellipsis", no_wrap=True, max_width=70)
    for a in articles:
        t.add_row(str(a.id), a.language or "?", Text(a.source or a.path or "-"),
                  short_date(a.published), Text(a.title or "(untitled)"))
    return t


@click.command()
@click.argument("story_id", type=int)
@json_option
@click.pass_context
@handle_errors
def story(ctx: click.Context, story_id: int, as_json: bool) -> None:
    """One story with its articles."""
    s = get_app(ctx).story(story_id)
    if as_json:
        emit_json(s.to_dict())
        return
    out.print(Text(f"Story {s.id}: {s.title or '(untitled)'}", style="bold"))
    out.print(f"{s.n_articles} articles, {s.n_sources} sources, languages "
              f"{', '.join(s.languages)}; {short_date(s.first_seen)} to {short_date(s.last_seen)}")
    out.print(_article_table(s.articles))


@click.command()
@click.argument("article_id", type=int)
@json_option
@click.pass_context
@handle_errors
def article(ctx: click.Context, article_id: int, as_json: bool) -> None:
    """One article: metadata, clean text, removed debris, flags."""
    app = get_app(ctx)
    if as_json:
        emit_json(app.article_record(article_id))
        return
    a = app.article(article_id)
    out.print(Text(a.title or "(untitled)", style="bold"))
    conf = f" ({a.language_confidence:.2f})" if a.language_confidence is not None else ""
    meta = [
        ("id", str(a.id)), ("story", str(a.story_id) if a.story_id else "-"),
        ("language", f"{a.language or '?'}{conf}"), ("source", a.source or "-"),
        ("published", short_date(a.published)), ("url", a.url or "-"), ("path", a.path or "-"),
        ("external id", a.external_id or "-"), ("sentences", str(len(a.sentences))),
        ("flags", ", ".join(a.flags) or "-"),
    ]
    for k, v in meta:
        out.print(Text.assemble((f"{k:>12}: ", "dim"), v))
    out.print()
    out.print(Text(a.text))
    out.print()
    if a.debris:
        out.print(Text(f"Removed page debris ({len(a.debris)} lines):", style="bold"))
        for line in a.debris:
            out.print(Text("  - " + line))
    else:
        out.print(Text("Removed page debris: none", style="dim"))


def register(group: click.Group) -> None:
    group.add_command(stories)
    group.add_command(story)
    group.add_command(article)
