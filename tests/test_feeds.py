"""Feed, sitemap and feed-list parsing (bytes in, items out; nothing is fetched here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.live_data import ARTICLES, atom, json_feed, news_sitemap, rss

from crosswire.errors import InputError
from crosswire.ingest.feeds import parse_feed, read_feed_list, sniff_kind

ITEMS = [(a, f"https://news.example/{a['slug']}") for a in ARTICLES[:3]]


@pytest.mark.parametrize("kind,body,ctype", [
    ("rss/atom", rss("Wire", ITEMS), "application/rss+xml"),
    ("rss/atom", atom("Wire", ITEMS), "application/atom+xml"),
    ("json feed", json_feed("Wire", ITEMS), "application/feed+json"),
    ("sitemap", news_sitemap(ITEMS), "application/xml"),
])
def test_every_feed_format_gives_links_dates_newest_first(kind: str, body: str, ctype: str
                                                          ) -> None:
    parsed = parse_feed(body.encode("utf-8"), ctype, "https://news.example/feed", 200)
    assert parsed.kind == kind
    assert [i.url for i in parsed.items] == [link for _, link in reversed(ITEMS)]
    assert parsed.items[-1].published is not None
    assert parsed.items[-1].published.isoformat() == ARTICLES[0]["published"]
    assert len({i.key for i in parsed.items}) == 3


def test_limit_and_duplicate_links() -> None:
    body = rss("Wire", [*ITEMS, ITEMS[0]]).encode()
    assert len(parse_feed(body, "text/xml", "https://news.example/", 200).items) == 3
    assert len(parse_feed(body, "text/xml", "https://news.example/", 2).items) == 2


def test_html_is_not_a_feed_and_broken_xml_says_so() -> None:
    assert sniff_kind("text/html", b"<!doctype html><html><body>x</body></html>") == "html"
    with pytest.raises(InputError, match="not a feed"):
        parse_feed(b"<html><body>x</body></html>", "text/html", "https://a.example/", 10)
    with pytest.raises(InputError, match="not valid XML"):
        parse_feed(b"<urlset><url><loc>https://a.example/x", "application/xml",
                   "https://a.example/", 10)


def test_sitemap_entities_are_not_expanded() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<urlset><url><loc>https://a.example/&b;</loc></url></urlset>')
    items = parse_feed(bomb, "application/xml", "https://a.example/", 10).items
    assert all("aaaaaaaaaa" not in i.url for i in items)


def test_feed_list_text_and_opml(tmp_path: Path) -> None:
    txt = tmp_path / "feeds.txt"
    txt.write_text("# my feeds\nhttps://a.example/rss  comment\n\nhttps://b.example/atom\n"
                   "https://a.example/rss\n", encoding="utf-8")
    assert read_feed_list(txt) == ["https://a.example/rss", "https://b.example/atom"]
    opml = tmp_path / "feeds.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><head/><body>'
                    '<outline text="News"><outline type="rss" xmlUrl="https://c.example/f"/>'
                    '</outline><outline type="rss" xmlUrl="https://d.example/g"/></body></opml>',
                    encoding="utf-8")
    assert read_feed_list(opml) == ["https://c.example/f", "https://d.example/g"]
    bad = tmp_path / "bad.txt"
    bad.write_text("ftp://x.example/feed\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an http"):
        read_feed_list(bad)
