"""crosswire: multilingual news intelligence on one machine, offline.

The Python API::

    import crosswire
    cw = crosswire.open("news.db")
    cw.ingest(["articles/"])
    cw.stories()
"""

from __future__ import annotations

__version__ = "0.1.0"

from crosswire.app import Crosswire, open
from crosswire.config import Settings, load_settings
from crosswire.errors import (
    ConfigError,
    CrosswireError,
    EncoderError,
    InputError,
    NotFound,
    StoreError,
)
from crosswire.models import Article, IngestResult, IngestSummary, RawDocument, Story

__all__ = [
    "Article",
    "ConfigError",
    "Crosswire",
    "CrosswireError",
    "EncoderError",
    "IngestResult",
    "IngestSummary",
    "InputError",
    "NotFound",
    "RawDocument",
    "Settings",
    "StoreError",
    "Story",
    "__version__",
    "load_settings",
    "open",
]  # fmt: skip
