"""Measuring reference-free restoration against known truth (a synthetic spinner's swaps).

The measure is per scenario: documents spun by one spinner table, the knowledge a user would
have (k aligned pairs of that spinner, the shipped prior, the thesaurus), a restorer. Right
means the spinner's original put back at the very place it replaced it.
"""
from __future__ import annotations

import difflib
import random
from dataclasses import dataclass

import numpy as np

from ..detection.detector import Detector
from ..dictionary.substitutions import SubstitutionDictionary
from ..restoration.candidates import find_candidates
from ..restoration.decisions import RestorerDecisions, TrustingRestorer
from ..restoration.knowledge import Knowledge
from ..restoration.restorations import Change, restore_with_reference
from ..text.phrases import phrase_key
from ..text.tokens import tokenize
from ..text.words import function_words_only
from .corpora import Document
from .labelling import names_in
from .restorer_trainer import Labelled, is_right, swap_truth
from .spinner import Spinner, Swap
from .spinner_tables import TableShape, build_table


@dataclass
class RestorationScore:
    """Precision and recall of restored substitutions (recall over all swaps, over the swaps
    whose pair the user's dictionary holds, and over those of them whose spun side is not
    function words alone), and changes made to clean text."""

    precision: float
    recall: float
    recall_held: float
    recall_held_content: float
    changes: int
    correct: int
    swaps: int
    held_swaps: int
    held_content_swaps: int
    clean_changes_per_1000_words: float

    def to_dict(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def correct_changes(changes: list[Change], swaps: list[Swap]) -> int:
    """Changes that put back exactly what the spinner replaced, at the place it replaced it."""
    truth = swap_truth(swaps)
    return sum(is_right(c, truth) for c in changes)


def held_by(swaps: list[Swap], dictionary: SubstitutionDictionary | None) -> list[Swap]:
    """The swaps whose ``spun -> original`` pair ``dictionary`` holds."""
    if dictionary is None:
        return []
    return [w for w in swaps if dictionary.count(phrase_key(w.spun), phrase_key(w.original))]


def decisions(labelled: Labelled, restorer: RestorerDecisions) -> list[list[tuple[Change, float]]]:
    """Per document, every change the restorer would make at any threshold, with its probability."""
    return [[(Change("", c.original, c.start, c.end, p), p) for c, p in restorer.scored(doc)]
            for doc in labelled.groups]


def clean_changes(docs: list[Document], knowledge: Knowledge, detector: Detector | None,
                  restorer: RestorerDecisions | TrustingRestorer) -> float:
    """Changes the restorer makes to the clean originals, per 1,000 words."""
    made = sum(len(restorer.decide(find_candidates(d.text, knowledge, detector, restorer.acts_on))) for d in docs)
    return 1000 * made / max(sum(len(d.text.split()) for d in docs), 1)


def score_restoration(labelled: Labelled, restorer: RestorerDecisions | TrustingRestorer, clean_rate: float,
                      dictionary: SubstitutionDictionary | None = None) -> RestorationScore:
    """Score the changes the restorer makes, at its own thresholds, on spun documents whose
    truth ``labelled`` holds."""
    made = [[Change("", c.original, c.start, c.end, p) for c, p in restorer.decide(doc)] for doc in labelled.groups]
    return _score(labelled, made, clean_rate, dictionary)


def _score(labelled: Labelled, made: list[list[Change]], clean_rate: float,
           dictionary: SubstitutionDictionary | None) -> RestorationScore:
    changes = correct = swaps = held = held_correct = content = content_correct = 0
    for kept, truth in zip(made, labelled.truths):
        held_swaps = held_by(truth, dictionary)
        content_swaps = [w for w in held_swaps if not function_words_only(phrase_key(w.spun).split())]
        changes += len(kept)
        correct += correct_changes(kept, truth)
        swaps += len(truth)
        held += len(held_swaps)
        held_correct += correct_changes(kept, held_swaps)
        content += len(content_swaps)
        content_correct += correct_changes(kept, content_swaps)
    return RestorationScore(correct / max(changes, 1), correct / max(swaps, 1), held_correct / max(held, 1),
                            content_correct / max(content, 1), changes, correct, swaps, held, content, clean_rate)


def precision_recall_curve(labelled: Labelled, restorer: RestorerDecisions, points: int = 21) -> list[dict]:
    """Precision and recall at a range of thresholds (the probabilities' quantiles), one
    threshold for every candidate."""
    made = decisions(labelled, restorer)
    probabilities = sorted(p for doc in made for _, p in doc)
    if not probabilities:
        return []
    out = []
    for t in sorted(set(np.quantile(probabilities, np.linspace(0, 0.995, points)).round(3))):
        s = _score(labelled, [[c for c, p in doc if p >= t] for doc in made], float("nan"), None)
        out.append({"threshold": float(t), "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                    "changes": s.changes})
    return out


FOOTER_LINES = (
    "Your email address will not be published.", "Required fields are marked", "Fix or repair",
    "Leave a Reply", "Share this story", "Related Articles", "Sign up for our daily newsletter",
    "Click here to read the full story", "All rights reserved.", "Report an error", "Back to top",
)


def token_accuracy(restored: str, source: str) -> float:
    """Tokens in the same order in both texts, over the longer token count (1.0: identical)."""
    a, b = [t.text for t in tokenize(restored)], [t.text for t in tokenize(source)]
    matched = sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched / max(len(a), len(b), 1)


def with_furniture(doc: Document, rng: random.Random) -> str:
    """``doc`` as a scraped page: a headline and dateline line above, footer lines below."""
    top = [doc.text.strip().split("\n", 1)[0], f"Updated {rng.randint(1, 12)}:{rng.randint(10, 59)} PM"]
    return "\n".join(top + [doc.text.strip()] + rng.sample(FOOTER_LINES, 5)) + "\n"


def reference_restore_accuracy(docs: list[Document], spec: TableShape, rate: float = 0.8,
                               seed: int = 0) -> dict:
    """Spin each document with its page furniture at ``rate`` of ``spec``'s matches, restore it
    against its source, and measure the token accuracy of the result against the source."""
    names = names_in(docs)
    accuracies = []
    for k, doc in enumerate(docs):
        source = with_furniture(doc, random.Random(seed + k))
        spinner = Spinner(rate, seed=seed * 7919 + k, names=names, thesaurus=build_table(spec))
        spun, _ = spinner.spin_document(source)
        accuracies.append(token_accuracy(restore_with_reference(spun, source).restored, source))
    return {"documents": len(docs), "rate": rate, "shape": spec.name,
            "token_accuracy": round(float(np.mean(accuracies)), 4), "worst": round(min(accuracies), 4)}


__all__ = ["RestorationScore", "reference_restore_accuracy", "token_accuracy", "with_furniture", "clean_changes", "correct_changes", "decisions", "held_by",
           "precision_recall_curve", "score_restoration"]
