"""Normalisation keeps offsets: removals map back to the source, the Simplified twin keeps the length."""

from __future__ import annotations

from pathlib import Path

from ingest.normalize import clean_text
from ontology.text import OffsetMap, normalise_title, to_simplified


def test_pinyin_artefacts_are_removed_and_spans_map_back_to_the_source() -> None:
    source = "全國首批法治政府建設(shè)示范地區(qū)名單"
    cleaned = clean_text(source)
    assert cleaned.text == "全國首批法治政府建設示范地區名單"
    start = cleaned.text.index("示范地區")
    src_start, src_end = cleaned.offsets.span_to_source(start, start + 4)
    assert source[src_start:src_end] == "示范地區"  # the artefact after the span's end is not part of it
    assert source[src_start : cleaned.offsets.to_source(start + 4)] == "示范地區(qū)"
    name = cleaned.text.index("名單")
    assert source[slice(*cleaned.offsets.span_to_source(name, name + 2))] == "名單"


def test_a_latin_word_in_brackets_is_not_a_pinyin_artefact() -> None:
    assert clean_text("采用区块链(blockchain)技术").text == "采用区块链(blockchain)技术"


def test_repeated_paragraph_and_share_boilerplate_are_dropped() -> None:
    body = "通州区全力推动法治政府建设，改革创新成果不断涌现，向副中心人民交出了一份亮眼的答卷。"
    source = f"点击右上角微信好友\n朋友圈\n{body}\n标题\n{body}\n结尾"
    cleaned = clean_text(source)
    assert cleaned.text == f"{body}\n标题\n结尾"
    assert cleaned.removed == {"boilerplate": 2, "repeated_paragraph": 1}
    end = cleaned.text.index("结尾")
    assert source[slice(*cleaned.offsets.span_to_source(end, end + 2))] == "结尾"


def test_offset_map_round_trips_through_json() -> None:
    offsets = OffsetMap(((3, 7), (10, 20)))
    assert OffsetMap.from_json(offsets.to_json()) == offsets
    assert OffsetMap.from_json("") == OffsetMap()
    assert offsets.to_source(2) == 2
    assert offsets.to_source(3) == 7
    assert offsets.to_source(12) == 22


def test_seed_000_loses_every_pinyin_artefact(shared_dir: Path) -> None:
    source = (shared_dir / "corpora/seeds/000_0892ff74e7c23a66.txt").read_text(encoding="utf-8")
    cleaned = clean_text(source)
    assert "(shè)" in source
    assert "(shè)" not in cleaned.text and "(qū)" not in cleaned.text
    assert "建設示范地區" in cleaned.text
    for pos in range(0, len(cleaned.text), 97):
        assert source[cleaned.offsets.to_source(pos)] == cleaned.text[pos]


def test_seed_002_carries_its_body_once(shared_dir: Path) -> None:
    source = (shared_dir / "corpora/seeds/002_3cdd26ce39aa6b6f.txt").read_text(encoding="utf-8")
    cleaned = clean_text(source)
    assert source.count("小微企业法治体检中心”,政务服务") == 2
    assert cleaned.text.count("小微企业法治体检中心”,政务服务") == 1


def test_simplified_twin_has_the_same_length() -> None:
    text = "北京市政務服務管理局2020年法治政府建設年度報告，乾隆年間"
    simplified = to_simplified(text)
    assert len(simplified) == len(text)
    assert simplified.startswith("北京市政务服务管理局2020年法治政府建设年度报告")


def test_normalised_title_drops_state_name_marks_and_script() -> None:
    assert normalise_title("《中華人民共和國行政復議法》") == "行政复议法"
    assert normalise_title("中华人民共和国 行政复议法") == "行政复议法"
    assert normalise_title("上海市优化营商环境条例") == "上海市优化营商环境条例"
