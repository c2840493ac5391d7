"""Page debris: the lines a web page wraps around an article, in many languages.

Reads one line at a time and says what kind of debris it is (or ``None``). ``clean.py`` cuts
these lines out of the text and keeps them as evidence; provenance reads the kinds as signals.
Patterns match a whole line after whitespace normalisation, case-insensitively; each list
covers at least en, tr, ru, ar, de, fr, es and zh, plus a few more where phrases are common.
To add a phrase, add it to the right list below and a case to tests/test_clean.py.
"""

from __future__ import annotations

import re

# Lines that open a block of debris: every short line after them is debris too.
_RELATED_HEADERS = [
    r"related( articles| stories| news| posts)?", r"read (more|also|next)", r"see also",
    r"you (may|might) also like", r"more (on this|stories|from)( .{0,40})?", r"recommended",
    r"ilgili haberler", r"benzer haberler", r"bunlar(ı|a) da (okuyun|göz atın)", r"öne çıkanlar",
    r"daha fazla haber", r"читайте также", r"по теме", r"смотрите также", r"ещё по теме",
    r"اقرأ أيضا", r"اقرأ أيضاً", r"أخبار ذات صلة", r"مواضيع ذات صلة", r"اقرأ المزيد",
    r"lesen sie auch", r"mehr zum thema", r"das könnte sie auch interessieren", r"weitere artikel",
    r"à lire aussi", r"lire aussi", r"sur le même sujet", r"à voir aussi", r"articles similaires",
    r"noticias relacionadas", r"te puede interesar", r"lee también", r"lea también",
    r"artículos relacionados", r"también te puede interesar", r"相关新闻", r"相关阅读", r"延伸阅读",
    r"推荐阅读", r"相关文章", r"leggi anche", r"notizie correlate", r"leia também",
    r"czytaj także", r"читайте також", r"関連記事", r"관련 기사",
]  # fmt: skip

_COMMENT_HEADERS = [
    r"leave a (reply|comment)", r"post a comment", r"add (a )?comment", r"\d* ?comments?",
    r"yorum (yap|yaz|ekle)", r"yorumlar( \(\d+\))?", r"bir yanıt yazın", r"yanıt bırakın",
    r"оставить комментарий", r"оставьте комментарий", r"комментарии( \(\d+\))?",
    r"добавить комментарий", r"اترك تعليق[اًا]{0,2}", r"اترك ردا?", r"أضف تعليق[اًا]{0,2}", r"التعليقات",
    r"kommentar (verfassen|schreiben|hinterlassen)", r"hinterlasse einen kommentar",
    r"kommentare( \(\d+\))?", r"schreibe einen kommentar", r"laisser un commentaire",
    r"laisser une réponse", r"ajouter un commentaire", r"commentaires( \(\d+\))?",
    r"deja (un comentario|una respuesta)", r"dejar un comentario", r"comentarios( \(\d+\))?",
    r"发表评论", r"发表回复", r"评论( \(\d+\))?", r"留言", r"网友评论", r"lascia un commento",
    r"deixe um comentário", r"댓글", r"コメントを残す",
]  # fmt: skip

_LINE_PATTERNS: dict[str, list[str]] = {
    "comment_form": [
        r"your email address will not be published\.?( required fields are marked \*?)?",
        r"required fields are marked \*?", r"save my name, email, and website .*",
        r"(name|email|e-mail|website|comment)\s*\*?", r"notify me of (new|follow-up) .*",
        r"e-posta adresiniz yayınlanmayacak\.?.*", r"gerekli alanlar .{0,10} ile işaretlenmişlerdir\.?",
        r"(ad|isim|e-posta|web sitesi|yorum)\s*\*", r"yorum göndermek için .*",
        r"ваш (адрес )?(email|e-mail|электронной почты) не будет опубликован\.?.*",
        r"обязательные поля помечены \*?", r"(имя|комментарий)\s*\*",
        r"لن يتم نشر عنوان بريدك الإلكتروني\.?.*", r"الحقول الإلزامية مشار إليها بـ? ?\*?",
        r"(deine|ihre) e-mail-adresse wird nicht veröffentlicht\.?.*",
        r"erforderliche felder sind mit \* markiert\.?",
        r"votre adresse (e-mail|de messagerie|email) ne sera pas publiée\.?.*",
        r"les champs obligatoires sont indiqués avec \*\.?",
        r"tu dirección de correo electrónico no será publicada\.?.*",
        r"los campos obligatorios están marcados con \*\.?",
        r"您的电子邮箱地址不会被公开。?.*", r"必填项已用\s*\*\s*标注。?",
    ],
    "source_link": [
        r"source link\s*:?\s*(\S+)?", r"source\s*:\s*https?://\S+", r"original (article|source)\s*:?\s*(https?://\S+)?",
        r"kaynak bağlantısı\s*:?\s*(\S+)?", r"kaynak\s*:\s*https?://\S+",
        r"ссылка на (источник|первоисточник)\s*:?\s*(\S+)?", r"источник\s*:\s*https?://\S+",
        r"رابط المصدر\s*:?\s*(\S+)?", r"المصدر\s*:\s*https?://\S+",
        r"quell(e|link)\s*:\s*https?://\S+", r"lien (source|vers la source)\s*:?\s*(\S+)?",
        r"source\s*:\s*https?://\S+", r"enlace (a la )?fuente\s*:?\s*(\S+)?", r"fuente\s*:\s*https?://\S+",
        r"(原文|来源)链接\s*[:：]?\s*(\S+)?", r"来源\s*[:：]\s*https?://\S+",
    ],
    "share": [
        r"(share|paylaş|поделиться|شارك|teilen|partager|compartir)(:.{0,60}|\s+(on|this|it|the article|via|en|sur|auf|in|على|в)\b.{0,40})?",
        r"分享(到|至)?.{0,20}",
        r"(tweet|pin it|whatsapp|telegram|facebook|twitter|linkedin|x|e-?mail|print|yazdır|печать|طباعة|drucken|imprimer|imprimir|打印)",
        r"(facebook|twitter|whatsapp|telegram|x)('[td][ae]| ile)? (paylaş|gönder)", r"click to share on .*",
        r"(send|enviar|envoyer|senden|отправить|أرسل|gönder)( (by|via|por|par|per|через|عبر))? (whatsapp|telegram|e-?mail|correo)",
        r"شارك (عبر|على) .{1,20}", r"поделиться (в|во )?\S+", r"(compartir|partager|teilen) (en|sur|auf) \S+",
    ],
    "subscribe": [
        r"(subscribe|sign up)( now)? (to|for) (our|the) newsletter.*", r"subscribe( now)?!?",
        r"get the latest .{0,40} (in your inbox|delivered).*",
        r"(bültenimize|e-bültene) abone olun.*", r"abone ol(un)?!?",
        r"подпишитесь на (нашу рассылку|наш канал|новости).*", r"اشترك في (نشرتنا|النشرة).*",
        r"(jetzt )?newsletter abonnieren.*", r"abonnez-vous à (notre|la) newsletter.*",
        r"suscríbete a (nuestro|nuestra) (boletín|newsletter).*", r"订阅(我们的)?(新闻|邮件)?(通讯|简报).*",
        r"关注我们的?(微信)?公众号.*",
    ],
    "cookies": [
        r"(this (web)?site|we) uses? cookies.*", r".*by continuing to (use|browse) (this|our) (site|website).*cookies.*",
        r"(sitemizde|web sitemizde) çerez(ler)? kullan.*", r".*çerez politikası.*",
        r"(мы используем|сайт использует) (файлы )?cookie.*", r"نستخدم ملفات تعريف الارتباط.*",
        r"(wir verwenden|diese website verwendet) cookies.*", r"nous utilisons des cookies.*",
        r"(utilizamos|este sitio (web )?utiliza) cookies.*", r"(我们|本网站)使用\s*cookies?.*",
        r"accept( all)? cookies", r"(çerezleri )?kabul et", r"accepter (les cookies|tout)",
        r"(einstellungen|settings|ayarlar|paramètres|configuración) ?\| ?(alle akzeptieren|accept all|tümünü kabul et|tout accepter|aceptar todo)",
        r"alle akzeptieren", r"aceptar (todo|todas)",
    ],
    "advert": [
        r"(advertisement|sponsored|reklam|реклама|إعلان|anzeige|werbung|publicité|publicidad|广告|推广)",
        r"(all rights reserved|tüm hakları saklıdır|все права защищены|جميع الحقوق محفوظة|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|版权所有).*",
        r"(©|\(c\)|copyright) ?\d{4}.{0,80}",
    ],
    "ai_disclosure": [
        r"(artificial intelligence|ai) (was|has been) used.{0,80}",
        r"(this (article|content|text) (was|is|has been) )?(written|generated|created|produced) (with|by|using) (the help of )?(ai|artificial intelligence).{0,60}",
        r".{0,60}yapay zek[aâ] (kullanılarak|ile|desteğiyle) (oluşturul|hazırlan|yazıl).{0,60}",
        r"bu (içerik|haber|metin) yapay zek[aâ] (tarafından|kullanılarak|ile|desteğiyle).{0,60}",
        r".{0,40}(при участии|с помощью|с использованием) искусственного интеллекта.{0,60}",
        r".{0,40}(تم|كُتب|أُنشئ|أعد).{0,20}(باستخدام|بمساعدة|بواسطة) الذكاء الاصطناعي.{0,60}",
        r".{0,40}(mit hilfe|unter verwendung|mithilfe) (von )?künstlicher intelligenz.{0,60}",
        r".{0,40}(ki|künstliche intelligenz) (wurde )?(verwendet|eingesetzt|generiert).{0,40}",
        r".{0,40}(rédigé|généré|écrit|créé) (avec l'aide de|par|grâce à) (l'|une )?(ia|intelligence artificielle).{0,60}",
        r".{0,40}(redactado|generado|escrito|creado) (con (la ayuda de )?|por |mediante )(la )?(ia|inteligencia artificial).{0,60}",
        r".{0,20}(本文|此文|该文章|内容)?.{0,10}(由|使用|借助)人工智能(生成|撰写|辅助|创作).{0,40}",
    ],
}

_MAX_DEBRIS_LINE = 220  # debris lines are short; a long line is article text whatever it says


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\s*[.:!…·|>»-]*$",
                      re.IGNORECASE)


_BLOCK_RE = {"related": _compile(_RELATED_HEADERS), "comment_form": _compile(_COMMENT_HEADERS)}
_LINE_RE = {kind: _compile(p) for kind, p in _LINE_PATTERNS.items()}
_BULLET = re.compile(r"^[\-•*·►▶»>–—]\s*")


def debris_kind(line: str) -> str | None:
    """The kind of debris this single line is, or ``None`` if it may be article text."""
    s = _BULLET.sub("", line.strip())
    if not s or len(s) > _MAX_DEBRIS_LINE:
        return None
    for kind, rx in _BLOCK_RE.items():
        if rx.match(s):
            return kind
    for kind, rx in _LINE_RE.items():
        if rx.match(s):
            return kind
    return None


def opens_block(kind: str | None) -> bool:
    """Whether lines after this one (while short) belong to the same debris block."""
    return kind in _BLOCK_RE


def is_block_line(line: str) -> bool:
    """A line that can continue a debris block: short, headline- or form-like."""
    s = line.strip()
    if not s:
        return True
    return len(s) <= 120 and (s[-1] not in ".!?。！？؟" or len(s) <= 40 or bool(_BULLET.match(s)))
