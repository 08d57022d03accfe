"""Retrieval evaluation runner: ingest a labelled corpus through the real pipeline, sync the search index from
the graph, answer the labelled queries in BM25-only, vector-only and hybrid mode, and score each run with
``../shared/eval/retrieval_eval.py``. ``fused`` is the hybrid search without the reranker (``search/rerank.py``,
trained on the even-position questions by ``benchmarks/train_reranker.py``: score it with ``--split odd``).

Usage::

    python benchmarks/retrieval_eval.py stard [--data-dir /tmp/pkg-eval-stard] [--modes lexical,vector,hybrid]
    python benchmarks/retrieval_eval.py ncp   [--data-dir /tmp/pkg-eval-ncp]

stard: STARD train queries over every national LawRefBook document (all folders but DLC/).
ncp: NCP dev questions over the 599 NCP policy documents.
The data dir is reused: a graph that already holds documents is not re-ingested, and the vector cache in it
means a second run embeds nothing. Runs are written next to the data dir as ``run-<set>-<mode>.jsonl``.

NCP's corpus holds the same notice republished under several docids (near-identical texts), and its questions
each name one of them. For NCP a last column, ``MRR@10 copies``, scores the same run with a hit on a near-copy
of the question's document (character-bigram Jaccard ≥ 0.95) counted as that document: how much of the gap is
which copy a question was written from. The table's other columns are the eval script's scores as they are.

Learning from answered questions (``search/answered.py``) is measured on questions it did not see:
``--learn even --split odd`` stores the labelled questions at even positions as answered questions and asks and
scores only those at odd positions; ``--split odd`` alone is the same half with nothing learned. ``--learn all
--gold DEV`` learns from the whole labelled set and scores another labelled file of its format (STARD's dev
split, NCP's further questions). A run never scores questions it learned from.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from api.bootstrap import build_services
from api.commands.search import run_batch
from api.settings import Settings
from graph.base import GraphStore
from ingest.answered import delete_collection, store_questions
from ingest.pipeline import ingest_paths
from ingest.reference import reference_change
from ontology.answered import AnsweredQuestion
from ontology.clock import utc_now
from search.expansion import Feedback, Thesaurus
from search.ranking import Fusion
from search.rerank import LinearReranker
from search.service import ARTICLE_TITLE
from search.types import SearchRequest

SHARED = Path(__file__).resolve().parents[2] / "shared"
EVAL_SCRIPT = SHARED / "eval" / "retrieval_eval.py"
LAWREFBOOK = SHARED / "corpora" / "lawrefbook"
NCP = SHARED / "corpora" / "ncp-policies"
SETS = {
    "stard": (SHARED / "corpora" / "stard" / "queries.train.json", None),
    "ncp": (NCP / "questions.dev.jsonl", NCP / "docs.jsonl"),
}


JSONL_CHUNK = 100
COPY_JACCARD = 0.95
LEARN = {"none": "none", "even": "even-half", "all": "all"}
CITED_ARTICLE = re.compile(r"^(.*?)(第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)$")


def corpus_paths(name: str, scratch: Path) -> list[Path]:
    """The files a labelled set is searched over (a JSONL corpus is cut into files of 100 records in
    ``scratch``: ingesting all 599 NCP records from one file grew past 16 GB of memory here)."""
    if name == "stard":
        return sorted(p for p in LAWREFBOOK.iterdir() if p.is_dir() and p.name != "DLC")
    corpus = SETS[name][1]
    assert corpus is not None
    lines = [line for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    scratch.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, len(lines), JSONL_CHUNK):
        path = scratch / f"{corpus.stem}-{start // JSONL_CHUNK:03d}.jsonl"
        path.write_text("\n".join(lines[start : start + JSONL_CHUNK]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def read_labelled(name: str, gold: Path) -> list[dict[str, Any]]:
    """The records of a labelled file of the set's format, in file order."""
    if name == "stard":
        records: list[dict[str, Any]] = json.loads(gold.read_text(encoding="utf-8"))
        return records
    return [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_labelled(name: str, records: list[dict[str, Any]], path: Path) -> Path:
    """Write records in the labelled set's own format (what the eval script reads)."""
    if name == "stard":
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def answered_questions(name: str, records: list[dict[str, Any]]) -> list[AnsweredQuestion]:
    """The labelled records as answered questions (STARD: law title + article; NCP: the document's docid)."""
    out = []
    for record in records:
        if name == "stard":
            for cited in record["match_name"]:
                found = CITED_ARTICLE.match(cited.strip())
                if found:
                    out.append(AnsweredQuestion(record["问题"], title=found.group(1), article=found.group(2)))
        else:
            out.append(AnsweredQuestion(record["question"], source_id=record["docid"]))
    return out


def store_answered(store: GraphStore, name: str, learn: str) -> None:
    """Store the labelled questions ``learn`` names (none, the even half, all) as answered questions, removing
    those an earlier run stored."""
    for half, collection in LEARN.items():
        if half != learn:
            delete_collection(store, f"{name}-{collection}")
    if learn == "none":
        return
    records = read_labelled(name, SETS[name][0])
    questions = answered_questions(name, records[0::2] if learn == "even" else records)
    store_questions(store, questions, collection=f"{name}-{LEARN[learn]}", created_at=utc_now())
    print(f"answered questions stored: {len(questions)} ({learn})", flush=True)


def score(name: str, gold: Path, run: Path) -> dict[str, float]:
    """The eval script's scores of one run."""
    out = subprocess.run(
        [sys.executable, str(EVAL_SCRIPT), "score", name, str(gold), str(run), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    scores: dict[str, float] = json.loads(out.stdout)
    return scores


def near_copies(corpus: Path, threshold: float = COPY_JACCARD) -> dict[str, set[str]]:
    """docid → the docids of the corpus's other records whose texts are near-identical copies of its text
    (character-bigram Jaccard ≥ ``threshold``; the same notice republished by several sites)."""
    bigrams: dict[str, frozenset[str]] = {}
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            text = record["text"]
            bigrams[record["docid"]] = frozenset(text[i : i + 2] for i in range(len(text) - 1))
    by_size = sorted(bigrams, key=lambda docid: len(bigrams[docid]))
    copies: dict[str, set[str]] = {docid: set() for docid in bigrams}
    for i, first in enumerate(by_size):
        for second in by_size[i + 1 :]:
            if len(bigrams[first]) < threshold * len(bigrams[second]):
                break  # sizes this far apart cannot reach the threshold
            shared = len(bigrams[first] & bigrams[second])
            if shared >= threshold * len(bigrams[first] | bigrams[second]):
                copies[first].add(second)
                copies[second].add(first)
    return copies


def copies_as_gold(run: Path, gold: Path, copies: dict[str, set[str]]) -> Path:
    """A copy of an NCP run whose hits on a near-copy of the question's document name that document."""
    document_of = {str(record["id"]): record["docid"] for record in read_labelled("ncp", gold)}
    out = run.with_name(run.stem + "-copies.jsonl")
    with run.open(encoding="utf-8") as lines, out.open("w", encoding="utf-8") as rewritten:
        for line in lines:
            answer = json.loads(line)
            wanted = document_of.get(str(answer["qid"]), "")
            for hit in answer["hits"]:
                if hit.get("source_id") in copies.get(wanted, ()):
                    hit["source_id"] = wanted
            rewritten.write(json.dumps(answer, ensure_ascii=False) + "\n")
    return out


def embedder_settings(data_dir: Path, embedder: str | None) -> Settings:
    """The settings of a run over ``data_dir`` with ``embedder`` (``None``: the configured one)."""
    chosen = {} if embedder is None else {"policykg_embedder": embedder}
    return Settings(policykg_data_dir=data_dir, **chosen)  # type: ignore[call-arg, arg-type]


def fusion_setting(served: Fusion, setting: str) -> Fusion:
    """``served`` with the fields a ``--fusion`` setting names (``lexical_depth=400/context_units=3``)."""
    changes: dict[str, Any] = {}
    for pair in filter(None, setting.split("/")):
        key, _, value = pair.partition("=")
        changes[key] = type(getattr(served, key))(float(value))
    return dataclasses.replace(served, **changes)


def field_setting(pair: str) -> dict[str, float]:
    """The BM25F weights a ``--fields`` entry names (``title:headings`` or ``title:headings:article title``)."""
    weights = [float(w) for w in pair.split(":")]
    title, headings = weights[:2]
    return {"title": title, ARTICLE_TITLE: weights[2] if len(weights) > 2 else title, "headings": headings}


def field_label(fields: dict[str, float]) -> str:
    """A run label's part for its BM25F weights (the article title's only when it differs from the title's)."""
    label = f"+fields{fields['title']:g}_{fields['headings']:g}"
    return label + (f"_{fields[ARTICLE_TITLE]:g}" if fields[ARTICLE_TITLE] != fields["title"] else "")


def main() -> None:
    """Run the evaluation and print one line of scores per mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=sorted(SETS))
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--modes", default="lexical,vector,fused,hybrid", help="fused = hybrid without the reranker")
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--weights", default="", help="lexical:vector weights of the hybrid runs, e.g. 1:0.3,1:1")
    parser.add_argument("--learn", choices=LEARN, default="none", help="labelled questions stored as answered ones")
    parser.add_argument(
        "--split",
        choices=("all", "odd", "even"),
        default="all",
        help="which labelled questions to score (even: to fit settings on; the thesaurus was mined from them)",
    )
    parser.add_argument(
        "--expand",
        default="served",
        help="query expansions to run each mode with, comma-separated: served (the settings' own), none, thesaurus, "
        "thesaurus-articles (the thesaurus scoring statute articles only), definitions, questions (the thesaurus's "
        "entries of one source), feedback, both "
        "(search/expansion.py at its default weights, feedback:W / both:W for another feedback weight; any but "
        "served replaces the settings' own)",
    )
    parser.add_argument(
        "--headings",
        action="store_true",
        help="then rebuild the index with articles' 编/章/节 headings in their BM25 tokens and run it all again",
    )
    parser.add_argument(
        "--fields",
        default="",
        help="then run every mode once per title:headings[:article title] BM25F field weights, comma-separated, "
        "e.g. 0.5:0.5,1.5:0.3:0.5 (per-field BM25: text; title; headings; a statute article's title at the third "
        "weight, the title's when left out; each rebuilds the index; with --fusion, each fusion setting is run "
        "again with each)",
    )
    parser.add_argument(
        "--embedders",
        default="",
        help="run the vector modes once per embedder, comma-separated (use, static, ...; default: POLICYKG_EMBEDDER)",
    )
    parser.add_argument(
        "--rerankers",
        default="",
        help="then run hybrid once with each of these reranker files, comma-separated (search/rerank.py's format)",
    )
    parser.add_argument(
        "--fusion",
        default="",
        help="then run every mode once per fusion setting, comma-separated, each a '/'-separated list of "
        "search.ranking.Fusion fields, e.g. lexical_depth=400/vector_depth=400,confidence_exponent=2",
    )
    parser.add_argument("--gold", type=Path, help="score this labelled file instead (same format, e.g. a dev split)")
    args = parser.parse_args()
    if args.gold is None and (args.learn == "all" or (args.learn == "even" and args.split != "odd")):
        parser.error(f"--learn {args.learn} would score questions it learned from: use --split odd or --gold")
    data_dir: Path = args.data_dir or Path(f"/tmp/pkg-eval-{args.set}")
    embedders: list[str | None] = list(args.embedders.split(",")) if args.embedders else [None]
    services = build_services(embedder_settings(data_dir, embedders[0]))
    store = services.store
    store_answered(store, args.set, args.learn)
    gold = args.gold or SETS[args.set][0]
    if args.split != "all":
        half = read_labelled(args.set, gold)[1::2] if args.split == "odd" else read_labelled(args.set, gold)[0::2]
        gold = write_labelled(args.set, half, data_dir.parent / f"{args.split}-{gold.name}")
    if store.counts()["NormativeDocument"] == 0:
        started = time.perf_counter()
        store.write(reference_change())
        summary = ingest_paths(corpus_paths(args.set, data_dir / "corpus-chunks"), store=store)
        print(f"ingest: {summary.documents} documents in {time.perf_counter() - started:.1f} s", flush=True)
    queries = subprocess.run(
        [sys.executable, str(EVAL_SCRIPT), "queries", args.set, str(gold)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    count = queries.count("\n")
    corpus = SETS[args.set][1]
    copies = near_copies(corpus) if corpus is not None else None
    copies_column = f" {'MRR@10 copies':>13}" if copies else ""
    print(f"{'mode':28} {'R@10':>7} {'R@100':>7} {'MRR@10':>7} {'nDCG@10':>7} {'ms/query':>9}{copies_column}")
    thesaurus = Thesaurus.load()
    expansions = {
        "none": (None, None),
        "thesaurus": (thesaurus, None),
        "thesaurus-articles": (thesaurus, None),
        "definitions": (Thesaurus.load(sources={"definition"}), None),
        "questions": (Thesaurus.load(sources={"question"}), None),
        "feedback": (None, Feedback()),
        "both": (thesaurus, Feedback()),
    }
    # (mode, lexical:vector weights, expansion, reranker file, headings rebuild, title:headings field weights,
    # fusion setting)
    runs: list[tuple[Any, ...]] = [
        (mode, None, expand, None, False, None, "")
        for expand in args.expand.split(",")
        for mode in args.modes.split(",")
    ]
    runs += [
        ("hybrid", tuple(float(w) for w in pair.split(":")), "served", None, False, None, "")
        for pair in args.weights.split(",")
        if pair
    ]
    runs += [
        ("hybrid", None, expand, Path(p), False, None, "")
        for expand in args.expand.split(",")
        for p in args.rerankers.split(",")
        if p
    ]
    if args.headings:
        runs += [
            (mode, None, expand, None, True, None, "")
            for expand in args.expand.split(",")
            for mode in args.modes.split(",")
        ]
    settings = [setting for setting in args.fusion.split(",") if setting]
    runs += [
        (mode, None, expand, None, False, None, setting)
        for setting in settings
        for expand in args.expand.split(",")
        for mode in args.modes.split(",")
    ]
    runs += [
        (mode, None, expand, None, False, field_setting(pair), setting)
        for pair in args.fields.split(",")
        if pair
        for setting in ["", *settings]
        for expand in args.expand.split(",")
        for mode in args.modes.split(",")
    ]
    for position, embedder in enumerate(embedders):
        if position:  # the next embedder: its own index build (vectors from its cache where it has them)
            services.close()
            services = build_services(embedder_settings(data_dir, embedder))
            store = services.store
        started = time.perf_counter()
        report = services.search.sync(store)
        print(
            f"sync{'' if embedder is None else ' ' + embedder}: {report.added} added, {report.updated} updated, "
            f"{report.removed} removed, {report.units} units in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        service = services.search
        reranker = service.reranker
        served = (service.thesaurus, service.feedback, service.thesaurus_scope)
        served_fusion = service.fusion
        for mode, weights, expand, reranker_file, headings, fields, setting in runs:
            if position and mode == "lexical":
                continue  # BM25 alone does not depend on the embedder
            if headings and not service.heading_tokens:
                service.heading_tokens = True  # a new analysis schema: the index is rebuilt with the headings' tokens
                started = time.perf_counter()
                rebuilt = service.sync(store)
                print(f"sync with headings: {rebuilt.units} units in {time.perf_counter() - started:.1f} s", flush=True)
            if fields is not None and service.field_weights != fields:
                service.field_weights = fields  # a new schema: rebuilt
                started = time.perf_counter()
                rebuilt = service.sync(store)
                elapsed = time.perf_counter() - started
                print(f"sync with fields {fields}: {rebuilt.units} units in {elapsed:.1f} s", flush=True)
            service.fusion = fusion_setting(served_fusion, setting)
            if weights is not None:
                service.lexical_weight, service.vector_weight = weights
            service.reranker = None if mode == "fused" else reranker
            if reranker_file is not None:
                service.reranker = LinearReranker.load(reranker_file)
            name, _, weight = expand.partition(":")  # feedback:0.1 = feedback at that weight
            if name == "served":
                service.thesaurus, service.feedback, service.thesaurus_scope = served
            else:
                service.thesaurus, service.feedback = expansions[name]
                service.thesaurus_scope = "articles" if name == "thesaurus-articles" else "all"
            if weight and service.feedback is not None:
                service.feedback = Feedback(weight=float(weight))
            label = mode if weights is None else f"{mode} {weights[0]:g}:{weights[1]:g}"
            label += f"[{reranker_file.stem}]" if reranker_file is not None else ""
            label += ("" if expand == "served" else f"+{expand}") + ("+headings" if headings else "")
            label += field_label(fields) if fields is not None else ""
            label += f"+{setting}" if setting else ""
            label = label if embedder is None or mode == "lexical" else f"{embedder} {label}"
            mode = "hybrid" if mode == "fused" else mode
            run_name = label.replace(" ", "-").replace(":", "_").replace("/", "_")
            run = data_dir.parent / f"run-{args.set}-{run_name}.jsonl"
            template = SearchRequest(query="-", top=args.top, mode=mode)  # type: ignore[arg-type]
            started = time.perf_counter()
            with run.open("w", encoding="utf-8") as out:
                run_batch(service, iter(queries.splitlines(keepends=True)), out, template)
            per_query = (time.perf_counter() - started) * 1000 / max(count, 1)
            s = score(args.set, gold, run)
            copies_score = (
                f" {score(args.set, gold, copies_as_gold(run, gold, copies))['mrr@10']:13.4f}" if copies else ""
            )
            print(
                f"{label:28} {s['recall@10']:7.4f} {s['recall@100']:7.4f} {s['mrr@10']:7.4f} {s['ndcg@10']:7.4f} "
                f"{per_query:9.1f}{copies_score}",
                flush=True,
            )
    services.close()


if __name__ == "__main__":
    main()
