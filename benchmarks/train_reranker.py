"""Fit the reranker (``search/rerank.py``) on labelled questions and write ``search/resources/reranker.json``.

Usage::

    python benchmarks/train_reranker.py [--sets ncp,stard] [--data-dir ncp=/tmp/pkg-eval-ncp ...]
                                        [--out search/resources/reranker.json] [--c 0.01]
                                        [--without FEATURE,...] [--candidates-cache /tmp/candidates.npz]

Each set is searched in the data dir ``benchmarks/retrieval_eval.py`` built for it (``/tmp/pkg-eval-<set>``
unless ``--data-dir SET=PATH`` names another; run that first), with no answered questions stored. Only the
questions at even positions are used (STARD train, NCP dev), so that ``retrieval_eval.py <set> --split odd``
scores the model on questions it never saw. For each question the first ``RERANK_DEPTH`` fused candidates of a
hybrid search are labelled relevant or not by the eval script's own matching (``../shared/eval/retrieval_eval.py``).
The models are pairwise (RankNet's logistic loss on feature differences, Burges et al., ICML 2005; a linear
RankSVM with logistic loss): for every relevant and irrelevant candidate of the same question, one example
``f(relevant) − f(irrelevant)`` labelled 1 and its negation labelled 0, fitted by a logistic regression without
intercept (scikit-learn, standardised features, L2 strength ``1/C``). It learns what orders the candidates of one
question, not what separates relevant candidates of all questions from irrelevant ones (the README gives the
odd halves' scores of both). One model is fitted on the candidates that are articles (STARD's statutes) and
one on the passages (NCP's policies); the standardisation is folded into the weights written, its centring into
the bias. ``--without`` fits without the named features (they weigh 0). The search settings (embedder, query
expansion) are the environment's, as served. ``--candidates-cache`` keeps the collected features in a file and
reads them from it on a later run (the same sets and settings), so several fits cost one collection.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
from retrieval_eval import EVAL_SCRIPT, SETS, store_answered  # the script beside this one
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from api.bootstrap import build_services
from api.settings import Settings
from search.rerank import DEFAULT_MODEL, FEATURES, RERANK_DEPTH, LinearReranker, LogisticModel, feature_matrix
from search.types import SearchRequest


def eval_script() -> ModuleType:
    """The shared evaluation script, imported, for its query loading and hit matching."""
    spec = importlib.util.spec_from_file_location("retrieval_eval_script", EVAL_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def labelled_features(name: str, data_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels, is-article flags and question numbers of the first fused candidates of the set's
    even-position questions."""
    script = eval_script()
    services = build_services(Settings(policykg_data_dir=data_dir, policykg_rerank=False))  # type: ignore[call-arg]
    store_answered(services.store, name, "none")
    services.search.sync(services.store)
    questions = script.load(name, str(SETS[name][0]))[0::2]
    rows, labels, articles, numbers = [], [], [], []
    service = services.search
    for number, (_, query, relevant) in enumerate(questions):
        candidates = service.candidates(SearchRequest(query=query, top=100))
        units = service.index.get_units([c.unit_id for c in candidates[:RERANK_DEPTH]])
        for candidate in candidates[:RERANK_DEPTH]:
            document = units[candidate.unit_id].document
            hit = {"title": document.title, "article": units[candidate.unit_id].article or ""}
            source_ids = [document.source_id, *document.duplicate_source_ids]  # as batch output lists them
            labels.append(any(script.hit_key(name, {**hit, "source_id": s}) in relevant for s in source_ids))
            articles.append(candidate.is_article)
            numbers.append(number)
        rows.append(feature_matrix(service.query_terms(query), candidates))
    services.close()
    return (
        np.vstack(rows),
        np.asarray(labels, dtype=int),
        np.asarray(articles, dtype=bool),
        np.asarray(numbers, dtype=int),
    )


def pairs(features: np.ndarray, labels: np.ndarray, questions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``f(relevant) − f(irrelevant)`` labelled 1 and its negation labelled 0, for every relevant and irrelevant
    candidate of the same question."""
    differences = []
    for question in np.unique(questions):
        own = questions == question
        relevant, irrelevant = features[own & (labels == 1)], features[own & (labels == 0)]
        if len(relevant) and len(irrelevant):
            differences.append((relevant[:, None, :] - irrelevant[None, :, :]).reshape(-1, features.shape[1]))
    if not differences:
        raise SystemExit("no question has both a relevant and an irrelevant candidate: nothing to learn from")
    positive = np.vstack(differences)
    return np.vstack([positive, -positive]), np.r_[np.ones(len(positive)), np.zeros(len(positive))]


def fit(features: np.ndarray, labels: np.ndarray, questions: np.ndarray, c: float, trained_on: str) -> LogisticModel:
    """A pairwise logistic model on standardised features, the standardisation folded into its weights and bias
    (an average candidate scores 0.5)."""
    scaler = StandardScaler().fit(features)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    examples, targets = pairs((features - scaler.mean_) / scale, labels, questions)
    model = LogisticRegression(C=c, max_iter=5000, fit_intercept=False).fit(examples, targets)
    weights = model.coef_[0] / scale
    bias = -float(np.sum(model.coef_[0] * scaler.mean_ / scale))
    return LogisticModel(tuple(float(w) for w in weights), bias, trained_on)


Collected = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def collected(names: list[str], data_dirs: dict[str, Path], cache: Path | None) -> Collected:
    """Each set's labelled features (``labelled_features``), from ``cache`` when it exists (written when not)."""
    if cache is not None and cache.exists():
        with np.load(cache) as stored:
            return {name: tuple(stored[f"{name}_{i}"] for i in range(4)) for name in names}  # type: ignore[misc]
    parts = {name: labelled_features(name, data_dirs[name]) for name in names}
    if cache is not None:
        np.savez(cache, **{f"{name}_{i}": array for name, part in parts.items() for i, array in enumerate(part)})
    return parts


def main() -> None:
    """Collect features, fit the article and the passage model, print their weights and write them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="ncp,stard")
    parser.add_argument("--data-dir", action="append", default=[], help="SET=PATH, e.g. ncp=/tmp/pkg-eval-ncp")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--c", type=float, default=0.01, help="inverse L2 strength of the logistic regressions")
    parser.add_argument("--without", default="", help="features to fit without (weight 0), comma-separated")
    parser.add_argument("--candidates-cache", type=Path, help="read the collected features here, or write them")
    args = parser.parse_args()
    names = args.sets.split(",")
    data_dirs = {name: Path(f"/tmp/pkg-eval-{name}") for name in names}
    data_dirs.update({k: Path(v) for k, _, v in (pair.partition("=") for pair in args.data_dir)})
    parts = collected(names, data_dirs, args.candidates_cache)
    without = [FEATURES.index(f) for f in args.without.split(",") if f]
    features = np.vstack([p[0] for p in parts.values()])
    labels = np.concatenate([p[1] for p in parts.values()])
    articles = np.concatenate([p[2] for p in parts.values()])
    questions = np.concatenate([p[3] + 1_000_000 * i for i, p in enumerate(parts.values())])  # unique across sets
    models = {}
    for kind, mask in (("article", articles), ("passage", ~articles)):
        sources = [f"{n} ({int(p[2].sum() if kind == 'article' else (~p[2]).sum())})" for n, p in parts.items()]
        trained_on = (
            f"{kind} candidates of the even-position questions of {', '.join(sources)}; "
            f"pairwise, benchmarks/train_reranker.py, C={args.c}"
        )
        if without:
            trained_on += f", without {args.without}"
        chosen = features[mask].copy()
        chosen[:, without] = 0.0  # a constant column: its weight is 0
        models[kind] = fit(chosen, labels[mask], questions[mask], args.c, trained_on)
        print(f"{kind}: {int(mask.sum())} candidates, {int(labels[mask].sum())} relevant", flush=True)
        for feature, weight in zip(FEATURES, models[kind].weights, strict=True):
            print(f"  {feature:18} {weight:+.4f}")
        print(f"  {'bias':18} {models[kind].bias:+.4f}")
    LinearReranker(models["article"], models["passage"]).save(args.out)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
