"""The agency of an annual report: its issuer, else the place its title opens with."""

from __future__ import annotations

import pytest

from ingest.extractors.annual_reports import read_report
from ingest.extractors.base import ClauseSpan, DocumentContext
from ontology.text import to_simplified

BODY = "一、主要举措和成效\n（一）深入学习贯彻习近平法治思想。区政府常务会议会前学法10次。\n"


def _report(title: str, issuers: tuple[str, ...] = ()) -> DocumentContext:
    text = f"{title}\n{BODY}"
    start = text.index("一、")
    child = text.index("（一）")
    clauses = (
        ClauseSpan("c1", "section", "一", start, len(text)),
        ClauseSpan("c2", "item", "（一）", child, len(text), parent_id="c1"),
    )
    return DocumentContext(
        doc_id="d",
        source_id="s",
        text=text,
        norm_text=to_simplified(text),
        title=title,
        doc_type="工作报告",
        region_code=None,
        issuers=issuers,
        clauses=clauses,
    )


@pytest.mark.parametrize(
    ("title", "issuers", "agency"),
    [
        ("重庆市綦江区2022年法治政府建设情况报告", (), "重庆市綦江区"),
        ("静海区2023年度法治政府建设情况报告", (), "静海区"),
        ("重慶市綦江區2022年法治政府建設情況報告", (), "重慶市綦江區"),
        ("九龙坡区人民政府关于2022年法治政府建设情况的报告", ("重庆市九龙坡区人民政府",), "重庆市九龙坡区人民政府"),
        ("2022年法治政府建设情况报告", (), None),
    ],
)
def test_the_agency_is_the_issuer_else_the_place_opening_the_title(
    title: str, issuers: tuple[str, ...], agency: str | None
) -> None:
    report = read_report(_report(title, issuers))
    assert report is not None
    assert report.agency == agency
