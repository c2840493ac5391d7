"""Who did it to whom: actor slots in a sentence and their roles around the action word.

Reads a sentence's words, its actor mentions (from the actors stage) and the language's
lexicon; returns the source and target actors of an event and whether it is mutual. Pure;
any input gives an answer (possibly with no source or no target), never an error.

The evidence, strongest first (docs/events.md has the full list and the failures):

* markers around a name: prepositions (to/against, from, by, with, between, and their
  equivalents), postpositions (Turkish karşı, tarafından, ile), case suffixes after the
  apostrophe (Turkish dative -a/-e = target, ablative -dan/-den = origin, genitive = owner
  or subject of a nominalised verb), Arabic proclitics (ل = target), Chinese coverbs
  (向/对 = target, 从 = origin, 被/遭到 = agent);
* voice: a passive clause or a verb of receiving turns the subject into the target;
* owners of forces ("North Korean troops", "askeri birlikleri") act in deployments, attacks,
  withdrawals and deliveries;
* word order: the leftmost unmarked name in the action's clause (or the nearest one before
  it) is the subject; the first unmarked name after the action is the object; with no name
  before the verb (Arabic verb-subject-object), the first name after it is the subject.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from crosswire.actors.text import APOSTROPHES, fold
from crosswire.events.lexicon import Lexicon, PatternSet, Word
from crosswire.events.plover import (
    FORCE_OWNER_ACTS,
    FROM_IS_TARGET,
    LOCATION_IS_TARGET,
    SYMMETRIC,
)

MARKERS_BEFORE = ("agent", "origin", "target", "with", "between", "locative", "genitive")
_TR_CASES = {"dative": "target", "ablative": "origin", "locative": "locative",
             "accusative": "object", "genitive": "genitive", "comitative": "with"}
_RU_ACCUSATIVE_ENDINGS = ("у", "ю")
_CLAUSE_PUNCT = ",;:()\"«»“”—–，；：、"
ADJECTIVE_AFTER = frozenset({"fr", "es", "ar", "it", "pt", "fa"})  # "troupes russes"


@dataclass(slots=True)
class Slot:
    """One actor named in the sentence, with what the words around it say about its role."""

    actor: str
    start: int  # character offsets into the article text
    end: int
    w0: int  # words[w0:w1] cover the name
    w1: int
    place: bool = False  # a region or city: a target of last resort, never a source
    capital: bool = False  # a capital city (may stand for its state as a subject)
    base: bool = True  # written in its dictionary form (nominative; no case suffix)
    marks: set[str] = field(default_factory=set)
    group: int = -1
    force_owner: bool = False
    clause: int = 0
    target_for: set[str] = field(default_factory=set)  # types for which a marker means target


@dataclass(frozen=True, slots=True)
class Roles:
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    mutual: bool = False
    passive: bool = False
    receive: bool = False


def clause_ids(text: str, words: Sequence[Word], lex: Lexicon | None) -> list[int]:
    """Clause number of each word: punctuation and clause words start a new clause."""
    ids: list[int] = []
    cid = 0
    clause_words = lex.flags.get("clause") if lex else None
    for i, w in enumerate(words):
        if i:
            gap = text[words[i - 1].end:w.start]
            punct = any(c in _CLAUSE_PUNCT for c in gap)
            if punct or (clause_words and any(True for _ in clause_words.starting_at(words, i))):
                cid += 1
        ids.append(cid)
    return ids


def mark_slots(text: str, words: Sequence[Word], slots: list[Slot], lex: Lexicon | None,
               language: str | None) -> None:
    """Fill each slot's markers, case, force ownership and coordination group."""
    if lex is None:
        _group(text, words, slots, None)
        return
    skip = lex.roles.get("skip")
    for s in slots:
        k = s.w0
        skipped = 0
        while k > 0 and skip and skipped < 2 and skip.matches_ending_at(words, k):
            k -= 1
            skipped += 1
        for name in MARKERS_BEFORE:
            ps = lex.roles.get(name + "_before")
            if ps and ps.matches_ending_at(words, k):
                s.marks.add(name)
        for types, ps in lex.conditional_targets:
            if ps.matches_ending_at(words, k):
                s.target_for |= types
        for name in ("agent", "target", "with", "between"):
            ps = lex.roles.get(name + "_after")
            if ps and s.w1 < len(words) and any(True for _ in ps.starting_at(words, s.w1)):
                s.marks.add("with_after" if name == "with" else name)
        agent = lex.roles.get("agent_before")
        if agent and not s.marks & {"agent"}:  # "من قبل وزارة التجارة الأمريكية"
            for back in range(1, 4):
                if k - back > 0 and agent.matches_ending_at(words, k - back):
                    s.marks.add("agent_far")
                    break
        _case_marks(text, words, s, lex, language, k)
        s.force_owner = _owns_force(words, s, lex, language in ADJECTIVE_AFTER)
    _group(text, words, slots, lex)


def _case_marks(text: str, words: Sequence[Word], s: Slot, lex: Lexicon, language: str | None,
                k: int) -> None:
    surface = text[s.start:s.end]
    if lex.suffixes:  # Turkish: the suffix after the apostrophe
        cut = max(surface.rfind(a) for a in APOSTROPHES)
        if cut > 0:
            suffix = fold(surface[cut + 1:])
            for case, endings in lex.suffixes.items():
                if suffix in endings:
                    s.marks.add(_TR_CASES.get(case, case))
                    s.base = False
                    break
    if lex.proclitics:  # Arabic: a particle glued to the name
        w = next((x for x in words if x.start <= s.start < x.end), None)
        glued = fold(text[w.start:s.start]) if w is not None and w.start < s.start else ""
        if glued:
            for role, particles in lex.proclitics.items():
                if glued in particles or glued[-1:] in particles or glued[-2:] in particles:
                    s.marks.add("target" if role == "target" else role)
    if language == "ru" and ({"target", "locative"} & s.marks):
        prev = words[k - 1].folded if k > 0 else ""
        if prev in ("в", "во", "на"):
            into = s.base or fold(surface).endswith(_RU_ACCUSATIVE_ENDINGS)
            s.marks.discard("target" if not into else "locative")
            s.marks.add("target" if into else "locative")
    if (lex.target_if_next and "locative" in s.marks and 0 < k < s.w0
            and words[k].folded in lex.target_if_next):  # "in die Ukraine": direction
        s.marks.discard("locative")
        s.marks.add("target")


def _owns_force(words: Sequence[Word], s: Slot, lex: Lexicon, adjective_after: bool) -> bool:
    forces = lex.roles.get("force_nouns")
    if not forces:
        return False
    # "North Korean troops", "Kuzey Kore'nin askeri birlikleri": the force follows the name
    for k in range(s.w1, min(s.w1 + 3, len(words))):
        if any(True for _ in forces.starting_at(words, k)):
            return True
    # "troupes russes", "القوات الأمريكية": the name follows the force
    return adjective_after and s.w0 > 0 and forces.matches_ending_at(words, s.w0)


def _group(text: str, words: Sequence[Word], slots: list[Slot], lex: Lexicon | None) -> None:
    """Slots joined by "and" share a group; a comma joins only inside such a list ("X, Y
    and Z"), because a comma after a subject is common ("Türkiye, ... destek verdi")."""
    coord = lex.roles.get("coord") if lex else None
    skip = lex.roles.get("skip") if lex else None
    links = [_coordinated(text, words, slots[i - 1], slots[i], coord, skip) if i else ""
             for i in range(len(slots))]
    gid = 0
    for i, s in enumerate(slots):
        link = links[i]
        if link == "," and not (i + 1 < len(slots) and links[i + 1] == "and"):
            link = ""
        if link:
            s.group = slots[i - 1].group
            continue
        gid += 1
        s.group = gid
    # a group takes the markers before its first member and after/on its last member
    by_group: dict[int, list[Slot]] = {}
    for s in slots:
        by_group.setdefault(s.group, []).append(s)
    for members in by_group.values():
        if len(members) >= 2:  # "Rusya ile Çin": the "ile" joined them
            for m in members[:-1]:
                m.marks.discard("with_after")
        for m in members:
            if "with_after" in m.marks:
                m.marks.discard("with_after")
                m.marks.add("with")
        if len(members) < 2:
            continue
        first, last = members[0], members[-1]
        shared = {m for m in first.marks if m in MARKERS_BEFORE} | {
            m for m in last.marks if m not in MARKERS_BEFORE or m == "genitive"}
        for m in members:
            m.marks = set(shared)
            m.base = last.base


def _coordinated(text: str, words: Sequence[Word], a: Slot, b: Slot, coord: object,
                 skip: PatternSet | None = None) -> str:
    """"and" when two names are joined by a conjunction, "," by a comma alone, else ""."""
    gap = text[a.end:b.start]
    if len(gap) > 16 or any(c in ".;:!?" for c in gap):
        return ""
    stripped = gap.strip(" ,")
    if not stripped:
        return "," if "," in gap else ("and" if gap == "" else "")
    if "," in gap:  # ", and Iran may send": a new clause, not a list
        return ""
    if stripped == "、":
        return "and"
    gap_words = [w for w in words if a.end <= w.start and w.end <= b.start]
    while gap_words and skip is not None and skip.matches_ending_at(gap_words, len(gap_words)):
        gap_words = gap_words[:-1]  # "Israël et le Hamas"
    if not gap_words and stripped:  # Arabic و is glued to the next name: its word starts before it
        glued = [w for w in words if w.start < b.start < w.end or w.start == b.start]
        gap_words = [glued[0]] if glued and glued[0].start < b.start else []
        if gap_words:
            return "and" if fold(text[gap_words[0].start:b.start]) in ("و",) else ""
    if coord is None or not gap_words:
        return "and" if stripped in ("and", "&", "و", "和", "与", "及") else ""
    return "and" if any(e == len(gap_words) for _, e in _matches(coord, gap_words)) else ""


def _matches(ps: object, words: Sequence[Word]) -> list[tuple[int, int]]:
    find = getattr(ps, "find", None)
    return [] if find is None else [(s, e) for s, e, _ in find(words) if s == 0]


def assign_roles(slots: Sequence[Slot], event_type: str, trigger: int | None,
                 trigger_end: int | None, passive: bool, receive: bool,
                 verb_first: bool = False, subject_scope: str = "clause") -> Roles:
    """Source and target actors of an event of ``event_type`` anchored at word ``trigger``."""
    live = [s for s in slots if s.actor]
    if not live:
        return Roles((), ())
    t = trigger
    if t is None:  # no action word: treat the gap after the first name as the verb
        first = next((s for s in live if not s.place), live[0])
        t = 0 if verb_first else first.w1
    t_end = trigger_end if trigger_end is not None else t
    t_clause = _clause_at(live, t)

    def group_of(s: Slot) -> list[Slot]:
        return [x for x in live if x.group == s.group]

    def unmarked(s: Slot) -> bool:
        return not (s.marks & {"agent", "origin", "target", "with", "between", "locative",
                               "genitive", "object"})

    before = [s for s in live if s.w1 <= t]
    after = [s for s in live if s.w0 >= t_end]

    # --- source ---------------------------------------------------------------------------
    source: Slot | None = None
    agents = ([s for s in live if "agent" in s.marks and not s.place]
              or [s for s in live if "agent_far" in s.marks and not s.place]
              or [s for s in live if "origin" in s.marks and not s.place
                  and event_type not in FROM_IS_TARGET]) if passive else []
    subject = _subject(before, after, t_clause, unmarked, verb_first, subject_scope)
    if agents:
        source = min(agents, key=lambda s: abs(s.w0 - t))
    elif passive:  # "hit by Russian missiles", "atacado por drones rusos"
        owners = [s for s in live if s.force_owner and not s.place and s is not subject]
        source = owners[0] if owners else None
    elif receive:
        givers = [s for s in after if s.marks & {"origin", "genitive"} and not s.place] or [
            s for s in before if "origin" in s.marks and not s.place]
        source = givers[0] if givers else None
    if source is None and not passive and not receive:
        owners = [s for s in live if s.force_owner and not s.place
                  and not s.marks & {"target", "with", "locative", "origin", "object"}
                  and event_type in FORCE_OWNER_ACTS]
        if subject is not None:
            source = subject
        elif owners:
            source = owners[0]
        else:
            origins = [s for s in live if "origin" in s.marks and not s.place
                       and event_type not in FROM_IS_TARGET]
            source = origins[0] if origins else None
        if source is not None and owners and source.w0 > owners[0].w0 and not unmarked(source):
            source = owners[0]
    sources = group_of(source) if source is not None else []
    src_ids = {s.actor for s in sources}

    # --- target ---------------------------------------------------------------------------
    rest = [s for s in live if s.actor not in src_ids and s.group != (source.group if source
                                                                        else None)]
    target: Slot | None = None
    mutual = False
    if (passive or receive) and subject is not None and subject.actor not in src_ids:
        target = subject
    partners = [s for s in rest if s.marks & {"with", "between"} and not s.place] \
        if event_type in SYMMETRIC else []
    if event_type in SYMMETRIC and target is None:
        if len(sources) >= 2 and not partners:
            mutual = True  # "X and Y signed": no target outside the pair
        elif partners:
            target, mutual = partners[0], True
    if target is None and not mutual:
        target = _target(rest, t, t_end, t_clause, event_type, unmarked)
    targets = group_of(target) if target is not None else []
    if mutual and not targets and len(sources) >= 2:
        sources, targets = sources[:1], sources[1:]
        src_ids = {s.actor for s in sources}
    if mutual and not sources and len(targets) >= 2:  # "talks between X and Y"
        sources, targets = targets[:1], targets[1:]
        src_ids = {s.actor for s in sources}
    return Roles(tuple(dict.fromkeys(s.actor for s in sources)),
                 tuple(dict.fromkeys(s.actor for s in targets if s.actor not in src_ids)),
                 mutual, passive, receive)


def _clause_at(slots: Sequence[Slot], t: int) -> int:
    best = None
    for s in slots:
        if s.w0 <= t and (best is None or s.w0 >= best.w0):
            best = s
    return best.clause if best is not None else 0


def _subject(before: Sequence[Slot], after: Sequence[Slot], t_clause: int,
             is_free: Callable[[Slot], bool], verb_first: bool, scope: str = "clause"
             ) -> Slot | None:
    """The grammatical subject: leftmost base-form unmarked name in the action's clause
    (in the whole sentence for ``scope="sentence"``: Turkish "Türkiye, ..., verdi")."""
    cands = [s for s in before if is_free(s) and not s.place]
    in_clause = cands if scope == "sentence" else [s for s in cands if s.clause == t_clause]
    pool = in_clause or ([cands[-1]] if cands else [])
    if not pool:  # "Tahran, ... geri çevirdi": a capital read as a place still acts
        pool = [s for s in before if is_free(s) and s.capital]
    nominative = [s for s in pool if s.base]
    if nominative:
        return nominative[0]
    genitive = [s for s in before if "genitive" in s.marks and not s.place]
    if genitive and not pool:  # Turkish nominalised verb: "Almanya'nın ... göndermesi"
        return genitive[0]
    if pool:
        return pool[0]
    if verb_first or not before:
        firsts = [s for s in after if is_free(s) and not s.place]
        if firsts:
            return firsts[0]
    return None


def _target(rest: Sequence[Slot], t: int, t_end: int, t_clause: int, event_type: str,
            is_free: Callable[[Slot], bool]) -> Slot | None:
    if not rest:
        return None

    def near(s: Slot) -> tuple[int, int, int]:
        return (s.clause != t_clause, 0 if s.w0 >= t_end else 1, abs(s.w0 - t))

    marked = [s for s in rest if (s.marks & {"target", "object"}
                                  or event_type in s.target_for) and not s.place]
    # a name right after the action beats a marked one further on ("rejected the EU's
    # demand to sanction Russia", "respaldó la demanda de Sudáfrica contra Israel")
    nearest = [s for s in rest if s.w0 >= t_end and s.clause == t_clause and not s.place
               and (is_free(s) or "genitive" in s.marks)
               and not (s.force_owner and event_type in FORCE_OWNER_ACTS)]
    if nearest and marked:
        first = min(nearest, key=lambda s: s.w0)
        if all(first.w0 < m.w0 for m in marked):
            return first
    in_clause = [s for s in rest if s.clause == t_clause]
    if in_clause and len(in_clause) < len(rest):
        found = _target(in_clause, t, t_end, t_clause, event_type, is_free)
        if found is not None and not found.place:
            return found
    tiers: list[list[Slot]] = [
        marked,
        [s for s in rest if "with" in s.marks and event_type not in SYMMETRIC],
        [s for s in rest if is_free(s) and not s.base and not s.place],
        [s for s in rest if is_free(s) and s.w0 >= t_end and not s.place],
        [s for s in rest if is_free(s) and s.w1 <= t and not s.place],
        [s for s in rest if "genitive" in s.marks and not s.place],
        [s for s in rest if "origin" in s.marks and event_type in FROM_IS_TARGET],
        [s for s in rest if "locative" in s.marks and event_type in LOCATION_IS_TARGET],
        [s for s in rest if "origin" in s.marks and not s.place],
        [s for s in rest if "agent" in s.marks and not s.place],  # "plan proposed by X"
        [s for s in rest if s.marks & {"target", "object"} and event_type in
         LOCATION_IS_TARGET | FROM_IS_TARGET | {"AID", "REQUEST", "SUPPORT"}],
        [s for s in rest if not s.place],
        [s for s in rest if "agent" not in s.marks],  # a place: "visit Washington"
    ]
    for tier in tiers:
        if tier:
            return min(tier, key=near)
    return None
