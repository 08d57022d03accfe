"""The web page at ``/`` and its files under ``/static`` (plain HTML, CSS and JavaScript in ``api/static``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from ontology.errors import NotFoundError

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_MEDIA_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".png": "image/png"}

router = APIRouter(include_in_schema=False)


@router.get("/")
def read_page() -> FileResponse:
    """The web page."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")


@router.get("/static/{name}")
def read_static(name: str) -> FileResponse:
    """One file of the page; only the files shipped in ``api/static`` are served (no paths)."""
    shipped = {p.name: p for p in STATIC_DIR.iterdir() if p.is_file()}
    if name not in shipped or shipped[name].suffix not in _MEDIA_TYPES:
        raise NotFoundError(f"no static file {name!r}")
    media_type = _MEDIA_TYPES[shipped[name].suffix]
    charset = "; charset=utf-8" if media_type.startswith("text/") else ""
    return FileResponse(shipped[name], media_type=media_type + charset)
