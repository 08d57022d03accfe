"""The NCP development sets of benchmarks/data/eligibility_dev: schema, exact spans, and set C's selection rule."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEV = ROOT / "benchmarks" / "data" / "eligibility_dev"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpora" / "ncp-policies" / "docs.jsonl"
SETS = ("ncp_a", "ncp_b", "ncp_c")
KINDS = {"support_measure", "directive", "statistic", "heading", "narrative"}
DOC_KINDS = {"policy", "news", "faq", "report", "notice_control", "other"}
UNIT_KEYS = {"docid", "clause_index", "clause_text", "span", "doc_kind", "kind"}
MEASURE_KEYS = UNIT_KEYS | {"issuer", "region", "benefit", "valid_from", "valid_to", "apply_deadline", "conditions"}
DIMENSIONS = {
    "region",
    "scale",
    "industry",
    "ownership",
    "age_years",
    "employees",
    "revenue_wan",
    "qualification",
    "behaviour",
    "other",
}
OPERATORS = {"in", "not_in", ">=", "<=", ">", "<", "==", "has"}

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="../shared NCP corpus not present")


def _labels(name: str) -> list[dict[str, Any]]:
    path = DEV / f"{name}_clauses.jsonl"
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def _texts() -> dict[str, str]:
    return {d["docid"]: d["text"] for d in (json.loads(line) for line in CORPUS.open(encoding="utf-8"))}


def _known_facts(name: str) -> set[str]:
    shared = (SHARED / "eligibility" / "README.md").read_text(encoding="utf-8")
    facts = set(re.findall(r"^\| `([a-z0-9_]+)` \|", shared, flags=re.MULTILINE)) | {"as_of"}
    own = DEV / f"{name}_facts.tsv"
    if own.exists():
        facts |= {line.split("\t")[0] for line in own.read_text(encoding="utf-8").splitlines() if line.strip()}
    return facts


def _select_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ncp_c_select", ROOT / "benchmarks" / "ncp_c_select.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _check_units(name: str, texts: dict[str, str], facts: set[str]) -> set[str]:
    """Assert that every unit of set ``name`` is an exact span of its document with a known kind, numbered per
    document, and its conditions exact spans with known facts; return the documents labelled."""
    next_index: dict[str, int] = {}
    for unit in _labels(name):
        keys = MEASURE_KEYS if unit["kind"] == "support_measure" else UNIT_KEYS
        assert set(unit) == keys, unit
        assert unit["kind"] in KINDS and unit["doc_kind"] in DOC_KINDS
        text = texts[unit["docid"]]
        start, end = unit["span"]
        assert text[start:end] == unit["clause_text"], unit
        assert unit["clause_index"] == next_index.get(unit["docid"], 0), unit
        next_index[unit["docid"]] = unit["clause_index"] + 1
        for condition in unit.get("conditions", []):
            assert condition["dimension"] in DIMENSIONS and condition["operator"] in OPERATORS, condition
            c_start, c_end = condition["span"]
            assert text[c_start:c_end] == condition["text"], condition
            if condition["dimension"] in ("behaviour", "other"):
                assert condition["fact"] in facts, condition
    return set(next_index)


@pytest.mark.parametrize("name", SETS)
def test_units_are_exact_spans_with_a_known_kind_numbered_per_document(name: str) -> None:
    texts = _texts()
    facts = _known_facts(name)
    _check_units(name, texts, facts)


@pytest.mark.slow
def test_set_c_is_the_documents_its_fixed_rule_selects_and_shares_none_with_the_other_sets() -> None:
    labelled = list(dict.fromkeys(u["docid"] for u in _labels("ncp_c")))
    select = _select_module()
    assert labelled == select.select()
    assert not set(labelled) & select.excluded_docids()


def test_set_c_labels_every_unit_of_the_first_characters_of_each_document() -> None:
    """Set C labels all of a document's opening, not a selection: outside its units, the first CAP characters hold
    only whitespace and fragments of fewer than six letters or digits."""
    texts = _texts()
    cap = _select_module().CAP
    by_doc: dict[str, list[list[int]]] = {}
    for unit in _labels("ncp_c"):
        by_doc.setdefault(unit["docid"], []).append(unit["span"])
    for docid, spans in by_doc.items():
        text = texts[docid]
        covered = [False] * len(text)
        for start, end in spans:
            covered[start:end] = [True] * (end - start)
        uncovered = "".join(" " if c else ch for c, ch in zip(covered[:cap], text[:cap], strict=True))
        for fragment in uncovered.split():
            assert len(re.sub(r"[\W_]", "", fragment)) < 6, (docid, fragment)


NEWER_SETS = ("newer", "newer_b", "newer_c", "newer_d", "newer_e", "newer_f")
DOC_KEYS = {"docid", "title", "issuer", "doc_number", "published", "url", "text"}


@pytest.mark.parametrize("name", NEWER_SETS)
def test_newer_sets_label_exact_spans_of_their_own_documents(name: str) -> None:
    """The newer-policy sets carry their documents (``<set>_docs.jsonl``); every unit and condition is an exact span."""
    docs = [json.loads(line) for line in (DEV / f"{name}_docs.jsonl").open(encoding="utf-8") if line.strip()]
    assert all(set(doc) == DOC_KEYS for doc in docs)
    texts = {doc["docid"]: doc["text"] for doc in docs}
    facts = _known_facts(name) | _known_facts("newer")
    labelled = _check_units(name, texts, facts)
    assert labelled <= set(texts)


@pytest.mark.parametrize(
    ("name", "earlier"),
    [
        ("newer_b", ("newer",)),
        ("newer_c", ("newer", "newer_b")),
        ("newer_d", ("newer", "newer_b", "newer_c")),
        ("newer_e", ("newer", "newer_b", "newer_c", "newer_d")),
        ("newer_f", ("newer", "newer_b", "newer_c", "newer_d", "newer_e")),
    ],
)
def test_later_newer_sets_share_no_document_with_the_earlier_ones(name: str, earlier: tuple[str, ...]) -> None:
    """Sets newer_b to newer_f are unseen: no URL or normalised title of theirs is in an earlier newer set."""

    def norm(title: str) -> str:
        return re.sub(r"[\W_]", "", title)

    def docs(set_name: str) -> list[dict[str, Any]]:
        path = DEV / f"{set_name}_docs.jsonl"
        return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]

    seen = {d["url"] for e in earlier for d in docs(e)} | {norm(d["title"]) for e in earlier for d in docs(e)}
    for doc in docs(name):
        assert doc["url"] not in seen and norm(doc["title"]) not in seen, doc["docid"]
