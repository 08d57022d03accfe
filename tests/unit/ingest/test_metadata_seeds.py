"""Metadata of the five seed documents and of LawRefBook statutes, read from their text and catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.metadata import DocumentMetadata, extract_metadata
from ingest.normalize import clean_text
from ingest.readers import read_documents
from ontology.model import DocumentType
from ontology.text import to_simplified

SEEDS = "corpora/seeds"
LAWREF = "corpora/lawrefbook"


def metadata_of(path: Path) -> DocumentMetadata:
    source = read_documents(path, source_id=path.name, max_bytes=50_000_000)[0]
    cleaned = clean_text(source.text)
    return extract_metadata(source, cleaned.text, to_simplified(cleaned.text))


@pytest.fixture(scope="module")
def seeds(shared_dir: Path) -> dict[str, DocumentMetadata]:
    return {p.name[:3]: metadata_of(p) for p in sorted((shared_dir / SEEDS).glob("0*.txt"))}


def test_seed_000_is_a_beijing_news_report(seeds: dict[str, DocumentMetadata]) -> None:
    meta = seeds["000"]
    assert meta.title == "全國首批法治政府建設示范地區和示范項目名單出爐"
    assert meta.doc_type is DocumentType.NEWS_REPORT
    assert meta.region_code == "110000"


def test_seed_001_is_the_jiangjin_proposal_reply(seeds: dict[str, DocumentMetadata]) -> None:
    meta = seeds["001"]
    assert meta.title == "关于推进法治政府评估助推法治政府建设的建议"
    assert meta.doc_number == "津司函〔2024〕14号"
    assert meta.issuers == ["重庆市江津区司法局"]
    assert meta.doc_type is DocumentType.PROPOSAL_REPLY
    assert meta.region_code == "500116"


def test_seed_002_is_a_legal_daily_report_on_tongzhou(seeds: dict[str, DocumentMetadata]) -> None:
    meta = seeds["002"]
    assert meta.title == "北京城市副中心绘就法治政府建设新画卷"
    assert meta.doc_type is DocumentType.NEWS_REPORT
    assert meta.issuers == ["法治日报"]
    assert meta.date_published == "2023-02-07"
    assert meta.region_code == "110112"


def test_seed_003_is_the_2020_work_report_of_the_beijing_government_service_bureau(
    seeds: dict[str, DocumentMetadata],
) -> None:
    meta = seeds["003"]
    assert meta.doc_type is DocumentType.WORK_REPORT
    assert meta.issuers == ["北京市政务服务管理局"]
    assert meta.title == "北京市政务服务管理局2020年法治政府建设工作报告"
    assert meta.region_code == "110000"


def test_seed_004_is_a_guangming_article_on_tongzhou(seeds: dict[str, DocumentMetadata]) -> None:
    meta = seeds["004"]
    assert meta.title.startswith("通州区以创建全国法治政府建设示范区为目标")
    assert meta.doc_type is DocumentType.NEWS_REPORT
    assert meta.issuers == ["光明网"]
    assert meta.region_code == "110112"


def test_national_law_version_with_its_amendments(shared_dir: Path) -> None:
    meta = metadata_of(shared_dir / LAWREF / "诉讼与非诉讼程序法/行政复议法(2023-09-01).md")
    assert meta.title == "中华人民共和国行政复议法"
    assert meta.doc_type is DocumentType.LAW
    assert meta.region_code == "100000"
    assert meta.issuers == ["全国人民代表大会常务委员会"]
    assert meta.version_date == "2023-09-01"
    assert meta.date_written == "1999-04-29"
    assert [(e.kind, e.date) for e in meta.events] == [
        ("通过", "1999-04-29"),
        ("修正", "2009-08-27"),
        ("修正", "2017-09-01"),
        ("修订", "2023-09-01"),
    ]


def test_local_regulation_takes_its_region_from_the_collection(shared_dir: Path) -> None:
    meta = metadata_of(shared_dir / LAWREF / "DLC/上海地方法规/地方性法规/上海/上海市优化营商环境条例(2024-09-27).md")
    assert meta.doc_type is DocumentType.LOCAL_REGULATION
    assert meta.region_code == "310000"
    assert meta.issuers == ["上海市人民代表大会常务委员会"]


def test_civil_code_books_keep_their_subtitle(shared_dir: Path) -> None:
    meta = metadata_of(shared_dir / LAWREF / "民法典/总则.md")
    assert (meta.title, meta.subtitle) == ("中华人民共和国民法典", "总则")
    assert meta.date_effective == "2021-01-01"


def test_administrative_regulation_order_number(shared_dir: Path) -> None:
    meta = metadata_of(shared_dir / LAWREF / "行政法规/道路运输条例(2023-07-20).md")
    assert meta.doc_type is DocumentType.ADMINISTRATIVE_REGULATION
    assert meta.doc_number == "中华人民共和国国务院令第406号"
    assert meta.issuers == ["国务院"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("来源: 作者: 时间:2026-01-06", DocumentType.POLICY_DOCUMENT),  # a site's empty author field
        ("来源：县人社局 作者：张明 时间：2026-01-06", DocumentType.NEWS_REPORT),  # a byline
        ("来源:原创 发布时间:2022-03-23 作者:佳县人社局", DocumentType.POLICY_DOCUMENT),  # the publishing agency
    ],
)
def test_an_empty_author_field_is_no_byline(tmp_path: Path, header: str, expected: DocumentType) -> None:
    page = tmp_path / "page.html"
    body = "一次性扩岗补助政策。对招用离校两年内未就业高校毕业生的企业，可按每招用1人不超过1500元的标准发放补助。"
    page.write_text(f"<html><body><h1>就业政策宣传</h1><p>{header}</p><p>{body}</p></body></html>", encoding="utf-8")
    assert metadata_of(page).doc_type is expected


def test_a_zone_without_a_code_of_its_own_is_the_home_of_its_policy(tmp_path: Path) -> None:
    page = tmp_path / "yangling.txt"
    page.write_text(
        "杨凌示范区进一步激发消费活力促进一季度消费增长若干措施\n"
        "一、批发企业新增量达到300万元且增速达到20%以上的,给予1万元促销奖励。\n",
        encoding="utf-8",
    )
    assert metadata_of(page).region_code == "610403"  # 杨陵区, which the zone administers
