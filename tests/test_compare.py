"""Claims, details, contradictions, omissions and the summary, on small written stories."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from tests.test_align import article

from crosswire.align import AlignOptions, StoryAlignment, align_articles
from crosswire.claims import ClaimSet, Support, build_claims
from crosswire.contradictions import disagreeing_figures, find_contradictions
from crosswire.details import find_details, split_pieces
from crosswire.models import Article
from crosswire.numbers import figures
from crosswire.summary import summarize

# One story, three outlets, three languages; written for these tests.
EN = article(1, [
    "Dockworkers at the port of Hamburg walked off the job on Thursday for 48 hours.",
    "More than 40 container vessels are anchored at the mouth of the Elbe, waiting to be unloaded.",
    "The Verdi union is seeking a nine percent pay rise, with the shipping lines' lobby calling the demand reckless.",
    "Negotiations are scheduled to resume in October.",
    "Several shipping lines said they might divert vessels to Rotterdam or Antwerp.",
], "en")
DE = article(2, [
    "Die Hafenarbeiter in Hamburg sind am Donnerstag in einen 48-stündigen Streik getreten.",
    "Vor der Elbmündung warten inzwischen rund 30 Containerschiffe auf die Abfertigung.",
    "Die Gewerkschaft Verdi fordert eine Lohnerhöhung von neun Prozent.",
    "Die Verhandlungen sollen im September fortgesetzt werden.",
    "Nach Angaben der Hafenbehörde ist auch der Güterverkehr auf der Schiene betroffen.",
], "de")
TR = article(3, [
    "Almanya'nın Hamburg Limanı'nda liman işçileri perşembe günü 48 saatlik greve başladı.",
    "Verdi sendikası yüzde 9 ücret artışı talep ediyor.",
    "Türk ihracatçılar, tekstil sevkiyatlarında gecikme yaşanmasından endişe ediyor.",
], "tr")


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StoryAlignment, ClaimSet]]:
    import crosswire

    cw = crosswire.open(str(tmp_path_factory.mktemp("cmp") / "x.db"))
    arts = [EN, DE, TR]
    al = align_articles(arts, cw.encoder, AlignOptions())
    claims = build_claims(al, arts, reader_language="en")
    find_details(cw.encoder, al, claims.shared)
    yield al, claims
    cw.close()


def texts(support: Sequence[Support]) -> set[tuple[int, int]]:
    return {(s.article_id, s.sentence) for s in support}


def test_shared_claims_cite_their_sentences(story: tuple[StoryAlignment, ClaimSet]) -> None:
    _, claims = story
    by_support = [texts(c.support) for c in claims.shared]
    assert {(1, 0), (2, 0), (3, 0)} in by_support  # the strike began, in three languages
    assert {(1, 2), (2, 2), (3, 1)} in by_support  # the nine percent demand
    for c in claims.shared:
        for s in c.support:
            source = {1: EN, 2: DE, 3: TR}[s.article_id]
            assert source.text[s.start:s.end] == s.text
        assert c.language == "en" and c.text in {s.text for s in c.support}


def test_unique_claims_are_each_sources_own(story: tuple[StoryAlignment, ClaimSet]) -> None:
    _, claims = story
    unique = {(c.support[0].article_id, c.support[0].sentence) for c in claims.unique}
    assert {(1, 4), (2, 4), (3, 2)} <= unique  # Rotterdam, rail freight, Turkish exporters
    assert all(len(c.sources) == 1 for c in claims.unique)


def test_a_detail_only_one_source_adds(story: tuple[StoryAlignment, ClaimSet]) -> None:
    _, claims = story
    demand = next(c for c in claims.shared if (1, 2) in texts(c.support))
    assert [(d.article_id, d.text) for d in demand.details] == [
        (1, "with the shipping lines' lobby calling the demand reckless.")]
    d = demand.details[0]
    assert EN.text[d.start:d.end] == d.text


def test_contradicting_figures_and_dates(story: tuple[StoryAlignment, ClaimSet]) -> None:
    _, claims = story
    found = {(c.kind, c.a.text, c.b.text) for c in find_contradictions(claims.shared,
                                                                          [EN, DE, TR])}
    assert ("number", "40", "30") in found  # "more than 40" cannot be "about 30"
    assert ("date", "October", "September") in found
    assert not [f for f in found if f[0] == "number" and "48" in f[1]]  # hours agree


def test_bounds_estimates_and_units_do_not_raise_false_alarms() -> None:
    def clash(a: str, b: str) -> bool:
        return bool(disagreeing_figures(figures(a)[0], figures(b)[0]))

    assert not clash("at least 12 people died", "fourteen people died")
    assert not clash("more than 500 firefighters", "about 700 firefighters")
    assert not clash("a 6.1 quake at a depth of 9 km", "a magnitude 6.0 quake, 5 km deep")
    assert clash("12 people died", "14 people died")
    assert clash("about 30 ships waited", "more than 40 ships waited")
    assert not clash("2 ships and 30 trucks", "about 200 ships")  # different shapes


def test_omissions_need_most_sources(story: tuple[StoryAlignment, ClaimSet]) -> None:
    _, claims = story
    ships = next(c for c in claims.shared if (1, 1) in texts(c.support))
    omitted = [o for o in claims.omissions if o.claim is ships]
    assert omitted and omitted[0].missing == (("src3", (3,)),)


def test_independence_is_one_swappable_function(story: tuple[StoryAlignment, ClaimSet]) -> None:
    al, _ = story

    def one_outlet(support: Sequence[Support]) -> list[str]:
        return ["same group"]  # e.g. provenance finds all three rewrite one wire story

    claims = build_claims(al, [EN, DE, TR], independence=one_outlet)
    assert claims.shared == [] and claims.omissions == []


def test_summary_prefers_what_many_sources_say_in_the_readers_language(
        story: tuple[StoryAlignment, ClaimSet]) -> None:
    al, claims = story
    items = summarize([*claims.shared, *claims.unique], al, "de", n=3)
    assert len(items) == 3
    assert all(i.language == "de" for i in items)
    assert any(len({s.source for s in i.support}) == 3 for i in items)
    assert len({i.claim_id for i in items}) == 3


def test_sentence_pieces() -> None:
    text = "Kuzey Kore, özellikle nükleer ve balistik füze programları konusunda, Rusya'dan destek istiyor."
    pieces = [text[a:b] for a, b in split_pieces(text)]
    assert pieces[1].startswith("özellikle nükleer ve balistik")  # no cut inside "X ve Y"
    long = ("Russia seeks to compensate for the severe shortage in its forces, while North "
            "Korea hopes to enhance its capabilities and gain economic assistance due to sanctions.")
    assert [long[a:b].split()[0] for a, b in split_pieces(long)] == ["Russia", "while", "and"]


def test_article_without_sentences_gives_an_empty_comparison(cw: object) -> None:
    empty = Article(text="", id=9, language="en")
    al = align_articles([empty, EN], cw.encoder)  # type: ignore[attr-defined]
    claims = build_claims(al, [empty, EN])
    assert claims.shared == [] and len(claims.unique) == len(EN.sentences)


def test_a_long_story_keeps_one_article_per_source_first() -> None:
    from crosswire.brief import choose_articles

    arts = [Article(text="x", id=i, source=src) for i, src in
            enumerate(["A", "A", "A", "B", "A", "C"], start=1)]
    chosen = choose_articles(arts, 4)
    assert [a.id for a in chosen] == [1, 2, 4, 6]  # A, B and C first, then A again, in order
    assert choose_articles(arts, 10) == arts
