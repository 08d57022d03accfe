"""The indicator linker of reports and coverage: lexical alone without an embedder, lexical and semantic with
the default embedder (USE)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ontology.indicators import link_indicators, load_scheme
from practices.indicator_links import MIN_LINK_SCORE, IndicatorLinker, mechanism_text

ITEMS = ["持续深化“放管服”改革,加快推进告知承诺制", "在全区推行证明事项清理，企业开办一天办结", "天气晴朗，气温适宜"]


def test_without_an_embedder_the_links_are_the_lexical_ones() -> None:
    scheme = load_scheme()
    for text, links in zip(ITEMS, IndicatorLinker(scheme).link(ITEMS), strict=True):
        lexical = [(x.indicator.id, x.score) for x in link_indicators(text, scheme) if x.score >= MIN_LINK_SCORE]
        assert [(x.indicator.id, x.score) for x in links] == lexical
        assert all(x.semantic is None and x.lexical == x.score for x in links)


def test_a_mechanism_is_read_by_name_and_topics_with_its_sentence_as_context() -> None:
    node = {"name": "会前学法", "topics": ["法治学习培训"], "description": "今年以来共开展区政府会前学法4次。"}
    assert mechanism_text(node) == ("会前学法 法治学习培训", "今年以来共开展区政府会前学法4次。")


@pytest.fixture(scope="module")
def semantic() -> IndicatorLinker:
    from search.embedders.use import UseEmbedder

    return IndicatorLinker(load_scheme(), UseEmbedder())


def test_the_default_embedder_links_items_without_a_cue_word(semantic: IndicatorLinker) -> None:
    items = ["在全区推行证明事项清理，企业开办一天办结", "组织领导干部专题学习宪法和民法典"]
    for text, expected in zip(items, ("1-1", "1-9"), strict=True):
        assert link_indicators(text, semantic.scheme) == []
        (link,) = semantic.link([text])[0]
        assert link.indicator.id == expected
        assert link.lexical == 0.0 and link.semantic is not None and link.semantic >= semantic.threshold
        assert link.score >= MIN_LINK_SCORE


def test_the_default_embedder_keeps_lexical_links_and_links_nothing_to_unrelated_text(
    semantic: IndicatorLinker,
) -> None:
    cue, _, unrelated = semantic.link(ITEMS)
    assert cue[0].indicator.id == "1-1" and cue[0].lexical >= MIN_LINK_SCORE
    assert unrelated == []
    assert semantic.link([]) == []


def test_the_dev_sample_labels_every_item_once_with_known_first_level_ids() -> None:
    folder = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "indicators_dev"
    items = [json.loads(line) for line in (folder / "items.jsonl").open(encoding="utf-8")]
    labels = [json.loads(line) for line in (folder / "labels.jsonl").open(encoding="utf-8")]
    tops = {i.id for i in load_scheme().level(1)}
    assert [i["id"] for i in items] == [label["id"] for label in labels] and len({i["id"] for i in items}) == len(items)
    assert all(set(label["indicators"]) <= tops for label in labels)
    assert all(i["split"] == ("even" if int(i["id"][-1], 16) % 2 == 0 else "odd") for i in items)
