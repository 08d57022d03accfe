"""What the LawRefBook snapshot's own catalogue says about a file: its level (法律, 行政法规 …), category
folder, publication and validity dates, whether it expired.

LawRefBook keeps a ``db.sqlite3`` (tables ``category``, ``law``) at the root of each collection (the national
one and every ``DLC/<省>地方法规``). A file is looked up in the nearest such catalogue above it by its
category folder and its file stem (``名称(2019-03-24)``, ``名称`` or the row's ``filename``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CATALOGUE_NAME = "db.sqlite3"


@dataclass(frozen=True)
class CatalogueEntry:
    """One row of a LawRefBook catalogue, with the collection it belongs to."""

    level: str
    name: str
    category_folder: str
    category_name: str
    group: str | None
    publish: str | None
    valid_from: str | None
    expired: bool
    collection: str


def find_catalogue(path: Path) -> Path | None:
    """The nearest ``db.sqlite3`` in the folders above ``path`` (at most 5 levels up), or ``None``."""
    for folder in list(path.resolve().parents)[:5]:
        candidate = folder / CATALOGUE_NAME
        if candidate.is_file():
            return candidate
    return None


def lookup(path: Path) -> CatalogueEntry | None:
    """The catalogue entry of a LawRefBook file, or ``None`` when it is not in a catalogue."""
    catalogue = find_catalogue(path)
    if catalogue is None:
        return None
    try:
        folder = path.resolve().parent.relative_to(catalogue.parent).as_posix()
    except ValueError:
        return None
    return _load(str(catalogue)).get((folder, path.stem))


@lru_cache(maxsize=16)
def _load(catalogue: str) -> dict[tuple[str, str], CatalogueEntry]:
    collection = Path(catalogue).parent.name
    entries: dict[tuple[str, str], CatalogueEntry] = {}
    try:
        with sqlite3.connect(f"file:{catalogue}?mode=ro", uri=True) as conn:
            rows = conn.execute(
                "SELECT l.level, l.name, l.filename, l.publish, l.valid_from, l.expired, "
                'c.folder, c.name, c."group" FROM law l JOIN category c ON l.category_id = c.id'
            ).fetchall()
    except sqlite3.Error:
        return entries
    for level, name, filename, publish, valid_from, expired, folder, category, group in rows:
        entry = CatalogueEntry(
            level, name, folder, category, group, publish or None, valid_from or None, bool(expired), collection
        )
        stems = {name, f"{name}({publish})" if publish else name}
        if filename:
            stems.add(filename)
        for stem in stems:
            entries[(folder, stem)] = entry
    return entries
