"""The clause tree: statutes (编/章/节/条/款/项) and policy enumerations (一、（一）1.)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.structure import chinese_number, parse_clauses
from ontology.model import ClauseKind

STATUTE = """# 某某法

2020年1月1日 第十三届全国人民代表大会常务委员会第十五次会议通过

<!-- INFO END -->

## 第一章 总 则

第一条 为了规范某事，制定本法。

第二条 本法适用于下列情形：

（一）第一种情形；

（二）第二种情形。

前款规定的情形，由国务院规定。

### 第一节 细则

第三条 本条只有一款。
"""


def test_statute_tree_has_chapters_articles_paragraphs_and_items() -> None:
    clauses = parse_clauses(STATUTE)
    by_path = {c.path: c for c in clauses}
    assert [c.kind for c in clauses if c.depth == 1] == [ClauseKind.CHAPTER]
    article = by_path["第一章/第二条"]
    assert (article.kind, article.number, article.ordinal) == (ClauseKind.ARTICLE, 2, 2)
    assert by_path["第一章/第二条/第一款/（二）"].text == "（二）第二种情形。"
    assert by_path["第一章/第二条/第二款"].text == "前款规定的情形，由国务院规定。"
    assert by_path["第一章/第一节/第三条"].text == "第三条 本条只有一款。"
    assert not any(c.path.startswith("第一章/第一节/第三条/") for c in clauses)
    for clause in clauses:
        assert STATUTE[clause.start : clause.end].startswith(clause.text.split("\n")[0])
    assert all(c.kind is not ClauseKind.ARTICLE for c in clauses if c.start < STATUTE.index("<!-- INFO END -->"))


def test_policy_enumerations_inline_in_one_line() -> None:
    text = (
        "关于支持企业的通知 一、减免租金 对中小企业减免3个月房租。 "
        "二、稳岗返还 （一）返还50%失业保险费。（二）2020年内有效。"
    )
    clauses = parse_clauses(text)
    assert [(c.label, c.depth) for c in clauses] == [("一、", 1), ("二、", 1), ("（一）", 2), ("（二）", 2)]
    assert clauses[0].text == "一、减免租金 对中小企业减免3个月房租。"


def test_numbers_that_do_not_continue_a_list_are_not_items() -> None:
    clauses = parse_clauses("截至2020年底 3.5亿元已拨付。 1.第一项 2.第二项 5.不是第三项")
    assert [c.label for c in clauses] == ["1.", "2."]


@pytest.mark.parametrize(
    ("numeral", "value"), [("四十八", 48), ("十", 10), ("一百零三", 103), ("二百一十", 210), ("12", 12)]
)
def test_chinese_numbers(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value


def test_shanghai_business_environment_regulation_article_count_equals_its_file(shared_dir: Path) -> None:
    folder = shared_dir / "corpora/lawrefbook/DLC/上海地方法规/地方性法规/上海"
    for path in folder.glob("上海市优化营商环境条例*.md"):
        text = path.read_text(encoding="utf-8")
        body = text[text.index("<!-- INFO END -->") :]
        in_file = len(re.findall(r"^第[一二三四五六七八九十百零]+条", body, re.M))
        articles = [c for c in parse_clauses(text) if c.kind is ClauseKind.ARTICLE]
        assert len(articles) == in_file > 50
        assert [a.number for a in articles] == list(range(1, in_file + 1))
