"""Reference code lists shipped in ``ontology/reference/``: the region gazetteer and the GB/T 4754 industry tree.

Both are SKOS-style concept schemes: each concept has a code, a name and a broader concept. Loading is lazy and
cached (``load_gazetteer()``, ``load_industries()``), so importing this module reads no file.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ontology.errors import InvalidInputError, UnknownCodeError
from ontology.model import RegionLevel

REFERENCE_DIR = Path(__file__).parent / "reference"
NATIONAL_CODE = "100000"
NATIONAL_NAME = "全国"

# Pseudo-cities of the statistical table ("市辖区" of a municipality, "省直辖县级行政区划"): not real names.
_PSEUDO_CITY_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Suffixes whose removal gives the short name people write (北京市 → 北京, 广西壮族自治区 → 广西).
_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_CITY_SUFFIX = re.compile(r"(市|地区|盟|自治州|[\u4e00-\u9fff]{1,6}族自治州)$")


@dataclass(frozen=True)
class Region:
    """One administrative division: ``code`` is 6 digits (9 for townships); ``100000`` is the whole country."""

    code: str
    name: str
    full_name: str
    level: RegionLevel
    parent_code: str


@dataclass(frozen=True)
class RegionMention:
    """A region name found in a text, with its character span ``[start, end)``."""

    start: int
    end: int
    surface: str
    region: Region


class Gazetteer:
    """Regions by code and by name, with containment by code prefix and name resolution in context.

    ``aliases`` maps further names to codes: zones without a code of their own that administer a division
    (杨凌示范区 → 杨陵区 610403).
    """

    def __init__(self, regions: Iterable[Region], aliases: Mapping[str, str] | None = None) -> None:
        self.by_code: dict[str, Region] = {}
        self._by_name: dict[str, list[Region]] = {}
        for region in regions:
            self.by_code[region.code] = region
        for region in self.by_code.values():
            for name in self._names_of(region):
                self._by_name.setdefault(name, []).append(region)
        self.aliases: dict[str, str] = dict(aliases or {})
        for alias, code in self.aliases.items():
            self._by_name.setdefault(alias, []).append(self.get(code))
        for candidates in self._by_name.values():
            candidates.sort(key=lambda r: (_LEVEL_RANK[r.level], r.code))
        self._mention_names = {
            name: regs
            for name, regs in self._by_name.items()
            if any(r.level is not RegionLevel.TOWNSHIP for r in regs) and len(name) >= 2
        }
        # the longest name starting with each two characters: most places of a text start none, and are passed
        # over with one look-up instead of one per possible length
        self._longest_by_prefix: dict[str, int] = {}
        for name in self._mention_names:
            prefix = name[:2]
            self._longest_by_prefix[prefix] = max(self._longest_by_prefix.get(prefix, 0), len(name))

    def _names_of(self, region: Region) -> set[str]:
        names = {region.name, region.full_name}
        if region.level is RegionLevel.PROVINCE:
            names.add(_PROVINCE_SUFFIX.sub("", region.name))
        elif region.level is RegionLevel.CITY:
            short = _CITY_SUFFIX.sub("", region.name)
            if len(short) >= 2:
                names.add(short)
            parent = self.by_code.get(region.parent_code)
            if parent:
                names.add(_PROVINCE_SUFFIX.sub("", parent.name) + region.name)
        elif region.level is RegionLevel.COUNTY:
            parent = self.by_code.get(region.parent_code)
            if parent and parent.level is RegionLevel.CITY:
                names.add(parent.name + region.name)
                names.add(_CITY_SUFFIX.sub("", parent.name) + region.name)
        return {n for n in names if n}

    def get(self, code: str) -> Region:
        """The region with this code; raises ``UnknownCodeError`` naming the code otherwise."""
        try:
            return self.by_code[normalise_region_code(code)]
        except KeyError:
            raise UnknownCodeError(f"unknown region code {code!r}") from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and normalise_region_code(code) in self.by_code

    def candidates(self, name: str) -> list[Region]:
        """Every region this name may denote, higher levels first."""
        return list(self._by_name.get(name.strip(), ()))

    def resolve(self, name: str, context: Sequence[str] = ()) -> Region | None:
        """The region a name denotes, preferring one inside the context regions (codes), most specific first.

        ``resolve("通州区", ["110000"])`` → 北京市通州区 (110112); without context the highest-level, lowest-code
        candidate wins (北京市通州区 again, before 江苏省南通市通州区).
        """
        found = self.candidates(name)
        if not found:
            return None
        for ctx in context:
            inside = [r for r in found if contains(ctx, r.code) and r.code != ctx]
            if inside:
                return inside[0]
        return found[0]

    def suggest(self, query: str, limit: int = 10) -> list[Region]:
        """Regions (province to county) whose name starts with or contains ``query`` (通州 → 北京市通州区 …), or
        whose code starts with it; the ones whose name starts with it first."""
        query = query.strip()
        if not query:
            return []
        found: dict[str, tuple[int, Region]] = {}
        for name, regions in self._mention_names.items():
            if query in name:
                rank = 0 if name.startswith(query) else 1
                for region in regions:
                    if region.code not in found or rank < found[region.code][0]:
                        found[region.code] = (rank, region)
        if query.isdigit():
            for code, region in self.by_code.items():
                if code.startswith(query) and region.level is not RegionLevel.TOWNSHIP:
                    found.setdefault(code, (0, region))
        ordered = sorted(found.values(), key=lambda f: (f[0], _LEVEL_RANK[f[1].level], f[1].code))
        return [region for _, region in ordered[:limit]]

    def ancestors(self, code: str) -> list[Region]:
        """The region and every region above it, up to 全国, most specific first."""
        chain: list[Region] = []
        region: Region | None = self.get(code)
        while region is not None:
            chain.append(region)
            region = self.by_code.get(region.parent_code) if region.parent_code else None
        return chain

    def find_mentions(self, text: str, context: Sequence[str] = ()) -> list[RegionMention]:
        """Region names (province, city and county levels) in ``text``, longest match first, non-overlapping."""
        mentions: list[RegionMention] = []
        i, n = 0, len(text)
        while i < n:
            longest = self._longest_by_prefix.get(text[i : i + 2], 0)
            for length in range(min(longest, n - i), 1, -1):
                surface = text[i : i + length]
                if surface in self._mention_names:
                    region = self.resolve(surface, context)
                    if region is not None:
                        mentions.append(RegionMention(i, i + length, surface, region))
                        i += length
                        break
            else:
                i += 1
        return mentions


_LEVEL_RANK = {
    RegionLevel.COUNTRY: 0,
    RegionLevel.PROVINCE: 1,
    RegionLevel.CITY: 2,
    RegionLevel.COUNTY: 3,
    RegionLevel.TOWNSHIP: 4,
}


def normalise_region_code(code: str) -> str:
    """Pad a 2- or 4-digit statistical code to 6 digits (``"11"`` → ``"110000"``, ``"1101"`` → ``"110100"``)."""
    code = code.strip()
    if code.isdigit() and len(code) in (2, 4):
        return code.ljust(6, "0")
    return code


def contains(ancestor: str, code: str) -> bool:
    """Whether region ``code`` lies inside region ``ancestor`` (by code prefix; ``100000`` contains all)."""
    ancestor, code = normalise_region_code(ancestor), normalise_region_code(code)
    if ancestor == NATIONAL_CODE:
        return True
    if ancestor.endswith("0000"):
        return code[:2] == ancestor[:2]
    if ancestor.endswith("00"):
        return code[:4] == ancestor[:4]
    return code.startswith(ancestor)


def _read_csv(name: str) -> Iterator[dict[str, str]]:
    path = REFERENCE_DIR / name
    if name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            yield from csv.DictReader(fh)
    else:
        with path.open(encoding="utf-8") as fh:
            yield from csv.DictReader(fh)


def _iter_regions() -> Iterator[Region]:
    yield Region(NATIONAL_CODE, NATIONAL_NAME, NATIONAL_NAME, RegionLevel.COUNTRY, "")
    provinces: dict[str, str] = {}
    for row in _read_csv("provinces.csv"):
        code = normalise_region_code(row["code"])
        provinces[row["code"]] = row["name"]
        yield Region(code, row["name"], row["name"], RegionLevel.PROVINCE, NATIONAL_CODE)
    cities: dict[str, tuple[str, str]] = {}
    for row in _read_csv("cities.csv"):
        province = provinces[row["provinceCode"]]
        if row["name"] in _PSEUDO_CITY_NAMES:
            cities[row["code"]] = (normalise_region_code(row["provinceCode"]), province)
            continue
        code = normalise_region_code(row["code"])
        cities[row["code"]] = (code, province + row["name"])
        yield Region(
            code, row["name"], province + row["name"], RegionLevel.CITY, normalise_region_code(row["provinceCode"])
        )
    counties: dict[str, str] = {}
    for row in _read_csv("areas.csv"):
        parent_code, parent_full = cities[row["cityCode"]]
        counties[row["code"]] = parent_full + row["name"]
        if row["code"] == parent_code:  # cities without counties (东莞, 中山, 儋州) list themselves as their county
            continue
        yield Region(row["code"], row["name"], parent_full + row["name"], RegionLevel.COUNTY, parent_code)
    for row in _read_csv("streets.csv.gz"):
        parent_full = counties.get(row["areaCode"], "")
        yield Region(row["code"], row["name"], parent_full + row["name"], RegionLevel.TOWNSHIP, row["areaCode"])


@cache
def load_gazetteer() -> Gazetteer:
    """The region gazetteer built from the shipped 统计用区划代码 tables and the alias table of zones without a
    code of their own (``region_aliases.csv``) (cached)."""
    aliases = {row["alias"]: row["code"] for row in _read_csv("region_aliases.csv")}
    return Gazetteer(_iter_regions(), aliases)


@dataclass(frozen=True)
class Industry:
    """One GB/T 4754-2017 industry: a section letter (level 1) or a 2/3/4-digit code (levels 2-4)."""

    code: str
    name: str
    level: int
    section: str
    parent_code: str
    remark: str


class IndustryTree:
    """GB/T 4754-2017 industries by code, with containment (section letter or code prefix)."""

    def __init__(self, industries: Iterable[Industry]) -> None:
        self.by_code: dict[str, Industry] = {i.code: i for i in industries}
        self._section_of_division = {i.code: i.section for i in self.by_code.values() if i.level == 2}

    def get(self, code: str) -> Industry:
        """The industry with this code (``"H"``, ``"61"``, ``"611"``, ``"6110"`` or ``"H6110"``)."""
        bare = code.strip().upper()
        if len(bare) > 1 and bare[0].isalpha():
            bare = bare[1:]
        try:
            return self.by_code[bare]
        except KeyError:
            raise UnknownCodeError(f"unknown GB/T 4754-2017 industry code {code!r}") from None

    def is_valid_profile_code(self, code: str) -> bool:
        """Whether a profile code (section letter + up to 4 digits, e.g. ``H6110``) names a real industry
        whose digits belong to that section."""
        code = code.strip().upper()
        if not code or not code[0].isalpha():
            return False
        if len(code) == 1:
            return code in self.by_code
        digits = code[1:]
        industry = self.by_code.get(digits)
        return industry is not None and industry.section == code[0]

    def contains(self, ancestor: str, profile_code: str) -> bool:
        """Whether a profile's industry (``H6110``) lies under ``ancestor`` (a section letter or a 2-4 digit code)."""
        ancestor = ancestor.strip().upper()
        profile_code = profile_code.strip().upper()
        digits = profile_code[1:] if profile_code[:1].isalpha() else profile_code
        if ancestor.isalpha():
            section = profile_code[0] if profile_code[:1].isalpha() else self._section_of_division.get(digits[:2], "")
            return section == ancestor
        return digits.startswith(ancestor)

    def suggest(self, query: str, limit: int = 10) -> list[Industry]:
        """Industries whose name contains ``query`` (软件 → 6511 基础软件开发 …) or whose code starts with it;
        the most specific (4-digit classes) first, as a profile needs a class."""
        query = query.strip().upper()
        if not query:
            return []
        bare = query[1:] if len(query) > 1 and query[0].isalpha() and query[1:].isdigit() else query
        found = [i for i in self.by_code.values() if query in i.name or (bare.isalnum() and i.code.startswith(bare))]
        found.sort(key=lambda i: (-i.level, not i.name.startswith(query), len(i.name), i.code))
        return found[:limit]

    def profile_code(self, industry: Industry) -> str:
        """The profile form of an industry's code: section letter + digits (``I6513``), or the letter alone."""
        return industry.code if industry.level == 1 else industry.section + industry.code

    def section_of(self, code: str) -> str:
        """The section letter of a 2-4 digit code."""
        return self._section_of_division.get(code[:2], "")


def _iter_industries() -> Iterator[Industry]:
    for row in _read_csv("gbt4754_2017.csv"):
        level = int(row["level"])
        code = [row["section"], row["division"], row["group"], row["class"]][level - 1]
        parent = [NATIONAL_CODE, row["section"], row["division"], row["group"]][level - 1] if level > 1 else ""
        yield Industry(code, row["name"], level, row["section"], parent, row["remark"] or "")


@cache
def load_industries() -> IndustryTree:
    """The GB/T 4754-2017 industry tree built from the shipped table (cached)."""
    return IndustryTree(_iter_industries())


def region_code_of(region: str | None) -> str | None:
    """A region option as a code: a code as given, or a name resolved by the gazetteer.

    Raises:
        InvalidInputError: the name or code is unknown.
    """
    if region is None:
        return None
    gazetteer = load_gazetteer()
    if region in gazetteer:
        return gazetteer.get(region).code
    found = gazetteer.resolve(region)
    if found is None:
        raise InvalidInputError(f"region: unknown region {region!r}")
    return found.code
