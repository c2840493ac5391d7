"""``crosswire brief STORY_ID``: how each source and language tells a story."""

from __future__ import annotations

import sys

import click

from crosswire.cli.common import get_app, handle_errors


@click.command()
@click.argument("story_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md",
              show_default=True, help="Markdown, standalone HTML, or JSON.")
@click.option("--lang", "language", metavar="CODE",
              help="The reader's language (ISO 639-1); default: the reader_language setting.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.pass_context
@handle_errors
def brief(ctx: click.Context, story_id: int, fmt: str, language: str | None,
          as_json: bool) -> None:
    """A story's brief: summary, shared claims, each source's angle, contradictions."""
    from crosswire.brief_render import render_brief
    from crosswire.errors import InputError

    app = get_app(ctx)
    try:
        result = app.brief(story_id, language=language)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="--lang") from exc
    sys.stdout.write(render_brief(result, "json" if as_json else fmt))


def register(group: click.Group) -> None:
    group.add_command(brief)
