"""Restorations: a spun text put back against its known source, or without it from the knowledge
a restore draws on, with every change it made."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from ..alignment.aligner import align
from ..alignment.substitutions import Substitution, apply_substitutions
from ..detection.detector import Detector, load_detector, name_suspects_many
from ..detection.neural_detector import NeuralDetector
from ..detection.results import SuspectWord
from ..detection.streaming import StreamedScore, score_streamed
from ..detection.verdicts import DOCUMENT_LINE
from ..dictionary.substitutions import SubstitutionDictionary
from ..judge import Judge
from ..text.tokens import Sentence, match_case
from . import candidates
from .candidates import candidate_blocks
from .decisions import RestorerDecisions, TrustingRestorer
from .judged import restore_judged
from .knowledge import knowledge_for
from .restorer import default_restorer
from .results import (NO_BETTER, NO_CANDIDATE, NOT_LISTED, SENTENCE_CLEAN, UNDER_THE_LINE, Change, LeftAlone,
                      Restoration)


def restore_with_reference(spun_text: str, ref_text: str) -> Restoration:
    """Put every aligned spun phrase back to its original; sentences with no source stay as written."""
    alignment = align(spun_text, ref_text)
    return Restoration(apply_substitutions(spun_text, alignment.substitutions), alignment.substitutions, alignment)


def restore_without_reference(spun_text: str, dictionary: SubstitutionDictionary | None = None,
                              detector: Detector | NeuralDetector | None = None,
                              restorer: RestorerDecisions | TrustingRestorer | None = None,
                              only_dictionary: bool = False, judge: Judge | None = None) -> Restoration:
    """Restore ``spun_text`` without its source.

    Draws on the user's ``dictionary`` (if any) *and* the shipped prior dictionary and thesaurus
    (``only_dictionary``: the user's alone; a :class:`TrustingRestorer` always uses the user's
    alone, since it applies every match). ``detector``, ``restorer`` and ``judge`` default to
    the shipped ones, exactly as ``spinfix restore`` does. The result says which of the
    suspects the detector names were left as written, and why (:class:`LeftAlone`).
    """
    trusting = isinstance(restorer, TrustingRestorer)
    if isinstance(detector, NeuralDetector) and not (trusting or only_dictionary):
        return restore_judged(spun_text, detector, dictionary)
    knowledge = knowledge_for(dictionary, only_dictionary or trusting)
    detector = detector if detector is not None else load_detector()
    restorer = restorer if restorer is not None else default_restorer()
    streamed = score_streamed(detector, spun_text, block=candidates.RESTORE_BLOCK)
    suspects = _Suspects(streamed, restorer, NOT_LISTED if trusting or only_dictionary else NO_CANDIDATE)
    changes = []
    for block in candidate_blocks(spun_text, knowledge, detector, restorer.acts_on, judge, suspects.watched(),
                                  listed_only=trusting):
        made = []
        for cand, p in restorer.decide(block):
            spun = spun_text[cand.start:cand.end]
            original = carry_case(spun, cand.original) if trusting else match_case(spun, cand.original)
            made.append(Change(spun, original, cand.start, cand.end, round(p, 3)))
        suspects.settle(made, block.spans)
        changes += made
    restored = apply_substitutions(spun_text, [Substitution(c.spun, c.original, c.start, c.end, 0, 0) for c in changes])
    left, count, note = suspects.finish()
    return Restoration(restored, changes, left_alone=left, suspects=count, note=note)


@dataclass
class _Watched(StreamedScore):
    """A streamed score whose blocks a restore reads are also shown to ``see`` (so that the
    suspects of a block are named from the word evidence the restore computes anyway)."""

    see: Callable | None = None

    def blocks(self, flagged_only: bool = False):
        k = 0
        for block in super().blocks(flagged_only):
            if self.see is not None:
                self.see(k, *block)
            k += len(block[0])
            yield block


class _Suspects:
    """The suspects the detector names (in its flagged sentences), each either restored or left
    alone with a reason, settled a block at a time as the restore goes."""

    def __init__(self, streamed: StreamedScore, restorer, unknown: str):
        self.streamed, self.restorer, self.unknown = streamed, restorer, unknown
        self.pending: list[tuple[SuspectWord, bool]] = []  # (suspect, may its sentence change)
        self.left: list[LeftAlone] = []
        self.count, self.seen = 0, False

    def watched(self) -> _Watched:
        return _Watched(**{f.name: getattr(self.streamed, f.name) for f in fields(StreamedScore)}, see=self._see)

    def _see(self, k: int, sentences: list[Sentence], probabilities: np.ndarray, evidence) -> None:
        self.seen = True
        if evidence is None:
            return
        flagged = [i for i in range(len(sentences)) if self.streamed.flags[k + i]]
        named = name_suspects_many([sentences[i] for i in flagged], [evidence[i] for i in flagged])
        for i, suspects in zip(flagged, named):
            acting = self.restorer.acts_on(self.streamed.likelihood, float(probabilities[i]))
            self.pending += [(w, acting) for w in suspects]

    def settle(self, changes: list[Change], spans: list[tuple[int, int]]) -> None:
        """Resolve the pending suspects against a block's changes and its candidates' spans."""
        for w, acting in self.pending:
            self.count += 1
            if any(c.start < w.end and w.start < c.end for c in changes):
                continue
            reason = (SENTENCE_CLEAN if not acting else
                      NO_BETTER if any(a < w.end and w.start < b for a, b in spans) else self.unknown)
            self.left.append(LeftAlone(w.word, w.start, w.end, reason))
        self.pending = []

    def finish(self) -> tuple[list[LeftAlone], int, str]:
        """The suspects left alone, how many were named, and a note on the whole document."""
        streamed = self.streamed
        note = ""
        if not streamed.check.judgeable:
            note = f"cannot judge: {streamed.check.reason}"
        if not self.seen:  # the restorer ruled the whole document out before reading it
            for s in streamed.sentences():
                self.left += [LeftAlone(w.word, w.start, w.end, UNDER_THE_LINE) for w in s.suspects]
                self.count += len(s.suspects)
            if not note and streamed.sentence_count:
                line = getattr(self.restorer, "min_likelihood", DOCUMENT_LINE)
                note = (f"spin likelihood {streamed.spin_likelihood:.3f} is under the {line:g} line, and a restore "
                        "without a reference changes only likely spun text (with --dictionary LIST --trust a curated "
                        "list applies anyway)")
        return self.left, self.count, note


def carry_case(spun: str, original: str) -> str:
    """``original`` (as a dictionary keeps it, case-folded) written with the case of the spun
    phrase it replaces: a word the two share keeps its form ("concealed Markov model" -> "hidden
    Markov model", "Parkinson's infection" -> "Parkinson's disease"; so does a part of a hyphenated
    word, "NP-Difficult" -> "NP-hard"), then the whole is cased as
    :func:`~spinfix.text.tokens.match_case` does ("Brobdingnagian knowledge" -> "Big data").

    Examples
    --------
    >>> carry_case("Navier-Stokes conditions", "navier-stokes equations")
    'Navier-Stokes equations'
    >>> carry_case("WI-FIRELESS", "wi-fi")
    'WI-FI'
    """
    written = {part.casefold(): part for part in _PARTS.split(spun)}
    return match_case(spun, "".join(written.get(part, part) for part in _PARTS.split(original)))


_PARTS = re.compile(r"(\s+|-)")  # a phrase's words and the parts of its hyphenated words, with what joins them


restore_with_dictionary = restore_without_reference  # the name of earlier versions (it needs no dictionary)

__all__ = ["Change", "LeftAlone", "NO_BETTER", "NO_CANDIDATE", "NOT_LISTED", "Restoration", "SENTENCE_CLEAN",
           "UNDER_THE_LINE", "carry_case", "restore_with_dictionary", "restore_with_reference", "restore_without_reference"]
