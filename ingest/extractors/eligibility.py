"""The eligibility extractor: support measures of a policy text → Clause, Condition and Benefit nodes (CCCEV).

``extract_conditions(ctx)`` finds each enterprise-facing measure (``ingest.extractors.measure_segments``),
reads its conditions (``ingest.extractors.condition_rules``), its benefit (type, text, largest amount in
万元), its validity window and application deadline, and the jurisdiction of the issuing authority. Every
sub-national measure carries a ``region`` condition (``in`` its code) whose text is the phrase that scopes it
(本市/我省/…, else the issuer).
A measure whose span is one of the pipeline's clauses hangs off that clause; otherwise a Clause node of kind
列举 is created for it (owned by the document, HAS_PART from the smallest enclosing clause).
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from graph.base import GraphChange, NodeRecord, RelRecord
from graph.records import MeasureDates, measure_records
from ingest.extractors.base import ClauseSpan, DocumentContext
from ingest.extractors.benefit_amounts import amount_formula
from ingest.extractors.clause_classifier import shipped_classifier
from ingest.extractors.condition_rules import (
    Found,
    find_behaviour,
    find_conferred,
    find_encouraged_acts,
    find_growth_thresholds,
    find_industries,
    find_metric_thresholds,
    find_numbers,
    find_ownership,
    find_qualifications,
    find_scale,
    find_target_residuals,
    find_when_conferred,
    restricts,
)
from ingest.extractors.condition_sections import ConditionSection, find_condition_sections, section_conditions
from ingest.extractors.measure_gate import BENEFICIARY, clause_refusal, document_refusal
from ingest.extractors.measure_segments import (
    ITEM_PREFIX,
    MeasureSegment,
    find_measures,
    opens_with_subject,
    split_tiers,
    with_leads,
)
from ingest.extractors.scope_levels import (
    PROVINCE,
    addressed_level,
    region_level,
    scope_by_self_reference,
    widen,
)
from ingest.structure import chinese_number
from ontology.eligibility import BenefitSpec, ConditionSpec, text_fact_key
from ontology.model import ClauseKind
from ontology.model import ConditionDimension as Dim
from ontology.model import ConditionOperator as Op
from ontology.reference import NATIONAL_CODE, contains, load_gazetteer, normalise_region_code
from ontology.text import LOCAL_SCOPE, find_spaced, to_simplified

_NATIONAL_ISSUER = re.compile(
    r"^(中共中央|国务院|国家|财政部|人力资源和?社会保障部|商务部|工业和信息化部|中国人民银行|人民银行|海关总署|交通运输部|"
    r"农业农村部|住房和城乡建设部|中国?银保监会|中国?证监会|民政部|教育部|科技部|文化和旅游部|市场监管总局|全国|司法部|"
    r"自然资源部|生态环境部|应急管理部|退役军人事务部|国资委|发展改革委|工信部|人社部|央行|税务总局)"
)
_DATELINE = re.compile(r"(新华社|中新社|中新网|人民网|央视网)[^电]{0,12}电|[（(]记者[^)）]{0,20}[)）]")
_AUTHORITY_AFTER = re.compile(r"[^，。；\s]{0,8}?(人民政府|政府|委员会|局|厅|委|办公室|新闻发布会)")
_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(20\d\d)-(\d{2})-(\d{2})")
_VALID_MONTHS = re.compile(r"(有效期|施行期|实施期|执行期)(暂定)?(为|至)?(\d{1,2}|十二|[一二两三四五六七八九十])个月")
_VALID_UNTIL = re.compile(
    r"(有效期至|执行至|实施至|施行至|有效期到)\s*(20\d\d年\d{1,2}月\d{1,2}日|20\d\d年\d{1,2}月底)"
)
_DEADLINE = re.compile(r"(于|在)\s*(20\d\d年\d{1,2}月\d{1,2}日)\s*(前|之前)[^。；]{0,10}(申报|申请|提交|报送)")
_TRAILING = " \u3000\xa0\t\r\n（）()此件公开发布"
_HEADER_DATE = re.compile(
    r"(?:成文日期|发布日期|发文日期|印发日期)\W{0,4}(?:(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(20\d\d)-(\d{2})-(\d{2}))"
)
# a document-level statement of validity (本措施自印发之日起施行，有效期…)
_DOC_VALIDITY = re.compile(r"[^。]*(本(措施|政策|通知|意见|办法|细则|规定|文件)|之日起)[^。]*")
# the line naming the issuer right after the title (北京市海淀区人民政府)
_ISSUER_LINE = re.compile(
    r"^\s*([^\s，。；：:]{2,30}?(人民政府办公室|人民政府办公厅|人民政府|办公厅|办公室|委员会|局|厅))"
)
# a document addressed to every province, or numbered by a national authority, is national
_NATIONAL_ADDRESSEES = re.compile(r"各省、自治区、直辖市")
_NATIONAL_DOC_NUMBER = re.compile(  # not after a place's abbreviation (黔发改服务〔2020〕 is 贵州's)
    r"(?<![\u4e00-\u9fff])(国发|国办发|国办函|财税|财行|财金|财社|财办|税总发|税总函|银发|银保监发|银保监办发|人社部发|人社厅发|人社部明电|"
    r"发改|工信部|商建发|商办|交运发|交办|农办|国卫|医保发|市监|国市监)[^〔\[（(]{0,6}[〔\[（(]20\d\d[〕\]）)]"
)

# a national authority's numbered announcement as the document's own number: on a line of its own or in its
# title's brackets (财政部 税务总局公告2023年第12号), never where it is cited
_NATIONAL_ANNOUNCEMENT = re.compile(
    rf"(?:^|[（(])(?:{_NATIONAL_ISSUER.pattern.removeprefix('^')}[\s、]*)+公告\s*20\d\d年第\d+号(?:[)）]|$)",
    re.MULTILINE,
)
# a number right after a 《title》 is the cited document's (按照《…的通知》（国发电〔2020〕2号）), not this one's
_CITED_NUMBER = re.compile(r"》\s*[（(]\s*$")


@dataclass(frozen=True)
class Jurisdiction:
    """Where a document applies: a region code and the span of the phrase that says so (if found)."""

    code: str
    span: tuple[int, int] | None
    guessed: bool = False  # no place and no national authority found: national only for want of anything else


def _head(text: str, title: str) -> str:
    head = title or text[:120]
    return _DATELINE.sub(lambda m: " " * len(m.group()), head)


def infer_jurisdiction(text: str, title: str, fallback: str | None = None) -> Jurisdiction:
    """The jurisdiction of the issuing authority: from the issuer/title, then the signature, then the body.

    A title starting with a national authority (国务院, 财政部 …) and naming no region is national (100000); so
    is a document addressed to every province (各省、自治区、直辖市…：) or numbered by a national authority
    (银发〔2020〕…, 财政部公告2023年第8号 as its own number).
    An issuer naming nested places (北京市海淀区人民政府) is the most specific of them.
    """
    gazetteer = load_gazetteer()
    head = _head(text, title)
    issuer_part = head.split("关于", 1)[0] if "关于" in head[:80] else head
    after_title = text[len(title) : len(title) + 40] if title and text.startswith(title) else ""
    issuer_line = _ISSUER_LINE.match(after_title)
    issuer_named = issuer_line.group(1) if issuer_line else ""
    for part, most_specific in ((issuer_part, True), (issuer_named, True), (head, False)):
        mentions = [m for m in gazetteer.find_mentions(part) if m.region.code != NATIONAL_CODE]
        if mentions:
            chosen = max(mentions, key=lambda m: region_level(m.region.code)) if most_specific else mentions[0]
            return Jurisdiction(chosen.region.code, _locate(text, chosen.surface))
        if part and _NATIONAL_ISSUER.match(part.strip()):
            return Jurisdiction(NATIONAL_CODE, None)
    opening = text[:400]
    if _NATIONAL_ANNOUNCEMENT.search(title) or _NATIONAL_ANNOUNCEMENT.search(opening):
        return Jurisdiction(NATIONAL_CODE, None)
    if _NATIONAL_ADDRESSEES.search(opening) or any(
        not _CITED_NUMBER.search(opening, 0, m.start()) for m in _NATIONAL_DOC_NUMBER.finditer(opening)
    ):
        return Jurisdiction(NATIONAL_CODE, None)
    scan = _DATELINE.sub(lambda m: " " * len(m.group()), text[:200] + " " + text[-200:])
    mentions = [m for m in gazetteer.find_mentions(scan) if m.region.code != NATIONAL_CODE]
    if mentions:
        code = _level_of_issuer(issuer_part, mentions[0].region.code)
        return Jurisdiction(code, _locate(text, mentions[0].surface) if code == mentions[0].region.code else None)
    if fallback and fallback != NATIONAL_CODE:
        return Jurisdiction(_level_of_issuer(issuer_part, fallback), None)
    counts: dict[str, int] = {}
    for m in gazetteer.find_mentions(text[:5000]):
        weight = 3 if _AUTHORITY_AFTER.match(text, m.end) else 1
        counts[m.region.code] = counts.get(m.region.code, 0) + weight
    if counts:
        code = max(counts, key=lambda c: counts[c])
        return Jurisdiction(code, None)
    return Jurisdiction(NATIONAL_CODE, None, guessed=True)


def _level_of_issuer(issuer: str, home: str) -> str:
    """The region of an issuer that names only its level (省发展改革委, 市人民政府): the province or city that
    contains the document's home region; else the home region."""
    level = {"省": 2, "市": 4}.get(issuer.strip()[:1])
    if level is None or len(home) != 6 or not home.isdigit():
        return home
    code = normalise_region_code(home[:level])
    return code if code in load_gazetteer() else home


def _locate(text: str, surface: str) -> tuple[int, int] | None:
    at = text.find(surface)
    return (at, at + len(surface)) if at >= 0 else None


# --- dates -------------------------------------------------------------------------------------------------
def _iso(match: re.Match[str]) -> str | None:
    y, m, d = (match.group(1), match.group(2), match.group(3)) if match.group(1) else match.group(4, 5, 6)
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _cn_date(value: str) -> str | None:
    m = _DATE.search(value)
    if m:
        return _iso(m)
    m = re.search(r"(20\d\d)年(\d{1,2})月底", value)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        return date(y, mo, calendar.monthrange(y, mo)[1]).isoformat() if 1 <= mo <= 12 else None
    return None


def document_date(text: str, date_published: str | None) -> str | None:
    """The document's date: as the pipeline read it, else the date that ends the signature, else a dated
    header field (成文日期/发布日期); None when the text states none."""
    if date_published:
        return date_published
    tail = text.rstrip(_TRAILING)
    m = _DATE.search(tail, max(0, len(tail) - 16))
    if m and m.end() == len(tail):
        return _iso(m)
    m = _HEADER_DATE.search(text, 0, 400)
    return _iso(m) if m else None


def _add_months(iso: str, months: int) -> str:
    start = date.fromisoformat(iso)
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date.fromordinal(date(year, month, day).toordinal() - 1).isoformat()


def validity_end(text: str, start: int, end: int, valid_from: str | None) -> str | None:
    """An explicit end of validity in ``text[start:end]`` (有效期至…, 执行至…, 施行期暂定为6个月)."""
    m = _VALID_UNTIL.search(text, start, end)
    if m:
        return _cn_date(m.group(2))
    m = _VALID_MONTHS.search(text, start, end)
    if m and valid_from:
        raw = m.group(4)
        months = chinese_number(raw) or 0
        return _add_months(valid_from, months) if months else None
    return None


def _document_validity_end(text: str, valid_from: str | None) -> str | None:
    for m in _DOC_VALIDITY.finditer(text, max(0, len(text) - 800)):
        end = validity_end(text, m.start(), m.end(), valid_from)
        if end:
            return end
    return None


# --- benefit -----------------------------------------------------------------------------------------------
def _phrase_around(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    a = start
    while a > lo and text[a - 1] not in "，,。；：:":
        a -= 1
    b = end
    while b < hi and text[b] not in "，,。；":
        b += 1
    return a, b


# --- conditions of one measure -----------------------------------------------------------------------------
def _title_span(text: str, title: str) -> tuple[int, int] | None:
    if not title:
        return None
    compact = re.sub(r"\s+", "", title)
    found = find_spaced(text, compact[:40])
    return (found.start(), found.end() + len(compact[40:])) if found else None


# facts a document's title can state for all its measures, each with the narrower facts that imply it (a measure
# for those who pay the demand charge by the contract's maximum demand is for two-part-tariff users already)
TITLE_FACTS: dict[str, tuple[str, ...]] = {"foreign_trade": (), "two_part_tariff_user": ("max_demand_billing",)}


def measure_conditions(
    norm_text: str, measure: MeasureSegment, title_span: tuple[int, int] | None, home: str = NATIONAL_CODE
) -> list[Found]:
    """The non-region conditions of one measure, in text order; ``home`` is the document's jurisdiction, whose
    region condition already covers a mention of itself or of a place around it."""
    core = (measure.core_start, measure.end)
    scopes = [*measure.headings, core]
    found: list[Found] = []
    for a, b in scopes:
        found += find_scale(norm_text, a, b)
    found = found[-1:]  # the nearest scale statement governs
    in_core = find_industries(norm_text, *core)
    found += _one_industry_condition([f for f in in_core if f.condition.operator == Op.IN])
    found += [f for f in in_core if f.condition.operator == Op.NOT_IN]
    if not any(f.condition.operator == Op.IN for f in in_core):
        industries = find_industries(norm_text, *title_span, strict=True) if title_span else []
        for a, b in measure.headings:
            industries += find_industries(norm_text, a, b)
        industries = [f for f in industries if f.condition.operator == Op.IN]
        industries.sort(key=_specificity)
        found += industries[-1:]
    found += find_qualifications(norm_text, *core)
    found += find_numbers(norm_text, *core)
    found += find_metric_thresholds(norm_text, *core)
    found += find_growth_thresholds(norm_text, *core)
    if not any(f.condition.dimension == Dim.QUALIFICATION for f in found):
        found += find_conferred(norm_text, *core)
    found += find_when_conferred(norm_text, core[0], [f for f in found if f.condition.dimension == Dim.QUALIFICATION])
    found += find_ownership(norm_text, *core)
    found += find_region_limits(norm_text, *core)
    behaviour = [f for a, b in scopes for f in find_behaviour(norm_text, a, b)]
    if title_span:  # a document about foreign trade or the two-part tariff is for those firms only
        stated = {f.condition.fact for f in behaviour}
        for f in find_behaviour(norm_text, *title_span):
            implied_by = TITLE_FACTS.get(f.condition.fact or "")
            if implied_by is not None and not stated.intersection((f.condition.fact, *implied_by)):
                behaviour.append(f)
    found += behaviour
    taken = [part for f in found for part in (f.parts or ((f.start, f.end),))]
    taken += [(f.start, f.end) for a, b in scopes for f in find_scale(norm_text, a, b)]  # every scale phrase
    taken += _home_mentions(norm_text, scopes, home)
    for a, b in scopes:  # a heading's restriction scopes every measure under it
        found += find_target_residuals(norm_text, a, b, taken)
    found += find_encouraged_acts(norm_text, measure.start, measure.core_start, taken)  # the item's lead sentences
    return _dedupe(_without_industries_in_designations(found))


def _without_industries_in_designations(found: list[Found]) -> list[Found]:
    """Drop an industry read inside a designation's name (制造 in 国家智能制造示范工厂): the designation is the
    condition, and a firm of any industry may hold it."""
    designations = [f for f in found if f.condition.dimension == Dim.QUALIFICATION]
    return [
        f
        for f in found
        if f.condition.dimension != Dim.INDUSTRY or not any(d.start <= f.start and f.end <= d.end for d in designations)
    ]


def _home_mentions(text: str, scopes: list[tuple[int, int]], home: str) -> list[tuple[int, int]]:
    """Spans of the places in ``scopes`` that contain the jurisdiction ``home`` (通州区 in a 通州区 document)."""
    if home == NATIONAL_CODE:
        return []
    return [
        (a + m.start, a + m.end)
        for a, b in scopes
        for m in load_gazetteer().find_mentions(text[a:b])
        if m.region.code != NATIONAL_CODE and contains(m.region.code, home)
    ]


# carve-outs (除湖北省外) and a place as the clause's subject (湖北省可免征…) limit the measure's region
_EXCEPT_PLACE = re.compile(r"除([^，。；、（）()]{2,12}?)外")
# a place in the subject phrase that qualifies who benefits: 通州区的小微企业, 本市范围内的企业, 湖北省境内的个体工商户
_PLACE_OF_BENEFICIARY = re.compile(r"(?:(?:行政)?(?:区域|辖区|范围|境)?内)?的")
_PART_END = re.compile(r"[，,；;。：:]")  # the subject phrase is the measure's first part
_PLACE_SUBJECT = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十0-9]{1,3}[)）、．.]\s*)?(?:自[^，。；]{0,12}起，)?([^，。；、]{2,10}?)(可|要|应|将)"
)


# a defined term ("困难行业企业，包括…", "本措施所称小微企业是指…") and, in the sentences defining it, requirements
# (须、应当、以上 …) that every measure using the term inherits
_DEFINED_TERM = re.compile(
    r"(?:所称|所指)?([\u4e00-\u9fff]{2,12}?(?:企业|行业|单位|主体))[，,]?(?:包括|是指|指的是|系指)"
)
_REQUIREMENT = re.compile(r"[^。；]*(须|应当|必须|不低于|不少于|以上|达到)[^。；]*")
DEFINITION_REACH = 300


def find_definitions(text: str) -> dict[str, list[tuple[int, int]]]:
    """Defined terms of a document and the spans of the requirements stated with their definition."""
    found: dict[str, list[tuple[int, int]]] = {}
    for m in _DEFINED_TERM.finditer(text):
        term = m.group(1)
        window_end = text.find("\n", m.end())
        window_end = min(m.end() + DEFINITION_REACH, window_end if window_end > 0 else len(text))
        for r in _REQUIREMENT.finditer(text, m.start(), window_end):
            if term in r.group() or r.start() > m.start():
                found.setdefault(term, []).append((r.start(), r.end()))
    return found


def definition_conditions(
    text: str, start: int, end: int, definitions: dict[str, list[tuple[int, int]]]
) -> list[Found]:
    """The conditions of the requirements of each defined term a measure uses: the behaviour cues they state,
    and an ``other`` condition (unknown) for a requirement the cues do not cover (the term itself aside)."""
    found: list[Found] = []
    for term, spans in definitions.items():
        if term not in text[start:end]:
            continue
        for a, b in spans:
            if start <= a < end:
                continue  # the measure states it itself
            cues = [f for f in find_behaviour(text, a, b) if f.condition.fact is not None]
            found += cues
            taken = [(f.start, f.end) for f in cues] + [
                (a + m.start(), a + m.end()) for m in re.finditer(re.escape(term), text[a:b])
            ]
            if not cues or restricts(text, a, b, taken):
                found.append(Found(a, b, ConditionSpec(Dim.OTHER, Op.EQ, True, text[a:b].strip())))
    return found


def find_region_limits(text: str, start: int, end: int) -> list[Found]:
    """``not_in`` conditions of the places a measure excepts, ``in`` of a place it names as its subject."""
    gazetteer = load_gazetteer()
    found: list[Found] = []
    for m in _EXCEPT_PLACE.finditer(text, start, end):
        codes = [r.region.code for r in gazetteer.find_mentions(m.group(1)) if r.region.code != NATIONAL_CODE]
        if codes:
            found.append(Found(m.start(), m.end(), ConditionSpec(Dim.REGION, Op.NOT_IN, codes, m.group())))
    first_part = _PART_END.search(text, start, end)
    subject_end = first_part.start() if first_part else end
    for mention in gazetteer.find_mentions(text[start:subject_end]):
        a, b = start + mention.start, start + mention.end
        if mention.region.code != NATIONAL_CODE and _PLACE_OF_BENEFICIARY.match(text, b):
            found.append(Found(a, b, ConditionSpec(Dim.REGION, Op.IN, [mention.region.code], text[a:b])))
    subject = _PLACE_SUBJECT.match(text[start:end])
    if subject:
        mentions = gazetteer.find_mentions(subject.group(1))
        if len(mentions) == 1 and mentions[0].surface == subject.group(1):
            a, b = start + subject.start(1), start + subject.end(1)
            found.append(Found(a, b, ConditionSpec(Dim.REGION, Op.IN, [mentions[0].region.code], text[a:b])))
    return found


# wordings that mean something else in every measure (符合条件的, 经批准): their answer serves one measure only
_MEASURE_SPECIFIC = re.compile(r"^(符合(条件|规定|要求)的?|经[^，。；]{0,12}(批准|认定|确认|审核|同意))$")


def _fact_of_wording(norm_text: str, found: Found, clause_id: str) -> str | None:
    """The text fact key of a behaviour/other condition no catalogue fact decides (``None`` for the others)."""
    if found.condition.dimension not in (Dim.BEHAVIOUR, Dim.OTHER):
        return None
    wording = norm_text[found.start : found.end] if found.end > found.start else found.condition.text
    if _MEASURE_SPECIFIC.match(wording.strip()):
        return text_fact_key(f"{clause_id}:{wording}")
    return text_fact_key(wording)


def _unrestricted_check(norm_text: str, measure: MeasureSegment) -> Found:
    """An ``other`` condition for a measure in which no restriction was found: real measures nearly always
    restrict who obtains them, so "no condition found" more often means one was missed than that every company
    qualifies. Its outcome stays unknown (the answer is 待确认, never 符合) and its text is the clause's own
    opening, which the company can check."""
    end = min(measure.end, measure.core_start + 40)
    cut = re.search(r"[，,。；;]", norm_text[measure.core_start : end])
    if cut:
        end = measure.core_start + cut.start()
    return Found(measure.core_start, end, ConditionSpec(Dim.OTHER, Op.EQ, True, norm_text[measure.core_start : end]))


# a sum granted (奖励50万元, 给予一次性补助5万元): an item stating one is read with its heading even when it names a
# beneficiary the clause classifier does not take for one (列入后备企业精选库…的奖励50万元)
_SUM_GRANTED = re.compile(r"(奖励|奖补|补助|补贴|资助|给予)[^，,。；;\d]{0,8}\d+(?:\.\d+)?\s*(亿元|万元|元)")


_ADDRESSES_READER = re.compile(rf"{ITEM_PREFIX}您")


def _grants(norm_text: str, measure: MeasureSegment) -> bool:
    """Whether a found segment is a support measure: its clause passes the gate and the clause classifier, and
    some beneficiary is named in it or in a heading over it."""
    core = norm_text[measure.core_start : measure.end]
    if clause_refusal(core) is not None:
        return False
    classifier = shipped_classifier()
    if classifier is not None and not classifier.is_measure(core):
        # a short item naming only its benefit (1．免收3个月房租。) is read with the heading or preamble over it
        if (BENEFICIARY.search(core) and not _SUM_GRANTED.search(core)) or not measure.headings:
            return False
        a, b = measure.headings[-1]
        if not classifier.is_measure(norm_text[a:b] + "，" + core):
            return False
    scopes = [norm_text[a:b] for a, b in measure.headings] + [norm_text[measure.start : measure.end]]
    # a notice that states who qualifies in a section of its own (一、补贴对象：对…中小微企业…) before the benefit
    before = [s for s in _sections(norm_text) if s.end <= measure.start]
    scopes += [norm_text[a:b] for a, b in before[-1].requirements] if before else []
    # a clause opening with its subject phrase names its beneficiary whatever the noun (对跨领域工业互联网平台…), and
    # so does one addressing its reader (一、您为疫情防控发生的支出，准予…扣除: a notice to taxpayers)
    return (
        any(BENEFICIARY.search(text) for text in scopes)
        or opens_with_subject(norm_text, measure.core_start)
        or bool(_ADDRESSES_READER.match(core))
    )


@lru_cache(maxsize=8)
def _sections(norm_text: str) -> tuple[ConditionSection, ...]:
    """The requirement sections of a text, found once for all its measures."""
    return tuple(find_condition_sections(norm_text))


def _source_text(text: str, found: Found) -> str:
    """A condition's words as the source writes them (its phrases joined with 、 when it joins several)."""
    if found.parts:
        return "、".join(text[a:b] for a, b in found.parts)
    return text[found.start : found.end] if found.end > found.start else found.condition.text


def _one_industry_condition(industries: list[Found]) -> list[Found]:
    """The industries a measure names, as one condition: a company of any of them qualifies."""
    codes: list[str] = []
    adding: list[Found] = []  # the phrases that add industries (困难行业 after 交通运输、餐饮… adds none)
    for f in industries:
        new = [c for c in f.condition.value if c not in codes]
        if new:
            codes += new
            adding.append(f)
    if len(adding) <= 1:
        return adding
    text = "、".join(f.condition.text for f in adding)
    parts = tuple((f.start, f.end) for f in adding)
    return [Found(parts[0][0], parts[-1][1], ConditionSpec(Dim.INDUSTRY, Op.IN, codes, text), parts)]


def _specificity(found: Found) -> int:
    """How narrow an industry condition is: the level of its broadest code (section 1 … class 4)."""
    return min(1 if str(code).isalpha() else len(str(code)) for code in found.condition.value)


def _dedupe(found: list[Found]) -> list[Found]:
    out: list[Found] = []
    seen: set[tuple[str, str]] = set()
    for f in found:
        key = (f.condition.dimension, f.condition.fact or json.dumps(f.condition.value, ensure_ascii=False))
        if f.condition.dimension == Dim.OTHER and f.condition.fact is None:
            key = (Dim.OTHER, f"{f.start}:{f.end}")
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def region_condition(
    text: str,
    norm_text: str,
    measure: MeasureSegment,
    jurisdiction: Jurisdiction,
    title_span: tuple[int, int] | None = None,
) -> Found | None:
    """The ``region`` condition of a sub-national measure, spanning the phrase that scopes it: the issuer's
    region, widened to the province or city a self-reference (我省, 本市) in the measure, else in the title, names.

    A document that says 我市 but names no place and no national authority is local to a region nobody can
    tell: its measures get an ``other`` condition on that word (unknown, so never 符合 anywhere) instead of none.
    """
    if jurisdiction.code == NATIONAL_CODE:
        if not jurisdiction.guessed:
            return None
        unplaced = LOCAL_SCOPE.search(norm_text, measure.start, measure.end) or LOCAL_SCOPE.search(norm_text)
        if unplaced is None:
            return None
        where = ConditionSpec(Dim.OTHER, Op.EQ, True, unplaced.group())
        return Found(unplaced.start(), unplaced.end(), where)
    code = scope_by_self_reference(norm_text, measure.start, measure.end, jurisdiction.code, whole=False)
    if code == jurisdiction.code and title_span is not None:
        code = scope_by_self_reference(norm_text, *title_span, jurisdiction.code)
    m = LOCAL_SCOPE.search(norm_text, measure.start, measure.end)
    if m is None and title_span is not None:
        m = LOCAL_SCOPE.search(norm_text, *title_span)
    span = (m.start(), m.end()) if m else jurisdiction.span or (0, 0)
    phrase = text[span[0] : span[1]] if span[1] > span[0] else load_gazetteer().get(code).name
    return Found(span[0], span[1], ConditionSpec(Dim.REGION, Op.IN, [code], phrase))


# --- the extractor -----------------------------------------------------------------------------------------
def _enclosing(clauses: tuple[ClauseSpan, ...], start: int, end: int) -> ClauseSpan | None:
    inside = [c for c in clauses if c.span_start <= start and end <= c.span_end]
    return min(inside, key=lambda c: c.span_end - c.span_start) if inside else None


def extract_conditions(ctx: DocumentContext) -> GraphChange:
    """Clause (when new), Condition and Benefit nodes for every support measure of the document."""
    change = GraphChange()
    title = to_simplified(ctx.title)  # read beside the Simplified text (a Traditional copy's title: 嘉興市…)
    if document_refusal(ctx.doc_type, title, ctx.norm_text) is not None:
        return change
    found_measures = [m for m in with_leads(ctx.norm_text, find_measures(ctx.norm_text)) if _grants(ctx.norm_text, m)]
    measures = [tier for m in found_measures for tier in split_tiers(ctx.norm_text, m)]
    if not measures:
        return change
    jurisdiction = infer_jurisdiction(ctx.norm_text, title, ctx.region_code)
    if addressed_level(ctx.norm_text) == PROVINCE and widen(jurisdiction.code, PROVINCE) != jurisdiction.code:
        jurisdiction = Jurisdiction(widen(jurisdiction.code, PROVINCE), None)
    definitions = find_definitions(ctx.norm_text)
    sections = find_condition_sections(ctx.norm_text)
    valid_from = document_date(ctx.norm_text, ctx.date_effective or ctx.date_published)
    doc_valid_to = _document_validity_end(ctx.norm_text, valid_from)
    title_span = _title_span(ctx.norm_text, title)
    by_span = {(c.span_start, c.span_end): c for c in ctx.clauses}
    for number, measure in enumerate(measures, start=1):
        clause_id = _clause_node(change, ctx, measure, number, by_span)
        found = measure_conditions(ctx.norm_text, measure, title_span, jurisdiction.code)
        found += definition_conditions(ctx.norm_text, measure.core_start, measure.end, definitions)
        found += section_conditions(ctx.norm_text, measure.start, sections)
        if not any(f.condition.dimension != Dim.REGION for f in found):
            found.append(_unrestricted_check(ctx.norm_text, measure))
        region = region_condition(ctx.text, ctx.norm_text, measure, jurisdiction, title_span)
        if region is not None and region.condition.dimension == Dim.OTHER:  # 我市 of this document: asked once
            region = replace(region, condition=replace(region.condition, fact=text_fact_key(f"{ctx.doc_id}:我市")))
        if region is not None:
            found.insert(0, region)
        conditions = [
            replace(
                f.condition,
                text=_source_text(ctx.text, f),
                span=(f.start, f.end),
                fact=f.condition.fact or _fact_of_wording(ctx.norm_text, f, clause_id),
            )
            for f in found
        ]
        valid_to = validity_end(ctx.norm_text, measure.core_start, measure.end, valid_from) or doc_valid_to
        deadline_match = _DEADLINE.search(ctx.norm_text, measure.start, measure.end)
        dates = MeasureDates(valid_from, valid_to, _cn_date(deadline_match.group(2)) if deadline_match else None)
        nodes, rels = measure_records(
            conditions,
            _benefit(ctx, measure),
            doc_id=ctx.doc_id,
            clause_id=clause_id,
            region_code=jurisdiction.code,
            dates=dates,
        )
        change.nodes.extend(nodes)
        change.rels.extend(rels)
    return change


def _benefit(ctx: DocumentContext, measure: MeasureSegment) -> BenefitSpec:
    a, b = _phrase_around(ctx.norm_text, measure.benefit_start, measure.benefit_end, measure.core_start, measure.end)
    formula = amount_formula(ctx.norm_text, measure.core_start, measure.end)
    return BenefitSpec(
        type=str(measure.benefit_type),
        text=ctx.text[a:b],
        max_amount_wan=formula.cap_wan if formula else None,
        formula=formula,
        span=(a, b),
    )


def _clause_node(
    change: GraphChange,
    ctx: DocumentContext,
    measure: MeasureSegment,
    number: int,
    by_span: dict[tuple[int, int], ClauseSpan],
) -> str:
    existing = by_span.get((measure.start, measure.end))
    if existing is not None:
        return existing.id
    clause_id = f"{ctx.doc_id}:measure:{number}"
    change.nodes.append(
        NodeRecord(
            "Clause",
            clause_id,
            {
                "doc_id": ctx.doc_id,
                "kind": ClauseKind.ENUMERATION.value,
                "label": f"措施{number}",
                "number": number,
                "ordinal": number,
                "depth": len(measure.headings) + 1,
                "path": f"measure/{number}",
                "text": ctx.text[measure.start : measure.end],
                "span_start": measure.start,
                "span_end": measure.end,
            },
        )
    )
    change.rels.append(RelRecord("HAS_CLAUSE", "NormativeDocument", ctx.doc_id, "Clause", clause_id))
    parent = _enclosing(ctx.clauses, measure.start, measure.end)
    if parent is not None:
        change.rels.append(RelRecord("HAS_PART", "Clause", parent.id, "Clause", clause_id))
    return clause_id
