"""A small support measure as the ingest pipeline hands it to hooks, and enterprise profiles around it."""

from __future__ import annotations

from graph.base import GraphChange, NodeRecord
from graph.records import MeasureDates, measure_records
from ingest.extractors.base import ClauseSpan, DocumentContext
from ontology.eligibility import BenefitSpec, ConditionSpec

POLICY_TEXT = (
    "北京市关于支持中小微企业稳定发展的若干措施\n"
    "一、对本市中小微企业，2019年未裁员的，给予一次性稳岗补贴，最高10万元。\n"
    "二、本措施自发布之日起施行，有效期至2027年12月31日。\n"
)
ARTICLE = "一、对本市中小微企业，2019年未裁员的，给予一次性稳岗补贴，最高10万元。"

# Three profiles qualify (two eligible, one lacking the layoff fact), one is too big, one is outside 北京.
PROFILES = [
    {"id": "ent-1", "name": "北京甲科技有限公司", "region_code": "110112", "industry_code": "I6513",
     "scale": "小型", "facts": {"layoffs_2019": False}},
    {"id": "ent-2", "name": "北京乙餐饮有限公司", "region_code": "110105", "industry_code": "H6210",
     "scale": "微型", "facts": {"layoffs_2019": False}},
    {"id": "ent-3", "name": "北京丙制造股份公司", "region_code": "110112", "industry_code": "C3311",
     "scale": "大型", "facts": {"layoffs_2019": False}},
    {"id": "ent-4", "name": "上海丁贸易有限公司", "region_code": "310101", "industry_code": "F5123",
     "scale": "小型", "facts": {"layoffs_2019": False}},
    {"id": "ent-5", "name": "北京戊咨询有限公司", "region_code": "110108", "industry_code": "L7243",
     "scale": "中型"},
]  # fmt: skip
ELIGIBLE = {"ent-1", "ent-2"}
UNDETERMINED = {"ent-5"}


def policy_change(doc_id: str = "doc-bj-1", source_id: str = "bj-2026-001", text: str = POLICY_TEXT):
    """The DocumentContext and the GraphChange (document, clause, conditions, benefit) of the test policy."""
    start = text.index(ARTICLE[:10])
    end = start + len(text[start:].split("\n", 1)[0])
    clause_id = f"{doc_id}/1"
    context = DocumentContext(
        doc_id=doc_id,
        source_id=source_id,
        text=text,
        norm_text=text,
        title="北京市关于支持中小微企业稳定发展的若干措施",
        doc_type="规范性文件",
        region_code="110000",
        clauses=(ClauseSpan(clause_id, "列举", "一", start, end),),
    )
    conditions = [
        ConditionSpec("region", "in", ["110000"], "本市", span=(start, end)),
        ConditionSpec("scale", "in", ["中型", "小型", "微型"], "中小微企业", span=(start, end)),
        ConditionSpec("behaviour", "==", False, "2019年未裁员", fact="layoffs_2019", span=(start, end)),
    ]
    nodes = [
        NodeRecord("NormativeDocument", doc_id, {"source_id": source_id, "title": context.title, "text": text,
                                                 "region_code": "110000", "source_offsets": "[]"}),
        NodeRecord("Clause", clause_id, {"doc_id": doc_id, "kind": "列举", "label": "一", "text": text[start:end],
                                         "span_start": start, "span_end": end}),
    ]  # fmt: skip
    measure_nodes, _ = measure_records(
        conditions,
        BenefitSpec("稳岗返还", "一次性稳岗补贴，最高10万元", 10.0),
        doc_id=doc_id,
        clause_id=clause_id,
        region_code="110000",
        dates=MeasureDates(valid_to="2027-12-31"),
    )
    nodes.extend(measure_nodes)
    return context, GraphChange(nodes=nodes, replace_document=doc_id)
