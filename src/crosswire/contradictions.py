"""Contradictions: aligned sentences from different sources that disagree on a figure, a
date or an actor.

Reads the shared claims of a story (and, when the actors stage has run, the articles'
mentions); returns ``Contradiction`` records with both sides, each pointing at the figure's
characters in its article. Writes nothing; never raises on odd text.

* **figures**: every number of one sentence is paired with a number of the same kind in the
  other (percent, amount of money, count) and, when both name one, the same unit family
  (km, hours, days, magnitude...); estimates and bounds are intervals ("about 30"
  is 25.5-34.5, "more than 40" is above 40), so only figures that cannot both be true are
  reported (30 vs more than 40; 12 vs 14), and only when the sentences give as many figures
  of that kind, exactly one is left on each side, and the two are within a factor of three,
  so the pairing is not a guess;
* **dates**: a month, a day of the month, a weekday or a year that differs ("in October" vs
  "in September", "15 January" vs "16 Ocak", "Thursday" vs "Friday"), when both play the
  same part (a start, an end or a point in time);
* **actors**: when mentions exist, one sentence names an actor of a type where the other
  names a different actor of the same type while they share at least one other actor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from crosswire.claims import Claim, Support
from crosswire.models import Article
from crosswire.numbers import DateMention, Quantity, figures

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                  "Sunday")


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two sentences of one claim that disagree: each side is the figure's span (its
    ``text`` is the figure as written) and the sentence around it."""

    kind: Literal["number", "date", "actor"]
    claim_id: str
    claim_text: str
    what: str  # "30 vs more than 40", "January vs March", "Thursday vs Friday"
    a: Support
    b: Support
    a_sentence: str
    b_sentence: str

    def sides(self) -> tuple[tuple[Support, str], tuple[Support, str]]:
        return (self.a, self.a_sentence), (self.b, self.b_sentence)

    def to_dict(self) -> dict[str, Any]:
        def side(span: Support, sentence: str) -> dict[str, Any]:
            d = span.to_dict()
            d["value"] = d.pop("text")
            return {**d, "sentence_text": sentence}

        return {"kind": self.kind, "claim_id": self.claim_id, "claim": self.claim_text,
                "what": self.what, "a": side(self.a, self.a_sentence),
                "b": side(self.b, self.b_sentence)}


def _compatible(x: Quantity, y: Quantity) -> bool:
    """Same kind, and not two different units (9 km is not 6.1 on the Richter scale)."""
    return x.kind == y.kind and (x.unit is None or y.unit is None or x.unit == y.unit)


def _overlap(x: Quantity, y: Quantity) -> bool:
    (a0, a1), (b0, b1) = x.interval(), y.interval()
    tol = 0.005 * max(abs(x.value), abs(y.value))
    return a0 - tol <= b1 and b0 - tol <= a1


def _shown(q: Quantity) -> str:
    prefix = {"min": "more than ", "max": "up to ", "approx": "about "}.get(q.qualifier, "")
    return prefix + q.text


def disagreeing_figures(qa: Sequence[Quantity], qb: Sequence[Quantity], max_ratio: float = 3.0
                        ) -> list[tuple[Quantity, Quantity]]:
    """Pairs of figures that cannot both be true, after matching the ones that agree.

    Compared only when both sentences give the same number of figures of that kind and
    exactly one of them is left unmatched on each side, within ``max_ratio`` of each other:
    figures further apart, or sentences shaped differently, are more likely about different
    things than in conflict. Numbers that are part of a name ("COP 29") are left out.
    """
    qa = [q for q in qa if not q.name]
    qb = [q for q in qb if not q.name]
    left, right = list(qa), list(qb)
    for x in list(left):
        match = [y for y in right if _compatible(x, y) and _overlap(x, y)]
        if match:
            left.remove(x)
            right.remove(min(match, key=lambda y: abs(y.value - x.value)))
    out = []
    for kind in ("percent", "money", "number"):
        if sum(q.kind == kind for q in qa) != sum(q.kind == kind for q in qb):
            continue
        xs = [x for x in left if x.kind == kind]
        ys = [y for y in right if y.kind == kind]
        if len(xs) == 1 and len(ys) == 1 and _compatible(xs[0], ys[0]):
            x, y = xs[0], ys[0]
            small, big = sorted((abs(x.value), abs(y.value)))
            if small > 0 and big / small <= max_ratio and not (x.spelled and y.spelled):
                out.append((x, y))
    return out


def disagreeing_dates(da: Sequence[DateMention], db: Sequence[DateMention]
                      ) -> list[tuple[DateMention, DateMention, str]]:
    """Month, day, weekday or year mentions that differ, when each side has exactly one and
    they play the same part: "from April" and "until September" are not in conflict, nor
    "27 November" and "in September" (one names a day, the other a month)."""
    out: list[tuple[DateMention, DateMention, str]] = []
    ma = [d for d in da if d.month is not None]
    mb = [d for d in db if d.month is not None]
    if (len(ma) == 1 and len(mb) == 1 and ma[0].role == mb[0].role
            and (ma[0].day is None) == (mb[0].day is None)):
        x, y = ma[0], mb[0]
        assert x.month is not None and y.month is not None
        if x.month != y.month:
            out.append((x, y, f"{_MONTH_NAMES[x.month - 1]} vs {_MONTH_NAMES[y.month - 1]}"))
        elif x.day is not None and y.day is not None and x.day != y.day:
            name = _MONTH_NAMES[x.month - 1]
            out.append((x, y, f"{x.day} {name} vs {y.day} {name}"))
    wa = [d for d in da if d.weekday is not None]
    wb = [d for d in db if d.weekday is not None]
    if len(wa) == 1 and len(wb) == 1 and wa[0].weekday != wb[0].weekday:
        x, y = wa[0], wb[0]
        assert x.weekday is not None and y.weekday is not None
        out.append((x, y, f"{_WEEKDAY_NAMES[x.weekday]} vs {_WEEKDAY_NAMES[y.weekday]}"))
    ya = [d for d in da if d.year is not None]
    yb = [d for d in db if d.year is not None]
    if (len(ya) == 1 and len(yb) == 1 and ya[0].year != yb[0].year
            and ya[0].role == yb[0].role and (ya[0].month is None) == (yb[0].month is None)):
        out.append((ya[0], yb[0], f"{ya[0].year} vs {yb[0].year}"))
    return out


def _found(kind: Literal["number", "date", "actor"], claim: Claim, what: str, a: Support,
           a_span: tuple[int, int], b: Support, b_span: tuple[int, int]) -> Contradiction:
    """A contradiction between the characters ``a_span`` of ``a`` and ``b_span`` of ``b``
    (offsets within each sentence)."""
    def span(s: Support, start: int, end: int) -> Support:
        return Support(s.article_id, s.sentence, s.start + start, s.start + end, s.language,
                       s.source, s.text[start:end])

    return Contradiction(kind, claim.id, claim.text, what, span(a, *a_span), span(b, *b_span),
                         a.text, b.text)


def _actors(article: Article | None, s: Support) -> dict[str, tuple[str, str | None]]:
    """Actor id -> (name, type) of the mentions inside a supporting sentence."""
    if article is None:
        return {}
    return {m.actor_id: (m.actor_name or m.text, m.actor_type) for m in article.mentions
            if m.start >= s.start and m.end <= s.end}


Figures = tuple[list[Quantity], list[DateMention]]


def compare_support(claim: Claim, a: Support, b: Support, articles: Mapping[int, Article],
                    parsed: Mapping[tuple[int, int], Figures] | None = None
                    ) -> list[Contradiction]:
    """What two sentences of one claim disagree on (``parsed``: figures already read)."""
    out: list[Contradiction] = []
    qa, da = (parsed or {}).get((a.article_id, a.sentence)) or figures(a.text, a.language)
    qb, db = (parsed or {}).get((b.article_id, b.sentence)) or figures(b.text, b.language)
    for x, y in disagreeing_figures(qa, qb):
        out.append(_found("number", claim, f"{_shown(x)} vs {_shown(y)}", a, (x.start, x.end),
                          b, (y.start, y.end)))
    for dx, dy, what in disagreeing_dates(da, db):
        out.append(_found("date", claim, what, a, (dx.start, dx.end), b, (dy.start, dy.end)))
    ma, mb = _actors(articles.get(a.article_id), a), _actors(articles.get(b.article_id), b)
    if ma and mb and set(ma) & set(mb):
        only_a = {k: v for k, v in ma.items() if k not in mb}
        only_b = {k: v for k, v in mb.items() if k not in ma}
        for ka, (name_a, type_a) in only_a.items():
            same_type = [(kb, n) for kb, (n, t) in only_b.items() if t == type_a]
            if len(same_type) == 1:
                ment_a = next(m for m in articles[a.article_id].mentions if m.actor_id == ka
                              and m.start >= a.start and m.end <= a.end)
                ment_b = next(m for m in articles[b.article_id].mentions
                              if m.actor_id == same_type[0][0]
                              and m.start >= b.start and m.end <= b.end)
                out.append(_found(
                    "actor", claim, f"{name_a} vs {same_type[0][1]}",
                    a, (ment_a.start - a.start, ment_a.end - a.start),
                    b, (ment_b.start - b.start, ment_b.end - b.start)))
    return out


def find_contradictions(claims: Sequence[Claim], articles: Sequence[Article]
                        ) -> list[Contradiction]:
    """Disagreements between sentences of different sources within each shared claim."""
    by_id = {a.id: a for a in articles if a.id is not None}
    out: list[Contradiction] = []
    for claim in claims:
        seen: set[tuple[str, str, str]] = set()
        parsed = {(s.article_id, s.sentence): figures(s.text, s.language)
                  for s in claim.support}
        for i, a in enumerate(claim.support):
            for b in claim.support[i + 1:]:
                if a.source == b.source:
                    continue
                for c in compare_support(claim, a, b, by_id, parsed):
                    key = (c.kind, c.a.text, c.b.text)
                    if key not in seen:
                        seen.add(key)
                        out.append(c)
    return out
