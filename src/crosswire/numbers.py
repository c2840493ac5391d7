"""Numbers, quantities and dates in the text of many languages, as offsets into that text.

Reads a text and its language; returns ``Quantity`` and ``DateMention`` records whose
``start``/``end`` index the text given, so every figure leads back to its characters. Used by
story keys (``number_keys``) and by claim comparison (contradicting figures and dates).

What it understands:

* digits in any script: ASCII, Arabic-Indic (``١٢``), Eastern Arabic-Indic (``۱۲``) and
  full-width (``１２``), with the Arabic decimal and thousands marks (``٧٫٢``, ``١٬٠٠٠``);
* grouping and decimal marks by convention: ``10,000`` / ``10.000`` / ``10 000`` (thin and
  no-break spaces too) are ten thousand in every language, ``6,8`` and ``6.8`` are decimals,
  ``1.234,5`` and ``1,234.5`` both work (the last mark is the decimal one);
* scale words: million, Mrd., milyar, млн, тыс., مليار, 万, 亿 ... (German "Billion" is 10^12);
* percentages: ``%``, ``٪``, "Prozent", "pour cent", "por ciento", "процентов", "بالمئة",
  Turkish ``%9`` / "yüzde 9" and Chinese "百分之九";
* small number words (one to twenty, tens, hundred, thousand) in en, de, fr, es, tr, ru, ar,
  and Chinese numerals (三, 十二, 两千, 一万两千);
* qualifiers that make a figure a bound or an estimate ("more than 40", "rund 30", "около",
  "至少"), so "more than 30" does not contradict "40";
* dates: month names in the eight languages (Turkish suffixes, Russian cases, both Arabic
  month systems), Chinese ``7月23日``, weekdays, and years.

Never raises on odd input: anything it cannot read is simply not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

# --- digits ----------------------------------------------------------------------------------
_DIGIT_MAP = {
    **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic
    **{0x06F0 + i: str(i) for i in range(10)},  # Eastern Arabic-Indic (Persian, Urdu)
    **{0xFF10 + i: str(i) for i in range(10)},  # full-width
    0x066B: ".",  # Arabic decimal separator
    0x066C: ",",  # Arabic thousands separator
    0x066A: "%",  # Arabic percent sign
    0xFF05: "%",  # full-width percent
    0xFF0E: ".",  # full-width full stop inside numbers
}


def normalize_digits(text: str) -> str:
    """ASCII digits and marks for every script's digits; the length never changes."""
    return text.translate(_DIGIT_MAP)


# --- number words ----------------------------------------------------------------------------
_SMALL = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen twenty",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn "
          "vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize "
          "quatorze quinze seize dix-sept dix-huit dix-neuf vingt",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece "
          "catorce quince dieciséis diecisiete dieciocho diecinueve veinte",
    "tr": "sıfır bir iki üç dört beş altı yedi sekiz dokuz on on_bir on_iki on_üç on_dört "
          "on_beş on_altı on_yedi on_sekiz on_dokuz yirmi",
    "ru": "ноль один два три четыре пять шесть семь восемь девять десять одиннадцать "
          "двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать "
          "восемнадцать девятнадцать двадцать",
    "ar": "صفر واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة",
}
_TENS = {
    "en": {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
           "ninety": 90, "hundred": 100, "thousand": 1000, "dozen": 12},
    "de": {"dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70,
           "achtzig": 80, "neunzig": 90, "hundert": 100, "tausend": 1000},
    "fr": {"trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100,
           "mille": 1000, "une": 1},
    "es": {"treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
           "ochenta": 80, "noventa": 90, "cien": 100, "ciento": 100, "mil": 1000, "una": 1},
    "tr": {"otuz": 30, "kırk": 40, "elli": 50, "altmış": 60, "yetmiş": 70, "seksen": 80,
           "doksan": 90, "yüz": 100, "bin": 1000},
    "ru": {"тридцать": 30, "сорок": 40, "пятьдесят": 50, "сто": 100, "тысяча": 1000,
           "одна": 1, "одну": 1, "две": 2, "двух": 2, "трёх": 3, "трех": 3, "четырёх": 4,
           "пяти": 5, "шести": 6, "семи": 7, "восьми": 8, "девяти": 9, "десяти": 10,
           "двадцати": 20, "тридцати": 30},
    "ar": {"ألف": 1000, "ألفين": 2000, "ألفا": 1000, "مئة": 100, "مائة": 100, "اثنين": 2,
           "ثلاث": 3, "أربع": 4, "خمس": 5, "ست": 6, "سبع": 7, "ثماني": 8, "تسع": 9, "عشر": 10,
           "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "أربعين": 40, "خمسين": 50},
}
# words that are also ordinary words and never count alone ("one of", "un", "bir", "on" ...)
_AMBIGUOUS_WORDS = {"one", "un", "une", "uno", "una", "bir", "on", "один", "одна", "одну",
                    "واحد", "hundred", "cent", "mil", "bin", "yüz", "сто", "ست", "zero", "null",
                    "dozen", "eins", "sept", "neuf", "عشر", "tausend", "mille",
                    "thousand", "ألف", "تسع", "три", "семи", "ноль", "sıfır", "cero", "zéro",
                    "صفر"}


def _lower(word: str) -> str:
    """Lower case that keeps Turkish dotted capitals matchable ("İki" -> "iki")."""
    return word.lower().replace("\u0307", "")


def _word_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for lang, words in _SMALL.items():
        for i, w in enumerate(words.split()):
            table[w.replace("_", " ")] = i
        table.update(_TENS.get(lang, {}))
    return table


_WORDS = _word_table()
_WORD_RE = re.compile(
    r"(?<![\w-])(" + "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
    + r")(?![\w-])", re.IGNORECASE)

# --- Chinese numerals ------------------------------------------------------------------------
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
               "七": 7, "八": 8, "九": 9}
_CJK_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_CJK_NUM = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
# a Chinese numeral counts only before a measure word or unit, so 统一 or 一些 are not numbers
_CJK_COUNTERS = ("个", "名", "人", "架", "艘", "天", "年", "月", "日", "号", "周", "次", "座", "辆",
                 "国", "家", "公里", "千米", "米", "吨", "美元", "欧元", "元", "岁", "枚", "项",
                 "倍", "条", "所", "起", "处", "位", "支", "台", "部", "份", "小时", "分钟", "批")


def parse_cjk_numeral(s: str) -> float | None:
    """Value of a Chinese numeral such as 三, 十二, 两千, 一万两千, 三亿五千万."""
    if not s or any(ch not in _CJK_DIGITS and ch not in _CJK_SMALL_UNITS
                    and ch not in _CJK_BIG_UNITS for ch in s):
        return None
    total = 0.0  # everything up to the last 亿
    wan = 0.0  # the 万 part since then
    section = 0.0  # below 万
    digit: float | None = None
    for ch in s:
        if ch in _CJK_DIGITS:
            digit = _CJK_DIGITS[ch]
        elif ch in _CJK_SMALL_UNITS:
            section += (1 if digit is None else digit) * _CJK_SMALL_UNITS[ch]
            digit = None
        elif ch == "万":
            wan = (wan + section + (digit or 0)) * _CJK_BIG_UNITS[ch]
            section, digit = 0.0, None
        else:
            total = (total + wan + section + (digit or 0)) * _CJK_BIG_UNITS[ch]
            wan, section, digit = 0.0, 0.0, None
    return total + wan + section + (digit or 0)


# --- scales, percent, qualifiers ------------------------------------------------------------
_SCALES: list[tuple[str, float]] = [
    ("mil millones", 1e9), ("thousand", 1e3), ("million", 1e6), ("millions", 1e6),
    ("billion", 1e9), ("billions", 1e9), ("trillion", 1e12), ("mn", 1e6), ("bn", 1e9),
    ("tn", 1e12), ("tausend", 1e3), ("mio.", 1e6), ("mio", 1e6), ("million", 1e6),
    ("millionen", 1e6), ("milliarde", 1e9), ("milliarden", 1e9), ("mrd.", 1e9), ("mrd", 1e9),
    ("billionen", 1e12), ("mille", 1e3), ("milliard", 1e9), ("milliards", 1e9), ("mil", 1e3),
    ("millón", 1e6), ("millones", 1e6), ("billón", 1e12), ("billones", 1e12), ("bin", 1e3),
    ("milyon", 1e6), ("milyar", 1e9), ("trilyon", 1e12), ("тыс.", 1e3), ("тыс", 1e3),
    ("тысяча", 1e3), ("тысячи", 1e3), ("тысяч", 1e3), ("млн", 1e6), ("миллион", 1e6),
    ("миллиона", 1e6), ("миллионов", 1e6), ("млрд", 1e9), ("миллиард", 1e9),
    ("миллиарда", 1e9), ("миллиардов", 1e9), ("трлн", 1e12), ("ألف", 1e3), ("آلاف", 1e3),
    ("مليون", 1e6), ("ملايين", 1e6), ("مليار", 1e9), ("مليارات", 1e9), ("万亿", 1e12),
    ("万", 1e4), ("亿", 1e8), ("千", 1e3), ("百万", 1e6),
]
# German "Billion" is 10^12; English "billion" 10^9: decided by language below
_SCALE_RE = re.compile(
    r"\s?(" + "|".join(sorted({re.escape(w) for w, _ in _SCALES} | {"billion"}, key=len,
                              reverse=True)) + r")(?:(?<=[\u4e00-\u9fff.])|(?![\w]))",
    re.IGNORECASE)
_SCALE_VALUE = {w: v for w, v in _SCALES}

_PERCENT_AFTER = re.compile(
    r"\s?(%|percent|per cent|prozent|pour cent|por ciento|процент\w*|بالمئة|بالمائة|"
    r"في المئة|في المائة)", re.IGNORECASE)
_PERCENT_BEFORE = re.compile(r"(?:%|yüzde\s|百分之)$", re.IGNORECASE)

_MIN_WORDS = ("more than", "over", "at least", "upwards of", "in excess of", "exceeded",
              "topped", "mehr als", "über", "mindestens", "überstieg", "plus de", "au moins",
              "dépassé", "más de", "al menos", "por encima de", "superó", "en az", "более",
              "свыше", "больше", "не менее", "превысило", "превысил", "превысила",
              "превысили", "أكثر من", "ما لا يقل عن", "ما يزيد على", "تجاوز", "تجاوزت",
              "超过", "逾", "至少")
_MAX_WORDS = ("up to", "less than", "fewer than", "under", "bis zu", "weniger als",
              "jusqu'à", "moins de", "hasta", "menos de", "до", "менее", "меньше", "حتى",
              "أقل من", "不到", "不足", "最多")
_APPROX_WORDS = ("about", "around", "roughly", "approximately", "nearly", "almost", "some",
                 "an estimated", "rund", "etwa", "ungefähr", "fast", "knapp", "circa", "ca.",
                 "environ", "près de", "quelque", "presque", "unos", "unas", "cerca de",
                 "casi", "alrededor de", "aproximadamente", "yaklaşık", "около", "почти",
                 "примерно", "порядка", "نحو", "حوالي", "قرابة", "زهاء",
                 "约", "大约", "近", "将近", "左右")

Qualifier = Literal["exact", "approx", "min", "max"]
Kind = Literal["number", "percent", "money"]
_CURRENCY = re.compile(
    r"(?:de |of |d'|des )?([$€£¥₺₽]|usd|eur|dollars?|euros?|доллар\w*|евро|рубл\w*|دولار|"
    r"يورو|美元|欧元|元|dólares|dolar|avro|lira)", re.IGNORECASE)
_CURRENCY_SIGN = re.compile(r"[$€£¥₺₽]\s?$")
# Turkish scale words take suffixes: "5 binden fazla", "2 milyarlık"
_TR_SCALE_RE = re.compile(r"\s(bin|milyon|milyar|trilyon)[a-zçğıöşü'’]*(?![\w])")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure in the text: value after scale words, its kind, and how exact it is."""

    value: float
    start: int
    end: int
    text: str
    kind: Kind = "number"
    qualifier: Qualifier = "exact"
    spelled: bool = False  # written in words ("fourteen", "三") rather than digits
    name: bool = False  # part of a name ("COP 29", "F-16", "Sword-2024B"), not a count
    unit: str | None = None  # a unit family when one is written: km, hour, day, magnitude...

    def interval(self) -> tuple[float, float]:
        """The values the text allows: an estimate is +-15%, a bound is open on one side."""
        v = self.value
        if self.qualifier == "approx":
            return (v * 0.85, v * 1.15) if v >= 0 else (v * 1.15, v * 0.85)
        if self.qualifier == "min":
            return (v, float("inf"))
        if self.qualifier == "max":
            return (float("-inf"), v)
        return (v, v)


# digits with optional grouping marks and one decimal part
# a number may follow CJK text directly ("降至72亿"), but not a Latin, Greek or Cyrillic letter
_NUMBER = re.compile(
    r"(?<![0-9A-Za-z\u00c0-\u024f\u0370-\u052f_.,])"
    r"(\d{1,3}(?:(?:[,.'’]|[ \u00a0\u202f\u2009])\d{3})+|\d+)"
    r"(?:([.,])(\d+))?(?![\d])")


def _number_value(whole: str, mark: str | None, frac: str | None) -> float | None:
    """Value of ``whole[mark frac]`` with the conventions described in the module docstring."""
    seps = set(re.findall(r"[,.'’ \u00a0\u202f\u2009]", whole))
    digits = re.sub(r"[,.'’ \u00a0\u202f\u2009]", "", whole)
    if len(digits) > 15:
        return None
    if frac is not None and mark is not None and mark in seps:
        digits, frac = digits + frac, None  # "1.234.567": the last group looked like a fraction
    value = float(int(digits))
    if frac:
        value += float("0." + frac)
    return value


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af"


def _qualifier_before(text: str, start: int) -> Qualifier:
    before = text[max(0, start - 24):start].lower().rstrip(" \u00a0")
    for words, q in ((_MIN_WORDS, "min"), (_MAX_WORDS, "max"), (_APPROX_WORDS, "approx")):
        for w in words:
            if not before.endswith(w):
                continue
            k = len(before) - len(w)
            if _is_cjk(w[0]) or k == 0 or not before[k - 1].isalnum():
                return q  # type: ignore[return-value]
    return "exact"


_TR_SUFFIX = r"(?:['’]?[a-zçğıöşü]{0,4})\s?"


def _qualifier_after(text: str, end: int) -> Qualifier | None:
    """Qualifiers written after the figure: Turkish "30'u aştı", "5 binden fazla", "30'a
    kadar"; Chinese "100多", "3000余", "15%以上", "86分钟左右"."""
    after = text[end:end + 16].lower()
    if after[:1] in ("多", "余") or after.startswith("以上") or re.match(
            _TR_SUFFIX + r"(?:fazla|aşkın|aştı|aşan|aşıyor)", after):
        return "min"
    if re.match(_TR_SUFFIX + r"kadar", after) or after.startswith("以内"):
        return "max"
    if re.match(_TR_SUFFIX + r"civarında", after) or re.match(r"^\w{0,3}左右", after):
        return "approx"
    return None


_NAME_BEFORE = re.compile(r"(?:\b[A-Z]{2,}[\s-]?|\b[A-Z]-|\w-)$")
# a capitalised word, not the first of its sentence, right before the number: "Siberia 2"
_NAME_WORD_BEFORE = re.compile(r"[\w,)]\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’]+\s$")


def _is_name_number(text: str, start: int, end: int) -> bool:
    """A number that belongs to a name: after an acronym ("COP 29", "ATR 72") or a
    capitalised word inside the sentence ("Power of Siberia 2", "Boeing 737"), glued to a
    word by a hyphen ("F-16", "Sword-2024"), followed by a letter ("2024B") or closing a
    quoted name ("كوب 29")."""
    before = text[max(0, start - 30):start]
    if _NAME_BEFORE.search(before[-8:]) or re.match(r"[A-Za-z]", text[end:end + 1]):
        return True
    m = _NAME_WORD_BEFORE.search(before)
    if m and _lower(m.group(0).split()[-1]) not in _MONTH_INDEX:
        return True
    return bool(re.match(r"[\"”»]", text[end:end + 1]) and re.search(r"[\"“«]\S+\s$", before))


_UNITS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(p, re.IGNORECASE)) for name, p in (
    ("km", r"(?:km\b|kilomet|kilómet|kilomèt|км\b|километр|كيلو|公里|千米|miles?\b)"),
    ("hour", r"(?:hours?\b|hrs?\b|stunden?\b|heures?\b|horas?\b|saat\b|час|ساع|小时|个小时)"),
    ("minute", r"(?:minutes?\b|mins?\b|minuten\b|minutos?\b|dakika|минут|دقيق|分钟)"),
    ("day", r"(?:days?\b|tagen?\b|tage\b|jours?\b|días?\b|gün|дн|день|дня|أيام|يوم|天)"),
    ("week", r"(?:weeks?\b|wochen?\b|semaines?\b|semanas?\b|hafta|недел|أسابيع|أسبوع|周|星期)"),
    ("month", r"(?:months?\b|monaten?\b|monate\b|mois\b|meses\b|ay\b|ay[ıi]|месяц|أشهر|"
              r"شهر|个月)"),
    ("year", r"(?:years?\b|jahren?\b|jahre\b|ans\b|années?\b|años?\b|yıl|лет\b|года?\b|"
             r"год\b|سنوات|سنة|عاما|أعوام|年)"),
    ("magnitude", r"(?:büyüklüğ|magnitude|级|級)"),
    ("degree", r"(?:°|degrees?\b|grad\b|degrés|grados|derece|градус|درجة مئوية)"),
)]
_MAGNITUDE_BEFORE = re.compile(
    r"(?:magnitude|stärke|magnitud|магнитуд\w*|规模|規模|بقوة|\bM)\s?(?:de\s|of\s)?$",
    re.IGNORECASE)


def _unit(text: str, start: int, end: int) -> str | None:
    """The unit family written right after a figure (or "magnitude" right before it)."""
    after = text[end:end + 16].lstrip(" \u00a0-")
    for name, pattern in _UNITS:
        if pattern.match(after):
            return name
    if _MAGNITUDE_BEFORE.search(text[max(0, start - 14):start]):
        return "magnitude"
    return None


def find_quantities(text: str, language: str | None = None) -> list[Quantity]:
    """Every number, percentage and amount in ``text``, with offsets into ``text``."""
    norm = normalize_digits(text)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def add(value: float, start: int, end: int, is_percent: bool = False,
            spelled: bool = False) -> None:
        end2 = end
        more = norm[end:end + 1] in ("多", "余") and norm[end + 1:end + 2] in ("万", "亿", "千")
        m = _TR_SCALE_RE.match(norm, end) or _SCALE_RE.match(norm, end + 1 if more else end)
        if m and not is_percent and (m.re is not _TR_SCALE_RE or language in (None, "tr")):
            word = _lower(m.group(1))
            scale = 1e12 if word == "billion" and language == "de" else _SCALE_VALUE.get(
                word, 1e9 if word == "billion" else 1.0)
            value *= scale
            end2 = m.end()
        kind: Kind = "number"
        pm = _PERCENT_AFTER.match(norm, end2)
        if is_percent or pm:
            kind = "percent"
            if pm and not is_percent:
                end2 = pm.end()
        elif _CURRENCY_SIGN.search(norm[max(0, start - 4):start]) or _CURRENCY.match(
                norm[end2:end2 + 12].lstrip()):
            kind = "money"
        qual: Qualifier = "min" if more else (
            _qualifier_after(norm, end2) or _qualifier_before(norm, start))
        name = not spelled and _is_name_number(norm, start, end2)
        found.append(Quantity(value, start, end2, text[start:end2], kind, qual, spelled, name,
                              _unit(norm, start, end2)))
        taken.append((start, end2))

    for m in _NUMBER.finditer(norm):
        value = _number_value(m.group(1), m.group(2), m.group(3))
        if value is None:
            continue
        start = m.start()
        before = _PERCENT_BEFORE.search(norm[max(0, start - 6):start])
        if before:  # Turkish "%9" / "yüzde 9", Chinese "百分之9"
            start -= len(before.group(0))
        add(value, start, m.end(), before is not None)

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in _CJK_NUM.finditer(norm):
        s, e = m.start(), m.end()
        value = parse_cjk_numeral(m.group(0))
        if value is None or not free(s, e) or not (
                m.group(0)[0] == "十" or any(ch in _CJK_DIGITS for ch in m.group(0))):
            continue
        is_percent = norm[max(0, s - 3):s] == "百分之"
        if not (is_percent or any(norm.startswith(c, e) for c in _CJK_COUNTERS)
                or any(ch in "十百千万亿" for ch in m.group(0))):
            continue
        if is_percent:
            s -= 3
        add(value, s, e, is_percent, spelled=True)
    for m in _WORD_RE.finditer(norm):
        word = _lower(m.group(1))
        s, e = m.start(), m.end()
        if word in _AMBIGUOUS_WORDS or word not in _WORDS or not free(s, e):
            continue
        add(float(_WORDS[word]), s, e, spelled=True)
    found.sort(key=lambda q: q.start)
    return found


# --- dates -----------------------------------------------------------------------------------
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "janvier", "enero", "ocak", "январ", "يناير",
        "كانون الثاني"),
    2: ("february", "feb", "februar", "février", "febrero", "şubat", "феврал", "فبراير",
        "شباط"),
    3: ("march", "mar", "märz", "mars", "marzo", "mart", "март", "مارس", "آذار"),
    4: ("april", "apr", "avril", "abril", "nisan", "апрел", "أبريل", "إبريل", "نيسان"),
    5: ("may", "mai", "mayo", "mayıs", "мая", "май", "мае", "مايو", "أيار"),
    6: ("june", "jun", "juni", "juin", "junio", "haziran", "июн", "يونيو", "يونيه", "حزيران"),
    7: ("july", "jul", "juli", "juillet", "julio", "temmuz", "июл", "يوليو", "يوليه", "تموز"),
    8: ("august", "aug", "août", "agosto", "ağustos", "август", "أغسطس", "آب"),
    9: ("september", "sept", "sep", "septembre", "septiembre", "setiembre", "eylül",
        "сентябр", "سبتمبر", "أيلول"),
    10: ("october", "oct", "oktober", "octobre", "octubre", "ekim", "октябр", "أكتوبر",
         "تشرين الأول"),
    11: ("november", "nov", "novembre", "noviembre", "kasım", "ноябр", "نوفمبر",
         "تشرين الثاني"),
    12: ("december", "dec", "dezember", "décembre", "diciembre", "aralık", "декабр", "ديسمبر",
         "كانون الأول"),
}
# month words that are also common words: they count only next to a day or a year
_ABBREVIATED_MONTHS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                       "nov", "dec"}
_AMBIGUOUS_MONTHS = {"may", "mai", "mars", "آب", "mayo"}
# English month names that are also ordinary lower-case words ("march", "may", "august")
_CAPITALISED_MONTHS = {"march", "may", "august"}
_MONTH_PREP = re.compile(
    r"(?:\b(?:in|since|until|by|of|early|late|mid|end of|im|seit|bis|ab|ende|anfang|mitte|"
    r"en|fin|début|mi|depuis|de|desde|hasta|finales de|principios de|mediados de|в|с|до|к)|"
    r"في|منذ|حتى)[\s-]$", re.IGNORECASE)
_STEM_MONTHS = {"январ", "феврал", "апрел", "июн", "июл", "сентябр", "октябр", "ноябр",
                "декабр", "август", "март"}
_MONTH_INDEX = {w: n for n, words in _MONTHS.items() for w in words}
_MONTH_RE = re.compile(
    r"(?:(?<=[\u0648\u0628\u0644\u0641])|(?<![\w]))("
    + "|".join(sorted((re.escape(w) for w in _MONTH_INDEX), key=len, reverse=True))
    + r")(\.|[\w'’]*)", re.IGNORECASE)
_WEEKDAYS: dict[int, tuple[str, ...]] = {
    0: ("monday", "montag", "lundi", "lunes", "pazartesi", "понедельник", "الاثنين", "الإثنين",
        "周一", "星期一", "礼拜一"),
    1: ("tuesday", "dienstag", "mardi", "martes", "salı", "вторник", "الثلاثاء", "周二",
        "星期二", "礼拜二"),
    2: ("wednesday", "mittwoch", "mercredi", "miércoles", "çarşamba", "в среду", "الأربعاء",
        "周三", "星期三", "礼拜三"),
    3: ("thursday", "donnerstag", "jeudi", "jueves", "perşembe", "четверг", "الخميس", "周四",
        "星期四", "礼拜四"),
    4: ("friday", "freitag", "vendredi", "viernes", "cuma", "в пятницу", "الجمعة", "周五",
        "星期五", "礼拜五"),
    5: ("saturday", "samstag", "sonnabend", "samedi", "sábado", "cumartesi", "в субботу",
        "السبت", "周六", "星期六", "礼拜六"),
    6: ("sunday", "sonntag", "dimanche", "domingo", "pazar günü", "в воскресенье", "الأحد",
        "周日", "星期日", "星期天", "礼拜天"),
}
_WEEKDAY_INDEX = {w: n for n, words in _WEEKDAYS.items() for w in words}
_WEEKDAY_RE = re.compile(
    r"(?<![\w])(" + "|".join(sorted((re.escape(w) for w in _WEEKDAY_INDEX), key=len,
                                     reverse=True)) + r")", re.IGNORECASE)
_ZH_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2}|[一二三四五六七八九十]{1,3})月"
                      r"(?:(\d{1,2}|[一二三四五六七八九十]{1,3})[日号])?")
_YEAR = re.compile(r"(?<![\d.,])((?:1[89]|20)\d\d)(?![\d])")
_DAY_BEFORE = re.compile(r"(?<!\d)(\d{1,2})(?:\.|er|º|'?[ıiuü]?n?(?:da|de)?)?\s?(?:de\s)?$")
_DAY_AFTER = re.compile(r"^\s?(\d{1,2})(?:st|nd|rd|th)?(?![\d])")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A calendar reference: a month (with day or year when given), a weekday or a year."""

    start: int
    end: int
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None
    role: Literal["point", "start", "end"] = "point"  # "from April" / "until September"


# clock times: "14:37", "10.46'da", "(TSİ 05.00)", "14.30 Uhr", "4 a.m.", "à 4 heures",
# "a las 4.00", "в 4 часа", "14时37分", "2時"; a bare "3.00" counts too (hours, not money)
_CLOCK = [re.compile(p, re.IGNORECASE) for p in (
    r"(?:(?<=saat )|(?<=las )|(?<=الساعة )|(?<=TSİ )|(?<=GMT )|(?<=UTC )|(?<=MSK ))"
    r"(\d{1,2})(?:[:.h](\d{2}))?(?![\d%]|[.,]\d)",
    r"(?:(?<=at )|(?<=um )|(?<=à )|(?<=в ))(\d{1,2})[:.h](\d{2})(?![\d%]|[.,]\d)",
    r"(?<![\d.,$€£])(\d{1,2})(?:[:.](\d{2}))?\s?(?:uhr\b|h\b|heures?\b|a\.m\.|p\.m\.|"
    r"am\b|pm\b|o'clock|horas?\b|час\w*)",
    r"(?<![\d.,$€£])(\d{1,2})[:.](\d{2})(?=['’](?:t|d)[ae]n?\b)",
    r"(?<![\d.,$€£:])(\d{1,2}):(\d{2})(?![\d:%]|[.,]\d)",
    r"(?<![\d.,$€£])(\d{1,2})\.(00)(?![\d%])(?!\s?(?:%|km|m\b|kg|t\b|mb|bcm))",
    r"(\d{1,2})[时時点點](?:(\d{1,2})分)?",
)]
_ZH_DAY = re.compile(r"(?<![\d月])(\d{1,2})[日号](?![\w])|(?<![\d月])(\d{1,2})日")
_START_BEFORE = re.compile(
    r"\b(?:from|since|starting|beginning|ab|seit|à partir d|depuis|dès|desde|a partir de|"
    r"с|со|начиная с)\b[^.,;]{0,16}$|(?:من|منذ|اعتبارا من)\s[^.,;]{0,12}$", re.IGNORECASE)
_END_BEFORE = re.compile(
    r"\b(?:until|till|through|by|before|bis|jusqu'|d'ici|avant|hasta|antes de|до|по)\b"
    r"[^.,;]{0,16}$|(?:حتى|قبل)\s[^.,;]{0,12}$", re.IGNORECASE)
_TR_PERIOD = r"^\S{0,8}(?:\s(?:ay|yıl|son|baş|orta)\w*)?\s?"
_START_AFTER = re.compile(_TR_PERIOD + r"(?:itibaren|başlayarak)|^(?:起|以来|开始)")
_END_AFTER = re.compile(_TR_PERIOD + r"kadar|^(?:前|之前|为止|底前)")


def _role(text: str, start: int, end: int) -> Literal["point", "start", "end"]:
    before, after = text[max(0, start - 24):start], text[end:end + 28]
    if _START_BEFORE.search(before) or _START_AFTER.match(after):
        return "start"
    if _END_BEFORE.search(before) or _END_AFTER.match(after):
        return "end"
    return "point"


def find_dates(text: str, language: str | None = None) -> list[DateMention]:
    """Months (with day and year when written next to them), weekdays, years, clock times."""
    norm = normalize_digits(text)
    out: list[DateMention] = []
    spans: list[tuple[int, int]] = []
    for pattern in _CLOCK:
        for m in pattern.finditer(norm):
            hour, minute = int(m.group(1)), int(m.group(2) or 0)
            if hour > 24 or minute > 59 or any(not (m.end() <= a or m.start() >= b)
                                               for a, b in spans):
                continue
            out.append(DateMention(m.start(), m.end(), text[m.start():m.end()], hour=hour,
                                   minute=minute))
            spans.append((m.start(), m.end()))
    if any(re.fullmatch(r"\d{1,2}[.:]\d{2}", d.text) for d in out):
        # "10.46 hora local (9.46 en la España peninsular)": once a text writes the time as
        # H.MM, another H.MM next to it is a time too, not a decimal
        for m in re.finditer(r"(?<![\d.,$€£])(\d{1,2})[.:]([0-5]\d)(?![\d%]|[.,]\d)", norm):
            if int(m.group(1)) <= 24 and all(m.end() <= a or m.start() >= b for a, b in spans):
                out.append(DateMention(m.start(), m.end(), text[m.start():m.end()],
                                       hour=int(m.group(1)), minute=int(m.group(2))))
                spans.append((m.start(), m.end()))
    for m in _ZH_DATE.finditer(norm):
        if any(not (m.end() <= a or m.start() >= b) for a, b in spans):
            continue
        month = _small_int(m.group(2))
        day = _small_int(m.group(3)) if m.group(3) else None
        if month is None or not 1 <= month <= 12:
            continue
        year = int(m.group(1)) if m.group(1) else None
        out.append(DateMention(m.start(), m.end(), text[m.start():m.end()], year, month, day,
                               role=_role(norm, m.start(), m.end())))
        spans.append((m.start(), m.end()))
    for m in _MONTH_RE.finditer(norm):
        word, tail = _lower(m.group(1)), m.group(2)
        if word not in _MONTH_INDEX or (word in _CAPITALISED_MONTHS
                                        and not m.group(1)[0].isupper()):
            continue
        if word not in _STEM_MONTHS and tail and not re.match(
                r"^(?:\.|['’]\w*|[ıiuü]?n?[dt][ae]|[ıiuü]n[ıiuü]?n?|[аеяу]|ом|ы|ь)$",
                tail, re.IGNORECASE):
            continue  # a longer word that merely starts like a month ("marsh", "mayor")
        s, e = m.start(), m.end()
        if tail == "." and word not in _ABBREVIATED_MONTHS:
            e -= 1  # the full stop ends the sentence, it is not part of the month
        if any(not (e <= a or s >= b) for a, b in spans):
            continue
        day = year = None
        before = _DAY_BEFORE.search(norm[max(0, s - 8):s])
        after = _DAY_AFTER.match(norm[e:e + 5])
        if before:
            day, s = int(before.group(1)), s - len(before.group(0))
        elif after and not _YEAR.match(norm[e:].lstrip()):
            day, e = int(after.group(1)), e + len(after.group(0))
        ym = re.match(r"^,?\s?(?:de\s|del\s)?((?:1[89]|20)\d\d)(?![\d])", norm[e:e + 10])
        if ym:
            year, e = int(ym.group(1)), e + len(ym.group(0))
        if day is None and year is None and (
                (word in _ABBREVIATED_MONTHS and tail != ".")
                or (word in _AMBIGUOUS_MONTHS
                    and not _MONTH_PREP.search(norm[max(0, m.start() - 14):m.start()]))):
            continue
        if day is not None and not 1 <= day <= 31:
            day = None
        out.append(DateMention(s, e, text[s:e], year, _MONTH_INDEX[word], day,
                               role=_role(norm, s, e)))
        spans.append((s, e))
    for m in _WEEKDAY_RE.finditer(norm):
        s, e = m.span()
        if any(not (e <= a or s >= b) for a, b in spans) or not _weekday_ends(norm, e):
            continue
        weekday = _WEEKDAY_INDEX.get(_lower(m.group(1)))
        if weekday is not None:
            out.append(DateMention(s, e, text[s:e], weekday=weekday))
            spans.append((s, e))
    for m in _YEAR.finditer(norm):
        s, e = m.span(1)
        if any(not (e <= a or s >= b) for a, b in spans):
            continue
        if _SCALE_RE.match(norm, e) or _PERCENT_AFTER.match(norm, e):
            continue  # "2000 kilometres" is a distance, "2024 million" is not a year
        if re.match(r"^\s?(?:km|kilo|mil|meter|metre|метр|كيلو|公里|ton|tonn|тонн|people|"
                    r"kişi|человек|شخص|人)", norm[e:e + 8], re.IGNORECASE):
            continue
        out.append(DateMention(s, e, text[s:e], year=int(m.group(1)), role=_role(norm, s, e)))
        spans.append((s, e))
    for m in _ZH_DAY.finditer(norm):  # "14日": a day of the month, not a count
        if any(not (m.end() <= a or m.start() >= b) for a, b in spans):
            continue
        day = int(m.group(1) or m.group(2))
        if 1 <= day <= 31:
            out.append(DateMention(m.start(), m.end(), text[m.start():m.end()], day=day))
            spans.append((m.start(), m.end()))
    out.sort(key=lambda d: d.start)
    return out


def _weekday_ends(text: str, end: int) -> bool:
    """A weekday word ends here: not the start of a longer word ("salınım"), though German
    compounds ("Mittwochabend") and Turkish suffixes ("Cuma'da") still count."""
    nxt = text[end:end + 1]
    if not nxt or not nxt.isalpha() or _is_cjk(text[end - 1]):
        return True
    return bool(re.match(r"(?:abend|morgen|nachmittag|vormittag|früh|nacht)", text[end:end + 10],
                         re.IGNORECASE))


def _small_int(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    v = parse_cjk_numeral(s)
    return int(v) if v is not None else None


def figures(text: str, language: str | None = None
            ) -> tuple[list[Quantity], list[DateMention]]:
    """Quantities that are not part of a date, and the dates: what claims are compared on."""
    dates = find_dates(text, language)
    spans = [(d.start, d.end) for d in dates]
    qs = [q for q in find_quantities(text, language)
          if all(q.end <= a or q.start >= b for a, b in spans)]
    return qs, dates


# --- story keys ------------------------------------------------------------------------------
def format_value(value: float) -> str:
    """A canonical spelling of a value: 10000, 6.1, 0.05."""
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return f"{value:.6g}"


def number_keys(text: str, language: str | None = None) -> Iterable[str]:
    """``n:VALUE`` keys for the figures and ``t:HH:MM`` keys for the clock times that help tell
    stories apart.

    Years and single digits say little about which story a text belongs to, nor do estimates
    and bounds ("about 60", "more than 40"), which many unrelated reports share; they are left
    out, as are figures inside dates.
    """
    qs, dates = figures(text, language)
    for d in dates:
        if d.hour is not None:
            yield f"t:{d.hour}:{d.minute or 0:02d}"
    for q in qs:
        if q.spelled or q.qualifier != "exact" or (q.value < 10 and q.value == int(q.value)):
            continue
        key = format_value(q.value)
        if re.fullmatch(r"(19|20)\d\d", key):
            continue
        yield "n:" + key
