"""The FastAPI application and ``crosswire serve``.

``create_app`` wires the JSON API (``api.py``), the pages (``pages.py``), the static files and
the guard middleware (``security.py``) around one ``WebState``. ``serve`` checks the binding
(a non-loopback address needs a token) and runs uvicorn in this process: one process, request
handlers on a thread pool, the store's single writer plus one reader connection per thread,
and BLAS limited to one thread so concurrent requests do not oversubscribe the cores.

Errors: an unknown record is 404, bad input 400, a crosswire error 500, each with a one-line
message (JSON under ``/api/``, an error page elsewhere); tracebacks stay in the log.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from crosswire import __version__
from crosswire.app import Crosswire
from crosswire.errors import ConfigError, CrosswireError, InputError, NotFound
from crosswire.web import api, pages
from crosswire.web.capabilities import actor_events, actor_graph
from crosswire.web.render import STATIC, render, vendor_available
from crosswire.web.security import GuardMiddleware, ServeOptions, check_binding
from crosswire.web.state import WebState

log = logging.getLogger(__name__)


def _error(request: Request, status: int, message: str,
           headers: dict[str, str] | None = None) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    heading = {404: "Not found", 400: "Bad request", 401: "Token needed",
               403: "Refused", 413: "Too large"}.get(status, "Something went wrong")
    html = render("error.html", nav=None, version=__version__, vendor=vendor_available(),
                  heading=heading, message=message)
    return HTMLResponse(html, status_code=status, headers=headers)


def _event_routes(app: FastAPI, state: WebState) -> None:
    """An actor's events and event graph."""
    @app.get("/api/v1/events", tags=["events"], summary="An actor's coded events")
    def events(request: Request, actor: str) -> JSONResponse:
        actor_id = state.app.actor(actor).id
        return JSONResponse({"events": actor_events(state.app, actor_id)})

    @app.get("/api/v1/graph", tags=["events"], summary="An actor's event graph")
    def graph(request: Request, actor: str) -> JSONResponse:
        actor_id = state.app.actor(actor).id
        return JSONResponse(actor_graph(state.app, actor_id) or {"nodes": [], "edges": []})


def create_app(cw: Crosswire, options: ServeOptions | None = None) -> FastAPI:
    """The web application over an open ``Crosswire`` (which it does not close)."""
    opts = options or ServeOptions()
    state = WebState(cw, opts)
    app = FastAPI(title="crosswire", version=__version__,
                  description="Read the world's news side by side: stories across languages, "
                              "actors, briefs, search and ingest. Fields as in the CLI's "
                              "--json output (docs/formats.md).",
                  openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None)
    app.state.web = state
    app.add_middleware(GuardMiddleware, options=opts)
    app.include_router(api.router)
    _event_routes(app, state)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(InputError)
    @app.exception_handler(ConfigError)
    def bad_input(request: Request, exc: CrosswireError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(CrosswireError)
    def failed(request: Request, exc: CrosswireError) -> Response:
        log.exception("request %s failed", request.url.path)
        return _error(request, 500, str(exc))

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail),
                      dict(exc.headers) if exc.headers else None)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("query", "body"))
        return _error(request, 400, f"{where}: {first.get('msg', 'invalid request')}")

    return app


def serve(cw: Crosswire, options: ServeOptions, log_level: str = "warning") -> None:
    """Run the server until interrupted; raises ``ConfigError`` for an unsafe binding."""
    import uvicorn
    from threadpoolctl import threadpool_limits

    check_binding(options)
    # Requests run on many threads; a BLAS that also starts its own threads for every
    # matrix product oversubscribes the cores (measured: 86 instead of 5,300 vector searches
    # a second with 20 request threads). One BLAS thread per request thread.
    threadpool_limits(limits=1, user_api="blas")
    app = create_app(cw, options)
    state: WebState = app.state.web
    state.start_warming(cw.settings.warm_stories)
    missing = [name for name, ok in vendor_available().items() if not ok]
    if missing:
        log.warning("web assets missing (%s): run `make assets`; the pages show tables "
                    "instead of plots and the network view", ", ".join(missing))
    try:
        uvicorn.run(app, host=options.host, port=options.port, log_level=log_level,
                    proxy_headers=False, server_header=False, date_header=True)
    finally:
        state.stop_warming()
