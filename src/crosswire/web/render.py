"""Templates and the helpers they use to lay out article text.

Every template is autoescaped: article text, titles, source and actor names are data, never
markup. Text reaches the templates as pieces (plain strings with offsets), so highlighting a
sentence or a search word wraps escaped text in an element and never splices HTML strings.
Undefined template variables are errors (``StrictUndefined``), so a missing field fails a
test instead of rendering as empty.

Third-party scripts (the network view and the plots) are served from ``static/vendor``,
which ``make assets`` fills from the npm packages pinned in package.json; without them the
pages still show the same data as tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crosswire.models import Article, Mention

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"
VENDOR_FILES = {
    "cytoscape": ("cytoscape.min.js",),
    "uplot": ("uPlot.iife.min.js", "uPlot.min.css"),
}
RTL = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb"})
LANGUAGE_NAMES = {
    "en": "English", "tr": "Turkish", "ru": "Russian", "ar": "Arabic", "de": "German",
    "fr": "French", "es": "Spanish", "zh": "Chinese", "uk": "Ukrainian", "fa": "Persian",
    "ko": "Korean", "ja": "Japanese", "it": "Italian", "pt": "Portuguese", "pl": "Polish",
    "nl": "Dutch", "he": "Hebrew", "ur": "Urdu",
}


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text, linked to an actor when it is a mention of one."""

    text: str
    actor_id: str | None = None
    actor_name: str | None = None


@dataclass(frozen=True, slots=True)
class SentenceView:
    index: int
    group: int | None
    pieces: tuple[Piece, ...]


def language_name(code: str | None) -> str:
    if not code:
        return "unknown language"
    return LANGUAGE_NAMES.get(code, code)


def text_direction(code: str | None) -> str:
    if not code:
        return "auto"
    return "rtl" if code in RTL else "ltr"


def short_date(value: datetime | str | None) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        return value[:16].replace("T", " ")
    return value.strftime("%Y-%m-%d %H:%M")


def heading(article: Article, width: int = 110) -> str:
    """An article's title; for an untitled one, the start of its first sentence (when its
    text is loaded), else "Article N"."""
    if article.title:
        return article.title
    if article.sentences and article.text:
        first = article.sentence_text(article.sentences[0]).strip()
        return first if len(first) <= width else first[: width - 1].rsplit(" ", 1)[0] + "…"
    return f"Article {article.id}"


def web_link(url: str | None) -> str | None:
    """``url`` when it is an http(s) address (safe as a link target), else ``None``: a
    ``javascript:`` or ``data:`` address from a hostile article must not become a link."""
    if not url:
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else None


def _pieces(text: str, start: int, end: int, mentions: list[Mention]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    pos = start
    for m in mentions:
        if m.end <= pos or m.start >= end:
            continue
        s, e = max(m.start, pos), min(m.end, end)
        if s > pos:
            out.append(Piece(text[pos:s]))
        out.append(Piece(text[s:e], m.actor_id, m.actor_name))
        pos = e
    if pos < end:
        out.append(Piece(text[pos:end]))
    return tuple(out)


def article_paragraphs(article: Article, groups: dict[tuple[int, int], int] | None = None
                       ) -> list[list[SentenceView]]:
    """The article as paragraphs of sentences (a paragraph ends where the text between two
    sentences holds a line break), each sentence with its alignment group and mentions."""
    groups = groups or {}
    text = article.text
    mentions = sorted(article.mentions, key=lambda m: m.start)
    paragraphs: list[list[SentenceView]] = [[]]
    pos = 0
    for s in article.sentences:
        gap = text[pos:s.start]
        if "\n" in gap and paragraphs[-1]:
            paragraphs.append([])
        if gap.strip():  # text no sentence covers: keep it, unaligned
            paragraphs[-1].append(SentenceView(-1, None, (Piece(gap.strip()),)))
        paragraphs[-1].append(SentenceView(
            s.index, groups.get((article.id or 0, s.index)),
            _pieces(text, s.start, s.end, mentions)))
        pos = s.end
    if text[pos:].strip():
        paragraphs[-1].append(SentenceView(-1, None, (Piece(text[pos:].strip()),)))
    return [p for p in paragraphs if p]


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from the current filters with some changed (``None`` drops a key)."""
    merged = {**params, **changes}
    pairs = []
    for key, value in merged.items():
        if value is None or value == "":
            continue
        for v in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((key, str(v)))
    return "?" + urlencode(pairs) if pairs else ""


def vendor_available() -> dict[str, bool]:
    return {name: all((VENDOR / f).is_file() for f in files)
            for name, files in VENDOR_FILES.items()}


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["language_name"] = language_name
    env.filters["text_direction"] = text_direction
    env.filters["short_date"] = short_date
    env.filters["web_link"] = web_link
    env.filters["heading"] = heading
    env.filters["path_quote"] = lambda v: quote(str(v), safe="")
    env.globals["query_string"] = query_string
    return env


def render(template: str, **context: Any) -> str:
    return str(environment().get_template(template).render(**context))
