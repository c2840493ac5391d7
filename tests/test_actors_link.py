"""Mention detection and linking, as a reader would check it: which words name which actor."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import DATA

from crosswire.actors.kb import load_kb
from crosswire.actors.stage import link_text
from crosswire.config import Settings
from crosswire.errors import ConfigError
from crosswire.evaluation.entities import evaluate_entities, parse_marked


def linked(text: str, language: str) -> list[tuple[str, str]]:
    return [(m.text, m.actor_id) for m in link_text(text, language, load_kb())]


@pytest.mark.parametrize(("text", "language", "expected"), [
    # Turkish case suffixes, with and without an apostrophe (either apostrophe character)
    ("Kuzey Kore’nin askerleri Rusya’daki üslere gitti.", "tr",
     [("Kuzey Kore’nin", "country:kp"), ("Rusya’daki", "country:ru")]),
    ("Rusya'dan gelen heyet Kore'nin başkentine ulaştı, ABD'ye de gidecek.", "tr",
     [("Rusya'dan", "country:ru"), ("Kore'nin", "region:korea"), ("ABD'ye", "country:us")]),
    ("Heyet Rusyadan döndü.", "tr", [("Rusyadan", "country:ru")]),
    # Russian and Ukrainian cases, multi-word names inflected in every word
    ("Переговоры с Северной Кореей и Россией прошли в Москве.", "ru",
     [("Северной Кореей", "country:kp"), ("Россией", "country:ru"), ("Москве", "city:moscow-ru")]),
    ("Делегация Южной Кореи встретилась с Путиным.", "ru",
     [("Южной Кореи", "country:kr"), ("Путиным", "person:vladimir-putin")]),
    ("Зеленський прибув до Києва з Польщі.", "uk",
     [("Зеленський", "person:volodymyr-zelensky"), ("Києва", "city:kyiv-ua"),
      ("Польщі", "country:pl")]),
    # Arabic proclitics stay outside the mention
    ("وقالت روسيا وكوريا الشمالية إن العلاقات لكوريا الشمالية مهمة.", "ar",
     [("روسيا", "country:ru"), ("كوريا الشمالية", "country:kp"),
      ("كوريا الشمالية", "country:kp")]),
    ("وصلت المساعدات للولايات المتحدة.", "ar", [("للولايات المتحدة", "country:us")]),
    # German genitive, adjective endings and compounds
    ("Nordkoreas Truppen stehen an Russlands Grenze; die nordkoreanischen Soldaten warten.", "de",
     [("Nordkoreas", "country:kp"), ("Russlands", "country:ru"),
      ("nordkoreanischen", "country:kp")]),
    ("Die Nordkoreakrise beschäftigt die Nato-Staaten.", "de",
     [("Nordkorea", "country:kp"), ("Nato", "org:nato")]),
    # Chinese and Japanese without spaces; one-character abbreviations in pairs
    ("中俄海军在日本海举行联合演习，朝鲜表示支持。", "zh",
     [("中", "country:cn"), ("俄", "country:ru"), ("日本海", "region:sea-of-japan"),
      ("朝鲜", "country:kp")]),
    ("10月21日美国和韩国举行会谈。", "zh", [("美国", "country:us"), ("韩国", "country:kr")]),
    ("北朝鮮がロシアに兵士を派遣した。", "ja", [("北朝鮮", "country:kp"), ("ロシア", "country:ru")]),
    # Korean particles
    ("북한은 러시아에 병력을 보냈다.", "ko", [("북한은", "country:kp"), ("러시아에", "country:ru")]),
    # acronyms must be written in capitals; lower-case words are not names
    ("Let us see what the US does.", "en", [("US", "country:us")]),
])
def test_names_survive_morphology_and_scripts(text: str, language: str,
                                              expected: list[tuple[str, str]]) -> None:
    assert linked(text, language) == expected


def test_offsets_point_into_the_text() -> None:
    text = "Kuzey Kore’nin Rusya’daki askerleri, NATO’nun gündeminde."
    for m in link_text(text, "tr", load_kb()):
        assert text[m.start:m.end] == m.text


def test_context_decides_between_actors_that_share_a_name() -> None:
    assert ("Georgia", "country:ge") in linked(
        "Georgia recalled its envoy after protests in Tbilisi.", "en")
    assert ("Georgia", "region:us-ga") in linked(
        "Voters in Atlanta queued as Georgia counted ballots.", "en")
    assert ("Valencia", "city:valencia-es") in linked(
        "Floods hit Valencia and Paiporta in Spain.", "en")


def test_a_capital_stands_for_its_state_unless_it_is_a_place() -> None:
    assert ("Washington", "country:us") in linked("Washington warned Beijing on Monday.", "en")
    assert ("Beijing", "country:cn") in linked("Washington warned Beijing on Monday.", "en")
    assert ("Moscow", "city:moscow-ru") in linked("He arrived in Moscow on Monday.", "en")
    assert ("Moskova'da", "city:moscow-ru") in linked("Liderler Moskova'da buluştu.", "tr")
    assert ("Москве", "city:moscow-ru") in linked("Лидеры встретились в Москве.", "ru")


def test_a_surname_alone_needs_the_full_name_in_the_same_text() -> None:
    assert ("Kim", "person:kim-jong-un") in linked(
        "Putin hosted Kim Jong Un. Later Kim left.", "en")
    assert all(a != "person:kim-jong-un" for _, a in linked("Kim said nothing.", "en"))


def test_unknown_names_become_new_actors_with_one_id_across_latin_scripts() -> None:
    en = dict(linked("The mayor, Nermin Aksoy, met Hüseyin Karakaya on Friday.", "en"))
    tr = dict(linked("Başkan Nermin Aksoy'un açıklamasını Hüseyin Karakaya yorumladı.", "tr"))
    assert en["Nermin Aksoy"] == "new:nermin-aksoy"
    assert tr["Nermin Aksoy'un"] == "new:nermin-aksoy"
    assert en["Hüseyin Karakaya"] == tr["Hüseyin Karakaya"] == "new:huseyin-karakaya"
    quoted = dict(linked("Компания «Северный ветер» открыла завод.", "ru"))
    assert quoted["Северный ветер"].startswith("new:")
    # ordinary capitalised words are not names
    assert linked("The talks ended. Officials said nothing.", "en") == []


@pytest.mark.parametrize("gold", ["entities_test.jsonl", "entities_fresh.jsonl"])
def test_entities_gold_meets_the_targets(gold: str) -> None:
    result = evaluate_entities(DATA / gold, Settings())
    assert result["n_gold"] >= 100
    assert len(result["per_language"]) >= 8
    assert result["f1"] >= 0.85, result["errors"]
    for lang, m in result["per_language"].items():
        assert m["f1"] >= 0.80, (lang, m)


def test_labelled_data_is_large_enough() -> None:
    sets = ("entities_dev.jsonl", "entities_test.jsonl", "entities_fresh.jsonl")
    results = [evaluate_entities(DATA / name, Settings()) for name in sets]
    assert sum(r["n_gold"] for r in results) >= 400
    assert {"tr", "en", "ru", "ar", "de", "fr", "es", "zh"} <= set(results[1]["per_language"])


def test_gold_markup_round_trips() -> None:
    text, mentions = parse_marked("[Rusya'dan|country:ru] ve [ABD|country:us].")
    assert text == "Rusya'dan ve ABD."
    assert [(text[m.start:m.end], m.actor) for m in mentions] == [
        ("Rusya'dan", "country:ru"), ("ABD", "country:us")]


def test_a_user_file_adds_actors_and_names(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(
        '[[actor]]\nid = "org:acme"\nname = "Acme Relief"\ntype = "organisation"\n'
        '[actor.names]\nen = ["Acme Relief"]\ntr = ["Acme Yardım"]\n\n'
        '[[actor]]\nid = "country:kp"\n[actor.names]\nen = ["Hermit Kingdom"]\n',
        encoding="utf-8")
    kb = load_kb(str(f))
    got = [(m.text, m.actor_id) for m in link_text(
        "Acme Yardım'ın ekipleri ve Acme Relief, Hermit Kingdom sınırında.", "tr", kb)]
    assert ("Acme Yardım'ın", "org:acme") in got
    assert ("Acme Relief", "org:acme") in got
    assert ("Hermit Kingdom", "country:kp") in got
    assert kb.get("country:kp").name == "North Korea"  # type: ignore[union-attr]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[actor]]\nid = "x"\ntype = "planet"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        load_kb(str(bad))
    with pytest.raises(ConfigError, match="does not exist"):
        load_kb(str(tmp_path / "missing.toml"))
