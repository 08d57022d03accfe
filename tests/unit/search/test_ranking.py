"""Weighted reciprocal-rank fusion and the boosts."""

from __future__ import annotations

import pytest

from search.ranking import RRF_K, RankedList, boosted, reciprocal_rank_fusion, short_title, title_named_in, top_keys


def test_rrf_sums_weighted_reciprocal_ranks() -> None:
    fused = reciprocal_rank_fusion([RankedList(["a", "b"], 1.0), RankedList(["b", "c"], 2.0)])
    assert fused["a"] == pytest.approx(1 / (RRF_K + 1))
    assert fused["b"] == pytest.approx(1 / (RRF_K + 2) + 2 / (RRF_K + 1))
    assert fused["c"] == pytest.approx(2 / (RRF_K + 2))
    assert [k for k, _ in top_keys(fused, 3)] == ["b", "c", "a"]


def test_a_zero_weight_list_contributes_nothing() -> None:
    assert reciprocal_rank_fusion([RankedList(["a"], 0.0), RankedList(["b"], 1.0)]) == {
        "b": pytest.approx(1 / (RRF_K + 1))
    }


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
