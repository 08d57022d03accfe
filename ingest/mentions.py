"""Find what a text mentions: regions (gazetteer names), government bodies, dates and 《…》 titles.

Pure functions over the Simplified twin of the stored text (same length, so spans are spans of both).
Region names are matched with an Aho-Corasick automaton of the gazetteer's names (linear in the text;
trying every name at every position, or one regular expression of them all, is 2–20 times slower on
statutes), then resolved by the gazetteer with the document's own region as context. Bodies are national
names from ``resources/agencies.txt`` or a region name followed by a body suffix (重庆市江津区司法局);
short forms such as 市政务服务局 are completed with the document's region and ``resources/agency_aliases.tsv``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from ontology.model import RegionLevel
from ontology.reference import NATIONAL_CODE, Gazetteer, Region, load_gazetteer
from ontology.text import to_simplified

RESOURCES = Path(__file__).parent / "resources"
_REGION_SUFFIXES = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|自治州|地区|省|市|盟)$")
_BODY_SUFFIX = re.compile(
    r"(?:人民政府办公厅|人民政府办公室|人民政府|人民代表大会常务委员会|人大常委会|人民代表大会|中级人民法院|"
    r"高级人民法院|人民法院|人民检察院|[\u4e00-\u9fff]{0,8}?(?:局|厅|委员会|办公室))"
)
_SHORT_BODY = re.compile(
    r"(?:(?<=^)|(?<=[\n，,。；;、：:（(“\s]))(?P<scope>市|区|县|省)(?P<body>[\u4e00-\u9fff]{1,7}?(?:局|厅|委员会))"
)
_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?:(?P<m>1[0-2]|0?[1-9])\s*月\s*(?:(?P<d>3[01]|[12]\d|0?[1-9])\s*日)?)?"
)
_ISO_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>1[0-2]|0[1-9])-(?P<d>3[01]|[12]\d|0[1-9])(?!\d)")
_BOOK_TITLE = re.compile(r"《(?P<title>[^《》\n]{2,80})》")


@dataclass(frozen=True)
class Mention:
    """Something named in a text: span ``[start, end)``, the surface, and what it resolved to."""

    start: int
    end: int
    surface: str
    value: str
    region_code: str | None = None


@lru_cache(maxsize=1)
def _region_matcher() -> tuple[Gazetteer, ahocorasick.Automaton]:
    gazetteer = load_gazetteer()
    automaton = ahocorasick.Automaton()
    for region in gazetteer.by_code.values():
        if region.level is RegionLevel.TOWNSHIP:
            continue
        for name in (region.name, region.full_name, _REGION_SUFFIXES.sub("", region.name)):
            if len(name) >= 2 and gazetteer.candidates(name):
                automaton.add_word(name, name)
    for alias in gazetteer.aliases:  # zones without a code of their own (杨凌示范区)
        automaton.add_word(alias, alias)
    automaton.make_automaton()
    return gazetteer, automaton


def gazetteer() -> Gazetteer:
    """The shared gazetteer (loaded once)."""
    return _region_matcher()[0]


def region_surfaces(norm_text: str) -> list[tuple[int, int, str]]:
    """Spans of gazetteer names in a Simplified text: leftmost-longest, non-overlapping."""
    _, automaton = _region_matcher()
    return [(end - len(name) + 1, end + 1, name) for end, name in automaton.iter_long(norm_text)]


def find_regions(
    norm_text: str, context: Sequence[str] = (), *, surfaces: Sequence[tuple[int, int, str]] | None = None
) -> list[Mention]:
    """Region names in a Simplified text (province, city, county levels), resolved in ``context`` codes.

    ``surfaces`` (from ``region_surfaces``) saves scanning the same text twice.
    """
    found_gazetteer, _ = _region_matcher()
    mentions = []
    for start, end, surface in region_surfaces(norm_text) if surfaces is None else surfaces:
        region = found_gazetteer.resolve(surface, context)
        if region is not None:
            mentions.append(Mention(start, end, surface, region.code, region.code))
    return mentions


def region_opening(name: str) -> str | None:
    """The code of the region a name opens with (北京市通州区发展和改革委员会 → 110112), or ``None``."""
    named = find_regions(to_simplified(name))
    return named[0].value if named and named[0].start == 0 else None


@lru_cache(maxsize=1)
def _national_bodies() -> re.Pattern[str]:
    names = [
        line.strip()
        for line in (RESOURCES / "agencies.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _aliases() -> tuple[tuple[str, str], ...]:
    pairs = []
    for line in (RESOURCES / "agency_aliases.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            short, full = line.split("\t")
            pairs.append((short.strip(), full.strip()))
    return tuple(pairs)


def body_region(name: str) -> str | None:
    """The region of a body from its name: a region name it starts with, 全国 for a national body, else None."""
    surfaces = region_surfaces(name)
    if surfaces and surfaces[0][0] == 0:
        region = gazetteer().resolve(surfaces[0][2])
        return region.code if region is not None else None
    return NATIONAL_CODE if _national_bodies().fullmatch(name) else None


def canonical_body_name(name: str) -> str:
    """A body's name with a short suffix written out (北京市政务服务局 → 北京市政务服务管理局)."""
    for short, full in _aliases():
        if name.endswith(short) and not name.endswith(full):
            return name[: -len(short)] + full
    return name


def find_bodies(norm_text: str, regions: Sequence[Mention], home: Region | None = None) -> list[Mention]:
    """Government bodies named in a Simplified text: national names, <region><body suffix>, and short forms
    (区司法局) completed with the document's ``home`` region."""
    found: dict[int, Mention] = {}
    for m in _national_bodies().finditer(norm_text):
        found[m.start()] = Mention(m.start(), m.end(), m.group(), m.group(), NATIONAL_CODE)
    for region in regions:
        suffix = _BODY_SUFFIX.match(norm_text, region.end)
        if suffix and suffix.end() > region.end:
            surface = norm_text[region.start : suffix.end()]
            name = canonical_body_name(_full_region_name(region) + norm_text[region.end : suffix.end()])
            found[region.start] = Mention(region.start, suffix.end(), surface, name, region.region_code)
    if home is not None:
        for m in _SHORT_BODY.finditer(norm_text):
            if m.start() in found:
                continue
            owner = _owner_of_scope(home, m.group("scope"))
            if owner is not None:
                name = canonical_body_name(owner.full_name + m.group("body"))
                found[m.start()] = Mention(m.start(), m.end(), m.group(), name, owner.code)
    ordered = sorted(found.values(), key=lambda x: (x.start, -x.end))
    kept: list[Mention] = []
    for mention in ordered:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def _full_region_name(mention: Mention) -> str:
    region = gazetteer().get(mention.region_code or mention.value)
    if region.level is RegionLevel.COUNTY:
        parent = gazetteer().by_code.get(region.parent_code)
        if parent is not None and parent.name == "市辖区":
            parent = gazetteer().by_code.get(parent.parent_code)
        if parent is not None and mention.surface.startswith(parent.name):
            return mention.surface
        return (parent.name if parent else "") + region.name
    return region.full_name if mention.surface == region.full_name else region.name


def _owner_of_scope(home: Region, scope: str) -> Region | None:
    """The region a short form's 市/区/县/省 refers to, from the document's home region."""
    levels = {"省": RegionLevel.PROVINCE, "市": RegionLevel.CITY, "区": RegionLevel.COUNTY, "县": RegionLevel.COUNTY}
    for region in gazetteer().ancestors(home.code):
        if region.level is levels[scope]:
            return region
        if scope == "市" and region.level is RegionLevel.PROVINCE and region.name.endswith("市"):
            return region  # municipalities: 北京市 is both province and city
    return None


def find_dates(norm_text: str) -> list[Mention]:
    """Dates written 2020年3月5日, 2020年3月, 2020年 or 2023-02-07, as ISO prefixes (2020-03-05, 2020-03, 2020)."""
    found = []
    for m in _DATE.finditer(norm_text):
        value = m.group("y")
        if m.group("m"):
            value += f"-{int(m.group('m')):02d}"
            if m.group("d"):
                value += f"-{int(m.group('d')):02d}"
        end = m.end()
        found.append(Mention(m.start(), end, m.group(), value))
    for m in _ISO_DATE.finditer(norm_text):
        found.append(Mention(m.start(), m.end(), m.group(), m.group()))
    return sorted(found, key=lambda x: x.start)


def find_book_titles(text: str) -> list[Mention]:
    """《…》 titles in a text; ``value`` is the title without the marks (angle brackets ⟨⟩ inside kept)."""
    return [Mention(m.start(), m.end(), m.group(), m.group("title")) for m in _BOOK_TITLE.finditer(text)]
