"""The pipeline: raw documents in, stored articles in stories out.

Two phases, so per-article work can run anywhere (a thread, a Ray worker) and only the store
work is serial:

1. ``prepare``: pure stages over a batch of articles, no store access: extract (HTML), clean,
   language, sentences, story keys, embed. A later stage appends itself to ``Pipeline.stages``.
2. ``commit``: one transaction per article, in publication order within a chunk (ingest order
   when undated): duplicate check by content hash, same-URL update, insert, then every commit
   hook (story assignment first; later capabilities add theirs).

Per-article error policy: a document that cannot be read or has no text is rejected with a
reason (and the rejection stored); a stage that crashes on a batch is retried article by
article so only the article that breaks it is rejected. Nothing stored is ever removed.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from crosswire.clean import clean_text, cut_to_limit, normalize_title
from crosswire.config import Settings
from crosswire.embed import Encoder, lead_within_budget
from crosswire.errors import CrosswireError, InputError
from crosswire.ingest.html import extract_html
from crosswire.language import detect_language, detect_sentence_languages
from crosswire.models import Article, IngestResult, IngestSummary, RawDocument, utc_now
from crosswire.sentences import split_sentences
from crosswire.store import Store

log = logging.getLogger(__name__)

_LANG_CODE = re.compile(r"^[a-z]{2,3}$")


class Stage(Protocol):
    """A pure per-article stage, run over a batch. It mutates the articles it is given."""

    name: str

    def __call__(self, articles: list[Article]) -> None: ...


class CommitHook(Protocol):
    """Runs inside the article's transaction after it is stored (``article.id`` is set)."""

    name: str

    def __call__(self, store: Store, article: Article, is_update: bool) -> None: ...


def content_hash(text: str) -> str:
    """Identity of an article: the hash of its clean text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_language(code: str | None) -> str | None:
    if code is None:
        return None
    c = code.strip().lower().replace("_", "-").split("-")[0]
    if not _LANG_CODE.match(c):
        raise InputError(f"language {code!r} is not an ISO 639 code such as 'en' or 'tr'")
    return c


def to_article(raw: RawDocument, settings: Settings, forced_language: str | None = None
               ) -> Article:
    """Extract (HTML), clean and identify one document; raises ``InputError``."""
    text, title = raw.text, raw.title
    published, source, url, author = raw.published, raw.source, raw.url, raw.author
    if raw.html is not None:
        page = extract_html(raw.html, url=raw.url)
        text = page.text
        title = title or page.title
        published = published or page.published
        source = source or page.sitename
        url = url or page.url
        author = author or page.author
    if text is None or not text.strip():
        raise InputError("empty document (no text)")
    cleaned = clean_text(text)
    if not cleaned.text:
        raise InputError("no article text left after removing page debris")
    body, truncated = cut_to_limit(cleaned.text, settings.max_text_chars)
    article = Article(
        text=body, title=normalize_title(title), external_id=raw.external_id,
        debris=cleaned.debris, source=normalize_title(source), url=(url or None),
        path=raw.path, published=published, fetched=raw.fetched or utc_now(),
        content_hash=content_hash(body), author=normalize_title(author),
    )
    if truncated:
        article.flags.append("truncated")
    forced = normalize_language(forced_language or raw.language)
    if forced:
        article.language, article.language_confidence = forced, 1.0
    return article


@dataclass
class LanguageStage:
    settings: Settings
    name: str = "language"

    def __call__(self, articles: list[Article]) -> None:
        s = self.settings
        for a in articles:
            if a.language is None:
                sample = f"{a.title}\n{a.text}" if a.title else a.text
                a.language, conf = detect_language(sample, s.languages, s.lang_short_chars,
                                                   s.lang_confidence)
                a.language_confidence = conf
                if a.language is None:
                    a.flags.append("language_unknown")


@dataclass
class SentenceStage:
    name: str = "sentences"

    def __call__(self, articles: list[Article]) -> None:
        for a in articles:
            spans = split_sentences(a.text, a.language)
            langs = detect_sentence_languages([a.text[s.start:s.end] for s in spans], a.language)
            a.sentences = [
                type(s)(index=s.index, start=s.start, end=s.end, language=lang)
                for s, lang in zip(spans, langs, strict=True)
            ]
            if any(lang != a.language for lang in langs):
                a.flags.append("mixed_language")


@dataclass
class KeyStage:
    """Story evidence that does not depend on the encoder (numbers, names)."""

    name: str = "keys"

    def __call__(self, articles: list[Article]) -> None:
        from crosswire.story_evidence import article_keys

        for a in articles:
            a.keys = frozenset(a.keys | article_keys(a))


@dataclass
class EmbedStage:
    """The article vector: title + lead within the token budget, passage side."""

    encoder: Encoder
    budget: int
    name: str = "embed"

    def __call__(self, articles: list[Article]) -> None:
        leads: list[str] = []
        for a in articles:
            lead, used = lead_within_budget(
                a.title, a.text, [(s.start, s.end) for s in a.sentences], self.budget,
                self.encoder.count_tokens,
            )
            a.n_tokens = used
            leads.append(lead)
        if leads:
            vectors = self.encoder.encode_passages(leads)
            for a, v in zip(articles, vectors, strict=True):
                a.vector = v


def default_stages(settings: Settings, encoder: Encoder) -> list[Stage]:
    from crosswire.actors.stage import ActorStage
    from crosswire.events.stage import EventStage

    return [LanguageStage(settings), SentenceStage(), KeyStage(), ActorStage(settings),
            EmbedStage(encoder, settings.article_token_budget), EventStage(settings, encoder)]


def commit_order(article: Article, seq: int) -> tuple[int, float, str, int]:
    """Sort key for commits: dated articles by publication time (equal times by content, not
    by input position), then undated ones in input order (``seq``)."""
    if article.published is not None:
        return (0, article.published.timestamp(), article.content_hash or "", seq)
    return (1, 0.0, "", seq)


def prepare_documents(settings: Settings, stages: Sequence[Stage], raws: Sequence[RawDocument],
                      forced_language: str | None = None) -> list[Article | IngestResult]:
    """Phase 1 for a batch, anywhere (no store): an article or a rejection for each input."""
    out: list[Article | IngestResult] = []
    good: list[Article] = []
    for raw in raws:
        try:
            article = to_article(raw, settings, forced_language)
        except CrosswireError as exc:
            out.append(IngestResult("rejected", raw.origin, raw.line, reason=str(exc)))
            continue
        out.append(article)
        good.append(article)
    failed = run_stages(stages, good)
    return [
        IngestResult("rejected", raws[i].origin, raws[i].line, reason=failed[id(item)])
        if isinstance(item, Article) and id(item) in failed else item
        for i, item in enumerate(out)
    ]


def run_stages(stages: Sequence[Stage], articles: list[Article]) -> dict[int, str]:
    """Run stages on the batch; on a crash retry one by one. Returns failures by id()."""
    failed: dict[int, str] = {}
    live = list(articles)
    for stage in stages:
        if not live:
            break
        try:
            stage(live)
        except Exception as batch_exc:  # isolate the article that breaks the stage
            log.debug("stage %s failed on a batch: %s", stage.name, batch_exc)
            survivors = []
            for a in live:
                try:
                    stage([a])
                    survivors.append(a)
                except Exception as exc:
                    failed[id(a)] = f"stage {stage.name} failed: {exc}"
            live = survivors
    return failed


@dataclass
class Pipeline:
    """Ingest documents into a store; see the module docstring."""

    settings: Settings
    store: Store
    encoder: Encoder
    stages: list[Stage] = field(default_factory=list)
    hooks: list[CommitHook] = field(default_factory=list)
    chunk_size: int = 32

    @classmethod
    def build(cls, settings: Settings, store: Store, encoder: Encoder) -> Pipeline:
        from crosswire.actors.stage import ActorHook
        from crosswire.alerts import AlertHook
        from crosswire.events.stage import EventHook
        from crosswire.provenance.copies import ProvenanceHook
        from crosswire.stories import StoryAssigner

        # alerts last: they read the story and whatever later hooks (actors, events) add
        return cls(settings=settings, store=store, encoder=encoder,
                   stages=default_stages(settings, encoder),
                   hooks=[StoryAssigner(settings, encoder), ActorHook(settings),
                          EventHook(settings), ProvenanceHook(settings), AlertHook()])

    # --- phase 1 ---------------------------------------------------------------------------
    def prepare(self, raws: Sequence[RawDocument], forced_language: str | None = None
                ) -> list[Article | IngestResult]:
        """Run the pure stages; returns an article or a rejection for each input."""
        return prepare_documents(self.settings, self.stages, raws, forced_language)

    # --- phase 2 ---------------------------------------------------------------------------
    def commit(self, article: Article, origin: str = "", line: int | None = None
               ) -> IngestResult:
        """Store one prepared article in its own transaction."""
        assert article.content_hash is not None
        try:
            return self._commit(article, origin, line)
        except BaseException:
            for hook in self.hooks:  # hooks may cache state that the rollback just undid
                reset = getattr(hook, "reset", None)
                if reset is not None:
                    reset()
            raise

    def _commit(self, article: Article, origin: str, line: int | None) -> IngestResult:
        store = self.store
        assert article.content_hash is not None
        with store.transaction():
            existing = store.find_by_hash(article.content_hash)
            if existing is not None:
                return IngestResult("duplicate", origin, line, article_id=existing)
            is_update = False
            if article.url:
                found = store.find_by_url(article.url)
                if found is not None:
                    article.id, _, article.story_id = found  # hooks see the old story
                    store.replace_article(article.id, article, self.encoder.name)
                    is_update = True
            if not is_update:
                article.id = store.insert_article(article, self.encoder.name)
            store.count_keys(article.keys)
            for hook in self.hooks:
                hook(store, article, is_update)
        return IngestResult("updated" if is_update else "stored", origin, line,
                            article_id=article.id, story_id=article.story_id)

    # --- both ------------------------------------------------------------------------------
    def ingest(
        self, items: Iterable[RawDocument | IngestResult], forced_language: str | None = None,
        on_result: Callable[[IngestResult], None] | None = None,
    ) -> IngestSummary:
        """Prepare and commit everything; rejections are stored and reported, never raised."""
        summary = IngestSummary()
        for chunk in _chunks(items, self.chunk_size):
            raws = [x for x in chunk if isinstance(x, RawDocument)]
            results: list[IngestResult] = [x for x in chunk if isinstance(x, IngestResult)]
            prepared = self.prepare(raws, forced_language)
            ready: list[tuple[Any, int, Article, RawDocument]] = []
            for i, (raw, item) in enumerate(zip(raws, prepared, strict=True)):
                if isinstance(item, IngestResult):
                    results.append(item)
                else:
                    ready.append((commit_order(item, i), i, item, raw))
            ready.sort(key=lambda r: r[0])
            for _, _, article, raw in ready:
                results.append(self.commit(article, raw.origin, raw.line))
            for r in results:
                if r.status == "rejected":
                    self.store.add_rejection(r.origin, r.line, r.reason or "rejected")
                summary.add(r)
                if on_result is not None:
                    on_result(r)
        return summary


def _chunks(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
