"""Persistence. ``open_store`` picks the backend from the ``--db`` value."""

from __future__ import annotations

from crosswire.errors import ConfigError
from crosswire.store.actors import ActorInfo
from crosswire.store.base import Store, StoryFilter, StoryState


def open_store(db: str) -> Store:
    """Open (and migrate) the store at ``db``: a SQLite path or a postgresql:// URL."""
    if db.startswith(("postgresql://", "postgres://")):
        raise ConfigError("PostgreSQL is not available in this build; use a SQLite file path")
    from crosswire.store.sqlite import SQLiteStore

    store = SQLiteStore(db)
    store.migrate()
    return store


__all__ = ["ActorInfo", "Store", "StoryFilter", "StoryState", "open_store"]
