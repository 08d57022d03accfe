"""Precision, recall and F1 of first-level indicator links on the hand-labelled sample
(``benchmarks/data/indicators_dev``): lexical alone, semantic alone and combined (``practices.indicator_links``).

    .venv/bin/python benchmarks/indicator_links.py                 # the odd half (not looked at), default embedder
    .venv/bin/python benchmarks/indicator_links.py --split even --tune   # the grid the threshold was chosen on

Micro-averaged over (item, first-level indicator) pairs; an item labelled with no indicator counts only through
the links it wrongly gets.
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from ontology.indicators import load_scheme
from practices.indicator_links import IndicatorLinker
from search.embedders import build_embedder

DATA = Path(__file__).parent / "data" / "indicators_dev"


def _load(split: str) -> tuple[list[dict[str, str]], list[set[str]]]:
    labels = {r["id"]: set(r["indicators"]) for r in map(json.loads, (DATA / "labels.jsonl").open(encoding="utf-8"))}
    items = [i for i in map(json.loads, (DATA / "items.jsonl").open(encoding="utf-8")) if split in ("all", i["split"])]
    return items, [labels[i["id"]] for i in items]


def _prf(predicted: list[set[str]], gold: list[set[str]]) -> dict[str, float]:
    tp = sum(len(p & g) for p, g in zip(predicted, gold, strict=True))
    fp = sum(len(p - g) for p, g in zip(predicted, gold, strict=True))
    fn = sum(len(g - p) for p, g in zip(predicted, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    rounded = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}
    return rounded | {"tp": tp, "fp": fp, "fn": fn}


def evaluate(linker: IndicatorLinker, items: list[dict[str, str]], gold: list[set[str]]) -> dict[str, dict[str, float]]:
    """P/R/F1 of lexical, semantic and combined first-level links of ``items``."""
    texts, contexts = [i["text"] for i in items], [i.get("context", "") for i in items]
    tops = [i.id for i in linker.scheme.level(1)]
    first = {i.id: linker.scheme.first_level_of(i.id).id for i in linker.scheme.indicators}
    lexical_only = IndicatorLinker(linker.scheme)
    lexical = [{first[x.indicator.id] for x in links} for links in lexical_only.link(texts, contexts)]
    cosines = linker.cosines(texts, contexts)
    semantic = [{t for t, hit in zip(tops, linker.semantic_hits(row), strict=True) if hit} for row in cosines]
    combined = [{first[x.indicator.id] for x in links} for links in linker.link(texts, contexts)]
    return {"lexical": _prf(lexical, gold), "semantic": _prf(semantic, gold), "combined": _prf(combined, gold)}


def main() -> None:
    """Print the scores as JSON (with ``--tune``, the grid of threshold and margin, best combined F1 first)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("even", "odd", "all"), default="odd")
    parser.add_argument("--embedder", default="use", help="use, static or sentence-transformers")
    parser.add_argument("--tune", action="store_true", help="grid over threshold and margin")
    args = parser.parse_args()
    items, gold = _load(args.split)
    linker = IndicatorLinker(load_scheme(), build_embedder(args.embedder))
    if not args.tune:
        result = {"split": args.split, "items": len(items), "embedder": args.embedder}
        result |= {"threshold": linker.threshold, "margin": linker.margin, **evaluate(linker, items, gold)}
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    rows = []
    for threshold, margin in itertools.product(np.arange(0.20, 0.56, 0.025), (0.0, 0.02, 0.05, 0.1, 1.0)):
        scores = evaluate(replace(linker, threshold=round(float(threshold), 3), margin=margin), items, gold)
        rows.append({"threshold": round(float(threshold), 3), "margin": margin, **scores})
    rows.sort(key=lambda r: -r["combined"]["f1"])
    for row in rows[:15]:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
