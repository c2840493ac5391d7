"""``Crosswire``: the Python API. The CLI, the HTTP API and the web pages are thin layers on it.

>>> import crosswire
>>> cw = crosswire.open("news.db")
>>> summary = cw.ingest(["articles/", "dump.jsonl"])
>>> for story in cw.stories(): print(story.id, story.title, story.languages)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crosswire.config import Settings, load_settings
from crosswire.embed import CachedEncoder, Encoder, make_encoder
from crosswire.errors import NotFound
from crosswire.ingest.files import SourceReader
from crosswire.ingest.live import LiveReader
from crosswire.models import (
    Actor,
    Article,
    IngestResult,
    IngestSummary,
    RawDocument,
    Story,
)
from crosswire.pipeline import Pipeline
from crosswire.store import Store, StoryFilter, open_store
from crosswire.store.vector_cache import VectorCache

if TYPE_CHECKING:
    from crosswire.brief import Brief, BriefOptions
    from crosswire.search import Mode, SearchHit, VectorIndex
    from crosswire.store.views import SourceFigures
    from crosswire.views import ActorNetwork, Reading

_encoders: dict[str, Encoder] = {}
_encoders_lock = threading.Lock()


def shared_encoder(settings: Settings) -> CachedEncoder:
    """One loaded model per process and spec, wrapped with the configured vector cache."""
    with _encoders_lock:
        inner = _encoders.get(settings.encoder)
        if inner is None:
            inner = _encoders[settings.encoder] = make_encoder(settings.encoder)
    cache = None if settings.vector_cache in ("", "off", "none") else VectorCache(
        settings.vector_cache)
    return CachedEncoder(inner, cache)


class Crosswire:
    """A store plus the pipeline that fills it. Cheap to create; loads models on first use."""

    def __init__(self, settings: Settings | None = None, store: Store | None = None) -> None:
        self.settings = settings or load_settings()
        self._store = store
        self._encoder: CachedEncoder | None = None
        self._pipeline: Pipeline | None = None
        self._live: LiveReader | None = None
        self._vector_index: VectorIndex | None = None

    # --- lazily built parts ----------------------------------------------------------------
    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings.db)
        return self._store

    @property
    def encoder(self) -> CachedEncoder:
        if self._encoder is None:
            self._encoder = shared_encoder(self.settings)
        return self._encoder

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline.build(self.settings, self.store, self.encoder)
        return self._pipeline

    @property
    def live(self) -> LiveReader:
        """URLs and feeds (fetch guard, feed state); shared by ingest and watch."""
        if self._live is None:
            self._live = LiveReader(self.settings, self.store)
        return self._live

    def close(self) -> None:
        if self._live is not None:
            self._live.close()
            self._live = None
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._encoder is not None and self._encoder.cache is not None:
            close = getattr(self._encoder.cache, "close", None)
            if close:
                close()
        self._pipeline = None
        self._encoder = None
        self._vector_index = None

    def __enter__(self) -> Crosswire:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- write side ------------------------------------------------------------------------
    def reader(self, stdin: Any = None, progress: Any = None) -> SourceReader:
        return SourceReader(self.settings.max_document_bytes, self.settings.encoding, stdin,
                            live=self.live, progress=progress)

    def ingest(
        self, sources: Sequence[str], source: str | None = None, language: str | None = None,
        on_result: Callable[[IngestResult], None] | None = None, stdin: Any = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> IngestSummary:
        """Ingest files, folders, JSONL, WARC, ``-`` (stdin), URLs and feeds; see
        ``crosswire ingest --help``. ``progress(origin, done, total)`` reports long archives."""
        reader = self.reader(stdin, progress)
        summary = self.ingest_documents(reader.read(sources), source=source, language=language,
                                        on_result=on_result)
        summary.notes.extend(reader.notes)
        return summary

    def ingest_documents(
        self, items: Iterable[RawDocument | IngestResult], source: str | None = None,
        language: str | None = None, on_result: Callable[[IngestResult], None] | None = None,
    ) -> IngestSummary:
        if source is not None:
            items = (replace(x, source=source) if isinstance(x, RawDocument) else x
                     for x in items)
        live = self._live

        def report(result: IngestResult) -> None:
            if live is not None:  # feed items learn what became of their page
                live.record(result)
            if on_result is not None:
                on_result(result)

        return self.pipeline.ingest(items, forced_language=language, on_result=report)

    def ingest_text(self, text: str, title: str | None = None, **fields: Any) -> IngestResult:
        """Ingest one text given in code; returns what happened to it."""
        summary = self.ingest_documents([RawDocument(origin="<api>", text=text, title=title,
                                                     **fields)])
        if summary.rejected:
            return summary.rejected[0]
        status = "stored" if summary.stored else "updated" if summary.updated else "duplicate"
        aid = summary.article_ids[0] if summary.article_ids else None
        return IngestResult(status, "<api>", article_id=aid)  # type: ignore[arg-type]

    def recluster(self, progress: Callable[[int], None] | None = None) -> int:
        from crosswire.stories import StoryAssigner, recluster

        return recluster(self.store, StoryAssigner(self.settings, self.encoder), progress)

    # --- read side -------------------------------------------------------------------------
    def article(self, article_id: int) -> Article:
        return self.store.get_article(article_id)

    def story(self, story_id: int) -> Story:
        return self.store.get_story(story_id, with_articles=True)

    def brief_options(self) -> BriefOptions:
        from crosswire.align import AlignOptions
        from crosswire.brief import BriefOptions

        s = self.settings
        return BriefOptions(
            align=AlignOptions(threshold=s.align_threshold, gap=s.align_gap,
                               many_drop=s.align_many_drop,
                               max_sentences=s.compare_max_sentences),
            max_articles=s.compare_max_articles, summary_sentences=s.brief_summary_sentences)

    def brief(self, story_id: int, language: str | None = None) -> Brief:
        """How each source and language tells a story: shared and unique claims (with the
        sentences behind them), contradictions, omissions and a summary. ``language`` is the
        reader's (default: the ``reader_language`` setting)."""
        from crosswire.brief import build_brief
        from crosswire.pipeline import normalize_language

        story = self.store.get_story(story_id, with_articles=False)
        articles = [self.store.get_article(a.id) for a in
                    self.store.list_articles(story_id=story_id) if a.id is not None]
        reader = normalize_language(language or self.settings.reader_language)
        return build_brief(story, articles, self.encoder, self.brief_options(), reader)

    def stories(
        self, language: str | None = None, source: str | None = None,
        since: datetime | None = None, until: datetime | None = None, limit: int = 50,
        offset: int = 0, with_articles: bool = False, actor: str | None = None,
    ) -> list[Story]:
        """Stories, newest activity first; ``actor`` is any name (any language) or an id."""
        story_ids = None
        if actor is not None:
            story_ids = tuple(self.store.actor_stories(self.actor(actor).id))
        f = StoryFilter(language=language, source=source, since=since, until=until,
                        story_ids=story_ids)
        return self.store.list_stories(f, limit=limit, offset=offset,
                                       with_articles=with_articles)

    # --- actors ----------------------------------------------------------------------------
    def actors(self, limit: int = 50, offset: int = 0, type: str | None = None,
               language: str | None = None, known: bool | None = None) -> list[Actor]:
        """Actors by number of mentions, with the names they were seen under."""
        return self.store.list_actors(limit=limit, offset=offset, type=type,
                                      language=language, known=known)

    def resolve_actor(self, name_or_id: str) -> list[str]:
        """Actor ids for an id or any name in any language or inflection, best first."""
        from crosswire.actors.resolve import resolve_actor

        return resolve_actor(self.store, self.settings, name_or_id)

    def actor(self, name_or_id: str) -> Actor:
        """One actor by id or by any of its names; raises ``NotFound``."""
        from crosswire.actors.resolve import kb_actor

        ids = self.resolve_actor(name_or_id)
        if not ids:
            raise NotFound(f"no actor named {name_or_id!r}")
        stored = self.store.get_actor(ids[0])
        return stored if stored is not None else kb_actor(self.settings, ids[0])

    def actor_stories(self, actor_id: str, limit: int = 50) -> list[Story]:
        ids = tuple(self.store.actor_stories(actor_id))
        return self.store.list_stories(StoryFilter(story_ids=ids), limit=limit)

    def actor_neighbours(self, actor_id: str, limit: int = 20) -> list[tuple[str, str, str, int]]:
        """Actors named in the same articles: (id, name, type, shared articles)."""
        return self.store.actor_neighbours(actor_id, limit)

    def relink(self, progress: Callable[[int], None] | None = None) -> int:
        """Link every stored article again (after the knowledge base or actors_file changed)."""
        from crosswire.actors.resolve import relink

        return relink(self.store, self.settings, progress)


    # --- search and views ------------------------------------------------------------------
    @property
    def vector_index(self) -> VectorIndex:
        """Article vectors in memory for search by meaning (loaded on the first search)."""
        if self._vector_index is None:
            from crosswire.search import VectorIndex

            self._vector_index = VectorIndex()
        return self._vector_index

    def search(self, query: str, language: str | None = None, mode: Mode = "both",
               limit: int = 20) -> list[SearchHit]:
        """Articles for a query in any language, by meaning and by words, with the matching
        sentences marked (see ``crosswire.search``)."""
        from crosswire.search import search

        return search(self.store, self.encoder, self.vector_index, query, language, mode,
                      limit)

    def source_figures(self, limit: int = 200, offset: int = 0) -> list[SourceFigures]:
        """Per source: articles, stories, languages, first and last article."""
        return self.store.source_figures(limit, offset)

    def read_story(self, story_id: int, article_ids: Sequence[int] | None = None,
                   language: str | None = None) -> Reading:
        """A story's articles side by side with their sentences aligned across languages."""
        from crosswire.views import read_story

        reader = language or self.settings.reader_language
        return read_story(self.store, self.encoder, story_id, article_ids,
                          self.brief_options().align, reader)

    def actor_timeline(self, actor_id: str) -> list[tuple[str, str, int]]:
        """(day, language, articles) naming the actor, oldest first."""
        return self.store.actor_timeline(actor_id)

    def actor_network(self, actor_id: str, limit: int = 20) -> ActorNetwork:
        """The actor, its neighbours and the co-mention links among them."""
        from crosswire.views import actor_network

        return actor_network(self.store, actor_id, limit)


def open(db: str | None = None, config: str | None = None, **overrides: Any) -> Crosswire:
    """Open a crosswire store (SQLite path or postgresql:// URL) with optional overrides."""
    settings = load_settings(config, db=db, **overrides)
    return Crosswire(settings)
