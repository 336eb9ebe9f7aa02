"""Reference-free restoration decided by the neural judge.

Every span that a restore may change or must account for (likely enough a swap to be put back,
or a suspect), and every span a user's dictionary lists, is compared with more of its originals
(:data:`COMPARED`, over :data:`WINDOW` words after it); the judge's ranking decides, sentence
by sentence, never gated by the document's likelihood: a pair the user's dictionary lists is
applied when the judge prefers it by a nat (a pair seen once is enough; by five in a sentence that
reads as clean), any other original (the
one a score names: direct ones first) when it beats the span clearly and beats the next original
clearly too, or the original the context expects when it leads every direct one by far. Only
originals related to the spun words are put back, and never one guessed by inflecting its
stem's. Every suspect left alone says why.
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

APPLY_FROM = 0.5  # span probability from which an unlisted original may be applied
DELTA_MIN = 5.0  # nats an unlisted original must beat the span by
MARGIN_MIN = 5.0  # nats it must beat the next original by
FAR_MARGIN = 3.0  # nats a two-step original may beat the direct one named by before the two count as tied
LEAD = 10.0  # nats by which an original beating every direct one is put back all the same ...
LEAD_MARGIN = 3.0  # ... when it beats every other original by this many
USER_MIN = 1.0  # nats a pair the user's dictionary lists must beat the span by ...
USER_SENTENCE_MIN = 0.1  # ... in a sentence at least this likely spun; elsewhere it must beat it by
USER_STRONG = 5.0  # this many nats (a clean sentence's word often has a listed neighbour the judge likes a little more)
COMPARED = 8
WINDOW = 3
SHOWN = 3  # originals a score names that a suspect left alone shows, with their nats
LISTED_AND_PREFERRED = "your dictionary lists it and the judge prefers it"
LISTED_IN_CLEAN = "your dictionary lists it, but its sentence reads as clean and the judge prefers it by too little"
FITS_BETTER = "an original fits clearly better"
UNLIKELY = "not likely enough a swap"
BY_TOO_LITTLE = "the likeliest original fits better by too little"
TIED = "two originals fit about equally"
INFLECTED = "its originals are its stem's, inflected: named, not put back"


@dataclass(frozen=True)
class Rule:
    """When a restore applies an original: see the module's docstring and its constants."""

    apply_from: float = APPLY_FROM
    delta_min: float = DELTA_MIN
    margin_min: float = MARGIN_MIN
    user_min: float = USER_MIN
    far_margin: float = FAR_MARGIN
    lead: float = LEAD
    lead_margin: float = LEAD_MARGIN
    user_sentence_min: float = USER_SENTENCE_MIN
    user_strong: float = USER_STRONG

    def looked_at(self, detector: NeuralDetector) -> float:
        """The span probability from which a restore compares a span again: where it may put an
        unlisted original back (``apply_from``) or must say why it left a suspect
        (``detector.suspect_from``); below both, nothing it finds is used."""
        return min(self.apply_from, detector.suspect_from)

    def decide(self, span: Span, p: float, sentence: float = 1.0) -> tuple[str | None, str]:
        """The original to put back (or None) and the reason, for a span of probability ``p``
        in a sentence of probability ``sentence``: a pair the user's dictionary lists that the
        judge prefers (by ``user_min`` where the sentence reads as spun, ``user_strong``
        anywhere), else the one a score names (:attr:`~spinfix.detection.judged.Span.named`:
        direct ones first, "soiled" -> "dirty"), unless a two-step neighbour fits better by more
        than ``far_margin`` ("found a soiled bomb": "small"), which leaves the two tied; but
        a related original that beats every direct one by ``lead`` and every other by
        ``lead_margin`` is the context's choice ("keeps mark of": "track"; "charge": "command" 20.6,
        "program" 11.6, the direct "file" 8.9)."""
        if not len(span.deltas):
            return None, NO_CANDIDATE
        listed = {q.original: q for q in span.proposals}
        user = [(float(d), o) for o, d in zip(span.originals, span.deltas) if listed.get(o) and listed[o].user]
        held_back = False
        if user:
            d, o = max(user)
            if d > self.user_strong or (d > self.user_min and sentence >= self.user_sentence_min):
                return o, LISTED_AND_PREFERRED
            held_back = d > self.user_min
        original, reason = self._named(span, p)
        return (original, reason) if original is not None or not held_back else (None, LISTED_IN_CLEAN)

    def _named(self, span: Span, p: float) -> tuple[str | None, str]:
        """The original a score names, when it clearly fits best (see :meth:`decide`)."""
        named = span.named
        if not named:
            return None, NO_CANDIDATE
        d1, best = named[0]
        d2 = named[1][0] if len(named) > 1 else -np.inf
        if d1 <= 0:
            return None, NO_BETTER
        if p < self.apply_from:
            return None, UNLIKELY
        if all(q.inflected for q in span.proposals):
            return None, INFLECTED
        leading = self._leading(span)
        if leading is not None:
            return leading, FITS_BETTER
        if d1 < self.delta_min:
            return None, BY_TOO_LITTLE
        if d1 - d2 < self.margin_min or span.related[0][0] - d1 > self.far_margin:
            return None, TIED
        return best, FITS_BETTER

    def _leading(self, span: Span) -> str | None:
        """The related original that beats the span by ``delta_min``, every direct original by
        ``lead`` and every other original by ``lead_margin``, if any."""
        related = span.related
        d1, best = related[0]
        d2 = related[1][0] if len(related) > 1 else -np.inf
        direct = max((d for d, _ in span.direct), default=-np.inf)
        ok = d1 >= self.delta_min and d1 - d2 >= self.lead_margin and d1 - direct >= self.lead
        return best if ok else None


def restore_judged(text: str, detector: NeuralDetector, dictionary: SubstitutionDictionary | None = None,
                   rule: Rule = Rule()) -> Restoration:
    """Restore ``text`` without its source, with the neural detector's judge deciding.

    A second look follows at the sentences where something was put back, since one original
    makes the next one likelier ("irregular backwoods": once "random" stands, "forest" fits).

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
    sentences = split_sentences(text)
    changes, left = _decide(detector, text, sentences, rule)
    if changes:
        restored = _apply(text, changes)
        placed = _restored_spans(changes)
        touched = [s for s in split_sentences(restored) if any(s.start <= a and b <= s.end for a, b in placed)]
        more, left_again = _decide(detector, restored, touched, rule, placed)
        if more:
            back = _offsets_back(changes)
            changes = sorted(changes + [replace(c, start=back(c.start), end=back(c.end)) for c in more],
                             key=lambda c: c.start)
            left = [w for w in left if not any(c.start < w.end and w.start < c.end for c in changes)]
            left += [replace(w, start=back(w.start), end=back(w.end)) for w in left_again
                     if not any(back(w.start) == x.start for x in left)]
    left.sort(key=lambda w: w.start)
    return Restoration(_apply(text, changes), changes, left_alone=left, suspects=len(changes) + len(left))


def _decide(detector: NeuralDetector, text: str, sentences: list, rule: Rule,
            fixed: list[tuple[int, int]] = ()) -> tuple[list[Change], list[LeftAlone]]:
    """The changes and the suspects left alone in ``sentences`` of ``text`` (``fixed``: spans
    already put back, never changed again)."""
    spans, p = detector.spans(text, sentences, extend=lambda found: _deeper(detector, found, rule))
    sentence_p = detector.sentence_probabilities(spans, p, sentences)
    changes, left = [], []
    taken = -1
    for span, q in sorted(zip(spans, p), key=lambda sp: sp[0].start):
        if any(a < span.end and span.start < b for a, b in fixed):
            continue
        listed = any(x.user for x in span.proposals)
        if q < rule.looked_at(detector) and not listed:
            continue
        original, reason = rule.decide(span, float(q), float(sentence_p[span.sentence]))
        if original is not None and span.start >= taken:
            changes.append(Change(span.text, match_case(span.text, original), span.start, span.end, round(float(q), 3),
                                  _rounded(_weighed(span, original))))
            taken = span.end
        elif q >= detector.suspect_from or listed:
            left.append(LeftAlone(span.text, span.start, span.end, reason, _rounded(_weighed(span))))
    return changes, left


def _weighed(span: Span, chosen: str | None = None) -> list[tuple[float, str]]:
    """The originals a restore weighed at ``span``, best first: the first :data:`SHOWN` a score
    names, the best of all where it fits better still (a two-step neighbour that leaves them
    tied), and the ``chosen`` one put back wherever it ranks (a pair your dictionary lists)."""
    named = span.named[:SHOWN]
    best = [r for r in span.related[:1] if r not in named and (not named or r[0] > named[0][0])]
    shown = best + named
    extra = [r for r in span.related if r[1] == chosen and r not in shown][:1]
    return sorted(shown + extra, reverse=True) if extra else shown


def _rounded(weighed: list[tuple[float, str]]) -> tuple[tuple[str, float], ...]:
    """(original, nats) pairs as a change or a suspect left alone keeps them."""
    return tuple((o, round(d, 1)) for d, o in weighed)


def _apply(text: str, changes: list[Change]) -> str:
    return apply_substitutions(text, [Substitution(c.spun, c.original, c.start, c.end, 0, 0) for c in changes])


def _restored_spans(changes: list[Change]) -> list[tuple[int, int]]:
    """Where the changes' originals stand in the restored text."""
    out, shift = [], 0
    for c in sorted(changes, key=lambda c: c.start):
        out.append((c.start + shift, c.start + shift + len(c.original)))
        shift += len(c.original) - (c.end - c.start)
    return out


def _offsets_back(changes: list[Change]):
    """A map from offsets in the restored text (outside the changes) to offsets in the spun text."""
    marks = []  # (where a change ends in the restored text, the shift from there on)
    shift = 0
    for c in sorted(changes, key=lambda c: c.start):
        shift += len(c.original) - (c.end - c.start)
        marks.append((c.end + shift, shift))

    def back(pos: int) -> int:
        delta = 0
        for restored_end, shift_after in marks:
            if pos >= restored_end:
                delta = shift_after
        return pos - delta

    return back


def _deeper(detector: NeuralDetector, spans: list[Span], rule: Rule) -> np.ndarray:
    """Which spans a restore compares again: those it may change or must account for
    (:meth:`Rule.looked_at`), and spans a user's pair lists."""
    rows = np.array([s.row for s in spans], dtype=float)
    p = detector.span_probability(rows)
    return (p >= rule.looked_at(detector)) | np.array([any(x.user for x in s.proposals) for s in spans])


__all__ = ["Rule", "restore_judged"]
