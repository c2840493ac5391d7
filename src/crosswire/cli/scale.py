"""``crosswire backfill`` and ``crosswire migrate``: scale out over shards and servers."""

from __future__ import annotations

import sys

import click

from crosswire.cli.common import emit_json, err, get_app, handle_errors, json_option, out
from crosswire.cli.ingest import _progress, check_language, report_summary
from crosswire.models import IngestResult


@click.command()
@click.argument("shards", nargs=-1, required=True)
@click.option("--engine", type=click.Choice(["dask"]), default="dask", show_default=True,
              help="Distributed engine for the per-article stages.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Local worker processes (ignored with --scheduler).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Use a running Dask scheduler (tcp://host:8786) instead of local workers.")
@click.option("--batch", type=click.IntRange(min=1), default=32, show_default=True,
              help="Documents per task sent to a worker.")
@click.option("--run-size", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Prepared articles held in memory before a sorted run is spilled to disk.")
@click.option("--spill-dir", metavar="DIR", type=click.Path(exists=True, file_okay=False),
              help="Folder for the sorted runs (default: the system temp folder).")
@click.option("--source", "source_name", metavar="NAME",
              help="Source (outlet) name for every document of this run.")
@click.option("--lang", "language", metavar="CODE",
              help="Language of every document (ISO 639-1), instead of detecting it.")
@json_option
@click.pass_context
@handle_errors
def backfill(ctx: click.Context, shards: tuple[str, ...], engine: str, workers: int,
             scheduler: str | None, batch: int, run_size: int, spill_dir: str | None,
             source_name: str | None, language: str | None, as_json: bool) -> None:
    """Ingest SHARDS (files, folders, .jsonl.gz...) with the per-article stages on a cluster.

    Workers prepare articles in parallel; this process commits them in publication order, so
    stories come out as a single-process ingest of the same articles would make them. Prints
    the same summary as ``ingest``; exit status 1 when anything was rejected.
    """
    from crosswire.backfill import BackfillOptions
    from crosswire.backfill import backfill as run_backfill

    app = get_app(ctx)
    check_language(language)
    options = BackfillOptions(workers=workers, scheduler=scheduler, batch=batch,
                              run_size=run_size, spill_dir=spill_dir)
    with _progress(app.settings.progress) as bar:
        prep = bar.add_task("preparing", total=None, extra="")
        commit = bar.add_task("committing", total=None, extra="")

        def on_result(r: IngestResult) -> None:
            bar.update(commit, advance=1)

        summary = run_backfill(app.pipeline, app.reader().read(list(shards)), options,
                               source=source_name, language=language, on_result=on_result,
                               on_prepared=lambda n: bar.update(prep, completed=n))
    report_summary(summary, as_json)


@click.command()
@click.option("--from", "source", required=True, metavar="PATH_OR_URL",
              help="The store to copy from (SQLite file or postgresql:// URL).")
@click.option("--to", "dest", required=True, metavar="PATH_OR_URL",
              help="The store to copy into (created and migrated if new).")
@click.option("--batch", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Rows per transaction.")
@json_option
@click.pass_context
@handle_errors
def migrate(ctx: click.Context, source: str, dest: str, batch: int, as_json: bool) -> None:
    """Copy every table from one store to another (SQLite <-> PostgreSQL), then verify counts.

    Safe to run again: rows already there are kept, missing ones are added. Exit status 1 when
    a table's row count differs after the copy.
    """
    from crosswire.errors import ConfigError
    from crosswire.store import open_store
    from crosswire.store.copy import copy_store

    app = get_app(ctx)
    if source == dest:
        raise ConfigError("--from and --to name the same store")
    src = open_store(source)
    try:
        dst = open_store(dest)
        try:
            with _progress(app.settings.progress) as bar:
                task = bar.add_task("copying", total=None, extra="")

                def progress(table: str, done: int, total: int) -> None:
                    bar.update(task, description=f"copying {table}", completed=done,
                               total=total, extra=f" of {total}")

                report = copy_store(src, dst, batch=batch, progress=progress)
        finally:
            dst.close()
    finally:
        src.close()
    if as_json:
        emit_json(report.to_dict())
    else:
        for t in report.tables:
            mark = "ok" if t.ok else "MISMATCH"
            out.print(f"{t.table}: {t.source_rows} rows, {t.copied} copied, "
                      f"{t.after} in destination  {mark} {t.note}".rstrip(), markup=False)
        for table, why in report.skipped.items():
            out.print(f"{table}: skipped ({why})", markup=False)
    if not report.ok:
        err.print("[red]error:[/] row counts differ after the copy (see above)")
        sys.exit(1)


def register(group: click.Group) -> None:
    group.add_command(backfill)
    group.add_command(migrate)
