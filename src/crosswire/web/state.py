"""What the server holds between requests: one ``Crosswire``, caches, and the write lock.

Threads: FastAPI runs each request on a worker thread; the store gives every thread its own
reader connection and has one writer connection. Writes (ingest) are also serialised here,
one at a time, because the pipeline and the live reader keep state between documents.

Caches: a story's brief and its side-by-side reading cost an alignment (numpy on cached
sentence vectors, or the encoder the first time), so they are kept per story *version*
(its ``updated`` time): a new article in the story makes a new key, and nothing stale is
served. Rendered pages are kept the same way, under a key naming the version of all they
show (the story's ``updated``, the newest story update for the stories list, an actor's
mention counts). Concurrent requests for the same key wait for one computation (no
stampede). Listings used in filter forms (languages, sources) are kept for ``FACETS_TTL``
seconds; an ingest through the server clears them.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from crosswire.app import Crosswire
from crosswire.errors import CrosswireError
from crosswire.ingest.files import SUPPORTED, reject, suffix_of
from crosswire.models import IngestResult, IngestSummary, RawDocument, Story, iso
from crosswire.web.security import Csrf, ServeOptions

if TYPE_CHECKING:
    from crosswire.brief import Brief
    from crosswire.views import Reading

log = logging.getLogger(__name__)
T = TypeVar("T")
FACETS_TTL = 30.0


def story_version(story: Story) -> tuple[Any, ...]:
    """What changes when a story does (``updated`` has one-second steps, so the article
    count and title are part of it too)."""
    return (story.id, iso(story.updated), story.n_articles, story.n_sources, story.title)


class Memo(Generic[T]):
    """A small thread-safe LRU whose misses are computed once however many threads ask."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            try:
                value = compute()
                with self._lock:
                    self._items[key] = value
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._pending.pop(key, None)
            return value

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(slots=True)
class IngestReport:
    """One ingest request: totals and what became of each document."""

    summary: IngestSummary
    results: list[IngestResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = self.summary.to_dict()
        d["results"] = [{"status": r.status, "origin": r.origin, "line": r.line,
                         "article_id": r.article_id, "story_id": r.story_id,
                         "reason": r.reason} for r in self.results]
        return d


class WebState:
    """Shared by every request of one server process."""

    def __init__(self, app: Crosswire, options: ServeOptions) -> None:
        if options.allow_private:
            app.settings = app.settings.with_overrides(allow_private=True)
        self.app = app
        self.options = options
        self.csrf = Csrf()
        self.write_lock = threading.Lock()
        self._briefs: Memo[Brief] = Memo(128)
        self._readings: Memo[Reading] = Memo(128)
        self._pages: Memo[str] = Memo(512)
        self._facets: Memo[Any] = Memo(32)
        self._facet_round = 0
        self._warmer: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        # open and migrate the store and create the vector index now, on this thread, before
        # request threads race to create them
        self.store, self.vector_index = app.store, app.vector_index

    # --- cached reads ----------------------------------------------------------------------
    def brief(self, story: Story, language: str | None) -> Brief:
        key = (*story_version(story), language)
        return self._briefs.get(key, lambda: self.app.brief(story.id, language=language))

    def reading(self, story: Story, article_ids: Sequence[int],
                language: str | None) -> Reading:
        key = (*story_version(story), tuple(article_ids), language)
        return self._readings.get(
            key, lambda: self.app.read_story(story.id, article_ids, language))

    def prepared(self, story: Story, language: str | None) -> bool:
        """Whether the story's brief and default reading are ready (no computation left)."""
        return ((*story_version(story), language) in self._briefs
                and (*story_version(story), (), language) in self._readings)

    def page(self, key: Hashable, render: Callable[[], str]) -> str:
        """A rendered page, kept under a key that names the version of everything on it."""
        return self._pages.get(key, render)

    def facet(self, name: str, compute: Callable[[], T]) -> T:
        """A listing for filter forms, recomputed at most every ``FACETS_TTL`` seconds (and
        after an ingest through the server), by one thread at a time."""
        key = (name, self._facet_round, int(time.monotonic() // FACETS_TTL))
        return self._facets.get(key, compute)

    def invalidate(self) -> None:
        """After a write: listings are recomputed, the background preparation looks again."""
        self._facet_round += 1
        self._wake.set()

    # --- background preparation ----------------------------------------------------------
    def start_warming(self, n_stories: int, interval: float = 60.0) -> None:
        """Prepare the brief and the side-by-side reading of the ``n_stories`` most recently
        active stories in a background thread, now and whenever stories change (checked
        after each ingest through the server and every ``interval`` seconds), so opening
        them from the stories list does not wait for the encoder. Idempotent."""
        if n_stories <= 0 or self._warmer is not None:
            return
        self._warmer = threading.Thread(target=self._warm_loop, args=(n_stories, interval),
                                        name="crosswire-warm", daemon=True)
        self._warmer.start()

    def stop_warming(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._warmer is not None:
            self._warmer.join(timeout=5)
            self._warmer = None

    def _warm_loop(self, n_stories: int, interval: float) -> None:
        reader = self.app.settings.reader_language
        seen: tuple[Any, ...] | None = None
        while not self._stop.is_set():
            try:
                version = self.store.stories_version()
                if version != seen:
                    for story in self.app.stories(limit=n_stories):
                        if self._stop.is_set():
                            return
                        self.brief(story, reader)
                        self.reading(story, [], reader)
                    seen = version
            except CrosswireError as exc:  # a story that cannot be prepared now: next round
                log.warning("preparing stories in the background failed: %s", exc)
            self._wake.wait(interval)
            self._wake.clear()

    # --- writes ----------------------------------------------------------------------------
    def ingest(self, items: Iterable[RawDocument | IngestResult], source: str | None = None,
               language: str | None = None) -> IngestReport:
        """Run documents through the pipeline, one write at a time."""
        results: list[IngestResult] = []
        with self.write_lock:
            summary = self.app.ingest_documents(items, source=source, language=language,
                                                on_result=results.append)
        self.invalidate()
        return IngestReport(summary, results)

    def read_url(self, url: str) -> Iterator[RawDocument | IngestResult]:
        """A page or a feed's pages through the guarded fetcher (private addresses refused
        unless the server was started with ``--allow-private``). Call under ``ingest``."""
        if not url.lower().startswith(("http://", "https://")):
            yield reject(url, "only http:// and https:// URLs can be fetched")
            return
        yield from self.app.live.read_url(url)

    def ingest_url(self, url: str, source: str | None = None,
                   language: str | None = None) -> IngestReport:
        results: list[IngestResult] = []
        with self.write_lock:
            summary = self.app.ingest_documents(self.read_url(url), source=source,
                                                language=language, on_result=results.append)
        self.invalidate()
        return IngestReport(summary, results)

    def ingest_upload(self, name: str, data: bytes, source: str | None = None,
                      language: str | None = None) -> IngestReport:
        """An uploaded file, read by the same code as ``crosswire ingest FILE`` (by its
        extension: text, Markdown, HTML, JSONL, WARC), each document named after the upload."""
        safe = Path(name.replace("\\", "/")).name.strip() or "upload"
        suffix = suffix_of(Path(safe))
        if suffix not in SUPPORTED:
            return IngestReport(IngestSummary(rejected=[reject(
                safe, f"unsupported file type {suffix or '(no extension)'!r}; expected one of "
                      f"{', '.join(SUPPORTED)}")]), [])
        folder = tempfile.mkdtemp(prefix="crosswire-upload-")
        try:
            path = Path(folder) / ("upload" + suffix)
            path.write_bytes(data)
            reader = self.app.reader()
            items = (_renamed(x, safe) for x in reader.read_file(path))
            return self.ingest(items, source=source, language=language)
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(folder)


def pasted(text: str, origin: str, **fields: Any) -> RawDocument:
    """A text given in the form or the API; like stdin, one that starts with "<" is a page
    to clean rather than plain text."""
    if text.lstrip().startswith("<"):
        return RawDocument(origin=origin, html=text, **fields)
    return RawDocument(origin=origin, text=text, **fields)


def _renamed(item: RawDocument | IngestResult, name: str) -> RawDocument | IngestResult:
    if isinstance(item, RawDocument):
        return replace(item, origin=name, path=None)
    return replace(item, origin=name)
