"""Reference-free restoration decided by the neural judge.

Every span the neural detector finds likely swapped, and every span a user's dictionary lists,
is compared with more of its originals (:data:`COMPARED`, over :data:`WINDOW` words after it);
the judge's ranking decides, sentence by sentence, never gated by the document's likelihood:
a pair the user's dictionary lists is applied when the judge prefers it at all (a pair seen once
is enough), any other original when it beats the span clearly and beats the next original
clearly too. Every suspect left alone says why.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..alignment.substitutions import Substitution, apply_substitutions
from ..detection.judged import Span
from ..detection.neural_detector import NeuralDetector, shipped_originals
from ..detection.originals import Originals
from ..dictionary.storage import default_dictionary
from ..dictionary.substitutions import SubstitutionDictionary
from ..text.thesaurus import default_thesaurus
from ..text.tokens import match_case, split_sentences
from .results import NO_BETTER, NO_CANDIDATE, Change, LeftAlone, Restoration

RESTORE_FROM = 0.3  # span probability from which a span is compared again for a restore
APPLY_FROM = 0.5  # span probability from which an unlisted original may be applied
DELTA_MIN = 3.0  # nats an unlisted original must beat the span by
MARGIN_MIN = 1.0  # nats it must beat the next original by
USER_MIN = 0.0  # nats a pair the user's dictionary lists must beat the span by
COMPARED = 8
WINDOW = 3
LISTED_AND_PREFERRED = "your dictionary lists it and the judge prefers it"
FITS_BETTER = "an original fits clearly better"
UNLIKELY = "not likely enough a swap"
BY_TOO_LITTLE = "the likeliest original fits better by too little"
TIED = "two originals fit about equally"


@dataclass(frozen=True)
class Rule:
    """When a restore applies an original: see the module's docstring and its constants."""

    restore_from: float = RESTORE_FROM
    apply_from: float = APPLY_FROM
    delta_min: float = DELTA_MIN
    margin_min: float = MARGIN_MIN
    user_min: float = USER_MIN

    def decide(self, span: Span, p: float) -> tuple[str | None, str]:
        """The original to put back (or None) and the reason."""
        if not len(span.deltas):
            return None, NO_CANDIDATE
        order = np.argsort(-span.deltas)
        best, d1 = span.originals[order[0]], float(span.deltas[order[0]])
        d2 = float(span.deltas[order[1]]) if len(order) > 1 else -np.inf
        listed = {q.original: q for q in span.proposals}
        user = [(float(d), o) for o, d in zip(span.originals, span.deltas) if listed.get(o) and listed[o].user]
        if user:
            d, o = max(user)
            if d > self.user_min:
                return o, LISTED_AND_PREFERRED
        if d1 <= 0:
            return None, NO_BETTER
        if p < self.apply_from:
            return None, UNLIKELY
        if d1 < self.delta_min:
            return None, BY_TOO_LITTLE
        if d1 - d2 < self.margin_min:
            return None, TIED
        return best, FITS_BETTER


def restore_judged(text: str, detector: NeuralDetector, dictionary: SubstitutionDictionary | None = None,
                   rule: Rule = Rule()) -> Restoration:
    """Restore ``text`` without its source, with the neural detector's judge deciding.

    Parameters
    ----------
    text : the spun text.
    detector : the neural detector (its judge and originals).
    dictionary : the user's pairs (observed and curated), used beside the shipped knowledge.
    rule : when an original is applied.

    Returns
    -------
    Restoration
        The restored text, the changes (``confidence``: the span's probability of being a swap)
        and the suspects left alone with their reasons.
    """
    if dictionary is not None and len(dictionary):
        detector = replace(detector, originals=Originals(default_thesaurus(), default_dictionary(), [dictionary]))
    elif detector.originals is None:
        detector = replace(detector, originals=shipped_originals())
    spans, p = detector.spans(text, split_sentences(text), extend=lambda found: _deeper(detector, found, rule))
    changes, left = [], []
    taken = -1
    for span, q in sorted(zip(spans, p), key=lambda sp: sp[0].start):
        listed = any(x.user for x in span.proposals)
        if q < rule.restore_from and not listed:
            continue
        original, reason = rule.decide(span, float(q))
        if original is not None and span.start >= taken:
            changes.append(Change(span.text, match_case(span.text, original), span.start, span.end, round(float(q), 3)))
            taken = span.end
        elif q >= detector.suspect_from or listed:
            left.append(LeftAlone(span.text, span.start, span.end, reason))
    restored = apply_substitutions(text, [Substitution(c.spun, c.original, c.start, c.end, 0, 0) for c in changes])
    return Restoration(restored, changes, left_alone=left, suspects=len(changes) + len(left))


def _deeper(detector: NeuralDetector, spans: list[Span], rule: Rule) -> np.ndarray:
    """Which spans a restore compares again: likely swaps, and spans a user's pair lists."""
    rows = np.array([s.row for s in spans], dtype=float)
    p = detector.models.span(rows)
    return (p >= rule.restore_from) | np.array([any(x.user for x in s.proposals) for s in spans])


__all__ = ["Rule", "restore_judged"]
