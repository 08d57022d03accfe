"""Bad configuration and input give a one-line error and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import POLICYKG


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(POLICYKG), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120
    )


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["stats"], {"POLICYKG_GRAPH_BACKEND": "postgres"}, "policykg_graph_backend: Input should be"),
        (["stats"], {"POLICYKG_GRAPH_BACKEND": "neo4j"}, "needs NEO4J_URI"),
        (
            ["stats"],
            {"POLICYKG_GRAPH_BACKEND": "neo4j", "NEO4J_URI": "bolt://127.0.0.1:9"},
            "cannot reach Neo4j at bolt://127.0.0.1:9",
        ),
    ],
)
def test_bad_settings_give_one_line(args: list[str], env: dict[str, str], message: str, tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "data"), *args, env=env)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("I am a file")

    result = run_cli("--data-dir", str(not_a_folder), "stats")

    assert result.returncode == 2
    assert result.stderr.strip() == f"policykg: error: data dir {not_a_folder} exists and is not a folder"
    assert not_a_folder.read_text() == "I am a file"


def test_init_then_stats_and_export(tmp_path: Path) -> None:
    data = str(tmp_path / "data")

    assert run_cli("--data-dir", data, "init").returncode == 0
    stats = run_cli("--data-dir", data, "stats", "--json")
    exported = run_cli("--data-dir", data, "export", "--format", "turtle", "--validate")

    assert stats.returncode == 0
    assert '"Region": 44692' in stats.stdout
    assert exported.returncode == 0, exported.stderr
    assert "conforms to the SHACL shapes" in exported.stderr
    assert run_cli("--data-dir", data, "export", "--format", "xml").returncode == 2


def test_answered_questions_import_refuses_bad_lines_and_keeps_what_is_stored(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    good = tmp_path / "good.jsonl"
    good.write_text('{"question": "试用期最长多久", "answers": [{"title": "劳动合同法", "article": "第十九条"}]}\n')
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "房租能免吗", "answers": [{"source_id": "x"}]}\n{"question": "缺答案"}\n')
    env = {"POLICYKG_EMBEDDER": "none"}

    assert run_cli("--data-dir", data, "questions", "import", str(good), "--collection", "a", env=env).returncode == 0
    refused = run_cli("--data-dir", data, "questions", "import", str(bad), env=env)
    unknown = run_cli("--data-dir", data, "questions", "delete", "--collection", "nope", env=env)
    listed = run_cli("--data-dir", data, "questions", "list", env=env)

    assert refused.returncode == 2 and "bad.jsonl: line 2: expected" in refused.stderr
    assert unknown.returncode == 2 and "no answered questions in collection 'nope'" in unknown.stderr
    assert '"a": 1' in listed.stdout and '"default"' not in listed.stdout
