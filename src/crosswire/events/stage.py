"""The events stage (prepare) and hook (commit).

``EventStage`` reads each article's text, sentences, language and mentions (so it runs after
the actors stage); it writes ``article.events``, the coded sentences. Pure apart from the
encoder (cached by content hash), so it can run on workers. A broken cue file or model file
fails the stage with a message naming the file.

``EventHook`` runs after story assignment and the actors hook; it stores the article's
reports and groups them into its story's events (``merge.store_article_events``). The
changes of the last commit are kept in ``last_changes`` for alerting.

``recode`` codes every stored article again (after a new model, lexicon or actor links).
``event_refs`` is what ``alerts.EVENT_SOURCE`` calls, so watchlists with event types alert on
the events a commit creates (the alert hook runs after the events hook).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crosswire.actors.kb import load_kb
from crosswire.config import Settings
from crosswire.embed import Encoder
from crosswire.events.code import EventCoder
from crosswire.events.merge import (
    EventChanges,
    events_created_by,
    rebuild_events,
    store_article_events,
)
from crosswire.events.model import EventModel
from crosswire.models import Article, CodedEvent
from crosswire.store import Store
from crosswire.watchlists import EventRef

_coders: dict[tuple[int, str, bool, int, float, float], EventCoder] = {}


def event_refs(store: Store, article: Article) -> list[EventRef]:
    """The events an article's commit created, as watchlists match them (alerts on new
    events of a watched type: ``alerts.EVENT_SOURCE``)."""
    if article.id is None:
        return []
    return [EventRef(id=str(e.id), type=e.type, source=e.source_name or e.source,
                     target=e.target_name or e.target)
            for e in events_created_by(store, article.id)]


def coder_for(settings: Settings) -> EventCoder:
    """One coder per process and configuration (the model and lexicons are read-only)."""
    kb = load_kb(settings.actors_file or None)
    key = (id(kb), settings.events_model, settings.events_encoder,
           settings.events_max_sentences, settings.events_secondary_probability,
           settings.events_encoder_margin)
    coder = _coders.get(key)
    if coder is None:
        coder = _coders[key] = EventCoder(
            kb, EventModel.load(settings.events_model or None),
            secondary=settings.events_secondary_probability,
            max_sentences=settings.events_max_sentences, use_encoder=settings.events_encoder,
            encoder_margin=settings.events_encoder_margin)
    return coder


@dataclass
class EventStage:
    settings: Settings
    encoder: Encoder
    name: str = "events"

    def __call__(self, articles: list[Article]) -> None:
        if not self.settings.events_enabled:
            return
        coder_for(self.settings).code_articles(articles, self.encoder)


class EventHook:
    """Commit hook: store the article's reports and merge them into its story's events."""

    name = "events"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.last_changes = EventChanges()

    def __call__(self, store: Store, article: Article, is_update: bool) -> None:
        if article.id is None or not self.settings.events_enabled:
            return
        self.last_changes = store_article_events(store, article)

    def reset(self) -> None:
        self.last_changes = EventChanges()


def recode(store: Store, settings: Settings, encoder: Encoder,
           progress: Callable[[int], None] | None = None, batch: int = 16) -> int:
    """Code every stored article again and regroup the events; returns the article count."""
    coder = coder_for(settings)
    ids = list(store.iter_coding_inputs())
    with store.transaction():
        store.clear_reports()
    done = 0
    for i in range(0, len(ids), batch):
        articles = [store.get_article(a) for a in ids[i:i + batch]]
        coder.code_articles(articles, encoder)
        with store.transaction():
            for a in articles:
                store_article_events(store, a)
        done += len(articles)
        if progress is not None:
            progress(done)
    rebuild_events(store)
    return done


def code_text(text: str, language: str | None, settings: Settings, encoder: Encoder
              ) -> list[CodedEvent]:
    """Code a text that is not stored: detect its language and sentences, link actors."""
    from crosswire.actors.stage import link_text
    from crosswire.language import detect_language
    from crosswire.sentences import split_sentences

    lang = language or detect_language(text, settings.languages, settings.lang_short_chars,
                                       settings.lang_confidence)[0]
    article = Article(text=text, language=lang,
                      sentences=split_sentences(text, lang),
                      mentions=link_text(text, lang, load_kb(settings.actors_file or None),
                                         settings.actors_unknown))
    coder_for(settings).code_articles([article], encoder if settings.events_encoder else None)
    return article.events
