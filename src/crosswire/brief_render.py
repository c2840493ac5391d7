"""Render a ``Brief`` as Markdown, standalone HTML or JSON.

HTML comes from one Jinja2 template with autoescaping on for everything, inline CSS and no
external asset (no script, stylesheet, font or image is fetched), so a brief can be mailed or
archived as one file. Article text is always escaped; in Markdown, ``<``, ``>`` and ``&`` are
written as entities and line breaks flattened, so a hostile sentence cannot become markup
when the Markdown is rendered elsewhere. Sentences are cited as ``[A]§S``: article id A,
sentence index S (as in ``crosswire article A --json``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from crosswire.brief import Brief
from crosswire.claims import Claim

TEMPLATES = Path(__file__).parent / "data" / "templates"
ANGLE_SHOWN = 10  # unique claims shown per source in Markdown and HTML; JSON has them all


def _md(text: str | None) -> str:
    if not text:
        return ""
    t = " ".join(text.split())
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cite(article_id: int, sentence: int) -> str:
    return f"[{article_id}]§{sentence}"


def _lang(code: str | None) -> str:
    return f" [{code}]" if code else ""


def angles(brief: Brief) -> list[dict[str, Any]]:
    """Per source: its first ``ANGLE_SHOWN`` unique claims by rank (central and distinct),
    in reading order, and the details it adds to shared claims."""
    out = []
    for src in dict.fromkeys(s.source for s in brief.sources):
        mine = [c for c in brief.unique_claims if c.sources == [src]]
        top = sorted((c for c in mine if c.rank < ANGLE_SHOWN),
                     key=lambda c: (c.support[0].article_id, c.support[0].sentence))
        details = [(c, d) for c in brief.shared_claims for d in c.details if d.source == src]
        articles = [s for s in brief.sources if s.source == src]
        out.append({"source": src, "articles": articles, "claims": top,
                    "hidden": len(mine) - len(top), "details": details})
    return out


def render_markdown(brief: Brief) -> str:
    st = brief.story
    lines = [f"# {_md(brief.headline)}", ""]
    lines.append(f"Story {st.id} · {st.n_articles} articles · {st.n_sources} sources · "
                 f"languages {', '.join(st.languages) or '-'}")
    lines.append("")
    lines.append(f"Compared {brief.n_articles_compared} articles:")
    for s in brief.sources:
        title = f' "{_md(s.title)}"' if s.title else ""
        lines.append(f"- [{s.article_id}] {_md(s.source)}{_lang(s.language)}{title}"
                     + (f" ({', '.join(s.flags)})" if s.flags else ""))
    if brief.summary:
        lines += ["", "## Summary", ""]
        for item in brief.summary:
            cites = ", ".join(_cite(x.article_id, x.sentence) for x in item.support)
            lines.append(f"- {_md(item.text)}{_lang(item.language)} ({cites})")
    if brief.actors is not None:
        lines += ["", "## Actors", ""]
        lines += [f"- {_md(a.name)}" + (f" ({a.type})" if a.type else "")
                  + f": {a.n_mentions} mentions" + (f" in {', '.join(a.languages)}"
                                                    if a.languages else "")
                  for a in brief.actors] or ["- none found"]
    if brief.events is not None:
        lines += ["", "## Events", ""]
        lines += [f"- {e.date or 'undated'} {e.type}: {_md(e.source) or '?'} -> "
                  f"{_md(e.target) or '?'}" + (" (hedged)" if e.hedged else "")
                  for e in brief.events] or ["- none found"]
    lines += ["", f"## What the sources agree on ({len(brief.shared_claims)})", ""]
    if not brief.shared_claims:
        lines.append("No claim is stated by two independent sources.")
    for n, c in enumerate(brief.shared_claims, start=1):
        lines += _claim_md(n, c)
    if brief.contradictions:
        lines += ["", f"## Where they disagree ({len(brief.contradictions)})", ""]
        for x in brief.contradictions:
            lines.append(f"- {x.kind}: {_md(x.what)}, on \"{_md(x.claim_text)}\"")
            for side, sentence in x.sides():
                lines.append(f"  - {_cite(side.article_id, side.sentence)} {_md(side.source)}"
                             f"{_lang(side.language)}: \"{_md(sentence)}\"")
    if brief.omissions:
        lines += ["", "## What some sources leave out", ""]
        for o in brief.omissions:
            missing = ", ".join(f"{_md(s)} ({', '.join(f'[{i}]' for i in ids)})"
                                for s, ids in o.missing)
            lines.append(f"- \"{_md(o.claim.text)}\"{_lang(o.claim.language)}: stated by "
                         f"{len(o.claim.sources)} sources, not by {missing}")
    lines += ["", "## Each source's angle", ""]
    for a in angles(brief):
        ids = ", ".join(f"[{s.article_id}]" for s in a["articles"])
        langs = ", ".join(dict.fromkeys(s.language or "?" for s in a["articles"]))
        lines.append(f"### {_md(a['source'])} {ids} ({langs})")
        lines.append("")
        if not a["claims"] and not a["details"]:
            lines.append("Nothing that the other sources do not also say.")
        for c in a["claims"]:
            s = c.support[0]
            lines.append(f"- {_cite(s.article_id, s.sentence)} {_md(c.text)}")
        for _, d in a["details"]:
            lines.append(f"- {_cite(d.article_id, d.sentence)} adds to a shared claim: "
                         f"\"{_md(d.text)}\"")
        if a["hidden"]:
            lines.append(f"- and {a['hidden']} more (`--format json` lists them all)")
        lines.append("")
    if brief.provenance is not None:
        lines += ["## Provenance", ""]
        lines += [f"- {_md(line)}" for line in provenance_lines(brief)] or ["- nothing to flag"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def provenance_lines(brief: Brief) -> list[str]:
    """One plain sentence per flagged article: what it derives from, and why it reads as
    machine-written."""
    out = []
    for p in brief.provenance or []:
        parts = []
        for kind in ("copy", "translation", "rewrite"):
            if p.get(f"{kind}_of") is not None:
                rel = next((r for r in p.get("relations", []) if r["kind"] == kind), None)
                score = f" ({rel['score']:.2f})" if rel else ""
                parts.append(f"{kind} of [{p[f'{kind}_of']}]{score}")
        mw = p.get("machine_written") or {}
        if mw.get("flagged"):
            parts.append(f"machine-written {mw.get('score', 0):.2f}: "
                         + "; ".join(mw.get("reasons", [])))
        if not p.get("independent", True) and p.get("original") is not None:
            parts.append(f"counts with its original [{p['original']}], not as an "
                         "independent source")
        out.append(f"[{p['article_id']}] " + "; ".join(parts or ["flagged"]))
    return out


def _claim_md(n: int, c: Claim) -> list[str]:
    event = f"; the same event: {_md(c.event)}" if c.event else ""
    out = [f"{n}. {_md(c.text)}{_lang(c.language)} ({len(c.sources)} sources{event})"]
    for s in c.support:
        out.append(f"   - {_cite(s.article_id, s.sentence)} {_md(s.source)}{_lang(s.language)}:"
                   f" \"{_md(s.text)}\"")
    for d in c.details:
        out.append(f"   - only {_md(d.source)} adds{_lang(d.language)}: \"{_md(d.text)}\"")
    return out


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(brief: Brief) -> str:
    """A standalone HTML page: inline CSS, no external assets, every text escaped."""
    template = _environment().get_template("brief.html")
    return str(template.render(brief=brief, angles=angles(brief),
                               provenance=provenance_lines(brief)))


def render_json(brief: Brief) -> str:
    return json.dumps(brief.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n"


def render_brief(brief: Brief, fmt: str = "md") -> str:
    """``md``, ``html`` or ``json``."""
    if fmt == "html":
        return render_html(brief)
    if fmt == "json":
        return render_json(brief)
    return render_markdown(brief)
