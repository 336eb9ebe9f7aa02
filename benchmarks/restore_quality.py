"""Reference-free restoration across spinners it never saw, beside the naive baseline.

Protocol (leave-one-spinner-out): the shipped prior dictionary was learned from the ``fit``
table shapes of :mod:`spinfix.training.spinner_tables`, the restorer fit on them and its threshold set on
the ``tune`` shapes; here every figure comes from the ``test`` shapes, on held-out test
documents that neither the detector, the dictionary nor the restorer saw. For each test shape
and each k in (0, 1, 3, 10), the user first aligns k spun/clean pairs of that spinner (other
test documents) into a dictionary, as ``spinfix align --save-pairs`` does; then the other
documents are restored without their source, with that dictionary, the shipped prior and the
thesaurus (the default of ``spinfix restore``). The same documents and swaps in every
scenario. Also: the clean originals (changes per 1,000 words), the whole precision-recall
curve at k = 0, restoring with a reference (token accuracy against the source of held-out
articles with page furniture, spun at 80 % of each test table's matches), and the seed pair
(000 aligned with 001, then 000 restored without it; evaluation only).

Usage: ``python benchmarks/restore_quality.py [--docs 60] [--json OUT]``
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from output import emit
from spinfix import SubstitutionDictionary, align
from spinfix.training.corpora import split_documents, training_documents
from spinfix.detection.detector import load_detector
from spinfix.dictionary.storage import default_dictionary, load_dictionary
from spinfix.training.restoration_metrics import (clean_changes, correct_changes, precision_recall_curve, reference_restore_accuracy,
                                score_restoration)
from spinfix.training.restorer_trainer import PAIR_DOCS, SCENARIOS, labelled_candidates, user_dictionaries
from spinfix.restoration.decisions import TrustingRestorer
from spinfix.restoration.knowledge import Knowledge
from spinfix.restoration.restorations import restore_without_reference as restore_with_dictionary
from spinfix.restoration.restorer import default_restorer, load_restorer
from spinfix.training.spinner_tables import shapes
from spinfix.text.thesaurus import default_thesaurus
from spinfix.training.labelling import names_in

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seed_pair(detector, restorer) -> dict:
    """A dictionary learned from 000 against 001, then 000 restored without 001."""
    spun = next(SEEDS.glob("000_*.txt")).read_text()
    alignment = align(spun, next(SEEDS.glob("001_*.txt")).read_text())
    dictionary = SubstitutionDictionary()
    dictionary.add_alignment(alignment)
    truth = [type("Swap", (), {"start": s.spun_start, "end": s.spun_end, "original": s.original})
             for s in alignment.phrase_pairs]
    out = {}
    for name, decider, only in (("default (dictionary + shipped knowledge)", restorer, False),
                                ("--only-dictionary", restorer, True), ("naive", TrustingRestorer(), True)):
        changes = restore_with_dictionary(spun, dictionary, detector, decider, only_dictionary=only).substitutions
        correct = correct_changes(changes, truth)
        out[name] = {"changes": len(changes), "correct": correct, "substitutions": len(truth),
                     "precision": round(correct / max(len(changes), 1), 4), "recall": round(correct / len(truth), 4)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=60, help="held-out test documents per test shape")
    parser.add_argument("--dictionary", help="prior dictionary to measure (default: the shipped one)")
    parser.add_argument("--restorer", help="restorer to measure (default: the shipped one)")
    parser.add_argument("--reference-docs", type=int, default=200,
                        help="held-out documents (with page furniture) restored against their source at 80 %% spin")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    started = time.time()
    detector = load_detector()
    prior = load_dictionary(args.dictionary) if args.dictionary else default_dictionary()
    restorer = load_restorer(args.restorer) if args.restorer else default_restorer()
    test = split_documents(training_documents())["test"]
    docs, pair_docs = test[:args.docs], test[-PAIR_DOCS:]
    names = names_in(docs + pair_docs)
    report = {"protocol": __doc__.split("\n\n")[1].replace("\n", " "), "documents": len(docs),
              "thresholds": {"other": restorer.threshold, "observed": restorer.observed_threshold}, "shapes": {}}
    for spec in shapes("test"):
        users = user_dictionaries(pair_docs, spec, 41, names)
        rows = {}
        for k in SCENARIOS:
            knowledge = Knowledge([users[k], prior], default_thesaurus())
            labelled = labelled_candidates(docs, spec, knowledge, detector, 5, names)
            clean = clean_changes(docs, knowledge, detector, restorer)
            rows[f"k={k}"] = {
                "learned": score_restoration(labelled, restorer, clean, users[k]).to_dict(),
                "naive": score_restoration(labelled, TrustingRestorer(),
                                           clean_changes(docs, knowledge, None, TrustingRestorer()), users[k]).to_dict(),
            }
            if k == 0:
                rows["k=0"]["precision_recall_curve"] = precision_recall_curve(labelled, restorer)
            print(spec.name, f"k={k}", json.dumps(rows[f"k={k}"]["learned"]), flush=True)
        report["shapes"][spec.name] = rows
    report["reference_restore_token_accuracy_at_80_percent"] = [
        reference_restore_accuracy(test[:args.reference_docs], spec, rate=0.8, seed=3) for spec in shapes("test")]
    report["seed_pair_000_restored_without_001"] = seed_pair(detector, restorer)
    report["seconds"] = round(time.time() - started)
    emit(report, args.json, indent=2)


if __name__ == "__main__":
    main()
