"""Draw the passages of the mechanism sample (run once; the labels were then written by hand from the text).

Passages are sentences (15–220 characters) that contain a mechanism cue word (机制, 制度, 模式, 中心, 平台,
工作法, 工程), from three corpora of ``../shared/corpora``: the five seeds, ``ncp-policies`` (policy documents
and news of 2020) and ``lawrefbook`` (statutes). Two strata per corpus: sentences in which the extractor of the
time (commit e09afe4) found a candidate, and the other cue sentences, so both precision (its candidates) and
recall (what it missed) can be measured. Each passage goes to ``dev`` or ``test`` by the parity of the CRC-32 of
its id; rules were written looking at ``dev`` only.

    # from a tree of commit e09afe4 (git archive e09afe4 | tar -x -C /tmp/old), which reproduces passages.jsonl:
    cd /tmp/old && python /path/to/build_sample.py /path/to/shared > passages.jsonl
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import zlib
from pathlib import Path

from graph.ladybug_store import LadybugGraphStore
from ingest.extractors.base import DocumentContext
from ingest.extractors.demonstration_mechanisms import find_mechanisms
from ingest.extractors.demonstration_text import DocumentRegions, load_resource, sentence_spans
from ingest.normalize import clean_text
from ingest.pipeline import ingest_paths
from ontology.text import to_simplified

PER_STRATUM = {"seeds": 15, "ncp-policies": 35, "lawrefbook": 6}


def _context(doc_id: str, text: str, doc_type: str) -> DocumentContext:
    stored = clean_text(text).text
    return DocumentContext(
        doc_id=doc_id,
        source_id=doc_id,
        text=stored,
        norm_text=to_simplified(stored),
        title="",
        doc_type=doc_type,
        region_code=None,
    )


def _ncp_types(path: Path) -> dict[str, str]:
    """The document type ingest gives each NCP record (read back from a temporary graph), by docid."""
    with tempfile.TemporaryDirectory() as folder:
        store = LadybugGraphStore(Path(folder) / "graph.lbug")
        store.ensure_schema()
        ingest_paths([path], store=store, extractors=[])
        types = {d["source_id"]: d["doc_type"] for d in store.find_nodes("NormativeDocument") if d.get("source_id")}
        store.close()
    return types


def _documents(shared: Path, law_seed: int = 7) -> list[tuple[str, str, str, str]]:
    """(corpus, source, doc_type, text) of every document drawn from (60 statutes drawn with ``law_seed``)."""
    docs = [
        ("seeds", p.name, "新闻报道", p.read_text(encoding="utf-8"))
        for p in sorted((shared / "corpora/seeds").glob("*.txt"))
    ]
    types = _ncp_types(shared / "corpora/ncp-policies/docs.jsonl")
    for line in (shared / "corpora/ncp-policies/docs.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        doc_type = types.get(record["docid"]) or "政策文件"
        docs.append(("ncp-policies", record["docid"], doc_type, record["text"]))
    laws = sorted((shared / "corpora/lawrefbook").glob("*/*.md"))
    for path in random.Random(law_seed).sample([p for p in laws if not p.name.startswith("_")], 60):
        docs.append(
            (
                "lawrefbook",
                str(path.relative_to(shared / "corpora/lawrefbook")),
                "法律",
                path.read_text(encoding="utf-8"),
            )
        )
    return docs


def main(shared: Path) -> None:
    cues = load_resource("cues")["mechanism_cues"]
    strata: dict[tuple[str, bool], list[dict[str, object]]] = {}
    for corpus, source, doc_type, text in _documents(shared):
        ctx = _context(source, text, doc_type)
        found = [] if corpus == "lawrefbook" else find_mechanisms(ctx, DocumentRegions(ctx.norm_text, None))
        starts = [m.start for f in found for m in f.mentions]
        for span in sentence_spans(ctx.norm_text):
            sentence = ctx.norm_text[span.start : span.end].strip()
            if not 15 <= len(sentence) <= 220 or not any(cue in sentence for cue in cues):
                continue
            hit = any(span.start <= s < span.end for s in starts)
            strata.setdefault((corpus, hit), []).append(
                {
                    "id": f"{corpus}:{source}:{span.start}",
                    "corpus": corpus,
                    "source": source,
                    "doc_type": doc_type,
                    "text": sentence,
                }
            )
    rng = random.Random(17)
    for (corpus, _hit), rows in sorted(strata.items()):
        for row in rng.sample(rows, min(PER_STRATUM[corpus], len(rows))):
            row["split"] = "dev" if zlib.crc32(str(row["id"]).encode()) % 2 == 0 else "test"
            print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
