"""Build ``search/resources/thesaurus.tsv`` (query expansion, ``search/expansion.py``) from the corpora.

Two sources, both mined with the search analyzer's own tokens (so every added word is an index token):

- **definitions** in the national LawRefBook statutes (all folders but DLC/): "本法所称X，是指D" (also 本条例,
  本规定, 本办法, 本解释, 本细则; 所称/所指; 是指/指): the defining words of D that are specific (in at most 1% of
  the corpus's lines and in at most two definitions) get the defined term X's words, weight ``DEFINITION_WEIGHT``;
- **answered questions**: STARD's train questions at **even positions only** (the odd half is what
  ``benchmarks/retrieval_eval.py --split odd`` scores) with the text of the articles that answer them. For a
  question word q that its articles do not contain and an article word a that the question does not contain, q
  gets a when they go together in at least ``MIN_PAIRS`` questions, in at least ``MIN_SHARE`` of the questions
  holding q, and a is in at most ``MAX_LINE_SHARE`` of the corpus's lines (not 规定, 应当); weight = that share.

Each word keeps its ``MAX_ADDED`` best added words. Usage: ``python benchmarks/build_thesaurus.py`` (about a
minute here); it prints how many entries came from each source.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

from search.analysis import Analyzer, reference_words

SHARED = Path(__file__).resolve().parents[2] / "shared"
LAWREFBOOK = SHARED / "corpora" / "lawrefbook"
STARD_TRAIN = SHARED / "corpora" / "stard" / "queries.train.json"
OUT = Path(__file__).resolve().parents[1] / "search" / "resources" / "thesaurus.tsv"

DEFINITION = re.compile(
    r"本(?:法|条例|规定|办法|解释|细则)所(?:称|指)的?([^，。；：:,、（）()]{2,16}?)[，,]?(?:是指|指)([^。；]{4,120})"
)
DEFINITION_WEIGHT = 0.5
MAX_DEFINITION_LINE_SHARE = 0.01
MAX_DEFINITIONS_PER_WORD = 2
MIN_PAIRS = 2
MIN_SHARE = 0.3
MAX_LINE_SHARE = 0.02
MAX_ADDED = 3


def corpus_lines() -> list[str]:
    """The non-blank lines of every national LawRefBook markdown file."""
    lines = []
    for folder in sorted(p for p in LAWREFBOOK.iterdir() if p.is_dir() and p.name != "DLC"):
        for path in sorted(folder.rglob("*.md")):
            lines.extend(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return lines


def main() -> None:
    """Mine both sources and write the thesaurus."""
    analyzer = Analyzer(reference_words())
    lines = corpus_lines()
    line_df: Counter[str] = Counter()
    for line in lines:
        line_df.update(set(analyzer.tokens(line)))
    total = len(lines)

    def specific(word: str, share: float) -> bool:
        return len(word) >= 2 and line_df[word] <= share * total

    entries: dict[str, dict[str, float]] = defaultdict(dict)
    source: dict[tuple[str, str], str] = {}
    definitions: dict[str, set[str]] = defaultdict(set)  # defining word -> the terms it defines
    for line in lines:
        for found in DEFINITION.finditer(line):
            term = max(analyzer.tokens(found.group(1)), key=len, default="")  # the term's longest token
            if len(term) < 2:
                continue
            for word in set(analyzer.tokens(found.group(2))):
                if word != term and specific(word, MAX_DEFINITION_LINE_SHARE):
                    definitions[word].add(term)
    from_definitions = 0
    for word, terms in definitions.items():
        if len(terms) <= MAX_DEFINITIONS_PER_WORD:
            for term in terms:
                entries[word][term] = DEFINITION_WEIGHT
                source[word, term] = "definition"
                from_definitions += 1

    records = json.loads(STARD_TRAIN.read_text(encoding="utf-8"))[0::2]  # the even half only
    pairs: Counter[tuple[str, str]] = Counter()
    holding: Counter[str] = Counter()
    for record in records:
        question = set(analyzer.tokens(record["问题"]))
        article = {t for text in record["相关法规"].values() for t in analyzer.tokens(text)}
        lay = {q for q in question - article if len(q) >= 2}
        holding.update(lay)
        legal = {a for a in article - question if specific(a, MAX_LINE_SHARE)}
        pairs.update((q, a) for q in lay for a in legal)
    from_questions = 0
    for (q, a), count in pairs.items():
        share = count / holding[q]
        if count >= MIN_PAIRS and share >= MIN_SHARE:
            weight = round(min(1.0, share), 3)
            if weight > entries[q].get(a, 0.0):
                from_questions += a not in entries[q]
                entries[q][a] = weight
                source[q, a] = "question"

    def rank(item: tuple[str, float]) -> float:
        added, weight = item
        return weight * math.log(total / (line_df[added] + 1))

    out = [
        "# Mined by benchmarks/build_thesaurus.py (statutory definitions; STARD train questions at even positions)",
        "# word<TAB>added word<TAB>weight<TAB>source",
    ]
    for word in sorted(entries):
        for added, weight in sorted(entries[word].items(), key=rank, reverse=True)[:MAX_ADDED]:
            out.append(f"{word}\t{added}\t{weight:g}\t{source[word, added]}")
    OUT.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(
        f"{len(out) - 2} entries for {len(entries)} words (definitions {from_definitions}, answered questions "
        f"{from_questions} before the cut to {MAX_ADDED} a word) -> {OUT}"
    )


if __name__ == "__main__":
    main()
