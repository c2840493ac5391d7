"""WARC ingest: articles/s for an archive of generated pages, and memory as it grows.

Writes a .warc.gz of N distinct generated news pages (with a request record before each
response, as crawlers write them), then:
1. reads it with the streaming WARC reader alone (no pipeline), noting resident memory after
   1,000 pages and at the end;
2. ingests it through the full pipeline with the vector cache off (every lead is embedded),
   noting articles/s, the time inside the encoder, and resident/peak memory after 1,000
   articles and at the end.
Prints the figures and writes bench/results/warc.json.

    python bench/warc.py [--n 10000]
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

PLACES = ["the northern port", "the river delta", "the capital", "the border town", "the valley",
          "the coastal city", "the mountain pass", "the island", "the old quarter", "the plain"]
SUBJECTS = ["dock workers", "farmers", "engineers", "ministers", "teachers", "nurses",
            "firefighters", "students", "railway staff", "fishermen"]
EVENTS = ["began a strike", "signed an agreement", "reported flooding", "opened a new line",
          "held a protest", "announced new funding", "closed the main road", "raised barriers",
          "started talks", "cancelled the festival"]


def vm(field: str) -> float:
    """Resident (VmRSS) or peak (VmHWM) memory of this process in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def page(i: int, rnd: random.Random) -> tuple[str, bytes]:
    subj, ev, place = rnd.choice(SUBJECTS), rnd.choice(EVENTS), rnd.choice(PLACES)
    n1, n2 = rnd.randint(2, 900), rnd.randint(2, 90)
    title = f"{subj.capitalize()} in {place} {ev} (report {i})"
    paras = [
        f"{subj.capitalize()} in {place} {ev} on day {i % 28 + 1}, officials said, after "
        f"{n1} people gathered near the town hall.",
        f"The regional office said {n2} percent of services were affected and that a further "
        f"statement, number {i}, would follow within {n2 % 12 + 1} hours.",
        f"Residents of {place} were asked to follow updates; case {i * 7 + n1} remains open.",
    ]
    when = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=37 * i)
    html = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{when.isoformat()}"></head>'
            f"<body><nav>Home | News</nav><article><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in paras)
            + "</article><footer>All rights reserved.</footer></body></html>")
    return f"https://bench.example/{i}", html.encode("utf-8")


def write_warc(path: Path, n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rnd = random.Random(7)
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for i in range(n):
            url, body = page(i, rnd)
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "bench.example")],
                                   is_http_request=True)
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                http_headers=req))
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                http_headers=http))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="pages in the archive")
    args = ap.parse_args()

    import crosswire
    from crosswire.app import shared_encoder
    from crosswire.ingest.warc import read_warc
    from crosswire.stories import background_prior

    result: dict[str, object] = {"bench": "warc", "pages": args.n,
                                 "date": datetime.now().isoformat(timespec="seconds"),
                                 "machine": f"{platform.machine()} {platform.processor()} "
                                            f"cpus={__import__('os').cpu_count()}"}
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "bench.warc.gz"
        t0 = time.perf_counter()
        write_warc(warc, args.n)
        result["warc_mb"] = round(warc.stat().st_size / 1e6, 2)
        result["write_s"] = round(time.perf_counter() - t0, 2)

        # 1. the reader alone
        t0, count, rss_1k = time.perf_counter(), 0, 0.0
        for _doc in read_warc(warc, 10_000_000):
            count += 1
            if count == 1000:
                rss_1k = vm("VmRSS")
        result["reader"] = {"pages_per_s": round(count / (time.perf_counter() - t0), 1),
                            "rss_mb_at_1k": round(rss_1k, 1),
                            "rss_mb_at_end": round(vm("VmRSS"), 1)}

        # 2. the full pipeline, vector cache off
        cw = crosswire.open(str(Path(tmp) / "bench.db"), vector_cache="off")
        encoder = shared_encoder(cw.settings)
        cw._encoder = encoder
        background_prior(encoder)  # model load and prior: start-up, not throughput
        inner = encoder.inner
        inner.seconds = 0.0  # type: ignore[attr-defined]
        marks: dict[str, float] = {}
        done = {"n": 0}

        def on_result(r: object) -> None:
            done["n"] += 1
            if done["n"] == 1000:
                marks.update(rss_1k=vm("VmRSS"), hwm_1k=vm("VmHWM"),
                             t_1k=time.perf_counter() - t0)

        t0 = time.perf_counter()
        summary = cw.ingest([str(warc)], on_result=on_result)
        wall = time.perf_counter() - t0
        enc = float(getattr(inner, "seconds", 0.0))
        stored = summary.stored
        result["pipeline"] = {
            "stored": stored, "rejected": len(summary.rejected),
            "stories": cw.store.count_stories(), "wall_s": round(wall, 1),
            "articles_per_s": round(stored / wall, 2),
            "encoder_s": round(enc, 1), "encoder_share": round(enc / wall, 3),
            "articles_per_s_without_encoder": round(stored / max(wall - enc, 1e-9), 1),
            "tokens_embedded": int(cw.store.query_one("SELECT SUM(n_tokens) FROM articles")[0]),
            "rss_mb_at_1k": round(marks.get("rss_1k", 0.0), 1),
            "rss_mb_at_end": round(vm("VmRSS"), 1),
            "peak_rss_mb_at_1k": round(marks.get("hwm_1k", 0.0), 1),
            "peak_rss_mb_at_end": round(vm("VmHWM"), 1),
            "notes": summary.notes,
        }
        cw.close()
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "warc.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
