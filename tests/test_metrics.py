"""The evaluation metrics on cases small enough to check by hand."""

from __future__ import annotations

import pytest

from crosswire.evaluation.metrics import bcubed, pairwise, prf


def test_perfect_clustering() -> None:
    gold = {1: "a", 2: "a", 3: "b"}
    pred = {1: 10, 2: 10, 3: 11}
    assert bcubed(gold, pred) == (1.0, 1.0, 1.0)
    assert pairwise(gold, pred) == (1.0, 1.0, 1.0)


def test_everything_merged() -> None:
    gold = {1: "a", 2: "a", 3: "b", 4: "b"}
    pred = {1: 0, 2: 0, 3: 0, 4: 0}
    p, r, f = bcubed(gold, pred)
    assert (p, r) == (0.5, 1.0)
    assert f == pytest.approx(2 / 3)
    assert pairwise(gold, pred) == pytest.approx((2 / 6, 1.0, 0.5))


def test_everything_split() -> None:
    gold = {1: "a", 2: "a", 3: "a"}
    pred = {1: 1, 2: 2, 3: 3}
    p, r, _ = bcubed(gold, pred)
    assert p == 1.0 and r == pytest.approx(1 / 3)
    assert pairwise(gold, pred)[1] == 0.0


def test_prf_edges() -> None:
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(1, 1, 0) == (0.5, 1.0, pytest.approx(2 / 3))
