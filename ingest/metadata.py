"""Document metadata from the text (and, for LawRefBook files, its catalogue): title, 文号, issuers, dates,
document type, level and region.

Pure functions over the stored text and its Simplified twin; spans of dated events are into the stored text.
Rules, in the order they are tried, are written next to each field; what a document does not say stays
``None`` rather than being guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest import lawrefbook
from ingest.mentions import Mention, canonical_body_name, find_bodies, find_regions, gazetteer, region_surfaces
from ingest.readers import DeclaredMetadata, SourceDocument
from ingest.structure import body_start
from ontology.model import DocumentType, RegionLevel
from ontology.reference import NATIONAL_CODE, Region

_MD_HEADING = re.compile(r"^#[ \t]+(?P<text>[^\n]*?)\s*(?:<!--.*?-->)?\s*$", re.M)
_EVENT_LINE = re.compile(
    r"^[ \t\u3000]*(?P<date>(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日)"
    r"[ \t\u3000]*(?P<what>[^\n]*)$",
    re.M,
)
# 政策解读: a text that explains a policy (《…》政策解读, 一图读懂…, 解读…通知) rather than being one
_INTERPRETATION_TITLE = re.compile(r"解读|一图读懂|图解|答记者问")
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")
# A statute's or policy's own entry-into-force sentence (本法自2024年1月1日起施行; 本通知自印发之日起施行).
_IN_FORCE_DATED = re.compile(
    r"自\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起\s*(?:施行|生效|实施|执行)"
)
_IN_FORCE_ON_ISSUE = re.compile(r"自\s*(?:公布|发布|印发|颁布)之日\s*起\s*(?:施行|生效|实施|执行)")
_IN_FORCE_TAIL = 800  # the sentence closes the text: its last article, or the closing lines of a notice
_DOC_NUMBER = re.compile(
    r"(?:^|(?<=[\s|]))(?P<n>[\u4e00-\u9fff]{1,12}[〔［\[【(（](?:19|20)\d{2}[〕］\]】)）]第?\d{1,5}号)(?=[\s|]|$)",
    re.M,
)
_ORDER_NUMBER = re.compile(r"(?P<n>(?:[\u4e00-\u9fff]{1,16})令(?:（?\d{4}年?）?)?第\s*\d{1,5}\s*号)")
_NEWS_SOURCE = re.compile(r"^\(?\s*(?P<date>\d{4}-\d{2}-\d{2})\s*\)?\s*稿件来源[:：]\s*(?P<source>[^\s|]+)", re.M)
# a news page's byline; an empty 作者: field of a site's page header (来源: 作者: 时间:…) names no author, and one
# naming an agency (作者:佳县人社局) names the page's publisher
_NEWS_CUES = re.compile(
    r"本报记者|本报讯|记者\s*[\u4e00-\u9fff]{2,3}|稿件来源|责任编辑|新华社|[网报]记者|"
    r"作者[:：][ \t\u3000]*(?!时间|日期|来源|发布|浏览|点击|字号)"
    r"(?![\u4e00-\u9fff]{1,14}(局|厅|委|办|办公室|中心|政府|站|署)(?![\u4e00-\u9fff]))[\u4e00-\u9fffA-Za-z]"
)
_REPLY_CUES = re.compile(r"复函|答复|办理简述|建议正文|提案正文")
_REPORT_CUES = re.compile(r"工作报告|年度报告|情况报告|主要工作情况如下|工作情况报告|推进法治政府建设的主要举措")
_ISSUER_HEADING = re.compile(r"(?:局|厅|委员会|办公室|人民政府|文件)$")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_LEADING_TIME = re.compile(r"^(?:近日|日前|近年来|近期|今年以来|目前)[，,、]?")
_TITLE_PUNCT = re.compile(r"[，,。；;：:！!？?]")
_TITLE_ENDINGS = re.compile(
    r"(?:通知|意见|办法|规定|决定|条例|细则|方案|公告|通告|批复|函|建议|报告|规划|措施|指引|解释)$"
)
_RULE_TYPES = {
    "法律": DocumentType.LAW,
    "宪法": DocumentType.CONSTITUTION,
    "行政法规": DocumentType.ADMINISTRATIVE_REGULATION,
    "司法解释": DocumentType.JUDICIAL_INTERPRETATION,
    "部门规章": DocumentType.DEPARTMENTAL_RULE,
    "地方性法规": DocumentType.LOCAL_REGULATION,
    "地方政府规章": DocumentType.LOCAL_GOVERNMENT_RULE,
    "案例": DocumentType.CASE,
    "其他": DocumentType.OTHER,
}
_LAW_FOLDERS = frozenset(
    {"宪法相关法", "民法商法", "行政法", "经济法", "社会法", "刑法", "诉讼与非诉讼程序法", "民法典"}
)
_FOLDER_TYPES = {
    "宪法": DocumentType.CONSTITUTION,
    "行政法规": DocumentType.ADMINISTRATIVE_REGULATION,
    "司法解释": DocumentType.JUDICIAL_INTERPRETATION,
    "部门规章": DocumentType.DEPARTMENTAL_RULE,
    "案例": DocumentType.CASE,
    "DLC": DocumentType.LOCAL_REGULATION,
    "地方性法规": DocumentType.LOCAL_REGULATION,
    "其他": DocumentType.OTHER,
}
_EVENT_KINDS = (
    ("修订", "修订"),
    ("修正", "修正"),
    ("废止", "废止"),
    ("施行", "施行"),
    ("公布", "公布"),
    ("发布", "公布"),
    ("通过", "通过"),
    ("批准", "批准"),
)


@dataclass(frozen=True)
class EventDraft:
    """A dated event of the document (通过, 公布, 施行, 修正, 修订 …) with its span in the stored text."""

    kind: str
    date: str
    text: str
    start: int
    end: int


@dataclass
class DocumentMetadata:
    """What the pipeline stores on a NormativeDocument besides text and structure."""

    title: str
    subtitle: str | None = None
    doc_number: str | None = None
    doc_type: DocumentType = DocumentType.OTHER
    region_code: str = NATIONAL_CODE
    level: str = RegionLevel.COUNTRY.value
    issuers: list[str] = field(default_factory=list)
    date_written: str | None = None
    date_published: str | None = None
    date_effective: str | None = None
    version_date: str | None = None
    expired: bool = False
    events: list[EventDraft] = field(default_factory=list)
    region_surfaces: list[tuple[int, int, str]] = field(default_factory=list)


def extract_metadata(source: SourceDocument, text: str, norm_text: str) -> DocumentMetadata:
    """Metadata of one document from its stored text, Simplified twin and where it came from."""
    path = Path(source.source_path.split("#", 1)[0])
    entry = lawrefbook.lookup(path) if source.format == "markdown" else None
    header_end = body_start(text)
    events = _header_events(text, header_end) if header_end else []
    title, subtitle = _markdown_title(text, header_end) if source.format == "markdown" else (None, None)
    news = _NEWS_SOURCE.search(norm_text)
    title = title or source.title_hint or _news_title(text, news) or _leading_title(text, source.format)
    meta = DocumentMetadata(title=title or "", subtitle=subtitle, events=events)
    meta.doc_number = _doc_number(norm_text, header_end)
    meta.version_date = _version_date(path, entry, events)
    meta.doc_type = _doc_type(source, path, entry, norm_text, meta, events, news)
    meta.region_surfaces = region_surfaces(norm_text)
    regions = find_regions(norm_text, surfaces=meta.region_surfaces)
    home = _home_region(path, entry, meta, regions, norm_text)
    meta.region_code = home.code
    meta.level = home.level.value
    meta.issuers = _issuers(text, norm_text, events, entry, home, regions, news, meta)
    if not meta.title:
        meta.title = _synthesised_title(norm_text, meta) or _first_sentence(text)
    _fill_dates(meta, entry, news, norm_text)
    meta.expired = bool(entry and entry.expired)
    _apply_declared(meta, source.declared)
    return meta


def _apply_declared(meta: DocumentMetadata, declared: DeclaredMetadata) -> None:
    """What the publisher stated wins over what was read from the text."""
    if declared.doc_number:
        meta.doc_number = declared.doc_number
    if declared.issuer:
        meta.issuers = _unique([declared.issuer, *meta.issuers])
    if declared.published:
        meta.date_published = declared.published
        meta.version_date = meta.version_date or declared.published  # a published date dates this version
    if declared.doc_type:
        meta.doc_type = DocumentType(declared.doc_type)
    if declared.region_code:
        region = gazetteer().get(declared.region_code)
        meta.region_code, meta.level = region.code, region.level.value


def _markdown_title(text: str, header_end: int) -> tuple[str | None, str | None]:
    headings = [m.group("text").strip() for m in _MD_HEADING.finditer(text, 0, header_end or len(text))]
    headings = [h for h in headings if h]
    if not headings:
        return None, None
    return headings[0], (headings[1] if header_end and len(headings) > 1 else None)


def _header_events(text: str, header_end: int) -> list[EventDraft]:
    events = []
    for m in _EVENT_LINE.finditer(text, 0, header_end):
        what = m.group("what").strip()
        kind = next((k for cue, k in _EVENT_KINDS if cue in what), "事件")
        date = f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
        end = m.end()
        while end > m.start() and text[end - 1] in " \t\u3000":
            end -= 1
        events.append(EventDraft(kind, date, text[m.start("date") : end], m.start("date"), end))
    return events


def _news_title(text: str, news: re.Match[str] | None) -> str | None:
    """Newspaper pages put the kicker and the headline on the short lines just above ``(date) 稿件来源``."""
    if news is None:
        return None
    lines = [line.strip(" |\u3000\t") for line in text[: news.start()].splitlines()]
    short = [line for line in lines[-8:] if 4 <= len(line) <= 40 and not _TITLE_PUNCT.search(line)]
    return short[-1] if short else None


def _leading_title(text: str, fmt: str) -> str | None:
    """A first line (or, in a JSONL record, a first space-separated segment) that reads as a title."""
    start = body_start(text)
    head = text[start:].lstrip(" \t\n\r\u3000|")
    segments = re.split(r"\n" if fmt != "jsonl" else r"[\n \u3000\u00a0]{1,}", head, maxsplit=2)
    if len(segments) > 1 and _ISSUER_HEADING.search(segments[0]):
        segments = segments[1:]
    first = segments[0].strip()
    if fmt == "jsonl" and len(segments) > 1 and not _TITLE_ENDINGS.search(first):
        # a title broken by a space (…充分发挥税收职能作用 助力打赢疫情防控阻击战十二项措施的通知): joined
        joined = f"{first}{segments[1].strip()}"
        if len(joined) <= 80 and _TITLE_ENDINGS.search(joined) and not _TITLE_PUNCT.search(joined):
            first = joined
    if 4 <= len(first) <= 80 and not _TITLE_PUNCT.search(first):
        return first
    if 4 <= len(first) <= 80 and _TITLE_ENDINGS.search(first) and "。" not in first:
        return first
    return None


def _first_sentence(text: str, limit: int = 40) -> str:
    head = text[body_start(text) :].strip()
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    lines = [line for line in lines if not re.match(r"^(?:作者|来源|记者|作\s*者)[:：]", line)] or lines
    sentence = _SENTENCE_END.split(lines[0] if lines else head, maxsplit=1)[0]
    sentence = _LEADING_TIME.sub("", sentence.strip())
    return sentence[:limit] + ("…" if len(sentence) > limit else "")


def _doc_number(norm_text: str, header_end: int) -> str | None:
    """The document's own 文号: a number standing alone (own line or between spaces) in the first part of the
    text, else an order number (国务院令第722号) among a statute's header events."""
    head = norm_text[: max(header_end, 3000)]
    own = _DOC_NUMBER.search(head)
    if own:
        return own.group("n")
    order = _ORDER_NUMBER.search(norm_text, 0, header_end) if header_end else None
    return re.sub(r"\s+", "", order.group("n")) if order else None


def _version_date(path: Path, entry: lawrefbook.CatalogueEntry | None, events: list[EventDraft]) -> str | None:
    in_name = _FILE_DATE.search(path.stem)
    if in_name:
        return in_name.group(1)
    if entry and entry.publish:
        return entry.publish
    dated = [e.date for e in events if e.kind != "施行"]
    return max(dated) if dated else None


def _doc_type(
    source: SourceDocument,
    path: Path,
    entry: lawrefbook.CatalogueEntry | None,
    norm_text: str,
    meta: DocumentMetadata,
    events: list[EventDraft],
    news: re.Match[str] | None,
) -> DocumentType:
    if entry is not None and entry.level in _RULE_TYPES:
        if entry.level == "法律" and meta.title.endswith("宪法"):
            return DocumentType.CONSTITUTION
        return _RULE_TYPES[entry.level]
    parts = path.parts
    if entry is None and lawrefbook.find_catalogue(path) is not None:
        for part in parts:
            if part in _LAW_FOLDERS:
                return DocumentType.LAW
            if part in _FOLDER_TYPES:
                return _FOLDER_TYPES[part]
    if events or body_start(norm_text):
        return _statute_type(" ".join(e.text for e in events), meta.title)
    head = norm_text[:2000]
    title = meta.title
    if "复函" in norm_text[:6000] and "建议" in norm_text[:6000] and _REPLY_CUES.search(norm_text):
        return DocumentType.PROPOSAL_REPLY
    if _INTERPRETATION_TITLE.search(title):
        return DocumentType.INTERPRETATION
    if news is not None or _NEWS_CUES.search(norm_text):
        return DocumentType.NEWS_REPORT
    ending = _TITLE_ENDINGS.search(title)
    titled_otherwise = ending is not None and ending.group() != "报告"  # …十二项措施的通知 that mentions 工作报告制度
    if "报告" in title or (_REPORT_CUES.search(head) and not titled_otherwise):
        return DocumentType.WORK_REPORT
    if source.format in ("jsonl", "html", "docx", "pdf") or _TITLE_ENDINGS.search(title):
        return DocumentType.POLICY_DOCUMENT
    return DocumentType.OTHER


def _statute_type(event_text: str, title: str) -> DocumentType:
    """The type of a statute outside a catalogue, from the body that passed it (its header events), else from
    its title."""
    if "全国人民代表大会" in event_text:
        return DocumentType.CONSTITUTION if title.endswith("宪法") else DocumentType.LAW
    if "最高人民法院" in event_text or "最高人民检察院" in event_text:
        return DocumentType.JUDICIAL_INTERPRETATION
    if "人民代表大会常务委员会" in event_text or "人民代表大会" in event_text:
        return DocumentType.LOCAL_REGULATION
    if "国务院令" in event_text or "国务院" in event_text:
        return DocumentType.ADMINISTRATIVE_REGULATION
    if re.search(r"(?:省|市|自治区)人民政府令", event_text):
        return DocumentType.LOCAL_GOVERNMENT_RULE
    if "令" in event_text:
        return DocumentType.DEPARTMENTAL_RULE
    return _statute_type_from_title(title)


def _statute_type_from_title(title: str) -> DocumentType:
    """A statute whose header names no event: 宪法, …法 (a law), <地方>…条例 (local), …条例 (State Council)."""
    bare = title.removeprefix("中华人民共和国")
    local = bool(find_regions(_simplified(bare))) and not bare.startswith("全国")
    if bare.endswith("宪法"):
        return DocumentType.CONSTITUTION
    if bare.endswith("法") and not local:
        return DocumentType.LAW
    if bare.endswith("条例"):
        return (
            DocumentType.LOCAL_REGULATION
            if local and find_regions(_simplified(bare))[0].start == 0
            else (DocumentType.ADMINISTRATIVE_REGULATION)
        )
    if bare.startswith("最高人民"):
        return DocumentType.JUDICIAL_INTERPRETATION
    return DocumentType.NORMATIVE_DOCUMENT


def _home_region(
    path: Path,
    entry: lawrefbook.CatalogueEntry | None,
    meta: DocumentMetadata,
    regions: list[Mention],
    norm_text: str,
) -> Region:
    """The region a document belongs to: its catalogue collection (DLC/北京地方法规 → 110000), a region at
    the start of its title, else for non-statutes the region most of its mentions fall in, else 全国."""
    g = gazetteer()
    if entry is not None and entry.group == "地方法规":
        region = g.resolve(entry.category_name)
        if region is not None:
            return region
    title_regions = find_regions(_simplified(meta.title))
    if title_regions and title_regions[0].start == 0:
        region = g.get(title_regions[0].value)
        if title_regions[0].surface in (region.name, region.full_name, *g.aliases):
            return region
    statute = meta.doc_type in (
        DocumentType.LAW,
        DocumentType.CONSTITUTION,
        DocumentType.ADMINISTRATIVE_REGULATION,
        DocumentType.JUDICIAL_INTERPRETATION,
        DocumentType.DEPARTMENTAL_RULE,
        DocumentType.CASE,
    )
    if statute or entry is not None:
        return g.get(NATIONAL_CODE)
    return _majority_region(regions) or g.get(NATIONAL_CODE)


def _majority_region(regions: list[Mention]) -> Region | None:
    """The most specific region that most mentions fall in, not counting mentions of its own ancestors
    (a report on 通州区 names 北京 too: that agrees with 通州区 rather than competing with it)."""
    g = gazetteer()
    codes = [m.value for m in regions if m.value != NATIONAL_CODE]
    if not codes:
        return None
    covered: Counter[str] = Counter()
    for code in codes:
        for ancestor in g.ancestors(code):
            covered[ancestor.code] += 1
    best: Region | None = None
    for code, count in covered.items():
        region = g.get(code)
        if code == NATIONAL_CODE or count < 2 or region.name == "市辖区":
            continue
        above = {r.code for r in g.ancestors(code)[1:]}
        competing = [c for c in codes if c not in above]
        if count * 2 <= len(competing):
            continue
        if best is None or len(g.ancestors(code)) > len(g.ancestors(best.code)):
            best = region
    return best


def _issuers(
    text: str,
    norm_text: str,
    events: list[EventDraft],
    entry: lawrefbook.CatalogueEntry | None,
    home: Region,
    regions: list[Mention],
    news: re.Match[str] | None,
    meta: DocumentMetadata,
) -> list[str]:
    """Issuing bodies: the body in a statute's first header event; a body standing on its own line near the
    start or by the 文号; the newspaper of a news page; the subject of a work report's first sentence."""
    if events:
        first = _simplified(events[0].text)
        bodies = find_bodies(first, find_regions(first), home)
        names = [b.value for b in bodies]
        order = _ORDER_NUMBER.search(first)
        if not names and order:
            names = [order.group("n").split("令")[0]]
        congress = re.search(
            r"(?P<region>[\u4e00-\u9fff]{2,10}?)第[一二三四五六七八九十]+届人民代表大会(?P<sc>常务委员会)?", first
        )
        if congress and not any("人民代表大会" in n for n in names):
            names.insert(0, canonical_body_name(f"{congress.group('region')}人民代表大会{congress.group('sc') or ''}"))
        return _unique(names)
    if news is not None:
        return [re.sub(r"(?:要闻|头版|综合|新闻)$", "", news.group("source"))]
    bodies = find_bodies(norm_text, regions, home)
    heading = re.split(r"[\s|]+", norm_text.strip(" \n|"), maxsplit=1)[0]
    if 4 <= len(heading) <= 30 and _ISSUER_HEADING.search(heading) and not _TITLE_PUNCT.search(heading):
        named = [b for b in bodies if b.start < len(heading) + 3]
        if named:
            return [canonical_body_name(heading.removesuffix("文件"))]
    standalone = [b.value for b in bodies if _stands_alone(norm_text, b)]
    if standalone:
        return _unique(standalone[:2])
    if meta.doc_type is DocumentType.WORK_REPORT:
        first_paragraph_end = norm_text.find("\n")
        subject = [b for b in bodies if b.start < (first_paragraph_end if first_paragraph_end > 0 else 400)]
        if subject:
            return [subject[0].value]
    if meta.doc_type is DocumentType.NEWS_REPORT:
        outlets = [b.value for b in bodies if b.region_code == NATIONAL_CODE and b.value.endswith(("网", "报", "社"))]
        return outlets[:1]
    return []


def _stands_alone(norm_text: str, body: Mention) -> bool:
    """A body alone on its line, or heading the text (天津市商务局文件, 国家税务总局南阳市税务局 …)."""
    line_start = norm_text.rfind("\n", 0, body.start) + 1
    line_end = norm_text.find("\n", body.end)
    line = norm_text[line_start : line_end if line_end != -1 else len(norm_text)]
    if line.strip(" |\u3000") in (body.surface, body.surface + "文件"):
        return True
    before = norm_text[body.start - 1] if body.start else " "
    after = norm_text[body.end : body.end + 2]
    return before in " \u3000\u00a0\n|" and (after == "文件" or (body.start < 3 and after[:1] in (" ", "\u3000")))


def _synthesised_title(norm_text: str, meta: DocumentMetadata) -> str | None:
    """A work report without a title line is named as such reports are: <body><year>年<topic>工作报告."""
    if meta.doc_type is not DocumentType.WORK_REPORT or not meta.issuers:
        return None
    year = re.match(r"\s*((?:19|20)\d{2})年", norm_text)
    if not year:
        return None
    topic = "法治政府建设" if norm_text.count("法治政府建设") >= 3 else ""
    return f"{meta.issuers[0]}{year.group(1)}年{topic}工作报告"


def _fill_dates(
    meta: DocumentMetadata,
    entry: lawrefbook.CatalogueEntry | None,
    news: re.Match[str] | None,
    norm_text: str,
) -> None:
    passed = [e.date for e in meta.events if e.kind in ("通过", "公布", "批准")]
    effective = [e.date for e in meta.events if e.kind == "施行"]
    meta.date_written = passed[0] if passed else None
    meta.date_published = meta.version_date or (passed[-1] if passed else None)
    meta.date_effective = (
        (effective[-1] if effective else None)
        or (entry.valid_from if entry else None)
        or (_in_force_date(norm_text, meta.version_date or meta.date_published) if news is None else None)
    )
    if news is not None:
        meta.date_published = news.group("date")
    if not meta.events and meta.date_written is None:
        closing = re.search(r"\n\s*((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日\s*$", norm_text[-200:])
        if closing:
            meta.date_written = f"{closing.group(1)}-{int(closing.group(2)):02d}-{int(closing.group(3)):02d}"


def _in_force_date(norm_text: str, issued: str | None) -> str | None:
    """The date the text's closing entry-into-force sentence gives, for this version.

    A dated sentence earlier than the version's own date restates when the first text came into force (an amended
    statute keeps "本法自1999年10月1日起施行"), so it says nothing about this version and gives ``None``;
    "自公布之日起施行" gives the date issued.
    """
    tail_start = max(0, len(norm_text) - _IN_FORCE_TAIL)
    dated = list(_IN_FORCE_DATED.finditer(norm_text, tail_start))
    if dated:
        y, m, d = (int(g) for g in dated[-1].groups())
        if not (1 <= m <= 12 and 1 <= d <= 31):
            return None
        in_force = f"{y:04d}-{m:02d}-{d:02d}"
        return in_force if issued is None or in_force >= issued else None
    return issued if _IN_FORCE_ON_ISSUE.search(norm_text, tail_start) else None


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))


def _simplified(text: str) -> str:
    from ontology.text import to_simplified

    return to_simplified(text)
