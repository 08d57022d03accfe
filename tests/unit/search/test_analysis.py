"""Chinese analysis: normalisation keeps lengths, segmentation keeps domain words, synonyms meet."""

from __future__ import annotations

from ontology.text import to_simplified
from search.analysis import Analyzer, article_label, normalise


def test_traditional_becomes_simplified_with_the_same_length() -> None:
    traditional = "個體工商戶房租減免"
    assert to_simplified(traditional) == "个体工商户房租减免"
    assert len(normalise(traditional)) == len(traditional)


def test_full_width_ascii_folds_and_lower_cases() -> None:
    assert normalise("ＡＢＣ１２３　x") == "abc123 x"


def test_domain_words_stay_whole_and_search_mode_adds_their_parts(analyzer: Analyzer) -> None:
    tokens = analyzer.tokens("支持专精特新发展，申请房租减免")
    assert "专精特新" in tokens and "专精" not in analyzer.tokens("专精")[1:]
    assert "房租减免" in tokens and "房租" in tokens and "减免" in tokens


def test_synonyms_map_query_and_text_to_one_word(analyzer: Analyzer) -> None:
    assert "房租" in analyzer.tokens("租金")
    assert "小微企业" in analyzer.tokens("小型微型企业")
    assert analyzer.tokens("补助") == analyzer.tokens("补贴")


def test_stopwords_and_punctuation_are_dropped(analyzer: Analyzer) -> None:
    assert analyzer.query_tokens("请问，哪些企业可以享受？") == ["企业", "享受"]


def test_added_words_change_the_fingerprint() -> None:
    plain = Analyzer()
    extended = Analyzer(["吹哨报到机制"])
    assert "吹哨报到机制" in extended.tokens("建立吹哨报到机制")
    assert plain.fingerprint != extended.fingerprint


def test_article_label_is_found_or_none() -> None:
    assert article_label("第四十八条") == "第四十八条"
    assert article_label("第十條之一") == "第十条之一"
    assert article_label("（一）") is None
    assert article_label(None) is None
