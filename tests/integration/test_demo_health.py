"""`make run`'s path: init + the bundled demo statutes, then /health and /search answer over them."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.bootstrap import build_services
from api.cli import app as cli_app
from api.main import create_app
from api.settings import Settings

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo_data"
DEMO_POLICIES = Path(__file__).resolve().parents[2] / "api" / "demo_policies"


def bundled_policies() -> int:
    """Documents in api/demo_policies: one per .txt file and one per line of the .jsonl files."""
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in DEMO_POLICIES.glob("*.jsonl"))
    return len(list(DEMO_POLICIES.glob("*.txt"))) + lines


def test_demo_data_loads_and_is_served(tmp_path: Path) -> None:
    runner = CliRunner(env={"POLICYKG_EMBEDDER": "none"})  # lexical only: the embedders have their own tests
    assert runner.invoke(cli_app, ["--data-dir", str(tmp_path), "init"]).exit_code == 0
    loaded = runner.invoke(cli_app, ["--data-dir", str(tmp_path), "load-demo"])
    assert loaded.exit_code == 0, loaded.output
    statutes = len(list(DEMO.glob("*.md"))) - 1  # SOURCE.md describes the folder
    policies = bundled_policies()

    services = build_services(Settings(policykg_data_dir=tmp_path, policykg_embedder="none"))
    with TestClient(create_app(services)) as client:
        health = client.get("/health").json()
        search = client.get("/search", params={"q": "个体工商户登记", "top": 5, "mode": "lexical"}).json()

    assert health["status"] == "ok"
    assert health["documents"] == statutes + policies
    assert health["clauses"] > 1000
    assert any("个体工商户" in hit["title"] for hit in search["hits"])


def test_the_bundled_policies_give_the_self_check_measures_to_find(tmp_path: Path) -> None:
    services = build_services(Settings(policykg_data_dir=tmp_path, policykg_embedder="none"))
    summary = services.ingest([DEMO_POLICIES])
    assert summary.documents == bundled_policies() and not summary.failed
    assert services.matcher.size >= 20
    services.close()
