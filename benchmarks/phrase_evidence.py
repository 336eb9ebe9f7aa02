"""Observed pairs as evidence in scoring (as ``score --phrase-list`` counts curated ones): false alarms and detection.

A user's dictionary of ``observed`` pairs (k spun/clean pairs of one spinner aligned, as
``spinfix align --save-pairs`` does) is counted as evidence where the language model prefers
the original by a gain (log10) of at least a bar (``PhraseList(dictionary, {"observed": bar})``;
``score --phrase-list`` counts curated rows only, because of what this measures). For each bar: the share of clean documents at spin
likelihood >= 0.5 and of clean sentences flagged (held-out documents of the training sources,
and out-of-domain clean sources, never trained on), and the share of that spinner's spun
documents at >= 0.5. Protocol: the ``tune`` shapes are measured over validation documents and
the out-of-domain validation halves, where a choice is made; the ``test`` shapes over held-out
test documents and the test halves, where nothing is chosen.

Usage: ``python benchmarks/phrase_evidence.py [--docs 40] [--bars 0 0.5 1 2] [--json OUT]``
"""
from __future__ import annotations

import argparse

import numpy as np

from output import emit
from spinfix.training.corpora import ood_splits, source_documents, split_documents, training_documents
from spinfix.detection.detector import load_detector
from spinfix.training.labelling import names_in
from spinfix.detection.phrase_evidence import PhraseList
from spinfix.training.restorer_trainer import PAIR_DOCS, spin, user_dictionaries
from spinfix.training.spinner_tables import shapes

ROLES = {"tune": "validation", "test": "test"}  # spinner shapes -> the documents they are measured on


def rates(detector, texts: list[str]) -> dict:
    """Documents at likelihood >= 0.5 and sentences flagged, as shares."""
    scores = detector.score_texts(texts)
    return {"documents_at_0.5": round(float(np.mean([s.spin_likelihood >= 0.5 for s in scores])), 4),
            "sentences_flagged": round(float(np.mean([x.flagged for s in scores for x in s.sentences])), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=40, help="documents per set")
    parser.add_argument("--bars", type=float, nargs="+", default=[0.0, 0.5, 1.0, 2.0])
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    detector = load_detector()
    split = split_documents(training_documents())
    ood = ood_splits(source_documents("ood"))
    pair_docs = split["test"][-PAIR_DOCS:]
    report = {"protocol": __doc__.split("\n\n")[1].replace("\n", " "), "documents": args.docs, "roles": {}}
    for role, part in ROLES.items():
        docs = split[part][:args.docs]
        clean = {"held-out": [d.text for d in docs]} | {name: [d.text for d in ds[:args.docs]]
                                                        for name, ds in ood[part].items()}
        names = names_in(docs + pair_docs)
        out = {}
        for spec in shapes(role):
            users = user_dictionaries(pair_docs, spec, 41, names)
            spun = [spin(d, spec, 5 * 7907 + k, names)[0] for k, d in enumerate(docs)]
            rows = {"no list": {"spun_at_0.5": rates(detector, spun)["documents_at_0.5"],
                                **{name: rates(detector, texts) for name, texts in clean.items()}}}
            for bar in args.bars:
                for k in (1, 10):
                    listed = detector.with_phrases(PhraseList(users[k], {"observed": bar}))
                    rows[f"bar={bar:g} k={k}"] = {"spun_at_0.5": rates(listed, spun)["documents_at_0.5"],
                                                  **{name: rates(listed, texts) for name, texts in clean.items()}}
                    print(role, spec.name, f"bar={bar:g} k={k}", rows[f"bar={bar:g} k={k}"], flush=True)
            out[spec.name] = rows
        report["roles"][role] = out
    emit(report, args.json, indent=1)


if __name__ == "__main__":
    main()
