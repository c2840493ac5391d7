"""Numbers, quantities and dates in eight languages, as offsets into the text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crosswire.numbers import (
    figures,
    find_dates,
    find_quantities,
    normalize_digits,
    number_keys,
    parse_cjk_numeral,
)


def values(text: str, language: str | None = None) -> list[float]:
    return [q.value for q in figures(text, language)[0]]


@pytest.mark.parametrize(("language", "text", "expected"), [
    ("en", "10,000 troops and 1,234.5 tonnes", [10000, 1234.5]),
    ("de", "12.000 Soldaten, 3,5 Prozent, 1.234,5 Tonnen", [12000, 3.5, 1234.5]),
    ("tr", "1.200 kilometrelik yol, 6,1 büyüklüğünde", [1200, 6.1]),
    ("fr", "1 300 pèlerins et 2\u00a0500 agents, 0,8 %", [1300, 2500, 0.8]),
    ("es", "2.500 efectivos y 52,9 % de pobreza", [2500, 52.9]),
    ("ru", "37,9 млн тонн, 1 500 военнослужащих", [37_900_000, 1500]),
    ("ar", "١٣٠٠ حاج و٧٫٢ مليار دولار", [1300, 7_200_000_000]),
    ("zh", "收入降至72亿美元，一万两千名士兵，两个黑匣子", [7_200_000_000, 12000, 2]),
    ("en", "Fourteen people and nine percent", [14, 9]),
    ("de", "21,5 Milliarden Kubikmeter; 2 Billionen Euro", [21_500_000_000, 2e12]),
    ("en", "$2 billion, 7 bn", [2e9, 7e9]),
])
def test_numbers_in_every_convention(language: str, text: str, expected: list[float]) -> None:
    assert values(text, language) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "language", "kind", "qualifier"), [
    ("more than 40 vessels", "en", "number", "min"),
    ("rund 30 Containerschiffe", "de", "number", "approx"),
    ("yüzde 9 artış", "tr", "percent", "exact"),
    ("%83'ü", "tr", "percent", "exact"),
    ("30'u aştı", "tr", "number", "min"),
    ("ما لا يقل عن ١٢ شخصاً", "ar", "number", "min"),
    ("百分之三十", "zh", "percent", "exact"),
    ("约86分钟", "zh", "number", "approx"),
    ("up to 15% off", "en", "percent", "max"),
    ("$21 million", "en", "money", "exact"),
    ("превысило 70 человек", "ru", "number", "min"),
])
def test_kind_and_qualifier(text: str, language: str, kind: str, qualifier: str) -> None:
    q = find_quantities(text, language)[0]
    assert (q.kind, q.qualifier) == (kind, qualifier)


def test_bounds_and_estimates_are_intervals() -> None:
    more, about = find_quantities("more than 40")[0], find_quantities("about 30")[0]
    assert more.interval()[0] == 40 and more.interval()[1] == float("inf")
    lo, hi = about.interval()
    assert lo < 30 < hi and hi < 40


@pytest.mark.parametrize(("text", "language", "month", "day"), [
    ("am 15. Januar", "de", 1, 15),
    ("16 Ocak'ta", "tr", 1, 16),
    ("Ekim'de", "tr", 10, None),
    ("15 января", "ru", 1, 15),
    ("le 23 juillet", "fr", 7, 23),
    ("23 de julio", "es", 7, 23),
    ("نهاية يناير", "ar", 1, None),
    ("في كانون الثاني", "ar", 1, None),
    ("7月23日生效", "zh", 7, 23),
    ("on January 15", "en", 1, 15),
])
def test_month_names_in_eight_languages(text: str, language: str, month: int,
                                        day: int | None) -> None:
    d = next(x for x in find_dates(text, language) if x.month is not None)
    assert (d.month, d.day) == (month, day)


def test_words_that_only_look_like_months_are_not_dates() -> None:
    assert not [d for d in find_dates("We may see the mayor march", "en") if d.month]
    assert [d.month for d in find_dates("In May 2024 the talks began", "en")] == [5]
    assert not [d for d in find_dates("La planète Mars est visible", "fr") if d.month]


def test_weekdays_times_and_roles() -> None:
    ds = find_dates("Perşembe günü saat 10.46'da başladı", "tr")
    assert [(d.weekday, d.hour) for d in ds] == [(3, None), (None, 10)]
    assert [d.hour for d in find_dates("a las 4.00 hora local (3.00 en la España)", "es")] \
        == [4, 3]
    roles = {d.text: d.role for d in find_dates("from April 2025 until September 2026", "en")}
    assert roles == {"April 2025": "start", "September 2026": "end"}
    assert find_dates("d'ici fin janvier", "fr")[0].role == "end"


def test_figures_leave_out_dates_times_and_keep_names_apart() -> None:
    qs, _ = figures("At 10:46 on 16 October 2024 a 6.1 quake hit; COP 29 and F-16 jets", "en")
    assert [q.value for q in qs if not q.name] == [6.1]
    assert {q.text for q in qs if q.name} == {"29", "16"}


def test_units_are_read_as_families() -> None:
    qs, _ = figures("depth about 9 km, magnitude 6.1, five days, 86 минут", "en")
    assert [q.unit for q in qs] == ["km", "magnitude", "day", "minute"]


def test_story_keys_skip_years_estimates_and_small_digits() -> None:
    keys = set(number_keys("In 2024, 37 people were hurt, about 60 fled, 3 homes fell at 10:46"))
    assert keys == {"n:37", "t:10:46"}


def test_chinese_numerals() -> None:
    assert parse_cjk_numeral("一万两千") == 12000
    assert parse_cjk_numeral("三亿五千万") == 350_000_000
    assert parse_cjk_numeral("十二") == 12
    assert values("统一的立场和一些国家", "zh") == []


@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.%-٠١٢٣٤٥٦٧٨٩٫万亿十三abcMay Ocak"))))
def test_offsets_always_point_at_the_text(text: str) -> None:
    assert len(normalize_digits(text)) == len(text)
    qs, ds = figures(text)
    for item in [*qs, *ds]:
        assert text[item.start:item.end] == item.text
