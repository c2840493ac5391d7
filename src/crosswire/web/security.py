"""What keeps the server safe to run: where it listens, who may write, what it accepts.

* **Binding.** Loopback by default. Any other address needs a token (``--token`` or
  ``CROSSWIRE_TOKEN``): ``check_binding`` refuses to start without one.
* **Writes** (ingest) need the token when one is set: ``Authorization: Bearer TOKEN`` for the
  API, a password field in the form. Every write also passes a same-origin check (``Origin``
  and ``Sec-Fetch-Site`` must not name another site), and forms carry a CSRF token bound to a
  ``SameSite=Strict`` cookie.
* **Host header.** On loopback, requests must name a loopback host (127.0.0.1, localhost,
  [::1]): a web page elsewhere cannot reach the server through DNS rebinding.
* **Size.** Request bodies above ``max_upload_bytes`` are refused with 413, by their
  ``Content-Length`` or while they stream in.
* **Headers.** A Content-Security-Policy that allows scripts, styles and images from the
  server itself only (no CDN, no inline script), no framing, no MIME sniffing.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crosswire.errors import ConfigError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
CSRF_COOKIE = "crosswire_csrf"
# cytoscape 3.34.4 adds one fixed <style> for its container; its hash allows exactly that text
CYTOSCAPE_STYLE = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"
PAGE_CSP = (f"default-src 'none'; script-src 'self'; style-src 'self' {CYTOSCAPE_STYLE}; "
            "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
# the standalone brief keeps its CSS inline so it can be saved as one file
BRIEF_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
             "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def is_loopback(host: str) -> bool:
    h = host.strip("[]").lower()
    if h in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    allow_private: bool = False
    max_upload_bytes: int = 20_000_000

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


def check_binding(options: ServeOptions) -> None:
    """Refuse a non-loopback address without a token (one-line ``ConfigError``)."""
    if not options.loopback and not options.token:
        raise ConfigError(f"--host {options.host} is not a loopback address: set --token (or "
                          "CROSSWIRE_TOKEN) so that only holders of the token can write")
    if options.token is not None and len(options.token) < 8:
        raise ConfigError("the token must be at least 8 characters long")


def token_ok(expected: str | None, given: str | None) -> bool:
    """Whether a write may go ahead: always without a token set, else on an exact match."""
    if not expected:
        return True
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def bearer(headers: Any) -> str | None:
    value = headers.get("authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def same_origin(headers: Any, scheme: str) -> bool:
    """False when the browser says the request comes from another site."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = headers.get("host") or ""
    parts = urlsplit(origin)
    return parts.scheme == scheme and parts.netloc.lower() == host.lower()


class Csrf:
    """Form tokens: an HMAC of a random per-browser cookie under a per-process secret."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(24)

    def token_for(self, cookie: str) -> str:
        return hmac.new(self._secret, cookie.encode(), hashlib.sha256).hexdigest()

    def valid(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        return hmac.compare_digest(self.token_for(cookie), token)


class GuardMiddleware:
    """Host check, body size cap and security headers, as plain ASGI (cheap per request)."""

    def __init__(self, app: ASGIApp, options: ServeOptions) -> None:
        self.app = app
        self.options = options

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if self.options.loopback and not self._host_ok(headers.get("host", "")):
            await _plain(send, 421, "this server answers only to loopback host names")
            return
        cap = self.options.max_upload_bytes
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > cap:
            await _plain(send, 413, f"request body over the {cap:,} byte limit "
                                    "(max_upload_bytes)")
            return
        seen = 0

        async def capped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise BodyTooLarge(cap)
            return message

        path = scope.get("path", "")
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"DENY")]
                names = {k.lower() for k, _ in message.get("headers", [])}
                if b"content-security-policy" not in names:
                    csp = BRIEF_CSP if path.endswith("/brief") else PAGE_CSP
                    extra.append((b"content-security-policy", csp.encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            await self.app(scope, capped, with_headers)
        except BodyTooLarge:
            if started:
                raise
            await _plain(send, 413, f"request body over the {cap:,} byte limit "
                                    "(max_upload_bytes)")

    def _host_ok(self, host_header: str) -> bool:
        host = urlsplit("//" + host_header).hostname or ""
        return is_loopback(host) or host == self.options.host.strip("[]").lower()


class BodyTooLarge(Exception):
    def __init__(self, cap: int) -> None:
        super().__init__(f"request body over {cap} bytes")


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
