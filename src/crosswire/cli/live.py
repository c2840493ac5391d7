"""Live sources: ``watch``, ``watchlist add/list/remove`` and ``alerts``."""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from crosswire.app import Crosswire
from crosswire.cli.common import (
    emit_json,
    err,
    get_app,
    handle_errors,
    json_option,
    out,
    parse_duration,
    parse_when,
    short_date,
)
from crosswire.errors import ConfigError, InputError
from crosswire.watchlists import PLOVER_TYPES, Alert, Watchlist

allow_private_option = click.option(
    "--allow-private", is_flag=True,
    help="Also fetch private, loopback and link-local addresses (refused by default).")


def apply_allow_private(app: Crosswire, flag: bool) -> None:
    """Apply ``--allow-private`` before anything is fetched."""
    if flag:
        app.settings = app.settings.with_overrides(allow_private=True)


def _webhook(value: str | None) -> str | None:
    if value is None:
        return None
    from crosswire.ingest.fetch import FetchError, check_url

    try:
        return check_url(value)
    except FetchError as exc:
        raise click.BadParameter(f"{value!r}: {exc}") from exc


def _interval(value: str) -> float:
    seconds = parse_duration(value)
    if seconds is None:
        raise click.BadParameter(f"{value!r} is not a duration such as 30s, 10m or 1h")
    if seconds <= 0:
        raise click.BadParameter("the interval must be more than zero")
    return seconds


def alert_line(a: Alert) -> str:
    p = a.payload
    story, article = p.get("story") or {}, p.get("article") or {}
    what = {"story": "new story" if story.get("new") else "story now matches",
            "article": "new article in watched story", "event": "event"}.get(a.kind, a.kind)
    title = story.get("title") or article.get("title") or "(untitled)"
    w = p.get("watchlist", {})
    label = w.get("name") or f"watchlist {a.watchlist_id}"
    langs = ",".join(story.get("languages", [])) or article.get("language") or "?"
    sid = f" {story['id']}" if story.get("id") else ""
    return (f"{short_date(a.created)}  alert {a.id}  [{label}]  {what}{sid}: {title} ({langs})"
            f"  <- {'; '.join(p.get('reasons', []))}")


def print_alert(a: Alert, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    else:
        out.print(alert_line(a), markup=False)


@click.command()
@click.argument("feeds", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--interval", default="10m", show_default=True, metavar="DURATION",
              help="Time between polls: 30s, 10m, 1h...")
@click.option("--once", is_flag=True, help="Poll every feed once, then exit.")
@click.option("--webhook", metavar="URL", help="POST each new alert to URL as JSON.")
@allow_private_option
@json_option
@click.pass_context
@handle_errors
def watch(ctx: click.Context, feeds: Path, interval: str, once: bool, webhook: str | None,
          allow_private: bool, as_json: bool) -> None:
    """Poll the feeds listed in FEEDS (one URL a line, or OPML) and ingest new items.

    New alerts go to stdout (JSON lines with --json), one summary line a poll to stderr.
    SIGINT/SIGTERM stop it cleanly; a restart resumes without refetching anything.
    """
    from crosswire.ingest.feeds import read_feed_list
    from crosswire.watch import PollReport, Watcher

    app = get_app(ctx)
    apply_allow_private(app, allow_private)
    seconds = _interval(interval)
    hook = _webhook(webhook) or _webhook(app.settings.alert_webhook)
    try:
        urls = read_feed_list(feeds)
    except InputError as exc:
        raise ConfigError(str(exc)) from exc
    stop = threading.Event()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def on_signal(signum: int, frame: Any) -> None:
        err.print(f"stopping after the current item ({signal.Signals(signum).name})")
        stop.set()
        for sig, handler in previous.items():  # a second signal acts as usual
            signal.signal(sig, handler)

    for sig in previous:
        signal.signal(sig, on_signal)
    rejected = 0

    def on_report(report: PollReport) -> None:
        nonlocal rejected
        rejected = len(report.summary.rejected)
        for a in report.alerts:
            print_alert(a, as_json)
        for r in report.summary.rejected:
            err.print(f"rejected {r.where}: {r.reason}", markup=False)
        for line in report.delivery_errors:
            err.print(f"webhook failed: {line}", markup=False)
        err.print(report.line(), markup=False)

    err.print(f"watching {len(urls)} feeds every {interval}" + (" (once)" if once else ""),
              markup=False)
    try:
        Watcher(app, urls, stop, hook).run(seconds, once=once, on_report=on_report)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if once and rejected:
        sys.exit(1)


@click.group()
def watchlist() -> None:
    """What to alert on: keywords, languages, sources, actors, event types."""


@watchlist.command("add")
@click.option("--name", metavar="NAME", help="A label for the watchlist.")
@click.option("--keyword", "keywords", multiple=True, metavar="WORD",
              help="Match articles containing WORD (repeatable; any of them).")
@click.option("--language", "languages", multiple=True, metavar="CODE",
              help="Only articles in CODE (repeatable).")
@click.option("--source", "sources", multiple=True, metavar="NAME",
              help="Only articles from source NAME or host (repeatable).")
@click.option("--actor", "actors", multiple=True, metavar="NAME",
              help="Articles mentioning actor NAME or id (repeatable; needs actors data).")
@click.option("--event-type", "event_types", multiple=True, metavar="TYPE",
              help="Events of PLOVER TYPE, e.g. MOBILIZE (repeatable; needs events data).")
@json_option
@click.pass_context
@handle_errors
def watchlist_add(ctx: click.Context, name: str | None, keywords: tuple[str, ...],
                  languages: tuple[str, ...], sources: tuple[str, ...], actors: tuple[str, ...],
                  event_types: tuple[str, ...], as_json: bool) -> None:
    """Add a watchlist; every kind of criterion given must match (any value within a kind)."""
    from crosswire.alerts import available_data
    from crosswire.pipeline import normalize_language

    if not (keywords or languages or sources or actors or event_types):
        raise click.UsageError("give at least one of --keyword, --language, --source, "
                               "--actor, --event-type")
    types = tuple(t.strip().upper() for t in event_types)
    bad = [t for t in types if t not in PLOVER_TYPES]
    if bad:
        raise click.BadParameter(f"{bad[0]!r} is not a PLOVER type ({', '.join(PLOVER_TYPES)})",
                                 param_hint="--event-type")
    try:
        langs = tuple(normalize_language(c) or "" for c in languages)
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="--language") from exc
    clean = [k.strip() for k in keywords if k.strip()]
    app = get_app(ctx)
    resolved: list[str] = []
    for given in (a.strip() for a in actors if a.strip()):
        # any name in any language ("Kuzey Kore", "Северная Корея") becomes the actor id, so
        # the watchlist matches every language's mentions of it
        ids = app.resolve_actor(given)
        if ids:
            resolved.append(ids[0])
        else:
            resolved.append(given)
            err.print(f"note: no known actor named {given!r}; matching mentions by that name",
                      markup=False)
    w = Watchlist(name=name, keywords=tuple(clean), languages=langs,
                  sources=tuple(s.strip() for s in sources if s.strip()),
                  actors=tuple(resolved), event_types=types)
    store = app.store
    wid = store.add_watchlist(w)
    saved = next(x for x in store.list_watchlists() if x.id == wid)
    available = available_data(store)
    if as_json:
        emit_json(saved.to_dict(available))
        return
    out.print(f"watchlist {wid} added", markup=False)
    if saved.waiting_for(available):
        err.print(f"note: watchlist {wid} is {saved.status(available)}", markup=False)


def _criteria_text(w: Watchlist) -> str:
    parts = [f"{label} {', '.join(values)}" for label, values in (
        ("keywords", w.keywords), ("languages", w.languages), ("sources", w.sources),
        ("actors", w.actors), ("event types", w.event_types)) if values]
    return "; ".join(parts)


@watchlist.command("list")
@json_option
@click.pass_context
@handle_errors
def watchlist_list(ctx: click.Context, as_json: bool) -> None:
    """List watchlists with their criteria and status (active, or what data they wait for)."""
    from crosswire.alerts import available_data

    store = get_app(ctx).store
    found = store.list_watchlists()
    available = available_data(store)
    if as_json:
        emit_json({"watchlists": [w.to_dict(available) for w in found]})
        return
    if not found:
        out.print("no watchlists: add one with `crosswire watchlist add --keyword WORD`")
        return
    for w in found:
        out.print(f"{w.id}  {w.name or '-'}  {_criteria_text(w)}  [{w.status(available)}]",
                  markup=False)


@watchlist.command("remove")
@click.argument("watchlist_id", type=int)
@click.pass_context
@handle_errors
def watchlist_remove(ctx: click.Context, watchlist_id: int) -> None:
    """Stop watching; past alerts are kept."""
    from crosswire.errors import NotFound

    if not get_app(ctx).store.remove_watchlist(watchlist_id):
        raise NotFound(f"no watchlist with id {watchlist_id}")
    out.print(f"watchlist {watchlist_id} removed", markup=False)


@click.command()
@click.option("--since", metavar="WHEN", help="Only alerts created since WHEN (1h, 7d, date).")
@click.option("--watchlist", "watchlist_id", type=int, metavar="ID",
              help="Only alerts of this watchlist.")
@click.option("--undelivered", is_flag=True, help="Only alerts not yet delivered to a webhook.")
@click.option("--limit", default=1000, show_default=True, help="At most this many alerts.")
@click.option("--webhook", metavar="URL", help="POST each listed alert to URL as JSON.")
@allow_private_option
@json_option
@click.pass_context
@handle_errors
def alerts(ctx: click.Context, since: str | None, watchlist_id: int | None, undelivered: bool,
           limit: int, webhook: str | None, allow_private: bool, as_json: bool) -> None:
    """List stored alerts, oldest first (--json: one JSON object a line)."""
    app = get_app(ctx)
    apply_allow_private(app, allow_private)
    hook = _webhook(webhook)
    found = app.store.list_alerts(since=parse_when(since), watchlist_id=watchlist_id,
                                  undelivered=undelivered, limit=limit)
    for a in found:
        print_alert(a, as_json)
    if not found and not as_json:
        err.print("no alerts", markup=False)
    if hook:
        from crosswire.alerts import deliver_alerts

        ok, errors = deliver_alerts(app.store, app.live.fetcher.post_json, hook, found)
        for line in errors:
            err.print(f"webhook failed: {line}", markup=False)
        err.print(f"delivered {ok} of {len(found)} alerts to {hook}", markup=False)
        if errors:
            sys.exit(1)


def register(group: click.Group) -> None:
    group.add_command(watch)
    group.add_command(watchlist)
    group.add_command(alerts)
