"""Imported designation lists (the annexes of the naming decisions) and the batch and year of naming texts."""

from __future__ import annotations

import pytest

from ingest.designation_lists import DesignationListError, designation_list_change, parse_designation_list
from ingest.extractors.demonstrations import designation_id, extract_demonstrations
from tests.unit.ingest.test_demonstrations import make_context, nodes

# public facts as published: batch 1 (2020) areas and the 通州区 project of the seeds
LIST = (
    "batch,year,kind,region,name\n"
    "1,2020,area,北京市海淀区,\n"
    "1,2020,area,110102,\n"
    "1,2020,project,北京市通州区,“行政复议规范化建设”\n"
    "第一批,2020年,项目,北京市通州区,行政复议规范化建设\n"
)


def test_rows_become_designations_keyed_like_the_extractors() -> None:
    facts = parse_designation_list(LIST, "first.csv")
    assert [(f.kind.value, f.region.code, f.name, f.batch, f.year) for f in facts] == [
        ("area", "110108", "", 1, 2020),
        ("area", "110102", "", 1, 2020),
        ("project", "110112", "行政复议规范化建设", 1, 2020),  # line 5 is the same designation written otherwise
    ]
    assert [f.span.start for f in facts] == [2, 3, 4]
    text = "2020年，北京市通州区“行政复议规范化建设”被命名为第一批全国法治政府建设示范项目。"
    extracted = nodes(extract_demonstrations(make_context(text)), "DemonstrationDesignation")
    assert [d["id"] for d in extracted] == [designation_id(facts[2])]


def test_the_change_replaces_the_lists_own_statements() -> None:
    change, summary = designation_list_change("first.csv", LIST)
    assert change.delete_nodes == [("DesignationList", "designation-list:first.csv")]
    assert (summary.designations, summary.areas, summary.projects) == (3, 2, 1)
    stated = [r for r in change.rels if r.type == "STATED_IN"]
    assert {(r.source_label, r.target_label) for r in stated} == {
        ("DemonstrationDesignation", "DesignationList"),
        ("DemonstrationProject", "DesignationList"),
    }
    assert {(r.props["span_start"], r.props["span_end"]) for r in stated} == {(2, 3), (3, 4), (4, 5)}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("1,2020,area,火星市,\n", "line 2: region: unknown region '火星市' (第2行 地区“火星市”无法识别)"),
        ("1,2020,area,朝阳区,\n", "line 2: region: '朝阳区' may be 北京市朝阳区, 吉林省长春市朝阳区"),
        ("1,2020,area,北京市,\n", "line 2: region: 北京市 is a province; a area needs a city/county"),
        ("1,,area,北京市海淀区,\n", "line 2: year: expected the decision's year"),
        ("x,2020,area,北京市海淀区,\n", "line 2: batch: expected a batch number"),
        ("1,2020,region,北京市海淀区,\n", "line 2: kind: expected area or project"),
        ("1,2020,project,北京市通州区,\n", "line 2: name: a project needs its name (第2行 示范项目须填写项目名称)"),
        ("1,2020,area,北京市海淀区,某项目\n", "line 2: name: an area has no project name"),
        ("1,2020,area,北京市海淀区,\n1,2021,area,海淀区,\n", "line 3: year: the same designation as line 2"),
        ("1,2020,area,北京市海淀区,,extra\n", "line 2: row: more fields than the header"),
        ("", "line 1: row: no designation in the list"),
    ],
)
def test_a_bad_row_refuses_the_list_naming_its_line(rows: str, message: str) -> None:
    with pytest.raises(DesignationListError) as refused:
        designation_list_change("bad.csv", "batch,year,kind,region,name\n" + rows)
    assert str(refused.value).startswith("bad.csv " + message.split(" (")[0])
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_header_without_the_columns_is_refused() -> None:
    with pytest.raises(DesignationListError, match=r"line 1: header: missing column\(s\) year"):
        parse_designation_list("batch,kind,region,name\n1,area,北京市海淀区,\n", "x.csv")


def test_a_naming_list_takes_its_year_from_the_decision_not_the_batch_table() -> None:
    # the batch table holds 2022 for batch 2 (named in November 2022); a list signed in 2023 says 2023
    decision = (
        "中央全面依法治国委员会办公室关于命名第二批全国法治政府建设示范地区和项目的决定\n"
        "经评估，决定命名下列地区和项目为第二批全国法治政府建设示范地区和项目。\n"
        "一、全国法治政府建设示范地区\n"
        "北京市西城区\n"
        "二、全国法治政府建设示范项目\n"
        "北京市通州区“行政复议规范化建设”\n"
        "中央全面依法治国委员会办公室\n"
        "2023年1月5日\n"
    )
    title = decision.splitlines()[0]
    found = nodes(extract_demonstrations(make_context(decision, title=title)), "DemonstrationDesignation")
    assert {(d["kind"], d["region_code"], d["batch"], d["year"]) for d in found} == {
        ("area", "110102", 2, 2023),
        ("project", "110112", 2, 2023),
    }
    unsigned = "\n".join(decision.splitlines()[:-2])
    found = nodes(extract_demonstrations(make_context(unsigned, title=title)), "DemonstrationDesignation")
    assert {d["year"] for d in found} == {2022}  # the text names the batch only: the year the decisions named it
