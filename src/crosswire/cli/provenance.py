"""Provenance commands: ``provenance ID``, ``provenance --story ID``, ``sources``."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table
from rich.text import Text

from crosswire.cli.common import emit_json, get_app, handle_errors, json_option, out


def _relation_line(rel: dict[str, Any] | None) -> str:
    if rel is None:
        return "original (derives from no earlier article)"
    return f"{rel['kind']} of article {rel['of']} (score {rel['score']:.2f}, {rel['method']})"


def _print_tree(node: dict[str, Any], depth: int = 0) -> None:
    mw = node["machine_written"]
    flag = f"  machine-written {mw['score']:.2f}" if mw["flagged"] else ""
    rel = node["relation"]
    how = "" if rel is None else f"{rel['kind']} ({rel['score']:.2f}) "
    out.print(Text(f"{'  ' * depth}{'└ ' if depth else ''}{how}[{node['article_id']}] "
                   f"{node['published'] or '-'} {node['language'] or '?'} {node['source']}: "
                   f"{node['title'] or '(untitled)'}{flag}"))
    for child in node["children"]:
        _print_tree(child, depth + 1)


@click.command()
@click.argument("article_id", type=int, required=False)
@click.option("--story", "story_id", type=int, metavar="ID",
              help="The derivation tree of a story instead of one article.")
@json_option
@click.pass_context
@handle_errors
def provenance(ctx: click.Context, article_id: int | None, story_id: int | None,
               as_json: bool) -> None:
    """Copies, translations, rewrites and machine-written signals of an article or story."""
    app = get_app(ctx)
    if (article_id is None) == (story_id is None):
        raise click.UsageError("give an ARTICLE_ID or --story ID")
    if story_id is not None:
        tree = app.story_provenance(story_id)
        if as_json:
            emit_json(tree)
            return
        s = tree["story"]
        out.print(Text(f"Story {s['id']}: {s['title'] or '(untitled)'}", style="bold"))
        out.print(f"{s['n_articles']} articles, {s['n_sources']} sources, "
                  f"{tree['n_independent']} independent sources, {tree['n_derived']} derived")
        for node in tree["tree"]:
            _print_tree(node)
        return
    assert article_id is not None
    p = app.provenance(article_id).to_dict()
    if as_json:
        emit_json(p)
        return
    mw = p["machine_written"]
    rel = next((r for r in p["relations"] if r["of"] == (p["copy_of"] or p["translation_of"]
                                                          or p["rewrite_of"])), None)
    out.print(Text(f"Article {article_id}", style="bold"))
    out.print(Text(f"  derivation: {_relation_line(rel)}"))
    if p["original"] is not None and rel is not None and p["original"] != rel["of"]:
        out.print(Text(f"  earliest original: article {p['original']}"))
    out.print(Text(f"  independent: {'yes' if p['independent'] else 'no'}"))
    out.print(Text(f"  machine-written score {mw['score']:.2f}"
                   f"{' (flagged)' if mw['flagged'] else ''}"))
    for reason in mw["reasons"]:
        out.print(Text(f"    - {reason}"))
    for d in p["derived_by"]:
        out.print(Text(f"  article {d['article_id']} is a {d['kind']} of it ({d['score']:.2f})"))


@click.command()
@click.option("--cached", is_flag=True,
              help="Use only the relations found so far (copies always are); do not align "
                   "stories not analysed yet.")
@json_option
@click.pass_context
@handle_errors
def sources(ctx: click.Context, cached: bool, as_json: bool) -> None:
    """Per source: articles, languages, share flagged, median lag behind first report."""
    figures = get_app(ctx).sources(ensure=not cached)
    if as_json:
        emit_json({"sources": [f.to_dict() for f in figures]})
        return
    t = Table(pad_edge=False)
    for col in ("source", "articles", "languages", "machine-written", "derived",
                "share flagged", "median lag (h)"):
        t.add_column(col, justify="left" if col in ("source", "languages") else "right")
    for f in figures:
        d = f.to_dict()
        lag = "-" if d["median_lag_hours"] is None else f"{d['median_lag_hours']:.1f}"
        t.add_row(Text(f.source), str(f.n_articles), ",".join(f.languages),
                  str(f.n_machine_written), str(f.n_derived), f"{d['share_flagged']:.0%}", lag)
    out.print(t)


def register(group: click.Group) -> None:
    group.add_command(provenance)
    group.add_command(sources)
