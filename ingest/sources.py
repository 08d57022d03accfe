"""Where documents come from: the files paths name, and the stable ids of sources and documents."""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterable
from pathlib import Path

from ingest import lawrefbook


def document_id(source_id: str) -> str:
    """The stable id of the document read from ``source_id``."""
    return "doc-" + hashlib.sha1(source_id.encode("utf-8")).hexdigest()[:16]


def source_id_for(path: Path) -> str:
    """A file's source id: its path below the LawRefBook collection it belongs to, else ``folder/file``."""
    catalogue = lawrefbook.find_catalogue(path)
    if catalogue is not None:
        return f"{catalogue.parent.name}/{path.resolve().relative_to(catalogue.parent).as_posix()}"
    return f"{path.resolve().parent.name}/{path.name}"


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named by paths: files as given, folders walked (sorted), globs expanded; and paths that name
    nothing, with the reason."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)))
        elif path.is_file():
            files.append(path)
        elif glob.has_magic(str(raw)):
            matches = sorted(Path(p) for p in glob.glob(str(raw), recursive=True) if Path(p).is_file())
            files.extend(matches)
            if not matches:
                missing.append((str(raw), "the pattern matches no file"))
        else:
            missing.append((str(raw), "no such file or folder"))
    return list(dict.fromkeys(files)), missing


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(root).parts)
