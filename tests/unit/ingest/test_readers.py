"""Readers: formats by content and extension, encodings, HTML boilerplate, DOCX, JSONL records."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from ingest.errors import CorruptFileError, EmptyDocumentError, FileTooLargeError, UnsupportedFormatError
from ingest.readers import decode_bytes, read_documents, skip_reason

POLICY = "关于支持中小企业发展的通知\n一、减免房租\n二、稳岗返还\n"


def read(path: Path, max_bytes: int = 10_000_000):  # type: ignore[no-untyped-def]
    return read_documents(path, source_id=path.name, max_bytes=max_bytes)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_is_decoded_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes(POLICY.encode(encoding))
    [document] = read(path)
    assert (document.format, document.text) == ("text", POLICY)


def test_big5_text_falls_back_to_charset_detection() -> None:
    text = "行政復議規範化建設是法治政府建設的重要內容。" * 20
    assert decode_bytes(text.encode("big5"), name="big5.txt") == text


def test_html_keeps_the_article_and_drops_navigation_and_share_bars(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>网站标题</title><script>x()</script></head><body>"
        "<nav>首页 | 政策</nav><div class='share'>分享到微信</div>"
        "<h1>关于优化营商环境的通知</h1><p>一、减免房租。</p><p>二、稳岗返还。</p><footer>版权所有</footer>"
        "</body></html>",
        encoding="utf-8",
    )
    [document] = read(path)
    assert document.title_hint == "关于优化营商环境的通知"
    assert document.text == "关于优化营商环境的通知\n一、减免房租。\n二、稳岗返还。"


def test_docx_paragraphs_are_read(tmp_path: Path) -> None:
    path = tmp_path / "notice.docx"
    document = docx.Document()
    for line in POLICY.strip().split("\n"):
        document.add_paragraph(line)
    document.save(str(path))
    [read_back] = read(path)
    assert (read_back.format, read_back.text) == ("docx", POLICY.strip())


def test_jsonl_records_keep_their_own_ids(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    records = [{"docid": "a1", "text": "第一份政策"}, {"docid": "b2", "text": "第二份政策"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    assert [(d.source_id, d.text, d.format) for d in read(path)] == [
        ("a1", "第一份政策", "jsonl"),
        ("b2", "第二份政策", "jsonl"),
    ]


def test_jsonl_record_without_text_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"docid": "a1", "text": "x"}\n{"docid": "b2"}\n', encoding="utf-8")
    with pytest.raises(CorruptFileError, match=r"docs\.jsonl line 2"):
        read(path)


def test_a_jsonl_records_stated_issuer_and_dates_are_declared_metadata(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    record = {
        "docid": "p1",
        "text": "工业高质量发展十条政策措施。对我市企业给予奖励。",
        "issuer": "呼和浩特市人民政府办公室",
        "doc_number": "呼政办发〔2022〕19号",
        "published": "2021-11-04",
    }
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    (document,) = read(path)
    assert document.declared.issuer == "呼和浩特市人民政府办公室"
    assert document.declared.doc_number == "呼政办发〔2022〕19号"
    assert document.declared.published is None  # the text's own dates say when its measures apply
    assert document.declared.region_code == "150100"  # the place the issuer opens with


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("region_code", "999999", "unknown region code"), ("issuer", 3, "issuer must be a string")],
)
def test_a_jsonl_records_bad_statement_names_the_line_and_the_field(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"docid": "p1", "text": "正文", field: value}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CorruptFileError, match=rf"docs\.jsonl line 1: .*{message}"):
        read(path)


def test_format_is_sniffed_when_the_extension_says_nothing(tmp_path: Path) -> None:
    path = tmp_path / "download"
    path.write_text("<!DOCTYPE html><html><body><p>正文内容</p></body></html>", encoding="utf-8")
    assert read(path)[0].format == "html"


def test_refusals_say_what_is_wrong(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(FileTooLargeError, match="above the ingest size limit"):
        read(big, max_bytes=1024)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(1000))
    with pytest.raises(UnsupportedFormatError, match="binary data"):
        read(binary)
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n ", encoding="utf-8")
    with pytest.raises(EmptyDocumentError, match="no text"):
        read(blank)


def test_lawrefbook_index_and_corpus_files_are_skipped(tmp_path: Path) -> None:
    index = tmp_path / "_index.md"
    index.write_text("---\nbookCollapseSection: true\n---\n", encoding="utf-8")
    hidden = tmp_path / "模版.md"
    hidden.write_text("---\nbookHidden: true\n---\n# 某条法律的标题\n", encoding="utf-8")
    law = tmp_path / "法.md"
    law.write_text("# 某法\n\n<!-- INFO END -->\n\n第一条 内容。\n", encoding="utf-8")
    assert skip_reason(index) == "folder index page (_index.md)"
    assert skip_reason(hidden) == "hidden or draft page (front matter)"
    assert skip_reason(tmp_path / "README.md") == "corpus documentation, not a document"
    assert skip_reason(law) is None


def test_a_broken_jsonl_line_is_listed_and_the_good_lines_are_read(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(
        '{"docid": "a", "text": "第一条 甲"}\n{broken\n{"docid": "b", "text": "第一条 乙"}\n', encoding="utf-8"
    )
    bad: list[tuple[str, str]] = []
    documents = read_documents(path, source_id="x", max_bytes=2**20, bad_records=bad)
    assert [d.source_id for d in documents] == ["a", "b"]
    assert bad == [
        (f"{path}#2", "docs.jsonl line 2: not a JSON object (Expecting property name enclosed in double quotes)")
    ]


def test_utf8_cut_inside_its_last_character_is_read_without_it() -> None:
    data = "第一条 企业可申请补贴。".encode()[:-1]
    assert decode_bytes(data, name="cut.txt") == "第一条 企业可申请补贴"
