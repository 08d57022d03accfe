"""Find the enterprise-facing support measures of a policy text: sentence fragments with a benefit, in context.

A policy text is cut into fragments at 。！？； and at enumeration markers (一、 （一） 1. （1）). A fragment
that opens an enumeration item and is short with no comma is a *heading* (一、加强企业用工服务 / 7．减免中小企业
房租。); headings scope the measures under them. A fragment with a benefit cue (补贴, 返还, 缓缴, 贴息 …) starts a
*measure*; following fragments of the same item join it while they name no new beneficiary (人数为100人以上的，
补助4.5万元；… / 具体标准由各地确定。). A measure directly after its item's heading includes the heading.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ingest.extractors.measure_gate import PROCEDURE_FIELD
from ingest.extractors.preambles import find_list_lead, find_preamble
from ontology.model import BenefitType

_CN_NUM = "一二三四五六七八九十百零〇"
# (pattern, level): a lower level encloses a higher one
_MARKERS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"第[{_CN_NUM}]+[章节]"), 0),
    (re.compile(rf"[{_CN_NUM}]+[、．.]"), 1),
    (re.compile(rf"[（(][{_CN_NUM}]+[)）]"), 2),
    (re.compile(r"\d{1,2}[.．、](?!\d)"), 3),
    (re.compile(r"[（(]\d{1,2}[)）]"), 4),
    (re.compile(rf"第[{_CN_NUM}]+条"), 3),
)
# sentence ends, and paragraph breaks written as runs of (ideographic) spaces
_BOUNDARY = re.compile(r"[。！？；;!?]|[ \xa0]*\u3000[\u3000 \xa0]*|[ \xa0]{2,}|\n")
_SPACE = " \u3000\xa0\t\r\n"
MAX_HEADING_LEN = 32
_SUM = re.compile(r"\d+(?:\.\d+)?\s*(?:亿元|万元|元)")

BENEFIT_CUES: tuple[tuple[BenefitType, re.Pattern[str]], ...] = (
    (
        BenefitType.JOB_RETENTION,
        re.compile(r"稳岗返还|返还[^。；]{0,20}失业保险费|失业保险费[^。；]{0,12}返还|参保[^。；]{0,30}?[，,]\s*返还"),
    ),
    (
        BenefitType.SOCIAL_INSURANCE,
        re.compile(
            r"(缓缴|减免|免征|减半|减征|延长|延期|降低|补缴)[^。；]{0,25}(社会保险|养老保险|失业保险|工伤保险|医疗保险|社保)"
            r"|(社会保险|养老|失业|工伤|医疗保险|社保)[^。；]{0,25}(缓缴|减免|免征|减半|减征|征收期|延长|费率)"
        ),
    ),
    (
        BenefitType.RENT_RELIEF,
        re.compile(r"(减免|免收|减半|免除|减收|免)[^。；]{0,8}(租金|房租)|(租金|房租)[^。；]{0,6}(减免|减半|免收)"),
    ),
    (BenefitType.LOAN_INTEREST, re.compile(r"贴息")),
    (
        BenefitType.TAX_RELIEF,
        re.compile(
            r"(免征|免缴|减免|减征|免收|减半征收|暂免|免除|不予计征|减收|退还)[^。；]{0,20}(税|费|滞纳金|收费|保障金|基金)"
            r"|结转年限|(税|费)[^。；]{0,10}(减免|减半|免征)|(税前|全额|加计|一次性)扣除|准予[^。；]{0,20}扣除"
            r"|减征|减按|停征|简易办法|征收率|弥补|税前摊销|困难减免"
            r"|应缴[^。；]{0,6}的\d+(?:\.\d+)?%(?:缴纳|征收|收取)"  # 按规定应缴费额的50%缴纳: a share of what is due
        ),
    ),
    (
        BenefitType.SUBSIDY,
        re.compile(
            r"补贴|补助|奖补|奖励|资助|资金支持|经费支持|给予[^。；]{0,12}支持|[万亿]元[^。；]{0,8}支持|扶持资金|专项资金|全额支持"
            r"|激励资金|启动资金|补偿"
        ),
    ),
    (BenefitType.FINANCE, re.compile(r"利率|贷款|信贷|续贷|展期|担保费|融资|基点|LPR")),
    (
        BenefitType.OTHER,
        re.compile(
            r"延长|放宽|欠费不停供|延期|不受[^。；]{0,30}限制|绿色通道|减免|免予(行政)?处罚|不予(行政)?处罚"
            r"|不纳入[^。；]{0,12}(信用|评价|失信)|(调整|提高)[^。；]{0,16}(限额|额度)|不需[^。；]{0,8}(查验|审批)"
            r"|退还|暂退|兜底(采购|收储)|收储|保价|零收费|免费|不收取[^。；]{0,6}(滞纳金|费用?)|无需事前|免除"
            r"|(缓缴|停缴)[^。；]{0,10}公积金|公积金[^。；]{0,10}(缓缴|停缴)|按[^。；]{0,16}\d+%结算"
        ),
    ),
)
# a fragment naming its own beneficiary starts a new measure instead of continuing the previous one
_NEW_BENEFICIARY = re.compile(r"企业|公司|单位|主体|机构|个体工商户|用户|经营者|农户|项目")
# a fragment opening with its own subject phrase (对行业型工业互联网平台给予…) names whom it grants to, unless it
# points back (对其…, 对上述…)
ITEM_PREFIX = r"\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、．.]\s*)?"  # an optional enumeration marker
# a policy list's content field (支持政策：对…) opens the same way
_CONTENT_FIELD = r"(?:(?:支持|扶持|奖补|具体)?政策|政策内容|支持内容|(?:奖励|补贴|补助|扶持|支持|奖补)标准)\s*[:：]\s*"
_SUBJECT_OPENING = re.compile(rf"{ITEM_PREFIX}(?:{_CONTENT_FIELD})?(?:对于?|凡|针对)(?!其|此|上述|以上)")
# a policy list's field that is no part of a measure's text (咨询部门：…, 政策依据：…, 申报程序：…) ends it
_OTHER_FIELD = re.compile(
    r"\s*[（(]?(?:(?:咨询|联系|对接|牵头|责任|主管|受理)(?:部门|单位|电话|方式|人)|(?:政策|文件)(?:依据|来源)|扫码"
    rf"|{PROCEDURE_FIELD})"
)


def opens_with_subject(text: str, start: int) -> bool:
    """Whether the fragment at ``start`` opens with a subject phrase (对…, 凡…, 针对…) of its own."""
    return bool(_SUBJECT_OPENING.match(text, start))


@dataclass(frozen=True)
class Fragment:
    """A sentence or enumeration fragment ``[start, end)`` of the text."""

    start: int
    end: int
    item: int  # index of the enumeration item it belongs to (-1 before the first marker)
    level: int | None  # marker level when the fragment opens an item
    is_heading: bool


@dataclass
class MeasureSegment:
    """One support measure: its span, benefit type and the headings that scope it (outermost first)."""

    start: int
    end: int
    benefit_type: BenefitType
    benefit_start: int
    benefit_end: int
    headings: list[tuple[int, int]] = field(default_factory=list)
    core_start: int = 0  # where the measure's own sentence starts (after an included heading)


def _marker_at(text: str, pos: int) -> tuple[int, int] | None:
    """(level, end of marker) when an enumeration marker starts at ``pos``."""
    for pattern, level in _MARKERS:
        m = pattern.match(text, pos)
        if m:
            return level, m.end()
    return None


def _marker_positions(text: str) -> dict[int, int]:
    """Positions where an enumeration marker opens an item (after whitespace, a boundary or text start)."""
    found: dict[int, int] = {}
    for i, ch in enumerate(text):
        if i and text[i - 1] not in _SPACE and text[i - 1] not in "。；：:！？":
            continue
        if ch in _SPACE:
            continue
        marker = _marker_at(text, i)
        if marker:
            found[i] = marker[0]
    return found


def fragments(text: str) -> list[Fragment]:
    """Cut ``text`` into fragments at sentence boundaries and enumeration markers (whitespace trimmed)."""
    markers = _marker_positions(text)
    cuts = sorted({0, len(text), *markers, *(m.end() for m in _BOUNDARY.finditer(text))})
    out: list[Fragment] = []
    item = -1
    for a, b in itertools.pairwise(cuts):
        while a < b and text[a] in _SPACE:
            a += 1
        while b > a and text[b - 1] in _SPACE:
            b -= 1
        if a >= b:
            continue
        level = markers.get(a)
        if level is not None:
            item += 1
        body = text[a:b].rstrip("。；")
        is_heading = level is not None and len(body) <= MAX_HEADING_LEN and "，" not in body and "," not in body
        out.append(Fragment(a, b, item, level, is_heading))
    return out


def benefit_cue(text: str, start: int = 0, end: int | None = None) -> tuple[BenefitType, int, int] | None:
    """The first benefit type whose cue occurs in ``text[start:end]``, with the cue's span."""
    end = len(text) if end is None else end
    for benefit_type, pattern in BENEFIT_CUES:
        m = pattern.search(text, start, end)
        if m:
            return benefit_type, m.start(), m.end()
    return None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _stands_alone(text: str, frags: list[Fragment], index: int) -> bool:
    """Whether a short item opening with a benefit (7．免收3个月房租。) is the measure itself rather than the
    heading of one: no later sentence of its item names a benefit and no deeper item follows it."""
    frag = frags[index]
    if not frag.is_heading or frag.level is None:
        return False
    for later in frags[index + 1 :]:
        if later.item != frag.item:
            return later.level is None or later.level <= frag.level
        if benefit_cue(text, later.start, later.end) is not None:
            return False
    return True


# a tier of a list of thresholds (…1亿元以内的，奖励50万元；…2亿元以上的，奖励200万元): a measure of its own
_COLON = re.compile(r"[：:]")
_THRESHOLD_TIER = re.compile(r"[^。；;，,]{2,40}的[，,]\s*(奖励|奖补|补助|补贴|资助|给予)[^。；;，,]{0,8}\d")


def _tier_lead(text: str, frag: Fragment, current: MeasureSegment) -> tuple[int, int] | None:
    """The lead announcing tiers (…按融资额给予奖励：, up to its colon) when ``frag`` grants its own sum on its own
    threshold after ``current``, which already grants one under that lead; else ``None``."""
    if not (_THRESHOLD_TIER.match(text, frag.start, frag.end) and _SUM.search(text, current.core_start, current.end)):
        return None
    colon = _COLON.search(text, current.core_start, current.end)
    return (current.core_start, colon.start()) if colon else None


def _leads_items(frags: list[Fragment], index: int) -> bool:
    """Whether the fragment after ``frags[index]`` opens an enumeration item deeper than the fragment's own."""
    following = frags[index + 1].level if index + 1 < len(frags) else None
    own = next((f.level for f in reversed(frags[: index + 1]) if f.level is not None), -1)
    return following is not None and following > own


def find_measures(text: str) -> list[MeasureSegment]:
    """The support measures of a text, in order, with their scoping headings."""
    frags = fragments(text)
    measures: list[MeasureSegment] = []
    # level → heading span; a preamble inside an item body scopes at that item's level + 0.5
    headings: dict[float, tuple[int, int]] = {}
    previous: Fragment | None = None
    current: MeasureSegment | None = None
    current_item = -2
    item_level = -1  # level of the enumeration item being read
    preambles: set[float] = set()  # keys of ``headings`` that are preambles
    run_start: int | None = None  # first fragment of the current item not yet in a measure
    for index, frag in enumerate(frags):
        cue = benefit_cue(text, frag.start, frag.end)
        # a short item naming only its benefit is a measure under a preamble that says whom it is for, and so
        # is one that grants a sum (1.通过上市辅导验收的奖励150万元；): a heading names no amount
        alone = cue is not None and (
            (bool(preambles) and _stands_alone(text, frags, index)) or bool(_SUM.search(text, frag.start, frag.end))
        )
        if frag.level is not None:
            item_level = frag.level
            for level in [lv for lv in headings if lv >= frag.level]:
                del headings[level]
                preambles.discard(level)
            if frag.is_heading and not alone:
                headings[frag.level] = (frag.start, frag.end)
        preamble = find_preamble(text, frag.start, frag.end)
        if preamble is None and _leads_items(frags, index):
            preamble = find_list_lead(text, frag.start, frag.end)
        if preamble is not None and (cue is None or _overlaps((cue[1], cue[2]), preamble.announcement)):
            key = frag.level if frag.level is not None else item_level + 0.5
            headings[key] = (preamble.start, preamble.end)
            preambles.add(key)
            current, run_start, previous = None, None, frag
            continue
        if cue is None and frag.level is None and _OTHER_FIELD.match(text, frag.start):
            current = None  # a contact or source field ends the measure before it
        heading_only = frag.is_heading and frag.level is not None and not alone
        if cue is not None and not heading_only:
            continues = (
                current is not None
                and frag.item == current_item
                and frag.level is None
                and not _NEW_BENEFICIARY.search(text, frag.start, frag.end)
                and not opens_with_subject(text, frag.start)
            )
            lead = _tier_lead(text, frag, current) if continues and current is not None else None
            if lead is not None and current is not None:
                current = MeasureSegment(
                    start=frag.start,
                    end=frag.end,
                    benefit_type=cue[0],
                    benefit_start=cue[1],
                    benefit_end=cue[2],
                    headings=[*current.headings, lead],
                    core_start=frag.start,
                )
                measures.append(current)
            elif continues and current is not None:
                current.end = frag.end
            else:
                # the item's leading sentences without a benefit (its heading, its context) belong to the measure
                extend = run_start is not None and frag.level is None and frag.item >= 0
                start = run_start if extend and run_start is not None else frag.start
                current = MeasureSegment(
                    start=start,
                    end=frag.end,
                    benefit_type=cue[0],
                    benefit_start=cue[1],
                    benefit_end=cue[2],
                    headings=[headings[lv] for lv in sorted(headings)],
                    core_start=frag.start,
                )
                current_item = frag.item
                measures.append(current)
            run_start = None
            previous = frag
            continue
        elif (
            current is not None
            and frag.item == current_item
            and frag.level is None
            and not _NEW_BENEFICIARY.search(text, frag.start, frag.end)
            and current.end >= frag.start - 2
        ):
            current.end = frag.end
            previous = frag
            continue
        elif frag.level is not None or _NEW_BENEFICIARY.search(text, frag.start, frag.end):
            current = None
        if frag.level is not None or previous is None or previous.item != frag.item or run_start is None:
            run_start = frag.start
        previous = frag
    return measures


# tiers of one sentence: "大型企业按30%返还，中小微企业按60%返还" grants two groups two amounts
_TIER = re.compile(
    r"(大型企业|中型企业|中小微企业|小微企业|中小企业|小型微型企业|小型企业|微型企业)"
    r"(?=[^，,。；;]{0,8}(按|给予|返还|补贴|补助|可|减免|免征|减半|享受))"
)
# a sentence stating who qualifies for what follows (…的，可以享受稳岗返还政策。)
_LEAD = re.compile(r"(可以?|均可|方可)(享受|申请)|符合[^。；;]{0,12}条件")


def _opens_part(text: str, at: int, measure: MeasureSegment) -> bool:
    """Whether a tier's group at ``at`` opens a part of the measure's sentence (possibly after 对)."""
    if at > measure.core_start and text[at - 1] == "对":
        at -= 1
    return at == measure.core_start or text[at - 1] in "，,；;：:"


def split_tiers(text: str, measure: MeasureSegment) -> list[MeasureSegment]:
    """The tiers of a measure whose sentence grants different size classes different amounts, each its own
    measure spanning its part of the sentence (the lead before the first tier scopes every tier); else the
    measure itself."""
    hits = [m for m in _TIER.finditer(text, measure.core_start, measure.end) if _opens_part(text, m.start(), measure)]
    if len({m.group(1) for m in hits}) < 2:
        return [measure]
    lead = [(measure.core_start, hits[0].start())] if hits[0].start() > measure.core_start else []
    tiers = []
    for i, hit in enumerate(hits):
        end = hits[i + 1].start() - 1 if i + 1 < len(hits) else measure.end
        tiers.append(
            MeasureSegment(
                start=hit.start(),
                end=end,
                benefit_type=measure.benefit_type,
                benefit_start=hit.start(),
                benefit_end=end,
                headings=[*measure.headings, *lead],
                core_start=hit.start(),
            )
        )
    return tiers


def with_leads(text: str, measures: list[MeasureSegment]) -> list[MeasureSegment]:
    """Measures whose sentence follows a statement of who qualifies (…的，可以享受…政策。) in the same paragraph
    get that statement as a scope, so its conditions bind them."""
    out: list[MeasureSegment] = []
    for i, measure in enumerate(measures):
        previous = measures[i - 1] if i else None
        if (
            previous is not None
            and 0 <= measure.core_start - previous.end <= 2
            and "\n" not in text[previous.end : measure.core_start]
            and _LEAD.search(text, previous.core_start, previous.end)
        ):
            measure = MeasureSegment(
                start=measure.start,
                end=measure.end,
                benefit_type=measure.benefit_type,
                benefit_start=measure.benefit_start,
                benefit_end=measure.benefit_end,
                headings=[*measure.headings, (previous.core_start, previous.end)],
                core_start=measure.core_start,
            )
        out.append(measure)
    return out
