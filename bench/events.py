"""Event coding speed, and the encoder's share of it, on the demo corpus (+ the seeds).

Measures, in one run on this machine:
* candidate selection and coding without the encoder (lexicons, roles, flags, classifier):
  sentences/s over every sentence of the corpus, best of 3 passes;
* the encoder on the candidate sentences (vector cache off), as ms per candidate;
* whole coding with a cold encoder: sentences/s and the encoder's share of the time;
* how many sentences are candidates (the encoder runs only on those).

Prints the figures and writes bench/results/events.json.

    python bench/events.py
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "crosswire" / "data" / "demo" / "articles.jsonl"
SEEDS = Path(os.environ.get("CROSSWIRE_SEEDS", ROOT.parent / "shared" / "seeds"))
RESULTS = ROOT / "bench" / "results"


def main() -> int:
    from crosswire.actors.kb import load_kb
    from crosswire.actors.stage import link_text
    from crosswire.config import load_settings
    from crosswire.embed import E5Encoder
    from crosswire.events.stage import coder_for
    from crosswire.models import Article
    from crosswire.sentences import split_sentences

    records = [json.loads(line) for line in DEMO.open(encoding="utf-8") if line.strip()]
    for p in sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []:
        records.append({"text": p.read_text(encoding="utf-8"),
                        "language": "tr" if p.name.startswith("000") else "en"})
    kb = load_kb()
    articles = []
    for r in records:
        lang = r["language"]
        articles.append(Article(text=r["text"], language=lang,
                                sentences=split_sentences(r["text"], lang),
                                mentions=link_text(r["text"], lang, kb)))
    n_sentences = sum(len(a.sentences) for a in articles)
    coder = coder_for(load_settings())
    coder.code_articles(articles[:1], None)  # warm up lexicons and model

    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        coder.code_articles(articles, None)
        best = min(best, time.perf_counter() - t0)
    n_candidates = sum(
        1 for a in articles for s in a.sentences
        if coder.candidate(a.text, s, a.mentions, a.language) is not None)
    n_events_cues = sum(len(a.events) for a in articles)

    encoder = E5Encoder()
    encoder.encode_passages(["warm up"])
    encoder.seconds = 0.0
    t0 = time.perf_counter()
    coder.code_articles(articles, encoder)
    total = time.perf_counter() - t0
    n_events = sum(len(a.events) for a in articles)

    result = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "articles": len(articles),
        "sentences": n_sentences,
        "candidate_sentences": n_candidates,
        "candidate_share": round(n_candidates / n_sentences, 3),
        "coding_without_encoder_sentences_per_s": round(n_sentences / best),
        "coding_without_encoder_ms_per_article": round(1000 * best / len(articles), 2),
        "coding_with_encoder_sentences_per_s": round(n_sentences / total, 1),
        "coding_with_encoder_articles_per_s": round(len(articles) / total, 2),
        "encoder_ms_per_candidate": round(1000 * encoder.seconds / max(n_candidates, 1), 1),
        "encoder_share": round(encoder.seconds / total, 3),
        "events_with_encoder": n_events,
        "events_cues_only": n_events_cues,
    }
    for k, v in result.items():
        print(f"{k:>40}: {v}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "events.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
