"""Pages and feeds for the live-source tests, built from tests/data/live/articles.json
(original texts written for these tests)."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from html import escape

from tests.conftest import DATA

ARTICLES: list[dict] = json.loads((DATA / "live" / "articles.json").read_text(encoding="utf-8"))


def article_html(a: dict, charset: str = "utf-8", meta: bool = True) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in a["paragraphs"])
    meta_tag = f'<meta charset="{charset}">' if meta else ""
    return (f'<!doctype html><html lang="{a["lang"]}"><head>{meta_tag}'
            f'<title>{escape(a["title"])}</title>'
            f'<meta property="article:published_time" content="{a["published"]}"></head>'
            f'<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav><article>'
            f'<h1>{escape(a["title"])}</h1>{paragraphs}</article>'
            f'<footer>© Test Gazette. All rights reserved.</footer></body></html>')


def rss(title: str, items: list[tuple[dict, str]]) -> str:
    """RSS 2.0 with one <item> per (article, link)."""
    entries = "".join(
        f"<item><title>{escape(a['title'][:30])}</title><link>{escape(link)}</link>"
        f"<guid isPermaLink=\"false\">{a['slug']}</guid>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(a['published']))}</pubDate></item>"
        for a, link in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>http://example.invalid/</link>"
            f"<description>test</description>{entries}</channel></rss>")


def atom(title: str, items: list[tuple[dict, str]]) -> str:
    entries = "".join(
        f"<entry><title>{escape(a['title'])}</title><link href=\"{escape(link)}\"/>"
        f"<id>urn:test:{a['slug']}</id><updated>{a['published']}</updated></entry>"
        for a, link in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>urn:test</id><updated>2024-10-22T00:00:00Z"
            f"</updated>{entries}</feed>")


def json_feed(title: str, items: list[tuple[dict, str]]) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": title,
                       "items": [{"id": a["slug"], "url": link, "title": a["title"],
                                  "date_published": a["published"]} for a, link in items]})


def news_sitemap(items: list[tuple[dict, str]]) -> str:
    urls = "".join(
        f"<url><loc>{escape(link)}</loc><news:news><news:publication><news:name>Test</news:name>"
        f"<news:language>{a['lang']}</news:language></news:publication>"
        f"<news:publication_date>{a['published']}</news:publication_date>"
        f"<news:title>{escape(a['title'])}</news:title></news:news></url>"
        for a, link in items)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>")
