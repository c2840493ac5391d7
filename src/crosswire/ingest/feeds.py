"""Feeds, sitemaps and feed lists: which pages a live source points to.

Reads a fetched body (bytes, never a URL: feedparser would fetch a URL itself, past our
guard) and writes ``FeedItem``s: RSS 0.9x-2.0, RDF and Atom through feedparser, JSON Feed
(1.0/1.1) with ``json``, and sitemaps (news sitemaps with ``news:title`` and
``news:publication_date``, plain ``urlset`` and ``sitemapindex``) with lxml, entities and DTDs
off. ``read_feed_list`` reads the ``watch`` argument: one URL a line or an OPML file.

Fails with ``InputError`` when a body is none of these or a list has no URL; a bad item (no
link) is dropped, and the rest of the feed is read.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crosswire.errors import InputError
from crosswire.ingest.decode import check_size

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
               "text/html;q=0.8, */*;q=0.5")
_FEED_MARKS = (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")
_SITEMAP_MARKS = (b"<urlset", b"<sitemapindex")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_JSON_FEED = "jsonfeed.org/version/"
MAX_LIST_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed or sitemap: the page it links to and what the feed says of it."""

    key: str
    url: str
    title: str | None = None
    published: datetime | None = None


@dataclass(slots=True)
class ParsedFeed:
    kind: str  # "rss/atom", "json feed", "sitemap", "sitemap index"
    title: str | None = None
    items: list[FeedItem] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index


def sniff_kind(content_type: str, body: bytes) -> str:
    """``feed``, ``jsonfeed``, ``sitemap``, ``html`` or ``text`` for a fetched body."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"{", b"[")):
        return "jsonfeed" if _JSON_FEED.encode() in head.replace(b"\\/", b"/") else "text"
    if any(m in head for m in _SITEMAP_MARKS):
        return "sitemap"
    if any(m in head for m in _FEED_MARKS) or content_type in _FEED_TYPES:
        return "feed"
    if content_type == "text/plain" and not head.startswith(b"<"):
        return "text"
    return "html"


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC) if dt.tzinfo else dt.replace(tzinfo=UTC)


def parse_date(value: Any) -> datetime | None:
    """An ISO 8601 or RFC 2822 date (as feeds, sitemaps and WARC headers write them), in UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip()
    try:
        return _utc(datetime.fromisoformat(v[:-1] + "+00:00" if v.endswith(("Z", "z")) else v))
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime

        return _utc(parsedate_to_datetime(v))
    except (TypeError, ValueError, IndexError):
        return None


def _newest(items: list[FeedItem], limit: int) -> list[FeedItem]:
    """At most ``limit`` items, the newest when dated, feed order otherwise; one per URL."""
    seen: set[str] = set()
    unique: list[FeedItem] = []
    for item in items:
        if item.url not in seen:
            seen.add(item.url)
            unique.append(item)
    if all(i.published for i in unique):
        unique.sort(key=lambda i: i.published or datetime.min.replace(tzinfo=UTC), reverse=True)
    return unique[:limit]


def parse_feed(body: bytes, content_type: str, base_url: str, limit: int) -> ParsedFeed:
    """Items of a feed, JSON Feed or sitemap body."""
    kind = sniff_kind(content_type, body)
    if kind == "jsonfeed":
        return _parse_json_feed(body, limit)
    if kind == "sitemap":
        return _parse_sitemap(body, limit)
    if kind == "feed":
        return _parse_xml_feed(body, content_type, base_url, limit)
    raise InputError(f"not a feed or sitemap (got {content_type or 'no content type'})")


def _parse_xml_feed(body: bytes, content_type: str, base_url: str, limit: int) -> ParsedFeed:
    import feedparser

    d = feedparser.parse(body, response_headers={  # bytes, so feedparser never fetches
        "content-type": content_type or "application/xml", "content-location": base_url})
    if not d.entries and d.get("bozo"):
        raise InputError(f"not a valid feed: {d.get('bozo_exception')}".splitlines()[0][:200])
    items = []
    for e in d.entries:
        link = e.get("link")
        if not isinstance(link, str) or "://" not in link:
            continue
        parsed = e.get("published_parsed") or e.get("updated_parsed")
        published = (datetime.fromtimestamp(calendar.timegm(parsed), UTC)
                     if parsed else None)
        key = e.get("id") or link
        items.append(FeedItem(key=str(key)[:2000], url=link, title=e.get("title") or None,
                              published=published))
    return ParsedFeed("rss/atom", d.feed.get("title") or None, _newest(items, limit))


def _parse_json_feed(body: bytes, limit: int) -> ParsedFeed:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a valid JSON Feed: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise InputError("not a valid JSON Feed: no 'items' list")
    items = []
    for it in doc["items"]:
        if not isinstance(it, dict):
            continue
        link = it.get("url") or it.get("external_url")
        if not isinstance(link, str) or "://" not in link:
            continue
        title = it.get("title") if isinstance(it.get("title"), str) else None
        items.append(FeedItem(key=str(it.get("id") or link)[:2000], url=link, title=title,
                              published=parse_date(it.get("date_published")
                                                    or it.get("date_modified"))))
    title = doc.get("title") if isinstance(doc.get("title"), str) else None
    return ParsedFeed("json feed", title, _newest(items, limit))


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _xml_root(body: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, recover=False)
    try:
        return etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not valid XML: {exc}") from exc


def _parse_sitemap(body: bytes, limit: int) -> ParsedFeed:
    root = _xml_root(body)
    if _local(root.tag) == "sitemapindex":
        locs = [(el.text or "").strip() for el in root.iter() if _local(el.tag) == "loc"]
        return ParsedFeed("sitemap index", sitemaps=[u for u in locs if "://" in u][:limit])
    items = []
    for url_el in root:
        if _local(url_el.tag) != "url":
            continue
        fields: dict[str, str] = {}
        for el in url_el.iter():
            name = _local(el.tag)
            if name in ("loc", "title", "publication_date", "lastmod") and name not in fields:
                fields[name] = (el.text or "").strip()
        loc = fields.get("loc", "")
        if "://" not in loc:
            continue
        items.append(FeedItem(key=loc, url=loc, title=fields.get("title") or None,
                              published=parse_date(fields.get("publication_date")
                                                    or fields.get("lastmod"))))
    return ParsedFeed("sitemap", None, _newest(items, limit))


def read_feed_list(path: Path) -> list[str]:
    """Feed URLs from a text file (one a line, ``#`` comments) or an OPML file."""
    try:
        check_size(path.stat().st_size, MAX_LIST_BYTES)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    urls: list[str]
    if head.startswith(b"<") and b"<opml" in head:
        root = _xml_root(data)
        urls = [str(el.get("xmlUrl") or el.get("xmlurl") or "").strip()
                for el in root.iter() if _local(el.tag) == "outline"]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text") from exc
        urls = [ln.split()[0] for ln in text.splitlines()
                if ln.strip() and not ln.lstrip().startswith("#")]
    bad = [u for u in urls if u and not u.lower().startswith(("http://", "https://"))]
    if bad:
        raise InputError(f"{path}: {bad[0]!r} is not an http(s) URL")
    found = list(dict.fromkeys(u for u in urls if u))
    if not found:
        raise InputError(f"{path}: no feed URLs (one URL a line, or OPML outlines with xmlUrl)")
    return found
