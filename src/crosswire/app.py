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
from functools import partial
from typing import TYPE_CHECKING, Any

from crosswire.config import Settings, load_settings
from crosswire.embed import CachedEncoder, Encoder, make_encoder
from crosswire.errors import NotFound
from crosswire.ingest.files import SourceReader
from crosswire.ingest.live import LiveReader
from crosswire.models import (
    Actor,
    Article,
    CodedEvent,
    Event,
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
    from crosswire.events.graph import Change, Graph
    from crosswire.export import ExportSummary
    from crosswire.provenance.report import (
        ArticleProvenance,
        ProvenanceService,
        SourceFigures,
    )
    from crosswire.search import Mode, SearchHit, VectorIndex
    from crosswire.store.views import SourceActivity
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
        self._provenance: ProvenanceService | None = None
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
        self._provenance = None
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
        """Rebuild every story, then regroup the events into the new stories."""
        from crosswire.events.merge import rebuild_events
        from crosswire.stories import StoryAssigner, recluster

        n = recluster(self.store, StoryAssigner(self.settings, self.encoder), progress)
        rebuild_events(self.store)
        return n

    # --- read side -------------------------------------------------------------------------
    def article(self, article_id: int) -> Article:
        return self.store.get_article(article_id)

    def article_record(self, article_id: int) -> dict[str, Any]:
        """One article as ``article ID --json`` prints it: metadata, text, debris, sentences,
        mentions, events and its ``provenance`` object."""
        return {**self.article(article_id).to_dict(full=True),
                "provenance": self.provenance(article_id).to_dict()}

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
        events = None
        if self.settings.events_enabled:
            from crosswire.brief import EventSummary

            events = [EventSummary(id=str(e.id), type=e.type,
                                   source=e.source_name or e.source,
                                   target=e.target_name or e.target,
                                   date=e.first_seen.isoformat() if e.first_seen else None,
                                   hedged=e.hedged,
                                   evidence=tuple(x.to_dict() for x in e.evidence))
                      for e in self.events(story=story_id, limit=200)]
        from crosswire.claims import independent_sources

        # the story's relations are worked out once, by articles(); the rest reads them
        prov = self.provenance_service.articles([a.id for a in articles if a.id is not None])
        origins = self.provenance_service.origin_sources(articles, ensure=False)
        story.n_independent = len(set(origins.values()))
        flagged = [p.to_dict() for p in prov.values() if p.flagged or not p.independent]
        return build_brief(story, articles, self.encoder, self.brief_options(), reader,
                           events=events, provenance=flagged,
                           independence=partial(independent_sources, origins=origins))

    # --- provenance ------------------------------------------------------------------------
    @property
    def provenance_service(self) -> ProvenanceService:
        from crosswire.provenance.report import ProvenanceService

        if self._provenance is None or self._provenance.store is not self.store:
            self._provenance = ProvenanceService(self.store, self.encoder, self.settings,
                                                 self.brief_options().align)
        return self._provenance

    def provenance(self, article_id: int) -> ArticleProvenance:
        """Copies, translations, rewrites and machine-written signals of one article."""
        return self.provenance_service.article(article_id)

    def story_provenance(self, story_id: int) -> dict[str, Any]:
        """A story's derivation tree, earliest first, with independent-source counts."""
        return self.provenance_service.story_tree(story_id)

    def sources(self, ensure: bool = True) -> list[SourceFigures]:
        """Per-source figures; ``ensure=False`` uses only the relations found so far."""
        return self.provenance_service.sources(ensure)

    def stories(
        self, language: str | None = None, source: str | None = None,
        since: datetime | None = None, until: datetime | None = None, limit: int = 50,
        offset: int = 0, with_articles: bool = False, actor: str | None = None,
        independent: bool = False,
    ) -> list[Story]:
        """Stories, newest activity first; ``actor`` is any name (any language) or an id.
        ``independent`` fills ``n_independent`` (copies, translations and rewrites of one
        original count once; works out each story's provenance first)."""
        story_ids = None
        if actor is not None:
            story_ids = tuple(self.store.actor_stories(self.actor(actor).id))
        f = StoryFilter(language=language, source=source, since=since, until=until,
                        story_ids=story_ids)
        found = self.store.list_stories(f, limit=limit, offset=offset,
                                        with_articles=with_articles)
        if independent:
            for s in found:
                s.n_independent = self.provenance_service.independent_count(s.id)
        return found

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
        """Link every stored article again (after the knowledge base or actors_file changed);
        events depend on the links, so they are coded again too."""
        from crosswire.actors.resolve import relink

        n = relink(self.store, self.settings, progress)
        if self.settings.events_enabled:
            self.recode()
        return n

    # --- events ----------------------------------------------------------------------------
    def events(self, actor: str | None = None, type: str | None = None,
               story: int | None = None, since: datetime | None = None,
               until: datetime | None = None, limit: int = 50, offset: int = 0,
               evidence: bool = True) -> list[Event]:
        """Events, most recently reported first; ``actor`` is any name or id, ``type`` a
        PLOVER type."""
        from crosswire.store.events import EventFilter

        ids = (self.actor(actor).id,) if actor is not None else None
        f = EventFilter(actor_ids=ids, type=check_event_type(type), story_id=story,
                        since=since, until=until)
        return self.store.list_events(f, limit=limit, offset=offset, with_evidence=evidence)

    def event(self, event_id: int) -> Event:
        ev = self.store.get_event(event_id)
        if ev is None:
            raise NotFound(f"no event with id {event_id}")
        return ev

    def events_created_by(self, article_id: int) -> list[Event]:
        """The events first reported by this article (what its commit added): the hook for
        alerts on new events."""
        from crosswire.events.merge import events_created_by

        return events_created_by(self.store, article_id)

    def graph(self, actor: str | None = None, since: datetime | None = None,
              until: datetime | None = None, types: list[str] | None = None,
              include_hedged: bool = True, min_events: int = 1) -> Graph:
        """The actor graph of events reported in [since, until); ``actor``'s ties only when
        given."""
        from crosswire.events.graph import build_graph

        ids = [self.actor(actor).id] if actor is not None else None
        return build_graph(self.store, ids, since, until,
                           [check_event_type(t) or t for t in types or []],
                           include_hedged, min_events)

    def graph_changes(self, since: datetime, until: datetime,
                      baseline_since: datetime | None = None,
                      baseline_until: datetime | None = None, actor: str | None = None,
                      types: list[str] | None = None) -> tuple[Graph, Graph, list[Change]]:
        """Ties that are new, stronger, weaker or gone in [since, until) against a baseline
        window (default: the window of the same length just before)."""
        from crosswire.events.graph import compare_windows

        b_until = baseline_until or since
        b_since = baseline_since or (b_until - (until - since))
        current = self.graph(actor, since, until, types)
        baseline = self.graph(actor, b_since, b_until, types)
        return current, baseline, compare_windows(current, baseline)

    def recode(self, progress: Callable[[int], None] | None = None) -> int:
        """Code the events of every stored article again (after a new model or lexicon)."""
        from crosswire.events.stage import recode

        return recode(self.store, self.settings, self.encoder, progress)

    def code_text(self, text: str, language: str | None = None) -> list[CodedEvent]:
        """Events in a text that is not stored (one coded sentence each)."""
        from crosswire.events.stage import code_text

        return code_text(text, language, self.settings, self.encoder)


    # --- export ------------------------------------------------------------------------------
    def export(self, fmt: str, out: str, what: str | None = None,
               progress: Callable[[int], None] | None = None) -> ExportSummary:
        """Every article (or story, actor, event: ``what``) to ``out`` (a path, ``-`` for
        stdout) as jsonl, csv or parquet, or the actor graph as graphml; read page by page.
        See ``crosswire.export``."""
        from crosswire.export import export

        return export(self, fmt, out, what, progress)

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

    def source_figures(self, limit: int = 200, offset: int = 0) -> list[SourceActivity]:
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


def check_event_type(value: str | None) -> str | None:
    """A PLOVER type in capitals, or ``ConfigError`` naming the valid ones."""
    if value is None:
        return None
    from crosswire.errors import ConfigError
    from crosswire.events.plover import TYPES

    t = value.strip().upper()
    if t not in TYPES:
        raise ConfigError(f"unknown event type {value!r}; expected one of {', '.join(TYPES)}")
    return t


def open(db: str | None = None, config: str | None = None, **overrides: Any) -> Crosswire:
    """Open a crosswire store (SQLite path or postgresql:// URL) with optional overrides."""
    settings = load_settings(config, db=db, **overrides)
    return Crosswire(settings)
