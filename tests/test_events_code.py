"""Event coding of single sentences in many languages, the lexicons, and the labelled sets."""

from __future__ import annotations

import pytest
from tests.conftest import DATA

import crosswire
from crosswire.errors import CrosswireError
from crosswire.evaluation.events import parse_event, read_gold
from crosswire.events.lexicon import load_lexicon, parse_lexicon, words_of


@pytest.fixture(scope="module")
def cw(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    app = crosswire.open(str(tmp_path_factory.mktemp("code") / "c.db"))
    yield app
    app.close()


def one(cw, text: str, lang: str):  # type: ignore[no-untyped-def]
    found = cw.code_text(text, lang)
    assert found, f"no event in {text!r}"
    return found[0]


@pytest.mark.parametrize(("lang", "text", "typ", "src", "tgt"), [
    ("en", "Russia supplies technology to North Korea.", "AID", "country:ru", "country:kp"),
    ("en", "North Korea receives technology from Russia.", "AID", "country:ru", "country:kp"),
    ("en", "A Georgian village was shelled by Russian artillery.", "ASSAULT", "country:ru",
     "country:ge"),
    ("tr", "Rusya, Kuzey Kore'ye teknoloji ve askeri malzeme sağladı.", "AID", "country:ru",
     "country:kp"),
    ("tr", "Kuzey Kore, Rusya'dan teknoloji desteği aldı.", "AID", "country:ru", "country:kp"),
    ("ru", "Россия передала Северной Корее ракетные технологии.", "AID", "country:ru",
     "country:kp"),
    ("ar", "أرسلت كوريا الشمالية قوات إلى روسيا.", "MOBILIZE", "country:kp", "country:ru"),
    ("zh", "俄罗斯向朝鲜提供了导弹技术。", "AID", "country:ru", "country:kp"),
    ("de", "Nordkorea erhält von Russland Raketentechnologie.", "AID", "country:ru",
     "country:kp"),
    ("es", "Ucrania fue atacada por drones rusos durante la noche.", "ASSAULT", "country:ru",
     "country:ua"),
])
def test_direction_follows_grammar_not_word_order(cw, lang, text, typ, src, tgt) -> None:  # type: ignore[no-untyped-def]
    ev = one(cw, text, lang)
    assert (ev.type, ev.sources, ev.targets) == (typ, (src,), (tgt,)), ev


def test_coordinated_actors_and_mutual_events(cw) -> None:  # type: ignore[no-untyped-def]
    ev = one(cw, "The United States and South Korea condemned North Korea's missile launch.",
             "en")
    assert ev.type == "ACCUSE"
    assert set(ev.sources) == {"country:us", "country:kr"} and ev.targets == ("country:kp",)
    ev = one(cw, "Rusya ile Kuzey Kore stratejik ortaklık anlaşması imzaladı.", "tr")
    assert ev.type == "AGREE" and ev.mutual
    assert {*ev.sources, *ev.targets} == {"country:ru", "country:kp"}


@pytest.mark.parametrize(("lang", "text", "hedged", "negated"), [
    ("en", "Russia could send more troops to Belarus.", True, False),
    ("en", "Russia has not sent troops to Belarus.", False, True),
    ("tr", "Rusya, Belarus'a asker gönderebilir.", True, False),
    ("tr", "Rusya, Belarus'a asker göndermedi.", False, True),
    ("ru", "Россия может направить войска в Белоруссию.", True, False),
    ("ru", "Россия не направляла войска в Белоруссию.", False, True),
    ("de", "Russland hat keine Truppen nach Belarus geschickt.", False, True),
    ("fr", "La Russie pourrait envoyer des troupes en Biélorussie.", True, False),
    ("es", "Rusia enviará tropas a Bielorrusia.", True, False),
    ("ar", "لم ترسل روسيا قوات إلى بيلاروس.", False, True),
    ("zh", "俄罗斯可能向白俄罗斯派遣军队。", True, False),
])
def test_hedges_and_negation_in_each_language(cw, lang, text, hedged, negated) -> None:  # type: ignore[no-untyped-def]
    ev = one(cw, text, lang)
    assert ev.type == "MOBILIZE"
    assert (ev.hedged, ev.negated) == (hedged, negated)


def test_sentences_without_an_event_give_none(cw) -> None:  # type: ignore[no-untyped-def]
    assert cw.code_text("Russia and Kazakhstan share a long border.", "en") == []
    assert cw.code_text("Kuzey Kore'nin başkenti Pyongyang'dır.", "tr") == []


def test_every_lexicon_loads_and_a_broken_one_names_the_problem() -> None:
    for lang in ("en", "tr", "ru", "ar", "de", "fr", "es", "zh"):
        lex = load_lexicon(lang)
        assert lex is not None and lex.language == lang
    assert load_lexicon("xx") is None
    with pytest.raises(CrosswireError, match=r"bad\.toml.*unknown event type 'ATTACK'"):
        parse_lexicon({"types": {"ATTACK": {"strong": ["hit"]}}}, "bad.toml")


def test_turkish_suffixes_and_arabic_clitics_are_matched() -> None:
    tr = load_lexicon("tr")
    assert tr is not None
    assert {h.type for h in tr.cue_hits(words_of("Rusya'ya asker göndermediğini açıkladı"))} \
        >= {"MOBILIZE"}
    ar = load_lexicon("ar")
    assert ar is not None
    assert "AID" in {h.type for h in ar.cue_hits(words_of("وبالمساعدات الطبية"))}


def test_gold_short_form_is_parsed() -> None:
    ev = parse_event("ACCUSE us+kr > kp hedged")
    assert ev.sources == ("country:us", "country:kr") and ev.targets == ("country:kp",)
    assert ev.hedged and not ev.negated
    ev = parse_event("AGREE.treaty person:kim-jong-un <> ru")
    assert ev.mutual and ev.mode == "treaty"
    with pytest.raises(ValueError, match="not a PLOVER type"):
        parse_event("ATTACK ru > ua")


@pytest.mark.parametrize("name", ["events_test.jsonl", "events_fresh.jsonl"])
def test_targets_on_held_out_sets(name: str) -> None:
    """Type macro-F1 >= 0.70 and direction >= 0.80 (issue 4) on sets the rules were not
    tuned on; every PLOVER type and 8 languages are in each."""
    from crosswire.config import load_settings
    from crosswire.evaluation.events import evaluate_events
    from crosswire.events.stage import coder_for

    gold = read_gold(DATA / name)
    assert {g.language for g in gold} >= {"en", "tr", "ru", "ar", "de", "fr", "es", "zh"}
    settings = load_settings()
    coder = coder_for(settings)
    from crosswire.app import shared_encoder

    result = evaluate_events(DATA / name, coder, coder.kb, shared_encoder(settings))
    assert len(result["per_type"]) == 16
    assert result["macro_f1"] >= 0.70, result["macro_f1"]
    assert result["direction_accuracy"] >= 0.80, result["direction_accuracy"]
    assert result["hedge_accuracy"] >= 0.80 and result["negation_accuracy"] >= 0.80


def test_only_close_calls_go_to_the_encoder(cw) -> None:  # type: ignore[no-untyped-def]
    from crosswire.actors.stage import link_text
    from crosswire.events.stage import coder_for
    from crosswire.models import Sentence

    every = coder_for(cw.settings.with_overrides(events_encoder_margin=1.0))
    close = coder_for(cw.settings)  # the default margin
    cands = []
    for g in read_gold(DATA / "events_test.jsonl"):
        mentions = link_text(g.text, g.language, close.kb, True)
        c = close.candidate(g.text, Sentence(0, 0, len(g.text), g.language), mentions,
                            g.language)
        if c is not None:
            cands.append((g.text, c))
    assert all(every.needs_vector(c) for _, c in cands)
    needed = [c for _, c in cands if close.needs_vector(c)]
    assert 0 < len(needed) < len(cands) / 2
    # the cases left to the cue words are the clear ones: with their vector, nearly all
    # would be coded the same
    clear = [(t, c) for t, c in cands if not close.needs_vector(c)]
    vectors = every.vectors([c for _, c in clear], cw.encoder)
    same = sum([e.type for e in close.code(c, t, None)] == [e.type for e in close.code(c, t, v)]
               for (t, c), v in zip(clear, vectors, strict=True))
    assert same >= 0.9 * len(clear)
