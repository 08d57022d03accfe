"""The web page at ``/`` and its files under ``/static`` (plain HTML, CSS and JavaScript in ``api/static``)."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

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


# The interactive API docs with Swagger UI's files from the swagger-ui-bundle wheel, not a CDN: they work offline.
SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)
_SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")


@router.get("/docs")
def read_docs() -> HTMLResponse:
    """Swagger UI over ``/openapi.json``."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="policykg · API",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js",
        swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/docs/assets/favicon-32x32.png",
    )


@router.get("/docs/assets/{name}")
def read_docs_asset(name: str) -> FileResponse:
    """One of Swagger UI's shipped files."""
    if name not in _SWAGGER_FILES:
        raise NotFoundError(f"no docs asset {name!r}")
    return FileResponse(SWAGGER_DIR / name, media_type=_MEDIA_TYPES[Path(name).suffix])
