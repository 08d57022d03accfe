"""The level of government a policy's own words give its scope: 我省/本市 in its text, the agencies it is addressed to.

A county's site that republishes its city's policy says 我市 (召陵区's page: "我市继续实施失业保险稳岗返还政策"), a
city tax bureau's copy of a provincial notice is addressed to 各省辖市税务局 and says 我省: the region that scopes
such measures is the city or the province that contains the issuer, not the issuer's county or city. Scopes only
ever widen here: a word naming a lower level than the issuer's changes nothing.
"""

from __future__ import annotations

import re

from ontology.reference import NATIONAL_CODE, load_gazetteer

PROVINCE, CITY = 1, 2
# 我省/本省 … and 我市/本市 … (全省/全市 are left out: "按照全省统一部署" in a city's text scopes nothing)
_SELF_REFERENCE = re.compile(r"[我本](省|市|自治区|区|县|州)")
# addressees one level down from the issuer: a province writes to its cities (各省辖市, 各设区市, 各市（州）)
_PROVINCE_ADDRESSEES = re.compile(r"各(省辖市|设区的?市|地级市|市[（(]州[)）]|市州|市、州|地市|州、市|市、县)")
ADDRESSEE_REACH = 400


def region_level(code: str) -> int:
    """1 for a province, 2 for a prefecture, 3 for a county (from the statistical code)."""
    return PROVINCE if code.endswith("0000") else CITY if code.endswith("00") else 3


def widen(code: str, level: int) -> str:
    """The region containing ``code`` at ``level`` (province 1, city 2); ``code`` itself when it is not below it."""
    if code == NATIONAL_CODE or len(code) != 6 or not code.isdigit() or region_level(code) <= level:
        return code
    gazetteer = load_gazetteer()
    if code not in gazetteer:
        return code
    return next((r.code for r in gazetteer.ancestors(code) if region_level(r.code) <= level), code)


def self_reference_level(word: str, code: str) -> int | None:
    """The level a self-reference (我省, 本市 …) names for an issuer of region ``code``: the province for 省 and
    自治区; a city for 市 unless the issuer is itself a 市 (a county-level city says 我市 of itself); else None."""
    m = _SELF_REFERENCE.fullmatch(word)
    if m is None:
        return None
    unit = m.group(1)
    if unit in ("省", "自治区"):
        return PROVINCE
    if unit == "市":
        region = load_gazetteer().by_code.get(code)
        return None if region is None or region.name.endswith("市") else CITY
    return None


# in a measure, a self-reference scopes it only where it places the beneficiary (本市中小微企业, 我省范围内的企业,
# 我省疫苗产业化项目);
# "落实本市…指引" in a district's measure says whose rules, not who benefits
_PLACES_BENEFICIARY = re.compile(
    r"[^，,。；;：:]{0,8}?(企业|单位|个体工商户|经营主体|市场主体|纳税人|商户|项目|范围内|行政区域内|辖区内|境内)"
)


def scope_by_self_reference(text: str, start: int, end: int, code: str, whole: bool = True) -> str:
    """``code`` widened to the level the first self-reference in ``text[start:end]`` names; with ``whole``
    false (a measure's own text) only a self-reference that places the beneficiary counts."""
    for m in _SELF_REFERENCE.finditer(text, start, end):
        if not whole and not _PLACES_BENEFICIARY.match(text, m.end(), end):
            continue
        level = self_reference_level(m.group(), code)
        return widen(code, level) if level is not None else code
    return code


def addressed_level(text: str) -> int | None:
    """PROVINCE when the opening addresses a province's cities (各省辖市…：), else None."""
    return PROVINCE if _PROVINCE_ADDRESSEES.search(text, 0, ADDRESSEE_REACH) else None
