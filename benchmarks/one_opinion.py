"""One opinion per word: do `score`'s named suspects and `restore`'s changes agree?

For documents spun by each spinner table shape, with the shipped knowledge (no user pairs):
how many suspects `score` names, how many of them sit at a swap, and how many carry the
spinner's very original; and the share of the reference-free restore's changes at a word
`score` names. Each figure with the shipped dictionary's known pairs naming suspects (as
shipped) and without (the word evidence alone), in one run. Protocol: the ``tune`` shapes
over validation documents (where the known pairs' bar was chosen), the ``test`` shapes over
held-out test documents (nothing chosen there).

Usage: ``python benchmarks/one_opinion.py [--docs 60] [--json OUT]``
"""
from __future__ import annotations

import argparse

import spinfix.detection.detector as detector_module
import spinfix.detection.phrase_evidence as phrase_lists
from output import emit
from spinfix.training.corpora import split_documents, training_documents
from spinfix.detection.detector import load_detector
from spinfix.dictionary.substitutions import SubstitutionDictionary
from spinfix.training.labelling import names_in
from spinfix.training.restorer_trainer import spin
from spinfix.restoration.candidates import find_candidates
from spinfix.restoration.knowledge import shipped_knowledge
from spinfix.restoration.restorer import default_restorer
from spinfix.training.spinner_tables import shapes

ROLES = {"tune": ("validation", 200), "test": ("test", 0)}  # shapes -> documents (split, first index)


def agreement(scores, spun: list[tuple[str, dict, list]]) -> dict:
    """Named suspects at a swap and with its original, and restore's changes among them."""
    named = at_swap = right = changes = covered = 0
    for score, (_, swaps, made) in zip(scores, spun):
        suspects = [w for s in score.sentences for w in s.suspects]
        for w in suspects:
            hits = [k for k in swaps if k[0] < w.end and w.start < k[1]]
            named += 1
            at_swap += bool(hits)
            right += any(swaps[k] == (w.original or "").lower() for k in hits)
        for c in made:
            changes += 1
            covered += any(w.start < c.end and c.start < w.end for w in suspects)
    return {"named": named, "at_a_swap": round(at_swap / max(named, 1), 4),
            "right_original": round(right / max(named, 1), 4), "restore_changes": changes,
            "changes_among_suspects": round(covered / max(changes, 1), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=60, help="documents per shape")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    detector, restorer, knowledge = load_detector(), default_restorer(), shipped_knowledge()
    split = split_documents(training_documents())
    shipped = detector_module.known_pairs  # what names suspects, swapped below for none
    none = phrase_lists.PhraseList(SubstitutionDictionary(), {"prior": phrase_lists.KNOWN_GAIN})
    report = {"protocol": __doc__.split("\n\n")[1].replace("\n", " "), "documents": args.docs, "shapes": {}}
    for role, (part, first) in ROLES.items():
        docs = split[part][first:first + args.docs]
        names = names_in(docs)
        for spec in shapes(role):
            spun = []
            for k, doc in enumerate(docs):
                text, swaps = spin(doc, spec, 5 * 7907 + k, names)
                made = [c for c, _ in restorer.decide(find_candidates(text, knowledge, detector, restorer.acts_on))]
                spun.append((text, {(w.start, w.end): w.original.lower() for w in swaps}, made))
            rows = {}
            for label, pairs in (("word evidence alone", lambda: none), ("with known pairs (shipped)", shipped)):
                detector_module.known_pairs = pairs
                rows[label] = agreement(detector.score_texts([t for t, _, _ in spun]), spun)
            detector_module.known_pairs = shipped
            report["shapes"][f"{role}/{spec.name}"] = rows
            print(role, spec.name, rows, flush=True)
    emit(report, args.json, indent=1)


if __name__ == "__main__":
    main()
