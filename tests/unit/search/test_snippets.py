"""Snippets mark the matched words in the original text, Traditional characters included."""

from __future__ import annotations

from search.snippets import highlight


def test_matches_are_wrapped_in_the_original_wording() -> None:
    assert highlight("對小微企業減免房租三個月", ["小微企业", "房租"]) == "對【小微企業】減免【房租】三個月"


def test_long_text_is_cut_around_the_first_match() -> None:
    text = "甲" * 300 + "房租" + "乙" * 300
    snippet = highlight(text, ["房租"], width=40)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "【房租】" in snippet
    assert len(snippet) <= 40 + 4


def test_no_match_gives_the_opening() -> None:
    assert highlight("第一条 总则", ["房租"]) == "第一条 总则"
