"""Mention detection and linking: names in a text -> knowledge-base actors, as offsets.

Reads a text, its language and the knowledge base; returns ``Mention``s with offsets into the
text. Pure and deterministic; it cannot fail on odd input (any string is a valid text).

How it works, in order:

1. **Word names** (every script with spaces, Hangul included): at each word, look up every
   key of the word (itself, without a case suffix, its stem, without Arabic proclitics; see
   ``text.word_keys``) in the alias index and try the aliases that start there; the longest
   match wins (exact first words beat inflected ones). Capitalised aliases need a capitalised
   word, acronyms need capitals. A Turkish/English apostrophe suffix (Rusya'dan, Russia's)
   belongs to the mention. German compounds (Nordkoreakrise) match on their first part.
2. **CJK names**: Chinese and Japanese have no spaces; every position of a CJK run is
   tried against the aliases starting with that character, longest first. Runs of one-
   character country abbreviations (中俄, 美韩, 日米) become one mention per character.
3. **Choice**: a name shared by several actors (Georgia; Valencia) takes the one whose
   related actors (its country, places of that country, its ``context`` list) are named
   unambiguously in the same text, then the bigger prior. A surname alone ("Kim") counts
   only when the full name is in the same text. A capital used as a metonym ("Moscow said",
   "pressure on Moscow") links to its state unless it follows a locative word ("in Moscow",
   "в Москве", "Moskova'da").
"""

from __future__ import annotations

from dataclasses import dataclass

from crosswire.actors.kb import PARTIAL, AliasEntry, KBActor, KnowledgeBase
from crosswire.actors.text import (
    APOSTROPHES,
    Token,
    case_ok,
    fold,
    is_cjk,
    tokenize,
    word_keys,
    word_matches,
)
from crosswire.models import Mention

_GAP_OK = set(" \u00a0-.'’\u2011\u2010")
_ABBR = {
    "中": "country:cn", "俄": "country:ru", "美": "country:us", "朝": "country:kp",
    "韩": "country:kr", "韓": "country:kr", "日": "country:jp", "乌": "country:ua",
    "烏": "country:ua", "英": "country:gb", "法": "country:fr", "德": "country:de",
    "印": "country:in", "伊": "country:ir", "以": "country:il", "叙": "country:sy",
    "敘": "country:sy", "欧": "org:eu", "歐": "org:eu", "澳": "country:au", "越": "country:vn",
    "菲": "country:ph", "蒙": "country:mn",
}
_ABBR_JA = {**_ABBR, "露": "country:ru", "米": "country:us"}
_NUMERALS = set("0123456789０１２３４５６７８９〇一二三四五六七八九十")
_LOCATIVE = {
    "en": {"in", "to", "at", "near", "into", "outside", "around", "across", "visit", "visited",
           "visiting", "via", "reached", "arrived", "downtown"},
    "ru": {"в", "во", "из", "под", "около", "у", "до", "через", "над", "по"},
    "uk": {"в", "у", "до", "з", "із", "під", "біля", "через"},
    "de": {"in", "nach", "aus", "bei", "um", "im"},
    "fr": {"à", "a", "vers", "depuis", "près", "dans"},
    "es": {"en", "a", "desde", "hacia", "hasta"},
    "ar": {"في", "الى", "إلى", "قرب"},
    "it": {"a", "in", "da", "verso"},
    "pt": {"em", "a", "para", "de"},
}
_LOCATIVE = {lang: {fold(w) for w in words} for lang, words in _LOCATIVE.items()}
_TR_LOCATIVE = {"da", "de", "ta", "te", "dan", "den", "tan", "ten", "daki", "deki", "taki",
                "teki", "ya", "ye", "a", "e"}
# "the streets of Tbilisi", "Tiflis sokaklarında": the city as a place
_PLACE_NOUNS = {"streets", "street", "centre", "center", "outskirts", "suburbs", "residents",
                "mayor", "heart", "people", "city"}
_TR_PLACE_NEXT = ("sokak", "merkez", "belediye", "halk", "kent", "şehir", "sehir", "caddes")
# a capital after a verb of giving or sending stands for its state ("deliver arms to Kyiv")
_TRANSFER = ("suppl", "deliver", "send", "sent", "ship", "sell", "sold", "transfer", "provid",
             "livr", "envo", "fourn", "vend", "liefer", "schick", "verkauf", "envi", "suministr",
             "entreg", "постав", "переда", "отправ", "прода")
_RU_IMPERSONAL = ("ли", "ют", "ят")  # "в Тегеране назвали": the capital speaks
_ZH_LOCATIVE_BEFORE = set("在到赴抵于於访訪")


@dataclass(slots=True)
class Found:
    """A matched span before the choice among its candidate actors."""

    start: int
    end: int
    entries: list[AliasEntry]
    token: int = -1  # index of the first word (-1 for CJK)
    suffix: str = ""  # the apostrophe or inflectional ending after the alias


def split_cjk(tokens: list[Token]) -> list[Token]:
    """Words that mix CJK with other letters ("COP29在巴库") split at the script change."""
    out: list[Token] = []
    for t in tokens:
        if t.text.isascii() or not any(is_cjk(c) for c in t.text):
            out.append(t)
            continue
        start = 0
        for k in range(1, len(t.text) + 1):
            if k == len(t.text) or is_cjk(t.text[k]) != is_cjk(t.text[start]):
                out.append(Token(t.start + start, t.start + k, t.text[start:k]))
                start = k
    return out


class Linker:
    """Finds and links the mentions of one text; see the module docstring."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    # --- detection -------------------------------------------------------------------
    def _match_words(self, text: str, tokens: list[Token], i: int, language: str | None
                     ) -> Found | None:
        tok = tokens[i]
        folded = fold(tok.text)
        best: tuple[int, int, int] | None = None  # (words, exact, end)
        chosen: list[AliasEntry] = []
        seen: set[int] = set()
        for k, key in enumerate(dict.fromkeys(word_keys(folded, language))):
            exact = 1 if k == 0 else 0
            for entry in self.kb.lookup(key):
                if id(entry) in seen:
                    continue
                seen.add(id(entry))
                n = len(entry.words)
                if i + n > len(tokens) or not case_ok(entry.case, len(entry.words[0]), tok.text):
                    continue
                if not self._rest_matches(text, tokens, i, entry, language):
                    continue
                rank = (n, exact, tokens[i + n - 1].end)
                if best is None or rank > best:
                    best, chosen = rank, [entry]
                elif rank == best:
                    chosen.append(entry)
        if best is None:
            return self._match_compound(tokens, i, language)
        last = i + best[0] - 1
        start = tok.start
        if best[1] == 0 and tok.text[:1] and "\u0600" <= tok.text[0] <= "\u06ff":
            first = chosen[0].words[0]  # an Arabic proclitic is not part of the name
            for k in (1, 2, 3):
                if fold(tok.text[k:]) == first:
                    start += k
                    break
        return self._with_suffix(text, tokens, Found(start, tokens[last].end, chosen, i), last)

    def _rest_matches(self, text: str, tokens: list[Token], i: int, entry: AliasEntry,
                      language: str | None) -> bool:
        for j in range(1, len(entry.words)):
            prev, cur = tokens[i + j - 1], tokens[i + j]
            gap = text[prev.end:cur.start]
            if len(gap) > 3 or not gap or any(c not in _GAP_OK for c in gap):
                return False
            if not word_matches(fold(cur.text), entry.words[j], language, entry.stemmed):
                return False
        return True

    def _with_suffix(self, text: str, tokens: list[Token], found: Found, last: int) -> Found:
        """Take in an apostrophe suffix: Rusya'dan, Kore’nin, Russia's."""
        end = found.end
        if end < len(text) and text[end] in APOSTROPHES and last + 1 < len(tokens):
            nxt = tokens[last + 1]
            if nxt.start == end + 1 and len(nxt.text) <= 12 and not nxt.text[0].isupper():
                found.suffix = fold(nxt.text)
                found.end = nxt.end
        else:
            alias_last = found.entries[0].words[-1]
            word = fold(tokens[last].text)
            if len(word) > len(alias_last) and word.startswith(alias_last):
                found.suffix = word[len(alias_last):]
        return found

    def _match_compound(self, tokens: list[Token], i: int, language: str | None
                        ) -> Found | None:
        """German compounds: a country or place name as the first part (Russlandreise)."""
        tok = tokens[i]
        if language != "de" or len(tok.text) < 8 or not tok.text[0].isupper():
            return None
        folded = fold(tok.text)
        for k in range(len(folded) - 3, 3, -1):
            for entry in self.kb.lookup(folded[:k]):
                if len(entry.words) == 1 and entry.case and not entry.flags & PARTIAL:
                    types = {self.kb.actors[a].type for a in entry.actors}
                    if types & {"country", "region", "organisation"}:
                        return Found(tok.start, tok.start + k, [entry], i)
        return None

    def _scan_cjk(self, text: str, start: int, end: int, language: str | None,
                  out: list[Found]) -> None:
        abbr = _ABBR_JA if language == "ja" else _ABBR
        i = start
        while i < end:
            hit = self._cjk_alias_at(text, i, end)
            if hit is not None:
                out.append(hit)
                i = hit.end
                continue
            j = i
            while (j < end and text[j] in abbr and (j == i or self._cjk_alias_at(text, j, end)
                                                    is None)):
                if text[j] == "日" and j > 0 and text[j - 1] in _NUMERALS:
                    break
                j += 1
            if j - i >= 2:
                for k in range(i, j):
                    a = self.kb.by_id.get(abbr[text[k]])
                    if a is not None:
                        out.append(Found(k, k + 1, [AliasEntry((text[k],), 0, 0, False, [a])]))
                i = j
            else:
                i += 1

    def _cjk_alias_at(self, text: str, i: int, end: int) -> Found | None:
        for entry in self.kb.cjk_entries(text[i]):
            w = entry.words[0]
            if i + len(w) <= end and text.startswith(w, i):
                return Found(i, i + len(w), [entry])
        return None

    def detect(self, text: str, language: str | None) -> list[Found]:
        tokens = split_cjk(tokenize(text))
        found: list[Found] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if is_cjk(tok.text[0]):
                j = i
                while j + 1 < len(tokens) and is_cjk(tokens[j + 1].text[0]):
                    j += 1
                for k in range(i, j + 1):
                    self._scan_cjk(text, tokens[k].start, tokens[k].end, language, found)
                i = j + 1
                continue
            hit = self._match_words(text, tokens, i, language)
            if hit is None:
                i += 1
                continue
            found.append(hit)
            while i < len(tokens) and tokens[i].start < hit.end:
                i += 1
        found.sort(key=lambda f: f.start)
        return found

    # --- choice ------------------------------------------------------------------------
    def link(self, text: str, language: str | None) -> list[Mention]:
        """Every mention of a known actor in ``text``, in text order."""
        found = self.detect(text, language)
        return self.choose(text, found, language)

    def choose(self, text: str, found: list[Found], language: str | None) -> list[Mention]:
        kb = self.kb
        sure: set[int] = set()
        for f in found:
            actors = {a for e in f.entries if not e.flags & PARTIAL for a in e.actors}
            if len(actors) == 1:
                sure |= actors
        sure_ids = {kb.actors[a].id for a in sure}
        sure_countries = {kb.actors[a].country for a in sure if kb.actors[a].country}
        out: list[Mention] = []
        for f in found:
            full = {a for e in f.entries if not e.flags & PARTIAL for a in e.actors}
            partial = {a for e in f.entries if e.flags & PARTIAL for a in e.actors}
            cands = full or {a for a in partial if a in sure}
            if not cands:
                continue
            best = max(cands, key=lambda a: (self._context_score(kb.actors[a], sure_ids,
                                                                  sure_countries),
                                             kb.actors[a].prior, -a))
            actor = kb.actors[best]
            if actor.metonym_of and not self._locative(text, f, language):
                target = kb.get(actor.metonym_of)
                if target is not None:
                    actor = target
            out.append(Mention(start=f.start, end=f.end, text=text[f.start:f.end],
                               actor_id=actor.id, actor_name=actor.name,
                               actor_type=actor.type))
        return out

    @staticmethod
    def _context_score(actor: KBActor, sure_ids: set[str], sure_countries: set[str | None]
                       ) -> float:
        score = sum(1.0 for c in actor.context if c in sure_ids)
        if actor.country:
            score += 0.5 * (actor.country in sure_ids) + 1.0 * (actor.country in sure_countries)
        if actor.type == "country":
            score += 1.0 * (actor.id in sure_countries)
        return score

    @staticmethod
    def _locative(text: str, f: Found, language: str | None) -> bool:
        """Whether a capital is used as a place here ("in Moscow") rather than its state."""
        lang = language or ""
        if f.token < 0:  # CJK
            return (any(c in _ZH_LOCATIVE_BEFORE for c in text[max(0, f.start - 2):f.start])
                    or text[f.end:f.end + 1] in ("市", "的"))
        after = text[f.end:f.end + 40].split()
        line_start = text.rfind("\n", 0, f.start) + 1
        if not text[line_start:f.start].strip() and text[f.end:f.end + 3].lstrip()[:1] in (
                "—", "–", "-", ",", "(", ":"):
            return True  # a dateline: "MADRID — ..."
        if lang in ("tr", "az"):
            nxt = fold(after[0]) if after else ""
            if nxt.startswith(_TR_PLACE_NEXT):
                return True
            if f.suffix in _TR_LOCATIVE:  # "Kiev'e silah gönderdi": sent to the state
                return not any(fold(w).startswith(("gönder", "sat", "teslim", "aktar", "ver"))
                               for w in after[:4])
            return False
        before = text[max(0, f.start - 60):f.start].split()
        if (len(before) >= 2 and fold(before[-1]) in ("of", "de", "di")
                and fold(before[-2]) in _PLACE_NOUNS):
            return True
        if lang == "ar" and before and not text[f.start - 1].isspace():
            return "ب" in fold(before[-1])  # بموسكو: "in Moscow"
        prev = fold(before[-1]) if before else ""
        if prev not in _LOCATIVE.get(lang, _LOCATIVE["en"]):
            return False
        if any(fold(w).startswith(_TRANSFER) for w in before[-6:-1]):
            return False
        return not (lang in ("ru", "uk") and after
                    and fold(after[0]).endswith(_RU_IMPERSONAL))

