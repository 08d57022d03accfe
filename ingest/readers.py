"""Readers: turn a file into source documents (decoded text plus what the format says about it).

The format is chosen by content first (PDF and ZIP signatures, an HTML root, JSON lines, the LawRefBook
Markdown header) and by extension second. Text is decoded as UTF-8, then GB18030, then whatever
charset-normalizer finds; binary data is refused. Files above the size limit are refused before reading.
The text a reader returns is the *source* text that stored offsets refer back to (for HTML, DOCX and PDF:
the extracted text, not the file's bytes).
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import (
    CorruptFileError,
    DecodingError,
    EmptyDocumentError,
    FileTooLargeError,
    UnsupportedFormatError,
)
from ingest.mentions import region_opening
from ontology.reference import load_gazetteer, normalise_region_code

logger = logging.getLogger(__name__)

FORMATS = ("markdown", "text", "html", "jsonl", "docx", "pdf")
EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".docx": "docx",
    ".pdf": "pdf",
}
CORPUS_DOC_NAMES = frozenset({"README.md", "SOURCE.md", "LICENSE", "LICENSE.md", "CHANGELOG.md"})
_HIDDEN_FRONT_MATTER = re.compile(r"\A---\s*\n(?:.*\n)*?\s*(?:draft|bookHidden|bookCollapseSection):\s*true", re.M)
_HTML_ROOT = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)
_LAWREF_HEADER = re.compile(r"^# .+\n(?:.*\n)*?<!-- INFO END -->", re.M)
_ID_FIELDS = ("docid", "doc_id", "id", "source_id")
_TEXT_FIELDS = ("text", "content", "body")
_DECLARED_FIELDS = ("issuer", "doc_number", "region_code")
_SAMPLE = 8192
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


@dataclass(frozen=True)
class DeclaredMetadata:
    """What a publisher states about a document beside its text (an official's ``POST /documents``); each field
    given wins over what the pipeline reads from the text."""

    doc_number: str | None = None
    issuer: str | None = None
    published: str | None = None  # ISO date
    doc_type: str | None = None  # a DocumentType value
    region_code: str | None = None


@dataclass(frozen=True)
class SourceDocument:
    """One document as read: its source id, the file it came from, its format and decoded source text."""

    source_id: str
    source_path: str
    format: str
    text: str
    title_hint: str | None = None
    declared: DeclaredMetadata = DeclaredMetadata()


def skip_reason(path: Path) -> str | None:
    """Why a file is not a document to ingest (a corpus README, a folder index page), or ``None``."""
    if path.name in CORPUS_DOC_NAMES:
        return "corpus documentation, not a document"
    if path.name == "db.sqlite3":
        return "LawRefBook catalogue (read for metadata), not a document"
    if path.name == "_index.md":
        return "folder index page (_index.md)"
    if path.suffix.lower() in (".md", ".markdown"):
        with path.open("rb") as f:
            head = f.read(400).decode("utf-8", errors="ignore")
        if _HIDDEN_FRONT_MATTER.match(head):
            return "hidden or draft page (front matter)"
    return None


def check_size(path: Path, max_bytes: int) -> None:
    """Refuse a file above ``max_bytes`` or without bytes, before anything is read.

    Raises:
        FileTooLargeError: above ``max_bytes``.
        EmptyDocumentError: no bytes.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(
            f"{path.name}: {size / 2**20:.1f} MB is above the ingest size limit of {max_bytes / 2**20:.0f} MB "
            "(POLICYKG_INGEST_MAX_MB); not read"
        )
    if size == 0:
        raise EmptyDocumentError(f"{path.name}: empty file (0 bytes)")


def read_documents(
    path: Path, *, source_id: str, max_bytes: int, bad_records: list[tuple[str, str]] | None = None
) -> list[SourceDocument]:
    """Read one file into source documents (one, or one per record for JSONL).

    With ``bad_records`` given, a JSONL line that is not a usable record is listed there (``path#line``, reason)
    and the file's good lines are still read; without it, such a line refuses the whole file.

    Raises:
        FileTooLargeError: the file is above ``max_bytes`` (checked before reading).
        UnsupportedFormatError: binary data or an unknown container.
        DecodingError: no text encoding fits.
        CorruptFileError: a damaged PDF, DOCX or JSONL file.
        EmptyDocumentError: the file has no text.
    """
    check_size(path, max_bytes)
    data = path.read_bytes()
    fmt = detect_format(path, data)
    if fmt == "pdf":
        return [SourceDocument(source_id, str(path), "pdf", _read_pdf(path, data))]
    if fmt == "docx":
        return [SourceDocument(source_id, str(path), "docx", _read_docx(path, data))]
    text = decode_bytes(data, name=path.name)
    if fmt == "html":
        title, body = _read_html(path, text)
        return [SourceDocument(source_id, str(path), "html", body, title)]
    if fmt == "jsonl":
        return list(_read_jsonl(path, text, bad_records))
    if not text.strip():
        raise EmptyDocumentError(f"{path.name}: no text (only whitespace)")
    return [SourceDocument(source_id, str(path), fmt, text)]


def detect_format(path: Path, data: bytes) -> str:
    """The format of a file from its leading bytes, then its extension; refuses binary data."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or path.suffix.lower() == ".docx":
            return "docx"
        raise UnsupportedFormatError(f"{path.name}: a ZIP archive that is not a DOCX document")
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension in ("pdf", "docx"):
        raise CorruptFileError(f"{path.name}: a .{by_extension} file without the {by_extension.upper()} signature")
    if _looks_binary(data[:_SAMPLE]):
        raise UnsupportedFormatError(f"{path.name}: binary data, not a text document")
    head = data[:_SAMPLE].decode("utf-8", errors="ignore")
    if _HTML_ROOT.match(head):
        return "html"
    if by_extension is not None:
        return by_extension
    if head.lstrip().startswith("{") and _first_line_is_json_object(head):
        return "jsonl"
    if _LAWREF_HEADER.search(head):
        return "markdown"
    return "text"


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 100)


def _first_line_is_json_object(head: str) -> bool:
    line = head.lstrip().split("\n", 1)[0]
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def decode_bytes(data: bytes, *, name: str) -> str:
    """Decode text: UTF-8 (BOM allowed), UTF-16 with a BOM, GB18030 (unless it yields private-use code points,
    the mark of another double-byte encoding read as GB18030), then charset-normalizer's best guess.

    Raises:
        DecodingError: no encoding gives readable text.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3 and e.reason == "unexpected end of data":
            logger.warning("%s: cut inside its last character; the incomplete character is dropped", name)
            return data[: e.start].decode("utf-8-sig")
    try:
        text = data.decode("gb18030")
        # Big5 and other double-byte text often decodes as GB18030 too, into private-use code points.
        if not _PRIVATE_USE.search(text):
            return text
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DecodingError(f"{name}: cannot determine the text encoding (not UTF-8, GB18030 or another known one)")
    logger.info("%s decoded as %s", name, best.encoding)
    return str(best)


def _record(path: Path, number: int, line: str) -> SourceDocument:
    """One JSONL line as a source document.

    Raises:
        CorruptFileError: the line is not a JSON object with an id and a text.
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise CorruptFileError(f"{path.name} line {number}: not a JSON object ({e.msg})") from e
    if not isinstance(record, dict):
        raise CorruptFileError(f"{path.name} line {number}: not a JSON object")
    record_id = next((str(record[f]) for f in _ID_FIELDS if record.get(f) not in (None, "")), None)
    body = next((record[f] for f in _TEXT_FIELDS if isinstance(record.get(f), str)), None)
    if record_id is None or body is None:
        raise CorruptFileError(
            f"{path.name} line {number}: a record needs an id ({'/'.join(_ID_FIELDS)}) "
            f"and a text ({'/'.join(_TEXT_FIELDS)})"
        )
    title = record.get("title") if isinstance(record.get("title"), str) else None
    return SourceDocument(record_id, f"{path}#{number}", "jsonl", body, title, _record_declared(path, number, record))


def _record_declared(path: Path, number: int, record: dict[str, object]) -> DeclaredMetadata:
    """What a JSONL record states beside its text (``issuer``, ``doc_number``, ``region_code``), as a publisher's
    ``POST /documents`` would; a stated issuer naming a place (呼和浩特市人民政府办公室) gives the region when none
    is stated. A record's ``published`` is not read: the text's own dates say when its measures apply.

    Raises:
        CorruptFileError: a stated field is not a string, or ``region_code`` is no known region.
    """
    stated: dict[str, str] = {}
    for name in _DECLARED_FIELDS:
        value = record.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise CorruptFileError(f"{path.name} line {number}: {name} must be a string")
        stated[name] = value.strip()
    region = stated.get("region_code")
    if region is not None:
        region = normalise_region_code(region)
        if region not in load_gazetteer():
            raise CorruptFileError(f"{path.name} line {number}: region_code: unknown region code {region!r}")
    elif "issuer" in stated:
        region = region_opening(stated["issuer"])
    return DeclaredMetadata(
        doc_number=stated.get("doc_number"),
        issuer=stated.get("issuer"),
        region_code=region,
    )


def _read_jsonl(path: Path, text: str, bad_records: list[tuple[str, str]] | None) -> Iterator[SourceDocument]:
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = _record(path, number, line)
        except CorruptFileError as e:
            if bad_records is None:
                raise
            bad_records.append((f"{path}#{number}", str(e)))
            continue
        found = True
        yield document
    if not found:
        raise EmptyDocumentError(f"{path.name}: no usable JSON records")


_BOILERPLATE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg")
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table")


def _read_html(path: Path, markup: str) -> tuple[str | None, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else None
    for tag in soup(list(_BOILERPLATE_TAGS)):
        tag.decompose()
    for tag in soup.find_all(True, attrs={"class": re.compile(r"share|nav|breadcrumb|footer|toolbar", re.I)}):
        tag.decompose()
    root = soup.find("article") or soup.find("body") or soup
    for tag in root.find_all(list(_BLOCK_TAGS)):
        tag.insert_before("\n")
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in root.get_text().splitlines()]
    body = "\n".join(line for line in lines if line)
    if not body.strip():
        raise EmptyDocumentError(f"{path.name}: the HTML page has no text")
    h1 = soup.find("h1")
    return (h1.get_text(" ", strip=True) if h1 else None) or title, body


def _read_docx(path: Path, data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise CorruptFileError(f"{path.name}: damaged DOCX file ({e})") from e
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    text = "\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise EmptyDocumentError(f"{path.name}: the DOCX document has no text")
    return text


def _read_pdf(path: Path, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise CorruptFileError(f"{path.name}: damaged or truncated PDF ({e})") from e
    text = "\n".join(pages)
    if not text.strip():
        raise EmptyDocumentError(f"{path.name}: the PDF has no text layer (scanned images need OCR)")
    return text
