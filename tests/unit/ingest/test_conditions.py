"""The eligibility extractor on short policy texts written for these tests."""

from __future__ import annotations

import json

from ingest.extractors.base import DocumentContext
from ingest.extractors.eligibility import extract_conditions, infer_jurisdiction, validity_end
from ingest.extractors.measure_segments import find_measures
from ontology.text import to_simplified

TEXT = (
    "泰州市人民政府关于支持中小企业渡难关的政策措施 各市（区）人民政府： 现提出如下政策措施： "
    "一、加大金融支持 1．经发改、工信等部门确定的疫情防控重点保障企业，2020年新增的疫情防控贷款，由财政给予贴息。 "
    "二、减轻企业负担 2．减免中小企业房租。对承租国有企业经营用房的中小微企业，2020年一季度可减半或全免房租；"
    "3．对旅游、住宿、餐饮等受影响较大的行业企业，可将应缴社会保险费征收期延长至7月底。"
    "4．在职职工人数在30人（含）以下的企业，暂免征收残疾人就业保障金。"
    "5．对受疫情影响较大的困难行业企业，给予最高50万元补助。"
    "本政策自发布之日起施行，施行期暂定为6个月。 泰州市人民政府 2020年2月4日"
)


def _context(text: str = TEXT) -> DocumentContext:
    return DocumentContext(
        doc_id="d1",
        source_id="s1",
        text=text,
        norm_text=to_simplified(text),
        title=text.split(" ", 1)[0],
        doc_type="政策文件",
        region_code=None,
    )


def _measures() -> list[dict]:
    change = extract_conditions(_context())
    nodes = {n.id: n.props for n in change.nodes}
    out = []
    for node in change.nodes:
        if node.label == "Benefit":
            conds = [
                n.props
                for n in change.nodes
                if n.label == "Condition" and n.props["clause_id"] == node.props["clause_id"]
            ]
            out.append({"clause": nodes[node.props["clause_id"]], "benefit": node.props, "conditions": conds})
    return out


def _dims(measure: dict) -> dict[str, object]:
    return {c["dimension"]: json.loads(c["value_json"]) for c in measure["conditions"]}


def test_each_numbered_support_measure_becomes_one_clause_with_a_benefit() -> None:
    measures = _measures()
    assert [m["clause"]["text"][:2] for m in measures] == ["1．", "2．", "3．", "4．", "5．"]
    assert [m["benefit"]["type"] for m in measures] == ["贷款贴息", "租金减免", "社保减免缓缴", "税费减免", "资金补贴"]


def test_local_measures_carry_the_jurisdiction_as_a_region_condition() -> None:
    for measure in _measures():
        assert _dims(measure)["region"] == ["321200"]
        assert measure["benefit"]["region_code"] == "321200"


def test_structured_conditions_by_dimension() -> None:
    first, rent, social, levy, subsidy = (_dims(m) for m in _measures())
    assert first["qualification"] == ["疫情防控重点保障企业（全国性名单）", "疫情防控重点保障企业（地方性名单）"]
    assert rent["scale"] == ["中型", "小型", "微型"]
    assert {"7291", "786", "61", "62"} <= set(social["industry"])
    assert levy["employees"] == 30.0
    assert set(subsidy["industry"]) == {"53", "54", "55", "56", "57", "58", "61", "62", "7291", "786"}


def test_beneficiary_restrictions_become_catalogue_facts_or_stay_as_other_conditions() -> None:
    rent = _measures()[1]
    restricting = {c.get("fact") for c in rent["conditions"] if c["dimension"] in ("other", "behaviour")}
    assert "leases_state_owned_premises" in restricting
    levy = _measures()[3]
    assert not [c for c in levy["conditions"] if c["dimension"] in ("other", "behaviour")]


def test_new_loan_is_a_behaviour_condition() -> None:
    facts = {c["fact"] for c in _measures()[0]["conditions"]}
    assert "new_loan_2020" in facts


def test_validity_window_from_signature_date_and_period() -> None:
    benefit = _measures()[0]["benefit"]
    assert (benefit["valid_from"], benefit["valid_to"]) == ("2020-02-04", "2020-08-03")
    assert benefit["max_amount_wan"] is None
    assert _measures()[4]["benefit"]["max_amount_wan"] == 50.0


def test_condition_spans_address_the_document_text() -> None:
    for measure in _measures():
        for c in measure["conditions"]:
            assert TEXT[c["span_start"] : c["span_end"]] == c["text"]


def test_national_issuer_without_region_is_national() -> None:
    text = "国家发展改革委办公厅关于降低企业用电成本的通知 对暂不能正常复工的企业，减免收取容量电费。"
    assert infer_jurisdiction(text, "国家发展改革委办公厅关于降低企业用电成本的通知").code == "100000"
    change = extract_conditions(_context(text))
    assert not [n for n in change.nodes if n.label == "Condition" and n.props["dimension"] == "region"]


def test_sub_benefit_for_small_firms_is_not_a_scale_condition() -> None:
    text = (
        "福州市人民政府通知 对列入省、市政府疫情防控重点企业支持名单的企业，"
        "可执行LPR利率下降35个基点，其中小微企业可减50个基点；"
    )
    dims = {n.props["dimension"] for n in extract_conditions(_context(text)).nodes if n.label == "Condition"}
    assert "scale" not in dims and "qualification" in dims


def test_heading_joins_the_measure_that_follows_it() -> None:
    text = "一、总则 12.延迟缴纳社会保险费。将1月、2月应缴社会保险费征收期延长至3月底。"
    (measure,) = find_measures(text)
    assert text[measure.start : measure.end] == "12.延迟缴纳社会保险费。将1月、2月应缴社会保险费征收期延长至3月底。"


def test_validity_end_reads_explicit_end_dates() -> None:
    text = "单位费率均为0.5%，执行至2021年7月31日。"
    assert validity_end(text, 0, len(text), "2020-02-08") == "2021-07-31"


def test_a_place_in_the_subject_phrase_is_a_region_condition_not_an_unchecked_wording() -> None:
    text = (
        "北京市通州区关于支持小微企业的若干措施\n一、对通州区的小微企业，减免3个月房租，每家最高10万元。\n"
        "二、对复工企业减半收取检测费，对委托单位为湖北省的企业，免除检测费用。\n"
    )
    change = extract_conditions(_context(text))
    conditions = {
        (n.props["dimension"], n.props["value_json"], n.props["text"]) for n in change.nodes if n.label == "Condition"
    }
    assert ("region", '["110112"]', "通州区") in conditions
    assert ("other", "true", "通州区") not in conditions
    # a place after the measure's first part may belong to another tier: not made a region condition here
    assert not [c for c in conditions if c[0] == "region" and c[2] == "湖北省"]


def test_service_sector_and_trades_named_by_their_own_noun_are_industry_conditions() -> None:
    from ingest.extractors.condition_rules import find_industries

    text = "对不裁员的参保服务业市场主体，返还失业保险费；向旅行社暂退部分旅游服务质量保证金；对市场监管局不适用。"
    found = {f.condition.text: f.condition.value for f in find_industries(text, 0, len(text))}
    assert found["服务业"][:2] == ["F", "G"] and "S" in found["服务业"]
    assert found["旅行社"] == ["7291"]
    assert "市场监管" not in "".join(found)


def test_a_national_announcement_number_of_its_own_makes_a_repost_national() -> None:
    # a repost on a site named after a region (中国西藏网) of 财政部's numbered announcement
    text = "中国西藏网 > 即时新闻\n关于延续实施残疾人就业保障金优惠政策的公告\n财政部公告2023年第8号\n为促进小微企业…"
    assert infer_jurisdiction(text, "关于延续实施残疾人就业保障金优惠政策的公告").code == "100000"
    cited = "中国西藏网 > 即时新闻\n关于做好援企稳岗工作的通知\n根据财政部公告2023年第8号，现将有关事项通知如下"
    assert infer_jurisdiction(cited, "关于做好援企稳岗工作的通知").code == "540000"
    provincial = "国家税务总局江苏省税务局公告2020年第1号\n为支持企业复工复产…"
    assert infer_jurisdiction(provincial, "关于延长申报期限的公告").code == "320000"


def test_a_provincial_number_is_not_national_and_a_level_only_issuer_is_its_province() -> None:
    title = "省发展改革委印发《关于全力支持服务业市场主体积极应对疫情若干政策措施》的通知（黔发改服务〔2020〕111号）"
    text = title + " 各市、自治州人民政府：经省人民政府同意，现印发给你们。贵阳市的服务业市场主体……"
    assert infer_jurisdiction(text, title, "520100").code == "520000"
    national = "财政部 税务总局关于支持个体工商户复工复业增值税政策的公告（财税〔2020〕13号）"
    assert infer_jurisdiction(national + " 现将有关事项公告如下。", national).code == "100000"


def test_growth_thresholds_and_when_a_designation_was_obtained_are_checked_conditions() -> None:
    from ingest.extractors.condition_rules import (
        find_conferred,
        find_growth_thresholds,
        find_qualifications,
        find_when_conferred,
    )

    text = (
        "电商企业新增量达到300万元且增速达到20%以上的，给予1万元促销奖励；当年认定为省级首版次软件的产品，奖励50万元。"
    )
    assert [f.condition.text for f in find_growth_thresholds(text, 0, len(text))] == ["增速达到20%以上"]
    conferred = find_conferred(text, 0, len(text))
    assert ("qualification", "省级首版次软件") in {(f.condition.dimension, f.condition.text) for f in conferred}
    when = find_when_conferred(text, 0, conferred)
    assert [(f.condition.dimension, f.condition.text) for f in when] == [("other", "当年认定为")]
    # …also before a designation the table names (首版次软件, after its level)
    named = find_qualifications(text, 0, len(text))
    assert [f.condition.text for f in find_when_conferred(text, 0, named)] == ["当年认定为"]


def test_a_taxpayer_class_is_a_qualification_and_the_activity_beside_it_stays_a_condition() -> None:
    text = (
        "北京市税务局关于药品增值税政策的公告\n"
        "一、自2018年5月1日起，增值税一般纳税人生产销售抗癌药品，可选择按照简易办法依照3%征收率计算缴纳增值税。\n"
    )
    conditions = [n.props for n in extract_conditions(_context(text)).nodes if n.label == "Condition"]
    assert ("qualification", "增值税一般纳税人") in {(c["dimension"], c["text"]) for c in conditions}
    assert any(c["dimension"] == "other" and "抗癌药品" in c["text"] for c in conditions)


def test_a_benefit_under_its_own_heading_takes_the_beneficiary_of_the_target_section() -> None:
    text = (
        "某区人社局关于扩大补贴范围的通知\n一、补贴对象\n对重点行业的中小微企业招用重点群体并缴纳社会保险费。\n"
        "二、补贴标准\n按照缴费总额的25%给予补贴，补贴期限最长不超过12个月。\n"
    )
    texts = [n.props["text"] for n in extract_conditions(_context(text)).nodes if n.label == "Clause"]
    assert any("25%给予补贴" in t for t in texts)


def test_travel_agencies_and_scenic_areas_are_beneficiaries() -> None:
    text = (
        "某省人民政府办公厅关于促进旅游消费的通知 一、对4A级及以上旅游景区新增贷款产生的利息，"
        "省财政按年化利率2%给予贴息。对组织专列、包机引客入省的旅行社给予一定奖励。"
    )
    texts = [n.props["text"] for n in extract_conditions(_context(text)).nodes if n.label == "Clause"]
    assert any("给予贴息" in t for t in texts)


def test_a_traditional_title_is_read_beside_the_simplified_text() -> None:
    text = (
        "嘉興市貫徹落實《浙江省促進民營經濟發展若干措施》實施方案 各縣(市、區)人民政府: "
        "一、加強支持\n(一)對首次認定的國家高新技術企業,給予一次性獎勵20萬元;對重新認定的,給予10萬元獎勵。"
    )
    context = DocumentContext(
        doc_id="d1", source_id="s1", text=text, norm_text=to_simplified(text),
        title=text.split(" ", 1)[0], doc_type="政策文件", region_code=None,
    )  # fmt: skip
    regions = [
        json.loads(n.props["value_json"]) for n in extract_conditions(context).nodes
        if n.label == "Condition" and n.props["dimension"] == "region"
    ]  # fmt: skip
    assert regions and all(value == ["330400"] for value in regions)


def test_paying_a_share_of_what_is_due_is_a_fee_reduction() -> None:
    text = (
        "财政部关于延续实施残疾人就业保障金优惠政策的公告 为减轻用人单位负担，现公告如下： "
        "一、用人单位安排残疾人就业比例在1%以下的，按规定应缴费额的90%缴纳残疾人就业保障金。"
    )
    change = extract_conditions(_context(text))
    benefits = [n.props["type"] for n in change.nodes if n.label == "Benefit"]
    assert benefits == ["税费减免"]


def test_what_a_measure_encourages_an_enterprise_to_do_is_its_condition() -> None:
    from ingest.extractors.eligibility import measure_conditions
    from ingest.extractors.measure_segments import find_measures

    text = "支持和鼓励民营企业利用自用厂房、写字楼等改建科技孵化器，按照实际新增运营面积每平方米60元的标准给予奖励。"
    (measure,) = find_measures(text)
    others = [f.condition.text for f in measure_conditions(text, measure, None) if f.condition.dimension == "other"]
    assert any("利用自用厂房" in str(wording) for wording in others)


def test_an_act_a_measure_supports_is_its_condition_when_the_grant_comes_later() -> None:
    from ingest.extractors.eligibility import measure_conditions
    from ingest.extractors.measure_segments import find_measures

    text = (
        "（一）鼓励数字化示范工厂建设。支持制造业企业开展全业务流程数字化转型，实现资源优化配置。"
        "每年认定不多于10家示范工厂，每家给予一次性奖励最高不超过500万元。"
        "列入省级专精特新企业名单的企业实施工业投资项目的，在原补助基础上追加补助5个百分点。"
    )
    others = [
        str(f.condition.text)
        for measure in find_measures(text)
        for f in measure_conditions(text, measure, None)
        if f.condition.dimension == "other"
    ]
    assert any("开展全业务流程数字化转型" in wording for wording in others)
    assert any("实施工业投资项目" in wording for wording in others)


def test_when_a_designation_was_obtained_reads_same_year_and_new_conferrals() -> None:
    from ingest.extractors.condition_rules import find_conferred, find_qualifications, find_when_conferred

    same_year = "同年入选国家年度食品工业“三品”专项行动典型成果的企业，可再一次性奖励3万元"
    named = find_qualifications(same_year, 0, len(same_year)) or find_conferred(same_year, 0, len(same_year))
    assert [f.condition.text for f in find_when_conferred(same_year, 0, named)] == ["同年入选"]
    newly = "对新评定为国家五星级、四星级旅游饭店，给予奖励"
    rated = find_conferred(newly, 0, len(newly))
    assert [f.condition.text for f in find_when_conferred(newly, 0, rated)] == ["新评定为"]
