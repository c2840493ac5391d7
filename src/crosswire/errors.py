"""The exception tree. Every error carries a one-line message a user can act on.

Catch by meaning: ``InputError`` for a document we refuse, ``StoreError`` for the database,
``ConfigError`` for settings, ``EncoderError`` for the embedding model.
"""

from __future__ import annotations


class CrosswireError(Exception):
    """Base class: ``str(exc)`` is the one-line message shown to the user."""


class ConfigError(CrosswireError):
    """Bad settings or usage (exit status 2)."""


class InputError(CrosswireError):
    """A document that cannot be ingested; the batch goes on without it."""


class StoreError(CrosswireError):
    """The database could not be opened, migrated, read or written."""


class EncoderError(CrosswireError):
    """The embedding model could not be loaded or run."""


class NotFound(CrosswireError):
    """A requested record (article, story, ...) does not exist."""
