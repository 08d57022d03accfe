// policykg web page: search, enterprise self-check and the demonstrations/practices browser.
// Plain browser JavaScript over the HTTP API; errors arrive as RFC 9457 problem+json and are shown as such.
"use strict";

const VERDICT_LABELS = { eligible: "符合", undetermined: "待确认", ineligible: "不符合" };
const OUTCOME_LABELS = { met: "满足", unmet: "不满足", unknown: "缺少信息" };
const DIMENSION_LABELS = {
  region: "地区", scale: "规模", industry: "行业", ownership: "所有制", age_years: "成立年限",
  employees: "从业人数", revenue_wan: "营业收入", qualification: "资质", behaviour: "经营行为", other: "其他",
};
const KIND_LABELS = { area: "示范地区", project: "示范项目" };
const EVIDENCE_LABELS = {
  report_item: "年度报告", mechanism: "机制做法", designation: "示范命名", normative_document: "规范性文件",
};
const BATCH_LABELS = ["", "第一批", "第二批", "第三批", "第四批", "第五批"];

const $ = (selector) => document.querySelector(selector);

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Snippets mark matched words with 【】: escape first, then turn the brackets into <mark>.
function highlight(snippet) {
  return escapeHtml(snippet).replace(/【/g, "<mark>").replace(/】/g, "</mark>");
}

function listOf(data) {
  if (Array.isArray(data)) return data;
  return data?.items ?? data?.results ?? data?.hits ?? data?.matches ?? [];
}

async function problemText(response) {
  try {
    const problem = await response.json();
    const fields = (problem.errors ?? []).map((e) => chineseMessage(e.field, e.message)).join("；");
    return fields || problem.detail || problem.title || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

async function callApi(path, options = {}) {
  const response = await fetch(path, { headers: { Accept: "application/json", ...(options.headers ?? {}) }, ...options });
  if (!response.ok) throw new Error(await problemText(response));
  return response.json();
}

function setStatus(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle("error", isError);
}

function formParams(form) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (String(value).trim() !== "") params.append(name, String(value).trim());
  }
  return params;
}

// --- tabs ---------------------------------------------------------------------------------------------
let currentTab = "search";

function showTab(name) {
  currentTab = name;
  $("#panel-document").hidden = true;
  for (const tab of document.querySelectorAll("nav [role=tab]")) {
    const selected = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(selected));
    $(`#panel-${tab.dataset.tab}`).hidden = !selected;
  }
  if (name === "practices" && !$("#demo-table tbody").dataset.loaded) loadPractices();
}

// --- search -------------------------------------------------------------------------------------------
async function runSearch(event) {
  event.preventDefault();
  const status = $("#search-status");
  const list = $("#search-results");
  const params = formParams(event.target);
  params.set("top", "20");
  setStatus(status, "检索中…");
  list.innerHTML = "";
  try {
    const data = await callApi(`/search?${params}`);
    const hits = listOf(data);
    setStatus(status, hits.length ? `找到 ${hits.length} 条结果` : "没有找到相关条款，请换个说法或放宽筛选条件");
    list.innerHTML = hits.map(renderHit).join("");
  } catch (error) {
    setStatus(status, `检索失败：${error.message}`, true);
  }
}

function renderHit(hit) {
  const meta = [hit.doc_type, hit.region_code, hit.date_published, hit.status, (hit.issuers ?? []).join("、")]
    .filter(Boolean).map(escapeHtml).join(" · ");
  return `<li class="hit">
    <h3>${docLink(hit.doc_id, hit.title)}${hit.article ? ` <small>${escapeHtml(hit.article)}</small>` : ""}</h3>
    <div class="meta">${meta}</div>
    <p class="snippet">${highlight(hit.snippet)}</p>
  </li>`;
}

// --- enterprise self-check ----------------------------------------------------------------------------
const FIELD_LABELS = {
  region_code: "注册地区", industry_code: "所属行业", established: "成立日期", employees: "从业人员",
  annual_revenue_wan: "营业收入", total_assets_wan: "资产总额", scale: "企业规模", ownership: "所有制",
  qualifications: "资质", facts: "其他事实", name: "企业名称", as_of: "判断日期",
};
const MESSAGE_PATTERNS = [
  [/^Field required/, "必填"],
  [/valid integer/, "应为整数"],
  [/valid number/, "应为数字"],
  [/greater than or equal to (\S+)/, (m) => `不能小于 ${m[1]}`],
  [/valid date/, "应为日期（年-月-日）"],
  [/Input should be (.+)/, (m) => `取值应为 ${m[1]}`],
  [/^Value error, (.+)/, (m) => m[1]],
];

function chineseMessage(field, message) {
  const name = String(field).split(".").slice(1).map((part) => FIELD_LABELS[part] ?? part).join(" · ") || field;
  for (const [pattern, replacement] of MESSAGE_PATTERNS) {
    const m = String(message).match(pattern);
    if (m) return `${name}：${typeof replacement === "function" ? replacement(m) : replacement}`;
  }
  return `${name}：${message}`;
}

const suggestionTimers = {};
function offerCodes(input, listId, path) {
  input.addEventListener("input", () => {
    clearTimeout(suggestionTimers[listId]);
    const q = input.value.trim();
    if (!q || /（[0-9A-Z]+）$/.test(q)) return;
    suggestionTimers[listId] = setTimeout(async () => {
      try {
        const items = await callApi(`${path}?q=${encodeURIComponent(q)}&limit=12`);
        $(`#${listId}`).innerHTML = items
          .map((i) => `<option value="${escapeHtml(i.name)}（${escapeHtml(i.code)}）"></option>`).join("");
      } catch {
        // suggestions are a convenience; the form still resolves the name on submit
      }
    }, 150);
  });
}

async function codeOf(text, path, what, shape) {
  const value = text.trim();
  const written = value.match(/（([0-9A-Za-z]+)）$/);
  if (written) return written[1].toUpperCase();
  if (shape.test(value)) return value.toUpperCase();
  const items = await callApi(`${path}?q=${encodeURIComponent(value)}&limit=1`);
  if (!items.length) throw new Error(`${what}：找不到“${value}”，请换个名称或填写代码`);
  return items[0].code;
}

async function profileFromForm(form) {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) ?? "").trim();
  const number = (name) => (text(name) === "" ? undefined : Number(text(name)));
  const profile = {
    id: "self-check",
    name: text("name"),
    region_code: await codeOf(text("region"), "/reference/regions", "注册地区", /^\d{6}$/),
    industry_code: await codeOf(text("industry"), "/reference/industries", "所属行业", /^[A-Ta-t]\d{0,4}$/),
    established: text("established") || undefined,
    employees: number("employees"),
    annual_revenue_wan: number("annual_revenue_wan"),
    total_assets_wan: number("total_assets_wan"),
    scale: text("scale") || undefined,
    ownership: text("ownership") || undefined,
    description: text("description"),
  };
  if (text("qualifications")) profile.qualifications = text("qualifications").split(/[,，、]\s*/).filter(Boolean);
  if (text("facts")) {
    try {
      profile.facts = JSON.parse(text("facts"));
    } catch {
      throw new Error("其他事实：不是合法的 JSON");
    }
  }
  return profile;
}

const VERDICT_ORDER = { eligible: 0, undetermined: 1, ineligible: 2 };
const amountOf = (match) => match.benefit?.max_amount_wan ?? 0;

function byPolicy(matches) {
  const groups = new Map();
  for (const match of matches) {
    const key = match.source_id;
    if (!groups.has(key)) groups.set(key, { title: match.title || match.source_id, matches: [] });
    groups.get(key).matches.push(match);
  }
  const rank = (m) => [VERDICT_ORDER[m.verdict] ?? 3, -amountOf(m)];
  const compare = (a, b) => { const [x, y] = [rank(a), rank(b)]; return x[0] - y[0] || x[1] - y[1]; };
  const list = [...groups.values()];
  for (const group of list) group.matches.sort(compare);
  return list.sort((a, b) => compare(a.matches[0], b.matches[0]));
}

async function runCheck(event) {
  event.preventDefault();
  const status = $("#check-status");
  const box = $("#check-results");
  box.innerHTML = "";
  try {
    const profile = await profileFromForm(event.target);
    const form = new FormData(event.target);
    const query = new URLSearchParams();
    if (String(form.get("as_of") ?? "")) query.set("as_of", String(form.get("as_of")));
    if (form.get("include_inactive")) query.set("include_inactive", "true");
    setStatus(status, "匹配中…");
    const data = await callApi(`/match${query.size ? `?${query}` : ""}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(profile),
    });
    const matches = listOf(data).filter((m) => m.verdict !== "ineligible");
    const eligible = matches.filter((m) => m.verdict === "eligible").length;
    const estimates = await estimatesOf(profile, query);
    for (const m of matches) m.estimate = estimates.get(m.clause_id);
    const total = matches.filter((m) => m.verdict === "eligible")
      .reduce((sum, m) => sum + (m.estimate?.amount_wan ?? 0), 0);
    const questions = new Map();
    for (const m of matches) for (const q of m.questions ?? []) questions.set(q.fact, q.question);
    const groups = byPolicy(matches);
    setStatus(status, `来自 ${groups.length} 份政策：符合 ${eligible} 项，待确认 ${matches.length - eligible} 项` +
      (questions.size ? `；回答 ${questions.size} 个问题可进一步确认` : "") +
      (total ? `；符合的措施预计合计约 ${Math.round(total * 10000) / 10000} 万元` : ""));
    box.innerHTML = groups.map(renderPolicy).join("") || "<p>暂未找到适用的惠企政策。</p>";
  } catch (error) {
    setStatus(status, `自检失败：${error.message}`, true);
  }
}

// 政策计算器: each measure's estimated amount, by clause id (POST /calculate)
async function estimatesOf(profile, query) {
  const answer = await callApi(`/calculate${query.has("as_of") ? `?as_of=${query.get("as_of")}` : ""}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ profile, verdicts: ["eligible", "undetermined"] }),
  });
  return new Map(answer.measures.map((m) => [m.clause_id, m.estimate]));
}

function renderEstimate(estimate) {
  if (!estimate) return "";
  const amount = estimate.amount_wan === null ? "待补充信息后计算"
    : `${estimate.bound === "at_most" ? "最高" : "约"} ${estimate.amount_wan} 万元`;
  const missing = estimate.missing.length ? `；需补充：${estimate.missing.map((q) => q.question).join("；")}` : "";
  return `<div class="meta estimate">预计可获：${escapeHtml(amount)}（${escapeHtml(estimate.formula_text)}）${escapeHtml(missing)}</div>`;
}

function renderCondition(condition) {
  const dimension = DIMENSION_LABELS[condition.dimension] ?? condition.dimension;
  const outcome = OUTCOME_LABELS[condition.outcome] ?? condition.outcome;
  const names = (condition.value_names ?? []).length ? `〔${condition.value_names.join("、")}〕` : "";
  return `<li class="outcome-${escapeHtml(condition.outcome)}">${escapeHtml(dimension)}：“${escapeHtml(condition.text)}”${escapeHtml(names)}（${escapeHtml(outcome)}）</li>`;
}

function formulaText(benefit) {
  const f = benefit?.formula;
  const cap = benefit?.max_amount_wan;
  if (!f) return cap ? `最高 ${cap} 万元` : "";
  const capText = f.cap_wan && f.kind !== "cap" && f.kind !== "fixed" ? `，最高 ${f.cap_wan} 万元` : "";
  if (f.kind === "rate") return `按${f.base ?? ""} ${f.value}%${capText}`;
  if (f.kind === "per_unit") return `每${f.per ?? "单位"} ${f.value} 万元${capText}`;
  if (f.kind === "fixed") return `${f.value} 万元`;
  return `最高 ${f.value} 万元`;
}

function renderMatch(match) {
  const amount = formulaText(match.benefit);
  const benefit = match.benefit
    ? `${escapeHtml(match.benefit.type)}：${escapeHtml(match.benefit.text)}${amount ? `（${escapeHtml(amount)}）` : ""}`
    : "";
  const questions = (match.questions ?? []).length
    ? `<div class="meta">待回答：<ul class="questions">${match.questions.map((q) => `<li>${escapeHtml(q.question)}</li>`).join("")}</ul></div>` : "";
  const dates = [match.valid_to && `有效期至 ${match.valid_to}`, match.deadline && `申报截止 ${match.deadline}`]
    .filter(Boolean).map(escapeHtml).join(" · ");
  const copies = (match.copies ?? []).length ? `<div class="meta">另有 ${match.copies.length} 份转载：${match.copies.map((c) => escapeHtml(c.source_id)).join("、")}</div>` : "";
  return `<article class="match">
    <h4><span class="badge ${escapeHtml(match.verdict)}">${VERDICT_LABELS[match.verdict] ?? escapeHtml(match.verdict)}</span>${match.validity && match.validity !== "in_force" ? `<span class="badge inactive">${escapeHtml(match.validity_text)}</span>` : ""}${benefit}</h4>
    <p>${escapeHtml(match.clause_text)}</p>
    ${dates ? `<div class="meta">${dates}</div>` : ""}${renderEstimate(match.estimate)}
    <ul class="conditions">${(match.conditions ?? []).map(renderCondition).join("")}</ul>
    ${questions}${copies}
    <div class="meta">${docLink(match.doc_id, "查看原文与相关文件")}</div>
  </article>`;
}

function renderPolicy(group) {
  return `<section class="policy"><h3>${escapeHtml(group.title)}</h3>${group.matches.map(renderMatch).join("")}</section>`;
}

// --- a document with everything around it (查看) -------------------------------------------------------
function docLink(docId, title) {
  return `<a href="#" class="doc-link" data-doc="${escapeHtml(docId)}">${escapeHtml(title)}</a>`;
}

function linkItem(link) {
  const title = link.placeholder
    ? `<span class="placeholder">${escapeHtml(link.title)}（未收录）</span>`
    : docLink(link.id, link.title);
  const meta = [link.version_date, link.status, link.doc_type].filter(Boolean).map(escapeHtml).join(" · ");
  return `<li>${title}${meta ? ` <small>${meta}</small>` : ""}</li>`;
}

function linkList(heading, links, empty) {
  return `<h3>${heading}</h3>${links.length ? `<ul class="links">${links.map(linkItem).join("")}</ul>` : `<p class="meta">${empty}</p>`}`;
}

function renderMeasure(measure) {
  const amount = formulaText(measure.benefit);
  const benefit = measure.benefit ? `${escapeHtml(measure.benefit.type)}${amount ? `（${escapeHtml(amount)}）` : ""}` : "";
  const conditions = (measure.conditions ?? [])
    .map((c) => `<li>${escapeHtml(DIMENSION_LABELS[c.dimension] ?? c.dimension)}：${escapeHtml(c.text)}</li>`).join("");
  return `<li class="measure">${measure.curated ? '<span class="badge curated">已人工校订</span>' : ""}<strong>${benefit}</strong>
    <p>${escapeHtml(measure.clause_text)}</p><ul class="conditions">${conditions}</ul></li>`;
}

function renderDocument(doc) {
  const meta = [doc.doc_number, (doc.issuers ?? []).join("、"), doc.doc_type, doc.status,
    doc.date_published && `发布 ${doc.date_published}`, doc.date_effective && `施行 ${doc.date_effective}`]
    .filter(Boolean).map(escapeHtml).join(" · ");
  const clauses = (doc.clauses ?? []).filter((c) => c.depth <= 2)
    .map((c) => `<p class="clause">${escapeHtml(c.text)}</p>`).join("");
  return `<h2 id="document-title">${escapeHtml(doc.title)}</h2>
    <div class="meta">${meta}</div>
    <h3>扶持措施</h3>${(doc.measures ?? []).length ? `<ol class="measures">${doc.measures.map(renderMeasure).join("")}</ol>` : '<p class="meta">本文件不直接授予企业扶持措施</p>'}
    ${linkList("历次版本", doc.versions ?? [], "仅此一版")}
    ${linkList("政策解读", doc.interpretations ?? [], "暂无政策解读")}
    ${linkList("引用的文件", doc.cites ?? [], "未引用其他文件")}
    ${linkList("被以下文件引用", doc.cited_by ?? [], "暂无文件引用本文件")}
    <h3>全文</h3><div class="fulltext">${clauses || `<p class="clause">${escapeHtml(doc.text ?? "")}</p>`}</div>`;
}

async function showDocument(docId) {
  for (const panel of document.querySelectorAll("main > .panel")) panel.hidden = panel.id !== "panel-document";
  const view = $("#document-view");
  view.innerHTML = '<p class="meta">正在打开文件…</p>';
  try {
    view.innerHTML = renderDocument(await callApi(`/documents/${encodeURIComponent(docId)}`));
  } catch (error) {
    view.innerHTML = `<p class="status error">无法打开文件：${escapeHtml(error.message)}</p>`;
  }
  $("#panel-document").scrollIntoView();
}

// --- demonstrations and practices ---------------------------------------------------------------------
async function loadPractices(event) {
  event?.preventDefault();
  const status = $("#practices-status");
  const params = formParams($("#demo-form"));
  const demoParams = new URLSearchParams(params);
  demoParams.delete("topic");
  const mechanismParams = new URLSearchParams();
  if (params.get("region")) mechanismParams.set("region", params.get("region"));
  if (params.get("topic")) mechanismParams.set("topic", params.get("topic"));
  setStatus(status, "加载中…");
  try {
    const [designations, mechanisms] = await Promise.all([
      callApi(`/demonstrations?${demoParams}`),
      callApi(`/mechanisms?${mechanismParams}`),
    ]);
    const rows = listOf(designations);
    $("#demo-table tbody").innerHTML = rows.map(renderDesignation).join("") || `<tr><td colspan="6">没有符合条件的示范命名</td></tr>`;
    $("#demo-table tbody").dataset.loaded = "1";
    const cards = listOf(mechanisms);
    practiceCards = cards;
    renderPracticePage(0);
    setStatus(status, `示范命名 ${rows.length} 项，机制做法 ${cards.length} 项`);
    if (params.get("region")) await loadCoverage(params.get("region"));
  } catch (error) {
    setStatus(status, `加载失败：${error.message}`, true);
  }
}

// 对照指标体系，查找差距: the indicators the region's reports, mechanisms, designations and normative documents give
// evidence for (each kind counted, in Chinese), and the others
function evidenceKinds(evidence) {
  const counts = new Map();
  for (const e of evidence) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return [...counts]
    .map(([kind, n]) => `<span class="evidence-kind">${escapeHtml(EVIDENCE_LABELS[kind] ?? kind)} ${n}</span>`)
    .join("、");
}

async function loadCoverage(region) {
  const data = await callApi(`/indicators/coverage?${new URLSearchParams({ region })}`);
  const covered = (data.covered ?? []).map((c) => {
    const best = c.evidence[0] ?? {};
    const kind = EVIDENCE_LABELS[best.kind] ?? best.kind ?? "";
    return `<tr class="covered"><td>${escapeHtml(c.indicator.name)}</td><td>${evidenceKinds(c.evidence)}</td>
      <td>${kind ? `【${escapeHtml(kind)}】` : ""}${escapeHtml((best.text ?? "").slice(0, 60))}</td>
      <td>${escapeHtml(best.source_id ?? "")}</td></tr>`;
  });
  const gaps = (data.uncovered ?? []).map((i) => `<li>${escapeHtml(i.name)}</li>`).join("");
  $("#coverage-view").innerHTML = `<p>已覆盖 ${covered.length} 项，差距 ${(data.uncovered ?? []).length} 项</p>
    <table id="coverage-table"><thead><tr><th>指标</th><th>依据（类型与数量）</th><th>依据示例</th><th>出处</th></tr></thead>
    <tbody>${covered.join("") || `<tr><td colspan="4">没有找到依据</td></tr>`}</tbody></table>
    <h3>差距</h3><ul class="gaps">${gaps}</ul>`;
}

function renderDesignation(d) {
  return `<tr><td>${escapeHtml(BATCH_LABELS[d.batch] ?? d.batch ?? "")}</td><td>${escapeHtml(d.year ?? "")}</td>
    <td>${escapeHtml(KIND_LABELS[d.kind] ?? d.kind)}</td><td>${escapeHtml(d.region)}</td>
    <td>${escapeHtml(d.name || "—")}</td><td>${sourceTitles(d)}</td></tr>`;
}

// every document a designation or mechanism is stated in, by title (the source id when it has none)
function sourceTitles(fact) {
  const sources = fact.sources ?? (fact.source_id ? [{ source_id: fact.source_id }] : []);
  return [...new Set(sources.map((s) => s.title || s.source_id))].map(escapeHtml).join("；");
}

// the mechanism cards, one page at a time (PRACTICES_PAGE_SIZE, or the cards element's data-page-size)
const PRACTICES_PAGE_SIZE = 20;
let practiceCards = [];
let practicePage = 0;

function practicePageSize() {
  return Number($("#mechanism-cards").dataset.pageSize) || PRACTICES_PAGE_SIZE;
}

function renderPracticePage(page) {
  const size = practicePageSize();
  const pages = Math.max(1, Math.ceil(practiceCards.length / size));
  practicePage = Math.min(Math.max(page, 0), pages - 1);
  const shown = practiceCards.slice(practicePage * size, (practicePage + 1) * size);
  $("#mechanism-cards").innerHTML = shown.map((m) => renderMechanism(m, true)).join("") || "<p>没有符合条件的机制做法</p>";
  const pager = $("#mechanism-pager");
  pager.hidden = pages <= 1;
  pager.innerHTML = `<button type="button" data-page="prev"${practicePage === 0 ? " disabled" : ""}>上一页</button>
    <span class="page-info">第 ${practicePage + 1} / ${pages} 页（共 ${practiceCards.length} 项）</span>
    <button type="button" data-page="next"${practicePage >= pages - 1 ? " disabled" : ""}>下一页</button>`;
}

function renderMechanism(m, withSimilarButton) {
  const topics = (m.topics ?? []).map((t) => `<span>${escapeHtml(t)}</span>`).join("");
  const claims = (m.claims ?? []).length ? `<div class="claims">${m.claims.map(escapeHtml).join("、")}</div>` : "";
  const basis = (m.legal_basis ?? []).length ? `<div class="meta">依据：${m.legal_basis.map(escapeHtml).join("、")}</div>` : "";
  const score = typeof m.score === "number" ? ` <small>相似度 ${m.score.toFixed(2)}</small>` : "";
  const button = withSimilarButton ? `<button type="button" class="similar" data-name="${escapeHtml(m.name)}">相似做法</button>` : "";
  return `<article class="mechanism">
    <h3>${escapeHtml(m.name)}${score}</h3>
    <div class="meta">${escapeHtml(m.region ?? "")}${m.agency ? ` · ${escapeHtml(m.agency)}` : ""}${m.since ? ` · ${escapeHtml(m.since)}起` : ""}</div>
    ${claims}
    <p>${escapeHtml(m.description ?? "")}</p>
    ${basis}
    ${(m.sources ?? []).length ? `<div class="meta">来源：${sourceTitles(m)}</div>` : ""}
    <div class="tags">${topics}</div>
    ${button}
  </article>`;
}

// 导入命名名单: an admin uploads an official annex (CSV) to POST /demonstrations/import; a refused row is shown by
// the Chinese half of the server's message (… (第3行 地区“火星市”无法识别))
const LIST_KEY_PROBLEMS = { 401: "密钥无效、已轮换或已停用", 403: "导入名单需要管理员的密钥" };

async function importList(event) {
  event.preventDefault();
  const status = $("#list-status");
  const form = new FormData(event.target);
  const key = String(form.get("key") ?? "").trim();
  const file = form.get("file");
  if (!key) return setStatus(status, "请填写管理员密钥", true);
  if (!(file instanceof File) || !file.name) return setStatus(status, "请选择名单文件（CSV）", true);
  setStatus(status, "导入中…");
  try {
    const response = await fetch("/demonstrations/import", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", Authorization: `Bearer ${key}` },
      body: JSON.stringify({ name: file.name, csv: await file.text() }),
    });
    if (!response.ok) {
      const message = LIST_KEY_PROBLEMS[response.status] ?? (await problemText(response));
      const chinese = message.match(/\((第\d+行) (.*)\)$/);
      throw new Error(chinese ? `${chinese[1]}：${chinese[2]}，未导入任何内容` : message);
    }
    const done = await response.json();
    setStatus(status, `已从 ${done.name} 导入 ${done.designations} 项命名（示范地区 ${done.areas} 项，示范项目 ${done.projects} 项）`);
    await loadPractices();
  } catch (error) {
    setStatus(status, `导入失败：${error.message}`, true);
  }
}

// similar practices: under the card that asked (a panel spanning the row below it), or, for a question typed in
// the form, in the panel above the cards
async function findSimilar(query, card) {
  const status = $("#practices-status");
  if (!query) return;
  setStatus(status, "查找相似做法…");
  try {
    const data = await callApi(`/practices/similar?${new URLSearchParams({ q: query })}`);
    const found = listOf(data);
    // each result is {mechanism: {…}, score, …}: the card shows the mechanism with the result's score
    const cards = found.map((r) => renderMechanism({ ...(r.mechanism ?? r), score: r.score }, false));
    const body = cards.join("") || "<p>没有找到相似做法</p>";
    $("#mechanism-cards .similar-panel")?.remove();
    if (card) {
      const panel = document.createElement("section");
      panel.className = "similar-panel";
      panel.innerHTML = `<h3>与“${escapeHtml(query)}”相似的做法 <button type="button" class="close-similar">收起</button></h3>
        <div class="cards">${body}</div>`;
      card.after(panel);
      panel.scrollIntoView({ behavior: "smooth", block: "nearest" });
    } else {
      $("#similar-title").hidden = false;
      $("#similar-title").textContent = `与“${query}”相似的做法`;
      $("#similar-cards").innerHTML = body;
      $("#similar-title").scrollIntoView({ behavior: "smooth", block: "nearest" });
    }
    setStatus(status, `找到 ${found.length} 个相似做法`);
  } catch (error) {
    setStatus(status, `查找失败：${error.message}`, true);
  }
}

// --- 督查: where the region's policies land (GET /dashboard with an official's key) --------------------
const APPLICATION_LABELS = { draft: "草稿", submitted: "已提交", accepted: "已受理", rejected: "未通过", paid: "已兑付" };
const KEY_PROBLEMS = { 401: "密钥无效、已轮换或已停用", 403: "该密钥无权查看督查（需要工作人员或管理员的密钥）" };

// A horizontal grouped bar chart as inline SVG: one group per row, one bar per series.
function barChart(title, rows, series) {
  const bar = 14, gap = 10, labelWidth = 230, width = 760, plot = width - labelWidth - 70;
  const max = Math.max(1, ...rows.flatMap((row) => series.map((s) => row.values[s.key] ?? 0)));
  const group = series.length * bar + gap;
  const height = 34 + rows.length * group;
  const legend = series.map((s, i) => `<rect x="${labelWidth + i * 120}" y="4" width="12" height="12" fill="${s.color}"/>` +
    `<text x="${labelWidth + i * 120 + 16}" y="15" font-size="12">${escapeHtml(s.name)}</text>`).join("");
  const groups = rows.map((row, r) => {
    const top = 28 + r * group;
    const label = row.label.length > 17 ? `${row.label.slice(0, 16)}…` : row.label;
    const bars = series.map((s, i) => {
      const value = row.values[s.key] ?? 0;
      const y = top + i * bar;
      const w = Math.max(value ? 2 : 0, Math.round((plot * value) / max));
      return `<rect class="bar" x="${labelWidth}" y="${y}" width="${w}" height="${bar - 2}" fill="${s.color}"><title>${escapeHtml(`${s.name}：${value}`)}</title></rect>` +
        `<text x="${labelWidth + w + 4}" y="${y + bar - 4}" font-size="11">${escapeHtml(String(value))}</text>`;
    }).join("");
    return `<text x="0" y="${top + (series.length * bar) / 2 + 4}" font-size="12">${escapeHtml(label)}</text>${bars}`;
  }).join("");
  return `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="100%">${legend}${groups}</svg></figure>`;
}

function renderDashboard(view) {
  const t = view.totals;
  const applied = (apps) => apps.submitted + apps.accepted + apps.rejected + apps.paid;
  const rows = view.policies.map((p) => ({ label: p.title, values: { ...p, applied: applied(p.applications) } }));
  const reach = barChart("政策落地（家 / 次）", rows, [
    { key: "qualifying_profiles", name: "符合企业", color: "#1e7b34" },
    { key: "delivered_events", name: "已送达", color: "#5b6b7c" },
    { key: "applied", name: "已申报", color: "#a35c00" },
    { key: "grants", name: "免申即享", color: "#1a4fb0" },
  ]);
  const money = barChart("金额（万元）", rows, [
    { key: "amount_applied_wan", name: "申请金额", color: "#a35c00" },
    { key: "amount_granted_wan", name: "免申即享", color: "#1a4fb0" },
    { key: "amount_paid_wan", name: "已兑付", color: "#1e7b34" },
  ]);
  const table = `<table id="dashboard-table"><thead><tr><th>政策</th>${Object.values(APPLICATION_LABELS).map((l) => `<th>${l}</th>`).join("")}<th>免申即享</th><th>评分</th></tr></thead><tbody>` +
    view.policies.map((p) => `<tr><td>${escapeHtml(p.title)}</td>${Object.keys(APPLICATION_LABELS).map((k) => `<td>${p.applications[k]}</td>`).join("")}` +
      `<td>${p.grants}</td><td>${p.average_rating ?? "—"}${p.ratings ? `（${p.ratings} 条）` : ""}</td></tr>`).join("") + "</tbody></table>";
  const measureItem = (m) => `<li>${escapeHtml(m.title)} 第 ${m.number} 项：${escapeHtml(m.text)}${m.qualifying_profiles ? `（符合 ${m.qualifying_profiles} 家）` : ""}</li>`;
  const regions = view.regions.map((r) => `<section class="card region"><h3>${escapeHtml(r.region_name)}（${r.measures} 项措施）</h3>` +
    `<p class="meta">无企业符合 ${r.without_qualifying.length} 项；有企业符合但无人申报 ${r.qualifying_without_application.length} 项</p>` +
    (r.qualifying_without_application.length ? `<h4>有企业符合但无人申报</h4><ul class="idle">${r.qualifying_without_application.map(measureItem).join("")}</ul>` : "") +
    (r.without_qualifying.length ? `<h4>无企业符合</h4><ul class="unreached">${r.without_qualifying.map(measureItem).join("")}</ul>` : "") +
    "</section>").join("");
  return `<p class="card" id="dashboard-totals">政策 ${t.policies} 份 · 措施 ${t.measures} 项 · 符合企业 ${t.qualifying_profiles} 家次 · ` +
    `已兑付 ${t.applications.paid} 件 · 免申即享 ${t.grants} 件 · 申请 ${t.amount_applied_wan} 万元 · 兑付 ${t.amount_paid_wan} 万元</p>` +
    reach + money + table + "<h2>未落地的措施</h2>" + (regions || "<p>暂无政策</p>");
}

async function loadDashboard(event) {
  event.preventDefault();
  const status = $("#dashboard-status");
  const form = new FormData(event.target);
  const key = String(form.get("key") ?? "").trim();
  if (!key) {
    setStatus(status, "请填写工作人员密钥", true);
    return;
  }
  const query = String(form.get("as_of") ?? "") ? `?as_of=${encodeURIComponent(String(form.get("as_of")))}` : "";
  setStatus(status, "加载中…");
  try {
    const response = await fetch(`/dashboard${query}`, { headers: { Accept: "application/json", Authorization: `Bearer ${key}` } });
    if (!response.ok) throw new Error(KEY_PROBLEMS[response.status] ?? (await problemText(response)));
    const view = await response.json();
    $("#dashboard-view").innerHTML = renderDashboard(view);
    setStatus(status, `${view.scope === "all" ? "全部地区" : `地区 ${view.scope}`}，${view.as_of}：${view.policies.length} 份政策`);
  } catch (error) {
    $("#dashboard-view").innerHTML = "";
    setStatus(status, `督查加载失败：${error.message}`, true);
  }
}

// --- wiring -------------------------------------------------------------------------------------------
for (const tab of document.querySelectorAll("nav [role=tab]")) tab.addEventListener("click", () => showTab(tab.dataset.tab));
$("#search-form").addEventListener("submit", runSearch);
$("#check-form").addEventListener("submit", runCheck);
offerCodes($("#check-form [name=region]"), "region-options", "/reference/regions");
offerCodes($("#check-form [name=industry]"), "industry-options", "/reference/industries");
$("#demo-form").addEventListener("submit", loadPractices);
$("#dashboard-form").addEventListener("submit", loadDashboard);
$("#document-back").addEventListener("click", () => showTab(currentTab));
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.doc-link");
  if (!link) return;
  event.preventDefault();
  showDocument(link.dataset.doc);
});
$("#similar-form").addEventListener("submit", (event) => {
  event.preventDefault();
  findSimilar($("#similar-q").value.trim());
});
$("#mechanism-cards").addEventListener("click", (event) => {
  if (event.target.closest("button.close-similar")) {
    event.target.closest(".similar-panel").remove();
    return;
  }
  const button = event.target.closest("button.similar");
  if (button && !button.closest(".similar-panel")) findSimilar(button.dataset.name, button.closest("article.mechanism"));
});
$("#list-form").addEventListener("submit", importList);
$("#mechanism-pager").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-page]");
  if (!button) return;
  renderPracticePage(practicePage + (button.dataset.page === "next" ? 1 : -1));
  $("#mechanisms-title").scrollIntoView({ block: "nearest" });
});
