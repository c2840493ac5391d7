"""Language identification and sentence segmentation in every supported script."""

from __future__ import annotations

import pytest

from crosswire.config import DEFAULT_LANGUAGES
from crosswire.language import detect_language, detect_sentence_languages
from crosswire.sentences import split_sentences

SAMPLES = {
    "en": "The government announced new measures to support farmers after the drought.",
    "tr": "Hükümet, kuraklığın ardından çiftçileri desteklemek için yeni önlemler açıkladı.",
    "ru": "Правительство объявило о новых мерах поддержки фермеров после засухи.",
    "uk": "Уряд оголосив про нові заходи підтримки фермерів після посухи.",
    "ar": "أعلنت الحكومة عن إجراءات جديدة لدعم المزارعين بعد موجة الجفاف.",
    "fa": "دولت پس از خشکسالی اقدامات تازه‌ای برای حمایت از کشاورزان اعلام کرد.",
    "de": "Die Regierung kündigte nach der Dürre neue Maßnahmen zur Unterstützung der Landwirte an.",
    "fr": "Le gouvernement a annoncé de nouvelles mesures pour soutenir les agriculteurs après la sécheresse.",
    "es": "El gobierno anunció nuevas medidas para apoyar a los agricultores tras la sequía.",
    "zh": "政府宣布了在干旱之后支持农民的新措施。",
    "ko": "정부는 가뭄 이후 농민을 지원하기 위한 새로운 대책을 발표했다.",
    "ja": "政府は干ばつの後、農家を支援する新たな対策を発表した。",
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_detects_language(lang: str) -> None:
    code, conf = detect_language(SAMPLES[lang], DEFAULT_LANGUAGES)
    assert code == lang
    assert 0.0 < conf <= 1.0


@pytest.mark.parametrize(("text", "lang"), [
    ("Son dakika: İstanbul'da deprem", "tr"),
    ("Última hora en Madrid", "es"),
    ("Oil prices fell sharply.", "en"),
    ("油价大幅下跌。", "zh"),
])
def test_short_headlines_use_the_second_opinion(text: str, lang: str) -> None:
    assert detect_language(text, DEFAULT_LANGUAGES)[0] == lang


def test_no_letters_means_unknown() -> None:
    assert detect_language("12345 -- 67.89 !!!", DEFAULT_LANGUAGES) == (None, 0.0)


def test_mixed_article_sentences_keep_their_own_language() -> None:
    sentences = [SAMPLES["en"], SAMPLES["tr"], "OK."]
    assert detect_sentence_languages(sentences, "en") == ["en", "tr", "en"]


def _texts(text: str, lang: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text, lang)]


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("en", "Dr. Smith arrived at 5 p.m. in the U.S. capital. He met the minister.",
     ["Dr. Smith arrived at 5 p.m. in the U.S. capital.", "He met the minister."]),
    ("tr", "Kuzey Kore’nin askerleri Rusya’da. Peki, nedenleri neler? İşte detaylar.",
     ["Kuzey Kore’nin askerleri Rusya’da.", "Peki, nedenleri neler?", "İşte detaylar."]),
    ("ru", "В. В. Путин встретился с Ким Чен Ыном. Они подписали договор.",
     ["В. В. Путин встретился с Ким Чен Ыном.", "Они подписали договор."]),
    ("de", "Am 3. Oktober trafen sich die Minister, z. B. aus Berlin. Danach gab es Gespräche.",
     ["Am 3. Oktober trafen sich die Minister, z. B. aus Berlin.", "Danach gab es Gespräche."]),
    ("ar", "وصل الوفد إلى موسكو. هل سيتم توقيع الاتفاق؟ لم يتضح ذلك بعد.",
     ["وصل الوفد إلى موسكو.", "هل سيتم توقيع الاتفاق؟", "لم يتضح ذلك بعد."]),
    ("zh", "俄罗斯和朝鲜签署了条约。双方承诺相互支持！外界十分关注？",
     ["俄罗斯和朝鲜签署了条约。", "双方承诺相互支持！", "外界十分关注？"]),
    ("es", "¿Qué pasará ahora? El ministro no lo sabe.", ["¿Qué pasará ahora?", "El ministro no lo sabe."]),
])
def test_sentences_per_language(lang: str, text: str, expected: list[str]) -> None:
    assert _texts(text, lang) == expected


def test_offsets_index_the_text_and_lines_never_merge() -> None:
    text = "A heading without a full stop\n\nFirst sentence here. Second one!\nA third line"
    spans = split_sentences(text, "en")
    got = [text[s.start:s.end] for s in spans]
    assert got == ["A heading without a full stop", "First sentence here.", "Second one!",
                   "A third line"]
    assert [s.index for s in spans] == [0, 1, 2, 3]


def test_overlong_sentence_is_cut() -> None:
    text = ("word " * 600).strip()
    spans = split_sentences(text, "en", max_chars=1000)
    assert len(spans) >= 3
    assert all(s.end - s.start <= 1000 for s in spans)
    assert " ".join(text[s.start:s.end] for s in spans) == text
