"""Live sources end to end against a real HTTP server on loopback: URLs, feeds, watch restarts,
watchlists, alerts, webhooks and WARC archives."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import run_cli
from tests.httpserver import LocalServer, _Handler
from tests.live_data import ARTICLES, article_html, rss

import crosswire

BY_SLUG = {a["slug"]: a for a in ARTICLES}


def serve_articles(srv: LocalServer, prefix: str, delay: float = 0.0) -> None:
    for a in ARTICLES:
        body = article_html(a).encode("utf-8")

        def handler(h: _Handler, body: bytes = body) -> None:
            if delay:
                time.sleep(delay)
            h.reply(200, body, "text/html; charset=utf-8")

        srv.route(f"{prefix}/{a['slug']}", handler)


def serve_feed(srv: LocalServer, path: str, slugs: list[str], prefix: str,
               etag: str = '"e1"', extra: dict | None = None) -> None:
    known = {**BY_SLUG, **(extra or {})}
    body = rss("Test wire", [(known[s], srv.url(f"{prefix}/{s}")) for s in slugs]).encode()

    def handler(h: _Handler) -> None:
        if h.headers.get("If-None-Match") == etag:
            h.reply(304, b"", "")
        else:
            h.reply(200, body, "application/rss+xml", {"ETag": etag})

    srv.route(path, handler)


@pytest.fixture(scope="module")
def srv() -> Iterator[LocalServer]:
    with LocalServer() as s:
        serve_articles(s, "/news")
        yield s


def open_cw(db: str, srv: LocalServer) -> crosswire.Crosswire:
    return crosswire.open(db, allow_addresses=(srv.address,), fetch_host_interval=0.0,
                          fetch_backoff=0.01, fetch_timeout=2.0)


def cli_env(srv: LocalServer) -> dict[str, str]:
    return {"CROSSWIRE_ALLOW_ADDRESSES": srv.address, "CROSSWIRE_FETCH_HOST_INTERVAL": "0",
            "CROSSWIRE_FETCH_BACKOFF": "0.01", "CROSSWIRE_FETCH_TIMEOUT": "2"}


def test_ingest_a_page_url_then_again_with_a_conditional_request(srv, db_path) -> None:
    a = BY_SLUG["rail-link"]
    calls: list[str | None] = []

    def page(h: _Handler) -> None:
        calls.append(h.headers.get("If-None-Match"))
        if h.headers.get("If-None-Match") == '"r1"':
            h.reply(304, b"", "")
        else:
            h.reply(200, article_html(a).encode(), "text/html; charset=utf-8", {"ETag": '"r1"'})

    srv.route("/page/rail", page)
    with open_cw(db_path, srv) as cw:
        first = cw.ingest([srv.url("/page/rail")])
        assert first.stored == 1 and not first.rejected
        art = cw.article(first.article_ids[0])
        assert art.title == a["title"] and art.url == srv.url("/page/rail")
        assert "high-speed rail link" in art.text and "All rights reserved" not in art.text
        assert art.published is not None and art.published.isoformat() == a["published"]
        again = cw.ingest([srv.url("/page/rail")])
        assert (again.stored, again.duplicates) == (0, 1)
    assert calls == [None, '"r1"']


def test_feed_new_and_repeated_items_bad_items_rejected_and_retried(srv, db_path) -> None:
    start = srv.hits()  # the server is shared by this module's runs on each backend
    srv.page("/robots.txt", "User-agent: *\nDisallow: /blocked/\n", "text/plain")
    srv.page("/blocked/x", article_html(BY_SLUG["solar-farm"]))
    state = {"up": False}
    srv.route("/flaky/library", lambda h: h.reply(200, article_html(
        BY_SLUG["library-reopens"]).encode()) if state["up"] else h.reply(503, b"", ""))
    items = [(BY_SLUG["delta-flood"], srv.url("/news/delta-flood")),
             (BY_SLUG["orchard-frost"], srv.url("/news/orchard-frost")),
             (BY_SLUG["library-reopens"], srv.url("/flaky/library")),
             (BY_SLUG["bridge-closed"], srv.url("/gone/bridge")),
             (BY_SLUG["solar-farm"], srv.url("/blocked/x"))]
    srv.page("/feeds/mixed", rss("Mixed", items), "application/rss+xml")
    try:
        with open_cw(db_path, srv) as cw:
            first = cw.ingest([srv.url("/feeds/mixed")])
            assert first.stored == 2
            reasons = {r.origin.rsplit("/", 2)[-2]: r.reason for r in first.rejected}
            assert reasons["flaky"] == "HTTP 503 Service Unavailable after 3 attempts"
            assert reasons["gone"] == "HTTP 404 Not Found"
            assert reasons["blocked"].startswith("disallowed by") and "robots.txt" in reasons[
                "blocked"]
            state["up"] = True
            second = cw.ingest([srv.url("/feeds/mixed")])  # only the temporary failure again
            assert (second.stored, len(second.rejected)) == (1, 0)
            third = cw.ingest([srv.url("/feeds/mixed")])
            assert (third.stored, third.duplicates, len(third.rejected)) == (0, 0, 0)
            feed = cw.store.get_feed(srv.url("/feeds/mixed"))
            assert feed is not None
            assert cw.store.feed_item_counts(feed.id) == {"stored": 3, "rejected": 2}
    finally:
        del srv.routes["/robots.txt"]
    hits = srv.hits() - start
    assert hits["/news/delta-flood"] == 1 and hits["/news/orchard-frost"] == 1
    assert hits["/gone/bridge"] == 1 and hits["/blocked/x"] == 0
    assert hits["/flaky/library"] == 4  # 3 attempts in the first poll, 1 in the second


def test_item_already_stored_elsewhere_is_not_refetched(srv, db_path) -> None:
    serve_feed(srv, "/feeds/dup", ["dock-strike", "dock-strike-tr"], "/news")
    with open_cw(db_path, srv) as cw:
        assert cw.ingest([srv.url("/news/dock-strike")]).stored == 1
        before = srv.hits()["/news/dock-strike"]
        summary = cw.ingest([srv.url("/feeds/dup")])
        assert (summary.stored, summary.duplicates) == (1, 1)
    assert srv.hits()["/news/dock-strike"] == before


def test_sitemap_index_and_json_feed_urls(srv, db_path) -> None:
    from tests.live_data import json_feed, news_sitemap

    links = [(BY_SLUG[s], srv.url(f"/news/{s}")) for s in ("library-reopens", "solar-farm")]
    srv.page("/sitemaps/news.xml", news_sitemap(links), "application/xml")
    srv.page("/sitemaps/index.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.'
             f'sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{srv.url("/sitemaps/news.xml")}'
             "</loc></sitemap></sitemapindex>", "application/xml")
    srv.page("/feeds/json", json_feed("J", [(BY_SLUG["bridge-closed"],
                                             srv.url("/news/bridge-closed"))]),
             "application/feed+json")
    with open_cw(db_path, srv) as cw:
        summary = cw.ingest([srv.url("/sitemaps/index.xml"), srv.url("/feeds/json")])
        assert (summary.stored, summary.rejected) == (3, [])
        urls = {a.url for a in cw.store.list_articles()}
        kinds = {f.url.rsplit("/", 1)[1]: f.kind for f in cw.store.list_feeds()}
    assert urls == {srv.url(f"/news/{s}") for s in ("library-reopens", "solar-farm",
                                                   "bridge-closed")}
    assert kinds == {"index.xml": "sitemap index", "json": "json feed"}


def test_cli_refuses_private_addresses_without_the_flag(srv, db_path) -> None:
    r = run_cli("ingest", srv.url("/news/solar-farm"), db=db_path)
    assert r.returncode == 1
    assert f"rejected {srv.url('/news/solar-farm')}: 127.0.0.1 is a loopback address: refused" \
        in r.stdout
    assert "Traceback" not in r.stderr


def _wait_for(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.1)):
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_watch_restarted_mid_run_resumes_without_refetching(tmp_path: Path) -> None:
    slugs = [a["slug"] for a in ARTICLES]
    with LocalServer() as s:
        serve_articles(s, "/slow", delay=0.5)
        serve_feed(s, "/feed.xml", slugs, "/slow")
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(f"# test\n{s.url('/feed.xml')}\n", encoding="utf-8")
        db = str(tmp_path / "watch.db")
        env = {**os.environ, **cli_env(s)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "crosswire", "--db", db, "watch", str(feeds),
             "--interval", "1h"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            assert _wait_for(lambda: sum(n for p, n in s.hits().items()
                                         if p.startswith("/slow/")) >= 3, 60)
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0, err.decode()
        assert "stopping after the current item (SIGTERM)" in err.decode()
        with crosswire.open(db) as cw:
            first_run = cw.store.count_articles()
        assert 3 <= first_run < len(slugs)

        r = run_cli("watch", str(feeds), "--once", db=db, env=cli_env(s))
        assert r.returncode == 0, r.stderr
        assert "1 feeds (1 unchanged)" in r.stderr  # the feed answered 304
        with crosswire.open(db) as cw:
            urls = [a.url for a in cw.store.list_articles()]
        assert sorted(urls) == sorted(s.url(f"/slow/{slug}") for slug in slugs)
        page_hits = {p: n for p, n in s.hits().items() if p.startswith("/slow/")}
        assert page_hits == {f"/slow/{slug}": 1 for slug in slugs}


def test_watchlists_alerts_and_webhook(tmp_path: Path) -> None:
    update = dict(BY_SLUG["dock-strike"], slug="dock-strike-update", paragraphs=[
        *BY_SLUG["dock-strike"]["paragraphs"], "Talks between the union and the operator "
        "resumed on Tuesday afternoon."], published="2024-10-16T12:00:00+00:00")
    with LocalServer() as s:
        serve_articles(s, "/n")
        s.page("/n/dock-strike-update", article_html(update))
        hooks: list[dict] = []

        def hook(h: _Handler) -> None:
            body = next(r.body for r in reversed(s.requests) if r.path == "/hook")
            if not hooks and not getattr(hook, "failed", False):
                hook.failed = True  # type: ignore[attr-defined]
                h.reply(500, b"", "")
                return
            hooks.append(json.loads(body))
            h.reply(204, b"", "")

        s.route("/hook", hook)
        serve_feed(s, "/f1.xml", ["dock-strike", "delta-flood", "bridge-closed"], "/n")
        feeds = tmp_path / "feeds.opml"
        feeds.write_text(f'<?xml version="1.0"?><opml version="2.0"><body><outline '
                         f'type="rss" xmlUrl="{s.url("/f1.xml")}"/></body></opml>',
                         encoding="utf-8")
        db, env = str(tmp_path / "alerts.db"), cli_env(s)
        r = run_cli("watchlist", "add", "--name", "ports", "--keyword", "dock", db=db)
        assert r.returncode == 0 and "watchlist 1 added" in r.stdout
        r = run_cli("watchlist", "add", "--keyword", "köprü", "--language", "tr", db=db)
        assert r.returncode == 0
        r = run_cli("watchlist", "add", "--actor", "North Korea", "--event-type", "mobilize",
                    db=db)
        assert r.returncode == 0 and "waiting for" not in r.stderr  # events are coded
        r = run_cli("watchlist", "add", "--event-type", "INVADE", db=db)
        assert r.returncode == 2 and "not a PLOVER type" in r.stderr
        listed = json.loads(run_cli("watchlist", "list", "--json", db=db, check=True).stdout)
        waiting = {w["id"]: w["waiting_for"] for w in listed["watchlists"]}
        assert waiting == {1: [], 2: [], 3: []}
        assert "waiting for" not in run_cli("watchlist", "list", db=db).stdout
        # an actor given by any name is stored as the actor id
        assert [w["actors"] for w in listed["watchlists"]][2] == ["country:kp"]

        r = run_cli("watch", str(feeds), "--once", "--json", "--webhook", s.url("/hook"),
                    db=db, env=env)
        assert r.returncode == 0, r.stderr
        printed = [json.loads(line) for line in r.stdout.splitlines()]
        got = {(a["watchlist"]["id"], a["kind"], a["article"]["url"].rsplit("/", 1)[1])
               for a in printed}
        assert got == {(1, "story", "dock-strike"), (2, "story", "bridge-closed")}
        assert any("keyword 'dock' in title" in x for a in printed for x in a["reasons"])
        assert sorted(h["id"] for h in hooks) == sorted(a["id"] for a in printed)

        # a new article in the watched story: alerted for watchlist 1 only
        serve_feed(s, "/f1.xml", ["dock-strike", "dock-strike-update"], "/n", etag='"e2"',
                   extra={"dock-strike-update": update})
        r = run_cli("watch", str(feeds), "--once", "--json", db=db, env=env)
        new = [json.loads(line) for line in r.stdout.splitlines()]
        assert [(a["watchlist"]["id"], a["kind"]) for a in new] == [(1, "article")]
        assert new[0]["reasons"][0] == "new article in a watched story"

        r = run_cli("alerts", "--since", "1h", "--json", db=db, check=True)
        lines = [json.loads(line) for line in r.stdout.splitlines()]
        assert [a["kind"] for a in lines] == ["story", "story", "article"]
        assert all(a["delivered"] for a in lines[:2]) and lines[2]["delivered"] is None
        r = run_cli("alerts", "--undelivered", "--webhook", s.url("/hook"), db=db, env=env)
        assert r.returncode == 0 and "delivered 1 of 1 alerts" in r.stderr
        assert hooks[-1]["kind"] == "article"
        assert "removed" in run_cli("watchlist", "remove", "1", db=db, check=True).stdout
        assert run_cli("watchlist", "remove", "1", db=db).returncode == 2


def _warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def response(w: WARCWriter, url: str, status: str, ctype: str, body: bytes) -> None:
        http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                            http_headers=http))

    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record("test.warc.gz", {"software": "test"}))
        for a in ARTICLES[:3]:
            url = f"https://archive.example/{a['slug']}"
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "archive.example")],
                                   is_http_request=True)
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                http_headers=req))
            response(w, url, "200 OK", "text/html; charset=utf-8", article_html(a).encode())
        tr = BY_SLUG["bridge-closed"]
        response(w, "https://archive.example/tr-1254", "200 OK", "text/html; charset=windows-1254",
                 article_html(tr, meta=False).encode("cp1254"))
        response(w, "https://archive.example/missing", "404 Not Found", "text/html", b"<p>no</p>")
        response(w, "https://archive.example/logo.png", "200 OK", "image/png", b"\x89PNG....")
        response(w, "https://archive.example/empty", "200 OK", "text/html", b"<html></html>")


def test_warc_built_in_the_test(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    _warc(warc)
    db = str(tmp_path / "warc.db")
    r = run_cli("ingest", str(warc), "--json", db=db)
    assert r.returncode == 1  # the empty page is rejected; everything else went on
    summary = json.loads(r.stdout)
    assert summary["stored"] == 4
    assert summary["rejected"] == [{"origin": str(warc), "line": 11,
                                    "reason": "no article text found in the HTML"}]
    note = summary["notes"][0]
    assert "11 records, 5 HTML pages read" in note
    assert "request records 3" in note and "warcinfo records 1" in note
    assert "HTTP 404 responses 1" in note and "non-HTML responses 1" in note
    with crosswire.open(db) as cw:
        arts = {a.url: a for a in cw.store.list_articles(light=False)}
    tr = arts["https://archive.example/tr-1254"]
    assert "taşıyıcı kablolardaki bakım çalışmaları" in tr.text and tr.language == "tr"
    first = arts[f"https://archive.example/{ARTICLES[0]['slug']}"]
    assert first.title == ARTICLES[0]["title"] and first.fetched is not None
    # a truncated archive: the records before the cut are kept, one line says why it stopped
    cut = tmp_path / "cut.warc.gz"
    data = warc.read_bytes()
    cut.write_bytes(data[: len(data) * 9 // 10])
    r = run_cli("ingest", str(cut), "--json", db=str(tmp_path / "cut.db"))
    summary = json.loads(r.stdout)
    assert summary["stored"] == 4
    assert [x["reason"][:55] for x in summary["rejected"]] == [
        "unreadable WARC after record 9 (truncated or corrupt): "]


def test_gzip_warc_is_streamed_not_read_whole(tmp_path: Path) -> None:
    """A plain (uncompressed) WARC works too, and the reader never loads the file at once."""
    gz = tmp_path / "a.warc.gz"
    _warc(gz)
    plain = tmp_path / "a.warc"
    plain.write_bytes(gzip.decompress(gz.read_bytes()))
    from crosswire.ingest.warc import read_warc

    seen: list[tuple[int, int]] = []
    docs = list(read_warc(plain, 1_000_000, progress=lambda o, d, t: seen.append((d, t))))
    assert sum(1 for d in docs if getattr(d, "html", None)) == 5
    assert seen[-1][0] == seen[-1][1] == plain.stat().st_size
