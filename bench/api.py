"""HTTP API and page latency under 50 concurrent clients on a store of 100k articles.

The store is generated (once; ``--db`` keeps it for the next run): 100k articles in 8
languages and scripts from 400 sources, in stories of 1 to 60 articles over four months, each
article six sentences naming two to four of 400 actors, with a vector near its story's centre,
written through the store API (``insert_article``, ``replace_mentions``, story summaries)
so every index and trigger (full-text index included) is as in real use.

The server is ``crosswire.web`` in its own process, as ``crosswire serve`` runs it. Its
encoder is a stand-in (``ClaimEncoder``): a sentence's vector is the vector of the claim code
it carries ("k123") plus noise, so sentences of one story that carry the same code align and
briefs find shared claims, without the model's 1.2 ms a token (bench/ingest.py and
bench/brief.py measure the model). The load comes from another process: 50 keep-alive
connections, each sending its next request when the last answer arrives (closed loop, no
think time), so latency = queueing + service time on the 2 cores that both processes share.

Endpoints, each for ``--requests`` requests (story ids, article ids, actors and queries
drawn at random): the stories page and its API; the story page (HTML) the first time each
story is read (alignment and brief computed) and on later reads (cached per story version);
the story API; an article page; an actor page; search (meaning and words); sources; health.
Prints a table and writes bench/results/api.json: p50, p90, p99 and max in ms, requests/s.

    python bench/api.py [--db PATH] [--articles 100000] [--clients 50] [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import multiprocessing as mp
import os
import platform
import random
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DIM = 384
ALPHABETS = {
    "en": "abcdefghiklmnoprstuvwy", "tr": "abcçdefgğhıijklmnoöprsştuüvyz",
    "de": "abcdefghiklmnoprstuwzäöü", "fr": "abcdefghijlmnopqrstuvéèà",
    "es": "abcdefghijlmnopqrstuvyñá", "ru": "абвгдежзиклмнопрстуфхцчшыэюя",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "zh": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
}


class ClaimEncoder:
    """Vectors from claim codes: texts naming claim ``kN`` lie near one random direction."""

    name = "bench-claims"
    dim = DIM

    @staticmethod
    def _unit(seed: str) -> np.ndarray:
        rng = np.random.default_rng(int(hashlib.blake2b(seed.encode(), digest_size=8)
                                        .hexdigest(), 16))
        v = rng.standard_normal(DIM).astype(np.float32)
        return v / np.linalg.norm(v)

    def _one(self, text: str) -> np.ndarray:
        codes = [w for w in text.split() if w.startswith("k") and w[1:].rstrip(".").isdigit()]
        v = self._unit(text) * 0.35
        for c in codes:
            v = v + self._unit(c.rstrip("."))
        return (v / np.linalg.norm(v)).astype(np.float32)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, DIM))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def _settings(db: str) -> Any:
    from crosswire.app import _encoders
    from crosswire.config import load_settings

    _encoders.setdefault(ClaimEncoder.name, ClaimEncoder())  # type: ignore[arg-type]
    return load_settings(None, db=db, encoder=ClaimEncoder.name, vector_cache="off",
                         progress=False)


# --- the generated store ---------------------------------------------------------------------
def _words(rng: random.Random, alphabet: str, n: int) -> list[str]:
    if len(alphabet) > 30 and "的" in alphabet:  # Chinese: runs of characters, no spaces
        return ["".join(rng.choice(alphabet) for _ in range(rng.randint(2, 4)))
                for _ in range(n)]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 9))) for _ in range(n)]


def build_store(db: str, n_articles: int, seed: int = 7) -> float:
    """Write the generated store; returns the seconds it took."""
    import crosswire
    from crosswire.models import Article, Mention, Sentence
    from crosswire.store import ActorInfo

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    cw = crosswire.Crosswire(_settings(db))
    store = cw.store
    langs = list(ALPHABETS)
    vocab = {lg: _words(rng, ALPHABETS[lg], 3000) for lg in langs}
    sources = [(f"Source {i:03d}", langs[i % len(langs)]) for i in range(400)]
    actors = [ActorInfo(f"new:bench-{i}", f"Actor{i} Name{i}", "organisation", known=False)
              for i in range(400)]
    weights = [1.0 / (i + 1) for i in range(len(actors))]
    start = datetime(2024, 8, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    done = n_story = n_claim = 0
    while done < n_articles:
        size = min(n_articles - done, min(60, int(nrng.geometric(0.25))))
        sid = store.create_story()
        centre = nrng.standard_normal(DIM).astype(np.float32)
        claims = [f"k{n_claim + j}" for j in range(8)]
        n_claim += 8
        day = start + timedelta(hours=rng.randint(0, 24 * 120))
        title = None
        with store.transaction():
            for _ in range(size):
                src, lang = rng.choice(sources)
                words = vocab[lang]
                named = rng.choices(actors, weights, k=rng.randint(2, 4))
                lead = " ".join(a.name for a in named)
                chosen = [*rng.sample(claims, 4), "", ""]  # four shared claims, two its own
                sentences, text, mentions = [], "", []
                for k, code in enumerate(chosen):
                    body = " ".join(rng.choice(words) for _ in range(rng.randint(10, 18)))
                    sent = f"{lead + ' ' if k == 0 else ''}{body}{' ' + code if code else ''}."
                    s0 = len(text)
                    if k == 0:
                        pos = 0
                        for a in named:
                            mentions.append(Mention(s0 + pos, s0 + pos + len(a.name), a.name,
                                                    a.id))
                            pos += len(a.name) + 1
                    text += sent + ("\n\n" if k % 2 else " ")
                    sentences.append(Sentence(k, s0, s0 + len(sent), lang))
                vec = centre + 0.6 * nrng.standard_normal(DIM).astype(np.float32)
                published = day + timedelta(minutes=rng.randint(0, 60 * 72))
                heading = " ".join(rng.choice(words) for _ in range(3)).capitalize()
                art = Article(text=text.strip(), title=f"{heading} {done}", language=lang,
                              source=src,
                              url=f"https://bench.example/{done}", published=published,
                              content_hash=f"bench-{seed}-{done}", sentences=sentences,
                              vector=vec / np.linalg.norm(vec), n_tokens=len(text.split()))
                aid = store.insert_article(art, ClaimEncoder.name)
                store.set_article_story(aid, sid)
                store.replace_mentions(aid, mentions, lang, {a.id: a for a in named}, {})
                store.add_to_language_mean(lang, art.vector)  # type: ignore[arg-type]
                title = title or art.title
                done += 1
            store.refresh_story_summary(sid)
            store.set_story_title(sid, title, None)
        n_story += 1
        if n_story % 2000 == 0:
            rate = done / (time.perf_counter() - t0)
            print(f"  {done:,} articles, {n_story:,} stories ({rate:,.0f} articles/s)",
                  file=sys.stderr)
    store.set_meta("bench_api", json.dumps({"articles": n_articles, "seed": seed}))
    cw.close()
    return round(time.perf_counter() - t0, 1)


def load_info(db: str) -> dict[str, Any]:
    """Story, article and actor ids, and queries made of two words of a stored text."""
    import crosswire

    cw = crosswire.Crosswire(_settings(db))
    store = cw.store
    stories = [s.id for s in store.list_stories(limit=10_000_000)]
    articles = [int(r[0]) for r in store.query("SELECT id FROM articles")]
    actors = [a.id for a in store.list_actors(limit=50)]
    rng = random.Random(11)
    texts = [str(r[0]) for r in store.query(
        "SELECT text FROM articles WHERE id % 500 = 0 LIMIT 200")]
    queries = [" ".join(rng.sample(t.split()[4:14], 2)) for t in texts]
    cw.close()
    return {"story_ids": stories, "article_ids": articles, "actor_ids": actors,
            "queries": queries}


# --- the server --------------------------------------------------------------------------
def run_server(db: str, port: int) -> None:
    import crosswire
    from crosswire.web import ServeOptions, serve

    serve(crosswire.Crosswire(_settings(db)), ServeOptions(port=port), log_level="error")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the load ----------------------------------------------------------------------------
async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str,
               path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def _load(port: int, paths: list[str], clients: int) -> dict[str, Any]:
    host = f"127.0.0.1:{port}"
    queue = list(reversed(paths))
    latencies: list[float] = []
    errors: dict[int, int] = {}

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue:
                path = queue.pop()
                t = time.perf_counter()
                status = await _get(reader, writer, host, path)
                latencies.append((time.perf_counter() - t) * 1000)
                if status != 200:
                    errors[status] = errors.get(status, 0) + 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - t0
    lat = np.array(latencies)
    return {"requests": len(lat), "p50_ms": round(float(np.percentile(lat, 50)), 1),
            "p90_ms": round(float(np.percentile(lat, 90)), 1),
            "p99_ms": round(float(np.percentile(lat, 99)), 1),
            "max_ms": round(float(lat.max()), 1), "requests_per_s": round(len(lat) / wall, 1),
            "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="keep the generated store here (reused when it exists)")
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=2000, help="requests per endpoint")
    args = ap.parse_args()

    tmp = None
    if args.db:
        db = args.db
    else:
        tmp = tempfile.TemporaryDirectory(prefix="crosswire-bench-api-")
        db = os.path.join(tmp.name, "api.db")
    build_s = None
    if not Path(db).exists():
        print(f"generating {args.articles:,} articles in {db} ...", file=sys.stderr)
        build_s = build_store(db, args.articles)
    info = load_info(db)
    print(f"store: {len(info['article_ids']):,} articles, {len(info['story_ids']):,} stories",
          file=sys.stderr)

    port = _free_port()
    server = mp.get_context("spawn").Process(target=run_server, args=(db, port), daemon=True)
    server.start()
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline or not server.is_alive():
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)

    rng = random.Random(3)
    n = args.requests
    stories = info["story_ids"]
    big = rng.sample(stories, min(len(stories), 4 * n))
    first_view = big[:n]
    warm = big[n:n + 100]
    endpoints: dict[str, list[str]] = {
        "GET /api/v1/health": ["/api/v1/health"] * n,
        "GET /api/v1/stories": [f"/api/v1/stories?offset={rng.randrange(0, 500)}"
                                for _ in range(n)],
        "GET /stories (page)": [f"/stories?offset={50 * rng.randrange(0, 10)}"
                                for _ in range(n)],
        "GET /api/v1/stories/{id}": [f"/api/v1/stories/{rng.choice(stories)}"
                                     for _ in range(n)],
        "GET /stories/{id} (page, cached)": [f"/stories/{rng.choice(warm)}" for _ in range(n)],
        "GET /stories/{id} (page, first view)": [f"/stories/{s}" for s in first_view],
        "GET /articles/{id} (page)": [f"/articles/{rng.choice(info['article_ids'])}"
                                      for _ in range(n)],
        "GET /actors/{id} (page)": [f"/actors/{rng.choice(info['actor_ids'])}"
                                    for _ in range(n // 4)],
        "GET /api/v1/search": [f"/api/v1/search?q={quote_plus(rng.choice(info['queries']))}"
                               for _ in range(n // 2)],
        "GET /sources (page)": ["/sources"] * (n // 4),
    }
    asyncio.run(_load(port, ["/api/v1/search?q=warm+up"] + [f"/stories/{s}" for s in warm],
                      args.clients))  # load the vector index; cache the warm stories
    results: dict[str, Any] = {}
    print(f"{'endpoint':40} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8} {'req/s':>8}")
    for name, paths in endpoints.items():
        r = asyncio.run(_load(port, paths, args.clients))
        results[name] = r
        print(f"{name:40} {r['p50_ms']:8.1f} {r['p90_ms']:8.1f} {r['p99_ms']:8.1f} "
              f"{r['max_ms']:8.1f} {r['requests_per_s']:8.1f}"
              + (f"  errors {r['errors']}" if r["errors"] else ""))
    server.terminate()
    server.join(timeout=30)
    out = {"bench": "api", "date": datetime.now().isoformat(timespec="seconds"),
           "machine": f"{platform.machine()} cpus={os.cpu_count()}",
           "articles": len(info["article_ids"]), "stories": len(stories),
           "clients": args.clients, "requests_per_endpoint": n, "store_build_s": build_s,
           "encoder": "bench stand-in (claim codes); see the module docstring",
           "endpoints": results}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
