"""Annual-report section headings are typed by what they name, in the Simplified form the extractor reads."""

from __future__ import annotations

import pytest

from ingest.extractors.annual_reports import SectionKind, section_kind


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("一、2020年推进法治政府建设的主要举措和成效", SectionKind.MEASURES),
        ("二、2020年推进法治政府建设存在的不足和原因", SectionKind.SHORTCOMINGS),
        ("三、党政主要负责人履行推进法治建设第一责任人职责,加强法治政府建设的有关情况", SectionKind.LEADERS),
        ("四、2021年推进法治政府建设的主要安排", SectionKind.NEXT_YEAR),
        ("四、下一步工作打算", SectionKind.NEXT_YEAR),
        ("一、背景", SectionKind.OTHER),
    ],
)
def test_headings_name_their_section(heading: str, kind: SectionKind) -> None:
    assert section_kind(heading) is kind
