"""Fetch web resources safely: the only place crosswire talks HTTP.

Reads URLs (and, for conditional requests, the validators the caller kept); returns a
``Response`` with the body already decompressed. Every request goes through the same checks:
http/https only; the address policy on every connection, after DNS resolution, for every
redirect hop (``netguard``); robots.txt, fetched once per host and cached; a minimum interval
between requests to one host (raised by a robots.txt Crawl-delay, up to a minute); a
User-Agent naming crosswire and its version; timeouts per operation plus a deadline for the
whole download; a size cap on the wire and another on the decompressed body (gzip and deflate
are inflated here, in bounded steps, so a compression bomb stops at the cap); retries with
exponential backoff on timeouts, connection errors, 429 and 5xx (``Retry-After`` honoured up
to a minute).

Fails with ``FetchError`` (an ``InputError``): one line naming the reason, with ``transient``
set when trying again later may succeed (timeouts, 5xx) and ``status`` when the server
answered. Nothing here touches the store; callers keep ETag/Last-Modified state.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from crosswire import __version__
from crosswire.config import Settings
from crosswire.errors import InputError
from crosswire.ingest.decode import charset_of, decode_web_bytes, human_size
from crosswire.ingest.netguard import AddressPolicy, AddressRefused, GuardedBackend
from crosswire.models import utc_now

DEFAULT_USER_AGENT = f"crosswire/{__version__} (news reader; obeys robots.txt)"
ROBOTS_MAX_BYTES = 500_000
_REDIRECTS = {301, 302, 303, 307, 308}
_RETRY_STATUS = {429, 500, 502, 503, 504}
_MAX_WAIT = 60.0


class FetchError(InputError):
    """A URL that could not be fetched; ``str(exc)`` is the one-line reason."""

    def __init__(self, message: str, transient: bool = False, status: int | None = None
                 ) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional request sends back: the last ETag and Last-Modified seen."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        h = {}
        if self.etag:
            h["If-None-Match"] = self.etag
        if self.last_modified:
            h["If-Modified-Since"] = self.last_modified
        return h


@dataclass(slots=True)
class Response:
    """A fetched resource. ``url`` is where it was found after redirects."""

    requested: str
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched: datetime = field(default_factory=utc_now)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def validators(self) -> Validators:
        return Validators(self.headers.get("etag"), self.headers.get("last-modified"))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        return charset_of(self.headers.get("content-type", ""))

    def text(self, html: bool = False) -> str:
        """The body as text (see ``decode_web_bytes`` for how the charset is chosen)."""
        return decode_web_bytes(self.body, self.charset, html=html)[0]


def check_url(url: str) -> str:
    """Refuse what is not an absolute http(s) URL; returns it unchanged."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"only http and https URLs are fetched, not {parts.scheme or 'none'}:")
    if not parts.hostname:
        raise FetchError("the URL has no host")
    if parts.username or parts.password:
        raise FetchError("URLs with a user name or password are not fetched")
    return url.strip()


def origin_of(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme.lower()}://{p.netloc.lower().rpartition('@')[2]}"


class _Inflater:
    """gzip/deflate decoding that never produces more than the room it is given."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._d: zlib._Decompress | None = None

    @classmethod
    def for_header(cls, header: str) -> _Inflater:
        codings = [c.strip().lower() for c in header.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if not codings:
            return cls("identity")
        if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
            return cls("deflate" if codings[0] == "deflate" else "gzip")
        raise FetchError(f"unsupported Content-Encoding {header!r}")

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode ``data``; returns at most ``room + 1`` bytes (one more means 'over')."""
        if self.kind == "identity":
            return data
        if self._d is None:
            zlib_header = len(data) >= 2 and (data[0] & 0x0F) == 8 and (
                (data[0] << 8) | data[1]) % 31 == 0
            self._d = zlib.decompressobj(31 if self.kind == "gzip" else
                                         15 if zlib_header else -15)
        out = bytearray()
        try:
            while data and len(out) <= room:
                out += self._d.decompress(data, room + 1 - len(out))
                data = self._d.unconsumed_tail
                if self._d.eof:
                    rest = self._d.unused_data
                    if self.kind != "gzip" or not rest.strip(b"\0"):
                        break
                    self._d, data = zlib.decompressobj(31), rest  # next gzip member
        except zlib.error as exc:
            raise FetchError(f"corrupt {self.kind} data: {exc}") from exc
        return bytes(out)

    def flush(self) -> bytes:
        return b"" if self._d is None else self._d.flush()


class HostThrottle:
    """Keeps at least ``interval`` seconds between requests to one host."""

    def __init__(self, interval: float, sleep: Callable[[float], object] = time.sleep) -> None:
        self.interval = interval
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, interval: float | None = None) -> None:
        gap = self.interval if interval is None else max(self.interval, interval)
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + gap
        if start > now:
            self._sleep(start - now)


@dataclass(slots=True)
class _Rules:
    parser: urllib.robotparser.RobotFileParser | None  # None: everything allowed
    problem: str | None
    expires: float


class RobotsCache:
    """robots.txt per origin: 4xx means no rules, 5xx means keep out (RFC 9309)."""

    def __init__(self, fetcher: Fetcher, agent: str, ttl: float = 86400.0) -> None:
        self.fetcher = fetcher
        self.agent = agent
        self.ttl = ttl
        self._rules: dict[str, _Rules] = {}

    def _load(self, origin: str) -> _Rules:
        now = time.monotonic()
        try:
            resp = self.fetcher.get(f"{origin}/robots.txt", robots=False,
                                    max_bytes=ROBOTS_MAX_BYTES)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return _Rules(None, None, now + self.ttl)
            if exc.status is not None:
                return _Rules(None, f"{origin}/robots.txt answered HTTP {exc.status}: "
                                    "keeping out until it answers (RFC 9309)", now + 600)
            return _Rules(None, None, now + 60)  # unreachable: the page fetch will say why
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(resp.body.decode("utf-8", "replace").splitlines())
        return _Rules(parser, None, now + self.ttl)

    def rules(self, url: str) -> _Rules:
        origin = origin_of(url)
        rules = self._rules.get(origin)
        if rules is None or rules.expires < time.monotonic():
            rules = self._rules[origin] = self._load(origin)
        return rules

    def check(self, url: str) -> None:
        rules = self.rules(url)
        if rules.problem:
            raise FetchError(rules.problem, transient=True)
        if rules.parser is not None and not rules.parser.can_fetch(self.agent, url):
            raise FetchError(f"disallowed by {origin_of(url)}/robots.txt for "
                             f"{self.agent.split('/')[0]}")

    def crawl_delay(self, url: str) -> float | None:
        rules = self._rules.get(origin_of(url))
        if rules is None or rules.parser is None:
            return None
        delay = rules.parser.crawl_delay(self.agent)
        return min(float(delay), _MAX_WAIT) if delay else None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return min(float(value), _MAX_WAIT)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min((when - utc_now()).total_seconds(), _MAX_WAIT))


@dataclass(slots=True)
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    location: str | None = None


class Fetcher:
    """A guarded HTTP client; see the module docstring. Use as a context manager or close()."""

    def __init__(self, settings: Settings, stop: threading.Event | None = None) -> None:
        self.settings = settings
        self.policy = AddressPolicy.build(settings.allow_private, settings.allow_addresses)
        self.user_agent = settings.user_agent or DEFAULT_USER_AGENT
        self._stop = stop
        self.throttle = HostThrottle(settings.fetch_host_interval, self._sleep)
        self.robots = RobotsCache(self, self.user_agent)
        t = settings.fetch_timeout
        transport = httpx.HTTPTransport(trust_env=False)
        # httpx has no switch for the network backend: give its pool one that checks addresses
        transport._pool = httpx_pool(self.policy)
        self.client = httpx.Client(
            transport=transport, timeout=httpx.Timeout(t, connect=t, read=t, write=t, pool=t),
            follow_redirects=False, trust_env=False,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def _sleep(self, seconds: float) -> None:
        if self._stop is not None:
            self._stop.wait(seconds)
        else:
            time.sleep(seconds)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- public ----------------------------------------------------------------------------
    def get(self, url: str, validators: Validators | None = None, accept: str | None = None,
            max_bytes: int | None = None, robots: bool = True) -> Response:
        """GET ``url`` following redirects; 304 comes back as a ``Response``, errors raise."""
        requested = current = check_url(url)
        headers = dict(validators.headers()) if validators else {}
        if accept:
            headers["Accept"] = accept
        limit = max_bytes or self.settings.max_document_bytes
        for _ in range(self.settings.fetch_max_redirects + 1):
            if robots and self.settings.respect_robots:
                self.robots.check(current)
            answer = self._exchange("GET", current, headers, limit)
            if answer.location is None:
                if answer.status >= 400:
                    raise FetchError(f"HTTP {answer.status} {_phrase(answer.status)}",
                                     transient=answer.status in _RETRY_STATUS,
                                     status=answer.status)
                return Response(requested, current, answer.status, answer.headers, answer.body)
            current = answer.location
        raise FetchError(f"more than {self.settings.fetch_max_redirects} redirects "
                         "(setting fetch_max_redirects)")

    def post_json(self, url: str, body: bytes) -> int:
        """POST a JSON body (webhooks); returns the status, raises unless it is 2xx."""
        answer = self._exchange("POST", check_url(url),
                                {"Content-Type": "application/json"}, 65_536, content=body)
        if not 200 <= answer.status < 300:
            raise FetchError(f"HTTP {answer.status} {_phrase(answer.status)}",
                             transient=answer.status in _RETRY_STATUS, status=answer.status)
        return answer.status

    # --- one request, with retries ---------------------------------------------------------
    def _exchange(self, method: str, url: str, headers: dict[str, str], max_bytes: int,
                  content: bytes | None = None) -> _Answer:
        attempts = 1 + max(self.settings.fetch_retries, 0)
        host = origin_of(url)
        problem: str = "no answer"
        last_status: int | None = None
        for attempt in range(attempts):
            wait: float | None = None
            self.throttle.wait(host, self.robots.crawl_delay(url))
            try:
                with self.client.stream(method, url, headers=headers, content=content) as r:
                    location = r.headers.get("location")
                    if r.status_code in _REDIRECTS and method == "GET" and location:
                        target = urljoin(url, location)
                        try:
                            check_url(target)
                        except FetchError as exc:
                            raise FetchError(f"redirect to {target[:200]} refused: {exc}"
                                             ) from exc
                        return _Answer(r.status_code, dict(r.headers), b"", target)
                    if r.status_code not in _RETRY_STATUS:
                        body = b"" if r.status_code == 304 else self._read_body(r, max_bytes)
                        return _Answer(r.status_code, dict(r.headers), body)
                    problem = f"HTTP {r.status_code} {_phrase(r.status_code)}"
                    wait = _retry_after(r.headers.get("retry-after"))
                    last_status = r.status_code
            except AddressRefused as exc:
                raise FetchError(str(exc)) from exc
            except FetchError as exc:
                if not exc.transient:
                    raise
                problem, last_status = str(exc), None
            except httpx.TimeoutException:
                problem, last_status = (f"timed out (no answer within "
                                        f"{self.settings.fetch_timeout:g}s)"), None
            except httpx.TransportError as exc:
                problem, last_status = f"connection failed: {exc or type(exc).__name__}", None
            except httpx.HTTPError as exc:
                raise FetchError(f"request failed: {exc}") from exc
            if attempt + 1 < attempts:
                self._sleep(wait if wait is not None else
                            self.settings.fetch_backoff * (2 ** attempt))
                if self._stop is not None and self._stop.is_set():
                    break
        if last_status is not None:
            raise FetchError(f"{problem} after {attempts} attempts", transient=True,
                             status=last_status)
        raise FetchError(f"{problem} after {attempts} attempts", transient=True)

    def _read_body(self, r: httpx.Response, max_bytes: int) -> bytes:
        deadline = time.monotonic() + self.settings.fetch_deadline
        length = r.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise FetchError(f"response is {human_size(int(length))}, over the "
                             f"{human_size(max_bytes)} limit (setting max_document_bytes)")
        inflater = _Inflater.for_header(r.headers.get("content-encoding", ""))
        out = bytearray()
        wire = 0
        for chunk in r.iter_raw():  # as received: a chunk size would wait to fill it
            wire += len(chunk)
            if wire > max_bytes:
                raise FetchError(f"response is over the {human_size(max_bytes)} limit "
                                 "(setting max_document_bytes)")
            out += inflater.feed(chunk, max_bytes - len(out))
            if len(out) > max_bytes:
                raise FetchError(f"response inflates to over {human_size(max_bytes)} "
                                 "(a compression bomb?), over the limit (max_document_bytes)")
            if time.monotonic() > deadline:
                raise FetchError(f"download took longer than {self.settings.fetch_deadline:g}s "
                                 "(setting fetch_deadline)", transient=True)
        out += inflater.flush()
        if len(out) > max_bytes:
            raise FetchError(f"response inflates to over {human_size(max_bytes)}, over the "
                             "limit (max_document_bytes)")
        return bytes(out)


def httpx_pool(policy: AddressPolicy) -> httpcore.ConnectionPool:
    return httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=20,
        max_keepalive_connections=10, keepalive_expiry=5.0, http1=True, http2=False,
        network_backend=GuardedBackend(policy),
    )


def _phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
