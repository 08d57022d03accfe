"""How units are cut into the pieces the embedder sees."""

from __future__ import annotations

from search.units import MIN_TAIL_CHARS, VECTOR_CHARS, VECTOR_CHUNKS, vector_chunks, vector_text


def test_a_short_article_is_one_piece_after_its_short_title() -> None:
    assert vector_chunks(vector_text("中华人民共和国劳动法（2018修正）", "第一条　为了保护劳动者的合法权益")) == [
        "劳动法：为了保护劳动者的合法权益"
    ]


def test_a_long_text_is_cut_into_pieces_and_a_short_remainder_is_left_out() -> None:
    text = "甲" * VECTOR_CHARS + "乙" * VECTOR_CHARS + "丙" * (MIN_TAIL_CHARS - 1)
    assert vector_chunks(vector_text("某法", text)) == ["某法：" + "甲" * VECTOR_CHARS, "某法：" + "乙" * VECTOR_CHARS]
    longer = "丁" * (VECTOR_CHARS * (VECTOR_CHUNKS + 2))
    assert len(vector_chunks(vector_text("某法", longer))) == VECTOR_CHUNKS
