"""Names the knowledge base does not know become new actors instead of being dropped.

Reads a text, its language and the spans already linked; returns ``Mention``s whose actor id
is ``new:<slug>``, the name transliterated to ASCII (anyascii) and folded, so the same
person or place written in Latin script in several languages gets one id ("Georgescu",
"Georgescu'nun"). ``merge_key`` gives a coarser consonant skeleton that the commit hook uses
to join a name written in another script (Джорджеску) to an existing new actor when the two
also share context (see ``stage.ActorHook``). Never fails on odd input.

Candidates: sequences of capitalised words in cased scripts (Latin, Cyrillic, Greek), joined
by short connectors (of, de, von, al, bin, ...), and short quoted names in any script
(«Кубок Невы», “星河科技”). Dropped: a lone capitalised word at the start of a sentence, words
that also occur in lower case in the same text (ordinary words), function words, months and
weekdays, and headings written in Title Case. German capitalises every noun, so there only
multi-word names count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crosswire.actors.text import APOSTROPHES, Token, fold
from crosswire.models import Mention


def _words(text: str) -> set[str]:
    return set(text.split())


_CONNECTORS = {"of", "de", "del", "la", "von", "van", "der", "den", "al", "bin", "ibn", "el",
               "du", "des", "di", "da", "dos", "y", "le", "ul", "ad"}
_STOP = _words("""
the a an in on at of for to from by with and or but as is are was were be this that these those
it its he she they we you i his her their our my your mr mrs ms dr prof president minister
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december today yesterday tomorrow
der die das den dem des ein eine einer einem einen und oder aber im am vom zum zur mit nach bei
für auf aus über unter vor seit laut wie als auch nicht es er sie wir ihr
le la les un une des du de et ou mais dans sur pour par avec sans selon après avant ce cette ces
il elle ils elles nous vous on
el los las una unos unas y o pero en con sin según tras ante este esta estos estas
bu şu o bir ve ile ama için gibi ancak ayrıca özellikle peki öte sonuç işte
western eastern northern southern batılı doğulu запад запада западе западом batı westliche
westlichen occidental occidentaux occidentales european européen européenne europeo europea
gobierno government défense defensa ministry ministère ministerio gmt utc jan feb mar apr jun
jul aug sep sept oct nov dec reply comment share source link read more
в на и но с по для от до из за у о это этот эта эти как по
""")
_MONTHS_DAYS = _words("""
ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık pazartesi salı
çarşamba perşembe cuma cumartesi pazar januar februar märz mai juni juli oktober dezember
montag dienstag mittwoch donnerstag freitag samstag sonntag janvier février mars avril juin
juillet août septembre octobre novembre décembre lundi mardi mercredi jeudi vendredi samedi
dimanche enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre
diciembre lunes martes miércoles jueves viernes sábado domingo январь февраль март апрель май
июнь июль август сентябрь октябрь ноябрь декабрь понедельник вторник среда четверг пятница
суббота воскресенье
""")
_STOP = {fold(w) for w in _STOP}
_MONTHS_DAYS = {fold(w) for w in _MONTHS_DAYS}
_QUOTED = re.compile(r"[«„“\"”「『]([^«»„“\"”」』\n.!?;:]{2,40})[»“”\"」』]")
_SENTENCE_END = set(".!?:;\n…")
_ROLES = {fold(w) for w in _words("""
bakanı bakan başkanı başkan cumhurbaşkanı sözcüsü valisi sekreteri president minister secretary
secretary-general generalsekretär
spokesman spokeswoman chancellor ministre président porte-parole ministro presidente portavoz
minister präsident sprecher kanzler министр президент mayor governor general sir lord vali
başbakan premier
""")}
_GERMAN_NOUN = ("ung", "heit", "keit", "schaft", "tion", "ität", "ismus", "nis", "tum")


def _is_cased_word(word: str) -> bool:
    first = word[0]
    return first.isupper() and (word[1:].islower() or (word.isupper() and len(word) >= 2)
                                or "'" in word or "’" in word or word[1:] == "")


_SUFFIX_AT_END = re.compile(r"['’`ʼ][^\W\d_A-ZÀ-ÞА-Я]{1,6}$")


def slug_name(name: str) -> str:
    """The id part of a new actor: ASCII transliteration without a case suffix."""
    from anyascii import anyascii

    s = _SUFFIX_AT_END.sub("", name.strip())
    return re.sub(r"[^a-z0-9]+", "-", anyascii(s).lower()).strip("-")


def merge_key(name: str) -> str:
    """A script-independent consonant skeleton: Georgescu, Джорджеску -> 'grgsk'."""
    from anyascii import anyascii

    s = anyascii(name).lower()
    for a, b in (("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "k"), ("ts", "s"), ("ch", "k"),
                 ("sh", "s"), ("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("x", "ks"),
                 ("z", "s"), ("j", "g"), ("v", "w"), ("b", "p"), ("d", "t")):
        s = s.replace(a, b)
    out = [c for c in s if c.isalpha() and c not in "aeiouyhw"]
    return "".join(c for i, c in enumerate(out) if i == 0 or c != out[i - 1])


def _heading(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) > 3]
    if len(words) < 3 or line.rstrip().endswith((".", "!", "?", "。")):
        return False
    return sum(1 for w in words if w[0].isupper()) >= 0.6 * len(words)


def _sentence_start(text: str, pos: int) -> bool:
    k = pos - 1
    while k >= 0 and text[k] in " \t\"'«“„([":
        k -= 1
    return k < 0 or text[k] in _SENTENCE_END


def prefer_quoted(text: str, mentions: list[Mention]) -> list[Mention]:
    """A quoted name is one name: «Северный ветер» is not the town Severny plus a word."""
    out = list(mentions)
    for m in _QUOTED.finditer(text):
        s, e = m.start(1), m.end(1)
        inner_text = m.group(1)
        if inner_text != inner_text.strip() or len(inner_text.split()) > 4:
            continue
        if not (inner_text[0].isupper() or not inner_text[0].islower()):
            continue
        inner = [x for x in out if s <= x.start and x.end <= e]
        if not inner or sum(x.end - x.start for x in inner) >= 0.8 * (e - s):
            continue
        if any(x.start < e and s < x.end and x not in inner for x in out):
            continue
        sl = slug_name(inner_text)
        if sl:
            out = [x for x in out if x not in inner]
            out.append(Mention(start=s, end=e, text=inner_text, actor_id="new:" + sl,
                               actor_name=inner_text, actor_type="unknown"))
    return sorted(out, key=lambda x: x.start)


def find_unknown(text: str, tokens: list[Token], language: str | None,
                 covered: Iterable[tuple[int, int]]) -> list[Mention]:
    """New-actor mentions for capitalised sequences and quoted names not linked already."""
    spans = sorted(covered)
    taken = [False] * len(tokens)
    k = 0
    for i, t in enumerate(tokens):
        while k < len(spans) and spans[k][1] <= t.start:
            k += 1
        if k < len(spans) and spans[k][0] < t.end:
            taken[i] = True
    lower_words = {fold(t.text) for t in tokens if t.text[:1].islower()}
    out: list[Mention] = []
    name_words: set[str] = set()  # words of multi-word new names: a surname alone may follow
    i = 0
    while i < len(tokens):
        if taken[i] or not _is_cased_word(tokens[i].text) or not tokens[i].text[0].isalpha():
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and not taken[j + 1]:
            gap = text[tokens[j].end:tokens[j + 1].start]
            nxt = tokens[j + 1].text
            if gap in (" ", "-", "\u00a0") and _is_cased_word(nxt):
                j += 1
            elif (gap == " " and fold(nxt) in _CONNECTORS and (j == i or fold(nxt) != "of")
                  and (language != "de" or fold(nxt) == "von")
                  and j + 2 < len(tokens)
                  and not taken[j + 2] and text[tokens[j + 1].end:tokens[j + 2].start] == " "
                  and _is_cased_word(tokens[j + 2].text)):
                j += 2
            else:
                break
        words = tokens[i:j + 1]
        while words and (fold(words[0].text) in _STOP or fold(words[0].text) in _MONTHS_DAYS
                         or fold(words[0].text) in _ROLES
                         or (_sentence_start(text, words[0].start) and len(words) > 1
                             and fold(words[0].text) in lower_words)):
            words = words[1:]
        while words and fold(words[-1].text) in _CONNECTORS:
            words = words[:-1]
        i = j + 1
        if not words:
            continue
        start, end = words[0].start, words[-1].end
        if end + 1 < len(text) and text[end] in APOSTROPHES and j + 1 < len(tokens):
            nxt_tok = tokens[j + 1]  # Aksoy'un: the suffix belongs to the mention
            if nxt_tok.start == end + 1 and nxt_tok.text[:1].islower() and len(nxt_tok.text) <= 6:
                end = nxt_tok.end
        name = text[start:end]
        f = fold(name)
        single = len(words) == 1
        if single and f not in name_words and (
                _sentence_start(text, start) or f in lower_words or len(f) < 3
                or f in _STOP or f in _MONTHS_DAYS or language == "de"):
            continue
        if fold(words[-1].text) in _ROLES:
            continue
        if not single:
            name_words.update(fold(w.text) for w in words if len(w.text) > 3)
        if language == "de" and fold(words[-1].text).endswith(_GERMAN_NOUN):
            continue
        if any(fold(w.text) in _MONTHS_DAYS for w in words) or _heading(text, start, end):
            continue
        sl = slug_name(name)
        if sl:
            out.append(Mention(start=start, end=end, text=name, actor_id="new:" + sl,
                               actor_name=name, actor_type="unknown"))
    for m in _QUOTED.finditer(text):
        s, e = m.start(1), m.end(1)
        inner = m.group(1).strip()
        if inner != m.group(1) or len(inner.split()) > 4 or any(a < e and s < b for a, b in spans):
            continue
        if any(o.start < e and s < o.end for o in out):
            continue
        if inner[:1].isalpha() and (inner[0].isupper() or not inner[0].islower()):
            sl = slug_name(inner)
            if sl:
                out.append(Mention(start=s, end=e, text=inner, actor_id="new:" + sl,
                                   actor_name=inner, actor_type="unknown"))
    out.sort(key=lambda m: m.start)
    return out
