"""Which documents and clauses may yield a support measure (ingest.extractors.measure_gate)."""

from __future__ import annotations

import pytest

from ingest.extractors.benefit_amounts import amount_formula, max_amount_wan
from ingest.extractors.clause_classifier import shipped_classifier
from ingest.extractors.condition_rules import find_conferred, find_metric_thresholds
from ingest.extractors.eligibility import definition_conditions, find_definitions
from ingest.extractors.measure_gate import clause_refusal, document_refusal
from ontology.model import DocumentType


@pytest.mark.parametrize(
    "doc_type",
    [DocumentType.LAW, DocumentType.ADMINISTRATIVE_REGULATION, DocumentType.LOCAL_REGULATION, DocumentType.NEWS_REPORT,
     DocumentType.WORK_REPORT, DocumentType.PROPOSAL_REPLY, DocumentType.JUDICIAL_INTERPRETATION],
)  # fmt: skip
def test_statutes_and_informational_genres_grant_nothing(doc_type: DocumentType) -> None:
    assert document_refusal(doc_type, "标题", "第一条 为了……") is not None


def test_a_report_in_a_press_conference_voice_is_news() -> None:
    text = "减税降费助企业渡难关 在今日召开的新闻发布会上，市税务局副局长介绍，对受疫情影响的企业给予减免。"
    assert document_refusal(DocumentType.POLICY_DOCUMENT, "减税降费助企业渡难关", text) == "新闻报道"


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "帮企业渡难关，这个区都做了些啥",
            "帮企业渡难关，这个区都做了些啥？ 如何为企业解决实际困难？对小微企业减免房租。",
        ),
        ("【今日关注】暖企惠企在行动", "【今日关注】暖企惠企在行动 对受疫情影响的企业给予社保补贴。"),
        ("某市税务：落实税收优惠 助力复工复产", "某市税务：落实税收优惠 助力复工复产 对困难企业减免房产税。"),
        ("优化办税服务", "优化办税服务 对小微企业减免税款。该局副局长王某介绍，共为企业减税1100万元。"),
    ],
)
def test_a_headline_or_a_reported_speaker_is_news(title: str, text: str) -> None:
    assert document_refusal(DocumentType.POLICY_DOCUMENT, title, text) == "新闻报道"


def test_questions_and_answers_are_not_measures() -> None:
    text = "1、企业可以延期申报吗？ 可以。 2、房租能减免吗？ 可以。 3、社保可以缓缴吗？ 可以。"
    assert document_refusal(DocumentType.POLICY_DOCUMENT, "复工复产政策问答", text) == "问答"


def test_an_agency_notice_may_grant() -> None:
    title = "关于支持中小微企业共渡难关的若干措施"
    text = f"{title} 一、对受疫情影响的中小微企业，减免3个月房租。"
    assert document_refusal(DocumentType.POLICY_DOCUMENT, title, text) is None


@pytest.mark.parametrize(
    ("clause", "reason"),
    [
        ("各地要加大对中小企业的金融支持力度。", "对机关、金融机构或地方的工作要求"),
        ("金融机构要对受疫情影响的企业不得盲目抽贷、断贷。", "对机关、金融机构或地方的工作要求"),
        ("截至目前，已为企业减免社保费用1100万元。", "统计数字"),
        ("以上政策适用于在本区注册、纳税的企业。", "适用范围或定义"),
        ("个人取得的防护用品免征个人所得税。", "面向个人"),
        ("鼓励银行业金融机构对受疫情影响较大企业给予延期还贷、降低利率支持。", "对机关、金融机构或地方的工作要求"),
        ("对生产经营困难的企业，税务机关要依法及时核准其延期缴纳税款申请。", "对机关、金融机构或地方的工作要求"),
        ("对向中小微企业发放信用贷款的金融机构，按贷款额的1%给予奖励。", "面向金融机构"),
        ("对市县政府性融资担保机构免收3个月再担保费，省财政给予专项补助。", "面向金融机构"),
    ],
)
def test_directives_statistics_definitions_and_individual_provisions_are_refused(clause: str, reason: str) -> None:
    assert clause_refusal(clause) == reason


@pytest.mark.parametrize(
    "clause",
    [
        "对受疫情影响的中小微企业，给予一次性补贴，最高10万元。",
        "各地政府要对疫情防控期间扩大生产的企业，予以适当减免用水、用地等费用支持。",
        "（三）对不裁员、少裁员的参保企业，按其上年度实际缴纳失业保险费的50%予以返还。",
        "鼓励企业组织职工参加线上职业技能培训，按规定给予补贴。",
        "鼓励商贸企业扩大经营，对年零售额首次突破5000万元的商贸企业，给予一次性奖励20万元。",
        "对不能按期缴纳社会保险费的用人单位，可延期缴纳，不加收滞纳金，各地税务机关要做好协调。",
    ],
)
def test_grants_to_enterprises_pass(clause: str) -> None:
    assert clause_refusal(clause) is None


def test_the_shipped_clause_classifier_separates_a_grant_from_a_directive() -> None:
    classifier = shipped_classifier()
    assert classifier is not None
    grant = "对受疫情影响的中小微企业，减免3个月房租，最高不超过10万元。"
    directive = "各级财政部门要加强统筹协调，确保各项政策落实到位。"
    assert classifier.probability(grant) > classifier.threshold > classifier.probability(directive)


def test_a_defined_terms_requirement_binds_the_measures_that_use_it() -> None:
    text = (
        "四、受疫情影响较大的困难行业企业2020年度发生的亏损，最长结转年限由5年延长至8年。"
        "困难行业企业，包括交通运输、餐饮、住宿、旅游四大类。困难行业企业2020年度主营业务收入须占收入总额的50%以上。"
    )
    definitions = find_definitions(text)
    conditions = definition_conditions(text, 0, text.index("。") + 1, definitions)
    # the requirement is a catalogue fact with the share it binds (the cue's words are the condition's)
    assert [(c.condition.text, c.condition.fact, c.condition.value) for c in conditions] == [
        ("主营业务收入须占收入总额的50%以上", "main_business_share_pct", 50.0)
    ]


@pytest.mark.parametrize(
    ("clause", "cap"),
    [
        ("省级中小企业发展专项资金给予不超过10万元的一次性奖补。", 10.0),
        ("按照贷款实际支付利息的100%给予贴息，单个企业贴息额度最高不超过100万元。", 100.0),
        ("对年应纳税所得额不超过100万元的部分，减半征收企业所得税。", None),
        ("零售额达到2000万元以上的，奖励10万元。", 10.0),
        ("市财政安排资金5000万元，对受影响企业给予补贴，每家最高20万元。", 20.0),
        ("融资额1亿元人民币以内（含1亿元）的，奖励50万元。", 50.0),  # the bound and its restatement
        ("新上规企业共85家，每家奖励5万元，共下达计划425万元。", 5.0),  # a total handed down
        ("参照省级对新认定企业每家奖补100万元的政策，市级每家奖补30万元。", 30.0),  # another policy's sum
    ],
)
def test_the_cap_is_what_one_company_may_obtain(clause: str, cap: float | None) -> None:
    assert max_amount_wan(clause, 0, len(clause)) == cap


@pytest.mark.parametrize(
    ("clause", "kind", "value", "extra"),
    [
        (
            "对不裁员的参保企业，返还其上年度实际缴纳失业保险费的50%。",
            "rate",
            50.0,
            {"base": "上年度实际缴纳失业保险费"},
        ),
        ("每吸纳1人给予1000元补贴，最高不超过10万元。", "per_unit", 0.1, {"per": "人", "cap_wan": 10.0}),
        ("给予一次性奖励10万元。", "fixed", 10.0, {}),
        ("按实际支付利息的100%给予贴息，单个企业最高不超过100万元。", "rate", 100.0, {"cap_wan": 100.0}),
    ],
)
def test_the_amount_is_kept_as_a_formula(clause: str, kind: str, value: float, extra: dict[str, object]) -> None:
    formula = amount_formula(clause, 0, len(clause))
    assert formula is not None
    assert (formula.kind, formula.value) == (kind, value)
    assert {k: getattr(formula, k) for k in extra} == extra


def test_designations_a_measure_rewards_and_sales_thresholds_are_structured() -> None:
    text = "对当年首次列入国家电子信息百强企业的，给予一次性奖励；年销售收入首次突破1000万元的软件企业，奖励10万元。"
    qualifications = [f.condition.value for f in find_conferred(text, 0, len(text))]
    assert ["国家电子信息百强企业"] in qualifications
    (threshold,) = find_metric_thresholds(text, 0, len(text))
    assert (threshold.condition.fact, threshold.condition.operator, threshold.condition.value) == (
        "sales_wan",
        ">=",
        1000.0,
    )


@pytest.mark.parametrize(
    ("text", "designation"),
    [
        ("对新获批市级智能制造示范工厂的企业，予以不超过10万元的奖励", "市级智能制造示范工厂"),
        ("对于被认定为国家级、省级软件名园(基地)的软件园区，给予运营主体最高100万元支持", "国家级、省级软件"),
        ("对全省4A级及以上旅游景区新增贷款产生的利息给予贴息", "4A级及以上旅游景区"),
        ("对新评定为国家甲级、乙级的旅游民宿，分别给予一次性奖励10万元、5万元", "国家甲级、乙级的旅游民宿"),
        ("对首次认定的省级工业设计中心给予10万元补助", "省级工业设计中心"),
        ("对新认定的国家级、自治区级企业技术中心，分别给予200万元、50万元", "国家级、自治区级企业技术中心"),
        ("对创建为国家级、省级制造业创新中心的企业，分别给予800万元、300万元", "国家级、省级制造业创新中心"),
        ("对企业获批牵头建设的国家重点实验室，给予最高500万元科研经费补助", "国家重点实验室"),
        ("对经省级认定的数字化车间，按项目合同金额给予10%的一次性补助", "数字化车间"),
        ("对取得世界卫生组织预认证或国外上市许可的，每个品种奖励500万元", "世界卫生组织预认证"),
        ("对入选年度食品工业“三品”专项行动典型成果的企业，可一次性奖励2万元", "年度食品工业"),
        ("对列入国家首台(套)重大技术装备推广目录的企业，给予100万元一次性奖励", "国家首台(套)"),
    ],
)
def test_a_designation_obtained_or_held_is_a_qualification(text: str, designation: str) -> None:
    names = [name for f in find_conferred(text, 0, len(text)) for name in f.condition.value]  # type: ignore[union-attr]
    assert any(name.startswith(designation) for name in names)


@pytest.mark.parametrize(
    ("text", "value"),
    [("企业更新用能设备、总投资30万元以上的", 30.0), ("新引进固定资产投资1亿元以上的新征用地项目", 10000.0)],
)
def test_an_investment_threshold_is_a_money_threshold_on_the_investment_fact(text: str, value: float) -> None:
    (threshold,) = find_metric_thresholds(text, 0, len(text))
    condition = threshold.condition
    assert (condition.dimension, condition.fact, condition.operator, condition.value) == (
        "revenue_wan",
        "investment_wan",
        ">=",
        value,
    )


def test_an_investment_stated_as_a_benefits_base_is_no_threshold() -> None:
    text = "按项目总投资的10%给予补助，最高500万元"
    assert find_metric_thresholds(text, 0, len(text)) == []


def test_a_request_to_the_agencies_addressed_is_a_directive() -> None:
    from ingest.extractors.measure_gate import clause_refusal

    text = "二、请各单位按照《中小企业划型标准规定》文件精神，根据企业提供的纳税申报记录，对企业规模进行认定。"
    assert clause_refusal(text) == "对机关、金融机构或地方的工作要求"


@pytest.mark.parametrize(
    "clause",
    [
        # a restated relief naming the enterprise it is for, not a duty of an agency
        "3.认真落实月销售额15万元以下的小规模纳税人,公交和长途客运、轮客渡、出租车等公共交通运输服务免征增值税政策。",
        # a count of kinds of firm is no statistic
        "按照国家部署,在已实施制造业等6个行业增值税留抵退税政策基础上,落实将批发和零售业等7个行业企业纳入按月全额退还增量留抵税额政策范围",
    ],
)
def test_restated_reliefs_and_counts_of_industries_may_be_measures(clause: str) -> None:
    from ingest.extractors.measure_gate import clause_refusal

    assert clause_refusal(clause) is None


@pytest.mark.parametrize(
    ("clause", "reason"),
    [
        ("认真落实各项政策，确保政策落地见效。", "对机关、金融机构或地方的工作要求"),
        ("全市已为1200家企业减免税费3.5亿元。", "统计数字"),
    ],
)
def test_duties_and_totals_stay_refused(clause: str, reason: str) -> None:
    from ingest.extractors.measure_gate import clause_refusal

    assert clause_refusal(clause) == reason


@pytest.mark.parametrize(
    "text",
    [
        "3.就业帮扶车间吸纳脱贫劳动力就业奖补。\n就业帮扶车间每吸纳1名脱贫劳动力按其工资额的15%,给予吸纳就业奖励。",
        "4、季节性用工职业介绍补贴。\n职介机构介绍脱贫劳动力到季节性用工岗位就业,就业期不少于3个月的,补贴标准为每人200元。",
        "(一)对于投保“一般企业类”保险产品的企业,按照实际缴纳保险费给予不超过30%的资助;",
    ],
)
def test_workshops_job_agencies_and_grants_called_zizhu_are_measures(text: str) -> None:
    from ingest.extractors.eligibility import _grants
    from ingest.extractors.measure_segments import find_measures

    measures = find_measures(text)
    assert measures and all(_grants(text, m) for m in measures)


def test_an_agency_document_reposted_under_a_byline_may_grant() -> None:
    title = "某市人民政府办公室关于印发某市支持企业发展若干措施的通知"
    text = f"{title} 来源:某某网 作者:某某网 现将《某市支持企业发展若干措施》印发给你们，请认真贯彻执行。"
    assert document_refusal(DocumentType.NEWS_REPORT, title, text) is None
    report = f"{title} 作者:张某 记者从市政府获悉，对企业给予补贴。"
    assert document_refusal(DocumentType.NEWS_REPORT, title, report) == "新闻报道"


@pytest.mark.parametrize(
    "clause",
    [
        "现就开展2023年度企业房租补贴申报工作的有关事项通知如下：",
        "为贯彻落实有关要求，现将有关事项公告如下:",
    ],
)
def test_a_preface_announcing_what_follows_is_no_measure(clause: str) -> None:
    assert clause_refusal(clause) == "引言"


@pytest.mark.parametrize(
    ("clause", "reason"),
    [
        (
            "9.着力支持小微企业。在不折不扣落实好小微企业增值税、企业所得税等普惠性税收减免政策的基础上，帮助解决实际困难。",
            "只提及已有政策",
        ),
        ("对企业用于疫情防控的研发支出，在按规定据实扣除的基础上，再按照实际发生的研发费用的75%在税前加计扣除；", None),
        ("在中央财政给予50%贴息支持的基础上，省级财政统筹资金再给予25%的贴息支持。", None),
        ("在延长2月份申报纳税期限的基础上，对受疫情影响办理申报仍有困难的纳税人，可依法申请进一步延期。", None),
    ],
)
def test_a_grant_named_only_as_what_is_already_in_place_is_no_measure(clause: str, reason: str | None) -> None:
    assert clause_refusal(clause) == reason


@pytest.mark.parametrize(
    ("clause", "reason"),
    [
        ("按照个人基本养老保险费、失业保险费缴费总额的25%给予补贴。", None),
        ("对个人所得税应纳税额减半征收的企业，给予奖励。", None),
        ("对个人给予一次性求职补贴。", "面向个人"),
    ],
)
def test_a_personal_contribution_or_tax_names_no_individual_beneficiary(clause: str, reason: str | None) -> None:
    assert clause_refusal(clause) == reason


def test_every_item_of_a_list_of_thresholds_is_a_threshold_not_a_grant() -> None:
    text = "年销售收入首次突破1000万元、2000万元、1亿元的，分别给予一次性奖励10万元、20万元、100万元。"
    assert max_amount_wan(text, 0, len(text)) == 100.0
    capped = "对销售额达到500万元的企业，最高不超过20万元"
    assert max_amount_wan(capped, 0, len(capped)) == 20.0


def test_titles_prefaces_application_steps_limits_and_places_are_no_measures() -> None:
    from ingest.extractors.measure_gate import clause_refusal

    assert clause_refusal("某市农业农村局关于印发龙头企业奖补指导意见的通知") == "标题"
    assert clause_refusal("根据《某市关于印发支持企业发展若干措施的通知》，对新认定的企业给予10万元奖励。") is None
    assert clause_refusal("为做好奖补资金管理工作，特制定如下指导意见。") == "引言"
    assert clause_refusal("请符合条件的企业据实申报，填写申请表后报至区工信局。") == "申报程序"
    assert clause_refusal("一个企业只能享受一次市级财政安排的认定奖励。") == "享受限制"
    assert clause_refusal("对新评定为省级旅游休闲街区的，本级财政给予一次性奖励50万元。") == "面向地区"
    assert clause_refusal("对入驻文化产业示范区的企业，给予一次性奖励5万元。") is None


def test_exhortations_to_landlords_and_lenders_are_directives() -> None:
    from ingest.extractors.measure_gate import clause_refusal

    directive = "对机关、金融机构或地方的工作要求"
    assert clause_refusal("对租用其他经营用房的，鼓励业主为租户减免租金。") == directive
    assert clause_refusal("对暂时经营困难的中小微企业不抽贷、不断贷、不压贷。") == directive
    assert clause_refusal("对不抽贷、不断贷的中小微企业贷款，市财政给予1%贴息。") is None
    assert clause_refusal("省再担保公司对受疫情影响较大行业的担保项目，取消反担保要求。") == directive
    assert clause_refusal("政府性融资担保机构对受疫情影响的小微企业减半收取担保费。") is None
    assert clause_refusal("支持各银行业金融机构对能恢复生产的中小企业适度增信。") == directive
    assert clause_refusal("运用专项再贷款资金，支持金融机构向重点企业提供优惠利率贷款。") == directive
    assert clause_refusal("各级财政对免除企业贷款利息的金融机构给予一定奖励。") == "面向金融机构"


@pytest.mark.parametrize(
    ("text", "fact", "operator", "value"),
    [
        ("融资额1亿元人民币以内（含1亿元）的", "financing_wan", "<=", 10000.0),
        ("年度经济贡献超300万元的服务业企业", "economic_contribution_wan", ">=", 300.0),
    ],
)
def test_financing_and_economic_contribution_thresholds_are_money_thresholds(
    text: str, fact: str, operator: str, value: float
) -> None:
    (threshold,) = find_metric_thresholds(text, 0, len(text))
    condition = threshold.condition
    assert (condition.fact, condition.operator, condition.value) == (fact, operator, value)
