"""Multipart POST /documents (an official uploads a file) and 202 + GET /jobs/{id} for large uploads, through the
real app over a temporary data dir: read by ingest's reader, published through the one ingest path, searchable at
once; unreadable files refused with a problem and nothing stored lost; a 202 survives a restart."""

from __future__ import annotations

import dataclasses
import io
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
from fastapi.testclient import TestClient

from api.bootstrap import Services, build_services
from api.jobs import JobStatus, JobStore
from api.main import create_app
from api.settings import Settings
from push.consumers import create_consumer
from push.officials import add_admin, add_official
from tests.integration.test_ingest_malformed import minimal_pdf

AGENCY = "北京市通州区发展和改革委员会"
POLICY = (
    "# 北京市通州区发展和改革委员会关于支持小微企业稳定发展的若干措施\n\n"
    "各有关单位：\n\n为支持本区小微企业稳定发展，制定以下措施。\n\n"
    "一、通州区的小微企业可以申请一次性稳岗补贴，每家企业最高20万元。\n\n"
    "二、本措施自2026年12月1日起施行，有效期至2027年12月31日。\n"
)
FIELDS = {
    "source_id": "tongzhou/2026-fgw-7",
    "doc_number": "通发改发〔2026〕7号",
    "issuer": AGENCY,
    "published": "2026-11-20",
}
POLL_S = 60.0


@dataclasses.dataclass
class Keys:
    """Authorization headers of every kind of caller."""

    official: dict[str, str]
    elsewhere: dict[str, str]
    consumer: dict[str, str]
    admin: dict[str, str]


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _settings(data_dir: Path, **overrides: Any) -> Settings:
    return Settings(policykg_data_dir=data_dir, policykg_push_worker=False, policykg_embedder="none", **overrides)


@contextmanager
def _client(data_dir: Path, **overrides: Any) -> Iterator[TestClient]:
    with TestClient(create_app(build_services(_settings(data_dir, **overrides))), raise_server_exceptions=False) as c:
        yield c


def _services(client: TestClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


def _keys(services: Services) -> Keys:
    store = services.store
    return Keys(
        official=_bearer(add_official(store, "通州区发改委", "110112", AGENCY)[1]),
        elsewhere=_bearer(add_official(store, "重庆市发改委", "500000")[1]),
        consumer=_bearer(create_consumer(store, "园区平台")[1]),
        admin=_bearer(add_admin(store, "运维")[1]),
    )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as test_client:
        yield test_client


@pytest.fixture
def keys(client: TestClient) -> Keys:
    return _keys(_services(client))


def _upload(
    client: TestClient,
    headers: dict[str, str],
    name: str,
    content: bytes,
    fields: dict[str, str] | None = None,
) -> httpx.Response:
    return client.post(
        "/documents", data=FIELDS if fields is None else fields, files={"file": (name, content)}, headers=headers
    )


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _wait(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + POLL_S
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {POLL_S:.0f} s waiting for {what}")
        time.sleep(0.05)


def _finished_job(client: TestClient, location: str, headers: dict[str, str]) -> dict[str, Any]:
    answers: list[dict[str, Any]] = []

    def finished() -> bool:
        answers.append(client.get(location, headers=headers).json())
        return answers[-1]["status"] in ("succeeded", "failed")

    _wait(finished, f"the job at {location}")
    return answers[-1]


def _search(client: TestClient, query: str) -> list[str]:
    hits = client.get("/search", params={"q": query, "mode": "lexical"}).json()["hits"]
    return [hit["source_id"] for hit in hits]


def _uploads_left(client: TestClient) -> list[Path]:
    return list((_services(client).data_dir / "uploads").glob("*/*"))


def test_a_markdown_upload_is_published_with_its_form_fields_and_found(client: TestClient, keys: Keys) -> None:
    response = _upload(client, keys.official, "措施.md", POLICY.encode("utf-8"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["document"]["source_id"] == "tongzhou/2026-fgw-7"
    assert body["document"]["doc_number"] == "通发改发〔2026〕7号"  # declared, not in the text
    assert body["document"]["region_code"] == "110112"
    assert body["document"]["date_published"] == "2026-11-20"
    (measure,) = body["measures"]
    assert measure["benefit"]["max_amount_wan"] == 20
    assert _search(client, "通州 稳岗补贴")[0] == "tongzhou/2026-fgw-7"
    again = _upload(client, keys.official, "措施.md", POLICY.encode("utf-8"))
    assert again.status_code == 200 and again.json()["unchanged"] is True
    assert _uploads_left(client) == []  # an upload published at once leaves no file behind


def test_a_docx_upload_is_read_by_the_ingest_reader_and_its_stated_title_wins(client: TestClient, keys: Keys) -> None:
    lines = POLICY.replace("# ", "").strip().split("\n\n")
    fields = {**FIELDS, "source_id": "tongzhou/docx-1", "title": "通州区稳岗补贴措施（上传）", "type": "规范性文件"}
    response = _upload(client, keys.official, "notice.docx", _docx(*lines), fields)
    assert response.status_code == 201, response.text
    document = response.json()["document"]
    assert document["title"] == "通州区稳岗补贴措施（上传）"
    assert document["doc_type"] == "规范性文件"
    view = client.get(f"/documents/{document['id']}").json()
    assert "每家企业最高20万元" in view["text"]
    assert "tongzhou/docx-1" in _search(client, "稳岗补贴 小微企业")


def test_a_pdf_upload_is_read_from_its_text_layer(client: TestClient, keys: Keys) -> None:
    fields = {**FIELDS, "source_id": "tongzhou/pdf-1", "title": "通州区中小企业通知"}
    response = _upload(client, keys.official, "notice.pdf", minimal_pdf("Notice on SME support"), fields)
    assert response.status_code == 201, response.text
    view = client.get(f"/documents/{response.json()['document']['id']}").json()
    assert "Notice on SME support" in view["text"] and view["title"] == "通州区中小企业通知"


@pytest.mark.parametrize(
    ("name", "content", "status", "words"),
    [
        ("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, 415, ".png files are not read"),
        ("blob", bytes(range(256)) * 4, 415, "binary data"),
        ("bundle.zip", b"PK\x03\x04" + b"\x00" * 64, 415, ".zip files are not read"),
        ("records.jsonl", b'{"id": "a", "text": "x"}\n', 415, ".jsonl files are not read"),
        ("records", b'{"id": "a", "text": "x"}\n', 415, "many records"),
        ("fake.docx", b"just text, no zip", 422, "without the DOCX signature"),
        ("broken.docx", b"PK\x03\x04word/" + b"\x00" * 64, 422, "damaged DOCX"),
        ("truncated.pdf", minimal_pdf("Policy text")[:120], 422, "damaged or truncated PDF"),
        ("empty.md", b"", 422, "empty file"),
        ("blank.txt", b"   \n\n", 422, "only whitespace"),
    ],
)
def test_an_unreadable_upload_is_refused_with_a_problem_and_nothing_stored_is_lost(
    client: TestClient, keys: Keys, name: str, content: bytes, status: int, words: str
) -> None:
    assert _upload(client, keys.official, "措施.md", POLICY.encode("utf-8")).status_code == 201
    refused = _upload(client, keys.official, name, content)
    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert words in refused.json()["detail"]
    stored = client.get("/documents").json()["items"]
    assert [d["doc_number"] for d in stored] == ["通发改发〔2026〕7号"]
    assert _search(client, "通州 稳岗补贴")[0] == "tongzhou/2026-fgw-7"
    assert _uploads_left(client) == []


def test_an_upload_above_the_ingest_limit_is_413_and_a_json_post_keeps_its_own_limit(tmp_path: Path) -> None:
    with _client(tmp_path, policykg_ingest_max_mb=1, policykg_max_request_mb=0.05) as client:
        keys = _keys(_services(client))
        big_text = POLICY + "\n" + "补充说明。" * 8000  # about 120 KB: above the JSON limit, below the upload limit
        assert _upload(client, keys.official, "big.md", big_text.encode("utf-8")).status_code == 201
        as_json = client.post("/documents", json={**FIELDS, "text": big_text}, headers=keys.official)
        assert as_json.status_code == 413
        too_large = _upload(client, keys.official, "huge.txt", b"x" * (2**20 + 1000))
        assert too_large.status_code == 413 and "POLICYKG_INGEST_MAX_MB" in too_large.json()["detail"]
        beyond = _upload(client, keys.official, "huger.txt", b"x" * (2 * 2**20))
        assert beyond.status_code == 413  # refused by the body limit before it is read
        assert _uploads_left(client) == []


def test_prefer_respond_async_gives_202_and_the_job_answers_what_201_would_have(client: TestClient, keys: Keys) -> None:
    accepted = client.post(
        "/documents",
        data=FIELDS,
        files={"file": ("措施.md", POLICY.encode("utf-8"))},
        headers={**keys.official, "Prefer": "respond-async, wait=5"},
    )
    assert accepted.status_code == 202, accepted.text
    assert accepted.headers["preference-applied"] == "respond-async"
    location = accepted.headers["location"]
    assert location == f"/jobs/{accepted.json()['id']}" and accepted.json()["status"] in ("queued", "running")
    job = _finished_job(client, location, keys.official)
    assert job["status"] == "succeeded", job
    assert job["result_status"] == 201 and job["result"]["document"]["doc_number"] == "通发改发〔2026〕7号"
    assert job["result"]["measures"][0]["benefit"]["max_amount_wan"] == 20
    assert client.get(job["document_url"]).json()["source_id"] == "tongzhou/2026-fgw-7"
    assert _search(client, "通州 稳岗补贴")[0] == "tongzhou/2026-fgw-7"
    assert client.get(location, headers=keys.admin).status_code == 200
    _wait(lambda: _uploads_left(client) == [], "the finished job's file to be removed")  # its answer stays


def test_an_upload_above_the_sync_threshold_runs_as_a_job_and_a_failure_is_its_problem(tmp_path: Path) -> None:
    with _client(tmp_path, policykg_sync_upload_max_bytes=100) as client:
        keys = _keys(_services(client))
        accepted = _upload(client, keys.official, "措施.md", POLICY.encode("utf-8"))
        assert accepted.status_code == 202 and "preference-applied" not in accepted.headers
        assert _finished_job(client, accepted.headers["location"], keys.official)["status"] == "succeeded"
        small = _upload(client, keys.official, "短.txt", "通州区稳岗补贴。".encode())
        assert small.status_code == 201  # at or below the threshold: at once

        broken = _upload(client, keys.official, "broken.docx", b"PK\x03\x04word/" + b"\x00" * 200)
        assert broken.status_code == 202  # recognised as a DOCX from its first bytes; read in the background
        job = _finished_job(client, broken.headers["location"], keys.official)
        assert job["status"] == "failed" and job["result"] is None
        assert job["problem"]["status"] == 422 and "damaged DOCX" in job["problem"]["detail"]
        assert job["problem"]["instance"] == broken.headers["location"]
        assert _search(client, "通州 稳岗补贴")[0] == "tongzhou/2026-fgw-7"  # what was stored is still there


def test_an_accepted_job_survives_a_restart_and_is_resumed(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        keys = _keys(_services(client))
        _services(client).jobs.stop()  # the server is stopping: the job is stored, not run
        accepted = client.post(
            "/documents",
            data=FIELDS,
            files={"file": ("措施.md", POLICY.encode("utf-8"))},
            headers={**keys.official, "Prefer": "respond-async"},
        )
        assert accepted.status_code == 202, accepted.text
        first = accepted.headers["location"]
        second = client.post(
            "/documents",
            data={**FIELDS, "source_id": "tongzhou/second"},
            files={"file": ("二.txt", "通州区小微企业稳岗补贴第二批措施。".encode())},
            headers={**keys.official, "Prefer": "respond-async"},
        ).headers["location"]
        assert client.get(first, headers=keys.official).json()["status"] == "queued"
    # a crash while the second job ran: its file says running
    jobs = JobStore(tmp_path)
    running = jobs.load(second.rsplit("/", 1)[1])
    assert running is not None
    jobs.save(dataclasses.replace(running, status=JobStatus.RUNNING))
    (tmp_path / "uploads" / "0123456789abcdef").mkdir()  # an upload whose job was never stored: removed

    with _client(tmp_path) as client:
        for location in (first, second):
            job = _finished_job(client, location, keys.official)
            assert job["status"] == "succeeded", job
        assert {"tongzhou/2026-fgw-7", "tongzhou/second"} <= set(_search(client, "通州 稳岗补贴"))
        assert not (tmp_path / "uploads" / "0123456789abcdef").exists()
        _wait(lambda: _uploads_left(client) == [], "the finished jobs' files to be removed")
        stored = json.loads((tmp_path / "jobs" / f"{first.rsplit('/', 1)[1]}.json").read_text(encoding="utf-8"))
        assert stored["status"] == "succeeded"


def test_uploads_and_jobs_are_authorised_as_json_posts_are(client: TestClient, keys: Keys) -> None:
    content = POLICY.encode("utf-8")
    assert _upload(client, {}, "措施.md", content).status_code == 401
    assert _upload(client, keys.consumer, "措施.md", content).status_code == 403
    refused = _upload(client, keys.elsewhere, "措施.md", content)
    assert refused.status_code == 403 and "110112" in refused.json()["detail"]
    refused_async = client.post(
        "/documents",
        data=FIELDS,
        files={"file": ("措施.md", content)},
        headers={**keys.elsewhere, "Prefer": "respond-async"},
    )
    assert refused_async.status_code == 403  # refused before anything is stored or queued
    assert _uploads_left(client) == [] and not list((_services(client).data_dir / "jobs").glob("*.json"))

    accepted = client.post(
        "/documents",
        data=FIELDS,
        files={"file": ("措施.md", content)},
        headers={**keys.official, "Prefer": "respond-async"},
    )
    location = accepted.headers["location"]
    assert client.get(location).status_code == 401
    assert client.get(location, headers=keys.consumer).status_code == 403
    assert client.get(location, headers=keys.elsewhere).status_code == 403
    assert _finished_job(client, location, keys.admin)["status"] == "succeeded"
    assert client.get("/jobs/0123456789abcdef", headers=keys.official).status_code == 404
    assert client.get("/jobs/..%2Fjobs", headers=keys.official).status_code in (404, 422)

    # replacing the stored document: only within its region and agency, as for JSON
    other_agency = _bearer(add_official(_services(client).store, "通州区财政局", "110112", "北京市通州区财政局")[1])
    replaced = _upload(client, other_agency, "措施.md", content, {**FIELDS, "issuer": "北京市通州区财政局"})
    assert replaced.status_code == 403 and AGENCY in replaced.json()["detail"]
    missing = client.post("/documents", data=FIELDS, files={"other": ("a.md", content)}, headers=keys.official)
    assert missing.status_code == 422 and "body.file" in missing.json()["detail"]
