"""``crosswire search QUERY``: semantic and keyword search in any language."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from crosswire.cli.common import emit_json, get_app, handle_errors, json_option, out, short_date
from crosswire.search import MODES, SearchHit


def _snippet(hit: SearchHit) -> Text:
    text = Text()
    for n, s in enumerate(hit.sentences):
        if n:
            text.append(" … ")
        for piece, marked in s.pieces():
            text.append(piece, style="bold reverse" if marked else ("italic" if s.closest
                                                                      else ""))
    return text


@click.command()
@click.argument("query")
@click.option("--lang", "language", metavar="CODE", help="Only articles in this language.")
@click.option("--mode", type=click.Choice(MODES), default="both", show_default=True,
              help="Match by meaning, by words, or both.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500),
              help="How many results.")
@json_option
@click.pass_context
@handle_errors
def search(ctx: click.Context, query: str, language: str | None, mode: str, limit: int,
           as_json: bool) -> None:
    """Search articles in any language, by meaning and by words."""
    from crosswire.errors import InputError
    from crosswire.pipeline import normalize_language

    try:
        code = normalize_language(language)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="--lang") from exc
    hits = get_app(ctx).search(query, language=code, mode=mode, limit=limit)  # type: ignore[arg-type]
    if as_json:
        emit_json({"query": query, "hits": [h.to_dict() for h in hits]})
        return
    if not hits:
        out.print("nothing found")
        return
    t = Table(pad_edge=False, show_lines=True)
    for col, kw in (("id", {"justify": "right"}), ("lang", {}), ("source", {}),
                    ("published", {}), ("matched", {}),
                    ("title / sentences", {"overflow": "fold", "max_width": 90})):
        t.add_column(col, **kw)
    for h in hits:
        a = h.article
        body = Text(a.title or "(untitled)", style="bold")
        body.append("\n")
        body.append_text(_snippet(h))
        t.add_row(str(a.id), a.language or "?", Text(a.source or "-"), short_date(a.published),
                  "+".join(h.matched), body)
    out.print(t)


def register(group: click.Group) -> None:
    group.add_command(search)
