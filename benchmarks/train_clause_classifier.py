"""Fit the clause classifier (support measure or not) on labelled development clauses and ship its weights.

Usage: python benchmarks/train_clause_classifier.py [--sets ncp_a] [--out ingest/resources/clause_classifier.json]
       python benchmarks/train_clause_classifier.py --sets ncp_a --evaluate ncp_b   # score on a set not trained on

Every labelled unit of the sets (``benchmarks/data/eligibility_dev/<set>_clauses.jsonl``) is one example:
positive when ``kind`` is ``support_measure``, negative otherwise (directives, statistics, headings, narrative,
and every unit of news/FAQ/report documents). Features: ``ingest.extractors.clause_classifier.clause_features``
(character 1–3-grams and the rules' cues), kept when they occur in at least ``--min-count`` examples. A
logistic regression (scikit-learn, balanced classes, C chosen by 5-fold cross-validation on the training sets)
is fitted; the probability threshold is the highest one that keeps cross-validated recall of measures at least
``--recall`` (a missed measure costs a company a benefit; a wrong one costs its trust, and the rules after the
classifier still check every condition). ``--evaluate`` prints precision/recall of measures on another set.
``--gated`` leaves out the units of news, FAQ, report and control-notice documents, which the document gate refuses
before the classifier reads a clause (README, *Eligibility*, has the cross-fold figures with and without it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.extractors.clause_classifier import RESOURCE, ClauseClassifier, clause_features  # noqa: E402

DEV = ROOT / "benchmarks" / "data" / "eligibility_dev"
# labelled document kinds whose every unit is a negative and which the document gate refuses before any clause is
# read
NON_GRANTING_KINDS = {"news", "faq", "report", "notice_control"}


def examples(sets: list[str], gated: bool = False) -> tuple[list[str], np.ndarray]:
    """Texts and labels (1 = support measure) of the labelled units of ``sets``; with ``gated``, only the units of
    documents the document gate is meant to let through (not news, FAQ, report or control-notice documents)."""
    texts, labels = [], []
    for name in sets:
        for line in (DEV / f"{name}_clauses.jsonl").open(encoding="utf-8"):
            if line.strip():
                unit = json.loads(line)
                if gated and unit.get("doc_kind") in NON_GRANTING_KINDS:
                    continue
                texts.append(unit["clause_text"])
                labels.append(int(unit["kind"] == "support_measure"))
    return texts, np.array(labels)


def main() -> int:
    """Fit, choose the threshold, write the resource; optionally score another set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="ncp_a")
    parser.add_argument("--evaluate", help="A set to score the fitted model on (not trained on).")
    parser.add_argument("--out", type=Path, default=RESOURCE)
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--recall", type=float, default=0.95)
    parser.add_argument(
        "--gated", action="store_true", help="Train only on units of documents the document gate lets through."
    )
    args = parser.parse_args()
    texts, y = examples(args.sets.split(","), args.gated)
    feats = [clause_features(t) for t in texts]
    df: Counter[str] = Counter(name for f in feats for name in f)
    kept = [{k: v for k, v in f.items() if df[k] >= args.min_count} for f in feats]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(kept)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    best_c, best_auc = 1.0, -1.0
    for c in (0.1, 0.3, 1.0, 3.0):
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        p = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
        order = np.argsort(-p)
        ranks = np.empty(len(p))
        ranks[order] = np.arange(len(p))
        pos = y == 1
        auc = 1 - (ranks[pos].mean() - (pos.sum() - 1) / 2) / (~pos).sum()
        if auc > best_auc:
            best_c, best_auc, best_p = c, auc, p
    thresholds = sorted(set(np.round(best_p, 3)), reverse=True)
    threshold = next(t for t in thresholds if (best_p[y == 1] >= t).mean() >= args.recall)
    cv_precision = (y[best_p >= threshold] == 1).mean()
    print(
        f"{len(y)} examples ({y.sum()} measures), {x.shape[1]} features; C={best_c}, CV AUC {best_auc:.3f}; "
        f"threshold {threshold:.3f}: CV recall {(best_p[y == 1] >= threshold).mean():.3f}, precision {cv_precision:.3f}"
    )
    model = LogisticRegression(C=best_c, class_weight="balanced", max_iter=2000).fit(x, y)
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vectorizer.feature_names_, model.coef_[0], strict=True)
        if abs(w) > 1e-4
    }
    classifier = ClauseClassifier(weights, float(model.intercept_[0]), float(threshold), trained_on=args.sets)
    args.out.write_text(classifier.to_json() + "\n", encoding="utf-8")
    print(f"wrote {len(weights)} weights to {args.out}")
    if args.evaluate:
        texts, y = examples(args.evaluate.split(","))
        predicted = np.array([classifier.is_measure(t) for t in texts])
        recall = predicted[y == 1].mean()
        precision = (y[predicted] == 1).mean() if predicted.any() else 0.0
        print(f"on {args.evaluate}: {len(y)} units, measure recall {recall:.3f}, precision {precision:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
