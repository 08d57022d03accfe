"""The policykg domain model: node classes, their properties and the relationships between them.

This module is the Python mirror of ``policykg.ttl``; ``tests/unit/ontology/test_model_agrees_with_owl.py``
keeps the two in agreement. Graph adapters generate their schema (LadybugDB tables, Neo4j constraints) from
``NODE_CLASSES`` and ``RELATIONSHIPS``; nothing here imports a back-end.

Conventions every back-end shares:
- a document's ``text`` is the stored text: as published, less scrape artefacts; ``source_offsets`` (JSON list
  of ``[stored_pos, source_pos]`` breakpoints, empty when nothing was removed) maps it back to the source;
- every node has a stable string ``id`` (primary key);
- dates (type ``date``) are ISO-8601 strings ``YYYY-MM-DD``, so they sort and compare the same everywhere;
- structured values (a condition's value, a profile's facts) are JSON strings;
- nodes that belong to one document carry ``doc_id``: deleting or replacing a document removes them;
- provenance is a character span ``[span_start, span_end)`` into the document's stored (original) text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

PropertyType = Literal["string", "int", "float", "bool", "date", "string[]"]


class DocumentType(StrEnum):
    """Kinds of normative and informational documents (法律法规、规章、规范性文件 …)."""

    CONSTITUTION = "宪法"
    LAW = "法律"
    ADMINISTRATIVE_REGULATION = "行政法规"
    LOCAL_REGULATION = "地方性法规"
    DEPARTMENTAL_RULE = "部门规章"
    LOCAL_GOVERNMENT_RULE = "地方政府规章"
    JUDICIAL_INTERPRETATION = "司法解释"
    NORMATIVE_DOCUMENT = "规范性文件"
    POLICY_DOCUMENT = "政策文件"
    WORK_REPORT = "工作报告"
    PROPOSAL_REPLY = "建议答复"
    NEWS_REPORT = "新闻报道"
    INTERPRETATION = "政策解读"
    CASE = "案例"
    OTHER = "其他"


STATUTE_TYPES = frozenset(
    {
        DocumentType.CONSTITUTION,
        DocumentType.LAW,
        DocumentType.ADMINISTRATIVE_REGULATION,
        DocumentType.LOCAL_REGULATION,
        DocumentType.DEPARTMENTAL_RULE,
        DocumentType.LOCAL_GOVERNMENT_RULE,
        DocumentType.JUDICIAL_INTERPRETATION,
    }
)
"""法律法规、规章 and 司法解释: texts that declare policy (implementing documents grant it)."""


class DocumentStatus(StrEnum):
    """Validity status of a document version."""

    IN_FORCE = "现行有效"
    AMENDED = "已被修改"
    REPEALED = "已废止"
    NOT_YET_IN_FORCE = "尚未生效"
    UNKNOWN = "未知"


class ClauseKind(StrEnum):
    """Levels of the 编/章/节/条/款/项/目 tree and free enumerations (一、 （一） 1.)."""

    PART = "编"
    CHAPTER = "章"
    SECTION = "节"
    ARTICLE = "条"
    PARAGRAPH = "款"
    ITEM = "项"
    SUBITEM = "目"
    ENUMERATION = "列举"


class ConditionDimension(StrEnum):
    """What an eligibility condition constrains (CCCEV Criterion → Constraint)."""

    REGION = "region"
    SCALE = "scale"
    INDUSTRY = "industry"
    OWNERSHIP = "ownership"
    AGE_YEARS = "age_years"
    EMPLOYEES = "employees"
    REVENUE_WAN = "revenue_wan"
    QUALIFICATION = "qualification"
    BEHAVIOUR = "behaviour"
    OTHER = "other"


class ConditionOperator(StrEnum):
    """How a condition's value is compared with the profile's fact."""

    IN = "in"
    NOT_IN = "not_in"
    GE = ">="
    LE = "<="
    GT = ">"
    LT = "<"
    EQ = "=="
    HAS = "has"


class BenefitType(StrEnum):
    """Kinds of support a measure grants."""

    SUBSIDY = "资金补贴"
    TAX_RELIEF = "税费减免"
    SOCIAL_INSURANCE = "社保减免缓缴"
    LOAN_INTEREST = "贷款贴息"
    FINANCE = "金融支持"
    RENT_RELIEF = "租金减免"
    JOB_RETENTION = "稳岗返还"
    OTHER = "其他"


class DesignationKind(StrEnum):
    """A demonstration designation names an area (示范地区) or a project (示范项目)."""

    AREA = "area"
    PROJECT = "project"


class RegionLevel(StrEnum):
    """Levels of the administrative hierarchy."""

    COUNTRY = "country"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"


@dataclass(frozen=True)
class NodeClass:
    """One ontology class as stored in the graph: its label, properties and ontology alignment."""

    label: str
    label_zh: str
    comment: str
    properties: dict[str, PropertyType]
    aligned_with: tuple[str, ...] = ()
    owned_by_document: bool = False
    # one node per fact for every document that states it (STATED_IN each, with its span); deleted with the last
    shared_by_documents: bool = False
    indexed: tuple[str, ...] = ()

    @property
    def all_properties(self) -> dict[str, PropertyType]:
        """The properties including the primary key ``id``."""
        return {"id": "string", **self.properties}


@dataclass(frozen=True)
class Relationship:
    """One relationship type: the (source, target) label pairs it may join and its properties."""

    type: str
    label_zh: str
    endpoints: tuple[tuple[str, str], ...]
    properties: dict[str, PropertyType] = field(default_factory=dict)
    aligned_with: tuple[str, ...] = ()


SPAN: dict[str, PropertyType] = {"span_start": "int", "span_end": "int"}

NODE_CLASSES: dict[str, NodeClass] = {
    c.label: c
    for c in [
        NodeClass(
            "NormativeDocument",
            "规范性文件与政策文件",
            "A published legal or policy document, one version of it (ELI LegalResource/Expression).",
            {
                "source_id": "string",
                "duplicate_source_ids": "string[]",
                "source_path": "string",
                "title": "string",
                "title_norm": "string",
                "subtitle": "string",
                "doc_number": "string",
                "doc_type": "string",
                "level": "string",
                "region_code": "string",
                "issuers": "string[]",
                "date_written": "date",
                "date_published": "date",
                "date_effective": "date",
                "version_date": "date",
                "status": "string",
                "is_current": "bool",
                "work_id": "string",
                "content_hash": "string",
                "text": "string",
                "source_offsets": "string",
                "placeholder": "bool",
                "format": "string",
                "clause_count": "int",
            },
            ("eli:LegalResource", "eli:LegalExpression"),
            indexed=("source_id", "title_norm", "work_id", "content_hash"),
        ),
        NodeClass(
            "Clause",
            "条款",
            "A part of a document (编/章/节/条/款/项/目 or an enumeration item) with its span "
            "(ELI LegalResourceSubdivision).",
            {
                "doc_id": "string",
                "kind": "string",
                "label": "string",
                "number": "int",
                "ordinal": "int",
                "depth": "int",
                "path": "string",
                "text": "string",
                **SPAN,
            },
            ("eli:LegalResourceSubdivision",),
            owned_by_document=True,
            indexed=("doc_id",),
        ),
        NodeClass(
            "DatedEvent",
            "日期事件",
            "A dated event of a document (成文, 公布, 施行, 修正, 修订, 废止) or a date it mentions.",
            {"doc_id": "string", "date": "date", "kind": "string", "text": "string", **SPAN},
            ("prov:InstantaneousEvent",),
            owned_by_document=True,
            indexed=("doc_id",),
        ),
        NodeClass(
            "Agency",
            "机关",
            "A government body, people's congress, court or other issuing organisation (W3C ORG).",
            {"name": "string", "name_norm": "string", "region_code": "string"},
            ("org:Organization",),
            indexed=("name_norm",),
        ),
        NodeClass(
            "Region",
            "行政区划",
            "An administrative division from 统计用区划代码; id is its code (100000 = 全国).",
            {
                "code": "string",
                "name": "string",
                "full_name": "string",
                "level": "string",
                "parent_code": "string",
            },
            ("skos:Concept", "dcterms:Location"),
            indexed=("name",),
        ),
        NodeClass(
            "Industry",
            "国民经济行业",
            "A GB/T 4754-2017 industry: section letter, or 2-, 3-, 4-digit code.",
            {"code": "string", "name": "string", "depth": "int", "parent_code": "string", "remark": "string"},
            ("skos:Concept",),
            indexed=("name",),
        ),
        NodeClass(
            "DemonstrationDesignation",
            "示范命名",
            "A naming in the national 法治政府建设 demonstration programme: batch, year, area or project.",
            {
                "programme": "string",
                "batch": "int",
                "year": "int",
                "kind": "string",
                "named_by": "string",
                "region_code": "string",
                "name": "string",
            },
            shared_by_documents=True,
        ),
        NodeClass(
            "DemonstrationProject",
            "示范项目",
            "A project named a national 法治政府建设 demonstration project.",
            {"name": "string", "region_code": "string"},
            shared_by_documents=True,
        ),
        NodeClass(
            "DesignationList",
            "导入名单",
            "An imported list of designations (the annex of a naming decision, as a CSV file): a source of its own, "
            "with the file's name and text; each row's designation is STATED_IN it, the span being the row's line.",
            {"name": "string", "text": "string", "content_hash": "string", "created_at": "string"},
            ("prov:Entity",),
        ),
        NodeClass(
            "Mechanism",
            "机制做法",
            "A governance mechanism or practice a region built (一意见、一报告, 街乡吹哨、部门报到 …).",
            {
                "doc_id": "string",
                "name": "string",
                "name_norm": "string",
                "region_code": "string",
                "agency": "string",
                "description": "string",
                "claims": "string[]",
                "topics": "string[]",
                "legal_basis": "string[]",
                "since": "string",
                "text": "string",
                **SPAN,
            },
            owned_by_document=True,
            indexed=("doc_id", "name_norm"),
        ),
        NodeClass(
            "AnnualReport",
            "法治政府建设年度报告",
            "A 法治政府建设年度报告 read from a document: the year it reports on, the reporting agency, its region.",
            {"doc_id": "string", "year": "int", "agency": "string", "region_code": "string", **SPAN},
            ("prov:Entity",),
            owned_by_document=True,
            indexed=("doc_id",),
        ),
        NodeClass(
            "ReportItem",
            "年度报告条目",
            "One item of an annual report: its section (主要举措和成效, 存在的不足, 第一责任人职责, "
            "下一年度工作安排), its place and text.",
            {
                "doc_id": "string",
                "section": "string",
                "section_title": "string",
                "ordinal": "int",
                "text": "string",
                **SPAN,
            },
            owned_by_document=True,
            indexed=("doc_id",),
        ),
        NodeClass(
            "Indicator",
            "示范指标",
            "An indicator of the 市县法治政府建设示范指标体系.",
            {"code": "string", "name": "string"},
            ("skos:Concept",),
        ),
        NodeClass(
            "Topic",
            "主题",
            "A subject area such as 行政决策, 行政执法, 营商环境.",
            {"name": "string"},
            ("skos:Concept",),
        ),
        NodeClass(
            "Condition",
            "申报条件",
            "One executable eligibility condition of a support measure (CCCEV Constraint).",
            {
                "doc_id": "string",
                "clause_id": "string",
                "ordinal": "int",
                "dimension": "string",
                "operator": "string",
                "value_json": "string",
                "fact": "string",
                "text": "string",
                **SPAN,
            },
            ("cccev:Constraint",),
            owned_by_document=True,
            indexed=("doc_id", "clause_id"),
        ),
        NodeClass(
            "Benefit",
            "扶持内容",
            "What a support measure grants: type, text, maximum amount in 万元, the amount as a formula.",
            {
                "doc_id": "string",
                "clause_id": "string",
                "type": "string",
                "text": "string",
                "max_amount_wan": "float",
                "amount_kind": "string",
                "amount_value": "float",
                "amount_unit": "string",
                "amount_base": "string",
                "amount_per": "string",
                "valid_from": "date",
                "valid_to": "date",
                "deadline": "date",
                "region_code": "string",
                "curated": "bool",
                "auto_grant": "bool",
                **SPAN,
            },
            ("cccev:Evidence",),
            owned_by_document=True,
            indexed=("doc_id", "clause_id"),
        ),
        NodeClass(
            "Curation",
            "人工校订",
            "An official's correction of an extracted measure, keyed by its policy and clause text: the extracted "
            "original, the curated Condition and Benefit records and the audit trail; kept across re-ingests.",
            {
                "source_id": "string",
                "clause_key": "string",
                "clause_id": "string",
                "clause_text": "string",
                "status": "string",
                "original_json": "string",
                "curated_json": "string",
                "history_json": "string",
                "curated_by": "string",
                "curated_at": "string",
            },
            indexed=("source_id",),
        ),
        NodeClass(
            "EnterpriseProfile",
            "企业画像",
            "A company profile registered by an API consumer (the JSON profile is kept whole).",
            {
                "consumer_id": "string",
                "name": "string",
                "region_code": "string",
                "industry_code": "string",
                "profile_json": "string",
                "updated_at": "string",
            },
            ("org:FormalOrganization",),
            indexed=("consumer_id",),
        ),
        NodeClass(
            "ApiConsumer",
            "接口用户",
            "A client of the push API (a park platform, a bank …); its API key is stored as a SHA-256 hash only.",
            {
                "name": "string",
                "key_hash": "string",
                "created_at": "string",
                "rotated_at": "string",
                "revoked_at": "string",
            },
        ),
        NodeClass(
            "Official",
            "工作人员",
            "An official (publishes and curates its agency's documents within its region) or an admin; its API key "
            "is stored as a SHA-256 hash only, emptied when revoked.",
            {
                "name": "string",
                "role": "string",
                "region_code": "string",
                "agency": "string",
                "key_hash": "string",
                "created_at": "string",
                "rotated_at": "string",
                "revoked_at": "string",
            },
        ),
        NodeClass(
            "Subscription",
            "订阅",
            "A consumer's webhook: target URL, signing secret and filters (regions, benefit types, minimum verdict).",
            {
                "consumer_id": "string",
                "url": "string",
                "secret": "string",
                "filters_json": "string",
                "active": "bool",
                "created_at": "string",
            },
            indexed=("consumer_id",),
        ),
        NodeClass(
            "OutboxEvent",
            "推送事件",
            "A (profile, clause) match to deliver to a subscription; pending → delivered, or dead after N tries.",
            {
                "consumer_id": "string",
                "subscription_id": "string",
                "profile_id": "string",
                "policy_doc_id": "string",
                "source_id": "string",
                "clause_id": "string",
                "verdict": "string",
                "payload_json": "string",
                "idempotency_key": "string",
                "status": "string",
                "attempts": "int",
                "next_attempt_at": "string",
                "last_error": "string",
                "created_at": "string",
                "delivered_at": "string",
            },
            indexed=("consumer_id", "status"),
        ),
        NodeClass(
            "OutboxBatch",
            "推送批次",
            "One new or changed match result of a document's clause for up to a few thousand profiles of one "
            "subscription, stored with the document; the delivery worker expands it into their outbox events.",
            {
                "consumer_id": "string",
                "subscription_id": "string",
                "policy_doc_id": "string",
                "source_id": "string",
                "clause_id": "string",
                "verdict": "string",
                "fingerprint": "string",
                "match_json": "string",
                "recipients_json": "string",
                "recipient_count": "int",
                "status": "string",
                "created_at": "string",
                "expanded_at": "string",
            },
            indexed=("status",),
        ),
        NodeClass(
            "DeliveryAttempt",
            "推送记录",
            "One HTTP attempt to deliver an outbox event: when, the receiver's status code or the error.",
            {
                "event_id": "string",
                "consumer_id": "string",
                "attempt": "int",
                "status_code": "int",
                "error": "string",
                "duration_ms": "float",
                "attempted_at": "string",
            },
            indexed=("event_id",),
        ),
        NodeClass(
            "AnsweredQuestion",
            "已答问题",
            "A question someone asked and what answered it (a cited title and article, or a document's source id); "
            "search learns from it (search/answered.py).",
            {
                "question": "string",
                "cited_title": "string",
                "cited_article": "string",
                "source_id": "string",
                "collection": "string",
                "created_at": "string",
            },
            indexed=("collection",),
        ),
        NodeClass(
            "Application",
            "申报办理",
            "A consumer's application for one support measure on behalf of one of its profiles (办理, 一次办): "
            "draft → submitted → accepted | rejected → paid, each change with time and actor; a 免申即享 grant is "
            "recorded as an accepted application of channel auto_grant.",
            {
                "consumer_id": "string",
                "profile_id": "string",
                "source_id": "string",
                "clause_id": "string",
                "doc_id": "string",
                "title": "string",
                "region_code": "string",
                "issuers": "string[]",
                "status": "string",
                "channel": "string",
                "verdict": "string",
                "amount_applied_wan": "float",
                "amount_paid_wan": "float",
                "estimate_json": "string",
                "history_json": "string",
                "created_at": "string",
                "changed_at": "string",
            },
            indexed=("consumer_id", "source_id"),
        ),
        NodeClass(
            "Feedback",
            "政策评价",
            "A consumer's rating (1–5) and comment on a policy, or on one of its measures, for one of its profiles.",
            {
                "consumer_id": "string",
                "profile_id": "string",
                "source_id": "string",
                "clause_id": "string",
                "doc_id": "string",
                "region_code": "string",
                "issuers": "string[]",
                "rating": "int",
                "comment": "string",
                "created_at": "string",
            },
            indexed=("source_id",),
        ),
    ]
}

RELATIONSHIPS: dict[str, Relationship] = {
    r.type: r
    for r in [
        Relationship("HAS_CLAUSE", "包含条款", (("NormativeDocument", "Clause"),), {}, ("eli:has_part",)),
        Relationship("HAS_PART", "下级条款", (("Clause", "Clause"),), {}, ("eli:has_part",)),
        Relationship(
            "CITES",
            "引用",
            (("NormativeDocument", "NormativeDocument"), ("Clause", "NormativeDocument")),
            {"surface": "string", **SPAN},
            ("eli:cites",),
        ),
        Relationship("ISSUED_BY", "制定机关", (("NormativeDocument", "Agency"),), {}, ("eli:passed_by",)),
        Relationship("JURISDICTION", "适用地域", (("NormativeDocument", "Region"),), {}, ("eli:jurisdiction",)),
        Relationship(
            "MENTIONS",
            "提及",
            (("NormativeDocument", "Region"), ("NormativeDocument", "Agency")),
            {"surface": "string", **SPAN},
            ("dcterms:references",),
        ),
        Relationship("HAS_EVENT", "日期事件", (("NormativeDocument", "DatedEvent"),), {}, ()),
        Relationship(
            "SUPERSEDES", "取代旧版本", (("NormativeDocument", "NormativeDocument"),), {}, ("eli:consolidates",)
        ),
        Relationship("BROADER", "上级", (("Region", "Region"), ("Industry", "Industry")), {}, ("skos:broader",)),
        Relationship("AGENCY_IN", "所在地区", (("Agency", "Region"),), {}, ("org:basedAt",)),
        Relationship(
            "DESIGNATES",
            "命名",
            (("DemonstrationDesignation", "Region"), ("DemonstrationDesignation", "DemonstrationProject")),
            {},
            (),
        ),
        Relationship(
            "LOCATED_IN",
            "所属地区",
            (("DemonstrationProject", "Region"), ("Mechanism", "Region")),
            {},
            ("dcterms:spatial",),
        ),
        Relationship(
            "STATED_IN",
            "出处",
            (
                ("DemonstrationDesignation", "NormativeDocument"),
                ("DemonstrationProject", "NormativeDocument"),
                ("DemonstrationDesignation", "DesignationList"),
                ("DemonstrationProject", "DesignationList"),
                ("Mechanism", "NormativeDocument"),
                ("AnnualReport", "NormativeDocument"),
            ),
            SPAN,
            ("prov:wasDerivedFrom",),
        ),
        Relationship("RESTS_ON", "法律依据", (("Mechanism", "NormativeDocument"),), {}, ("cccev:hasRequirement",)),
        Relationship("RESPONSIBLE", "责任单位", (("Mechanism", "Agency"),), {}, ("prov:wasAttributedTo",)),
        Relationship(
            "HAS_TOPIC", "主题", (("Mechanism", "Topic"), ("DemonstrationProject", "Topic")), {}, ("dcterms:subject",)
        ),
        Relationship("MEASURED_BY", "对应指标", (("Mechanism", "Indicator"),), {}, ()),
        Relationship("HAS_ITEM", "报告条目", (("AnnualReport", "ReportItem"),), {}, ("dcterms:hasPart",)),
        Relationship("HAS_CONDITION", "申报条件", (("Clause", "Condition"),), {}, ("cccev:hasConstraint",)),
        Relationship("HAS_BENEFIT", "扶持内容", (("Clause", "Benefit"),), {}, ()),
    ]
}

OWNED_LABELS: tuple[str, ...] = tuple(c.label for c in NODE_CLASSES.values() if c.owned_by_document)
SHARED_LABELS: tuple[str, ...] = tuple(c.label for c in NODE_CLASSES.values() if c.shared_by_documents)
