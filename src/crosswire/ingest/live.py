"""URLs and feeds into ``RawDocument``s, with their state kept in the store.

Reads a URL: a page becomes one document; a feed (RSS, Atom, JSON Feed) or sitemap becomes
the pages its items link to, each fetched and later cleaned like HTML input. Writes the feed
and its items to the store (``store/live.py``): new items are saved as ``pending`` with the
feed's ETag/Last-Modified, and ``record`` marks each item when the pipeline reports what
happened to its page. Items whose URL is already stored are skipped without a request, so a
restart (of ``watch`` or ``ingest``) neither refetches nor stores anything twice; conditional
requests make an unchanged feed or page cost one 304.

Fails per item, never per batch: every refusal (address policy, robots.txt, HTTP error,
size, timeout, not text) is one ``rejected`` result naming the URL. Temporary failures
(timeouts, 5xx) leave the item to be tried again by the next poll, up to
``feed_item_attempts`` times.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

from crosswire.config import Settings
from crosswire.errors import InputError
from crosswire.ingest.feeds import FEED_ACCEPT, FeedItem, parse_feed, sniff_kind
from crosswire.ingest.fetch import Fetcher, FetchError, Response, Validators, check_url
from crosswire.ingest.files import reject, split_title
from crosswire.models import IngestResult, RawDocument
from crosswire.store import Store
from crosswire.store.live import FeedState, PendingItem

PAGE_ACCEPT = "text/html, application/xhtml+xml, text/plain;q=0.8, */*;q=0.5"
MAX_CHILD_SITEMAPS = 10

Item = RawDocument | IngestResult


@dataclass(slots=True)
class FeedPoll:
    """What one poll of one feed found."""

    url: str
    new_items: int = 0
    not_modified: bool = False
    error: str | None = None


class LiveReader:
    """Reads URLs and feeds; see the module docstring. ``record`` must see every result."""

    def __init__(self, settings: Settings, store: Store,
                 stop: threading.Event | None = None) -> None:
        self.settings = settings
        self.store = store
        self.stop = stop
        self.polls: list[FeedPoll] = []
        self._fetcher: Fetcher | None = None
        self._waiting: dict[str, list[tuple[int, str]]] = {}
        self._transient: set[str] = set()

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings, self.stop)
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None

    def _stopped(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    # --- pages -----------------------------------------------------------------------------
    def read_url(self, url: str) -> Iterator[Item]:
        """A page, or every item of a feed or sitemap."""
        try:
            url = check_url(url)
        except FetchError as exc:
            yield reject(url, str(exc))
            return
        if self.store.get_feed(url) is not None:
            yield from self.poll_feed(url)
            return
        known = self.store.article_for_url(url)
        state = self.store.fetch_state(url) if known is not None else None
        try:
            resp = self.fetcher.get(url, Validators(state[0], state[1]) if state else None,
                                    accept=PAGE_ACCEPT)
        except FetchError as exc:
            yield reject(url, str(exc))
            return
        if resp.not_modified and known is not None:
            yield IngestResult("duplicate", url, article_id=known)
            return
        if sniff_kind(resp.content_type, resp.body) in ("feed", "jsonfeed", "sitemap"):
            yield from self._take_feed(self.store.ensure_feed(url), resp)
            return
        self._remember(url, resp)
        yield self._document(resp, url)

    def _remember(self, url: str, resp: Response) -> None:
        v = resp.validators
        self.store.save_fetch_state(url, resp.url, resp.status, v.etag, v.last_modified)

    @staticmethod
    def _document(resp: Response, origin: str, item: PendingItem | None = None) -> Item:
        kind = sniff_kind(resp.content_type, resp.body)
        if kind not in ("html", "text"):
            return reject(origin, f"not an article page (the server sent a {kind})")
        try:
            text = resp.text(html=kind == "html")
        except InputError as exc:
            return reject(origin, str(exc))
        # the feed's date is precise where pages often have none; its title is often cut
        # short, so the page's own title wins (the feed's serves plain-text pages)
        title, published = None, item.published if item else None
        if kind == "text":
            first, text = split_title(text)
            title = first or (item.title if item else None)
        return RawDocument(origin=origin, html=text if kind == "html" else None,
                           text=text if kind == "text" else None, url=resp.url, title=title,
                           published=published, fetched=resp.fetched)

    # --- feeds -----------------------------------------------------------------------------
    def poll_feed(self, url: str) -> Iterator[Item]:
        """Fetch a feed (conditionally), save its new items, then yield their pages."""
        feed = self.store.ensure_feed(url)
        try:
            resp = self.fetcher.get(url, Validators(feed.etag, feed.last_modified),
                                    accept=FEED_ACCEPT)
        except FetchError as exc:
            self.store.feed_polled(feed.id, str(exc))
            self.polls.append(FeedPoll(url, error=str(exc)))
            yield reject(url, f"feed: {exc}")
            yield from self._pending(feed)  # items saved by an earlier poll may still work
            return
        yield from self._take_feed(feed, resp)

    def _take_feed(self, feed: FeedState, resp: Response) -> Iterator[Item]:
        poll = FeedPoll(feed.url, not_modified=resp.not_modified)
        self.polls.append(poll)
        if not resp.not_modified:
            try:
                items, title, kind = self._feed_items(resp)
            except InputError as exc:
                poll.error = str(exc)
                yield reject(feed.url, f"feed: {exc}")
            else:
                v = resp.validators
                poll.new_items = self.store.save_feed_items(
                    feed.id, items, title, kind, v.etag, v.last_modified)
        self.store.feed_polled(feed.id, poll.error)
        yield from self._pending(feed)

    def _feed_items(self, resp: Response) -> tuple[list[FeedItem], str | None, str]:
        limit = self.settings.feed_max_items
        parsed = parse_feed(resp.body, resp.content_type, resp.url, limit)
        items = list(parsed.items)
        for child in parsed.sitemaps[:MAX_CHILD_SITEMAPS]:
            if len(items) >= limit or self._stopped():
                break
            try:
                sub = self.fetcher.get(child, accept=FEED_ACCEPT)
                items += parse_feed(sub.body, sub.content_type, sub.url,
                                    limit - len(items)).items
            except InputError as exc:
                raise InputError(f"child sitemap {child}: {exc}") from exc
        return items[:limit], parsed.title, parsed.kind

    def _pending(self, feed: FeedState) -> Iterator[Item]:
        for item in self.store.pending_feed_items(feed.id, self.settings.feed_item_attempts):
            if self._stopped():
                return
            self._waiting.setdefault(item.url, []).append((feed.id, item.key))
            known = self.store.article_for_url(item.url)
            if known is not None:
                yield IngestResult("duplicate", item.url, article_id=known)
                continue
            try:
                resp = self.fetcher.get(item.url, accept=PAGE_ACCEPT)
            except FetchError as exc:
                if exc.transient:
                    self._transient.add(item.url)
                yield reject(item.url, str(exc))
                continue
            self._remember(item.url, resp)
            yield self._document(resp, item.url, item)

    def record(self, result: IngestResult) -> None:
        """Mark the feed items behind ``result`` (called for every pipeline result)."""
        waiting = self._waiting.pop(result.origin, None)
        if not waiting:
            return
        status: str = result.status
        if result.status == "rejected" and result.origin in self._transient:
            status = "error"
        self._transient.discard(result.origin)
        for feed_id, key in waiting:
            self.store.mark_feed_item(feed_id, key, status, result.article_id, result.reason)
