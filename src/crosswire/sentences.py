"""Sentences: split clean text into sentences, as offsets into that text.

Reads clean text and its language; writes ``Sentence`` spans (start, end) that index the text
exactly, so evidence always leads back to the characters it came from. Each line (paragraph
or heading) is segmented on its own with sentencex's rules for the language (fallback chains
cover about 300 languages; CJK full stops, Arabic question marks and abbreviations such as
"Dr." or "z. B." are handled there). A sentence longer than ``max_chars`` is cut at the last
space (or anywhere, for scripts without spaces) so no single span is unbounded.
"""

from __future__ import annotations

import re

from crosswire.models import Sentence

_MAX_CHARS = 1000
_NO_SPACE_SCRIPTS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_STRIP = " \t\n"


def _segment(language: str | None, text: str) -> list[str]:
    from sentencex import segment

    try:
        return [s for s in segment(language or "en", text) if s.strip()]
    except Exception:  # unknown language code or a rule error: fall back to English rules
        return [s for s in segment("en", text) if s.strip()]


def _cut_long(start: int, end: int, text: str, max_chars: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        cut = window.rfind(" ")
        if cut < max_chars // 2 or _NO_SPACE_SCRIPTS.search(window):
            cut = max_chars
        spans.append((start, start + cut))
        start += cut
        while start < end and text[start] in _STRIP:
            start += 1
    if end > start:
        spans.append((start, end))
    return spans


def split_sentences(
    text: str, language: str | None, max_chars: int = _MAX_CHARS
) -> list[Sentence]:
    """Sentence spans covering every non-blank line of ``text``."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        cursor = line_start
        for piece in _segment(language, line):
            idx = text.find(piece.strip(_STRIP), cursor, line_start + len(line))
            if idx < 0:  # the segmenter changed the text: keep the rest of the line whole
                break
            end = idx + len(piece.strip(_STRIP))
            spans.extend(_cut_long(idx, end, text, max_chars))
            cursor = end
        rest_start, rest_end = cursor, line_start + len(line)
        while rest_start < rest_end and text[rest_start] in _STRIP:
            rest_start += 1
        if rest_end > rest_start and text[rest_start:rest_end].strip():
            spans.extend(_cut_long(rest_start, rest_end, text, max_chars))
    return [Sentence(index=i, start=s, end=e, language=language) for i, (s, e) in enumerate(spans)]
