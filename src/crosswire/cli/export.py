"""``crosswire export``: every article, story, actor or event to a file, or the actor graph."""

from __future__ import annotations

import click

from crosswire.cli.common import err, get_app, handle_errors
from crosswire.cli.ingest import _progress
from crosswire.export import FORMATS, KINDS, check_request, count_records


@click.command("export")
@click.argument("out", metavar="OUT")
@click.option("--format", "fmt", required=True, metavar="|".join(FORMATS),
              help="jsonl (one JSON object a line), csv, parquet, or graphml (the actor graph).")
@click.option("--what", default=None, metavar="|".join(KINDS),
              help="Which records: articles (default; as `article ID --json` prints each), "
                   "stories, actors, events; graph with --format graphml (its default).")
@click.pass_context
@handle_errors
def export(ctx: click.Context, out: str, fmt: str, what: str | None) -> None:
    """Write every stored record of one kind to OUT (a file; - for stdout, not for parquet),
    reading the store page by page. Progress and the closing line go to stderr."""
    app = get_app(ctx)
    kind = check_request(fmt, what, out)  # refuse before counting anything
    total = None if kind == "graph" else count_records(app, kind)
    with _progress(app.settings.progress) as bar:
        of = f" of {total}" if total is not None else ""
        task = bar.add_task(f"exporting {kind}", total=total, extra=of)
        summary = app.export(fmt, out, kind, progress=lambda n: bar.update(task, completed=n))
    err.print(summary.message(), markup=False)


def register(group: click.Group) -> None:
    group.add_command(export)
