"""Cleaning: normalisation, debris cut in many languages and kept as evidence, idempotency."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswire.clean import clean_text, cut_to_limit, normalize_text
from crosswire.debris import debris_kind

BODY = {
    "en": "Rescue teams searched collapsed buildings through the night. Officials said 40 people were hurt.",
    "tr": "Kurtarma ekipleri gece boyunca enkazda arama yaptı. Yetkililer 40 kişinin yaralandığını açıkladı.",
    "ru": "Спасатели всю ночь искали людей под завалами. По данным властей, пострадали 40 человек.",
    "ar": "واصلت فرق الإنقاذ البحث تحت الأنقاض طوال الليل. وقال مسؤولون إن 40 شخصاً أصيبوا.",
    "de": "Rettungskräfte suchten die ganze Nacht in den Trümmern. Nach Angaben der Behörden wurden 40 Menschen verletzt.",
    "fr": "Les secours ont fouillé les décombres toute la nuit. Selon les autorités, 40 personnes ont été blessées.",
    "es": "Los equipos de rescate buscaron entre los escombros toda la noche. Las autoridades informaron de 40 heridos.",
    "zh": "救援人员连夜在废墟中搜救。官员表示，共有40人受伤。",
}

DEBRIS = {
    "en": ["Leave a Reply", "Your email address will not be published. Required fields are marked *",
           "Source link:", "Share on Facebook", "Subscribe to our newsletter",
           "We use cookies to improve your experience."],
    "tr": ["Yorum yap", "E-posta adresiniz yayınlanmayacak. Gerekli alanlar * ile işaretlenmişlerdir",
           "Kaynak bağlantısı", "Facebook'ta paylaş", "Bültenimize abone olun",
           "Sitemizde çerezler kullanılmaktadır."],
    "ru": ["Оставить комментарий", "Ваш адрес email не будет опубликован.",
           "Ссылка на источник", "Поделиться", "Подпишитесь на нашу рассылку",
           "Мы используем файлы cookie."],
    "ar": ["اترك تعليقاً", "لن يتم نشر عنوان بريدك الإلكتروني.", "رابط المصدر", "شارك على فيسبوك",
           "اشترك في نشرتنا البريدية", "نستخدم ملفات تعريف الارتباط لتحسين تجربتك."],
    "de": ["Kommentar verfassen", "Deine E-Mail-Adresse wird nicht veröffentlicht.",
           "Quelle: https://example.org/x", "Teilen auf Facebook", "Jetzt Newsletter abonnieren",
           "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten."],
    "fr": ["Laisser un commentaire", "Votre adresse e-mail ne sera pas publiée.",
           "Lien source", "Partager sur Facebook", "Abonnez-vous à notre newsletter",
           "Nous utilisons des cookies pour améliorer votre expérience."],
    "es": ["Deja un comentario", "Tu dirección de correo electrónico no será publicada.",
           "Enlace a la fuente", "Compartir en Facebook", "Suscríbete a nuestro boletín",
           "Utilizamos cookies para mejorar su experiencia."],
    "zh": ["发表评论", "您的电子邮箱地址不会被公开。", "原文链接：https://example.org/x", "分享到微信",
           "订阅我们的新闻简报", "我们使用cookies来改善您的体验。"],
}

RELATED = {
    "en": ("Related articles:", ["Storm hits coast", "Markets fall again"]),
    "tr": ("İlgili haberler", ["Fırtına sahili vurdu", "Borsa yine düştü"]),
    "ru": ("Читайте также", ["Шторм обрушился на побережье", "Рынки снова упали"]),
    "ar": ("اقرأ أيضاً", ["عاصفة تضرب الساحل", "الأسواق تتراجع مجدداً"]),
    "de": ("Lesen Sie auch", ["Sturm trifft die Küste", "Märkte fallen erneut"]),
    "fr": ("À lire aussi", ["Une tempête frappe la côte", "Les marchés reculent"]),
    "es": ("Noticias relacionadas", ["Una tormenta azota la costa", "Los mercados caen"]),
    "zh": ("相关新闻", ["风暴袭击沿海地区", "股市再度下跌"]),
}


@pytest.mark.parametrize("lang", sorted(BODY))
def test_debris_is_cut_and_kept_as_evidence(lang: str) -> None:
    lines = DEBRIS[lang]
    header, items = RELATED[lang]
    raw = "\n".join([BODY[lang], "", lines[3], lines[2], "", header, *items, "", *lines[:2],
                     lines[4], lines[5]])
    cleaned = clean_text(raw)
    assert cleaned.text == BODY[lang]
    for line in [*lines, header, *items]:
        assert line in cleaned.debris, (lang, line)


@pytest.mark.parametrize("line", [
    "Shares of the carmaker fell 5% after the forecast.",
    "Share prices rose in Tokyo.",
    "Comments by the minister were criticised by the opposition.",
    "Kaynak olarak gösterilen belgeler incelendi.",
    "Подписание договора состоится в пятницу.",
])
def test_article_sentences_that_look_like_debris_are_kept(line: str) -> None:
    assert debris_kind(line) is None
    assert clean_text(line).text == line


def test_seed_style_tail_is_removed() -> None:
    text = ("The consequences would be serious.\n\nSource link:\n\nArtificial intelligence was "
            "used ezycontent\n\n\nLeave a Reply\n\nYour email address will not be published. "
            "Required fields are marked *")
    cleaned = clean_text(text)
    assert cleaned.text == "The consequences would be serious."
    assert cleaned.debris == ["Source link:", "Artificial intelligence was used ezycontent",
                              "Leave a Reply",
                              "Your email address will not be published. Required fields are marked *"]


def test_normalisation() -> None:
    decomposed = unicodedata.normalize("NFD", "Kuzey Kore’nin askerleri Rusya’da")
    raw = "  " + decomposed + "\u200b \t x\r\n\r\n\r\n\r\nSecond\u00a0 paragraph.\x07  \n\n"
    out = normalize_text(raw)
    assert out == "Kuzey Kore’nin askerleri Rusya’da x\n\nSecond paragraph."
    assert unicodedata.is_normalized("NFC", out)


def test_persian_zero_width_non_joiner_survives() -> None:
    text = "کتاب‌ها در کتابخانه‌ها هستند."
    assert normalize_text(text) == text


def test_cut_to_limit_cuts_at_a_paragraph() -> None:
    text = "a" * 60 + "\n\n" + "b" * 60
    cut, truncated = cut_to_limit(text, 100)
    assert truncated and cut == "a" * 60
    assert cut_to_limit("short", 100) == ("short", False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=80),
    st.sampled_from([x for v in DEBRIS.values() for x in v] + [h for h, _ in RELATED.values()]
                    + ["", "\n", "Short line", "A normal sentence that ends here."]),
), max_size=20))
def test_cleaning_is_idempotent(parts: list[str]) -> None:
    raw = "\n".join(parts)
    once = clean_text(raw)
    twice = clean_text(once.text)
    assert twice.text == once.text
    assert twice.debris == []
