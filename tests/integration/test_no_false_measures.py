"""Statutes, news, reports, proposals and FAQs yield no eligible item, for any profile (issue 14).

The bundled demo statutes and the five seeds (a news report, a proposal with its reply, an annual report …)
are ingested through the one ingest path; three ordinary companies are matched against everything.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from api.bootstrap import build_services
from api.commands.ingest import DEMO_DATA
from api.settings import Settings
from eligibility.measures import measures_from_graph
from eligibility.profile import EnterpriseProfile

PROFILES = [
    EnterpriseProfile(id="p1", name="北京某软件有限公司", region_code="110108", industry_code="I6513", scale="小型"),
    EnterpriseProfile(id="p2", name="重庆某餐饮店", region_code="500103", industry_code="H6210", scale="微型"),
    EnterpriseProfile(id="p3", name="上海某制造公司", region_code="310115", industry_code="C3311", scale="中型"),
]


def test_statutes_and_seeds_offer_no_measure(tmp_path: Path, shared_dir: Path) -> None:
    services = build_services(
        Settings(policykg_data_dir=tmp_path, policykg_embedder="none", policykg_push_worker=False)  # type: ignore[call-arg]
    )
    summary = services.ingest([DEMO_DATA, shared_dir / "corpora" / "seeds"])
    assert summary.documents >= 30 and not summary.failed
    assert measures_from_graph(services.store) == []
    for profile in PROFILES:
        assert [r for r in services.matcher.match(profile, as_of=date(2026, 12, 1)) if r.verdict == "eligible"] == []
    services.close()
