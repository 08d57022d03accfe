"""Structured conditions (industry, scale, region) read from phrases of real 2021–2025 policies and NCP notices."""

from __future__ import annotations

import json

import pytest

from ingest.extractors.base import DocumentContext
from ingest.extractors.condition_rules import (
    find_growth_thresholds,
    find_industries,
    find_metric_thresholds,
    find_numbers,
    find_ownership,
    find_scale,
)
from ingest.extractors.eligibility import extract_conditions, infer_jurisdiction
from ingest.extractors.industry_names import standard_industry_phrases
from ingest.extractors.scope_levels import widen
from ontology.text import to_simplified


def _industries(text: str, strict: bool = False) -> list[tuple[str, list[str]]]:
    text = to_simplified(text)
    return [(f.condition.operator.value, f.condition.value) for f in find_industries(text, 0, len(text), strict)]


def _scale(text: str) -> list[object]:
    return [f.condition.value for f in find_scale(text, 0, len(text))]


def test_the_standards_own_names_and_short_forms_are_phrases() -> None:
    table = standard_industry_phrases()
    assert table["批发和零售业"] == ["F"] and table["批发零售"] == ["F"]
    assert table["道路运输"] == ["54"] and table["教育"] == ["P"]
    assert "金融业" not in table and "租赁" not in table  # not trades a measure supports / everyday words


def test_a_list_of_gbt4754_sections_maps_to_every_section_named() -> None:
    text = (
        "批发和零售业,农、林、牧、渔业,住宿和餐饮业,居民服务、修理和其他服务业,教育,卫生和社会工作,"
        "文化、体育和娱乐业等7个行业企业"
    )
    assert _industries(text) == [("in", ["F", "A", "H", "O", "P", "Q", "R"])]


def test_an_enumeration_of_trades_is_one_condition_with_each_trade() -> None:
    text = "1.對餐飲、零售、旅游、民航、公路水路鐵路運輸等5個特困行業,從4月起階段性減免"
    ((op, codes),) = _industries(text)
    assert op == "in" and {"62", "F52", "7291", "56", "54", "55", "53"} <= set(codes)
    ((_, codes),) = _industries(
        "对规上工业、物业服务、邮政快递、文化旅游、农贸市场等行业企业防疫和消杀支出,给予分档定额补贴。"
    )
    assert {"C", "7020", "60", "R", "7223"} <= set(codes)


def test_an_excluded_trade_is_a_not_in_condition() -> None:
    assert _industries("二、零售企业(不含电商企业)新增量达到180万元且增速达到20%以上的,给予1万元的促销奖励。") == [
        ("in", ["F52"]),
        ("not_in", ["5193", "5292"]),
    ]
    assert _industries("1.对商贸企业(汽车销售企业除外)2023年10-11月零售额同比增量达到2000万元以上")[1][0] == "not_in"


def test_no_industry_inside_a_designation_a_citation_or_a_titles_topic() -> None:
    assert _industries("对被评为国家级制造业单项冠军企业、省级制造业隐形冠军企业的,给予最高300万元的奖励。") == []
    assert _industries("补助标准按照《关于保障2020年“两节”期间工业生产稳定运行措施的通知》执行") == []
    title = "嵊州市人民政府办公室关于印发嵊州市“4173”先进制造业强市建设专项政策的通知"
    assert _industries(title, strict=True) == []
    assert _industries("关于支持住宿餐饮企业纾困发展的若干措施", strict=True) == [("in", ["61", "62"])]


def test_scale_words_of_the_2017_classes() -> None:
    assert _scale("对受疫情影响的中小企业给予") == [["中型", "小型", "微型"]]
    assert _scale("对大中型企业给予") == [["大型", "中型"]]
    assert _scale("县级以下小微企业吸纳毕业年度高校毕业生就业") == [["小型", "微型"]]
    assert _scale("对大中小微企业一视同仁") == []


def test_a_scale_that_names_a_park_a_citation_a_qualification_or_served_firms_is_no_condition() -> None:
    assert _scale("对当年新增认定省级小微企业园奖励10万元") == []
    assert _scale("当年新增认定国家级小微企业创业创新示范基地的,奖励园区100万元。") == []
    assert _scale("在《财政部 税务总局关于实施小微企业普惠性税收减免政策的通知》规定的优惠政策基础上") == []
    assert _scale("具备高新技术企业或科技型中小企业资格的企业可在10年内弥补亏损") == []
    assert _scale("对在疫情期间为承租的中小企业减免租金的创业园、科技企业孵化器,优先予以政策扶持。") == []


def test_a_scale_inside_an_institutions_or_funds_name_is_no_condition() -> None:
    assert _scale("对首次在全国中小企业股份转让系统挂牌进入基础层的企业给予20万元补助") == []
    assert _scale("从省级中小企业发展专项资金给予不超过10万元的一次性奖补") == []
    assert _scale("对中小企业服务中心认定的优质服务机构") == []
    assert _scale("对首次挂牌的中小企业给予20万元补助") == [["中型", "小型", "微型"]]


def test_a_list_of_the_two_larger_classes_names_both() -> None:
    assert _scale("提前退还制造业等行业中型企业、大型企业增值税存量留抵税额") == [["大型", "中型"]]


@pytest.mark.parametrize(
    ("text", "dimension", "operator", "value"),
    [
        ("自企业设立登记之日起三年内，给予一次性奖励", "age_years", "<=", 3.0),
        ("对营业收入规模首次达到1亿元(含)的规上服务业企业，给予10万元奖励", "revenue_wan", ">=", 10000.0),
    ],
)
def test_a_threshold_stated_from_registration_or_on_first_reaching_a_size(
    text: str, dimension: str, operator: str, value: float
) -> None:
    (found,) = [f.condition for f in find_numbers(text, 0, len(text))]
    assert (found.dimension, found.operator, found.value) == (dimension, operator, value)


def test_an_investment_threshold_written_with_spaces_is_read() -> None:
    text = "对技术改造投资额达到 2 亿元 (含) 以上的项目, 给予 24 个月的贴息"
    (found,) = [f.condition for f in find_metric_thresholds(text, 0, len(text))]
    assert (found.fact, found.operator, found.value) == ("investment_wan", ">=", 20000.0)


def _measures(text: str, title: str) -> list[list[tuple[str, object]]]:
    """Each measure's conditions as (dimension, value), and (dimension, text) for the ``other`` ones."""
    context = DocumentContext("d1", "s1", text, to_simplified(text), title, "政策文件", None)
    nodes = extract_conditions(context).nodes
    by_clause: dict[str, list[tuple[str, object]]] = {}
    for n in nodes:
        if n.label == "Condition":
            dimension = str(n.props["dimension"])
            value = n.props["text"] if dimension == "other" else json.loads(n.props["value_json"])
            by_clause.setdefault(str(n.props["clause_id"]), []).append((dimension, value))
    return list(by_clause.values())


def _regions(text: str, title: str) -> list[object]:
    context = DocumentContext("d1", "s1", text, to_simplified(text), title, "政策文件", None)
    nodes = extract_conditions(context).nodes
    return [
        json.loads(n.props["value_json"]) for n in nodes if n.label == "Condition" and n.props["dimension"] == "region"
    ]


def test_widening_reaches_the_city_or_province_that_contains_the_issuer() -> None:
    assert widen("411104", 2) == "411100"  # 召陵区 → 漯河市
    assert widen("310110", 2) == "310000"  # 杨浦区 → 上海市 (a municipality is its own city)
    assert widen("411300", 1) == "410000"
    assert widen("411100", 2) == "411100"


def test_a_districts_page_saying_wo_shi_scopes_its_measure_to_the_city() -> None:
    title = "漯河市召陵区我市继续实施失业保险稳岗返还政策"
    text = title + " 2023年,继续实施。中小微企业按照企业及其职工上年度实际缴纳失业保险费的60%返还。"
    assert _regions(text, title) == [["411100"]]


def test_a_notice_addressed_to_a_provinces_cities_is_provincial() -> None:
    text = (
        "国家税务总局南阳市税务局 国家税务总局各省辖市税务局，局内各单位：现就我省税务系统落实各项税收支持政策"
        "提出以下要求。一、支持疫情防控物资供应 对纳税人运输疫情防控重点保障物资取得的收入，免征增值税。"
    )
    assert _regions(text, "国家税务总局南阳市税务局") == [["410000"]]


def _numbers(text: str) -> list[tuple[str, str, float]]:
    return [
        (f.condition.dimension.value, f.condition.operator.value, f.condition.value)
        for f in find_numbers(text, 0, len(text))
    ]


def test_thresholds_with_the_bound_before_or_after_the_number() -> None:
    assert _numbers("从业人员不超过300人的企业") == [("employees", "<=", 300.0)]
    assert _numbers("30人(含)以下的参保单位裁员率不高于参保职工总数20%") == []  # no employee noun before 30人
    assert _numbers("参保职工30人（含）以下的企业") == [("employees", "<=", 30.0)]
    assert _numbers("年营业收入不低于2000万元的企业") == [("revenue_wan", ">=", 2000.0)]
    assert _numbers("上年度营业收入少于1亿元") == [("revenue_wan", "<", 10000.0)]
    assert _numbers("营业收入500万元") == []  # an amount, not a threshold
    assert _numbers("成立不满三年的小微企业") == [("age_years", "<", 3.0)]
    assert _numbers("注册时间满1年") == [("age_years", ">=", 1.0)]


def test_a_fall_in_revenue_is_a_condition_to_check() -> None:
    text = "对营业收入同比下降30%以上的住宿餐饮企业,给予补贴"
    assert [f.condition.text for f in find_growth_thresholds(text, 0, len(text))] == ["同比下降30%以上"]


def _ownership(text: str) -> list[tuple[str, object]]:
    return [(f.condition.operator.value, f.condition.value) for f in find_ownership(text, 0, len(text))]


def test_ownership_words_and_public_bodies_left_out() -> None:
    assert _ownership("对大型企业等其他参保单位（不含机关事业单位）三项社会保险单位缴费部分可减半征收") == [
        ("not_in", ["机关事业单位"])
    ]
    assert _ownership("用人单位（机关事业单位除外）吸纳退役1年内的退役军人就业") == [("not_in", ["机关事业单位"])]
    assert _ownership("对受疫情影响较大不能正常经营的民营承租企业免收第一个月租金") == [("in", ["民营"])]
    assert _ownership("同时，对因疫情影响的定期定额户，据实合理调整定额") == [("in", ["个体工商户"])]
    # a later sentence's 定期定额户 does not restrict the measure's first one
    assert _ownership("对纳税确有困难的企业，依法合理予以减免房产税。对“定期定额”户，合理调整定额") == []


def test_a_short_trade_name_counts_only_where_a_word_starts() -> None:
    assert _industries("纳税人通过网上申请办理发票寄递业务的企业免收邮寄费用") == []
    assert _industries("对理发店、洗浴等服务企业给予补贴") == [("in", ["8040", "8051"])]


def test_a_cited_national_number_does_not_make_a_city_notice_national() -> None:
    text = (
        "关于做好疫情防控帮助工业企业 各县区人民政府，海东工业园区管委会，市政府各部门： 按照《国务院应对新型冠状病毒"
        "感染肺炎疫情联防联控机制关于切实加强疫情科学防控有序做好企业复工复产工作的通知》（国发电〔2020〕2号）要求，"
        "帮助全市工业企业尽早全面复工复产。"
    )
    assert infer_jurisdiction(text, "关于做好疫情防控帮助工业企业").code == "630200"


def test_the_requirements_of_a_conditions_section_apply_to_the_measures_after_it() -> None:
    text = (
        "楚雄市人力资源和社会保障局关于2023年失业保险稳岗返还的公告\n各参保单位:\n"
        "一、单位享受稳岗返还的条件\n"
        "1.参加失业保险并在2022年底前足额缴纳失业保险费12个月(含)以上,当前处于正常缴费状态的单位。\n"
        "2.单位生产经营活动符合国家和所在地区产业结构调整和环保政策。\n"
        "4.裁员率=2022年度失业并领取失业保险金人数÷2022年平均参保缴费人数\n"
        "二、返还标准\n"
        "大型企业按单位及其职工2022年度实际缴纳失业保险费的30%返还。\n"
    )
    context = DocumentContext("d1", "s1", text, to_simplified(text), text.split("\n", 1)[0], "政策文件", None)
    conditions = [n.props for n in extract_conditions(context).nodes if n.label == "Condition"]
    texts = [c["text"] for c in conditions if c["dimension"] in ("behaviour", "other")]
    assert any("产业结构调整和环保政策" in t for t in texts)
    assert not any("裁员率=" in t for t in texts)  # a formula defines a term, it requires nothing
    assert any(c["dimension"] == "scale" for c in conditions)


def test_a_requirement_section_titled_on_its_own_line_applies_to_the_measures_after_it() -> None:
    text = (
        "中山市商务局关于印发促进投保出口信用保险项目申报指南的通知\n一、\n支持对象\n"
        "在我市登记注册,具有对外贸易经营资格,投保短期出口信用保险并已缴纳保费的企业。\n"
        "支持时间\n2020年1月1日至2020年12月31日期间所发生的项目。\n支持标准\n"
        "(一)对于投保“一般企业类”保险产品的企业,按照实际缴纳保险费给予不超过30%的资助;\n"
    )
    context = DocumentContext("d1", "s1", text, to_simplified(text), text.split("\n", 1)[0], "政策文件", None)
    conditions = [n.props for n in extract_conditions(context).nodes if n.label == "Condition"]
    assert any(c["dimension"] == "qualification" and c["value_json"] == '"对外贸易经营资格"' for c in conditions)
    assert any(c["dimension"] == "other" and "已缴纳保费" in c["text"] for c in conditions)


def test_industries_a_policy_already_covered_are_no_beneficiaries_of_its_extension() -> None:
    text = "在已实施制造业等6个行业增值税留抵退税政策基础上,将批发和零售业等7个行业企业纳入全额退还增量留抵税额政策范围"
    (found,) = find_industries(text, 0, len(text))
    assert "C" not in found.condition.value and "F" in found.condition.value


def test_growth_of_a_named_figure_without_a_number_is_a_condition() -> None:
    text = "对批发零售企业零售额、住宿餐饮企业营业额增长给予奖励，增长率另行公布"
    assert [f.condition.text for f in find_growth_thresholds(text, 0, len(text))] == ["营业额增长"]


def test_a_text_saying_wo_shi_that_names_no_place_is_never_national() -> None:
    title = "工业高质量发展十条政策措施"
    text = title + "\n为推动我市工业经济调结构，特制定以下措施。\n一、对新认定的企业技术中心，给予50万元经费支持。"
    (conditions,) = _measures(text, title)
    assert ("other", "我市") in conditions  # which city is unknown, so never 符合 anywhere
    assert not any(dimension == "region" for dimension, _ in conditions)


def test_a_sum_granted_as_funding_support_is_a_measure() -> None:
    title = "呼和浩特市工业高质量发展十条政策措施"
    text = title + "\n二、对创建为国家级、自治区级制造业创新中心的企业，分别给予800万元、300万元一次性经费支持。"
    (conditions,) = _measures(text, title)
    assert ("region", ["150100"]) in conditions
    assert any(dimension == "qualification" for dimension, _ in conditions)


def test_a_class_making_one_product_names_its_firms_by_the_product() -> None:
    table = standard_industry_phrases()
    assert table["中成药生产企业"] == table["中成药企业"] == ["2740"]
    assert "中成药" not in table  # the product alone names no firm
    assert "计算企业" not in table  # 绘图、计算及测量仪器: a list sharing its head noun gives no form


def test_the_question_for_an_unplaced_wo_shi_asks_where_the_firm_is() -> None:
    from eligibility.facts import question_for
    from ontology.eligibility import text_fact_key

    question = question_for(text_fact_key("d1:我市"), "我市")["question"]
    assert "我市" in question and "未写明地名" in question


def test_sole_traders_heading_the_subject_phrase_are_an_ownership_condition() -> None:
    text = "对因疫情防控停业的定期定额个体工商户，免缴当月定额税款。"
    assert [f.condition.value for f in find_ownership(text, 0, len(text))] == [["个体工商户"]]
    listed = "对受影响的企业和个体工商户给予补贴"
    assert find_ownership(listed, 0, len(listed)) == []  # one beneficiary of several
    assert _industries("属于增值税一般纳税人的药品经营企业销售生物制品") == [("in", ["515", "525"])]
