"""The packages import one way: ontology ← graph ← ingest · search · eligibility · practices ← push ← api.

Read from the source with ``ast`` (tests and benchmarks aside), so a new import against the grain fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("ontology", "graph", "ingest", "search", "eligibility", "practices", "push", "api")
# what each package may import of ours (besides itself)
ALLOWED = {
    "ontology": set(),
    "graph": {"ontology"},
    "ingest": {"ontology", "graph"},
    "search": {"ontology", "graph"},
    "eligibility": {"ontology", "graph"},
    "practices": {"ontology", "graph", "ingest", "search"},
    "push": {"ontology", "graph", "ingest", "eligibility"},
    "api": {"ontology", "graph", "ingest", "search", "eligibility", "practices", "push"},
}
ENTRY_LIBRARIES = {"fastapi", "starlette", "typer", "uvicorn", "rich"}


def _imports(package: str) -> list[tuple[str, str]]:
    """(module file, imported top-level name) of every absolute import in a package."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            found.extend((str(path.relative_to(ROOT)), name.split(".")[0]) for name in names)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_the_layers_below(package: str) -> None:
    wrong = [
        f"{module} imports {name}"
        for module, name in _imports(package)
        if name in PACKAGES and name != package and name not in ALLOWED[package]
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != "api"])
def test_only_the_entry_layer_uses_web_and_cli_libraries(package: str) -> None:
    wrong = [f"{module} imports {name}" for module, name in _imports(package) if name in ENTRY_LIBRARIES]
    assert not wrong, "\n".join(wrong)


def test_the_allowed_imports_have_no_cycle() -> None:
    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in ALLOWED[start])

    assert not [p for p in PACKAGES if reaches(p, p)]


def test_no_cypher_outside_the_graph_package() -> None:
    cypher_start = ("MATCH ", "MERGE ", "UNWIND ", "OPTIONAL MATCH ", "CREATE (", "CALL ")
    wrong = []
    for package in PACKAGES:
        if package == "graph":
            continue
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
                if is_text and node.value.lstrip().startswith(cypher_start):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not wrong, "Cypher text outside graph/: " + ", ".join(wrong)
