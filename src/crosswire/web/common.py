"""Plumbing shared by the API and the pages: the request's state, filters, write checks."""

from __future__ import annotations

from datetime import datetime

import click
from fastapi import HTTPException, Request

from crosswire.cli.common import parse_when
from crosswire.errors import InputError
from crosswire.pipeline import normalize_language
from crosswire.web.security import bearer, same_origin, token_ok
from crosswire.web.state import WebState


def state_of(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def when(value: str | None, name: str) -> datetime | None:
    """A ``since``/``until`` filter: ISO date or a duration back from now (24h, 7d)."""
    if value is None or not value.strip():
        return None
    try:
        return parse_when(value)
    except click.BadParameter as exc:
        raise HTTPException(400, f"{name}: {exc.message}") from exc


def language(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return normalize_language(value)
    except InputError as exc:
        raise HTTPException(400, str(exc)) from exc


def blank(value: str | None) -> str | None:
    """Empty form fields mean "no filter"."""
    return value.strip() if value and value.strip() else None


def check_write(request: Request, form_token: str | None = None) -> None:
    """A write must come from this site and carry the token when the server has one."""
    if not same_origin(request.headers, request.url.scheme):
        raise HTTPException(403, "cross-site write refused (Origin/Sec-Fetch-Site)")
    state = state_of(request)
    given = bearer(request.headers) or form_token
    if not token_ok(state.options.token, given):
        raise HTTPException(401, "this server needs its token for writes "
                                 "(Authorization: Bearer TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})
