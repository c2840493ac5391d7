"""Persistence. ``open_store`` picks the backend from the ``--db`` value."""

from __future__ import annotations

from crosswire.errors import ConfigError
from crosswire.store.actors import ActorInfo
from crosswire.store.base import Store, StoryFilter, StoryState


def open_store(db: str) -> Store:
    """Open (and migrate) the store at ``db``: a SQLite path or a postgresql:// URL."""
    store: Store
    if is_postgres_url(db):
        from crosswire.store.postgres import PostgresStore

        store = PostgresStore(db)
    elif "://" in db:
        raise ConfigError(f"unknown database URL {db.split('://')[0]}://... "
                          "(use a SQLite file path or postgresql://)")
    else:
        from crosswire.store.sqlite import SQLiteStore

        store = SQLiteStore(db)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store


def is_postgres_url(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


__all__ = ["ActorInfo", "Store", "StoryFilter", "StoryState", "is_postgres_url", "open_store"]
