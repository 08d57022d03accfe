"""Answered questions: parsing, which units they attach to, and the digest that makes sync re-index."""

from __future__ import annotations

import pytest

from ingest.answered import parse_answered_questions, question_id
from ontology.answered import AnsweredQuestion
from search.answered import AnsweredQuestions, citation_title, with_digest
from search.types import IndexDocument
from search.units import passage_units
from tests.unit.search.conftest import make_document

LAW = make_document("law", "中华人民共和国劳动合同法", ["试用期最长不得超过六个月。", "用人单位应当支付劳动报酬。"])


def test_a_question_citing_title_and_article_attaches_to_that_article_only() -> None:
    answered = AnsweredQuestions([AnsweredQuestion("刚入职能试用多久", title="劳动合同法", article="第一条")])
    attached = answered.attach(LAW)
    first, second = attached.units
    assert first.questions == ("刚入职能试用多久",) and second.questions == ()
    assert first.vector_text.splitlines()[-1] == "刚入职能试用多久"
    assert second == LAW.units[1]
    assert attached.content_hash == with_digest(LAW.content_hash, answered.digest(LAW.title, LAW.source_id))
    assert attached.content_hash != LAW.content_hash


def test_titles_match_as_citations_write_them() -> None:
    assert citation_title("中华人民共和国 勞動合同法") == citation_title("劳动合同法")
    answered = AnsweredQuestions([AnsweredQuestion("试用期", title="中华人民共和国劳动合同法", article="第一条")])
    assert answered.attach(LAW).units[0].questions == ("试用期",)


def test_a_document_without_questions_is_returned_unchanged() -> None:
    answered = AnsweredQuestions([AnsweredQuestion("问", title="另一部法", article="第一条")])
    assert answered.attach(LAW) is LAW
    assert answered.digest(LAW.title, LAW.source_id) == ""


def test_a_question_naming_a_source_id_attaches_to_the_whole_document_entry() -> None:
    units = passage_units("pol", "关于减免房租的通知", "对小微企业减免三个月房租。" * 40)
    policy = IndexDocument("pol", "ncp-17", "关于减免房租的通知", "h", units=units)
    attached = AnsweredQuestions([AnsweredQuestion("房租能免几个月", source_id="ncp-17")]).attach(policy)
    assert [u.questions for u in attached.units] == [("房租能免几个月",)] + [()] * (len(units) - 1)


def test_the_digest_changes_when_a_question_is_added() -> None:
    one = AnsweredQuestions([AnsweredQuestion("甲", title="劳动合同法", article="第一条")])
    two = AnsweredQuestions(
        [AnsweredQuestion("甲", title="劳动合同法", article="第一条"), AnsweredQuestion("乙", title="劳动合同法")]
    )
    assert one.digest(LAW.title, None) != two.digest(LAW.title, None) != ""


def test_the_same_question_and_answer_has_one_id() -> None:
    q = AnsweredQuestion("试用期多久", title="劳动合同法", article="第一条")
    assert question_id(q) == question_id(AnsweredQuestion(" 试用期多久 ", title="劳动合同法", article="第一条"))
    assert question_id(q) != question_id(AnsweredQuestion("试用期多久", title="劳动合同法", article="第二条"))


def test_parse_reads_one_question_per_answer() -> None:
    lines = [
        '{"question": "试用期多久", "answers": [{"title": "劳动合同法", "article": "第十九条"}, {"source_id": "x"}]}',
        "",
    ]
    assert parse_answered_questions(lines) == [
        AnsweredQuestion("试用期多久", title="劳动合同法", article="第十九条"),
        AnsweredQuestion("试用期多久", source_id="x"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        '{"question": "q"}',
        '{"question": "q", "answers": []}',
        '{"question": "", "answers": [{"source_id": "x"}]}',
        '{"question": "q", "answers": [{"article": "第一条"}]}',
        '{"question": "q", "answers": [{"title": 3}]}',
        '{"question": "q", "answers": ["x"]}',
    ],
)
def test_parse_names_the_bad_line(line: str) -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_answered_questions(['{"question": "q", "answers": [{"source_id": "x"}]}', line])
