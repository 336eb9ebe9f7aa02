"""Reference-free restoration quality, beside the naive baseline in the same run.

1. The shipped dictionary and restorer on held-out test documents (never seen by the dictionary,
   the restorer or the detector), spun by the synthetic spinner: precision and recall of restored
   substitutions (right = the spinner's original word back at its place), and changes made to the
   clean originals per 1,000 words. Baseline: replace every dictionary match by its most
   frequent original.
2. A dictionary learned from the seed pair alone (000 against 001), applied to 000 without
   its reference: precision and recall against the alignment's substitutions.
Usage: ``python benchmarks/restore_quality.py [--docs 200]``. ``--dictionary``, ``--restorer`` and
``--spinner thesaurus`` measure a pair built by ``spinfix dict learn --spinner thesaurus -o D --restorer R``.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from spinfix import SubstitutionDictionary, align
from spinfix.corpora import split_documents, training_documents
from spinfix.detecting import load_detector
from spinfix.evaluation import correct_changes, score_restoration
from spinfix.dictionary import load_dictionary
from spinfix.restoring import (TrustingRestorer, default_dictionary, default_restorer, load_restorer,
                               restore_with_dictionary)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seed_pair(detector, restorer) -> dict:
    spun = next(SEEDS.glob("000_*.txt")).read_text()
    source = next(SEEDS.glob("001_*.txt")).read_text()
    alignment = align(spun, source)
    dictionary = SubstitutionDictionary()
    dictionary.add_alignment(alignment)
    truth = alignment.phrase_pairs
    out = {}
    for name, decider in (("learned", restorer), ("naive", TrustingRestorer())):
        changes = restore_with_dictionary(spun, dictionary, detector, decider).substitutions
        correct = correct_changes(changes, [type("T", (), {"start": s.spun_start, "end": s.spun_end,
                                                            "original": s.original}) for s in truth])
        out[name] = {"changes": len(changes), "correct": correct, "substitutions": len(truth),
                     "precision": round(correct / max(len(changes), 1), 4), "recall": round(correct / len(truth), 4)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--dictionary", help="dictionary to measure (default: the shipped one)")
    parser.add_argument("--restorer", help="restorer to measure (default: the shipped one)")
    parser.add_argument("--spinner", choices=["table", "thesaurus"], default="table",
                        help="the spinner the dictionary learned from")
    args = parser.parse_args()
    detector = load_detector()
    dictionary = load_dictionary(args.dictionary) if args.dictionary else default_dictionary()
    restorer = load_restorer(args.restorer) if args.restorer else default_restorer()
    test = split_documents(training_documents())["test"][:args.docs]
    table = args.spinner == "table"
    report = {
        "held_out_documents": len(test), "spinner": args.spinner,
        "learned": score_restoration(test, dictionary, detector, restorer, seed=5, table=table).to_dict(),
        "naive_baseline": score_restoration(test, dictionary, detector, TrustingRestorer(), seed=5,
                                            table=table).to_dict(),
        "seed_pair_dictionary_on_000": seed_pair(detector, restorer),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
