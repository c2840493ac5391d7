"""Text primitives for name matching: folding, tokens, and the morphology of each language.

Everything here is pure and shared by the knowledge-base builder and the linker, so an alias
and a word in an article are normalised by the same code. The rules are deliberately small and
explicit (no lemmatiser): a name is a closed set of strings, so it is enough to know which
endings and clitics a language may add to a name.

* ``fold``: case, compatibility forms, apostrophes, Latin/Cyrillic/Greek diacritics, Turkish
  dotless i, Arabic alef/yeh/teh-marbuta variants and harakat. CJK, kana and Hangul are kept
  as they are (stripping their marks would change the word).
* ``word_keys``: the lookup keys of a word in a language: the word, the word without a case
  suffix (Turkish, German, Korean particles, Finnish, Hungarian), its stem (Russian,
  Ukrainian and other Cyrillic; Polish, Czech), or without Arabic proclitics (و ف ب ل ك, لل).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

APOSTROPHES = "'’ʼ`´‘"
_APOS_TABLE = str.maketrans({c: "'" for c in APOSTROPHES})
_ARABIC_TABLE = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك",
    "ـ": None, "ı": "i",
})
# A word: letters and digits, with marks; split on everything else (hyphens included, so
# "Kim Jong-un" and "Kim Jong Un", "Nato-Gipfel" and "Nato Gipfel" tokenise alike).
WORD = re.compile(r"[^\W_]+", re.UNICODE)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ー]+")


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
            or 0xF900 <= o <= 0xFAFF)


def is_hangul(ch: str) -> bool:
    return 0xAC00 <= ord(ch) <= 0xD7A3


def is_arabic(ch: str) -> bool:
    return 0x0600 <= ord(ch) <= 0x06FF


def is_cyrillic(ch: str) -> bool:
    return 0x0400 <= ord(ch) <= 0x052F


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Comparable form of a word or name (see the module docstring)."""
    if text.isascii():
        return text.translate(_APOS_TABLE).lower()
    t = unicodedata.normalize("NFKC", text).translate(_APOS_TABLE).translate(_ARABIC_TABLE)
    t = t.replace("İ", "I").lower()
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", t):
        if unicodedata.combining(ch):
            prev = out[-1] if out else ""
            if ch == "\u0306" and prev in "иИ":  # keep й: Russian endings need it
                out.append(ch)
                continue
            # keep kana voicing marks, Indic vowel signs etc.; drop Latin/Greek/Cyrillic
            # accents and Arabic harakat
            if (prev and (ord(prev) < 0x0530 or is_arabic(prev))) or 0x064B <= ord(ch) <= 0x065F:
                continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def folded(self) -> str:
        return fold(self.text)


def tokenize(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def fold_tokens(name: str) -> tuple[str, ...]:
    """A name as a tuple of folded words (the form the alias index stores)."""
    return tuple(fold(m.group()) for m in WORD.finditer(name))


# --- case classes ------------------------------------------------------------------------
CAP, ACRONYM, ANY = 1, 2, 0


def case_class(name: str) -> int:
    """How a name must be written to count: capitalised, all caps, or any case."""
    first = next((c for c in name if c.isalpha()), "")
    if not first or not (first.isupper() or first.islower()):
        return ANY  # uncased script (Arabic, CJK, Hangul...)
    letters = [c for c in name if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters if c.isupper() or c.islower()):
        return ACRONYM
    return CAP if first.isupper() else ANY


def case_ok(rule: int, alias_len: int, word: str) -> bool:
    """Whether ``word`` (as written in the article) may be the first word of such an alias."""
    if rule == ANY:
        return True
    first = word[0]
    if not first.isupper():
        return False
    if rule == ACRONYM:
        return word.isupper() or (alias_len >= 4 and word[1:].islower())
    return True


# --- morphology -------------------------------------------------------------------------
def _by_length(items: str) -> tuple[str, ...]:
    return tuple(sorted(set(items.split()), key=lambda s: (-len(s), s)))


_TR = _by_length(
    "nın nin nun nün ın in un ün yı yi yu yü ya ye da de ta te dan den tan ten daki deki taki "
    "teki dakı ndan nden nda nde na ne nı ni nu nü yla yle la le lı li lu lü lar ler ları leri "
    "ca ce ça çe dır dir ki yı ya a e ı i u ü"
)
SUFFIXES: dict[str, tuple[str, ...]] = {
    "tr": _TR,
    "az": _TR,
    "de": _by_length("s es n en e er em ern ns"),
    "nl": _by_length("s se"),
    "en": _by_length("s"),
    "fr": _by_length("s"),
    "es": _by_length("s es"),
    "pt": _by_length("s"),
    "it": (),
    "ko": _by_length(
        "은 는 이 가 을 를 의 에 에서 에게 와 과 도 로 으로 만 과의 와의 에서의 에는 이다 측 군 인 "
        "과도 와도 까지 으로부터 로부터 이라는 라는 산"
    ),
    "fi": _by_length("n a ä ssa ssä sta stä lla llä lta ltä lle an ään in na nä ksi iin han hin"),
    "hu": _by_length(
        "ban ben ba be ból ből nak nek tól től hoz hez höz on en ön ra re ról ről val vel t ot "
        "et öt i nál nél ért"
    ),
}
_CYRILLIC_ENDINGS = _by_length(
    "иями ями ами ого его ому ему ыми ими ией ией ією ая яя ое ее ые ие ый ий ой ей ую юю ом ем "
    "ым им ах ях ов ев ам ям ию ия ии ья ье ьи ью ою ею ої ій ів ії ія а я о е ы и у ю ь й і ї є"
)
_WEST_SLAVIC_ENDINGS = _by_length(
    "ami ach owi ego emu ych ich ymi imi ej em om ie ą ę a i y u e o ou ově ém ým"
)
STEM_ENDINGS: dict[str, tuple[str, ...]] = {
    "pl": _WEST_SLAVIC_ENDINGS, "cs": _WEST_SLAVIC_ENDINGS, "sk": _WEST_SLAVIC_ENDINGS,
}
_AR_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")


def stem(word: str, endings: tuple[str, ...]) -> str:
    """The word without its longest inflectional ending (at least two letters stay)."""
    if len(word) < 3:
        return word
    for e in endings:
        if word.endswith(e) and len(word) - len(e) >= 2:
            return word[: -len(e)]
    return word


def cyrillic_stem(word: str) -> str:
    return stem(word, _CYRILLIC_ENDINGS)


def alias_stems(folded: str, stemmed: bool) -> Iterator[str]:
    """Stem keys an alias word is indexed under besides itself: Cyrillic words always, Latin
    words when the alias comes from a language listed in ``STEM_ENDINGS`` (``stemmed``)."""
    if not folded:
        return
    if is_cyrillic(folded[0]):  # Газпром: both газпр+ом and газпром+а must find it
        yield "~" + cyrillic_stem(folded)
        yield "~" + folded
    elif stemmed:
        yield "~" + stem(folded, _WEST_SLAVIC_ENDINGS)


def word_keys(folded: str, language: str | None) -> Iterator[str]:
    """Every key under which a folded article word may match an alias word."""
    yield folded
    if not folded:
        return
    first = folded[0]
    if is_cyrillic(first):  # every possible stem: "корее" may be коре+е or кор+ее
        for e in _CYRILLIC_ENDINGS:
            if folded.endswith(e) and len(folded) - len(e) >= 2:
                yield "~" + folded[: -len(e)]
        yield "~" + folded
        return
    if is_arabic(first):
        yield from arabic_variants(folded)
        return
    if is_hangul(first):  # Korean particles attach to the noun: 북한은, 러시아에
        for suffix in SUFFIXES["ko"]:
            if folded.endswith(suffix) and len(folded) - len(suffix) >= 2:
                yield folded[: -len(suffix)]
        return
    lang = language or ""
    for suffix in SUFFIXES.get(lang, ()):
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 3:
            yield folded[: -len(suffix)]
    if lang in STEM_ENDINGS:
        yield "~" + stem(folded, STEM_ENDINGS[lang])


def arabic_variants(folded: str) -> Iterator[str]:
    """An Arabic word without its proclitics: وروسيا -> روسيا, للولايات -> الولايات."""
    for pre in ("وال", "فال", "بال", "كال"):
        if folded.startswith(pre) and len(folded) > len(pre) + 1:
            yield "ال" + folded[len(pre):]
    if folded.startswith("لل") and len(folded) > 3:
        yield "ال" + folded[2:]
    for pre in _AR_PROCLITICS:
        if folded.startswith(pre) and len(folded) - len(pre) >= 3:
            yield folded[len(pre):]


def word_matches(folded: str, alias_word: str, language: str | None, stemmed: bool) -> bool:
    """Whether an article word (folded) is an inflected form of one alias word."""
    if folded == alias_word:
        return True
    keys = set(word_keys(folded, language))
    if alias_word in keys:
        return True
    return any(k in keys for k in alias_stems(alias_word, stemmed))
