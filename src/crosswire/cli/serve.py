"""``crosswire serve``: the HTTP API and the web pages."""

from __future__ import annotations

import click

from crosswire.cli.common import err, get_app, handle_errors
from crosswire.cli.live import allow_private_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs --token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--token", envvar="CROSSWIRE_TOKEN", default=None, metavar="TOKEN",
              help="Required for every write (ingest) [env CROSSWIRE_TOKEN].")
@click.option("--max-upload", "max_upload", type=int, default=None, metavar="BYTES",
              help="Largest request body accepted (setting max_upload_bytes).")
@allow_private_option
@click.pass_context
@handle_errors
def serve(ctx: click.Context, host: str, port: int, token: str | None, max_upload: int | None,
          allow_private: bool) -> None:
    """Serve the HTTP API (/api/v1) and the web pages until interrupted."""
    from crosswire.errors import ConfigError
    from crosswire.web import ServeOptions
    from crosswire.web import serve as run
    from crosswire.web.security import check_binding

    app = get_app(ctx)
    s = app.settings
    options = ServeOptions(host=host, port=port, token=token or s.token,
                           allow_private=allow_private or s.allow_private,
                           max_upload_bytes=max_upload or s.max_upload_bytes)
    try:
        check_binding(options)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    shown = f"[{host}]" if ":" in host else host
    err.print(f"crosswire: serving {s.db} on http://{shown}:{port}/ (Ctrl-C to stop)"
              + ("; writes need the token" if options.token else ""))
    run(app, options)


def register(group: click.Group) -> None:
    group.add_command(serve)
