"""The region gazetteer and the GB/T 4754 industry tree shipped in ontology/reference/."""

from __future__ import annotations

import pytest

from ontology.errors import UnknownCodeError
from ontology.model import RegionLevel
from ontology.reference import contains, load_gazetteer, load_industries, normalise_region_code

GAZETTEER = load_gazetteer()
INDUSTRIES = load_industries()


@pytest.mark.parametrize(
    ("name", "context", "code"),
    [
        ("通州区", (), "110112"),  # short name, Beijing's before Nantong's without context
        ("通州区", ("320000",), "320612"),  # 江苏省南通市通州区 inside a Jiangsu document
        ("北京市通州区", (), "110112"),
        ("南通市通州区", (), "320612"),
        ("北京", (), "110000"),
        ("福州", (), "350100"),
        ("广西", (), "450000"),
        ("江津区", (), "500116"),
        ("东莞市", (), "441900"),
        ("杨凌示范区", (), "610403"),  # a zone without a code of its own (region_aliases.csv): 杨陵区
        ("杨凌农业高新技术产业示范区", (), "610403"),
    ],
)
def test_names_resolve_to_codes(name: str, context: tuple[str, ...], code: str) -> None:
    region = GAZETTEER.resolve(name, context)
    assert region is not None and region.code == code


def test_unknown_names_and_codes() -> None:
    assert GAZETTEER.resolve("不存在区") is None
    with pytest.raises(UnknownCodeError, match="'999999'"):
        GAZETTEER.get("999999")


def test_hierarchy_from_township_to_country() -> None:
    chain = GAZETTEER.ancestors("110112001")
    assert [r.code for r in chain] == ["110112001", "110112", "110000", "100000"]
    assert [r.level for r in chain] == [
        RegionLevel.TOWNSHIP,
        RegionLevel.COUNTY,
        RegionLevel.PROVINCE,
        RegionLevel.COUNTRY,
    ]
    assert GAZETTEER.get("110112").full_name == "北京市通州区"
    assert [r.code for r in GAZETTEER.ancestors("441900")] == ["441900", "440000", "100000"]


@pytest.mark.parametrize(
    ("ancestor", "code", "inside"),
    [
        ("100000", "350102", True),
        ("350000", "350102", True),
        ("350100", "350102", True),
        ("350200", "350102", False),
        ("110112", "110112", True),
        ("11", "110112", True),
    ],
)
def test_containment_by_code_prefix(ancestor: str, code: str, inside: bool) -> None:
    assert contains(ancestor, code) is inside


def test_statistical_codes_are_padded() -> None:
    assert (normalise_region_code("11"), normalise_region_code("1101")) == ("110000", "110100")


def test_mentions_keep_their_spans() -> None:
    text = "北京市通州区司法局与重庆市江津区司法局交流"
    mentions = GAZETTEER.find_mentions(text)
    assert [(m.surface, m.region.code) for m in mentions] == [("北京市通州区", "110112"), ("重庆市江津区", "500116")]
    assert all(text[m.start : m.end] == m.surface for m in mentions)


def test_industry_tree() -> None:
    assert INDUSTRIES.get("H6110").name == "旅游饭店"
    assert INDUSTRIES.contains("H", "H6110") and INDUSTRIES.contains("61", "H6110")
    assert not INDUSTRIES.contains("62", "H6110")
    assert INDUSTRIES.is_valid_profile_code("C1781")
    assert not INDUSTRIES.is_valid_profile_code("A6110")  # digits of section H under letter A
    with pytest.raises(UnknownCodeError, match="GB/T 4754"):
        INDUSTRIES.get("Z9999")
