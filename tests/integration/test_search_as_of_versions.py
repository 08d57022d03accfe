"""``as_of`` picks the version of a statute in force on that date, from the statute's own 施行 article.

The bundled 行政复议法 texts carry no catalogue: the 2023 revision says 本法自2024年1月1日起施行, so on 2023-10-01 the
2017 text is the one in force, and from 2024-01-01 the 2023 one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from api.bootstrap import Services, build_services
from api.settings import Settings
from search.types import SearchRequest

DEMO_DATA = Path(__file__).resolve().parents[2] / "api" / "demo_data"
VERSIONS = ["行政复议法(2017-09-01).md", "行政复议法(2023-09-01).md"]


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    root = tmp_path_factory.mktemp("as-of")
    built = build_services(Settings(policykg_data_dir=root / "data", policykg_embedder="none"))  # type: ignore[call-arg]
    summary = built.ingest([DEMO_DATA / name for name in VERSIONS])
    assert summary.failed == [] and summary.documents == 2
    yield built
    built.close()


def _versions_found(services: Services, as_of: date) -> set[str | None]:
    response = services.search.search(SearchRequest(query="行政复议申请期限", top=10, as_of=as_of))
    return {hit.date_published for hit in response.hits}


def test_the_revision_is_not_in_force_before_its_施行_date(services: Services) -> None:
    assert _versions_found(services, date(2023, 10, 1)) == {"2017-09-01"}


def test_the_revision_is_in_force_from_its_施行_date(services: Services) -> None:
    assert _versions_found(services, date(2024, 1, 1)) == {"2023-09-01"}


def test_documents_list_the_date_in_force(services: Services) -> None:
    stored = {d["version_date"]: d for d in services.store.find_nodes("NormativeDocument", {"placeholder": False})}
    assert stored["2023-09-01"]["date_effective"] == "2024-01-01"
    # the 2017 text restates the first text's 1999 date: not this version's, so its own date stands in
    assert stored["2017-09-01"]["date_effective"] is None
