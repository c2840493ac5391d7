"""Sentence alignment: calibration, link rules, grouping, and quality on our gold pairs."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import DATA, DEMO, run_cli

from crosswire.align import (
    AlignOptions,
    Link,
    Unit,
    align_articles,
    align_units,
    calibrate,
    claim_units,
    group_links,
)
from crosswire.models import Article, Sentence

GOLD = DATA / "alignment_gold.jsonl"


def article(aid: int, sentences: list[str], language: str = "en") -> Article:
    """An article whose text is its sentences, one paragraph each."""
    text = "\n".join(sentences)
    spans, pos = [], 0
    for i, s in enumerate(sentences):
        spans.append(Sentence(i, pos, pos + len(s), language))
        pos += len(s) + 1
    return Article(text=text, id=aid, language=language, sentences=spans, source=f"src{aid}")


def planted(n_a: int, n_b: int, pairs: list[tuple[int, int]], seed: int = 0,
            dim: int = 64) -> tuple[list[Unit], np.ndarray]:
    """Two articles of random unit vectors around a shared topic; ``pairs`` are near copies."""
    rng = np.random.default_rng(seed)
    topic = rng.normal(size=dim)
    a = topic + rng.normal(size=(n_a, dim)) * 0.6
    b = topic + rng.normal(size=(n_b, dim)) * 0.6
    for i, j in pairs:
        b[j] = a[i] + rng.normal(size=dim) * 0.1
    vecs = np.vstack([a, b])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    units = [Unit(1, i, 0, 0, "en", f"a{i}") for i in range(n_a)] + [
        Unit(2, j, 0, 0, "tr", f"b{j}") for j in range(n_b)]
    return units, vecs.astype(np.float32)


def test_calibrated_scores_single_out_the_planted_pairs() -> None:
    units, vecs = planted(8, 9, [(0, 3), (4, 7)])
    owner = np.array([u.article_id for u in units])
    z = calibrate(vecs, owner)
    assert np.isnan(z[0, 1]) and np.isnan(z[9, 10])  # same article: never compared
    assert np.allclose(z[:8, 8:], z[8:, :8].T)
    cross = z[:8, 8:]
    assert cross[0, 3] == cross.max() or cross[4, 7] == cross.max()
    others = np.delete(cross.ravel(), [0 * 9 + 3, 4 * 9 + 7])
    assert min(cross[0, 3], cross[4, 7]) > others.max()


def test_only_planted_pairs_are_linked() -> None:
    units, vecs = planted(8, 9, [(0, 3), (4, 7), (6, 1)], seed=3)
    al = align_units(units, vecs)
    found = {(units[lk.a].sentence, units[lk.b].sentence) for lk in al.links}
    assert found == {(0, 3), (4, 7), (6, 1)}
    assert len(al.groups) == 3 and all(len(g) == 2 for g in al.groups)
    assert al.coverage(1, 2) == pytest.approx(3 / 8)


def test_an_ambiguous_best_match_is_not_a_link() -> None:
    units, vecs = planted(6, 6, [(0, 0)], seed=5)
    vecs[6 + 1] = vecs[6 + 0]  # b1 is as close to a0 as its copy b0
    al = align_units(units, vecs)
    assert not [lk for lk in al.links if units[lk.a].sentence == 0]


def test_grouping_never_chains_two_distant_sentences_of_one_article() -> None:
    units = [Unit(1, 0, 0, 0, "en", "x"), Unit(2, 0, 0, 0, "de", "y"),
             Unit(3, 0, 0, 0, "fr", "z"), Unit(1, 5, 0, 0, "en", "w")]
    links = [Link(0, 1, 3.0), Link(1, 2, 2.5), Link(2, 3, 2.0)]
    groups = group_links(units, links)
    assert sorted(map(sorted, groups)) == [[0, 1, 2]]
    # a neighbour may join through a many-to-one link
    units[3] = Unit(1, 1, 0, 0, "en", "w")
    groups = group_links(units, [*links[:2], Link(3, 2, 2.0, "many")])
    assert sorted(map(sorted, groups)) == [[0, 1, 2, 3]]


def test_headings_questions_and_self_talk_are_not_claims() -> None:
    a = article(1, ["Responses from Other Countries",
                    "Why does the alliance matter so much?",
                    "In this article, we will analyze the motivations behind it.",
                    "İşte detaylar.",
                    "The ministers signed the agreement in Baku on Monday."])
    assert [u.sentence for u in claim_units(a)] == [4]


@pytest.fixture(scope="module")
def gold_result() -> dict:
    res = run_cli("eval", "alignment", "--json", "--split", "test", str(GOLD), check=True)
    return json.loads(res.stdout)


def test_gold_set_is_the_size_the_docs_promise() -> None:
    pairs: Counter[str] = Counter()
    near = 0
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        sents = [(a["id"], a["language"], s) for a in case["articles"] for s in a["sentences"]]
        for (ida, la, sa), (idb, lb, sb) in itertools.combinations(sents, 2):
            if ida == idb or isinstance(sa, str) or isinstance(sb, str):
                continue
            if sa.get("claim") and sa.get("claim") == sb.get("claim"):
                pairs["-".join(sorted((la, lb)))] += 1
            elif sa.get("near") == sb.get("claim") or sb.get("near") == sa.get("claim"):
                near += bool(sa.get("near") or sb.get("near"))
    assert sum(pairs.values()) >= 250
    assert len([p for p, n in pairs.items() if n >= 5]) >= 6
    assert near >= 100


def test_held_out_alignment_meets_the_target(gold_result: dict) -> None:
    assert gold_result["split"] == "test" and gold_result["n_cases"] >= 10
    assert gold_result["f1"] >= 0.85, gold_result
    # near misses (same actors, different claim) are rarely aligned
    assert gold_result["near_miss_aligned"] <= 0.1 * gold_result["n_near_miss_pairs"]


def test_eval_reports_bad_gold_lines_and_goes_on(tmp_path: Path) -> None:
    good = GOLD.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "gold.jsonl"
    path.write_text("{not json\n" + good + "\n" + '{"articles": 3}\n', encoding="utf-8")
    res = run_cli("eval", "alignment", "--json", str(path))
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["n_cases"] == 1
    assert [r["line"] for r in out["rejected"]] == [1, 3]
    res = run_cli("eval", "alignment", str(tmp_path / "missing.jsonl"))
    assert res.returncode == 2


def test_a_translation_is_covered_and_a_sibling_report_is_not(cw: object) -> None:
    """What provenance reuses: a faithful translation has nearly all its sentences linked
    to its original; another outlet's report of the same story has far fewer."""
    recs = {json.loads(x)["id"]: json.loads(x) for x in DEMO.read_text("utf-8").splitlines()}
    from crosswire.sentences import split_sentences

    arts = []
    for aid, key in enumerate(["ru-cn-gas-ru-01", "ru-cn-gas-de-02", "ru-cn-gas-de-01"], 1):
        r = recs[key]
        arts.append(Article(text=r["text"], id=aid, language=r["language"],
                            sentences=split_sentences(r["text"], r["language"])))
    al = align_articles(arts, cw.encoder, AlignOptions())  # type: ignore[attr-defined]
    translation, sibling = al.coverage(2, 1), al.coverage(3, 1)
    assert translation >= 0.8
    assert sibling < translation - 0.2
