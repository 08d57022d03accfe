"""Find the mechanisms and practices a text describes, with region, agency, claims, topics and legal basis.

Candidates, in order of trust:

1. a quotation whose text ends in a cue word (“小微企业法治体检中心”), or that a cue word follows within a short
   tail (“三个一”包容审慎执法机制, “1+2+N”督察调研工作法, “一意见、一报告”等机制);
2. a quoted known practice name without a cue word (“会前学法”), from ``known_mechanisms.json``;
3. an unquoted name between an action verb and a cue word in one clause (试行首席法律顾问制度,
   建起行政争议多元化解调处中心), generic names (多项制度, 工作机制) left out;
4. an unquoted known practice name.

Mentions of one practice are merged by the key of its quoted core (一意见一报告) or its name. Sentences in a
plan (下一步, 将, 计划 …, or under a heading such as 下一步工作打算) are not practices; policies and normative
documents, which order measures rather than report practices, give only candidates 1, 2 and 4.

Not practices either (measured on ``benchmarks/data/mechanisms_dev``): the menu items of an online service
(选择“互动中心”), a quoted word with a two-character core and a cue (“互动中心”, “指挥中心”), a cue phrase after a
conjunction (“调查员”作用和扶贫信息平台), a quotation joined by 的 to a cue without a practice verb (大多都是“人对人”的
服务模式), what a sentence asks enterprises to set up (支持商贸企业…发展…模式), and generic kinds (良好运行机制,
一对一服务机制, 供水、燃气企业与物业、社区联动机制).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    holds,
    is_claim_scope,
    load_resource,
    name_key,
    paragraph_spans,
    readable,
    sentence_spans,
    strip_quote_marks,
)
from ontology.model import DocumentType
from ontology.reference import Region

# Policies and normative documents order measures (建立…机制) rather than report practices: only quoted names
# and known practices are read from them.
DIRECTIVE_TYPES = frozenset({DocumentType.POLICY_DOCUMENT.value, DocumentType.NORMATIVE_DOCUMENT.value})
MAX_TAIL = 16
MAX_QUOTED = 30
MAX_UNQUOTED = 24
MIN_CORE = 2
NEARBY = 250
APPENDIX = re.compile(r"^\s*附(?:件|录)?\s*\d*\s*[:：]")
_CLAIM_KIND = r"(?:范围内)?(?P<kind>率先|首创|首个|首家|首次|第一家|第一个)"
CLAIM = re.compile(r"(?:在)?(?P<scope>全国|全省|全市|全区|全县|本市|本省|本区|本县|国内|省内|市内)" + _CLAIM_KIND)
CLAIM_IN_REGION = re.compile(r"在(?P<scope>[\u4e00-\u9fff]{2,8}?)" + _CLAIM_KIND)
SINCE = re.compile(r"(?:自|从|于)?((?:19|20)\d{2})年(?:\d{1,2}月)?(?:初|底|起|以来)?")
START_VERBS = ("建立", "成立", "推出", "启用", "设立", "实施", "创建", "开通", "建成", "建起", "试行", "出台", "首创")
AGENCY = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{2,6}?(?:省|市|区|县)|区|市|县|省)?"
    r"(?P<dept>司法局|政务服务管理局|政务服务局|市场监督管理局|市场监管局|人民政府|政府办公室|人民法院|人民检察院|"
    r"依法治[市区县省]办|法制办|城管委|城管执法局|公安局|税务局|人力资源和社会保障局|生态环境局|文旅局)"
)


@dataclass
class MechanismFact:
    """One practice of the document: its name, where, who, what it does, claims, topics and legal basis."""

    name: str
    key: str
    span: Span
    region: Region | None = None
    agency: str | None = None
    description: str = ""
    claims: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)
    since: str | None = None
    mentions: list[Span] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    name: str
    key: str
    span: Span
    trust: int


def find_mechanisms(ctx: DocumentContext, regions: DocumentRegions) -> list[MechanismFact]:
    """The practices the document describes, one per key, in order of first mention."""
    text = ctx.norm_text
    cues = load_resource("cues")
    sentences = sentence_spans(text)
    plan_spans = _plan_spans(text, cues)
    directive = ctx.doc_type in DIRECTIVE_TYPES
    subjects = [] if directive else _subject_candidates(text, cues, regions)
    candidates = [
        c
        for c in _quoted_candidates(text, cues) + _unquoted_candidates(text, cues, directive) + subjects
        if not _in_plan(text, c.span, sentences, plan_spans, cues)
        and not _asks_enterprises(text, c.span, sentences, cues)
    ]
    by_key: dict[str, list[_Candidate]] = {}
    for candidate in sorted(candidates, key=lambda c: c.span.start):
        by_key.setdefault(candidate.key, []).append(candidate)
    quotes_by_key: dict[str, list[Span]] = {}
    for quote in find_quotes(text):  # once per document, not once per practice (quadratic in long texts)
        quotes_by_key.setdefault(name_key(text[quote.inner.start : quote.inner.end]), []).append(quote)
    facts: list[MechanismFact] = []
    kept: list[Span] = []
    ranked = sorted(by_key.items(), key=lambda item: (-max(c.trust for c in item[1]), item[1][0].span.start))
    for key, group in ranked:
        if all(any(k.start <= c.span.start and c.span.end <= k.end for k in kept) for c in group):
            continue
        best = max(group, key=lambda c: (c.trust, _has_cue(c.name, cues), len(c.name)))
        first = min(group, key=lambda c: c.span.start)
        mentions = _mentions(text, key, group, quotes_by_key.get(key, []))
        kept.extend(mentions)
        fact = MechanismFact(best.name, key, first.span, mentions=mentions)
        _describe(ctx, fact, sentences, regions)
        facts.append(fact)
    return sorted(facts, key=lambda f: f.span.start)


# --- candidates ----------------------------------------------------------------------------------------------


def _has_cue(name: str, cues: dict[str, Any]) -> bool:
    return any(name.endswith(cue) for cue in cues["mechanism_cues"])


def _known_names() -> list[str]:
    names: list[str] = load_resource("known_mechanisms")["names"]
    return sorted(names, key=len, reverse=True)


def _quoted_candidates(text: str, cues: dict[str, Any]) -> list[_Candidate]:
    found: list[_Candidate] = []
    known = {name_key(n) for n in _known_names()}
    title_spans = [span for span, _ in book_titles(text)]
    cue_alternatives = "|".join(sorted(cues["mechanism_cues"], key=len, reverse=True))
    tail_pattern = re.compile(rf"(?P<joiner>等|的)?(?P<tail>[\u4e00-\u9fff、]{{0,{MAX_TAIL}}}?)(?:{cue_alternatives})")
    launch = cues["launch_verbs"]
    launched = re.compile(rf"(?:{'|'.join(launch['verbs'])})[\u4e00-\u9fff]{{0,{launch['max_qualifier']}}}$")
    quotes = find_quotes(text)
    menu_items = _menu_items(text, quotes, cues)
    for quote in quotes:
        if holds(title_spans, quote.start):
            continue
        inner = text[quote.inner.start : quote.inner.end]
        core = name_key(inner)
        if (
            len(core) < MIN_CORE
            or inner in cues["mechanism_cues"]
            or len(inner) > MAX_QUOTED
            or re.search(r"[，。；！？,!?]", inner)
            or core in menu_items
        ):
            continue
        if _has_cue(inner, cues):
            if not _is_generic(inner, cues) and not _is_list(inner, cues) and not _bare_kind(inner, cues, known):
                found.append(_Candidate(inner, core, quote, 3))
            continue
        tail = tail_pattern.match(text, quote.end)
        if tail and not re.search(r"[，。；：,]", tail.group()) and not _joins_another(tail.group("tail"), cues):
            if tail.group("joiner") == "的" and not _practice_verb_before(text, quote.start, cues):
                continue
            if tail.group("joiner"):
                found.append(_Candidate(text[quote.start : quote.end], core, quote, 2))
            else:
                found.append(_Candidate(text[quote.start : tail.end()], core, Span(quote.start, tail.end()), 3))
            continue
        if core in known:
            found.append(_Candidate(strip_quote_marks(text[quote.start : quote.end]), core, quote, 2))
        elif (clause := text[clause_start(text, quote.start, max(0, quote.start - 40)) : quote.start]) and (
            launched.search(clause) and not _commercial(clause, launch)
        ):
            end = quote.end + next((len(t) for t in launch["name_tails"] if text.startswith(t, quote.end)), 0)
            found.append(_Candidate(text[quote.start : end], core, Span(quote.start, end), 2))
    return found


def _unquoted_candidates(text: str, cues: dict[str, Any], directive: bool) -> list[_Candidate]:
    """Known practice names, and names between an action verb and a cue word (in a ``directive`` text only
    where the clause says the mechanism is set up now: 实行零报告制度, 决定…建立…制度)."""
    found: list[_Candidate] = []
    verbs = sorted(cues["mechanism_verbs"], key=len, reverse=True)
    cue_alternatives = "|".join(sorted(cues["mechanism_cues"], key=len, reverse=True))
    decided = cues["decided_in_directives"]
    for m in re.finditer(cue_alternatives, text):
        start = clause_start(text, m.start(), max(0, m.start() - MAX_UNQUOTED - 6))
        head = text[start : m.start()]
        if any(mark in head for mark in '“”‘’「」《》"') or not head:
            continue
        in_use = _in_use(text, start, m.start(), m.end(), cues)
        if directive and in_use is None:
            clause = text[clause_start(text, m.start(), max(0, m.start() - 60)) : m.start()]
            if not any(w in clause for w in decided["markers"]) or any(w in clause for w in decided["negatives"]):
                continue
        if in_use is not None:
            name_start = in_use
        else:
            verb_at = max(((head.rfind(v), v) for v in verbs), key=lambda found_verb: found_verb[0])
            if verb_at[0] < 0:
                continue
            name_start = start + verb_at[0] + len(verb_at[1])
            if _continues(text[m.end() : m.end() + 1]):
                continue
        while name_start < m.start() and text[name_start] in "了起":
            name_start += 1
        # 本市企业续贷服务中心: the pronoun says whose it is, the name follows it
        name_start += next((len(p) for p in cues["region_pronouns"] if text.startswith(p, name_start)), 0)
        name = text[name_start : m.end()]
        if in_use is not None and re.search("[和与及、]", name):
            continue  # 发挥12315热线和全国12315平台作用: two things
        cut = False
        for joiner in ("的", "等"):
            if joiner in name:
                name = name[name.rfind(joiner) + 1 :]
                name_start = m.end() - len(name)
                cut = True
        # 实行预检分诊制度和首诊负责制: a cue word and a conjunction end the first of two names
        joined = list(re.finditer(rf"(?:{cue_alternatives})[和及与]", name))
        if joined:
            name = name[joined[-1].end() :]
            name_start = m.end() - len(name)
        # after 的 only a qualified kind is left (…的良好运行机制, …的沟通对接机制): a description, not a name
        too_short_or_long = len(name) - len(m.group()) < (5 if cut else 3) or len(name) > MAX_UNQUOTED
        if too_short_or_long or _is_generic(name, cues) or _is_list(name, cues):
            continue
        found.append(_Candidate(name, name_key(name), Span(name_start, m.end()), 1))
    title_spans = [span for span, _ in book_titles(text)]
    for known in _known_names():
        for pos in _occurrences(text, known):
            if any(t.start <= pos < t.end for t in title_spans):
                continue
            found.append(_Candidate(known, name_key(known), Span(pos, pos + len(known)), 1))
    return found


def _continues(following: str) -> bool:
    """Whether the character after a cue word makes it part of a longer phrase (…机制建设, 机制、…)."""
    return following == "、" or ("\u4e00" <= following <= "\u9fff" and following not in "等和及与并的为")


def _in_use(text: str, start: int, cue_start: int, cue_end: int, cues: dict[str, Any]) -> int | None:
    """Where the name starts of a mechanism the clause asks to improve or use (完善本市企业续贷服务中心功能,
    发挥…平台作用), which therefore exists already; None when the clause says no such thing."""
    in_use = cues["in_use"]
    if not any(text.startswith(word, cue_end) for word in in_use["objects"]):
        return None
    head = text[start:cue_start]
    ends = [head.rfind(verb) + len(verb) for verb in in_use["verbs"] if verb in head]
    return start + max(ends) if ends else None


def _commercial(clause: str, launch: dict[str, Any]) -> bool:
    """Whether the clause's subject is a business and no public body (微众银行推出…)."""
    business = any(word in clause for word in launch["commercial_subjects"])
    return business and not any(word in clause for word in launch["public_bodies"])


def _subject_candidates(text: str, cues: dict[str, Any], regions: DocumentRegions) -> list[_Candidate]:
    """A region's named system as the subject of its clause, with no verb before it (北京市依法行政学习培训制度也
    同步优化升级): the words between the region at the clause's start and a system cue (``subject_cues``: 制度,
    机制 …, not 中心 or 平台, which name organisations as often), with the clause going on after the cue."""
    found: list[_Candidate] = []
    subject_cues = "|".join(sorted(cues["subject_cues"], key=len, reverse=True))
    verbs = cues["mechanism_verbs"]
    for mention in regions.mentions:
        start = clause_start(text, mention.start, max(0, mention.start - 2))
        if text[start : mention.start].strip():
            continue
        m = re.match(rf"[\u4e00-\u9fff]{{4,{MAX_UNQUOTED}}}?(?:{subject_cues})(?=[\u4e00-\u9fff])", text[mention.end :])
        if m is None:
            continue
        name = m.group()
        if any(word in name for word in ("的", "等", "和", "与", *verbs)) or _is_generic(name, cues):
            continue
        found.append(_Candidate(name, name_key(name), Span(mention.end, mention.end + len(name)), 1))
    return found


def _menu_items(text: str, quotes: list[Quote], cues: dict[str, Any]) -> set[str]:
    """Keys of quoted names the document uses as items of an online service's menu (选择“互动中心”并进入“预约办税”)."""
    items: set[str] = set()
    for quote in quotes:
        before = text[max(0, quote.start - 4) : quote.start]
        after = text[quote.end : quote.end + 2]
        if any(before.endswith(w) for w in cues["ui_words"]) or any(after.startswith(w) for w in cues["ui_words"]):
            items.add(name_key(text[quote.inner.start : quote.inner.end]))
    return items


def _bare_kind(inner: str, cues: dict[str, Any], known: set[str]) -> bool:
    """“互动中心”, “指挥中心”: a two-character core and a cue name a kind of thing, not one practice."""
    cue = max((c for c in cues["mechanism_cues"] if inner.endswith(c)), key=len)
    return len(name_key(inner[: -len(cue)])) <= MIN_CORE and name_key(inner) not in known


def _joins_another(tail: str, cues: dict[str, Any]) -> bool:
    """“调查员”作用和扶贫信息平台, “上海普陀”微博等新媒体平台, “数字政府”充分发挥一体化平台: the cue belongs to another
    phrase, after a conjunction, an enumeration (、 first, 等) or a verb."""
    return tail.startswith("、") or any(word in tail for word in cues["tail_conjunctions"])


def _practice_verb_before(text: str, pos: int, cues: dict[str, Any]) -> bool:
    clause = text[clause_start(text, pos, max(0, pos - 40)) : pos]
    return any(verb in clause for verb in cues["joined_practice_verbs"])


def _asks_enterprises(text: str, span: Span, sentences: list[Span], cues: dict[str, Any]) -> bool:
    """支持商贸企业…发展“线上下单、无接触配送”模式: what enterprises are asked to set up is no government practice."""
    addressed = cues["enterprise_addressee"]
    sentence = enclosing(sentences, span.start)
    before = text[sentence.start : span.start]
    if any(before[-4:].endswith(verb) or before[-4:-1].endswith(verb) for verb in addressed["use_verbs"]):
        return False
    obliged = "|".join(addressed["obligations"])
    if re.search(f"(?:{'|'.join(addressed['addressees'])})[^，,。；;]{{0,8}}?(?:{obliged})", before):
        return True  # 复工复产的企业应当…建立健康申报制度
    for verb in addressed["verbs"]:
        pos = before.find(verb)
        while pos >= 0:
            if any(a in before[pos + len(verb) : pos + len(verb) + 8] for a in addressed["addressees"]):
                return True
            pos = before.find(verb, pos + 1)
    return False


def _occurrences(text: str, needle: str) -> list[int]:
    found: list[int] = []
    pos = text.find(needle)
    while pos >= 0:
        found.append(pos)
        pos = text.find(needle, pos + len(needle))
    return found


def _is_list(inner: str, cues: dict[str, Any]) -> bool:
    """大数据、大系统、大平台: an enumeration of short items, not one name."""
    parts = inner.split("、")
    if len(parts) < 2:
        return False
    short_last = any(parts[-1].endswith(cue) and len(parts[-1]) - len(cue) <= 2 for cue in cues["mechanism_cues"])
    every_one_named = all(any(part.endswith(cue) for cue in cues["mechanism_cues"]) for part in parts)
    return short_last or every_one_named


def _is_generic(name: str, cues: dict[str, Any]) -> bool:
    bare = strip_quote_marks(name)
    if bare in cues["generic_names"]:
        return True
    for kind in cues["generic_names"]:
        # 供水、燃气企业与物业、社区联动机制: parties joined to a generic kind, not a named mechanism
        if bare.endswith(kind) and re.search("[与和同、]", bare[: -len(kind)]):
            return True
    return any(bare.startswith(word) for word in cues["generic_name_starts"])


def _plan_spans(text: str, cues: dict[str, Any]) -> list[Span]:
    """Sections under a heading that announces plans or problems (下一步工作打算, 存在的不足 …), and appended
    material after the text proper (附1：…, 附件：…)."""
    spans: list[Span] = []
    heading = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])")
    current: int | None = None
    for line in paragraph_spans(text):
        body = text[line.start : line.end]
        if APPENDIX.match(body):
            spans.append(Span(line.start, len(text)))
            return spans
        if heading.match(body) and len(body) <= 60 and not re.match(r"^\s*[（(]", body):
            if current is not None:
                spans.append(Span(current, line.start))
                current = None
            if any(word in body for word in cues["plan_headings"]):
                current = line.start
    if current is not None:
        spans.append(Span(current, len(text)))
    return spans


def _in_plan(text: str, span: Span, sentences: list[Span], plan_spans: list[Span], cues: dict[str, Any]) -> bool:
    if any(p.start <= span.start < p.end for p in plan_spans):
        return True
    clause = text[clause_start(text, span.start, enclosing(sentences, span.start).start) : span.start]
    for compound in cues["plan_word_exceptions"]:  # 需要, 主要, 将来: 要 and 将 inside another word
        clause = clause.replace(compound, "  ")
    return any(word in clause for word in cues["plan_words"])


def _mentions(text: str, key: str, group: list[_Candidate], quotes: list[Span]) -> list[Span]:
    """Every place the practice is named: its candidates, the other ``quotes`` of its key, and occurrences of its
    core."""
    spans = {c.span for c in group}
    spans.update(quotes)
    core = strip_quote_marks(group[0].name)
    if len(core) >= 4:
        for pos in _occurrences(text, core):
            spans.add(Span(pos, pos + len(core)))
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    kept: list[Span] = []
    for span in ordered:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


# --- description ---------------------------------------------------------------------------------------------


def _describe(ctx: DocumentContext, fact: MechanismFact, sentences: list[Span], regions: DocumentRegions) -> None:
    text = ctx.norm_text
    described = sorted({enclosing(sentences, m.start) for m in fact.mentions}, key=lambda s: s.start)
    fact.description = "".join(readable(text[s.start : s.end]) for s in described)[:600]
    fact.region = _region_of(text, fact, described[0], regions)
    for mention in fact.mentions:
        sentence = enclosing(sentences, mention.start)
        clause_from = clause_start(text, mention.start, sentence.start)
        for surface in _claims(text, clause_from, mention.start, regions):
            if surface not in fact.claims:
                fact.claims.append(surface)
        if fact.since is None:
            fact.since = _since(text, sentence, mention)
    fact.agency = _agency(text, described, fact.region)
    fact.topics = topics_of(fact.name + "".join(_local_context(text, m, sentences) for m in fact.mentions))
    fact.legal_basis = _legal_basis(text, fact, described)


def _local_context(text: str, mention: Span, sentences: list[Span]) -> str:
    """The clause of a mention and the clause after it: what the text says the practice is about."""
    sentence = enclosing(sentences, mention.start)
    start = clause_start(text, mention.start, sentence.start)
    end = mention.end
    for _ in range(2):
        while end < sentence.end and text[end] not in "，,；;。":
            end += 1
        end += 1
    return text[start : min(end, sentence.end)]


def _region_of(text: str, fact: MechanismFact, sentence: Span, regions: DocumentRegions) -> Region | None:
    """The nearest region mention before the first mention in its sentence (else in the sentence), made as
    specific as the document allows; the document's main region when the sentence names none."""
    in_sentence = [m for m in regions.within(sentence.start, sentence.end) if not is_claim_scope(text, m)]
    before = [m for m in in_sentence if m.end <= fact.span.start]
    chosen = before[-1] if before else (in_sentence[0] if in_sentence else None)
    if chosen is not None:
        return regions.specific(chosen.region)
    return regions.main


def _claims(text: str, start: int, end: int, regions: DocumentRegions) -> list[str]:
    """First-of-kind claims in ``text[start:end]``: 全市率先, 全国首创, 在北京市率先 (a real region's name)."""
    found = [(m.start(), m.group()) for m in CLAIM.finditer(text, start, end)]
    for m in CLAIM_IN_REGION.finditer(text, start, end):
        if regions.resolve(m.group("scope")) is not None and not any(s == m.start() for s, _ in found):
            found.append((m.start(), m.group()))
    return [surface for _, surface in sorted(found)]


def _since(text: str, sentence: Span, mention: Span) -> str | None:
    before = text[sentence.start : mention.start]
    if not any(verb in text[sentence.start : sentence.end] for verb in START_VERBS):
        return None
    for _, title in book_titles(text, sentence.start, mention.start):
        before = before.replace(title, "")
    years = SINCE.findall(before)
    return years[-1] if years else None


def _agency(text: str, described: list[Span], region: Region | None) -> str | None:
    for sentence in described:
        m = AGENCY.search(text, sentence.start, sentence.end)
        if m is None:
            continue
        prefix = m.group("prefix") or ""
        if prefix in ("", "区", "市", "县", "省") and region is not None:
            prefix = region.name
        return prefix + m.group("dept")
    return None


def topics_of(text: str) -> list[str]:
    """The topics (``topics.json``) whose keywords occur in ``text``, in dictionary order."""
    topics: dict[str, list[str]] = load_resource("topics")
    return [topic for topic, words in topics.items() if not topic.startswith("_") and any(w in text for w in words)]


def _legal_basis(text: str, fact: MechanismFact, described: list[Span]) -> list[str]:
    """《…》 titles cited in the practice's sentences, and those of its paragraph that share a topic with it."""
    titles: list[str] = []
    for sentence in described:
        for _, title in book_titles(text, sentence.start, sentence.end):
            if title not in titles:
                titles.append(title)
    paragraph = _paragraph_of(text, fact.span.start)
    start, end = max(paragraph.start, fact.span.start - NEARBY), min(paragraph.end, fact.span.end + NEARBY)
    for _, title in book_titles(text, start, end):
        if title not in titles and set(topics_of(title)) & set(fact.topics):
            titles.append(title)
    return titles


def _paragraph_of(text: str, pos: int) -> Span:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return Span(start, len(text) if end < 0 else end)
