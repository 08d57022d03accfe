"""Rules that read eligibility conditions out of one measure's text (pure functions over the simplified text).

Dimensions and where each is looked for:
- scale (中小微企业 → 中型/小型/微型, 小微企业 → 小型/微型, 大型企业): the measure and its headings;
- industry (phrase dictionary ``resources/conditions/industry_phrases.tsv`` → GB/T 4754 codes; an enumeration
  closed by 等 is the full list): the measure, its headings and the document title, only where the phrase names
  the beneficiary (followed by 企业/行业/机构/生产 …, not by 厅/局/园区);
- qualification (``qualifications.tsv``), employees and revenue thresholds, ownership, age: the measure;
- behaviour/other: cue phrases (``behaviour_cues.tsv``), and whatever else restricts the beneficiary in a
  "对……的企业" / "……的，" phrase, kept as an ``other`` condition with no fact (→ unknown). When unsure, a
  condition is kept as ``other`` rather than dropped: a wrong ``eligible`` costs more than an ``undetermined``.

Numbers: 以上/以下/以内 include the number (《民法典》第1259条).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rjieba

from ingest.extractors.industry_names import standard_industry_phrases
from ingest.structure import chinese_number
from ontology.eligibility import ConditionSpec
from ontology.model import ConditionDimension as Dim
from ontology.model import ConditionOperator as Op

RESOURCES = Path(__file__).parents[1] / "resources" / "conditions"


@dataclass(frozen=True)
class Found:
    """A condition found at ``[start, end)`` of the text; ``parts``: the phrases it joins, when it joins several
    apart from each other (an industry named in two places of a measure)."""

    start: int
    end: int
    condition: ConditionSpec
    parts: tuple[tuple[int, int], ...] = ()


def _rows(name: str) -> list[list[str]]:
    lines = (RESOURCES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@cache
def industry_phrases() -> tuple[re.Pattern[str], dict[str, list[str]]]:
    """The industry phrase pattern (longest first) and phrase → GB/T 4754 codes: the hand table
    (``industry_phrases.tsv``, the labelling rules' mappings) over the names of the standard itself."""
    table = {**standard_industry_phrases(), **{row[0]: row[1].split(",") for row in _rows("industry_phrases.tsv")}}
    pattern = re.compile("|".join(re.escape(p) for p in sorted(table, key=len, reverse=True)))
    return pattern, table


@cache
def qualification_rules() -> list[tuple[re.Pattern[str], list[str]]]:
    """(pattern, qualification values) in priority order."""
    return [(re.compile(row[0]), row[1].split("|")) for row in _rows("qualifications.tsv")]


@cache
def behaviour_cues() -> list[tuple[re.Pattern[str], str, str | None, str, object]]:
    """(pattern, dimension, fact, operator, value) for behaviour/other cue phrases; the value ``None`` (``n`` in
    the table) stands for the number the phrase states (its group ``n``)."""
    out: list[tuple[re.Pattern[str], str, str | None, str, object]] = []
    for row in _rows("behaviour_cues.tsv"):
        row += [""] * (5 - len(row))
        pattern, dim, fact, op, value = row[:5]
        parsed: object = True if value in ("", "true") else None if value == "n" else float(value)
        out.append((re.compile(pattern), dim, fact or None, op or Op.EQ.value, parsed))
    return out


CITATION_REACH = 80


def inside_citation(text: str, at: int) -> bool:
    """Whether ``text[at]`` lies inside a 《title》 the text cites (whose words restrict no beneficiary)."""
    opening = text.rfind("《", max(0, at - CITATION_REACH), at)
    return opening >= 0 and "》" not in text[opening:at]


# --- scale -------------------------------------------------------------------------------------------------
# size classes of 工信部联企业〔2011〕300号 / 国统字〔2017〕213号 as policies name them; not 科技型中小企业 (a
# qualification), 小型微利企业 (a tax status) or 其中小微企业 (a sub-benefit)
_SCALE_PATTERNS: tuple[tuple[re.Pattern[str], list[str]], ...] = (
    (
        re.compile(
            r"(?<![其集大])中小微(型)?企业|(?<![其集大])(?<!科技型)中小(型)?企业|中型、小型、微型企业|中、小、微(型)?企业"
        ),
        ["中型", "小型", "微型"],
    ),
    (re.compile(r"(?<!其中)(?<!大中)小微(型)?企业|小型微型企业|小型、微型企业|小、微(型)?企业"), ["小型", "微型"]),
    (
        re.compile(r"(?<![其中])大中型企业|大型、中型企业|中型企业[、和及与]大型企业|大型企业[、和及与]中型企业"),
        ["大型", "中型"],
    ),
    (re.compile(r"(?<![其中、])大型企业"), ["大型"]),
    (re.compile(r"(?<![其中小、])中型企业"), ["中型"]),
    (re.compile(r"(?<![其中、])小型企业"), ["小型"]),
    (re.compile(r"(?<![其中小、])微型企业"), ["微型"]),
)
# a scale that names something else: a park or base for such firms (小微企业园, 小微企业创业创新示范基地), an
# institution or fund named after them (全国中小企业股份转让系统, 中小企业发展专项资金, 中小企业服务中心), or the
# firms a beneficiary serves (为承租的中小企业减免租金的园区, 为小微企业提供担保的机构)
_SCALE_NOT_BENEFICIARY_AFTER = re.compile(
    r"(园|创业创新|创新创业|孵化|示范基地|服务平台|服务中心|公共服务|融资|贷款|信贷|股份转让|发展专项|专项资金|发展基金)"
)
_SERVES = re.compile(r"(?<![认作成])为(?!了)[^，,。；;：:]{0,12}$")
_SERVED_CLAUSE = re.compile(r"[^，,。；;]{0,30}的")


def find_scale(text: str, start: int, end: int) -> list[Found]:
    """The scale phrase naming the beneficiary in ``text[start:end]``: the first kind of the table found."""
    for pattern, values in _SCALE_PATTERNS:
        for m in pattern.finditer(text, start, end):
            if _SCALE_NOT_BENEFICIARY_AFTER.match(text, m.end()) or inside_citation(text, m.start()):
                continue
            if _SERVES.search(text, max(start, m.start() - 12), m.start()) and _SERVED_CLAUSE.match(text, m.end(), end):
                continue
            return [Found(m.start(), m.end(), ConditionSpec(Dim.SCALE, Op.IN, values, m.group()))]
    return []


# --- industry ----------------------------------------------------------------------------------------------
# between two phrases of one enumeration: a separator, or one item the table does not know (餐饮、美容美发、住宿)
_INDUSTRY_JOIN = re.compile(
    r"^(业|店|企业|行业|机构)?[、，,和及与或]?(以及)?$|^(业|店|企业|行业|机构)?、[^，,。；;：:\s、()（）]{1,8}、$"
)
# an industry a measure leaves out: (不含电商企业), 除汽车销售企业外, (汽车销售企业除外)
_EXCLUDED_BEFORE = re.compile(r"(不含|不包括|不包含|除)$")
_EXCLUDED_AFTER = re.compile(r"(业)?(企业|行业)?(除外|以外|外)")
_BENEFICIARY_AFTER = re.compile(
    r"[^，。；：:\s]{0,14}?(企业|行业|机构|经营主体|主体|经营者|个体工商户|生产|单位|农户|业)"
)
# a phrase that is itself the kind of enterprise that benefits (旅行社, 商超, 酒店, 景区 …)
_BENEFICIARY_NOUN = re.compile(r"(企业|机构|社|超市|商超|商场|酒店|宾馆|饭店|景区|影院|剧院|场所|场馆|网吧|歌厅)$")
_NOT_BENEFICIARY_AFTER = re.compile(
    r"^(和信息化)?(厅|局|部|委|园|区|主管|部门|农村|设施|保障|秩序|工具|通道|管制|站|场所|物资|产品|"
    r"人员|职工|员工|岗位|专项|资金)"
)


# a phrase inside the name of a designation an agency confers (省级制造业隐形冠军企业, 家政服务龙头企业)
_DESIGNATION_BEFORE = re.compile(r"级[^，,。；;、：:]{0,6}$")
_DESIGNATION_AFTER = re.compile(r"(业)?(服务)?(单项冠军|隐形冠军|龙头|百强|百家|诚信示范|示范)")


# a short phrase counts only where a word starts (办理发票 holds 理发, 受理发放 too); longer ones are specific
SHORT_PHRASE = 3


@cache
def _segmenter() -> rjieba.Jieba:
    return rjieba.Jieba()


def word_starts(text: str, start: int, end: int) -> set[int]:
    """Offsets in ``text`` where a word of ``text[start:end]`` starts (jieba's segmentation)."""
    return {start + a for _, a, _ in _segmenter().tokenize(text[start:end])}


# right after the phrase, the beneficiary itself (a document title's topic, 制造业强市建设, names none)
_BENEFICIARY_NEXT = re.compile(
    r"(业)?(等[^，。；：:\s]{0,6})?(企业|行业|经营主体|市场主体|个体工商户|商户|经营户|机构)"
)


# the industries a policy already covered, named as its context (在已实施制造业等6个行业…政策基础上): not the
# beneficiaries of the measure extending it
_ALREADY_COVERED_BEFORE = re.compile(r"在(已经?|前期|此前|现有)[^。；，,]{0,8}$")


def find_industries(text: str, start: int, end: int, strict: bool = False) -> list[Found]:
    """Industry enumerations naming the beneficiary in ``text[start:end]``, as one ``in`` condition each;
    ``strict``: only those followed at once by the beneficiary (住宿餐饮企业, 文旅行业), as a title needs."""
    pattern, table = industry_phrases()
    words = word_starts(text, start, end)
    matches = [
        m
        for m in pattern.finditer(text, start, end)
        if (len(m.group()) > SHORT_PHRASE or m.start() in words)
        and not _NOT_BENEFICIARY_AFTER.match(text[m.end() :])
        and not _DESIGNATION_BEFORE.search(text, max(0, m.start() - 7), m.start())
        and not _DESIGNATION_AFTER.match(text, m.end())
        and not inside_citation(text, m.start())
        and not _ALREADY_COVERED_BEFORE.search(text, max(0, m.start() - 12), m.start())
    ]
    found: list[Found] = []
    i = 0
    while i < len(matches):
        j = i
        while j + 1 < len(matches) and _INDUSTRY_JOIN.match(text[matches[j].end() : matches[j + 1].start()]):
            j += 1
        run_start, run_end = matches[i].start(), matches[j].end()
        named_itself = _BENEFICIARY_NOUN.search(matches[j].group())
        if strict:
            beneficiary = bool(named_itself or _BENEFICIARY_NEXT.match(text, run_end, end))
        else:
            beneficiary = bool(
                named_itself
                or _BENEFICIARY_AFTER.match(text, run_end, min(end, run_end + 16))
                or text.startswith("业", run_end)
            )
        if beneficiary:
            codes: list[str] = []
            for m in matches[i : j + 1]:
                codes += [c for c in table[m.group()] if c not in codes]
            excluded = _EXCLUDED_BEFORE.search(text, max(start, run_start - 3), run_start) or _EXCLUDED_AFTER.match(
                text, run_end, end
            )
            op = Op.NOT_IN if excluded else Op.IN
            found.append(Found(run_start, run_end, ConditionSpec(Dim.INDUSTRY, op, codes, text[run_start:run_end])))
        i = j + 1
    return found


# --- qualification, numbers, ownership ----------------------------------------------------------------------
def find_qualifications(text: str, start: int, end: int) -> list[Found]:
    """Qualification and list-membership conditions (the first rule matching a place wins)."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for pattern, values in qualification_rules():
        for m in pattern.finditer(text, start, end):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            op = Op.HAS if len(values) == 1 else Op.IN
            value: object = values[0] if len(values) == 1 else values
            found.append(Found(m.start(), m.end(), ConditionSpec(Dim.QUALIFICATION, op, value, m.group())))
    return found


_NUMBER = r"(\d+(?:\.\d+)?)"
# a threshold: a bound word before the number (不超过300人, 不低于2000万元) and/or after it (300人以下, 50人(含)以上)
_BEFORE = r"(在|为|达到|不超过|不高于|未超过|不多于|不少于|不低于|少于|低于|不足|未满|超过|高于|大于|多于)?"
_AFTER = r"[(（]?(含)?[)）]?(以上|以下|以内|及以上|及以下)?"
_EMPLOYEES = re.compile(
    rf"(职工|员工|从业人员|参保职工|在职职工|参保人数|用工人数)(总)?(人数|数)?{_BEFORE}{_NUMBER}(人|名){_AFTER}"
)
_REVENUE = re.compile(
    rf"(年)?(营业收入|销售收入|主营业务收入|营收)(总额|规模)?(?:首次)?{_BEFORE}{_NUMBER}(万元|亿元){_AFTER}"
)
_BOUND_BEFORE = {
    "不超过": Op.LE,
    "不高于": Op.LE,
    "未超过": Op.LE,
    "不多于": Op.LE,
    "不少于": Op.GE,
    "不低于": Op.GE,
    "达到": Op.GE,
    "少于": Op.LT,
    "低于": Op.LT,
    "不足": Op.LT,
    "未满": Op.LT,
    "超过": Op.GT,
    "高于": Op.GT,
    "大于": Op.GT,
    "多于": Op.GT,
}


def threshold_operator(before: str | None, after: str | None) -> Op | None:
    """The comparison a threshold's words state (the word after the number wins); None for a bare amount."""
    if after:
        return _bound_operator(after)
    return _BOUND_BEFORE.get(before or "")


_AGE = re.compile(
    r"(成立|注册|设立)(?:登记)?(?:之日起)?(时间|年限)?(不满|未满|不足|不超过|在|满|超过)?(\d+(?:\.\d+)?|[一二两三四五六七八九十])年"
    r"(以内|以下|以上|内)?"
)
_YEARS = {c: float(i) for i, c in enumerate("一二三四五六七八九十", start=1)} | {"两": 2.0}


def _bound_operator(word: str, inclusive: bool = True) -> Op:
    if word in ("以上", "及以上"):
        return Op.GE if inclusive else Op.GT
    return Op.LE if inclusive else Op.LT


# amounts a company must reach other than its revenue (零售额达到2000万元以上): revenue_wan on a named fact
_METRIC_FACTS = {
    "年销售收入": "sales_wan",
    "销售收入": "sales_wan",
    "新增量": "sales_wan_increase",
    "零售额": "retail_sales_wan",
    "销售额": "sales_wan",
    "营业额": "turnover_wan",
    "产值": "output_value_wan",
    "纳税额": "tax_paid_wan",
    "投资额": "investment_wan",
    "总投资": "investment_wan",
    "固定资产投资": "investment_wan",
    "融资额": "financing_wan",
    "经济贡献": "economic_contribution_wan",
}
_METRIC = re.compile(
    rf"({'|'.join(_METRIC_FACTS)})(同比增量|增量|同比增长额)?[^，,。；;0-9]{{0,8}}?(达到|超过|突破|不低于|不少于|超|达)?"
    r"\s*(\d+(?:\.\d+)?)\s*(万元|亿元)(?:人民币)?\s*(?:[(（]含[)）])?\s*(以上|及以上|以下|以内)?"
)


def find_metric_thresholds(text: str, start: int, end: int) -> list[Found]:
    """Thresholds on a company's sales, output, tax paid or investment, each read from its own fact."""
    found: list[Found] = []
    for m in _METRIC.finditer(text, start, end):
        if not (m.group(3) or m.group(6)):
            continue  # an amount, not a threshold
        amount = float(m.group(4)) * (10000 if m.group(5) == "亿元" else 1)
        fact = _METRIC_FACTS[m.group(1)]
        if m.group(2) and not fact.endswith("_increase"):
            fact += "_increase"
        op = Op.LE if m.group(6) in ("以下", "以内") else Op.GE
        found.append(Found(m.start(), m.end(), ConditionSpec(Dim.REVENUE_WAN, op, amount, m.group(), fact)))
    return found


# a list or rank an agency confers (省级小微企业园, 国家级…示范基地, 五星级…): holding it is a qualification
# a level, or a list of levels (国家级、自治区级; 国家、省、市级)
_LEVEL = r"(?:国家|省|自治区|市|州|区|县)"
_LEVELS = rf"(?:(?:{_LEVEL}级?[、和及或与])*{_LEVEL}级|[一二三四五]星级)"
_CONFERRED = re.compile(
    rf"{_LEVELS}(?!以下|财政|政府|人民政府|部门|主管)[^，,。；;、（）()的]{{0,16}}"
    r"(企业园|小微企业园|示范园区|园区|示范基地|基地|孵化器|众创空间|技术中心|设计中心|研究中心|研发中心|创新中心|"
    r"工程中心|重点实验室|实验室|研究院|研发机构|工作站|重点项目|示范企业|龙头企业|企业)"
    r"|[1-5１-５一二三四五]A级(及以上)?(旅游)?景区|[三四五]星级(及以上)?(旅游)?(饭店|酒店)"
)


# …or that a measure rewards obtaining: 评为/认定为/列入/入选/获批/获得/通过 X (名单, 工厂, 产品, 评估 …), also a
# list of levels (国家级、省级软件名园; 评定为国家甲级、乙级的旅游民宿)
_CONFERRING = re.compile(
    r"(?:评为|评定为|认定为|被认定为|创建为|列入|纳入|入选|入围|获评|获批(?:牵头)?(?:建设|组建)?的?|获得|取得|荣获|通过"
    r"|(?:经[^，,。；;]{0,12})?认定的)"
    r"([^，,。；;的]{2,30}?(?:(?<=级)的[^，,。；;的]{0,6}?)?"
    r"(?:名单|目录|工厂|车间|产品|软件|基地|园区|中心|平台|实验室|研究院|研发机构|评估|评定|认证|许可|证书|批件|成果|"
    r"示范企业|龙头企业|百强企业|重点企业|旅游景区|景区|民宿|饭店|酒店))"
)


# when the designation must have been obtained (当年认定为, 首次通过, 当年新增认定): a condition of its own
_WHEN_CONFERRED = re.compile(
    rf"((?:当年|同年|本年度|年度内|首次|新增|新获|新(?=认定|评定|评为|获评|获批|列入|入选|通过))+被?"
    rf"(?:认定为?|评定为?|评为|获评|获批|列入|入选|通过)?)(?:{_LEVELS})?$"
)


def find_conferred(text: str, start: int, end: int) -> list[Found]:
    """``has`` qualification conditions for the designations an agency confers that a measure names, or
    rewards obtaining."""
    found = [
        Found(m.start(), m.end(), ConditionSpec(Dim.QUALIFICATION, Op.HAS, [m.group()], m.group()))
        for m in _CONFERRED.finditer(text, start, end)
    ]
    for m in _CONFERRING.finditer(text, start, end):
        if not any(f.start <= m.start(1) < f.end for f in found):
            name = m.group(1)
            found.append(Found(m.start(1), m.end(1), ConditionSpec(Dim.QUALIFICATION, Op.HAS, [name], name)))
    return found


def find_when_conferred(text: str, start: int, designations: list[Found]) -> list[Found]:
    """``other`` conditions for when each designation must have been obtained (当年认定为, 首次通过 …)."""
    found: list[Found] = []
    for designation in designations:
        when = _WHEN_CONFERRED.search(text, max(start, designation.start - 14), designation.start)
        if when and when.end(1) > when.start(1) and not any(f.start == when.start(1) for f in found):
            found.append(Found(when.start(1), when.end(1), ConditionSpec(Dim.OTHER, Op.EQ, True, when.group(1))))
    return found


# a growth threshold on the company's figures (增速达到20%以上, 同比增长10%以上): checked as its own wording
# …or a fall (营业收入同比下降30%以上, 降幅超过50%): the figure a measure for hard-hit firms requires
_GROWTH = re.compile(
    r"(?:增速|增幅|增长率|同比增长|同比增幅|同比下降|同比减少|下降幅度|降幅|减少幅度)(?:达到|不低于|超过|高于|在)?"
    r"\s*\d+(?:\.\d+)?\s*[%％](?:以上|及以上)?"
    # …or growth of a named figure without a number (营业额增长给予奖励, 零售额同比正增长的)
    r"|(?:零售额|营业额|销售额|营业收入|销售收入|主营业务收入|产值|增加值)(?:同比|较上年)?(?:实现)?正?增长(?![率速幅])"
)


def find_growth_thresholds(text: str, start: int, end: int) -> list[Found]:
    """``other`` conditions (unknown) for growth thresholds a measure sets."""
    return [
        Found(m.start(), m.end(), ConditionSpec(Dim.OTHER, Op.EQ, True, m.group()))
        for m in _GROWTH.finditer(text, start, end)
    ]


def find_numbers(text: str, start: int, end: int) -> list[Found]:
    """Employee, revenue and company-age thresholds."""
    found: list[Found] = []
    for m in _EMPLOYEES.finditer(text, start, end):
        op = threshold_operator(m.group(4), m.group(8))
        if op is not None:
            found.append(Found(m.start(), m.end(), ConditionSpec(Dim.EMPLOYEES, op, float(m.group(5)), m.group())))
    for m in _REVENUE.finditer(text, start, end):
        op = threshold_operator(m.group(4), m.group(8))
        if op is not None:
            amount = float(m.group(5)) * (10000 if m.group(6) == "亿元" else 1)
            found.append(Found(m.start(), m.end(), ConditionSpec(Dim.REVENUE_WAN, op, amount, m.group())))
    for m in _AGE.finditer(text, start, end):
        years = _YEARS.get(m.group(4)) or float(m.group(4))
        if m.group(5) == "以上" or m.group(3) in ("满", "超过"):
            op = Op.GT if m.group(3) == "超过" else Op.GE
        else:
            op = Op.LT if m.group(3) in ("不满", "未满", "不足") else Op.LE
        found.append(Found(m.start(), m.end(), ConditionSpec(Dim.AGE_YEARS, op, years, m.group())))
    return found


_OWNERSHIP = (
    (re.compile(r"民营[^，,。；;、]{0,4}?企业|非公有制企业"), ["民营"]),
    (re.compile(r"外资企业|外商投资企业"), ["外资", "港澳台资"]),
    # 个体工商户 as the head of the subject phrase (对个体工商户…, 对…停业的定期定额个体工商户), not one of a list
    (re.compile(r"(?<=对)个体工商户(?![和与及、或])|(?<=的)(定期定额)?个体工商户(?![和与及、或])"), ["个体工商户"]),
)
# 定期定额户 (individual businesses taxed on a fixed quota) as the subject of the measure's first sentence
_FIXED_QUOTA = re.compile(r"^[^。；;]*?(?<=[对的])([“\"]?定期定额[”\"]?户)")
# government bodies and public institutions left out (不含机关事业单位, 机关、事业单位除外): ``not_in`` 机关事业单位
_PUBLIC_BODIES_LEFT_OUT = re.compile(
    r"(不含|不包括|除)(党政)?机关[、和及]?事业单位|(党政)?机关[、和及]?事业单位(除外|以外)"
)
PUBLIC_BODIES = "机关事业单位"


def find_ownership(text: str, start: int, end: int) -> list[Found]:
    """Ownership restrictions (民营, 外资, 个体工商户 alone) named as the beneficiary, and public bodies left out."""
    found: list[Found] = []
    for pattern, values in _OWNERSHIP:
        m = pattern.search(text, start, end)
        if m:
            found.append(Found(m.start(), m.end(), ConditionSpec(Dim.OWNERSHIP, Op.IN, values, m.group())))
    m = _FIXED_QUOTA.match(text[start:end])
    if m and not any(f.condition.value == ["个体工商户"] for f in found):
        a, b = start + m.start(1), start + m.end(1)
        found.append(Found(a, b, ConditionSpec(Dim.OWNERSHIP, Op.IN, ["个体工商户"], text[a:b])))
    m = _PUBLIC_BODIES_LEFT_OUT.search(text, start, end)
    if m:
        found.append(Found(m.start(), m.end(), ConditionSpec(Dim.OWNERSHIP, Op.NOT_IN, [PUBLIC_BODIES], m.group())))
    return found


# --- behaviour and other -----------------------------------------------------------------------------------
def _stated_number(numeral: str) -> float:
    """The number a cue states, in digits (3.62) or as a Chinese numeral (三, 十二)."""
    parsed = chinese_number(numeral)
    return float(numeral) if parsed is None else float(parsed)


def find_behaviour(text: str, start: int, end: int) -> list[Found]:
    """Behaviour/other cue phrases, every occurrence (first cue wins where two overlap), so that each is masked
    from the restrictions left over; the measure keeps one condition per fact (the first)."""
    found: list[Found] = []
    for pattern, dim, fact, op, value in behaviour_cues():
        for m in pattern.finditer(text, start, end):
            if any(f.start < m.end() and m.start() < f.end for f in found):
                continue
            stated = _stated_number(m.group("n")) if value is None else value  # None: the number the phrase states
            found.append(Found(m.start(), m.end(), ConditionSpec(dim, op, stated, m.group(), fact)))
    return found


# "对(于)……的" and "……的，" phrases restrict the beneficiary
_TARGET = re.compile(r"对于?([^。；]{2,70}?)的")
_CONDITIONAL = re.compile(r"(?:^|[，,：:])([^，,。；：:]{3,90})的[，,]")
# a sentence whose whole opening states who qualifies: "用人单位招用……、按月足额发放……工资的，可按规定申请……"
_LEADING_CONDITION = re.compile(
    r"(?:^|[。；;：:\s）)])([^。；;：:]{4,160}?)的[，,]\s*(?:可|均可|给予|按|予以|享受|免|减|返还|补贴|奖励|由)"
)
# "增值税一般纳税人生产销售抗癌药品，可选择…": the part before "，可…" says who and what qualifies
_OPENING_BEFORE_OPTION = re.compile(
    r"(?:^|[。；;：:\s）)，,])([^，,。；;：:\s]{4,60})[，,]\s*(?:可选择|可以选择|可按|可|均可|准予|允许)"
)
# "X的企业，…" opening a sentence, and "对 X 企业" without 的: X restricts the beneficiary
_BENEFICIARY = r"(?:企业|单位|个体工商户|经营主体|市场主体|主体|车主|农户|用户|商户|机构|纳税人|项目)"
_SUBJECT = re.compile(rf"(?:^|[。；：:、）)\s])([^，,。；：:\s]{{3,60}}?)的{_BENEFICIARY}[，,]")
_TARGET_NOUN = re.compile(rf"对于?([^。；，,的]{{2,40}}?){_BENEFICIARY}")
# "鼓励企业 X，并给予…", "支持和鼓励民营企业 X，按…给予": doing X is the condition of the reward
_ENCOURAGED = re.compile(
    r"(?:鼓励|支持)(?:和|并|、)?(?:鼓励|支持)?([^。；，,]{0,10}?(?:企业|单位|经营主体|机构)[^。；]{4,80}?)[，,]"
    r"[^。；]{0,24}(?:给予|予以)"
)
# …also where the grant comes in a later sentence of the measure: a firm encouraged to act (支持制造业企业开展…转型),
# or a firm's act as the sentence's condition (…企业实施工业投资项目的，追加补助…)
_ACT = r"(?:开展|实施|建设|推进|开发|应用|研发|参加|参与|引进|购置|建立|创建|联合|申报|投资)"
_ENCOURAGED_ACT = re.compile(
    rf"(?:鼓励|支持)(?:和|并|、)?(?:鼓励|支持)?([^。；，,]{{0,10}}?(?:企业|单位|经营主体){_ACT}[^，,。；;]{{2,40}})"
)
_FIRM_ACTS = re.compile(rf"(?:企业|单位)({_ACT}[^，,。；;的]{{2,30}}?)的(?=[，,])")
# words that restrict nothing by themselves
_FILLER = re.compile(
    r"应对|疫情(?!防控)|新型冠状病毒感染的?肺炎|新型冠状病毒感染|新型冠状病毒|新冠肺炎疫情|肺炎疫情|受新冠肺炎疫情影响|受疫情影响|因疫情影响|受疫情冲击|疫情防控期间|疫情期间|期间|新冠肺炎|相关|各类|其他|有关|"
    r"疫情原因|原因|导致|造成|确实|取得的?收入|取得|措施|以及|而|但|且|并|年度|须|"
    r"企业|行业|单位|个体工商户|纳税人|个人|经营主体|主体|本市|我市|全市|本省|我省|全省|本区|全区|辖区|我区|在|因|的|等|及|和|与|或|已|"
    r"均|全部|所有|各|其|对|于|为|中|上述|以下|以上|条件|符合|规定|确|\d+|[、，,（）()“”\s]"
)
MIN_RESIDUAL = 2
_SCOPE_OPENERS = "。；;：:，,、）)\n "


def find_target_residuals(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[Found]:
    """Beneficiary restrictions left over after the known conditions: kept as ``other`` conditions (unknown)."""
    found: list[Found] = []
    patterns = (
        _TARGET,
        _CONDITIONAL,
        _ENCOURAGED,
        _ENCOURAGED_ACT,
        _FIRM_ACTS,
        _LEADING_CONDITION,
        _TARGET_NOUN,
        _OPENING_BEFORE_OPTION,
    )
    spans = [(m.start(1), m.end(1)) for pattern in patterns for m in pattern.finditer(text, start, end)]
    # a subject phrase may open the scope, after the punctuation that ends the sentence before it ("^" does not
    # match at a search's start position)
    lo = start - 1 if start > 0 and text[start - 1] in _SCOPE_OPENERS else start
    spans += [_without_opening(text, m.start(1), m.end(1)) for m in _SUBJECT.finditer(text, lo, end)]
    for a, b in sorted(set(spans)):
        if any(fa <= a and b <= fb for fa, fb in ((f.start, f.end) for f in found)):
            continue
        if restricts(text, a, b, taken):
            found.append(Found(a, b, ConditionSpec(Dim.OTHER, Op.EQ, True, text[a:b])))
    return found


def find_encouraged_acts(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[Found]:
    """``other`` conditions for the acts a measure's leading sentences encourage a firm to do (支持制造业企业开展
    …转型。…每家给予奖励): the grant that follows rewards them."""
    return [
        Found(m.start(1), m.end(1), ConditionSpec(Dim.OTHER, Op.EQ, True, m.group(1)))
        for m in _ENCOURAGED_ACT.finditer(text, start, end)
        if restricts(text, m.start(1), m.end(1), taken)
    ]


# what opens a subject phrase without restricting: an item's number, 对(于), 针对, 就
_OPENING_WORDS = re.compile(r"(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、．.])?\s*(?:对于|针对|对|就)?")


def _without_opening(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a subject phrase without its item number and its opening 对/对于/针对/就."""
    opening = _OPENING_WORDS.match(text, start, end)
    return (opening.end() if opening and opening.end() < end else start), end


def restricts(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    """Whether ``text[start:end]`` still restricts the beneficiary once the spans ``taken`` by known conditions
    and the words that restrict nothing by themselves are left out."""
    chars = list(text[start:end])
    for ta, tb in taken:
        for k in range(max(ta, start), min(tb, end)):
            chars[k - start] = " "
    return len(_FILLER.sub("", "".join(chars))) >= MIN_RESIDUAL
