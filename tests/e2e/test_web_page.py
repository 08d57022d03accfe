"""The web page in headless Chromium: a search, the enterprise self-check, the practices browser; a screenshot.

The service runs as a subprocess (``policykg serve``) over a data dir holding a support-measure policy and
the demonstration seeds (ingested with ``policykg ingest``). Chromium and chromedriver come from the Debian
packages ``chromium`` and ``chromium-driver``; without them the test is skipped, saying so. The screenshot is
written to ``tests/artifacts/screenshot.png`` (or ``$POLICYKG_SCREENSHOT``; the README shows ``docs/screenshot.png``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.cli import POLICYKG
from tests.support.service import running_service

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
# Tests write under tests/artifacts (ignored by git); POLICYKG_SCREENSHOT=docs/screenshot.png refreshes the README's.
SCREENSHOT = Path(os.environ.get("POLICYKG_SCREENSHOT", REPO / "tests" / "artifacts" / "screenshot.png"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
DASHBOARD_SHOT = SCREENSHOT.with_name("dashboard.png")  # the README shows docs/dashboard.png
KEYS: dict[str, str] = {}  # the admin's and the 北京 official's API keys, made before the service starts

POLICY = """北京市人民政府办公厅关于支持小微企业发展的若干措施

京政办发〔2026〕12号

各区人民政府，市政府各委、办、局：

一、本市小微企业可以申请一次性经营补贴，每家企业最高10万元。

二、对本市小微企业承租市属国有企业房产的，免收3个月房租。

三、本措施自2026年11月1日起施行，有效期至2027年12月31日。

北京市人民政府办公厅
2026年10月20日
"""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Iterator[str]:
    """The app on a free port over a data dir with the test policy and the demonstration seeds."""
    root = tmp_path_factory.mktemp("web")
    policy = root / "beijing-measures.txt"
    policy.write_text(POLICY, encoding="utf-8")
    seeds = sorted(str(p) for p in (shared_dir / "corpora" / "seeds").glob("*.txt"))
    env = {**os.environ, "POLICYKG_DATA_DIR": str(root / "data"), "POLICYKG_EMBEDDER": "none"}
    ingest = subprocess.run(
        [str(POLICYKG), "ingest", str(policy), *seeds], env=env, capture_output=True, text=True, timeout=300
    )
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    for role, args in (
        ("admin", ["admins", "add", "运维"]),
        ("official", ["officials", "add", "北京市政府办公厅", "--region", "110000"]),
    ):
        made = subprocess.run([str(POLICYKG), *args], env=env, capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        KEYS[role] = json.loads(made.stdout)["api_key"]
    with running_service(root / "data") as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Chromium driven by chromedriver, with a fresh profile folder."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("headless Chromium is not installed: apt-get install -y chromium chromium-driver fonts-noto-cjk")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is part of the test extra")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1600",
        "--lang=zh-CN",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, condition, timeout_s: float = 30):  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # the page re-renders lists while a condition reads them: an element gone stale is read again next poll
    wait = WebDriverWait(driver, timeout_s, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(condition)


def test_search_self_check_and_practices(service: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(service + "/")
    assert driver.title.startswith("policykg")

    driver.find_element(By.ID, "search-q").send_keys("小微企业 房租")
    driver.find_element(By.CSS_SELECTOR, "#search-form button[type=submit]").click()
    hits = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results .hit"))
    assert "北京市" in hits[0].text
    assert driver.find_elements(By.CSS_SELECTOR, "#search-results mark"), "matched words are highlighted"

    # 查看: a hit opens its document with its measures, versions and citations; back returns to the results
    hits[0].find_element(By.CSS_SELECTOR, "a.doc-link").click()
    title = _wait(driver, lambda d: d.find_elements(By.ID, "document-title"))
    assert "北京市" in title[0].text
    view = driver.find_element(By.ID, "document-view").text
    assert "扶持措施" in view and "历次版本" in view and "被以下文件引用" in view
    assert driver.find_elements(By.CSS_SELECTOR, "#document-view ol.measures li.measure")
    driver.find_element(By.ID, "document-back").click()
    assert driver.find_element(By.ID, "panel-search").is_displayed()

    driver.find_element(By.ID, "tab-check").click()
    form = driver.find_element(By.ID, "check-form")
    # region and industry are chosen by typing names; a wrongly typed fact is refused in Chinese, naming it
    for name, value in (("name", "北京甲科技有限公司"), ("region", "通州"), ("industry", "应用软件开发")):
        form.find_element(By.NAME, name).send_keys(value)
    form.find_element(By.NAME, "scale").send_keys("小型")
    form.find_element(By.NAME, "facts").send_keys('{"layoff_rate_2019_pct": "低"}')
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    status = driver.find_element(By.ID, "check-status")
    _wait(driver, lambda d: "error" in status.get_attribute("class"))
    assert "layoff_rate_2019_pct：应为数字" in status.text
    form.find_element(By.NAME, "facts").clear()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    badges = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#check-results .badge.eligible"))
    assert badges[0].text == "符合"
    assert driver.find_elements(By.CSS_SELECTOR, "#check-results .conditions li.outcome-met")
    assert "北京市" in driver.find_element(By.CSS_SELECTOR, "#check-results .conditions").text  # names, not codes
    assert driver.find_elements(By.CSS_SELECTOR, "#check-results section.policy h3"), "grouped by policy"
    assert driver.find_elements(By.CSS_SELECTOR, "#check-results article.match a.doc-link"), "cards link documents"
    estimates = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#check-results .estimate")]
    assert "预计可获：最高 10 万元（最高10万元）" in estimates, estimates  # 政策计算器 on the card
    assert "预计合计约" in status.text

    driver.find_element(By.ID, "tab-practices").click()
    rows = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#demo-table tbody tr td:nth-child(4)"))
    regions = " ".join(r.text for r in rows)
    assert "海淀" in regions and "通州" in regions
    _check_practice_pages_and_similar_cards(driver, service)
    # the coverage view: a region's covered indicators with evidence, and its gaps
    driver.find_element(By.CSS_SELECTOR, "#demo-form [name=region]").send_keys("110112")
    driver.find_element(By.CSS_SELECTOR, "#demo-form button[type=submit]").click()
    covered = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#coverage-table tr.covered"))
    assert any("重大行政决策" in row.text for row in covered)
    assert any("示范命名" in row.text for row in covered)  # 通州's batch-1 project, kinds shown in Chinese
    assert any("机制做法" in row.text for row in covered)
    assert "差距" in driver.find_element(By.ID, "coverage-view").text
    assert "error" not in driver.find_element(By.ID, "practices-status").get_attribute("class")

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    driver.execute_script("window.scrollTo(0, 0)")  # the screenshot shows the page from its top
    assert driver.save_screenshot(str(SCREENSHOT))


def _check_practice_pages_and_similar_cards(driver, service: str) -> None:  # type: ignore[no-untyped-def]
    """The mechanism cards come a page at a time (20, or the page size the cards element names) with 上一页/下一页;
    similar practices open right under the card that asked, a typed question's above the cards."""
    from selenium.webdriver.common.by import By

    total = len(httpx.get(f"{service}/mechanisms", timeout=60).json())
    assert total > 3, "the seeds give more mechanisms than a page of three"
    page_cards = "#mechanism-cards > article.mechanism"
    shown = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, page_cards))
    assert len(shown) == min(20, total)
    driver.execute_script("document.querySelector('#mechanism-cards').dataset.pageSize = '3'")
    driver.find_element(By.CSS_SELECTOR, "#demo-form button[type=submit]").click()
    pages = -(-total // 3)
    info = _wait(
        driver,
        lambda d: [
            e for e in d.find_elements(By.CSS_SELECTOR, "#mechanism-pager .page-info") if f"/ {pages} 页" in e.text
        ],
    )
    assert info[0].text == f"第 1 / {pages} 页（共 {total} 项）"
    assert driver.find_element(By.CSS_SELECTOR, "#mechanism-pager [data-page=prev]").get_attribute("disabled")

    def names() -> list[str]:
        return [h.text for h in driver.find_elements(By.CSS_SELECTOR, f"{page_cards} h3")]

    first = names()
    assert len(first) == 3
    driver.find_element(By.CSS_SELECTOR, "#mechanism-pager [data-page=next]").click()
    _wait(driver, lambda d: "第 2 /" in d.find_element(By.CSS_SELECTOR, "#mechanism-pager .page-info").text)
    second = names()
    assert second and not set(second) & set(first)
    driver.find_element(By.CSS_SELECTOR, "#mechanism-pager [data-page=prev]").click()
    _wait(driver, lambda d: names() == first)

    # 相似做法 on the second card: the results open right below it, not after the list
    asking = driver.find_elements(By.CSS_SELECTOR, page_cards)[1]
    asking.find_element(By.CSS_SELECTOR, "button.similar").click()
    similar = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#mechanism-cards .similar-panel .mechanism h3"))
    assert all(h.text.strip() and not h.text.strip().startswith("相似度") for h in similar)  # each names its practice
    above = driver.execute_script(
        "return document.querySelector('#mechanism-cards .similar-panel').previousElementSibling.querySelector('h3')"
        ".textContent"
    )
    assert above == first[1]
    panel = driver.find_element(By.CSS_SELECTOR, "#mechanism-cards .similar-panel")
    assert 0 <= panel.location["y"] - (asking.location["y"] + asking.size["height"]) < 40
    assert panel.location["y"] < driver.find_element(By.ID, "mechanism-pager").location["y"]
    panel.find_element(By.CSS_SELECTOR, "button.close-similar").click()
    assert not driver.find_elements(By.CSS_SELECTOR, "#mechanism-cards .similar-panel")
    # a typed question: its results in the panel above the cards
    driver.find_element(By.ID, "similar-q").send_keys("小微企业包容审慎执法")
    driver.find_element(By.CSS_SELECTOR, "#similar-form button[type=submit]").click()
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#similar-cards .mechanism h3"))
    title = driver.find_element(By.ID, "similar-title")
    assert title.location["y"] < driver.find_element(By.ID, "mechanisms-title").location["y"]
    driver.execute_script("delete document.querySelector('#mechanism-cards').dataset.pageSize")


def test_dashboard_tab(service: str, browser) -> None:  # type: ignore[no-untyped-def]
    """督查: after an application (accepted, paid) and a rating, the official's tab charts and counts them."""
    from selenium.webdriver.common.by import By

    http = httpx.Client(base_url=service, timeout=60)
    admin = {"Authorization": f"Bearer {KEYS['admin']}"}
    official = {"Authorization": f"Bearer {KEYS['official']}"}
    consumer = {
        "Authorization": f"Bearer {http.post('/consumers', json={'name': '园区'}, headers=admin).json()['api_key']}"
    }
    profile = {
        "id": "bj-1",
        "name": "北京甲科技有限公司",
        "region_code": "110112",
        "industry_code": "I6513",
        "scale": "小型",
    }
    assert http.put("/profiles", json={"profiles": [profile]}, headers=consumer).is_success
    answers = http.post("/match", params={"as_of": "2026-12-01"}, json=profile).json()
    (grant_measure,) = [a for a in answers if a["verdict"] == "eligible" and a["benefit"]["max_amount_wan"] == 10]
    created = http.post(
        "/applications", json={"profile_id": "bj-1", "measure_id": grant_measure["clause_id"]}, headers=consumer
    )
    assert created.status_code == 201, created.text
    application = created.json()["id"]
    assert http.patch(f"/applications/{application}", json={"status": "submitted"}, headers=consumer).is_success
    for status in ("accepted", "paid"):
        assert http.patch(f"/applications/{application}", json={"status": status}, headers=official).is_success
    rating = {"profile_id": "bj-1", "rating": 5, "comment": "很快"}
    assert http.post(f"/policies/{grant_measure['source_id']}/feedback", json=rating, headers=consumer).is_success

    driver = browser
    driver.get(service + "/")
    driver.find_element(By.ID, "tab-dashboard").click()
    form = driver.find_element(By.ID, "dashboard-form")
    form.find_element(By.NAME, "key").send_keys("pk_o_0000000000000000_wrongwrongwrongwrongwrong")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    status = driver.find_element(By.ID, "dashboard-status")
    _wait(driver, lambda d: "error" in status.get_attribute("class"))
    assert "密钥无效" in status.text  # in Chinese
    form.find_element(By.NAME, "key").clear()
    form.find_element(By.NAME, "key").send_keys(KEYS["official"])
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    bars = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#dashboard-view svg rect.bar"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#dashboard-view figure.chart svg")) == 2 and bars
    assert "110000" in status.text and "error" not in status.get_attribute("class")
    totals = driver.find_element(By.ID, "dashboard-totals").text
    assert "已兑付 1 件" in totals and "兑付 10 万元" in totals
    (row,) = [r for r in driver.find_elements(By.CSS_SELECTOR, "#dashboard-table tbody tr") if "北京市" in r.text]
    assert row.text.endswith("5（1 条）"), row.text  # the average rating, with its count
    unreached = driver.find_element(By.CSS_SELECTOR, "#dashboard-view ul.unreached").text
    assert "免收3个月房租" in unreached  # its fact (承租国有房产) is not answered: nobody qualifies yet
    DASHBOARD_SHOT.parent.mkdir(parents=True, exist_ok=True)
    driver.execute_script("window.scrollTo(0, 0)")
    assert driver.save_screenshot(str(DASHBOARD_SHOT))


def test_an_admin_imports_a_naming_list_on_the_page(service: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """导入命名名单: the list's rows join the designations (one with the seeds' 海淀区), a bad row is named in Chinese
    and nothing of its file is stored, an official's key is refused."""
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(service + "/")
    driver.find_element(By.ID, "tab-practices").click()
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#demo-table tbody tr"))
    driver.find_element(By.CSS_SELECTOR, "#list-import summary").click()
    form = driver.find_element(By.ID, "list-form")
    status = driver.find_element(By.ID, "list-status")
    good = tmp_path / "第一批名单.csv"
    good.write_text("batch,year,kind,region,name\n1,2020,area,北京市海淀区,\n", encoding="utf-8")
    form.find_element(By.NAME, "key").send_keys(KEYS["official"])
    form.find_element(By.NAME, "file").send_keys(str(good))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(driver, lambda d: "error" in status.get_attribute("class"))
    assert status.text == "导入失败：导入名单需要管理员的密钥"
    form.find_element(By.NAME, "key").clear()
    form.find_element(By.NAME, "key").send_keys(KEYS["admin"])
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(driver, lambda d: status.text.startswith("已从"))
    assert status.text == "已从 第一批名单.csv 导入 1 项命名（示范地区 1 项，示范项目 0 项）"
    rows = _wait(
        driver,
        lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#demo-table tbody tr") if "导入名单" in r.text],
    )
    (row,) = rows
    assert "北京市海淀区" in row.text and "；" in row.text  # the seeds' naming and the list: one row, both sources
    bad = tmp_path / "第二批名单.csv"
    bad.write_text("batch,year,kind,region,name\n2,2022,area,北京市西城区,\n2,2022,area,火星市,\n", encoding="utf-8")
    form.find_element(By.NAME, "file").clear()
    form.find_element(By.NAME, "file").send_keys(str(bad))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait(driver, lambda d: "error" in status.get_attribute("class"))
    assert status.text == "导入失败：第3行：地区“火星市”无法识别，未导入任何内容"
    listed = httpx.get(f"{service}/demonstrations", params={"batch": 2, "region": "110102"}, timeout=60).json()
    assert all("第二批名单.csv" not in d["source_ids"] for d in listed)
