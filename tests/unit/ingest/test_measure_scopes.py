"""Scope of conditions: preambles and headings over measures, a sentence's subject phrase, tiers of one sentence.

The texts are written for these tests in the genre's wording (no phrase of a real document).
"""

from __future__ import annotations

import json

from ingest.extractors.base import DocumentContext
from ingest.extractors.eligibility import extract_conditions
from ingest.extractors.measure_gate import clause_refusal
from ingest.extractors.measure_segments import find_measures, opens_with_subject
from ingest.extractors.preambles import find_preamble
from ontology.text import to_simplified

TITLE = "某市人民政府关于支持企业发展的若干措施"


def _measures(body: str) -> list[tuple[str, dict[str, object]]]:
    """(clause text, {dimension: value}) of every extracted measure, in order (region left out)."""
    text = TITLE + "\n" + body
    ctx = DocumentContext(
        doc_id="d",
        source_id="s",
        text=text,
        norm_text=to_simplified(text),
        title=TITLE,
        doc_type="政策文件",
        region_code=None,
    )
    change = extract_conditions(ctx)
    clauses = {n.id: n.props for n in change.nodes if n.label == "Clause"}
    out = []
    for benefit in (n for n in change.nodes if n.label == "Benefit"):
        clause_id = benefit.props["clause_id"]
        dims = {
            n.props["dimension"]: json.loads(n.props["value_json"])
            for n in change.nodes
            if n.label == "Condition" and n.props["clause_id"] == clause_id and n.props["dimension"] != "region"
        }
        out.append((clauses[clause_id]["text"] if clause_id in clauses else clause_id, dims))
    return out


def test_a_preamble_heading_scopes_every_measure_under_it_until_the_next_heading_of_its_level() -> None:
    measures = _measures(
        "一、对批发零售行业的中小微企业，实施以下措施：\n"
        "（一）承租国有房屋的，免收3个月租金。\n"
        "（二）按照实际缴纳社会保险费的50%给予补贴。\n"
        "（三）对大型企业给予贷款贴息。\n"
        "二、其他支持\n"
        "（四）对新招用高校毕业生的企业，给予每人1000元补贴。\n"
    )
    assert [text[:4] for text, _ in measures] == ["（一）承", "（二）按", "（三）对", "（四）对"]
    first, second, third, fourth = (dims for _, dims in measures)
    assert first["scale"] == second["scale"] == ["中型", "小型", "微型"]
    assert first["industry"] == second["industry"] == ["F"]
    assert third["scale"] == ["大型"]  # the measure's own condition on the same dimension overrides
    assert "scale" not in fourth and "industry" not in fourth  # the next heading of the same level ends the scope


def test_a_preamble_paragraph_scopes_the_items_that_follow_it_and_a_purpose_clause_restricts_no_one() -> None:
    scoped = _measures("对小微企业，采取以下措施。\n1．免收3个月房租。\n2．给予最高50万元贷款贴息。\n")
    assert [dims.get("scale") for _, dims in scoped] == [["小型", "微型"], ["小型", "微型"]]
    purpose = _measures("为支持中小微企业渡过难关，现提出以下措施。\n1．对住宿餐饮企业，免收3个月房租。\n")
    assert [dims.get("scale") for _, dims in purpose] == [None]


def test_a_preamble_inside_an_item_scopes_only_the_rest_of_that_item() -> None:
    measures = _measures(
        "一、减轻负担。对小微企业给予以下支持：\n1．免收3个月房租。\n2．免收检测费用。\n"
        "二、稳定就业。\n3．对新招用高校毕业生的企业，给予每人1000元补贴。\n"
    )
    assert [dims.get("scale") for _, dims in measures] == [["小型", "微型"], ["小型", "微型"], None]


def test_find_preamble_needs_an_announcement_at_its_end_and_a_beneficiary() -> None:
    def scope(text: str) -> str | None:
        found = find_preamble(text, 0, len(text))
        return text[found.start : found.end] if found else None

    assert scope("为应对疫情，对受影响较大的中小微企业，实施以下措施：") == "对受影响较大的中小微企业，实施"
    assert scope("现就有关事项通知如下：") is None  # no beneficiary
    assert scope("对以下措施落实情况进行督查，对中小微企业给予补贴。") is None  # the announcement does not end it


def test_the_subject_phrase_binds_its_own_sentence_only() -> None:
    measures = _measures("1．对住宿餐饮企业，给予最高10万元补贴；对其他企业，给予最高5万元补贴。\n")
    assert [dims.get("industry") for _, dims in measures] == [["61", "62"], None]


def test_tiers_of_one_sentence_are_separate_measures_each_with_its_own_group() -> None:
    for body in (
        "对不裁员或少裁员的参保企业，大型企业按上年度实际缴纳失业保险费的30%返还，中小微企业按60%返还。\n",
        "对不裁员或少裁员的参保企业，对中小微企业按上年度实际缴纳失业保险费的60%返还，大型企业按30%返还。\n",
    ):
        measures = _measures(body)
        scales = sorted(str(dims["scale"]) for _, dims in measures)
        assert scales == [str(["中型", "小型", "微型"]), str(["大型"])]
        assert all("behaviour" in dims for _, dims in measures)  # the lead binds every tier


def test_a_short_item_naming_its_benefit_is_a_measure_under_a_preamble_but_a_heading_over_items_is_not() -> None:
    text = "对小微企业，实施以下措施：\n二、减免税费\n（一）免征3个月增值税。\n（二）免收检测费用。\n"
    assert [text[m.start : m.end] for m in find_measures(text)] == ["（一）免征3个月增值税。", "（二）免收检测费用。"]
    assert find_measures("二、减免税费\n（一）免征3个月增值税。\n") == []  # no preamble says whom it is for


def test_an_industry_named_inside_a_designation_is_no_industry_condition() -> None:
    (measure,) = _measures("一、对通过国家智能制造能力成熟度评估的企业，给予10万元一次性奖励。")
    _, dims = measure
    assert "qualification" in dims
    assert "industry" not in dims


def test_a_sentence_opening_with_its_own_subject_after_a_semicolon_is_its_own_measure() -> None:
    measures = _measures(
        "一、支持平台建设。对跨领域的工业互联网平台给予奖补，最高3000万元；对行业型工业互联网平台给予奖补，最高500万元。\n"
    )
    texts = [text for text, _ in measures]
    assert len(texts) == 2
    assert texts[0].endswith("最高3000万元；") and "500万元" not in texts[0]
    assert texts[1] == "对行业型工业互联网平台给予奖补，最高500万元。"


def test_a_list_after_a_subject_and_a_colon_is_scoped_by_it_and_items_granting_a_sum_are_measures() -> None:
    text = (
        "（一）上市奖励\n对在境内首发上市的企业实行分阶段奖励：\n"
        "1.完成股份制改造的奖励50万元；\n2.通过上市辅导验收的奖励150万元；\n"
    )
    measures = find_measures(text)
    assert [text[m.core_start : m.end] for m in measures] == [
        "1.完成股份制改造的奖励50万元；",
        "2.通过上市辅导验收的奖励150万元；",
    ]
    assert all(text[a:b] == "对在境内首发上市的企业" for m in measures for a, b in m.headings[-1:])
    assert find_measures("二、减免税费\n（一）免征增值税\n") == []  # a short item without a sum is still a heading


def test_tiers_of_a_list_announced_by_a_colon_are_separate_measures_scoped_by_its_lead() -> None:
    measures = _measures(
        "二、融资奖励\n对首发上市的公司按融资额给予奖励：融资额1亿元以内的，奖励50万元；"
        "融资额1亿元以上的，奖励200万元。\n"
    )
    assert [dims.get("revenue_wan") for _, dims in measures] == [10000.0, 10000.0]
    assert [text.rsplit("，", 1)[-1] for text, _ in measures] == ["奖励50万元；", "奖励200万元。"]


def test_a_return_to_insured_firms_is_a_job_retention_measure_without_naming_the_premium() -> None:
    from ingest.extractors.measure_segments import benefit_cue

    text = "对坚持不裁员的失业保险参保企业，返还标准按6个月的月人均失业保险金确定。"
    found = benefit_cue(text)
    assert found is not None and found[0] == "稳岗返还"


def test_a_notice_addressing_its_reader_names_the_beneficiary() -> None:
    measures = _measures("一、您为疫情防控实际发生的各项合理支出，准予在计算应纳税所得额时扣除。\n")
    assert [text for text, _ in measures] == ["一、您为疫情防控实际发生的各项合理支出，准予在计算应纳税所得额时扣除。"]


def test_an_exemption_written_as_mian_jiao_is_a_tax_relief() -> None:
    from ingest.extractors.measure_segments import benefit_cue

    found = benefit_cue("对因疫情停业的定期定额个体工商户，免缴当月定额税款。")
    assert found is not None and found[0] == "税费减免"


def test_a_policy_lists_contact_and_procedure_fields_are_in_no_measure() -> None:
    text = (
        "2.对工业企业新增产值50亿元及以上的，给予300万元一次性奖励。\n咨询部门:市工业和信息化局投资规划科(0471-4609232)\n"
        "政策依据:《关于印发推动新型工业化发展十条政策措施的通知》\n"
        "(十四)首台(套)重大技术装备产品\n支持政策:对省级以上首台(套)重大技术装备产品,按照销售价格的10%予以奖励。\n"
        "申报程序:市工信局发布申报通知,对经推荐列入目录的产品,由企业提出申请,拨付奖励资金。"
    )
    measures = find_measures(text)
    assert [text[m.core_start : m.end].split("，")[0].split(",")[0] for m in measures] == [
        "2.对工业企业新增产值50亿元及以上的",
        "支持政策:对省级以上首台(套)重大技术装备产品",
        "申报程序:市工信局发布申报通知",
    ]
    assert "咨询部门" not in text[measures[0].start : measures[0].end]
    assert opens_with_subject(text, measures[1].core_start)  # the content field opens its subject phrase
    assert clause_refusal(text[measures[2].core_start : measures[2].end]) == "申报程序"


def test_talent_support_whose_subject_is_a_person_is_for_individuals() -> None:
    text = "对从事快速检测试剂或特效治疗药物研发的科研带头人及其团队优先评选人才并给予相应支持和奖励"
    assert clause_refusal(text) == "面向个人"
    assert clause_refusal("对从事快速检测试剂研发的企业，给予不高于300万元的研发支持") is None
