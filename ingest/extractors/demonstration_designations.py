"""Find namings in the national 法治政府建设 demonstration programme: which area or project, which batch, year.

Two shapes of text are read:

- naming statements in running text: ``北京市海淀区、西城区被命名为全国法治政府建设示范区``, ``通州区“行政复议
  规范化建设”在2020年获评为第一批全国法治政府建设示范项目``, ``我省无锡市入选…示范市（县、区）``; the subject is
  the text between the previous naming (or the sentence start) and the naming verb, which may precede a quoted
  title (被命名为“全国法治政府建设示范市”) or open a list of honours (荣获诸多荣誉：…、首批全国法治政府建设示范项目);
  a project belongs to the place written just before its quoted name (南通市“领先探索…”、淮安市“…”); an unquoted
  name is the words between its place and the next place or the verb, less the agency, a list's tail and a date
  (大同市法治引领保障文物保护、忻州市…等17个项目被命名为…); a clause with only adverbs (先后获评…) or the national
  office (经中央依法治国委入选为…) before its verb names the city the text is about. Lists may also follow their kind
  (具体示范项目包括…) in, or right after, a sentence naming the national programme. Plans are not namings: a
  negative cue (争创, 申报, 力争, 拟 …) near the verb, or no naming verb at all (以创建…为目标), gives nothing.
- the lists of a naming decision (a heading such as ``一、全国法治政府建设示范地区（50个）`` followed by the
  regions, or by ``地区“项目名称”`` lines), in a document that names (命名, 名单) and does not merely propose
  (公示, 拟命名).

Batch and year come from the text: a statement's batch from its words (第二批…示范), else the nearest batch of the
programme or of its list named before it (公布第二批名单), else the title; its year from the naming clause. A list's
batch from its heading or title, its year from the decision's own date (the signed date closing it, or a bracketed
date under its title). Only a text that names the batch but gives no year takes the year the decisions named that
batch (``batches.json``).

Only the national programme counts: 全国 before the target, or the national issuer named in the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ingest.extractors.base import DocumentContext
from ingest.extractors.demonstration_text import (
    DocumentRegions,
    Quote,
    Span,
    book_titles,
    clause_start,
    enclosing,
    find_quotes,
    is_claim_scope,
    load_resource,
    name_key,
    paragraph_spans,
    sentence_spans,
    strip_quote_marks,
)
from ingest.structure import chinese_number
from ontology.model import DesignationKind, RegionLevel
from ontology.reference import Region, RegionMention, load_gazetteer

_BATCH = r"(?:首批|第[一二三四五六七八九十〇零\d]{1,3}批)"
TARGET = re.compile(
    rf"(?P<pre>(?:全国|{_BATCH}|国家级?|\s){{0,4}})法治政府建设示范"
    r"(?P<kind>市[（(]县[、，,]?区[)）]|市[（(]县[)）]|市县|地区|项目|区|市|县)"
)
LISTED = re.compile(
    rf"(?P<pre>(?:全国|{_BATCH}|国家级?|\s){{0,4}})(?:法治政府建设)?示范"
    r"(?P<kind>市[（(]县[、，,]?区[)）]|市[（(]县[)）]|市县|地区|项目|区|市|县)(?:名单)?\s*(?:分别)?(?:包括|有)[:：]?"
)
NATIONAL_PROGRAMME = re.compile(r"全国[^。；;\n]{0,8}法治政府建设示范")
BATCH = re.compile(_BATCH)
YEAR = re.compile(r"((?:19|20)\d{2})年")
LIST_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])?\s*"
    rf"(?:{_BATCH})?(?:全国)?(?:法治政府建设)?示范"
    r"(?P<kind>市[（(]县[、，,]?区[)）]|市[（(]县[)）]|市县|地区|项目|区|市|县)(?:名单)?"
    r"\s*(?:[（(][\d一二三四五六七八九十百]+个[)）])?\s*[:：]?",
    re.MULTILINE,
)
MAX_VERB_GAP = 14
MAX_LIST_ITEMS = 120
MAX_SUBJECT = 160
MIN_UNQUOTED_NAME = 4
UNQUOTED_AGENCY = re.compile(r"^(?:人民政府|政府|[\u4e00-\u9fff]{2,10}?(?:局|厅|委员会|办公室))的?")
UNQUOTED_TAIL = re.compile(r"(?:等[\d一二三四五六七八九十百]*个?项目|等|的?项目)$")
_DATE = r"(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?"
UNQUOTED_TIME = re.compile(rf"(?:于|在)?(?:{_DATE}|近日|日前|今年|去年)$")
CLAUSE_TIME = re.compile(rf"(?:自|于|在)?{_DATE}")
COUNT_WORDS = re.compile(r"^[\d一二三四五六七八九十百两]+个")


@dataclass(frozen=True)
class DesignationFact:
    """One naming: an area (``name`` empty) or a project, with its region, batch and year where known."""

    kind: DesignationKind
    region: Region
    name: str
    batch: int | None
    year: int | None
    span: Span
    named_by: str

    @property
    def key(self) -> tuple[str, str, int | None, str]:
        """What makes two facts of one document the same naming."""
        return (self.kind.value, self.region.code, self.batch, name_key(self.name))


def batch_number(surface: str) -> int | None:
    """``首批`` → 1, ``第二批`` → 2, ``第3批`` → 3."""
    if surface == "首批":
        return 1
    return chinese_number(surface.removeprefix("第").removesuffix("批"))


def find_designations(ctx: DocumentContext, regions: DocumentRegions) -> list[DesignationFact]:
    """Every naming the document states, one fact per (kind, region, batch, name), in text order."""
    text = ctx.norm_text
    facts = _statement_designations(ctx, text, regions) + _list_designations(ctx, text, regions)
    return _merge(facts)


# --- naming statements -------------------------------------------------------------------------------------


@dataclass
class _Naming:
    sentence: Span
    verb_start: int
    target_start: int
    target_end: int
    kind: DesignationKind
    batch: int | None
    year: int | None
    subject: Span


def _statement_designations(ctx: DocumentContext, text: str, regions: DocumentRegions) -> list[DesignationFact]:
    cues = load_resource("cues")
    sentences = sentence_spans(text)
    quotes = find_quotes(text)
    namings: list[_Naming] = []
    last_end_in_sentence: dict[int, int] = {}
    for m in TARGET.finditer(text):
        sentence = enclosing(sentences, m.start())
        if not _is_national(text, m, sentence, cues) or _followed_by_plan(text, m.end(), cues):
            continue
        target_start = m.start() + len(m.group("pre")) - len(m.group("pre").lstrip())
        found = _naming_verb(text, sentence, target_start, cues)
        if found is None:
            continue
        verb_start, verb_end, subject = found
        if _is_plan(text, sentence, verb_start, verb_end, target_start, cues):
            continue
        if subject is None:
            floor = last_end_in_sentence.get(sentence.start, sentence.start)
            subject = Span(max(floor, verb_start - MAX_SUBJECT), verb_start)
        last_end_in_sentence[sentence.start] = m.end()
        kind = DesignationKind.PROJECT if m.group("kind") == "项目" else DesignationKind.AREA
        batch = _batch_of(text, m, sentence, ctx)
        namings.append(_Naming(sentence, verb_start, target_start, m.end(), kind, batch, None, subject))
    namings.extend(_listed_namings(ctx, text, sentences, cues))
    namings.sort(key=lambda naming: naming.target_start)
    facts: list[DesignationFact] = []
    for i, naming in enumerate(namings):
        naming.year = _year_of(text, naming, ctx)
        subject_regions = _subject_regions(text, naming.subject, regions, quotes)
        if not subject_regions:
            subject_regions = _borrowed_subject(text, namings, i, regions, quotes)
        if not any(_can_be_named(naming.kind, mention.region) for mention in subject_regions):
            subject_regions = _implied_subject(text, naming, regions) or subject_regions
        facts.extend(_facts_of(text, naming, subject_regions, quotes, regions))
    return facts


def _listed_namings(ctx: DocumentContext, text: str, sentences: list[Span], cues: dict[str, Any]) -> list[_Naming]:
    """Lists that follow their kind (示范项目包括…, 入选的全国法治政府建设示范市（县、区）有：…), in a sentence that
    names the national programme or right after one that does (…公布了第三批全国法治政府建设示范地区和项目名单。
    具体示范项目包括安徽省桐城市推行的“六尺巷工作法”…): the subject is what follows, to the sentence's end."""
    namings: list[_Naming] = []
    for m in LISTED.finditer(text):
        sentence = enclosing(sentences, m.start())
        index = sentences.index(sentence) if sentence in sentences else 0
        context = text[sentences[index - 1].start if index > 0 else sentence.start : m.start()]
        clause = text[clause_start(text, m.start(), sentence.start) : m.start()]
        if not (NATIONAL_PROGRAMME.search(context) or any(i in context for i in cues["national_issuers"])):
            continue
        if any(word in context for word in cues["list_title_negatives"]) or any(
            word in clause for word in (*cues["naming_negatives"], *cues["local_programme_words"])
        ):
            continue
        kind = DesignationKind.PROJECT if m.group("kind") == "项目" else DesignationKind.AREA
        batch = _batch_of(text, m, sentence, ctx)
        subject = Span(m.end(), sentence.end)
        namings.append(_Naming(sentence, m.start(), m.start(), m.end(), kind, batch, None, subject))
    return namings


def _is_national(text: str, m: re.Match[str], sentence: Span, cues: dict[str, Any]) -> bool:
    before = text[max(sentence.start, m.start() - 6) : m.start()]
    if any(word in before for word in cues["local_programme_words"]):
        return False
    if "全国" in m.group("pre") or "国家" in m.group("pre"):
        return True
    sentence_text = text[sentence.start : sentence.end]
    return any(issuer in sentence_text for issuer in cues["national_issuers"])


def _followed_by_plan(text: str, end: int, cues: dict[str, Any]) -> bool:
    after = text[end : end + 6]
    return any(after.startswith(word) for word in cues["after_target_negatives"])


def _naming_verb(
    text: str, sentence: Span, target_start: int, cues: dict[str, Any]
) -> tuple[int, int, Span | None] | None:
    """The naming verb before a target: (start, end, subject span when the verb names it: 命名X为)."""
    window_start = max(sentence.start, target_start - MAX_VERB_GAP - 6)
    window = text[window_start:target_start]
    best: tuple[int, int] | None = None
    for verb in sorted(cues["naming_verbs"], key=len, reverse=True):
        pos = window.rfind(verb)
        while pos >= 0:
            start, end = window_start + pos, window_start + pos + len(verb)
            gap = text[end:target_start].removesuffix("“").removesuffix('"')  # 被命名为“全国…示范市”
            if len(gap) <= MAX_VERB_GAP and not re.search(r"[，,。；;：:“”]", gap):
                if best is None or end > best[1] or (end == best[1] and start < best[0]):
                    best = (start, end)
                break
            pos = window.rfind(verb, 0, pos)
    if best is not None:
        return best[0], best[1], None
    head = text[sentence.start : target_start]
    # 南京荣获诸多荣誉：首批全国市域社会治理现代化试点合格城市、…、首批全国法治政府建设示范项目 — the target is an
    # item of a list the verb opens with a colon; the verb's end is taken at the target so that the other items are
    # not read as its modifiers
    verbs = "|".join(re.escape(verb) for verb in cues["naming_verbs"] if len(verb) >= 2)
    opened = re.search(rf"(?:{verbs})[^。；;，,：:]{{0,12}}[：:][^。；;，,：:]{{0,{MAX_LIST_ITEMS}}}$", head)
    if opened:
        return sentence.start + opened.start(), target_start, None
    # 命名北京市海淀区等40个地区为全国法治政府建设示范地区
    named = re.search(r"命名(?P<subject>[^。；;]{2,160}?)为\s*(?:" + _BATCH + r")?\s*$", head)
    if named:
        verb_start = sentence.start + named.start()
        subject = Span(sentence.start + named.start("subject"), sentence.start + named.end("subject"))
        return verb_start, verb_start + 2, subject
    return None


def _is_plan(
    text: str, sentence: Span, verb_start: int, verb_end: int, target_start: int, cues: dict[str, Any]
) -> bool:
    """Whether the naming is only aimed at (争创, 力争成为, 拟命名, 申报中 …)."""
    near = text[max(sentence.start, verb_start - 4) : verb_start] + text[verb_end:target_start]
    clause = text[clause_start(text, verb_start, sentence.start) : verb_start]
    clause = clause.replace("申报的", "")
    for word in cues["naming_negatives"]:
        if word in near:
            return True
        if len(word) >= 2 and word in clause:
            return True
    return False


def _batch_of(text: str, m: re.Match[str], sentence: Span, ctx: DocumentContext) -> int | None:
    own = BATCH.search(m.group("pre"))
    if own:
        return batch_number(own.group())
    after = BATCH.search(text[m.end() : min(sentence.end, m.end() + 12)])
    if after:
        return batch_number(after.group())
    earlier = [b for b in _programme_batches(text) if b[0] < m.start()]
    if earlier:
        return earlier[-1][1]
    title_batch = BATCH.search(ctx.title or "")
    return batch_number(title_batch.group()) if title_batch else None


def _programme_batches(text: str) -> list[tuple[int, int]]:
    """(position, batch) of every batch named with the programme (第二批全国法治政府建设示范 …) or with its list
    (公布第二批名单, 第三批命名)."""
    found: list[tuple[int, int]] = []
    for m in re.finditer(rf"({_BATCH})(?:[^，。；\n]{{0,12}}?法治政府建设示范|[^，。；\n]{{0,6}}?(?:名单|命名))", text):
        number = batch_number(m.group(1))
        if number is not None:
            found.append((m.start(), number))
    return found


def _year_of(text: str, naming: _Naming, ctx: DocumentContext) -> int | None:
    clause_from = clause_start(text, naming.verb_start, naming.subject.start)
    window = _without_titles(text, min(clause_from, naming.subject.start), naming.target_start)
    years = YEAR.findall(window)
    if years:
        return int(years[-1])
    known = _known_batch_year(naming.batch)
    if known is not None:
        return known
    sentence_text = text[naming.sentence.start : naming.sentence.end]
    if "近日" in sentence_text and ctx.date_published:
        return int(ctx.date_published[:4])
    return None


def _without_titles(text: str, start: int, end: int) -> str:
    chunk = list(text[start:end])
    for span, _ in book_titles(text, start, end):
        for i in range(span.start - start, span.end - start):
            chunk[i] = " "
    return "".join(chunk)


def _in_quote(pos: int, quotes: list[Quote]) -> bool:
    return any(q.start <= pos < q.end for q in quotes)


def _subject_regions(text: str, subject: Span, regions: DocumentRegions, quotes: list[Quote]) -> list[RegionMention]:
    """Region mentions naming the subject (inside quotes or only scoping a claim are left out), each resolved
    in the context of the one before it (北京市海淀区、西城区 → 西城区 of Beijing)."""
    found: list[RegionMention] = []
    context = list(regions.context)
    gazetteer = load_gazetteer()
    for mention in regions.within(subject.start, subject.end):
        if _in_quote(mention.start, quotes) or is_claim_scope(text, mention):
            continue
        region = gazetteer.resolve(mention.surface, context) or mention.region
        found.append(RegionMention(mention.start, mention.end, mention.surface, region))
        context = [region.code[:2] + "0000", region.code[:4] + "00", *regions.context]
    if not found:
        pronoun = _pronoun_region(text, subject, regions)
        if pronoun is not None:
            found.append(pronoun)
    return found


def _pronoun_region(text: str, subject: Span, regions: DocumentRegions) -> RegionMention | None:
    levels = load_resource("cues")["region_pronouns"]
    for word, level in levels.items():
        pos = text.find(word, subject.start, subject.end)
        if pos >= 0 and regions.main is not None and level != "province":
            return RegionMention(pos, pos + len(word), word, regions.main)
    return None


def _borrowed_subject(
    text: str, namings: list[_Naming], index: int, regions: DocumentRegions, quotes: list[Quote]
) -> list[RegionMention]:
    """继获评第一批…示范项目后，通州区又获评第二批…: a subject-less naming shares the next one's subject."""
    naming = namings[index]
    for later in namings[index + 1 :]:
        if later.sentence != naming.sentence:
            break
        found = _subject_regions(text, later.subject, regions, quotes)
        if found:
            return found
    return []


def _can_be_named(kind: DesignationKind, region: Region) -> bool:
    """Areas are cities and counties; a project may be of any region."""
    return kind is DesignationKind.PROJECT or region.level in (RegionLevel.CITY, RegionLevel.COUNTY)


def _implied_subject(text: str, naming: _Naming, regions: DocumentRegions) -> list[RegionMention]:
    """在…中连续位列第一，先后获评首批…示范市 (自2022年创成…): a clause with nothing before its verb but adverbs and
    dates names the region the document is about (a city or county; never a province, nor a list item, nor a
    statement whose clause has a subject of its own). 经中央依法治国委入选为…: the national office the naming goes
    through is no subject."""
    region = regions.main
    if region is None or region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        return []
    clause = text[clause_start(text, naming.verb_start, naming.sentence.start) : naming.verb_start].strip()
    cues = load_resource("cues")
    issuers = "|".join(sorted(map(re.escape, cues["national_issuers"]), key=len, reverse=True))
    clause = re.sub(rf"^经(?:{issuers})(?:批准|审定|同意)?", "", clause)
    adverbs = cues["subjectless_adverbs"]
    while clause:
        time = CLAUSE_TIME.match(clause)  # 自2022年创成“全国法治政府建设示范市”以来，湘潭市…
        word = (
            time.group(0)
            if time
            else next((a for a in sorted(adverbs, key=len, reverse=True) if clause.startswith(a)), None)
        )
        if not word:
            return []
        clause = clause[len(word) :]
    return [RegionMention(naming.verb_start, naming.verb_start, "", region)]


def _facts_of(
    text: str, naming: _Naming, subject_regions: list[RegionMention], quotes: list[Quote], regions: DocumentRegions
) -> list[DesignationFact]:
    named_by = load_resource("batches")["named_by"]
    facts: list[DesignationFact] = []
    if naming.kind is DesignationKind.AREA:
        for mention in subject_regions:
            if mention.region.level in (RegionLevel.CITY, RegionLevel.COUNTY):
                span = Span(mention.start, naming.target_end)
                facts.append(_fact(naming, mention.region, "", span, named_by))
        return facts
    subject_quotes = [q for q in quotes if naming.subject.start <= q.start and q.end <= naming.subject.end]
    if not subject_quotes:
        after = re.match(r"[的：:—\s]{0,3}", text[naming.target_end :])
        start = naming.target_end + (after.end() if after else 0)
        subject_quotes = [q for q in quotes if q.start == start]
    if not subject_quotes:
        for i, mention in enumerate(subject_regions):
            end = subject_regions[i + 1].start if i + 1 < len(subject_regions) else naming.verb_start
            name = _unquoted_name(text[mention.end : max(mention.end, end)])
            facts.append(_fact(naming, mention.region, name, Span(mention.start, naming.target_end), named_by))
        return facts
    for quote in subject_quotes:
        before = [m for m in subject_regions if m.end <= quote.start]
        anchor = before[-1] if before else (subject_regions[0] if subject_regions else None)
        region = anchor.region if anchor else regions.main
        if region is None:
            continue
        name = strip_quote_marks(text[quote.start : quote.end])
        start = min(anchor.start, quote.start) if anchor else quote.start
        facts.append(_fact(naming, region, name, Span(start, max(quote.end, naming.target_end)), named_by))
    return facts


def _unquoted_name(between: str) -> str:
    """大同市法治引领保障文物保护、忻州市…等17个项目被命名为…: the words between a place and the next place (or the
    naming verb) name its project, less the agency that runs it (司法局, 人民政府), a list's tail (等17个项目), a
    date or adverbs before the verb; empty when nothing of four characters or more is left, or a clause break lies
    in between."""
    cues = load_resource("cues")
    name = between.strip(" \t、，,和及与")
    if re.search(r"[。；;：:，,\n]", name):
        return ""
    name = UNQUOTED_AGENCY.sub("", name)
    name = UNQUOTED_TAIL.sub("", name)
    adverbs = sorted(cues["subjectless_adverbs"], key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for word in adverbs:
            if name.endswith(word):
                name, changed = name[: -len(word)], True
        trimmed = UNQUOTED_TIME.sub("", name)
        changed = changed or trimmed != name
        name = trimmed
    name = name.strip(" \t、，,和及与的")
    return name if len(name) >= MIN_UNQUOTED_NAME and not COUNT_WORDS.match(name) else ""


def _fact(naming: _Naming, region: Region, name: str, span: Span, named_by: str) -> DesignationFact:
    return DesignationFact(naming.kind, region, name, naming.batch, naming.year, span, named_by)


# --- naming lists --------------------------------------------------------------------------------------------


def _list_designations(ctx: DocumentContext, text: str, regions: DocumentRegions) -> list[DesignationFact]:
    cues = load_resource("cues")
    head = (ctx.title or "") + text[:300]
    if not ("命名" in head or "名单" in head) or any(word in head for word in cues["list_title_negatives"]):
        return []
    named_by = load_resource("batches")["named_by"]
    quotes = find_quotes(text)
    title_batch = BATCH.search(head)
    facts: list[DesignationFact] = []
    kind: DesignationKind | None = None
    batch = batch_number(title_batch.group()) if title_batch else None
    document_batch, signed = batch, _decision_year(text)
    for line in paragraph_spans(text):
        heading = LIST_HEADING.match(text, line.start, line.end)
        if heading:
            kind = DesignationKind.PROJECT if heading.group("kind") == "项目" else DesignationKind.AREA
            own = BATCH.search(heading.group())
            batch = batch_number(own.group()) if own else batch
            items = Span(heading.end(), line.end)
        elif kind is not None and _looks_like_list_item(text, line):
            items = line
        else:
            kind = None if kind is not None and len(text[line.start : line.end].strip()) > 80 else kind
            continue
        year = signed if signed is not None and batch == document_batch else _known_batch_year(batch)
        naming = _Naming(line, items.start, items.end, items.end, kind, batch, year, items)
        mentions = _subject_regions(text, items, regions, quotes)
        if kind is DesignationKind.AREA:
            facts.extend(_facts_of(text, naming, mentions, quotes, regions))
        else:
            facts.extend(_project_lines(text, naming, mentions, quotes, named_by))
    return facts


DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
SIGNATURE_WINDOW = 160
DATELINE_WINDOW = 120


def _decision_year(text: str) -> int | None:
    """The year a naming decision is dated: the date it is signed (its last date, in its closing lines), else a
    date in brackets under its title (（2020年8月3日）); ``None`` when it shows neither."""
    closing = DATE.findall(text[-SIGNATURE_WINDOW:])
    if closing:
        return int(closing[-1])
    dateline = re.search(r"[（(]\s*" + DATE.pattern + r"\s*[)）]", text[:DATELINE_WINDOW])
    return int(dateline.group(1)) if dateline else None


def _known_batch_year(batch: int | None) -> int | None:
    """The year the decisions named this batch (``batches.json``), for a text that names the batch only."""
    if batch is None:
        return None
    return int(load_resource("batches")["years"].get(str(batch), 0)) or None


def _looks_like_list_item(text: str, line: Span) -> bool:
    body = text[line.start : line.end].strip()
    return 0 < len(body) <= 80 and not body.endswith("。")


def _project_lines(
    text: str, naming: _Naming, mentions: list[RegionMention], quotes: list[Quote], named_by: str
) -> list[DesignationFact]:
    line_quotes = [q for q in quotes if naming.subject.start <= q.start and q.end <= naming.subject.end]
    facts: list[DesignationFact] = []
    if line_quotes:
        for quote in line_quotes:
            before = [m for m in mentions if m.end <= quote.start]
            if before:
                name = strip_quote_marks(text[quote.start : quote.end])
                facts.append(_fact(naming, before[-1].region, name, Span(before[-1].start, quote.end), named_by))
        return facts
    if mentions:
        first = mentions[0]
        rest = text[first.end : naming.subject.end].strip(" \t:：、，,。")
        rest = re.sub(r"项目$", "", rest).strip()
        facts.append(_fact(naming, first.region, rest, Span(first.start, naming.subject.end), named_by))
    return facts


# --- merging -------------------------------------------------------------------------------------------------


def _merge(facts: list[DesignationFact]) -> list[DesignationFact]:
    """One fact per key; a nameless project of a region and batch folds into a named one of the same, and a fact
    without a batch (a headline: 武汉市获评全国法治政府建设示范市) into the same designation with one."""
    named_projects = {(f.region.code, f.batch) for f in facts if f.kind is DesignationKind.PROJECT and f.name}
    batched = {f.key[:2] + f.key[3:] for f in facts if f.batch is not None}
    merged: dict[tuple[str, str, int | None, str], DesignationFact] = {}
    for fact in facts:
        if fact.kind is DesignationKind.PROJECT and not fact.name and (fact.region.code, fact.batch) in named_projects:
            continue
        if fact.batch is None and fact.key[:2] + fact.key[3:] in batched:
            continue
        if fact.key not in merged or (merged[fact.key].year is None and fact.year is not None):
            merged[fact.key] = fact
    return sorted(merged.values(), key=lambda f: f.span.start)
