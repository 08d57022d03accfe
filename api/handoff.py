"""The CLI beside a running server: ``serve`` announces itself in the data dir, and ``ingest`` / ``delete`` /
``demonstrations import`` hand their work to it instead of failing on the embedded graph's lock.

While it runs, ``serve`` keeps ``<data dir>/server.json`` (readable by its owner only, in the owner-only data dir):
its URL, its process id and an admin key issued for this run, revoked when the server stops. A CLI command that
writes finds the file, checks that the process lives and answers ``/health``, reads the files itself with the same
readers as ``ingest`` and posts each document to ``POST /documents``, which ingests it in the server through the
one ingest path. Read-only commands open the graph read-only instead, which works beside the server.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from api.bootstrap import Services
from ingest.designation_lists import ImportedList
from ingest.errors import IngestError
from ingest.pipeline import IngestSummary, read_file
from ingest.sources import expand_paths
from ontology.errors import InvalidInputError
from push.keys import revoke_key
from push.officials import add_admin

SERVER_FILE = "server.json"
_HEALTH_TIMEOUT_S = 3.0
_POST_TIMEOUT_S = 600.0


@contextmanager
def announced(services: Services, url: str) -> Iterator[None]:
    """Announce the server at ``url`` in the data dir while the block runs (a fresh admin key for the CLI of
    this machine, revoked afterwards)."""
    holder, api_key = add_admin(services.store, f"本机命令行 (serve pid {os.getpid()})")
    path = services.data_dir / SERVER_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"url": url, "pid": os.getpid(), "api_key": api_key}, out)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        revoke_key(services.store, holder.id)


@dataclass(frozen=True)
class RunningServer:
    """A ``serve`` process holding the data dir, and the key to act on it."""

    url: str
    api_key: str

    def ingest(self, paths: Sequence[str | Path], *, max_bytes: int) -> IngestSummary:
        """Read ``paths`` here and ingest each document in the server; the summary of what it stored."""
        files, missing = expand_paths(paths)
        summary = IngestSummary(files=len(files), failed=list(missing))
        with httpx.Client(base_url=self.url, headers=self._headers, timeout=_POST_TIMEOUT_S) as client:
            for path in files:
                sources = read_file(path, max_bytes=max_bytes, summary=summary)
                for source in sources:
                    body = {
                        "source_id": source.source_id,
                        "title": source.title_hint,
                        "text": source.text,
                        "format": source.format,
                        "source_path": source.source_path,
                    }
                    self._record(summary, source.source_path, client.post("/documents", json=body))
        return summary

    def delete(self, source_id: str) -> bool:
        """Delete a document in the server; ``False`` when it has no document with that source id."""
        response = httpx.delete(
            f"{self.url}/documents/{quote(source_id, safe='/')}", headers=self._headers, timeout=_POST_TIMEOUT_S
        )
        if response.status_code == 404:
            return False
        _raise_for(response)
        return True

    def import_designations(self, name: str, text: str) -> ImportedList:
        """Import a designation list in the server (``POST /demonstrations/import``); what it stored.

        Raises:
            InvalidInputError: the server refused a bad row (its message names the line).
            IngestError: the server failed otherwise.
        """
        response = httpx.post(
            f"{self.url}/demonstrations/import",
            json={"name": name, "csv": text},
            headers=self._headers,
            timeout=_POST_TIMEOUT_S,
        )
        if response.status_code == 422:
            raise InvalidInputError(_problem(response))
        _raise_for(response)
        return ImportedList(**response.json())

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    @staticmethod
    def _record(summary: IngestSummary, where: str, response: httpx.Response) -> None:
        if response.status_code == 201:
            document = response.json()["document"]
            summary.documents += 1
            summary.clauses += int(document.get("clause_count") or 0)
            summary.doc_ids.append(document["id"])
        elif response.status_code == 200:
            summary.unchanged += 1
        else:
            summary.failed.append((where, _problem(response)))


def find_server(data_dir: Path) -> RunningServer | None:
    """The server announced in ``data_dir`` when its process lives and answers; else ``None``."""
    try:
        announced_by: dict[str, Any] = json.loads((data_dir / SERVER_FILE).read_text(encoding="utf-8"))
        os.kill(int(announced_by["pid"]), 0)
        if httpx.get(f"{announced_by['url']}/health", timeout=_HEALTH_TIMEOUT_S).status_code != 200:
            return None
    except (OSError, ValueError, KeyError, TypeError, httpx.HTTPError):
        return None
    return RunningServer(str(announced_by["url"]), str(announced_by["api_key"]))


def _problem(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail") or response.reason_phrase)
    except ValueError:
        return f"HTTP {response.status_code}"


def _raise_for(response: httpx.Response) -> None:
    if response.is_error:
        raise IngestError(f"the server refused: {_problem(response)}")
