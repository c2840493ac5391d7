"""Read-side actor use cases: resolve a name typed by a user, show a known actor that no
article mentions yet, and relink every stored article.

Reads the store and the knowledge base; writes only in ``relink`` (mentions and actors, one
transaction per article). A name that matches nothing resolves to an empty list.
"""

from __future__ import annotations

from collections.abc import Callable

from crosswire.actors.kb import load_kb
from crosswire.actors.stage import ActorHook, link_text
from crosswire.actors.text import fold
from crosswire.config import Settings
from crosswire.errors import NotFound
from crosswire.models import Actor, Article
from crosswire.store import Store

# languages whose inflections are tried when a typed name matches no alias as written
_QUERY_LANGUAGES = (None, "tr", "ru", "uk", "ar", "de", "ko", "pl", "fr", "es")


def resolve_actor(store: Store, settings: Settings, name_or_id: str) -> list[str]:
    """Stored actors first (by id or a name seen), then knowledge-base actors by any alias."""
    query = name_or_id.strip()
    if not query:
        return []
    ids = store.find_actors(query, fold(query))
    if ids:
        return ids
    kb = load_kb(settings.actors_file or None)
    if kb.get(query) is not None:
        return [query]
    for variant in dict.fromkeys((query, query.title(), query.upper())):
        for lang in _QUERY_LANGUAGES:
            mentions = link_text(variant, lang, kb, unknown=False)
            if not mentions:
                continue
            best = max(mentions, key=lambda m: (m.end - m.start, -m.start))
            if (best.end - best.start) >= 0.6 * len(variant.strip()):
                found = [best.actor_id]
                return found + [i for i in store.find_actors(best.actor_id, "") if i not in found]
    return []


def kb_actor(settings: Settings, actor_id: str) -> Actor:
    """A knowledge-base actor no stored article mentions (zero counts, its known names)."""
    k = load_kb(settings.actors_file or None).get(actor_id)
    if k is None:
        raise NotFound(f"no actor with id {actor_id!r}")
    aliases = [(n, "" if lang == "*" else lang) for lang, ns in sorted(k.names.items())
               for n in ns]
    return Actor(id=k.id, name=k.name, type=k.type, wikidata=k.wikidata, aliases=aliases)


def relink(store: Store, settings: Settings,
           progress: Callable[[int], None] | None = None) -> int:
    """Recompute the mentions of every stored article; returns how many were relinked."""
    kb = load_kb(settings.actors_file or None)
    hook = ActorHook(settings)
    with store.transaction():
        store.clear_mentions()
    n = 0
    for aid, text, title, language in store.iter_article_texts():
        article = Article(text=text, title=title, id=aid, language=language)
        article.mentions = link_text(text, language, kb, settings.actors_unknown)
        with store.transaction():
            hook(store, article, is_update=False)
        n += 1
        if progress is not None:
            progress(n)
    return n
