"""Behaviour cues map real phrases of the NCP corpus to catalogue facts (with the threshold a phrase binds), and a
restriction the cues cover is not asked again in its own words."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from eligibility.facts import fact_catalogue, question_for
from eligibility.profile import EnterpriseProfile
from ingest.extractors.condition_rules import find_behaviour, find_target_residuals
from ingest.extractors.eligibility import definition_conditions, find_definitions


def _facts(text: str) -> dict[str, object]:
    """fact → value of the first cue of each fact found in ``text``."""
    out: dict[str, object] = {}
    for f in find_behaviour(text, 0, len(text)):
        if f.condition.fact is not None:
            out.setdefault(f.condition.fact, f.condition.value)
    return out


@pytest.mark.parametrize(
    ("phrase", "fact", "value"),
    [
        ("30人以下的参保企业裁员率不超过参保职工总数20%的，可以申请失业保险稳岗返还政策", "layoff_rate_2019_pct", 20.0),
        ("企业2019年度未裁员或裁员率不超过2019年度全国城镇调查失业率控制目标5.5%", "layoff_rate_2019_pct", 5.5),
        ("坚持不裁员或裁员率不高于上年度全国城镇调查失业率的参保企业", "layoff_rate_2019_pct", 5.5),
        ("依法足额缴纳失业保险费且裁员率不超过企业职工总数20%的", "unemployment_insured", True),
        ("对受疫情影响严重的中小微企业到期还款困难的，可予以展期或续贷", "repayment_difficulty", True),
        ("在疫情防控期间未能及时还贷的，合理延后还款期限", "repayment_difficulty", True),
        ("对疫情防控重点保障物资生产企业为扩大产能新购置的相关设备", "expanded_capacity_for_epidemic", True),
        ("因疫情原因导致企业发生重大损失，正常生产经营活动受到重大影响，纳税确有困难的", "epidemic_major_loss", True),
        ("因疫情原因导致企业发生重大损失，正常生产经营活动受到重大影响，纳税确有困难的", "payment_difficulty", True),
        ("生产、配送疫情防控急需物资，在疫情防控期间新招用员工的企业", "new_hires_during_epidemic", 1.0),
        ("受疫情影响暂时失去收入来源的", "lost_income_source", True),
        ("对直接参加疫情防控工作的一线医务人员", "joined_epidemic_work", True),
        (
            "困难行业企业2020年度主营业务收入须占收入总额（剔除不征税收入和投资收益）的50%以上",
            "main_business_share_pct",
            50,
        ),
        ("与疫情防控直接相关企业以及受疫情影响较大的企业", "epidemic_control_related", True),
        ("疫情防控期间暂不能正常开工、复工的企业，可申请减容、暂停", "unable_to_resume_work", True),
        ("在停工期间组织职工（含劳务派遣人员）参加线上职业培训的", "online_training_during_shutdown", True),
        ("原选择按合同最大需量方式缴纳容（需）量电费的", "max_demand_billing", True),
        ("因受疫情影响经营暂时出现困难但有发展前景的", "operating_difficulty", True),
        ("受疫情影响暂时遇到困难、仍有良好发展前景的", "recovery_expected", True),
        ("确有特殊困难而不能按期缴纳税款的", "payment_difficulty", True),
        ("对受疫情影响办理申报仍有困难的纳税人", "late_filing_due_to_epidemic", True),
        ("因受疫情影响无法按期办理申报的", "late_filing_due_to_epidemic", True),
        ("纳税人按规定享受免征增值税、消费税优惠的", "enjoys_tax_exemption", True),
        ("为区属中小微企业减免房租的", "reduced_rent_for_tenants", True),
        (
            "企业和个人直接向承担疫情防治任务的医院捐赠用于应对新型冠状病毒感染的肺炎疫情的物品",
            "donated_for_epidemic",
            True,
        ),
        ("对企业以发明、实用新型专利权质押方式从金融机构获得贷款发生的专利评估费用", "patent_pledge_loan", True),
        ("对行政复议申请人因受疫情影响耽误法定申请期限的", "missed_deadline_due_to_epidemic", True),
        ("对因疫情影响不能在承诺期限内补齐“承诺制”容缺办理税务注销登记资料的", "missed_deadline_due_to_epidemic", True),
        ("在疫情防控期间已经开具增值税专用发票，按规定应当开具对应红字发票而未及时开具的", "red_invoice_pending", True),
        ("已将适用免税政策的销售额，按照征税销售额、销售数量进行增值税申报的", "tax_paid_on_exempt_sales", True),
        ("对生产、销售和运输疫情防控重点保障物资的企业", "epidemic_control_related", True),
        ("对“菜篮子”供应、保障民生的农产品生产、加工等环节融资担保需求", "supplies_daily_necessities", True),
        ("对已发放个人创业担保贷款，借款人患新冠肺炎的，可以申请展期还款", "infected_with_covid", True),
        ("对已发放个人创业担保贷款，借款人患新冠肺炎的，可以申请展期还款", "holds_startup_guarantee_loan", True),
        ("对药品、疫苗研发生产型科技企业的融资需求", "epidemic_research", True),
        ("对疫情防控期间积极协助企业解决招工难问题的人力资源服务机构", "helps_firms_recruit", True),
        ("推出针对园区小微企业的“租金保”特色产品", "located_in_park", True),
        ("对疫情防控做出突出贡献的企业，在续保时提供优惠担保费率", "made_outstanding_contribution", True),
        ("对涉及防疫物资生产、销售、运输等相关企业因疫情防控产生的紧急融资需求", "epidemic_control_related", True),
        ("对在疫情期间迎难而上、克服困难，积极复工复产的企业", "resumed_work", True),
        (
            "受疫情影响不能按时缴纳企业职工基本养老保险、基本医疗保险（含生育保险）、失业保险、工伤保险以及住房公积金的企业",
            "payment_difficulty",
            True,
        ),
        # newer (2021–2026) support policies
        ("对于首次纳入规上服务业企业库的", "first_time_above_scale", True),
        ("首次纳入规模以上工业统计的企业", "first_time_above_scale", True),
        (
            "县级以下中小微企业吸纳毕业年度高校毕业生就业，且签订1年以上劳动合同、缴纳社会保险的",
            "labour_contract_years",
            1.0,
        ),
        ("县级以下中小微企业吸纳毕业年度高校毕业生就业，且签订1年以上劳动合同、缴纳社会保险的", "insures_hires", True),
        (
            "县级以下中小微企业吸纳毕业年度高校毕业生就业，且签订1年以上劳动合同、缴纳社会保险的",
            "hires_recent_graduates",
            True,
        ),
        ("与用人单位签订期限不低于1年的劳动合同", "labour_contract_years", 1.0),
        ("依法签订一年及以上期限劳动合同", "labour_contract_years", 1.0),
        ("加快办理小微企业留抵退税，集中退还存量留抵税额", "retained_vat_credit", True),
        ("对吸纳脱贫劳动力稳定就业三个月以上的企业", "hires_employed_months", 3.0),
        (
            "与重点群体签订1年以上劳动合同,并按规定为重点群体新缴纳或继续缴纳基本养老保险费、基本医疗保险费、失业保险费",
            "insures_hires",
            True,
        ),
        ("对招用毕业年度及离校两年内未就业高校毕业生及16—24岁登记失业青年的", "hires_registered_unemployed", True),
        ("招用本市登记失业人员，签订1年以上劳动合同的", "hires_registered_unemployed", True),
        ("对吸纳脱贫劳动力稳定就业6个月以上的就业帮扶车间", "hires_poverty_relieved", True),
        ("对吸纳脱贫劳动力稳定就业6个月以上的就业帮扶车间", "hires_employed_months", 6.0),
        ("给予新增入库的规上服务业企业一次性奖励", "first_time_above_scale", True),
        ("2020年度新上规入库企业，每家奖励5万元", "first_time_above_scale", True),
        ("对新引进的外商投资企业，按实际到位外资金额的1%予以奖励", "newly_attracted", True),
        ("新引进固定资产投资1亿元以上的新征用地项目", "newly_attracted", True),
        ("开展旅行社责任险补贴试点，省财政按照保费不低于50%的比例给予补贴", "paid_premium", True),
        ("对企业投保出口信用保险的，按实际缴纳保费的50%给予补助", "paid_premium", True),
    ],
)
def test_a_corpus_phrase_names_its_catalogue_fact(phrase: str, fact: str, value: object) -> None:
    assert fact in fact_catalogue()
    assert _facts(phrase).get(fact) == value


def test_a_phrase_without_the_cue_names_no_such_fact() -> None:
    assert "epidemic_control_related" not in _facts("简化对生产、经营疫情防控相关物资企业的经营异常名录移出审核程序")
    # a social-insurance subsidy is no premium a firm paid
    assert "paid_premium" not in _facts("按其为吸纳人员实际缴纳的基本养老保险费给予社会保险补贴")
    assert "new_hires_during_epidemic" not in _facts("当年新招用重点扶持对象达到企业现有在职职工人数的比例下调为20%")
    # the supplies a tax office surveys name no beneficiary
    assert "supplies_daily_necessities" not in _facts("各级税务机关要加强对本地区生活物资供应纳税人情况的了解")
    # a firm that sells or carries the supplies need not make them: not asked whether it produces them
    assert "produces_epidemic_supplies" not in _facts("对生产、销售和运输疫情防控重点保障物资的企业")
    # research a measure supports as its aim is not research the beneficiary must do
    assert "epidemic_research" not in _facts(
        "全力支持疫情防控所需疫苗药品、医疗器械的科研攻关，辅导有关企业落实好税收政策"
    )
    # the premiums an amount is reckoned on are its input (unemployment_insurance_paid_wan), not a condition
    assert "unemployment_insured" not in _facts("按其上年度实际缴纳失业保险费的50%给予稳岗返还")
    # organising a labour export hires no one; premiums an amount is reckoned on are not insuring one's hires
    assert "hires_poverty_relieved" not in _facts("组织当地脱贫人口有组织劳务输出且稳定就业3个月以上")
    assert "insures_hires" not in _facts("按其上年度实际缴纳社会保险费的50%给予补贴")


def test_every_occurrence_of_a_cue_is_masked_so_a_covered_restriction_is_not_asked_again() -> None:
    text = "纳税人提供公共交通运输服务、生活服务，以及为居民提供必需生活物资快递收派服务取得的收入，免征增值税。"
    cues = find_behaviour(text, 0, len(text))
    assert {f.condition.fact for f in cues} == {"provides_essential_services"}
    taken = [(f.start, f.end) for f in cues]
    assert find_target_residuals(text, 0, len(text), taken) == []


def test_a_requirement_of_a_defined_term_is_mapped_by_the_cues() -> None:
    text = (
        "困难行业企业，包括交通运输、餐饮、住宿、旅游四大类。"
        "困难行业企业2020年度主营业务收入须占收入总额（剔除不征税收入和投资收益）的50%以上。"
        "受疫情影响较大的困难行业企业2020年度发生的亏损，最长结转年限由5年延长至8年。"
    )
    start = text.index("受疫情")
    conditions = definition_conditions(text, start, len(text), find_definitions(text))
    assert [(c.condition.fact, c.condition.value) for c in conditions] == [("main_business_share_pct", 50.0)]


def test_new_facts_are_type_checked_on_profiles_and_asked_by_their_question() -> None:
    with pytest.raises(ValidationError, match=r"facts\.new_hires_during_epidemic：应为整数"):
        EnterpriseProfile(id="p", region_code="110105", industry_code="I6513", facts={"new_hires_during_epidemic": 2.5})
    with pytest.raises(ValidationError, match=r"facts\.repayment_difficulty：应为 true 或 false"):
        EnterpriseProfile(id="p", region_code="110105", industry_code="I6513", facts={"repayment_difficulty": "是"})
    answered = {"new_hires_during_epidemic": 3, "repayment_difficulty": True}
    assert EnterpriseProfile(id="p", region_code="110105", industry_code="I6513", facts=answered).facts == answered
    asked = question_for("main_business_share_pct")
    assert asked["type"] == "number" and asked["unit"] == "%" and asked["question"].endswith("（%）？")


def test_a_title_about_the_two_part_tariff_binds_its_measures_even_when_the_text_breaks_the_title() -> None:
    from ingest.extractors.base import DocumentContext
    from ingest.extractors.eligibility import extract_conditions
    from ontology.text import to_simplified

    text = (
        "国家发展改革委办公厅关于疫情防控期间采取支持性两部制电价政策 降低企业用电成本的通知 "
        "一、对疫情防控期间暂不能正常开工、复工的企业，放宽容（需）量电价计费方式变更周期和减容（暂停）期限，减免收取容（需）量电费。"
        "二、对因满足疫情防控需要扩大产能的企业，原选择按合同最大需量方式缴纳容（需）量电费的，实际最大用量不受合同最大需量限制，"
        "超过部分按实计取。"
    )
    context = DocumentContext(
        doc_id="d1",
        source_id="s1",
        text=text,
        norm_text=to_simplified(text),
        title="国家发展改革委办公厅关于疫情防控期间采取支持性两部制电价政策降低企业用电成本的通知",
        doc_type="政策文件",
        region_code=None,
    )
    nodes = extract_conditions(context).nodes
    by_clause: dict[str, set[str]] = {}
    for n in nodes:
        if n.label == "Condition" and n.props.get("fact"):
            by_clause.setdefault(n.props["clause_id"], set()).add(n.props["fact"])
    assert sorted(sorted(facts) for facts in by_clause.values()) == [
        # maximum-demand billing is a two-part tariff already: the title adds nothing to that measure
        ["expanded_capacity_for_epidemic", "max_demand_billing"],
        ["two_part_tariff_user", "unable_to_resume_work"],
    ]


def _other_wordings(text: str, issuer_region: str) -> list[tuple[str | None, str]]:
    from ingest.extractors.base import DocumentContext
    from ingest.extractors.eligibility import extract_conditions
    from ontology.text import to_simplified

    context = DocumentContext(
        doc_id="d1",
        source_id="s1",
        text=text,
        norm_text=to_simplified(text),
        title=text.split("\n", 1)[0],
        doc_type="政策文件",
        region_code=issuer_region,
    )
    nodes = extract_conditions(context).nodes
    return [
        (n.props.get("fact"), n.props["text"])
        for n in nodes
        if n.label == "Condition" and n.props["dimension"] in ("behaviour", "other")
    ]


def test_the_jurisdictions_own_name_in_a_restriction_is_covered_by_the_region_condition() -> None:
    measure = "一、对通州区依法参加失业保险并足额缴费的小微企业，按其上年度实际缴纳失业保险费的50%给予稳岗返还。\n"
    district = "北京市通州区人力资源和社会保障局关于支持小微企业稳岗扩岗的若干措施\n" + measure
    assert _other_wordings(district, "110112") == [("unemployment_insured", "依法参加失业保险并足额缴费")]
    # in a city's document the district is a narrower place than the region condition: still asked
    city = "北京市人力资源和社会保障局关于支持小微企业稳岗扩岗的若干措施\n" + measure
    assert ("unemployment_insured", "依法参加失业保险并足额缴费") in _other_wordings(city, "110000")
    assert any("通州区" in wording for _, wording in _other_wordings(city, "110000"))


def test_a_subject_phrase_opening_the_scope_after_a_full_stop_is_a_restriction() -> None:
    text = "支持企业稳定经营。在疫情期间为承租房屋的中小微企业减免租金的企业，给予补贴。"
    start = text.index("在")
    (residual,) = find_target_residuals(text, start, len(text), [])
    assert residual.condition.text == "在疫情期间为承租房屋的中小微企业减免租金"


def test_a_subject_phrase_loses_its_opening_preposition() -> None:
    text = "一、对按月申报的纳税人，申报期限延长至2月28日。"
    texts = [f.condition.text for f in find_target_residuals(text, 0, len(text), [])]
    assert "按月申报" in texts
