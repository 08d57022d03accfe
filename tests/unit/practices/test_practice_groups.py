"""Which mechanism records name one practice: name keys, aliases and regions."""

from __future__ import annotations

import pytest

from practices.cards import practice_groups, same_practice


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("会前学法", "会前学法"),
        ("一意见一报告", "一意见一报告审查意见机制"),
        ("小微企业法治体检中心", "公共法律服务企业法治体检中心"),
        ("首席法律顾问制度", "首席法律顾问"),
    ],
)
def test_one_practice(a: str, b: str) -> None:
    assert same_practice(a, b) and same_practice(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("首贷中心", "续贷中心"),
        ("依法行政学习培训制度", "依法行政考核制度"),
        ("行政复议接待咨询分中心", "行政争议多元化解调处中心"),
        ("零报告制度", "日报告制度"),
        ("", ""),
    ],
)
def test_different_practices(a: str, b: str) -> None:
    assert not same_practice(a, b)


def record(node_id: str, key: str, region: str | None) -> dict[str, object]:
    return {"id": node_id, "name": key, "name_norm": key, "region_code": region, "doc_id": node_id}


def test_records_merge_within_nested_regions_only() -> None:
    groups = practice_groups(
        [
            record("a", "会前学法", "110000"),
            record("b", "会前学法", "110112"),
            record("c", "会前学法", "500116"),
            record("d", "小微企业法治体检中心", "110112"),
            record("e", "公共法律服务企业法治体检中心", "110112"),
            record("f", "首贷中心", None),
        ]
    )
    assert sorted(sorted(n["id"] for n in g) for g in groups) == [["a", "b"], ["c"], ["d", "e"], ["f"]]


def test_one_document_s_mechanisms_with_a_shared_ending_stay_apart() -> None:
    groups = practice_groups(
        [
            {**record("a", "水运工程造价人员管理平台", "100000"), "doc_id": "notice"},
            {**record("b", "公路工程造价人员管理平台", "100000"), "doc_id": "notice"},
            {**record("c", "小微企业法治体检中心", "110112"), "doc_id": "report"},
            {**record("d", "公共法律服务企业法治体检中心", "110112"), "doc_id": "news"},
        ]
    )
    assert sorted(sorted(n["id"] for n in g) for g in groups) == [["a"], ["b"], ["c", "d"]]
