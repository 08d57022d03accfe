"""What may yield a support measure: the document kind first, then the clause.

A support measure is a provision of an agency's policy document that grants an enterprise a benefit it can
obtain. Statutes declare policy (their implementing documents grant it), news reports and interviews restate
it, question-and-answer pages explain it, work reports count it; none of them is a measure. Inside a policy
document, directives to agencies, banks or localities (各地要…, 金融机构要…, 不得…, 鼓励银行…, 对…企业，税务机关要…),
grants to the financial sector (对…的金融机构，给予补贴) and statistics (已减免…万元, 预计…) are not measures
either. Each gate returns the reason it refuses, so the refusal can be shown and tested; ``None`` lets the text
through.

The cues are general wording of the genres (发布会, 记者, 问：, 各地要 …), never phrases of one document.
"""

from __future__ import annotations

import re

from ontology.model import STATUTE_TYPES, DocumentType

# document types that never grant: statutes and judicial texts, and the informational genres
_NON_GRANTING_TYPES = STATUTE_TYPES | {
    DocumentType.WORK_REPORT,
    DocumentType.PROPOSAL_REPLY,
    DocumentType.NEWS_REPORT,
    DocumentType.INTERPRETATION,
    DocumentType.CASE,
}
# words an agency's document title ends with (通知, 若干措施 …), possibly before a bracketed number
_DOCUMENT_TITLE = re.compile(
    r"(通知|意见|措施|办法|细则|规定|决定|公告|通告|方案|指南|政策|条|规则|要点|清单|函|批复|令)"
    r"(\s*[（(][^）)]{0,12}[)）])?\s*$"
)
# the voice of a report about a policy: a press conference, a reporter, hearsay, an interview
_NEWS_VOICE = re.compile(
    r"新闻发布会|发布会上|记者|据悉|据了解|导读|访谈|[0-9一二三四五六七八九十]+日电|昨天|昨日|今天上午|今天下午|"
    r"网友|专访|答问|介绍说|表示[，,：:]|一图读懂|图解|解读"
)
_REPORT_OPENING = re.compile(r"^(近日|日前|近期|当前|连日来|疫情发生以来|今年以来)")
# a headline, not a document's title: a question or exclamation, a column tag (【今日头条】), a source before a
# colon (税务总局：…, 人民日报：…)
_HEADLINE = re.compile(r"[？?！!]|^【[^】]{1,10}】|^[^：:，。]{2,10}[：:]")
# a named speaker's words reported (副局长…介绍, 负责人表示): the voice of a report, anywhere in its opening
_SPEAKER = re.compile(
    r"(局长|主任|处长|科长|负责人|市长|书记|发言人|经理|董事长)[^，。；“”]{0,8}(介绍|表示|说|指出|透露)"
)
# the promulgation formula of an agency's own document (现将…印发给你们, 特制定以下措施, 特此公告): a page that carries
# it under a title ending like an agency document is the document reposted, whatever byline its header shows
_PROMULGATION = re.compile(
    r"印发给你们|现予印发|特制定(以下|如下|本)|制定(如下|以下)(政策)?措施|现提出(如下|以下)|特此公告"
)
_QA_TITLE = re.compile(r"问答|解答|答疑|问题解答|知识|有问必答|你问我答|权威解答")
_QA_TURN = re.compile(r"(^|\s)(问[:：]|答[:：]|[0-9]{1,2}[、.．]\s*[^。？?\n]{4,60}[？?])")


def document_refusal(doc_type: str, title: str, norm_text: str) -> str | None:
    """Why a document yields no support measure (its kind), or ``None`` when it may."""
    agency_title = bool(_DOCUMENT_TITLE.search(title.strip()))
    if doc_type == DocumentType.WORK_REPORT and agency_title:
        doc_type = DocumentType.POLICY_DOCUMENT  # an agency's notice that the metadata took for a report
    if doc_type == DocumentType.NEWS_REPORT and agency_title and _PROMULGATION.search(norm_text[:3000]):
        doc_type = DocumentType.POLICY_DOCUMENT  # an agency's document reposted on a page with a byline
    if doc_type in _NON_GRANTING_TYPES:
        return f"{doc_type}不直接授予企业扶持（由实施文件授予）" if doc_type != DocumentType.NEWS_REPORT else "新闻报道"
    head = norm_text[:400]
    if _QA_TITLE.search(title) or len(_QA_TURN.findall(norm_text[:3000])) >= 3:
        return "问答"
    body = head[len(title) :] if head.startswith(title) else head
    if _NEWS_VOICE.search(head) and not agency_title:
        return "新闻报道"
    if agency_title:
        return None
    after_title = norm_text[len(title) : len(title) + 2] if norm_text.startswith(title) else ""
    if _REPORT_OPENING.match(body.strip()) or _HEADLINE.search(title) or _HEADLINE.match(after_title):
        return "新闻报道"
    if _SPEAKER.search(norm_text[:3000]):
        return "新闻报道"
    return None


# a clause addressed to agencies, banks, insurers or localities rather than granting the enterprise
_GOVERNMENT = (
    r"人民银行[^，。；]{0,8}(分支机构|各分行)?|各地|各级|各区|各县|各市|各省|各有关|各部门|各单位|有关部门|相关部门|各级财政|税务部门|人社部门|财政部门|"
    r"主管部门|行业主管部门|市场监管部门|街道|乡镇|园区管委会"
)
_FINANCIAL = r"各类金融机构|银行业金融机构|金融机构|保险机构|商业银行|政策性银行|开发性银行|地方法人银行|各银行|各保险"
_ADDRESSEE = rf"({_GOVERNMENT}|{_FINANCIAL})"
# a directive to government that still grants an enterprise something (各地要对…企业予以减免, 可…免征中小微企业
# …社会保险) is a measure
_GRANTS_ENTERPRISE = re.compile(
    r"对[^。；]{0,60}(企业|个体工商户|经营主体|市场主体|农户|用户|主体)[^。；]{0,40}"
    r"(给予|予以|纳入[^。；]{0,10}(贴息|补贴|补助)|减免|免收|免征|返还|补贴|补助|奖励|贴息)"
    r"|可[^。；]{0,40}(免征|减免|减半征收|缓缴|返还|补贴|补助|贴息)[^。；]{0,20}(企业|个体工商户|参保单位|经营主体)"
)
# who may obtain a measure: a measure that names no enterprise-like beneficiary (保持流动性合理充裕) is policy
# talk, not something an enterprise can claim
BENEFICIARY = re.compile(
    r"企业|单位|个体工商户|经营主体|市场主体|纳税人|缴费人|商户|用户|农户|主体|承租|出租人|用人单位|参保|雇主|"
    r"经营者|业户|厂|公司|合作社|园区|项目|车主|店|车间|工坊|(人力资源服务|职业介绍|职介|中介|培训|托育|养老)机构|"
    r"旅行社|景区|酒店|宾馆|饭店|民宿"
)
_DIRECTIVE = re.compile(
    rf"^{_ADDRESSEE}[^。；]{{0,40}}(要|应|确定|结合|会同|继续|通过|应当|须|必须|务必|不得|积极|加大|做好|加强|落实|督促|指导|确保|认真|切实|主动|"
    r"严格|及时|全力|强化|牵头|负责)"
    r"|^(要|严禁|不得|禁止|督促|指导|强化|加强|做好|确保|严格|切实|认真|坚决)"
    rf"|^请{_ADDRESSEE}"  # 请各单位按照…: a request to the agencies addressed
)
# numbers achieved, counted or estimated: a total, not what one enterprise obtains
_STATISTIC = re.compile(
    r"(已|累计|共计|预计|合计|截至|目前已|共为|为[0-9]+家|惠及|涉及)[^。；]{0,24}[0-9]+(\.[0-9]+)?\s*(万|亿)?\s*"
    r"(元|户|家|人|笔|次|个(?!行业|领域|方面|产业|门类|类))"  # 6个行业 counts kinds of firm, not firms served
)
# the duty of an agency or a bank after the enterprises it serves (对…的企业，税务机关要加快审核…): a directive, unless
# a grant comes before it (对…单位，可延期缴纳…，各地税务机关要做好…)
_AGENCY_DUTY = re.compile(
    rf"^对[^。；]{{0,80}}?[，,]\s*(?P<who>{_ADDRESSEE}|[^，。；]{{0,6}}(税务机关|部门|机构|银行))[^，。；]{{0,4}}"
    r"(要(?!求)|应当?|须|必须|不得)"
)
# an opening 认真落实/落实… that names the enterprise and the relief it gets (认真落实…小规模纳税人…免征增值税政策): a
# measure restated, not a duty of an agency
_IMPLEMENTS_GRANT = re.compile(
    r"^(认真|切实|严格|全面)?(落实|执行)[^。；]{0,80}(企业|纳税人|个体工商户|经营主体|市场主体|缴费人|商户)[^。；]{0,60}"
    r"(免征|减免|减征|减半|退还|返还|缓缴|补贴|补助|贴息)[^。；]{0,20}政策"
)
# an encouragement of others (鼓励银行…对企业给予…, 鼓励各级财政…): a directive, unless the enterprise itself is
# encouraged or a later part grants (鼓励X…，对…给予一次性奖励)
_ENCOURAGED = re.compile(
    r"^(?:对[^。；;，,]{0,40}[，,]\s*)?鼓励(?!企业|用人单位|个体工商户|经营主体|市场主体|中小微企业|小微企业|中小企业)"
)
# what banks are asked to keep doing (对…企业不抽贷、不断贷、不压贷): an exhortation to lenders, unless the state pays
_LENDERS_PRACTICE = re.compile(r"不抽贷|不断贷|不压贷|不惜贷|不盲目抽贷")
_STATE_PAYS = re.compile(r"贴息|补贴|补助|奖励|奖补|财政")
_LATER_GRANT = re.compile(r"[，,][^。；]*(给予|予以|补贴|补助|奖励|贴息)")
_GRANTS = r"可|给予|予以|免|减|补贴|补助|奖励|贴息|返还|退还"
_GRANT_BEFORE = re.compile(_GRANTS)
# a grant whose beneficiary is a bank, insurer or guarantor (对…提供信用贷款的金融机构，按本金的20%予以补贴): an
# incentive for the financial sector, not a benefit an enterprise it serves can claim
_LENDERS = rf"{_FINANCIAL}|银行机构|银行|融资担保公司|融资担保机构|再担保公司|再担保机构|担保公司|担保机构|证券公司"
_FINANCIAL_BENEFICIARY = re.compile(
    rf"^(?:{_GOVERNMENT}|[^，,。；;]{{0,4}}财政)?对[^。；]{{0,60}}?({_LENDERS})(?:[，,]|给予|予以|免收|减免|减收)"
)
# a lender or guarantor as the actor (省再担保公司对…项目，取消反担保要求; a 政府性 guarantor is the state's), or
# others urged to act (支持各银行业金融机构对…, 号召国有企业…): a lender's or landlord's practice, no state grant
_LENDER_ACTS = re.compile(rf"^(?![^，,。；;]{{0,8}}政府性)[^，,。；;]{{0,8}}?({_LENDERS})[^，,。；;]{{0,4}}?对")
_URGED = re.compile(
    rf"^(?:[^。；;]{{0,30}}[，,])?(支持|引导|推动|号召|督促)(各类?|各级|市属、区属|市属|区属)?({_LENDERS}|国有企业|业主|房东)"
)
_DIRECTIVE_REASON = "对机关、金融机构或地方的工作要求"
# a preface that announces what follows (现就…有关事项通知如下：, 现将有关事项公告如下：, 特制定如下指导意见。)
_PREFACE = re.compile(
    r"(通知|公告|通告|明确|规定|说明)如下\s*[:：]?\s*$|(特|现)制定(如下|以下|本)[^。；;，,]{0,10}\s*[:：。]?\s*$"
)
# a document's title or an annex line repeated in its text (…关于印发…的通知, 附件：…)
_TITLE_LINE = re.compile(
    r"^[^《。；;，,]{0,40}关于(印发|组织|开展|做好|下达|申报)[^。；;》]{0,80}(通知|意见|公告|公示)(?!》)|^附件\s*\d*\s*[:：]"
)
# a policy list's procedure field (申报程序：…, 办理流程：…)
PROCEDURE_FIELD = r"(?:申报|申请|办理)(?:程序|流程|方式|材料)\s*[:：]"
# a request to apply (请…企业据实申报、填写…报至…) or a procedure field: how to apply, not what is granted
_APPLICATION_STEP = re.compile(rf"^请(?!{_ADDRESSEE})[^。；;]{{0,40}}(申报|报送|提交|填写|报至)|^{PROCEDURE_FIELD}")
# an honour of a place (对新评定为…旅游休闲街区的, …重点镇(乡)、…小镇的): granted to a locality, not an enterprise
_PLACE_BENEFICIARY = re.compile(
    r"^对(?P<who>[^，,。；;]{0,50}?(示范区|街区|重点镇|重点村|旅游村|小镇|乡镇)([(（]乡[)）])?)(?=的?[，,、]|的?本级|给予|分别)"
)
# a limit on enjoying other measures (一个企业只能享受一次…奖励, 同一项目不重复享受): no benefit of its own
_ONCE_ONLY = re.compile(
    r"^(同一|一个|每个|每家)?(企业|项目|单位|主体)[^。；;，,]{0,12}(只能|仅能|不得重复|不重复|限)享受"
)
_GRANT_MODAL = re.compile(r"给予|可申请|可享受|可按|最高|不超过|予以")
# scope statements and definitions (以上政策适用于…, 本措施所称…) and provisions for individuals
_DEFINITION = re.compile(
    r"^(附则\s*)?(以上|上述|本)(政策|措施|条款|通知|意见|办法|细则)[^。；]{0,6}(适用|所称|所指|特指|中的)"
)
# 个人 in a contribution or a tax (个人缴费, 个人基本养老保险费, 个人所得税) names what is paid, not who benefits
_PAID_BY_PERSON = r"所得税|缴费|缴纳|应缴|负担|基本养老|基本医疗|养老保险|医疗保险|失业保险|社会保险|社保"
_PERSON = rf"(个人(?!{_PAID_BY_PERSON})|职工|居民|患者|医务人员|医护人员|劳动者|求职者|毕业生|农民工)"
_INDIVIDUAL = re.compile(rf"^[^。；，,]{{0,12}}{_PERSON}")
_INDIVIDUAL_SUBJECT = re.compile(rf"^(对|向|为)?{_PERSON}(?![和与及、]企业)")
# a subject phrase whose head is a person (对从事…研发的科研带头人及其团队…给予): talent support, not a grant to a firm
_PERSON_HEAD = re.compile(
    rf"^对于?[^，,。；;]{{0,60}}的[^，,。；;的]{{0,6}}?({_PERSON}|带头人|人才|团队|专家)(及其团队)?(?=[，,]|优先|给予|可|按)"
)
_ENTERPRISE = re.compile(r"企业|单位|个体工商户|经营主体|市场主体|纳税人|缴费人|商户")
_MARKER = re.compile(r"^\s*([（(]?[一二三四五六七八九十0-9]{1,3}[)）、．.]\s*)+")
# what is already in place (在落实好…税收减免政策的基础上): a grant named there is the context, not this clause's
_EXISTING_CONTEXT = re.compile(r"在[^。；]*?的基础上")
_GRANT_WORDS = re.compile(rf"{_GRANTS}|扣除|延长|延期|缓缴|优惠")


def clause_refusal(clause_text: str) -> str | None:
    """Why a clause is no support measure (a statistic, a definition, a provision for individuals or for the
    financial sector, a directive), or ``None`` when it may be one."""
    text = _MARKER.sub("", clause_text).strip()
    if _STATISTIC.search(text) and not _GRANT_MODAL.search(text):
        return "统计数字"
    if _DEFINITION.search(text):
        return "适用范围或定义"
    if _PREFACE.search(text):
        return "引言"
    if _TITLE_LINE.search(text):
        return "标题"
    if _APPLICATION_STEP.search(text):
        return "申报程序"
    if _ONCE_ONLY.search(text):
        return "享受限制"
    place = _PLACE_BENEFICIARY.search(text)
    if place and not _ENTERPRISE.search(place.group("who")):
        return "面向地区"
    if _EXISTING_CONTEXT.search(text) and not _GRANT_WORDS.search(_EXISTING_CONTEXT.sub("", text)):
        return "只提及已有政策"
    if (_INDIVIDUAL.search(text) and not _ENTERPRISE.search(text)) or _INDIVIDUAL_SUBJECT.search(text):
        return "面向个人"
    person = _PERSON_HEAD.match(text)
    if person and not _ENTERPRISE.search(person.group()):
        return "面向个人"
    directive = _DIRECTIVE.search(text)
    grants = (re.match(_GOVERNMENT, text) and _GRANTS_ENTERPRISE.search(text)) or _IMPLEMENTS_GRANT.match(text)
    if directive and not grants:
        return _DIRECTIVE_REASON
    if _FINANCIAL_BENEFICIARY.search(text):
        return "面向金融机构"
    if _ENCOURAGED.match(text) and not _LATER_GRANT.search(text):
        return _DIRECTIVE_REASON
    lenders = _LENDERS_PRACTICE.search(text) or _LENDER_ACTS.match(text) or _URGED.match(text)
    if lenders and not _STATE_PAYS.search(text):
        return _DIRECTIVE_REASON
    duty = _AGENCY_DUTY.search(text)
    if duty and not _GRANT_BEFORE.search(text, 0, duty.start("who")):
        return _DIRECTIVE_REASON
    return None
