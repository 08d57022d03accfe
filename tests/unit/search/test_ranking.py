"""Min-max CombSUM fusion, BM25-confidence scaling, document context and the boosts."""

from __future__ import annotations

import pytest

from search.ranking import (
    ScoredList,
    boosted,
    confidence_scaled,
    min_max_combsum,
    short_title,
    title_named_in,
    top_keys,
    with_document_context,
    within_depth,
)


def test_combsum_adds_weighted_min_max_normalised_scores() -> None:
    fused = min_max_combsum(
        [ScoredList(["a", "b", "c"], [9.0, 5.0, 1.0], 1.0), ScoredList(["c", "d"], [0.8, 0.4], 0.5)]
    )
    assert fused["a"] == pytest.approx(1.0)
    assert fused["b"] == pytest.approx((5 - 1) / (9 - 1))
    assert fused["c"] == pytest.approx(0.0 + 0.5 * 1.0)
    assert fused["d"] == pytest.approx(0.0)
    assert [k for k, _ in top_keys(fused, 2)] == ["a", "b"]


def test_combsum_gives_equal_scores_full_weight_and_skips_empty_or_zero_weight_lists() -> None:
    fused = min_max_combsum(
        [ScoredList(["a", "b"], [2.0, 2.0], 1.0), ScoredList(["z"], [5.0], 0.0), ScoredList([], [], 1.0)]
    )
    assert fused == {"a": pytest.approx(1.0), "b": pytest.approx(1.0)}


def test_confidence_scaling_uses_the_runner_up_of_another_document() -> None:
    lexical = [("a1", 10.0), ("a2", 9.0), ("b1", 5.0)]
    document_of = {"a1": "A", "a2": "A", "b1": "B"}
    assert confidence_scaled(0.8, lexical, document_of, exponent=2) == pytest.approx(0.8 * 0.5**2)
    assert confidence_scaled(0.8, [("a1", 10.0), ("a2", 9.0)], document_of) == pytest.approx(0.0)
    assert confidence_scaled(0.8, [], document_of) == pytest.approx(0.8)


def test_document_context_adds_the_best_scores_of_the_same_document() -> None:
    scores = {"a1": 1.0, "a2": 0.5, "a3": 0.4, "b1": 0.9, "x": 0.3}
    document_of = {"a1": "A", "a2": "A", "a3": "A", "b1": "B"}
    out = with_document_context(scores, document_of, weight=0.1, units=2)
    assert out["a3"] == pytest.approx(0.4 + 0.1 * (1.0 + 0.5))
    assert out["b1"] == pytest.approx(0.9 + 0.1 * 0.9)
    assert out["x"] == pytest.approx(0.3)


def test_short_title_drops_the_state_name_and_brackets() -> None:
    assert short_title("中华人民共和国劳动合同法（2012修正）") == "劳动合同法"


def test_title_named_needs_three_characters() -> None:
    assert title_named_in("劳动合同法规定试用期多长", "中华人民共和国劳动合同法")
    assert not title_named_in("民法规定", "民法")


def test_boosts_favour_named_titles_and_current_versions() -> None:
    scores = boosted(
        {"old": 1.0, "named": 1.0, "plain": 1.0},
        title_named={"named": True},
        is_current={"old": False, "plain": None},
        title_boost=0.5,
        superseded_factor=0.5,
    )
    assert scores == {"old": 0.5, "named": 1.5, "plain": 1.0}


def test_prior_multiplies_and_defaults_to_one() -> None:
    scores = boosted(
        {"law": 1.0, "rule": 1.0},
        title_named={},
        is_current={},
        title_boost=0.5,
        superseded_factor=0.5,
        prior={"rule": 0.7},
    )
    assert scores == {"law": 1.0, "rule": 0.7}


def test_within_depth_keeps_each_kind_of_unit_above_its_own_depth() -> None:
    ranked = [("a1", 9.0), ("p1", 8.0), ("a2", 7.0), ("p2", 6.0), ("a3", 5.0), ("x", 4.0)]
    is_article = {"a1": True, "a2": True, "a3": True, "p1": False, "p2": False}
    assert within_depth(ranked, is_article, 5, 2) == [("a1", 9.0), ("p1", 8.0), ("a2", 7.0), ("a3", 5.0)]
    assert within_depth(ranked, is_article, 6, 6) == ranked
