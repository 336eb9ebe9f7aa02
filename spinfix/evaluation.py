"""Measuring reference-free restoration against known truth (the synthetic spinner's swaps)."""
from __future__ import annotations

from dataclasses import dataclass

from .corpora import Document
from .detecting import Detector
from .dictionary import SubstitutionDictionary
from .restoring import Change, Restorer, TrustingRestorer, find_candidates
from .spinning import Swap
from .training import labelled_candidates


@dataclass
class RestorationScore:
    """Precision and recall of restored substitutions, and changes made to clean text."""

    precision: float
    recall: float
    changes: int
    correct: int
    swaps: int
    clean_changes_per_1000_words: float

    def to_dict(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def correct_changes(changes: list[Change], swaps: list[Swap]) -> int:
    """Changes that put back exactly what the spinner replaced, at the place it replaced it."""
    truth = {(w.start, w.end): w.original.lower() for w in swaps}
    return sum(truth.get((c.start, c.end)) == c.original.lower() for c in changes)


def score_restoration(docs: list[Document], dictionary: SubstitutionDictionary, detector: Detector | None,
                      restorer: Restorer | TrustingRestorer, seed: int = 0, table: bool = True) -> RestorationScore:
    """Spin each held-out document (``table``: with the spinner the dictionary learned from, as
    in :func:`spinfix.training.learn_dictionary`), restore it without its source and count right
    changes; then restore the clean originals and count every change made to them."""
    groups, truths, _ = labelled_candidates(docs, dictionary, detector, seed, table)
    changes = correct = swaps = 0
    for doc_groups, truth in zip(groups, truths):
        decided = restorer.decide(doc_groups)
        made = [Change("", c.original, c.start, c.end, p) for c, p in decided]
        changes += len(made)
        correct += correct_changes(made, truth)
        swaps += len(truth)
    clean = sum(len(restorer.decide(find_candidates(d.text, dictionary, detector))) for d in docs)
    words = sum(len(d.text.split()) for d in docs)
    return RestorationScore(correct / max(changes, 1), correct / max(swaps, 1), changes, correct, swaps,
                            1000 * clean / max(words, 1))


__all__ = ["RestorationScore", "correct_changes", "score_restoration"]
