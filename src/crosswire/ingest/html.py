"""HTML to article text and metadata.

Reads an HTML page (already decoded); writes main text, title, publication date, site name,
canonical URL and author. trafilatura does the work (meta tags, JSON-LD, main-content
detection); when it finds no main text in a broken or minimal page, a plain lxml text dump
without scripts, styles and navigation is the fallback. Raises ``InputError`` only when no
text at all can be found.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from crosswire.errors import InputError

_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "footer", "header", "form",
              "aside", "svg", "iframe", "button", "select")
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article",
               "section", "blockquote", "pre", "dd", "dt", "figcaption", "td"}

# trafilatura and htmldate log every odd page at WARNING; the ingest summary reports instead.
for _name in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
    logging.getLogger(_name).setLevel(logging.ERROR)


@dataclass(slots=True)
class Page:
    text: str
    title: str | None = None
    published: datetime | None = None
    sitename: str | None = None
    url: str | None = None
    author: str | None = None


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d"):
        try:
            dt = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if dt.tzinfo is None:
            from datetime import UTC

            dt = dt.replace(tzinfo=UTC)
        return dt
    return None


def _fallback_text(html: str) -> tuple[str, str | None]:
    import lxml.etree
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return "", None
    title_el = doc.find(".//title")
    title = title_el.text_content().strip() if title_el is not None else None
    for tag in (*_DROP_TAGS, "title", "head"):
        for el in doc.iter(tag):
            el.drop_tree()
    parts: list[str] = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        if el.tail:
            parts.append(el.tail)
    return "".join(parts), title or None


_OPEN_RAW = re.compile(r"<(title|textarea)\b[^>]*>", re.IGNORECASE)


def repair_html(html: str) -> str:
    """Close a <title> or <textarea> left open: parsers (like browsers) would otherwise read
    the rest of the page as its text and find no body at all."""
    for m in reversed(list(_OPEN_RAW.finditer(html))):
        tag = m.group(1).lower()
        if re.search(rf"</{tag}\s*>", html[m.end():], re.IGNORECASE):
            continue
        nxt = html.find("<", m.end())
        cut = nxt if nxt >= 0 else len(html)
        html = f"{html[:cut]}</{tag}>{html[cut:]}"
    return html


def extract_html(html: str, url: str | None = None) -> Page:
    """Main text and metadata of an HTML page."""
    import trafilatura

    html = repair_html(html)

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True,
            date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z",
                                    "original_date": True, "extensive_search": False},
        )
    except Exception:  # trafilatura raises assorted errors on hostile markup
        doc = None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    title = getattr(doc, "title", None) if doc is not None else None
    if not text:
        text, fallback_title = _fallback_text(html)
        title = title or fallback_title
        text = text.strip()
    if not text:
        raise InputError("no article text found in the HTML")
    # trafilatura repeats the headline as the first line of the text
    first, _, rest = text.partition("\n")
    if title and first.strip() == title.strip() and rest.strip():
        text = rest.strip()
    return Page(
        text=text,
        title=title,
        published=_parse_date(getattr(doc, "date", None)) if doc is not None else None,
        sitename=getattr(doc, "sitename", None) if doc is not None else None,
        url=getattr(doc, "url", None) if doc is not None else None,
        author=getattr(doc, "author", None) if doc is not None else None,
    )
