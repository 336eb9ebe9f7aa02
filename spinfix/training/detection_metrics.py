"""Measuring whether detection transfers: false alarms on clean sources never trained on, and
the share of documents caught by the density of spin from a spinner never trained on.

A detector trained on one outlet and one spinner can look excellent there and accuse clean
text from elsewhere. These measures are taken on documents that played no part in fitting or
choosing: the test half of each out-of-domain source (:data:`spinfix.training.corpora.SOURCES` with role
``ood``) and held-out documents spun with the ``test`` table shapes
(:mod:`spinfix.training.spinner_tables`), at rates that put 1 % to 45 % of the words inside swaps.
"""
from __future__ import annotations

import math
import random

import numpy as np
from sklearn.metrics import f1_score, roc_auc_score

from ..detection.detector import Detector
from .corpora import Document, Pair
from .labelling import LabelledDocument, flatten, labelled_pairs, labelled_user_pairs, names_in
from .spinner import RATES, Spinner
from .spinner_tables import build_table, shapes

DENSITY_BINS = (0.01, 0.02, 0.03, 0.05, 0.07, 0.10, 0.15, 0.20, 0.30, 0.40)  # share of words inside swaps
CURVE_RATES = (0.03, 1.0)  # share of a test table's matches swapped, log-uniform per document


def false_alarms(detector: Detector, docs: list[Document]) -> dict:
    """On clean documents: the share at spin likelihood >= 0.5, the share of sentences flagged,
    the mean likelihood, and the share of flagged sentences that name a suspect or a reason."""
    scores = detector.score_texts([d.text for d in docs], [d.name for d in docs])
    sentences = [s for score in scores for s in score.sentences]
    flagged = [s for s in sentences if s.flagged]
    return {
        "documents": len(docs),
        "documents_at_0.5": round(float(np.mean([s.spin_likelihood >= 0.5 for s in scores])), 4),
        "sentences_flagged": round(len(flagged) / max(len(sentences), 1), 4),
        "mean_likelihood": round(float(np.mean([s.spin_likelihood for s in scores])), 4),
        "flagged_explained": round(sum(bool(s.suspects) for s in flagged) / max(len(flagged), 1), 4),
    }


def spun_with_density(docs: list[Document], seed: int = 0) -> list[tuple[str, float]]:
    """Each document spun by one of the ``test`` table shapes at a log-uniform rate, with the
    share of its words inside swaps."""
    rng = random.Random(seed)
    names = names_in(docs)
    tables = [build_table(s) for s in shapes("test")]
    out = []
    for k, doc in enumerate(docs):
        rate = math.exp(rng.uniform(*np.log(CURVE_RATES)))
        spinner = Spinner(rate, seed=seed * 7_919 + k, names=names, thesaurus=tables[k % len(tables)])
        spun, _, swaps = spinner.spin_with_swaps(doc.text)
        out.append((spun, sum(len(w.spun.split()) for w in swaps) / max(len(spun.split()), 1)))
    return out


def detection_curve(detector: Detector, docs: list[Document], seed: int = 0) -> dict:
    """Share of spun documents at spin likelihood >= 0.5, by share of words inside swaps
    (:data:`DENSITY_BINS`), and the two headline shares: at >= 3 % and at >= 7 %."""
    spun = spun_with_density(docs, seed)
    likelihoods = np.array([s.spin_likelihood for s in detector.score_texts([t for t, _ in spun])])
    density = np.array([d for _, d in spun])
    caught = likelihoods >= 0.5
    curve = {}
    for low, high in zip(DENSITY_BINS, DENSITY_BINS[1:] + (1.0,)):
        inside = (density >= low) & (density < high)
        if inside.any():
            curve[f"{low:.0%}-{high:.0%}"] = {"documents": int(inside.sum()), "flagged": round(float(caught[inside].mean()), 4)}
    def share(low: float) -> float | None:
        inside = density >= low
        return round(float(caught[inside].mean()), 4) if inside.any() else None

    return {"curve": curve, "flagged_at_3%_or_more": share(0.03), "flagged_at_7%_or_more": share(0.07),
            "documents": len(docs)}


def transfer_report(detector: Detector, ood_test: dict[str, list[Document]], held_out: list[Document],
                    seed: int = 0) -> dict:
    """:func:`false_alarms` per out-of-domain source and :func:`detection_curve` on held-out
    documents of every source."""
    return {"false_alarms": {name: false_alarms(detector, docs) for name, docs in ood_test.items()},
            "held_out_spinner": detection_curve(detector, held_out, seed)}


def _metrics(detector: Detector, docs: list[LabelledDocument]) -> dict:
    """Sentence ROC-AUC and F1 at the detector's threshold, and document accuracy at 0.5."""
    analyses = detector.analyse([d.sentences for d in docs])
    p = np.concatenate([a.probabilities for a in analyses])
    y = flatten(docs)[1]
    doc_y = np.array([d.spun for d in docs])
    auc = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")
    return {
        "sentence_roc_auc": round(auc, 4),
        "sentence_f1": round(float(f1_score(y, np.concatenate([a.flags(detector.threshold) for a in analyses]))), 4),
        "document_accuracy": round(float(np.mean((np.array([a.likelihood for a in analyses]) >= 0.5) == doc_y)), 4),
    }


def evaluate(detector: Detector, test_docs: list[Document], seed: int) -> dict:
    """:func:`_metrics` at light, medium and heavy spin on held-out documents."""
    return {name: _metrics(detector, labelled_pairs(test_docs, seed, rate)) for name, rate in RATES.items()}


def evaluate_pairs(detector: Detector, pairs: list[Pair]) -> dict:
    """:func:`_metrics` on held-out user pairs."""
    return _metrics(detector, labelled_user_pairs(pairs))


__all__ = ["DENSITY_BINS", "detection_curve", "evaluate", "evaluate_pairs", "false_alarms", "spun_with_density",
           "transfer_report"]
