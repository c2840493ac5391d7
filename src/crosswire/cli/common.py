"""Shared CLI plumbing: the context object, output helpers, option parsers."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

import click
from rich.console import Console

from crosswire.app import Crosswire
from crosswire.errors import ConfigError, CrosswireError, NotFound

F = TypeVar("F", bound=Callable[..., Any])

out = Console(highlight=False, soft_wrap=True)
if not out.is_terminal:  # piped or captured: do not squeeze tables into 80 columns
    out = Console(highlight=False, soft_wrap=True, width=160)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one error, one line


def get_app(ctx: click.Context) -> Crosswire:
    app = ctx.find_object(Crosswire)
    if app is None:  # pragma: no cover - main() always sets it
        raise click.UsageError("internal error: no crosswire context")
    return app


def emit_json(data: Any) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print one JSON document on stdout instead of a table.")


def handle_errors(fn: F) -> F:
    """Turn crosswire errors into a one-line message and the documented exit status."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NotFound as exc:
            err.print(f"[red]error:[/] {exc}", markup=True)
            sys.exit(2)
        except ConfigError as exc:
            err.print(f"[red]error:[/] {exc}", markup=True)
            sys.exit(2)
        except CrosswireError as exc:
            err.print(f"[red]error:[/] {exc}", markup=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: str) -> float | None:
    """Seconds in a duration such as 45s, 10m, 1.5h, 7d, 2w (or a bare number of seconds)."""
    v = value.strip()
    m = _RELATIVE.match(v)
    if m:
        return float(m.group(1)) * _UNITS[m.group(2)]
    try:
        return float(v)
    except ValueError:
        return None


def parse_when(value: str | None) -> datetime | None:
    """ISO date/date-time, or a duration back from now such as 90m, 24h, 7d, 2w."""
    if value is None:
        return None
    v = value.strip()
    m = _RELATIVE.match(v)
    if m:
        return datetime.now(UTC) - timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])
    try:
        dt = datetime.fromisoformat(v[:-1] + "+00:00" if v.endswith("Z") else v)
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not a date (use 2024-10-01, 2024-10-01T12:00, or 24h / 7d)"
        ) from exc
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def short_date(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "-"
