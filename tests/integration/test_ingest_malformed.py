"""Malformed inputs: each gets a clear per-file message, good files still ingest, nothing stored is lost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.ladybug_store import LadybugGraphStore
from ingest.pipeline import ingest_paths
from tests.support.cli import POLICYKG

MALFORMED = Path(__file__).resolve().parent.parent / "data" / "malformed"


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with a text layer (Helvetica), built by hand so the test needs no PDF writer."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def malformed_folder(tmp_path: Path) -> Path:
    """The committed small cases plus those generated here: binary data, a truncated PDF, a 200 MB file."""
    folder = tmp_path / "malformed"
    shutil.copytree(MALFORMED, folder)
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "truncated.pdf").write_bytes(minimal_pdf("Policy text")[:120])
    with (folder / "huge.txt").open("wb") as f:  # sparse: 200 MB long, no disk blocks written
        f.truncate(200 * 1024 * 1024)
    return folder


def test_each_malformed_file_fails_with_its_own_message(malformed_folder: Path, ladybug_store: GraphStore) -> None:
    summary = ingest_paths([malformed_folder], store=ladybug_store)
    reasons = {Path(path).name: reason for path, reason in summary.failed}
    assert set(reasons) == {"empty.txt", "binary.txt", "truncated.pdf", "huge.txt", "no_text.html"}
    assert "empty file" in reasons["empty.txt"]
    assert "binary data" in reasons["binary.txt"]
    assert "PDF" in reasons["truncated.pdf"]
    assert "200.0 MB is above the ingest size limit of 50 MB" in reasons["huge.txt"]
    assert "no text" in reasons["no_text.html"]
    [policy] = ladybug_store.find_nodes("NormativeDocument", {"title": "关于支持中小企业发展的通知"})
    assert "免收三个月房租" in policy["text"] and policy["clause_count"] == 3


def test_a_pdf_with_a_text_layer_is_read(tmp_path: Path, ladybug_store: GraphStore) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(minimal_pdf("Notice on SME support"))
    summary = ingest_paths([path], store=ladybug_store)
    assert (summary.documents, summary.failed) == (1, [])
    assert ladybug_store.find_nodes("NormativeDocument", {"format": "pdf"})[0]["text"].startswith("Notice on SME")


def test_cli_reports_failures_with_exit_code_1_and_keeps_what_was_stored(
    malformed_folder: Path, shared_dir: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    seed = shared_dir / "corpora/seeds/001_a3537d6f8fba1534.txt"
    env = {**os.environ, "POLICYKG_INGEST_MAX_MB": "50"}
    first = subprocess.run(
        [POLICYKG, "--data-dir", data_dir, "ingest", "--json", seed], capture_output=True, text=True, env=env
    )
    assert first.returncode == 0, first.stderr
    second = subprocess.run(
        [POLICYKG, "--data-dir", data_dir, "ingest", "--json", malformed_folder],
        capture_output=True,
        text=True,
        env=env,
    )
    assert second.returncode == 1
    report = json.loads(second.stdout)
    assert {Path(f["path"]).name for f in report["failed"]} >= {"empty.txt", "binary.txt", "huge.txt"}
    store = LadybugGraphStore(data_dir / "graph.lbug")
    try:
        assert store.find_nodes("NormativeDocument", {"doc_number": "津司函〔2024〕14号"})
        assert store.find_nodes("NormativeDocument", {"title": "关于支持中小企业发展的通知"})
    finally:
        store.close()
    deleted = subprocess.run(
        [POLICYKG, "--data-dir", data_dir, "delete", "seeds/001_a3537d6f8fba1534.txt"], capture_output=True, text=True
    )
    assert deleted.returncode == 0, deleted.stderr
    listing = subprocess.run([POLICYKG, "--data-dir", data_dir, "documents", "--json"], capture_output=True, text=True)
    assert [d["title"] for d in json.loads(listing.stdout)] == ["关于支持中小企业发展的通知"]
    again = subprocess.run(
        [POLICYKG, "--data-dir", data_dir, "delete", "seeds/001_a3537d6f8fba1534.txt"], capture_output=True, text=True
    )
    assert again.returncode == 1 and "no document with source id" in again.stderr
