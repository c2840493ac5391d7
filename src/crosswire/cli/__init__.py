"""The ``crosswire`` command. Each command is a thin wrapper over ``crosswire.app``.

Data goes to stdout, progress and logs to stderr. Exit status: 0 success, 1 some inputs
rejected (the rest stored) or a runtime error, 2 usage or configuration error.
"""

from __future__ import annotations

import logging
import sys

import click

from crosswire import __version__
from crosswire.app import Crosswire
from crosswire.cli import actors as actor_cmds
from crosswire.cli import brief as brief_cmds
from crosswire.cli import eval as eval_cmds
from crosswire.cli import events as event_cmds
from crosswire.cli import export as export_cmds
from crosswire.cli import ingest as ingest_cmds
from crosswire.cli import live as live_cmds
from crosswire.cli import provenance as provenance_cmds
from crosswire.cli import read as read_cmds
from crosswire.cli import scale as scale_cmds
from crosswire.cli import search as search_cmds
from crosswire.cli import serve as serve_cmds
from crosswire.cli import train as train_cmds
from crosswire.cli.common import err
from crosswire.config import load_settings
from crosswire.errors import ConfigError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="CROSSWIRE_DB", default=None, metavar="PATH_OR_URL",
              help="SQLite file or postgresql:// URL [env CROSSWIRE_DB; default ./crosswire.db]")
@click.option("--config", "config_path", default=None, metavar="FILE",
              help="Settings file (default ./crosswire.toml when present).")
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
@click.version_option(__version__, prog_name="crosswire")
@click.pass_context
def main(ctx: click.Context, db: str | None, config_path: str | None, verbose: int) -> None:
    """crosswire: read the world's news in many languages, offline."""
    logging.basicConfig(
        level=logging.WARNING - 10 * min(verbose, 2), stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings(config_path, db=db)
    except ConfigError as exc:
        err.print(f"[red]error:[/] {exc}")
        sys.exit(2)
    app = Crosswire(settings)
    ctx.obj = app
    ctx.call_on_close(app.close)


for module in (ingest_cmds, read_cmds, actor_cmds, event_cmds, brief_cmds, live_cmds, eval_cmds,
               train_cmds, provenance_cmds, scale_cmds, search_cmds, serve_cmds, export_cmds):
    module.register(main)
