"""The 《市县法治政府建设示范指标体系》 as reference data: a SKOS concept scheme and a lexical linker.

The shipped table (``reference/indicators_2021.csv``: id, level, parent, name, text, source) holds what could be
read of the 2021 version here (see ``reference/SOURCE.md``); an official table in the same CSV form can be
imported (``parse_indicator_csv``) and is then used instead. ``link_indicators`` is the one mapping from text to
indicators: first-level indicators by their cue words (``reference/indicator_cues.csv``, keyed by name, so an
imported table with the same first-level names keeps them), deeper indicators by the share of their wording
(character bigrams, weighted by rarity across the table) that the text contains.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef

from ontology.errors import InvalidInputError
from ontology.text import to_simplified

REFERENCE = Path(__file__).parent / "reference"
SHIPPED_TABLE = REFERENCE / "indicators_2021.csv"
CUES_TABLE = REFERENCE / "indicator_cues.csv"
SCHEME_TITLE = "市县法治政府建设示范指标体系"
CSV_FIELDS = ("id", "level", "parent", "name", "text")
IND = Namespace("https://w3id.org/policykg/indicator/")

MIN_WORDING_SCORE = 0.35
"""Share of an indicator's weighted bigrams a text must contain to be linked to it by wording."""


@dataclass(frozen=True)
class Indicator:
    """One indicator: ``level`` 1 (一级), 2 (二级) or 3 (三级); ``parent`` is the id one level up."""

    id: str
    level: int
    parent: str | None
    name: str
    text: str
    source: str = ""

    @property
    def label(self) -> str:
        """The name, or the text when the indicator has no name (三级 items are numbered text)."""
        return self.name or self.text

    def to_dict(self) -> dict[str, object]:
        """The JSON form: id, level, parent, name, text, source."""
        return {
            "id": self.id,
            "level": self.level,
            "parent": self.parent,
            "name": self.name,
            "text": self.text,
            "source": self.source,
        }


@dataclass(frozen=True)
class IndicatorLink:
    """A text's link to an indicator: a score in (0, 1] and the cue words or shared wording behind it."""

    indicator: Indicator
    score: float
    matched: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """The JSON form: id, level, name, score, matched."""
        return {
            "id": self.indicator.id,
            "level": self.indicator.level,
            "name": self.indicator.label,
            "score": round(self.score, 3),
            "matched": list(self.matched),
        }


@dataclass(frozen=True)
class IndicatorScheme:
    """An indicator table in order, with its SKOS form and lookups."""

    indicators: tuple[Indicator, ...]
    origin: str = "shipped"
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def by_id(self) -> dict[str, Indicator]:
        """Indicators by id."""
        return {i.id: i for i in self.indicators}

    def level(self, level: int) -> list[Indicator]:
        """The indicators of one level, in table order."""
        return [i for i in self.indicators if i.level == level]

    def first_level_of(self, indicator_id: str) -> Indicator:
        """The 一级 indicator above ``indicator_id`` (itself when it is one)."""
        indicator = self.by_id[indicator_id]
        while indicator.parent is not None:
            indicator = self.by_id[indicator.parent]
        return indicator

    def to_skos(self) -> Graph:
        """The table as a SKOS concept scheme: one ``skos:Concept`` per indicator, ``skos:broader`` its parent."""
        graph = Graph()
        graph.bind("skos", SKOS)
        graph.bind("ind", IND)
        scheme = URIRef(IND["scheme"])
        graph.add((scheme, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme, SKOS.prefLabel, Literal(SCHEME_TITLE, lang="zh")))
        for indicator in self.indicators:
            concept = URIRef(IND[indicator.id])
            graph.add((concept, RDF.type, SKOS.Concept))
            graph.add((concept, SKOS.inScheme, scheme))
            graph.add((concept, SKOS.notation, Literal(indicator.id)))
            if indicator.name:
                graph.add((concept, SKOS.prefLabel, Literal(indicator.name, lang="zh")))
            if indicator.text:
                graph.add((concept, SKOS.definition, Literal(indicator.text, lang="zh")))
            if indicator.parent is None:
                graph.add((concept, SKOS.topConceptOf, scheme))
            else:
                graph.add((concept, SKOS.broader, URIRef(IND[indicator.parent])))
        return graph

    @cached_property
    def _wording(self) -> dict[str, Counter[str]]:
        return {i.id: Counter(_bigrams(i.name + i.text)) for i in self.indicators if i.level > 1}

    @cached_property
    def _idf(self) -> dict[str, float]:
        documents = len(self._wording) or 1
        frequency: Counter[str] = Counter()
        for grams in self._wording.values():
            frequency.update(set(grams))
        return {gram: math.log(1 + documents / count) for gram, count in frequency.items()}


def _bigrams(text: str) -> list[str]:
    simplified = to_simplified(text)
    return [a + b for a, b in itertools.pairwise(simplified) if a.isalnum() and b.isalnum()]


def link_indicators(text: str, scheme: IndicatorScheme) -> list[IndicatorLink]:
    """The indicators ``text`` speaks to, best first.

    A first-level indicator is linked when the text contains its cue words: score ``1 - 0.5 ** n`` for ``n``
    distinct cues (one cue 0.5, two 0.75 …). A deeper indicator is linked when the text contains at least
    ``MIN_WORDING_SCORE`` of its IDF-weighted bigrams; its first-level indicator then scores at least as much.
    """
    simplified = to_simplified(text)
    links: dict[str, IndicatorLink] = {}
    for indicator in scheme.level(1):
        cues = tuple(c for c in scheme.cues.get(indicator.name, ()) if c in simplified)
        if indicator.name in simplified:
            cues = (indicator.name, *cues)
        if cues:
            links[indicator.id] = IndicatorLink(indicator, 1 - 0.5 ** len(cues), cues)
    present = set(_bigrams(text))
    idf = scheme._idf
    for indicator_id, grams in scheme._wording.items():
        total = sum(idf[g] for g in grams)
        shared = [g for g in grams if g in present]
        score = sum(idf[g] for g in shared) / total if total else 0.0
        if score < MIN_WORDING_SCORE:
            continue
        indicator = scheme.by_id[indicator_id]
        links[indicator_id] = IndicatorLink(indicator, score, tuple(shared[:8]))
        top = scheme.first_level_of(indicator_id)
        earlier = links.get(top.id)
        if earlier is None or earlier.score < score:
            links[top.id] = IndicatorLink(top, score, earlier.matched if earlier else (indicator.label[:20],))
    return sorted(links.values(), key=lambda link: (-link.score, link.indicator.level, link.indicator.id))


def parse_indicator_csv(text: str, *, origin: str = "imported") -> IndicatorScheme:
    """An indicator table from CSV text with the header ``id,level,parent,name,text`` (``source`` optional).

    Raises:
        InvalidInputError: a missing column or a bad row, named by its line number.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [f for f in CSV_FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInputError(
            f"indicator CSV line 1: missing column(s) {', '.join(missing)}; need {','.join(CSV_FIELDS)}"
        )
    indicators: list[Indicator] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        indicator = _indicator_of(row, line, seen)
        seen[indicator.id] = indicator.level
        indicators.append(indicator)
    if not indicators:
        raise InvalidInputError("indicator CSV: no rows")
    return IndicatorScheme(tuple(indicators), origin, load_cues())


def _indicator_of(row: dict[str, str | None], line: int, seen: dict[str, int]) -> Indicator:
    def value(name: str) -> str:
        return (row.get(name) or "").strip()

    where = f"indicator CSV line {line}"
    indicator_id, parent = value("id"), value("parent") or None
    if not indicator_id:
        raise InvalidInputError(f"{where}: empty id")
    if indicator_id in seen:
        raise InvalidInputError(f"{where}: duplicate id {indicator_id!r}")
    try:
        level = int(value("level"))
    except ValueError:
        raise InvalidInputError(f"{where}: level must be 1, 2 or 3, got {value('level')!r}") from None
    if level not in (1, 2, 3):
        raise InvalidInputError(f"{where}: level must be 1, 2 or 3, got {level}")
    if (level == 1) != (parent is None):
        raise InvalidInputError(f"{where}: a level-1 indicator has no parent, every other one has one")
    if parent is not None and seen.get(parent) != level - 1:
        raise InvalidInputError(f"{where}: parent {parent!r} is not a level-{level - 1} indicator listed above")
    if not value("name") and not value("text"):
        raise InvalidInputError(f"{where}: name and text are both empty")
    return Indicator(indicator_id, level, parent, value("name"), value("text"), value("source"))


@cache
def load_cues() -> dict[str, tuple[str, ...]]:
    """Cue words of the first-level indicators, by indicator name (cached)."""
    with CUES_TABLE.open(encoding="utf-8", newline="") as fh:
        return {row["name"]: tuple(c for c in row["cues"].split("|") if c) for row in csv.DictReader(fh)}


@cache
def _shipped() -> IndicatorScheme:
    return parse_indicator_csv(SHIPPED_TABLE.read_text(encoding="utf-8"), origin="shipped")


def load_scheme(path: Path | None = None) -> IndicatorScheme:
    """The imported table at ``path`` when that file exists, else the shipped one.

    Raises:
        InvalidInputError: the file at ``path`` is not a valid indicator table.
    """
    if path is not None and path.is_file():
        return parse_indicator_csv(path.read_text(encoding="utf-8"), origin=str(path))
    return _shipped()


def indicators_of_texts(texts: Iterable[str], scheme: IndicatorScheme) -> list[IndicatorLink]:
    """``link_indicators`` over several texts joined (a mechanism's name, topics and description)."""
    return link_indicators("\n".join(texts), scheme)


def write_indicator_csv(indicators: Sequence[Indicator]) -> str:
    """The CSV text of ``indicators`` (with ``source``), as ``parse_indicator_csv`` reads it."""
    out = io.StringIO()
    writer = csv.DictWriter(out, [*CSV_FIELDS, "source"], lineterminator="\n")
    writer.writeheader()
    for i in indicators:
        writer.writerow({**i.to_dict(), "parent": i.parent or "", "level": str(i.level)})
    return out.getvalue()
