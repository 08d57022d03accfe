"""Imported lists of designations: the annexes of the naming decisions (中央全面依法治国委员会办公室), as CSV.

``policykg demonstrations import LIST.csv`` and ``POST /demonstrations/import`` read a file with the header
``batch,year,kind,region,name`` (any order): ``batch`` 1, 2, 3 (or 第一批 / 首批), ``year`` of the decision,
``kind`` ``area`` or ``project`` (地区 / 项目), ``region`` a code or a name the gazetteer resolves to one region
(北京市通州区, 江苏省南通市; an ambiguous 朝阳区 is refused), ``name`` the project's name (empty for an area).

Each row becomes the same designation node the extractor makes for a document stating it (keyed by kind, region,
batch and name: ``ingest.extractors.demonstrations.designation_id``), stated in a ``DesignationList`` node, the
list's own source: its file name, text and hash, the span of each STATED_IN being the row's line
``[line, line + 1)``. A list is known by its file name: importing it again replaces what it stated, in one
transaction (re-import of the same file changes nothing; a row dropped from it goes, unless another source states
it). A bad row refuses the whole file, with a message naming its line; nothing is stored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from graph.base import GraphChange, NodeRecord
from ingest.extractors.demonstration_designations import DesignationFact, batch_number
from ingest.extractors.demonstration_text import Span, load_resource, name_key, strip_quote_marks
from ingest.extractors.demonstrations import add_designation, designation_id
from ontology.errors import InvalidInputError
from ontology.model import DesignationKind, RegionLevel
from ontology.reference import Region, load_gazetteer

COLUMNS = ("batch", "year", "kind", "region", "name")
KINDS = {
    "area": DesignationKind.AREA,
    "地区": DesignationKind.AREA,
    "示范地区": DesignationKind.AREA,
    "project": DesignationKind.PROJECT,
    "项目": DesignationKind.PROJECT,
    "示范项目": DesignationKind.PROJECT,
}
AREA_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)
PROJECT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
MAX_ROWS = 5000
_LEVEL_ZH = {"area": "示范地区须为市或县级地区", "project": "示范项目须为省、市或县级地区"}


@dataclass(frozen=True)
class DesignationRowError:
    """Why one row was refused: the line, the field, the English and the Chinese message."""

    line: int
    field: str
    message: str
    message_zh: str


class DesignationListError(InvalidInputError):
    """A list refused for a bad row (nothing of it is stored): the message names the file, line and field, in
    English and Chinese, on one line."""

    def __init__(self, origin: str, error: DesignationRowError) -> None:
        self.origin = origin
        self.error = error
        super().__init__(
            f"{origin} line {error.line}: {error.field}: {error.message} (第{error.line}行 {error.message_zh})"
        )


@dataclass(frozen=True)
class ImportedList:
    """What one import stored: the list's id and name, its designations (distinct rows) by kind."""

    id: str
    name: str
    designations: int
    areas: int
    projects: int

    def to_dict(self) -> dict[str, object]:
        """The summary as plain JSON-ready data."""
        return dict(self.__dict__)


def list_id(name: str) -> str:
    """Id of the ``DesignationList`` node of the file called ``name``."""
    return f"designation-list:{name}"


def parse_designation_list(text: str, origin: str = "list") -> list[DesignationFact]:
    """The designations of a CSV list, one per distinct (kind, region, batch, name), each spanning its line.

    Raises:
        DesignationListError: a missing or unknown column, or a bad row (the first, by line).
    """
    text = text.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DesignationListError(
            origin,
            DesignationRowError(
                1, "header", f"missing column(s) {', '.join(missing)}", f"表头缺少 {'、'.join(missing)} 列"
            ),
        )
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise DesignationListError(
            origin, DesignationRowError(1, "header", f"unknown column(s) {', '.join(unknown)}", "表头含未知列")
        )
    reader.fieldnames = header
    named_by = str(load_resource("batches")["named_by"])
    facts: dict[tuple[str, str, int | None, str], tuple[int, DesignationFact]] = {}
    for row in reader:
        line = reader.line_num
        if all(not (v or "").strip() for k, v in row.items() if k is not None):
            continue
        if None in row:
            raise DesignationListError(
                origin, DesignationRowError(line, "row", "more fields than the header", "字段数多于表头")
            )
        fact = _fact_of(row, line, named_by, origin)
        earlier = facts.get(fact.key)
        if earlier is not None and earlier[1].year != fact.year:
            raise DesignationListError(
                origin,
                DesignationRowError(
                    line,
                    "year",
                    f"the same designation as line {earlier[0]} with another year",
                    f"与第{earlier[0]}行为同一命名，年份不同",
                ),
            )
        if earlier is None:
            facts[fact.key] = (line, fact)
        if len(facts) > MAX_ROWS:
            raise DesignationListError(
                origin, DesignationRowError(line, "row", f"more than {MAX_ROWS} rows", f"超过{MAX_ROWS}行")
            )
    if not facts:
        raise DesignationListError(origin, DesignationRowError(1, "row", "no designation in the list", "名单为空"))
    return [fact for _, fact in facts.values()]


def _fact_of(row: dict[str, str], line: int, named_by: str, origin: str) -> DesignationFact:
    def refuse(field: str, message: str, message_zh: str) -> DesignationListError:
        return DesignationListError(origin, DesignationRowError(line, field, message, message_zh))

    value = {k: (v or "").strip() for k, v in row.items()}
    kind = KINDS.get(value["kind"].lower())
    if kind is None:
        raise refuse(
            "kind", f"expected area or project, got {value['kind']!r}", "类型须为 area（地区）或 project（项目）"
        )
    batch = _batch(value["batch"])
    if batch is None:
        raise refuse(
            "batch", f"expected a batch number (1, 2, 3 …), got {value['batch']!r}", "批次须为数字，如 1、2、3"
        )
    year = _year(value["year"])
    if year is None:
        raise refuse(
            "year",
            f"expected the decision's year (e.g. 2020), got {value['year']!r}",
            "年份须为命名决定的年份，如 2020",
        )
    region = _region(value["region"], refuse)
    levels = AREA_LEVELS if kind is DesignationKind.AREA else PROJECT_LEVELS
    if region.level not in levels:
        raise refuse(
            "region",
            f"{region.full_name} is a {region.level.value}; a {kind.value} needs a "
            + "/".join(level.value for level in levels),
            _LEVEL_ZH[kind.value],
        )
    name = strip_quote_marks(value["name"]).strip()
    if kind is DesignationKind.PROJECT and not name:
        raise refuse("name", "a project needs its name", "示范项目须填写项目名称")
    if kind is DesignationKind.AREA:
        if name and name_key(name) not in {name_key(n) for n in (value["region"], region.name, region.full_name)}:
            raise refuse("name", f"an area has no project name, got {name!r}", "示范地区不填项目名称")
        name = ""
    return DesignationFact(kind, region, name, batch, year, Span(line, line + 1), named_by)


def _batch(value: str) -> int | None:
    if value.isdigit():
        number = int(value)
    else:
        surface = value if value.endswith("批") else f"第{value}批"
        found = batch_number(surface) if re.fullmatch(r"首批|第[一二三四五六七八九十\d]{1,3}批", surface) else None
        if found is None:
            return None
        number = found
    return number if 1 <= number <= 99 else None


def _year(value: str) -> int | None:
    value = value.removesuffix("年")
    if not re.fullmatch(r"\d{4}", value):
        return None
    year = int(value)
    return year if 1949 <= year <= 2100 else None


def _region(value: str, refuse: Callable[[str, str, str], DesignationListError]) -> Region:
    gazetteer = load_gazetteer()
    if not value:
        raise refuse("region", "a region is needed (a name or a code)", "须填写地区名称或代码")
    if value.isdigit():
        if value not in gazetteer:
            raise refuse("region", f"unknown region code {value!r}", f"地区代码 {value} 无法识别")
        return gazetteer.get(value)
    found = list({r.code: r for r in gazetteer.candidates(value)}.values())
    if not found:
        raise refuse("region", f"unknown region {value!r}", f"地区“{value}”无法识别")
    if len(found) > 1:
        names = "、".join(r.full_name for r in found[:4])
        raise refuse(
            "region",
            f"{value!r} may be {', '.join(r.full_name for r in found[:4])}: give the full name or the code",
            f"地区“{value}”不唯一（{names}），请填写全称或代码",
        )
    return found[0]


def designation_list_change(name: str, text: str, origin: str | None = None) -> tuple[GraphChange, ImportedList]:
    """The change that stores the list ``name`` (a file name) read from ``text``, replacing what a list of that
    name stated before, and a summary of it.

    Raises:
        DesignationListError: a bad row (nothing to store).
    """
    name = name.strip()
    if not name:
        raise InvalidInputError("name: a designation list needs a name (its file name)")
    facts = parse_designation_list(text, origin or name)
    node_id = list_id(name)
    change = GraphChange(delete_nodes=[("DesignationList", node_id)])
    change.nodes.append(
        NodeRecord(
            "DesignationList",
            node_id,
            {
                "name": name,
                "text": text.removeprefix("\ufeff"),
                "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
    )
    for fact in facts:
        add_designation(fact, change, "DesignationList", node_id)
    ids = {designation_id(f) for f in facts}
    areas = sum(1 for f in facts if f.kind is DesignationKind.AREA)
    summary = ImportedList(node_id, name, len(ids), areas, len(facts) - areas)
    return change, summary
