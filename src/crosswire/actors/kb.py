"""The actor knowledge base: who can be named, under which names, in which languages.

Reads the built file shipped in the package (``data/kb.json.gz``, written by
``python -m crosswire.actors.build``) and, when the ``actors_file`` setting names one, a
user file in the same TOML format as ``data/curated.toml`` that adds actors or extends and
overrides shipped ones. Writes nothing. A missing or unreadable user file raises
``ConfigError`` naming the file; a broken shipped file raises ``CrosswireError``.

Loading is cheap by design: the builder stores every alias already folded, with the lookup
keys of its first word, so run time only fills dictionaries (see ``bench/actors.py``).
"""

from __future__ import annotations

import gzip
import json
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crosswire.actors.text import (
    STEM_ENDINGS,
    alias_stems,
    case_class,
    fold_tokens,
    is_cjk,
)
from crosswire.errors import ConfigError, CrosswireError

DATA = Path(__file__).parent / "data"
BUILT = DATA / "kb.json.gz"

# alias flags
PARTIAL = 1  # e.g. a surname alone: counts only when the full name is in the same article
DEMONYM = 2  # an adjective or people name ("Russian", "russe", "روسي")

ACTOR_TYPES = ("country", "organisation", "person", "city", "region", "armed_group",
               "armed_force", "government", "facility", "unknown")


@dataclass(slots=True)
class KBActor:
    """One actor the knowledge base knows: stable id, names, and what helps to pick it."""

    id: str
    name: str
    type: str
    wikidata: str | None = None
    country: str | None = None  # the country actor a place or person belongs to
    prior: float = 0.0  # tie-breaker among actors sharing a name (bigger wins)
    context: tuple[str, ...] = ()  # actor ids whose presence makes this reading likelier
    metonym_of: str | None = None  # a capital that stands for its country ("Moscow said")
    role: str | None = None
    names: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "type": self.type, "wikidata": self.wikidata,
                "country": self.country, "role": self.role,
                "aliases": [{"name": n, "language": lang}
                            for lang, ns in sorted(self.names.items()) for n in ns]}


@dataclass(slots=True)
class AliasEntry:
    """A folded alias and the actors it may name."""

    words: tuple[str, ...]
    case: int
    flags: int
    stemmed: bool
    actors: list[int]


class KnowledgeBase:
    """Actors plus the alias indexes the linker searches.

    ``rows`` holds every alias as ``[folded words joined by spaces, case, flags, stemmed,
    actor indexes]``; ``first`` maps each lookup key of an alias's first word to row numbers,
    and ``cjk`` maps the first character of a Chinese/Japanese alias to row numbers (longest
    first). Rows become ``AliasEntry`` objects only when the linker touches them.
    """

    def __init__(self) -> None:
        self.actors: list[KBActor] = []
        self.by_id: dict[str, int] = {}
        self.rows: list[list[Any]] = []
        self.first: dict[str, list[int]] = {}
        self.cjk: dict[str, list[int]] = {}
        self.sources: list[str] = []
        self._row_of: dict[tuple[str, int], int] | None = None
        self._entries: dict[int, AliasEntry] = {}

    def __len__(self) -> int:
        return len(self.actors)

    def get(self, actor_id: str) -> KBActor | None:
        i = self.by_id.get(actor_id)
        return None if i is None else self.actors[i]

    def entry(self, row: int) -> AliasEntry:
        e = self._entries.get(row)
        if e is None:
            words, case, flags, stemmed, actors = self.rows[row]
            e = self._entries[row] = AliasEntry(tuple(words.split(" ")), int(case), int(flags),
                                                bool(stemmed), actors)
        return e

    def lookup(self, key: str) -> list[AliasEntry]:
        return [self.entry(r) for r in self.first.get(key, ())]

    def cjk_entries(self, ch: str) -> list[AliasEntry]:
        return [self.entry(r) for r in self.cjk.get(ch, ())]

    # --- building ----------------------------------------------------------------------
    def upsert(self, actor: KBActor) -> int:
        """Add an actor, or merge it into the one with the same id (new values win)."""
        i = self.by_id.get(actor.id)
        if i is None:
            self.by_id[actor.id] = len(self.actors)
            self.actors.append(actor)
            return len(self.actors) - 1
        old = self.actors[i]
        for f in ("name", "type", "wikidata", "country", "metonym_of", "role"):
            v = getattr(actor, f)
            if v:
                setattr(old, f, None if v == "none" else v)
        if actor.prior:
            old.prior = actor.prior
        old.context = tuple(dict.fromkeys((*old.context, *actor.context)))
        for lang, ns in actor.names.items():
            have = old.names.setdefault(lang, [])
            have.extend(n for n in ns if n not in have)
        return i

    def add_alias(self, words: tuple[str, ...], case: int, flags: int, stemmed: bool,
                  actor: int) -> None:
        if not words or not words[0]:
            return
        if self._row_of is None:
            self._row_of = {(r[0], int(r[2]) & PARTIAL): n for n, r in enumerate(self.rows)}
        joined = " ".join(words)
        n = self._row_of.get((joined, flags & PARTIAL))
        if n is None:
            n = self._row_of[(joined, flags & PARTIAL)] = len(self.rows)
            self.rows.append([joined, case, flags, int(stemmed), [actor]])
            if len(words) == 1 and is_cjk(words[0][0]):
                lst = self.cjk.setdefault(words[0][0], [])
                lst.append(n)
                lst.sort(key=lambda r: -len(self.rows[r][0]))
            else:
                for k in first_keys(words[0], stemmed):
                    self.first.setdefault(k, []).append(n)
            return
        row = self.rows[n]
        row[1] = min(row[1], case) if row[1] and case else 0
        row[2] = int(row[2]) | (flags & DEMONYM)
        row[3] = int(row[3] or stemmed)
        if actor not in row[4]:
            row[4].append(actor)
        self._entries.pop(n, None)

    def add_names(self, actor: int, names: dict[str, list[str]], flags: int = 0) -> None:
        for lang, ns in names.items():
            for name in ns:
                self.add_alias(fold_tokens(name), case_class(name), flags,
                               lang in STEM_ENDINGS, actor)


def first_keys(word: str, stemmed: bool) -> list[str]:
    return [word, *alias_stems(word, stemmed)]


def read_built(kb: KnowledgeBase, path: Path = BUILT) -> None:
    """Load the shipped, prebuilt knowledge base (into an empty ``kb``)."""
    try:
        with gzip.open(path, "rb") as fh:
            data = json.loads(fh.read())
        for rec in data["actors"]:
            kb.by_id[rec["id"]] = len(kb.actors)
            kb.actors.append(KBActor(
                id=rec["id"], name=rec["name"], type=rec["type"], wikidata=rec.get("q"),
                country=rec.get("c"), prior=float(rec.get("p", 0.0)),
                context=tuple(rec.get("ctx", ())), metonym_of=rec.get("m"), role=rec.get("r"),
                names=rec.get("n", {}),
            ))
        kb.rows = data["rows"]
        kb.first = data["first"]
        kb.cjk = data["cjk"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CrosswireError(f"actor knowledge base {path} is unreadable ({exc}); "
                             "rebuild it with `python -m crosswire.actors.build`") from exc
    kb.sources.append(str(path))


def read_toml(kb: KnowledgeBase, path: Path) -> None:
    """Add or extend actors from a TOML file (the curated file or a user's own)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"actors file {path}: {exc}") from exc
    for n, rec in enumerate(data.get("actor", []), start=1):
        try:
            add_record(kb, rec)
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"actors file {path}: actor #{n}: {exc}") from exc
    for aid, qid in data.get("wikidata", {}).items():
        actor = kb.get(str(aid))
        if actor is not None:
            actor.wikidata = str(qid) or None
    kb.sources.append(str(path))


def _names(rec: dict[str, Any], key: str) -> dict[str, list[str]]:
    table = rec.get(key, {})
    if not isinstance(table, dict):
        raise ValueError(f"{key} must be a table of language = [names]")
    return {str(k): [str(x) for x in (v if isinstance(v, list) else [v])]
            for k, v in table.items()}


def add_record(kb: KnowledgeBase, rec: dict[str, Any]) -> int:
    """One ``[[actor]]`` table: id, name, type, names = {lang = [...]}, and optional fields."""
    aid = str(rec["id"])
    names = _names(rec, "names")
    existing = kb.get(aid)
    typ = str(rec.get("type") or (existing.type if existing else ""))
    if typ not in ACTOR_TYPES:
        raise ValueError(f"type {typ!r} is not one of {', '.join(ACTOR_TYPES)}")
    name = str(rec.get("name") or (existing.name if existing else "")
               or next((v[0] for v in names.values() if v), aid))
    default_prior = 1.0 if typ == "country" else 0.9  # hand-written beats generated names
    i = kb.upsert(KBActor(
        id=aid, name=name, type=typ, wikidata=rec.get("wikidata") or None,
        country=rec.get("country"), prior=float(rec.get("prior", default_prior)),
        context=tuple(rec.get("context", ())), metonym_of=rec.get("metonym_of"),
        role=rec.get("role"), names=names,
    ))
    kb.add_names(i, names)
    kb.add_names(i, _names(rec, "partial"), PARTIAL)
    demonyms = _names(rec, "demonyms")
    if "ar" in demonyms:  # Arabic adjectives also appear without the article: أمريكية
        demonyms["ar"] = demonyms["ar"] + [d[2:] for d in demonyms["ar"] if d.startswith("ال")]
    kb.add_names(i, demonyms, DEMONYM)
    return i


_cache: dict[str, KnowledgeBase] = {}
_lock = threading.Lock()


def load_kb(user_file: str | None = None) -> KnowledgeBase:
    """The shipped knowledge base plus ``user_file`` (cached per process and file)."""
    key = user_file or ""
    with _lock:
        kb = _cache.get(key)
        if kb is None:
            kb = KnowledgeBase()
            read_built(kb)
            if user_file:
                path = Path(user_file).expanduser()
                if not path.is_file():
                    raise ConfigError(f"actors file {path} does not exist")
                read_toml(kb, path)
            _cache[key] = kb
        return kb
