"""The guarded fetcher against a real HTTP server on loopback: every failure is one clear line."""

from __future__ import annotations

import gzip
import itertools
import threading
import time
import zlib
from collections.abc import Iterator

import pytest
from tests.httpserver import LocalServer, _Handler
from tests.live_data import ARTICLES, article_html

from crosswire.config import Settings
from crosswire.ingest.fetch import Fetcher, FetchError, Validators

TR = next(a for a in ARTICLES if a["lang"] == "tr")


@pytest.fixture(scope="module")
def srv() -> Iterator[LocalServer]:
    with LocalServer() as s:
        yield s


def settings_for(srv: LocalServer, **overrides: object) -> Settings:
    base = dict(allow_addresses=(srv.address,), fetch_timeout=0.5, fetch_deadline=2.0,
                fetch_backoff=0.01, fetch_retries=2, fetch_host_interval=0.0,
                max_document_bytes=1_000_000)
    base.update(overrides)
    return Settings().with_overrides(**base)


@pytest.fixture
def fetcher(srv: LocalServer) -> Iterator[Fetcher]:
    with Fetcher(settings_for(srv)) as f:
        yield f


def test_page_with_gzip_and_a_user_agent_naming_crosswire(srv, fetcher) -> None:
    html = article_html(TR).encode("utf-8")
    srv.page("/gz", gzip.compress(html), headers={"Content-Encoding": "gzip"})
    resp = fetcher.get(srv.url("/gz"))
    assert resp.body == html
    assert "Kuzey limanındaki liman işçileri" in resp.text(html=True)
    ua = next(r.headers["User-Agent"] for r in srv.requests if r.path == "/gz")
    assert ua.startswith("crosswire/0.1.0")


@pytest.mark.parametrize("wbits", [15, -15], ids=["zlib", "raw"])
def test_deflate_both_flavours(srv, fetcher, wbits: int) -> None:
    c = zlib.compressobj(wbits=wbits)
    srv.page(f"/deflate{wbits}", c.compress(b"<p>deflated body</p>") + c.flush(),
             headers={"Content-Encoding": "deflate"})
    assert fetcher.get(srv.url(f"/deflate{wbits}")).body == b"<p>deflated body</p>"


def test_5xx_is_retried_with_backoff_until_it_works(srv, fetcher) -> None:
    calls = {"n": 0}

    def flaky(h: _Handler) -> None:
        calls["n"] += 1
        if calls["n"] < 3:
            h.reply(503, b"busy", "text/plain")
        else:
            h.reply(200, b"<p>finally</p>")

    srv.route("/flaky", flaky)
    assert fetcher.get(srv.url("/flaky")).body == b"<p>finally</p>"
    assert srv.hits()["/flaky"] == 3


def test_persistent_500_is_one_transient_line(srv, fetcher) -> None:
    srv.page("/down", b"oops", status=500)
    with pytest.raises(FetchError) as info:
        fetcher.get(srv.url("/down"))
    assert str(info.value) == "HTTP 500 Internal Server Error after 3 attempts"
    assert info.value.transient and info.value.status == 500
    assert srv.hits()["/down"] == 3


def test_404_is_not_retried(srv, fetcher) -> None:
    with pytest.raises(FetchError, match=r"^HTTP 404 Not Found$") as info:
        fetcher.get(srv.url("/missing"))
    assert not info.value.transient
    assert srv.hits()["/missing"] == 1


def test_timeout(srv) -> None:
    def silent(h: _Handler) -> None:
        time.sleep(1.5)
        h.reply(200, b"<p>too late</p>")

    srv.route("/silent", silent)
    with Fetcher(settings_for(srv, fetch_retries=1)) as f, pytest.raises(FetchError) as info:
        f.get(srv.url("/silent"))
    assert str(info.value) == "timed out (no answer within 0.5s) after 2 attempts"
    assert info.value.transient


def test_slow_server_dribbling_bytes_hits_the_deadline(srv) -> None:
    def dribble(h: _Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)

    srv.route("/dribble", dribble)
    slow = settings_for(srv, fetch_retries=0, fetch_deadline=0.8)
    with Fetcher(slow) as f, pytest.raises(FetchError, match=r"download took longer than 0\.8s"):
        f.get(srv.url("/dribble"))


def test_huge_body_is_refused_from_its_length_or_while_streaming(srv, fetcher) -> None:
    def huge(h: _Handler, declare: bool) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        if declare:
            h.send_header("Content-Length", str(50_000_000))
        else:
            h.send_header("Connection", "close")
        h.end_headers()
        for _ in range(50):  # 50 MB, in 1 MB writes; the client hangs up after about 1 MB
            h.wfile.write(b"a" * 1_000_000)

    srv.route("/huge-declared", lambda h: huge(h, True))
    srv.route("/huge-streamed", lambda h: huge(h, False))
    with pytest.raises(FetchError, match=r"response is 50\.0 MB, over the 1\.0 MB limit"):
        fetcher.get(srv.url("/huge-declared"))
    with pytest.raises(FetchError, match=r"response is over the 1\.0 MB limit"):
        fetcher.get(srv.url("/huge-streamed"))


def test_gzip_bomb_stops_at_the_cap(srv, fetcher) -> None:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1_000_000)
    bomb = b"".join(c.compress(block) for _ in range(200)) + c.flush()  # 200 MB of zeros
    assert len(bomb) < 300_000
    srv.page("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match=r"inflates to over 1\.0 MB \(a compression bomb\?\)"):
        fetcher.get(srv.url("/bomb"))


def test_wrong_charset_in_the_header(srv, fetcher) -> None:
    # the header says UTF-8 but the page is Windows-1254 (and says so in <meta>)
    srv.page("/cp1254", article_html(TR, charset="windows-1254").encode("cp1254"),
             content_type="text/html; charset=utf-8")
    text = fetcher.get(srv.url("/cp1254")).text(html=True)
    assert "Kuzey limanındaki liman işçileri gece vardiyası" in text
    # the header says Latin-1 but the page is UTF-8: no mojibake
    srv.page("/latin1-lie", article_html(TR, meta=False).encode("utf-8"),
             content_type="text/html; charset=iso-8859-1")
    text = fetcher.get(srv.url("/latin1-lie")).text(html=True)
    assert "işçileri" in text and "Ä±" not in text


def test_redirects_are_checked_on_every_hop(srv, fetcher) -> None:
    with LocalServer() as other:
        other.page("/secret", b"<p>internal</p>")
        srv.page("/to-other", b"", status=302, headers={"Location": other.url("/secret")})
        srv.page("/to-ten", b"", status=301, headers={"Location": "http://10.255.0.1/admin"})
        srv.page("/to-file", b"", status=302, headers={"Location": "file:///etc/passwd"})
        with pytest.raises(FetchError, match=r"^127\.0\.0\.1 is a loopback address: refused"):
            fetcher.get(srv.url("/to-other"))
        with pytest.raises(FetchError, match=r"^10\.255\.0\.1 is a private address: refused"):
            fetcher.get(srv.url("/to-ten"))
        with pytest.raises(FetchError, match=r"redirect to file:///etc/passwd refused"):
            fetcher.get(srv.url("/to-file"))
        assert other.requests == []  # nothing ever reached the other private server


def test_redirect_limit(srv, fetcher) -> None:
    srv.page("/loop", b"", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match=r"more than 5 redirects"):
        fetcher.get(srv.url("/loop"))


def test_private_addresses_refused_without_the_allowance(srv) -> None:
    srv.page("/plain", b"<p>hello</p>")
    with Fetcher(Settings()) as f, pytest.raises(FetchError, match="loopback address: refused"):
        f.get(srv.url("/plain"))
    with Fetcher(Settings(allow_private=True, fetch_host_interval=0)) as f:
        assert f.get(srv.url("/plain")).body == b"<p>hello</p>"


def test_robots_disallow_is_obeyed_and_robots_fetched_once() -> None:
    with LocalServer() as s:
        s.page("/robots.txt", "User-agent: crosswire\nDisallow: /private/\n", "text/plain")
        s.page("/private/a", b"<p>no</p>")
        s.page("/public/a", b"<p>yes</p>")
        with Fetcher(settings_for(s)) as f:
            with pytest.raises(FetchError, match=r"disallowed by http://127\.0\.0\.1:\d+/robots"):
                f.get(s.url("/private/a"))
            assert f.get(s.url("/public/a")).body == b"<p>yes</p>"
        assert s.hits()["/robots.txt"] == 1 and s.hits()["/private/a"] == 0
        with Fetcher(settings_for(s, respect_robots=False)) as f:
            assert f.get(s.url("/private/a")).body == b"<p>no</p>"


def test_robots_5xx_keeps_out() -> None:
    with LocalServer() as s:
        s.page("/robots.txt", b"down", status=503)
        s.page("/a", b"<p>a</p>")
        with Fetcher(settings_for(s)) as f, pytest.raises(FetchError, match="answered HTTP 503"):
            f.get(s.url("/a"))
        assert s.hits()["/a"] == 0


def test_conditional_request_gets_304(srv, fetcher) -> None:
    def etagged(h: _Handler) -> None:
        if h.headers.get("If-None-Match") == '"v7"':
            h.reply(304, b"", "")
        else:
            h.reply(200, b"<p>v7</p>", headers={"ETag": '"v7"', "Last-Modified":
                                                  "Wed, 16 Oct 2024 05:40:00 GMT"})

    srv.route("/etag", etagged)
    first = fetcher.get(srv.url("/etag"))
    assert first.validators == Validators('"v7"', "Wed, 16 Oct 2024 05:40:00 GMT")
    again = fetcher.get(srv.url("/etag"), first.validators)
    assert again.not_modified and again.body == b""
    sent = [r.headers for r in srv.requests if r.path == "/etag"][-1]
    assert sent["If-Modified-Since"] == "Wed, 16 Oct 2024 05:40:00 GMT"


def test_requests_to_one_host_are_spaced() -> None:
    with LocalServer() as s:
        for i in range(3):
            s.page(f"/r{i}", b"<p>r</p>")
        with Fetcher(settings_for(s, fetch_host_interval=0.3)) as f:
            for i in range(3):
                f.get(s.url(f"/r{i}"))
        times = [r.at for r in s.requests]  # robots.txt, then the three pages
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert len(gaps) == 3 and min(gaps) >= 0.28, gaps


def test_webhook_post_is_retried(srv, fetcher) -> None:
    got: list[bytes] = []
    lock = threading.Lock()

    def hook(h: _Handler) -> None:
        with lock:
            got.append(next(r.body for r in reversed(srv.requests) if r.path == "/hook"))
            h.reply(500 if len(got) == 1 else 204, b"", "")

    srv.route("/hook", hook)
    assert fetcher.post_json(srv.url("/hook"), b'{"a": 1}') == 204
    assert got == [b'{"a": 1}', b'{"a": 1}']


def test_a_host_name_is_resolved_checked_and_kept_in_the_host_header(srv) -> None:
    """``localhost`` resolves to loopback addresses: each is checked, the connection goes to a
    checked address (falling back from ::1, where nothing listens, to 127.0.0.1), and the
    request still names the host."""
    srv.page("/named", b"<p>named</p>")
    allowed = (f"127.0.0.1:{srv.port}", f"[::1]:{srv.port}")
    with Fetcher(settings_for(srv, allow_addresses=allowed)) as f:
        assert f.get(f"http://localhost:{srv.port}/named").body == b"<p>named</p>"
    host = next(r.headers["Host"] for r in srv.requests if r.path == "/named")
    assert host == f"localhost:{srv.port}"
    with Fetcher(settings_for(srv, allow_addresses=())) as f, \
            pytest.raises(FetchError, match=r"^localhost \((127\.0\.0\.1|::1)\) is a loopback"):
        f.get(f"http://localhost:{srv.port}/named")
