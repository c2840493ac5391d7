"""The actors stage (prepare) and hook (commit).

``ActorStage`` reads each article's text, title and language; it writes ``article.mentions``
(offsets into ``article.text``: known actors and new ones) and adds ``a:<actor id>`` to
``article.keys`` for every actor named in the title or text, so shared actors count as story
evidence. It is pure (the knowledge base is read-only data) and cannot fail on odd text; a
broken knowledge-base file fails the stage with a message naming the file.

``ActorHook`` reads the prepared mentions; it writes the ``actors``, ``actor_aliases`` and
``mentions`` rows of the article (replacing older ones on an update). Before writing, a new
actor whose name is written in another script is joined to an existing new actor with the
same consonant skeleton (``unknown.merge_key``) when the two share a known neighbour.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from crosswire.actors.kb import KnowledgeBase, load_kb
from crosswire.actors.link import Linker, split_cjk
from crosswire.actors.text import fold, tokenize
from crosswire.actors.unknown import find_unknown, merge_key, prefer_quoted
from crosswire.config import Settings
from crosswire.models import Article, Mention
from crosswire.store import ActorInfo, Store

KEY_PREFIX = "a:"
_linkers: dict[int, Linker] = {}


def linker_for(kb: KnowledgeBase) -> Linker:
    linker = _linkers.get(id(kb))
    if linker is None:
        linker = _linkers[id(kb)] = Linker(kb)
    return linker


def link_text(text: str, language: str | None, kb: KnowledgeBase, unknown: bool = True
              ) -> list[Mention]:
    """Known-actor mentions of ``text`` plus, with ``unknown``, new-actor mentions."""
    if not text:
        return []
    mentions = linker_for(kb).link(text, language)
    if unknown:
        mentions = prefer_quoted(text, mentions)
        tokens = split_cjk(tokenize(text))
        mentions += find_unknown(text, tokens, language, [(m.start, m.end) for m in mentions])
        mentions.sort(key=lambda m: m.start)
    return mentions


def actor_keys(mentions: list[Mention], known_only: bool = True) -> set[str]:
    return {KEY_PREFIX + m.actor_id for m in mentions
            if not (known_only and m.actor_id.startswith("new:"))}


@dataclass
class ActorStage:
    settings: Settings
    name: str = "actors"

    def __call__(self, articles: list[Article]) -> None:
        kb = load_kb(self.settings.actors_file or None)
        for a in articles:
            a.mentions = link_text(a.text, a.language, kb, self.settings.actors_unknown)
            if self.settings.actors_story_keys:
                in_title = link_text(a.title or "", a.language, kb, unknown=False)
                a.keys = frozenset(a.keys | actor_keys(a.mentions) | actor_keys(in_title))


class ActorHook:
    """Commit hook: persist the article's mentions and the actors they name."""

    name = "actors"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, store: Store, article: Article, is_update: bool) -> None:
        if article.id is None:
            return
        kb = load_kb(self.settings.actors_file or None)
        article.mentions = self.merge_new(store, kb, article.mentions)
        infos: dict[str, ActorInfo] = {}
        for m in article.mentions:
            if m.actor_id in infos:
                continue
            k = kb.get(m.actor_id)
            if k is not None:
                infos[m.actor_id] = ActorInfo(k.id, k.name, k.type, k.wikidata, True)
            else:
                infos[m.actor_id] = ActorInfo(m.actor_id, m.actor_name or m.text,
                                              m.actor_type or "unknown", None, False,
                                              merge_key(m.text))
        store.replace_mentions(article.id, article.mentions, article.language, infos,
                               {m.text: fold(m.text) for m in article.mentions})

    @staticmethod
    def merge_new(store: Store, kb: KnowledgeBase, mentions: list[Mention]) -> list[Mention]:
        """Join a new name in another script to a stored new actor that shares context."""
        known = {m.actor_id for m in mentions if not m.actor_id.startswith("new:")}
        remap: dict[str, str] = {}
        for m in mentions:
            if not m.actor_id.startswith("new:") or m.actor_id in remap:
                continue
            if store.get_actor(m.actor_id) is not None:
                continue
            key = merge_key(m.text)
            if len(key) < 4:
                continue
            for other in store.new_actor_by_key(key):
                neighbours = {n[0] for n in store.actor_neighbours(other, 50)}
                if neighbours & known:
                    remap[m.actor_id] = other
                    break
        if not remap:
            return mentions
        out = []
        for m in mentions:
            target = remap.get(m.actor_id)
            if target is None:
                out.append(m)
            else:
                stored = store.get_actor(target)
                out.append(replace(m, actor_id=target,
                                   actor_name=stored.name if stored else m.actor_name))
        return out
