"""Brief throughput for a 20-article story, cold (every sentence embedded) and cached.

The story: the 10 demo articles on the Malatya earthquake plus 10 follow-ups written from
them by other outlets (another lead sentence, paragraphs in another order, one casualty
figure changed), so the brief has shared claims, unique claims and contradictions to find.
A fresh vector cache file is used, so the first brief embeds every sentence. Prints and
writes bench/results/brief.json: seconds and encoder seconds for the cold brief, briefs/s
once the vectors are cached (in memory, and from the cache file in a new encoder), and the
time to render Markdown, HTML and JSON.

    python bench/brief.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "crosswire" / "data" / "demo" / "articles.jsonl"
RESULTS = ROOT / "bench" / "results"
FOLLOW_UP_LEADS = [
    "Turkish officials gave new details on Wednesday about the morning earthquake.",
    "Rescue teams in eastern Turkey worked through the night after the tremor.",
    "Residents of Malatya spent the night outdoors, fearing more aftershocks.",
    "The quake revived memories of the deadly February 2023 disaster in the region.",
    "Schools in the province stayed closed as engineers inspected buildings.",
]


def story_records() -> list[dict[str, object]]:
    """The 10 Malatya articles and 10 edited follow-ups from other outlets."""
    base = [json.loads(x) for x in DEMO.read_text(encoding="utf-8").splitlines()
            if x.strip() and json.loads(x)["story"] == "quake-malatya"]
    out: list[dict[str, object]] = list(base)
    for k, rec in enumerate(base):
        paragraphs = [p for p in str(rec["text"]).split("\n\n") if p.strip()]
        body = [FOLLOW_UP_LEADS[k % len(FOLLOW_UP_LEADS)], *paragraphs[1:][::-1], *paragraphs[:1]]
        text = "\n\n".join(body)
        text = re.sub(r"\b37\b", "39", text, count=1)
        out.append({**rec, "id": f"{rec['id']}-follow", "url": f"{rec['url']}?follow=1",
                    "source": f"{rec['source']} (follow-up)", "text": text})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="cached briefs to time")
    args = ap.parse_args()

    import crosswire
    from crosswire.app import shared_encoder
    from crosswire.brief import build_brief
    from crosswire.brief_render import render_brief

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "story.jsonl"
        records = story_records()
        src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                       encoding="utf-8")
        # ingest with the cache off (article vectors only), then brief with a fresh cache
        cw = crosswire.open(str(Path(tmp) / "bench.db"), vector_cache="off")
        summary = cw.ingest([str(src)])
        story_ids = {a.story_id for a in cw.store.list_articles()}
        articles = [cw.store.get_article(a.id) for a in cw.store.list_articles()
                    if a.id is not None]
        largest = max(story_ids, key=lambda s: sum(a.story_id == s for a in articles))
        story = cw.store.get_story(largest, with_articles=False)
        cw.close()

        cache = str(Path(tmp) / "vectors.sqlite")
        cw = crosswire.open(str(Path(tmp) / "bench.db"), vector_cache=cache)
        encoder = shared_encoder(cw.settings)
        cw._encoder = encoder
        inner = encoder.inner
        inner.count_tokens("warm up")  # load the model: start-up is not throughput
        options = cw.brief_options()

        def one() -> object:
            return build_brief(story, articles, cw.encoder, options, "en")

        inner.seconds = 0.0  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        brief = one()
        cold = time.perf_counter() - t0
        cold_encoder = float(getattr(inner, "seconds", 0.0))
        misses = encoder.misses

        t0 = time.perf_counter()
        for _ in range(args.repeat):
            one()
        warm = (time.perf_counter() - t0) / args.repeat

        # a new process would start with an empty memory cache but the cache file filled
        cw.close()
        cw = crosswire.open(str(Path(tmp) / "bench.db"), vector_cache=cache)
        cw._encoder = shared_encoder(cw.settings)
        t0 = time.perf_counter()
        one()
        from_file = time.perf_counter() - t0
        render = {}
        for fmt in ("md", "html", "json"):
            t0 = time.perf_counter()
            render_brief(brief, fmt)  # type: ignore[arg-type]
            render[fmt] = round(1000 * (time.perf_counter() - t0), 1)
        cw.close()

    b = brief  # the cold brief's content
    result = {
        "bench": "brief",
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} cpus={os.cpu_count()}",
        "articles": len(records),
        "stored": summary.stored,
        "stories_formed": len(story_ids),
        "articles_compared": b.n_articles_compared,  # type: ignore[attr-defined]
        "texts_embedded_cold": misses,
        "shared_claims": len(b.shared_claims),  # type: ignore[attr-defined]
        "unique_claims": len(b.unique_claims),  # type: ignore[attr-defined]
        "contradictions": len(b.contradictions),  # type: ignore[attr-defined]
        "cold_s": round(cold, 2),
        "cold_encoder_s": round(cold_encoder, 2),
        "cold_encoder_share": round(cold_encoder / cold, 3) if cold else None,
        "cold_briefs_per_s": round(1 / cold, 3),
        "cached_s": round(warm, 3),
        "cached_briefs_per_s": round(1 / warm, 2),
        "cache_file_s": round(from_file, 3),
        "cache_file_briefs_per_s": round(1 / from_file, 2),
        "render_ms": render,
    }
    for k, v in result.items():
        print(f"{k:>24}: {v}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "brief.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
