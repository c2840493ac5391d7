"""Clean: normalise text and cut page debris out of it, keeping what was cut.

Reads raw article text (already extracted from HTML where needed); writes the clean text and
the list of removed debris lines. Never raises on odd input: control characters are dropped,
Unicode is NFC, whitespace is collapsed inside lines, blank-line runs become one paragraph
break. Cleaning is idempotent: ``clean_text(clean_text(x).text).text == clean_text(x).text``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from crosswire.debris import debris_kind, is_block_line, opens_block

# Characters that carry no text: C0/C1 controls (except newline and tab), zero-width space,
# word joiner, BOM, soft hyphen, bidi embedding controls. ZWJ/ZWNJ stay: Persian and Indic
# scripts need them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069\ufffe]"
)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")


@dataclass(slots=True)
class Cleaned:
    text: str
    debris: list[str] = field(default_factory=list)


def normalize_text(text: str) -> str:
    """NFC, one kind of newline, no invisible characters, single spaces, stripped lines."""
    text = unicodedata.normalize("NFC", _NEWLINES.sub("\n", text))
    text = _INVISIBLE.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def normalize_title(title: str | None) -> str | None:
    if title is None:
        return None
    t = _SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", title)))
    t = " ".join(t.split())
    return t or None


def clean_text(text: str) -> Cleaned:
    """Normalise ``text`` and remove page debris lines, returning both."""
    lines = normalize_text(text).split("\n")
    keep = [True] * len(lines)
    debris: list[str] = []
    in_block = False
    for i, line in enumerate(lines):
        if not line:
            continue
        kind = debris_kind(line)
        if kind is None and in_block and is_block_line(line):
            kind = "block"
        if kind is None:
            in_block = False
            continue
        keep[i] = False
        debris.append(line)
        if opens_block(kind):
            in_block = True
    kept = [line for line, k in zip(lines, keep, strict=True) if k]
    return Cleaned(text=normalize_text("\n".join(kept)), debris=debris)


def cut_to_limit(text: str, max_chars: int) -> tuple[str, bool]:
    """Cut overlong text at the last paragraph (or line) break before ``max_chars``."""
    if len(text) <= max_chars:
        return text, False
    head = text[:max_chars]
    for sep in ("\n\n", "\n", ". ", " "):
        cut = head.rfind(sep)
        if cut > max_chars // 2:
            return head[:cut].rstrip(), True
    return head, True
