"""Draw the passages of the second round of the mechanism sample (run once; labels then written by hand).

The first round (``build_sample.py``) drew only sentences with a mechanism cue word, half of them chosen because
the extractor of the time found a candidate there. This round runs no extractor: per corpus it draws sentences
(15–220 characters) not already in the sample, in two strata — sentences with a cue word (机制, 制度, 模式, 中心,
平台, 工作法, 工程, 负责制), and sentences without one that hold a practice verb or a quotation (推出, 推行,
开通, 上线 …; “…”), the statements a reader may count as a practice with no cue word, and the negatives among
them. Corpora: the five seeds, ``ncp-policies`` and 60 other ``lawrefbook`` statutes than round one's. Each
passage goes to ``dev`` or ``test`` by the parity of the CRC-32 of its id, as in round one.

    .venv/bin/python benchmarks/data/mechanisms_dev/build_round2.py ../shared >> passages.jsonl
"""

from __future__ import annotations

import json
import random
import re
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from benchmarks.data.mechanisms_dev.build_sample import _context, _documents  # noqa: E402
from ingest.extractors.demonstration_text import load_resource, sentence_spans  # noqa: E402

PER_STRATUM = {"seeds": 12, "ncp-policies": 16, "lawrefbook": 4}
PRACTICE_SIGNS = re.compile(r"推出|推行|开通|上线|首创|创新|探索|试行|实行|启用|设立|开设|组建|建立|打造|“")


def main(shared: Path) -> None:
    cues = load_resource("cues")["mechanism_cues"]
    sampled = {
        json.loads(line)["id"]
        for line in (Path(__file__).parent / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    }
    strata: dict[tuple[str, bool], list[dict[str, object]]] = {}
    for corpus, source, doc_type, text in _documents(shared, law_seed=27):
        ctx = _context(source, text, doc_type)
        for span in sentence_spans(ctx.norm_text):
            sentence = ctx.norm_text[span.start : span.end].strip()
            row_id = f"{corpus}:{source}:{span.start}"
            if not 15 <= len(sentence) <= 220 or row_id in sampled:
                continue
            has_cue = any(cue in sentence for cue in cues)
            if not has_cue and not PRACTICE_SIGNS.search(sentence):
                continue
            strata.setdefault((corpus, has_cue), []).append(
                {"id": row_id, "corpus": corpus, "source": source, "doc_type": doc_type, "text": sentence}
            )
    rng = random.Random(29)
    for (corpus, _cue), rows in sorted(strata.items()):
        for row in rng.sample(rows, min(PER_STRATUM[corpus], len(rows))):
            row["split"] = "dev" if zlib.crc32(str(row["id"]).encode()) % 2 == 0 else "test"
            row["round"] = 2
            print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
