"""``crosswire ingest`` and ``crosswire recluster``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from crosswire.cli.common import emit_json, err, get_app, handle_errors, json_option, out
from crosswire.cli.live import allow_private_option, apply_allow_private
from crosswire.models import IngestResult, IngestSummary


def _progress(enabled: bool, total: int | None = None) -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
        TextColumn("{task.completed} done{task.fields[extra]}"), TimeElapsedColumn(),
        console=err, transient=True, disable=not (enabled and err.is_terminal),
    )


def check_language(language: str | None) -> None:
    """A --lang value must be an ISO 639 code (a usage error otherwise)."""
    if language:
        from crosswire.pipeline import normalize_language

        try:
            normalize_language(language)
        except Exception as exc:
            raise click.BadParameter(str(exc)) from exc


def report_summary(summary: IngestSummary, as_json: bool) -> None:
    """Print an ingest summary (text or JSON); exit 1 when anything was rejected."""
    if as_json:
        emit_json(summary.to_dict())
    else:
        out.print(f"stored {summary.stored}, updated {summary.updated}, "
                  f"duplicates skipped {summary.duplicates}, rejected {len(summary.rejected)}")
        for r in summary.rejected:
            out.print(f"rejected {r.where}: {r.reason}", markup=False)
        for note in summary.notes:
            err.print(note, markup=False)
    if summary.rejected:
        sys.exit(1)


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--source", "source_name", metavar="NAME",
              help="Source (outlet) name for every document of this run.")
@click.option("--lang", "language", metavar="CODE",
              help="Language of every document (ISO 639-1), instead of detecting it.")
@click.option("--encoding", metavar="NAME",
              help="Read text files in this encoding instead of requiring UTF-8.")
@allow_private_option
@json_option
@click.pass_context
@handle_errors
def ingest(ctx: click.Context, sources: tuple[str, ...], source_name: str | None,
           language: str | None, encoding: str | None, allow_private: bool,
           as_json: bool) -> None:
    """Ingest SOURCES: files, folders (recursive), .jsonl(.gz), .html, .txt, .md, .warc(.gz),
    http(s) URLs of pages, feeds (RSS, Atom, JSON Feed) or sitemaps, or - (stdin).

    Prints a summary: stored, updated (same URL, new content), duplicates skipped, and one
    line per rejected input with its reason. Exit status 1 when anything was rejected.
    """
    app = get_app(ctx)
    apply_allow_private(app, allow_private)
    if encoding:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise click.BadParameter(f"unknown encoding {encoding!r}") from exc
        app.settings = app.settings.with_overrides(encoding=encoding)
    check_language(language)
    counts = {"stored": 0, "updated": 0, "duplicate": 0, "rejected": 0}
    with _progress(app.settings.progress) as bar:
        task = bar.add_task("ingesting", total=None, extra="")

        def on_result(r: IngestResult) -> None:
            counts[r.status] += 1
            extra = (f" · {counts['stored']} stored · {counts['duplicate']} duplicates"
                     f" · {counts['rejected']} rejected")
            bar.update(task, advance=1, extra=extra)

        def on_progress(origin: str, done: int, total: int) -> None:
            pct = f"{100 * done / total:.0f}%" if total else "?"
            bar.update(task, description=f"ingesting {Path(origin).name} ({pct})")

        summary = app.ingest(list(sources), source=source_name, language=language,
                             on_result=on_result, progress=on_progress)
    report_summary(summary, as_json)


@click.command()
@json_option
@click.pass_context
@handle_errors
def recluster(ctx: click.Context, as_json: bool) -> None:
    """Rebuild all stories in publication order (after changing story settings)."""
    app = get_app(ctx)
    total = app.store.count_articles()
    with _progress(app.settings.progress) as bar:
        task = bar.add_task("reclustering", total=total, extra=f" of {total}")
        n = app.recluster(progress=lambda i: bar.update(task, completed=i))
    if as_json:
        emit_json({"articles": total, "stories": n})
    else:
        out.print(f"{total} articles in {n} stories")


def register(group: click.Group) -> None:
    group.add_command(ingest)
    group.add_command(recluster)
