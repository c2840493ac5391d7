"""Event cue lexicons: per-language word lists that name actions, modes, roles and flags.

Reads the TOML files in ``events/data/cues/`` (one per language, hand-written; the format is
described in docs/events.md). Writes nothing. A broken file raises ``CrosswireError`` naming
the file; a language without a file gets ``None`` and is coded by the encoder alone.

A cue is a sequence of words; ``stem*`` matches any word starting with the stem. Words are
folded like actor names (``actors.text.fold``), Arabic words are also tried without their
proclitics and the future prefix س, and Chinese/Japanese text is matched character by
character, so one matcher serves every script.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from crosswire.actors.text import WORD, arabic_variants, fold, is_arabic, is_cjk
from crosswire.errors import CrosswireError
from crosswire.events.plover import MODES, TYPES

CUES_DIR = Path(__file__).parent / "data" / "cues"
PAIR_WINDOW = 5  # words (characters in CJK: see PAIR_WINDOW_CJK)
PAIR_WINDOW_CJK = 12
STRONG, WEAK = 1.0, 0.5


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a sentence: offsets into the article text and its comparable forms."""

    start: int
    end: int
    text: str
    forms: tuple[str, ...]
    future: bool = False  # Arabic س prefix (سيرسل: "will send")

    @property
    def folded(self) -> str:
        return self.forms[0]


def words_of(text: str, offset: int = 0) -> list[Word]:
    """The words of ``text`` (a sentence) with offsets shifted by ``offset``.

    CJK characters are one word each; Arabic words carry their forms without proclitics.
    """
    out: list[Word] = []
    for m in WORD.finditer(text):
        tok, s = m.group(), m.start()
        if any(is_cjk(c) for c in tok):
            run_start = 0
            for k in range(1, len(tok) + 1):
                if k < len(tok) and not is_cjk(tok[k]) and not is_cjk(tok[run_start]):
                    continue
                piece = tok[run_start:k]
                out.append(_word(piece, offset + s + run_start))
                run_start = k
            continue
        out.append(_word(tok, offset + s))
    return out


def _word(tok: str, start: int) -> Word:
    f = fold(tok)
    if f and is_arabic(f[0]):
        forms = [f, *arabic_variants(f)]
        forms += [x[2:] for x in forms if x.startswith("ال") and len(x) > 4]
        future = False
        for base in list(forms):
            if len(base) > 3 and base[0] == "س" and base[1] in "يتنا":
                forms.append(base[1:])
                future = True
        return Word(start, start + len(tok), tok, tuple(dict.fromkeys(forms)), future)
    return Word(start, start + len(tok), tok, (f,))


# --- patterns -----------------------------------------------------------------------------
Pattern = tuple[tuple[str, bool], ...]  # (folded word, is prefix)


def compile_pattern(cue: str, cjk: bool) -> Pattern:
    parts: list[tuple[str, bool]] = []
    for raw in cue.split():
        prefix = raw.endswith("*")
        w = fold(raw.rstrip("*"))
        if cjk and any(is_cjk(c) for c in w):
            parts.extend((c, False) for c in w)
            if prefix:
                parts[-1] = (parts[-1][0], True)
        else:
            parts.extend((p, prefix) for p in _split_word(w, prefix))
    if not parts:
        raise ValueError(f"empty cue {cue!r}")
    return tuple(parts)


def _split_word(w: str, prefix: bool) -> list[str]:
    """A cue word the tokenizer would split ("co-operat", "l'") becomes several words."""
    pieces = WORD.findall(w)
    return pieces or [w]


def word_matches(word: Word, part: tuple[str, bool]) -> bool:
    w, prefix = part
    if prefix:
        return any(f.startswith(w) for f in word.forms)
    return w in word.forms


class PatternSet:
    """Patterns indexed by the start of their first word, for fast scanning."""

    def __init__(self, patterns: Sequence[tuple[Pattern, Any]]) -> None:
        self._by_key: dict[str, list[tuple[Pattern, Any]]] = {}
        for p, payload in patterns:
            self._by_key.setdefault(p[0][0][:2], []).append((p, payload))

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def starting_at(self, words: Sequence[Word], i: int) -> Iterator[tuple[int, Any]]:
        """(end index, payload) of every pattern that matches at word ``i``."""
        seen: set[str] = set()
        for form in words[i].forms:
            for key in (form[:2], form[:1]):
                if key in seen:
                    continue
                seen.add(key)
                for p, payload in self._by_key.get(key, ()):
                    end = match_at(p, words, i)
                    if end is not None:
                        yield end, payload

    def stems_of(self, word: str) -> list[str]:
        """The one-word prefix patterns (stems) that ``word`` starts with."""
        return [p[0][0] for key in dict.fromkeys((word[:2], word[:1]))
                for p, _ in self._by_key.get(key, ())
                if len(p) == 1 and p[0][1] and word.startswith(p[0][0])]

    def find(self, words: Sequence[Word]) -> list[tuple[int, int, Any]]:
        """(start, end, payload) of every match in ``words``."""
        return [(i, end, payload) for i in range(len(words))
                for end, payload in self.starting_at(words, i)]

    def matches_ending_at(self, words: Sequence[Word], end: int) -> bool:
        """Whether a pattern covers exactly words[k:end] for some k."""
        return any(e == end for k in range(max(0, end - 4), end)
                   for e, _ in self.starting_at(words, k))


def match_at(p: Pattern, words: Sequence[Word], i: int) -> int | None:
    if i + len(p) > len(words):
        return None
    for k, part in enumerate(p):
        if not word_matches(words[i + k], part):
            return None
    return i + len(p)


# --- the lexicon --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CueHit:
    """A cue for an event type found in a sentence, at words[start:end]."""

    type: str
    start: int
    end: int
    weight: float


@dataclass(frozen=True, slots=True)
class CuePair:
    """Two word lists that name an action together ("sent ... troops"). A ``final`` pair is a
    separable verb whose particle closes the clause ("lehnte ... ab")."""

    type: str
    first: PatternSet
    second: PatternSet
    final: bool = False


@dataclass
class Lexicon:
    """Everything the coder knows about one language's words (see the module docstring)."""

    language: str
    cjk: bool
    cues: PatternSet  # payload: (type, weight)
    pairs: list[CuePair]
    not_cues: dict[str, PatternSet]
    modes: dict[str, PatternSet]  # type -> payload mode
    roles: dict[str, PatternSet]
    suffixes: dict[str, tuple[str, ...]]
    passive: list[re.Pattern[str]]
    passive_suffix: list[re.Pattern[str]]
    flags: dict[str, PatternSet]
    regexes: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    target_if_next: frozenset[str] = frozenset()
    proclitics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # markers that make a target only for some types (Russian "по": strikes on, but also
    # "regarding")
    conditional_targets: list[tuple[frozenset[str], PatternSet]] = field(default_factory=list)

    def cue_hits(self, words: Sequence[Word], text: str = "") -> list[CueHit]:
        """Every event cue in a sentence, minus those inside a word listed under ``not``.

        ``text`` is the text the word offsets point into; a ``final`` pair needs it to see
        where the clause ends.
        """
        hits = [CueHit(t, s, e, w) for s, e, (t, w) in self.cues.find(words)]
        window = PAIR_WINDOW_CJK if self.cjk else PAIR_WINDOW
        for pair in self.pairs:
            a_hits = pair.first.find(words)
            if not a_hits:
                continue
            b_hits = pair.second.find(words)
            for a0, a1, _ in a_hits:
                for b0, b1, _ in b_hits:
                    if pair.final:
                        ok = b0 >= a1 and _clause_end(text, words, b1 - 1)
                    else:
                        ok = abs(b0 - a0) <= window and (b0 >= a1 or b1 <= a0)
                    if ok:
                        hits.append(CueHit(pair.type, a0, a1, STRONG))
                        break
        if self.not_cues:
            blocked: dict[str, list[tuple[int, int]]] = {
                t: [(s, e) for s, e, _ in ps.find(words)] for t, ps in self.not_cues.items()}
            hits = [h for h in hits if not any(s <= h.start and h.end <= e
                                               for s, e in blocked.get(h.type, ()))]
        return hits

    def has(self, flag: str, words: Sequence[Word], lo: int, hi: int) -> list[int]:
        """Word indexes in [lo, hi) where a ``flag`` cue (hedge, negation...) starts."""
        ps = self.flags.get(flag)
        if not ps:
            return []
        found = [s for s, e, _ in ps.find(words[lo:hi])]
        blocker = self.flags.get(flag + "_not")
        if blocker and found:
            bad = {k for s, e, _ in blocker.find(words[lo:hi]) for k in range(s, e)}
            found = [s for s in found if s not in bad]
        return [lo + s for s in found]


def _clause_end(text: str, words: Sequence[Word], i: int) -> bool:
    """Whether word ``i`` ends its clause (punctuation or the end of the sentence follows)."""
    if i + 1 >= len(words):
        return True
    gap = text[words[i].end:words[i + 1].start] if text else " "
    return any(c in gap for c in ",;:.!?)")


def _patterns(values: Any, cjk: bool, where: str) -> list[Pattern]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise CrosswireError(f"{where}: expected a list of strings")
    out = []
    for v in values:
        try:
            out.append(compile_pattern(v, cjk))
        except ValueError as exc:
            raise CrosswireError(f"{where}: {exc}") from exc
    return out


# regexes on folded words must be folded too (ğ -> g, ş -> s, ı -> i, ü -> u...)
_FOLD_LETTERS = str.maketrans("ğşıüöçâîûéèêàáíóúñäÇĞİÖŞÜ", "gsiuocaiueeeaaiounaCGIOSU")


def _regexes(values: Any, where: str, folded: bool = False) -> list[re.Pattern[str]]:
    if not isinstance(values, list):
        raise CrosswireError(f"{where}: expected a list of regular expressions")
    try:
        return [re.compile(v.translate(_FOLD_LETTERS) if folded else v) for v in values]
    except re.error as exc:
        raise CrosswireError(f"{where}: bad regular expression ({exc})") from exc


def parse_lexicon(data: dict[str, Any], name: str) -> Lexicon:
    """Build a ``Lexicon`` from a parsed cue file; ``name`` appears in error messages."""
    lang = str(data.get("language", ""))
    cjk = bool(data.get("cjk", False))
    cues: list[tuple[Pattern, Any]] = []
    pairs: list[CuePair] = []
    not_cues: dict[str, PatternSet] = {}
    for t, spec in (data.get("types") or {}).items():
        if t not in TYPES:
            raise CrosswireError(f"{name}: unknown event type {t!r} (expected one of PLOVER's)")
        where = f"{name} [types.{t}]"
        cues += [(p, (t, STRONG)) for p in _patterns(spec.get("strong", []), cjk, where)]
        cues += [(p, (t, WEAK)) for p in _patterns(spec.get("weak", []), cjk, where)]
        for pair in spec.get("pairs", []):
            if not isinstance(pair, list) or len(pair) not in (2, 3) or (
                    len(pair) == 3 and pair[2] != "final"):
                raise CrosswireError(f"{where}: a pair is two strings of words, optionally "
                                     'followed by "final"')
            a = [(p, None) for p in _patterns(pair[0].split(), cjk, where)]
            b = [(p, None) for p in _patterns(pair[1].split(), cjk, where)]
            pairs.append(CuePair(t, PatternSet(a), PatternSet(b), len(pair) == 3))
        if spec.get("not"):
            not_cues[t] = PatternSet([(p, None) for p in _patterns(spec["not"], cjk, where)])
    modes: dict[str, PatternSet] = {}
    for t, spec in (data.get("modes") or {}).items():
        allowed = MODES.get(t, ())
        items: list[tuple[Pattern, Any]] = []
        for mode, words in spec.items():
            if mode not in allowed:
                raise CrosswireError(f"{name} [modes.{t}]: unknown mode {mode!r}")
            items += [(p, mode) for p in _patterns(words, cjk, f"{name} [modes.{t}]")]
        modes[t] = PatternSet(items)
    roles_data = dict(data.get("roles") or {})
    suffixes = {k: tuple(fold(s) for s in v)
                for k, v in (roles_data.pop("suffixes", None) or {}).items()}
    case = roles_data.pop("preposition_case", None) or {}
    conditional = []
    for t, words in (roles_data.pop("target_before_for", None) or {}).items():
        types = frozenset(x.strip() for x in t.split(","))
        if not types <= set(TYPES):
            raise CrosswireError(f"{name} [roles.target_before_for]: unknown type in {t!r}")
        conditional.append((types, PatternSet(
            [(p, None) for p in _patterns(words, cjk, f"{name} [roles.target_before_for]")])))
    passive = _regexes(roles_data.pop("passive", []), f"{name} [roles] passive")
    proclitics = {k.removeprefix("proclitic_"): tuple(fold(x) for x in roles_data.pop(k))
                  for k in list(roles_data) if k.startswith("proclitic_")}
    roles: dict[str, PatternSet] = {}
    for k, v in roles_data.items():
        roles[k] = PatternSet([(p, None) for p in _patterns(v, cjk, f"{name} [roles] {k}")])
    flags: dict[str, PatternSet] = {}
    regexes: dict[str, list[re.Pattern[str]]] = {}
    for k, v in (data.get("flags") or {}).items():
        if k.endswith(("_suffix", "_ending", "_word")):
            # endings are matched on the word as written (accents matter: "enviará")
            regexes[k] = _regexes(v, f"{name} [flags] {k}", folded=not k.endswith("_ending"))
        else:
            flags[k] = PatternSet([(p, None) for p in _patterns(v, cjk, f"{name} [flags] {k}")])
    passive_suffix = _regexes((data.get("passive") or {}).get("suffix", []), f"{name} [passive]",
                              folded=True)
    return Lexicon(language=lang, cjk=cjk, cues=PatternSet(cues), pairs=pairs,
                   not_cues=not_cues, modes=modes, roles=roles, suffixes=suffixes,
                   passive=passive, passive_suffix=passive_suffix, flags=flags,
                   regexes=regexes,
                   target_if_next=frozenset(fold(x) for x in case.get("target_if_next", [])),
                   proclitics=proclitics, conditional_targets=conditional)


@lru_cache(maxsize=64)
def load_lexicon(language: str | None) -> Lexicon | None:
    """The shipped lexicon of ``language`` (ISO 639-1), or None when there is none."""
    if not language or not re.fullmatch(r"[a-z]{2,3}", language):
        return None
    path = CUES_DIR / f"{language}.toml"
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CrosswireError(f"event cue file {path}: {exc}") from exc
    return parse_lexicon(data, str(path))


def lexicon_languages() -> list[str]:
    return sorted(p.stem for p in CUES_DIR.glob("*.toml"))
