"""Restorations: a spun text put back against its known source, or without it from the knowledge
a restore draws on, with every change it made."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import TextIO

import numpy as np

from ..alignment.aligner import Alignment, align
from ..alignment.substitutions import Substitution, apply_substitutions
from ..detection.detector import Detector, load_detector, name_suspects
from ..detection.results import SuspectWord
from ..detection.streaming import StreamedScore, score_streamed
from ..detection.verdicts import DOCUMENT_LINE
from ..dictionary.substitutions import SubstitutionDictionary
from ..judge import Judge
from ..persist.files import write_json_object
from ..text.tokens import Sentence, match_case
from ..wording import plural
from . import candidates
from .candidates import candidate_blocks
from .decisions import RestorerDecisions, TrustingRestorer
from .knowledge import knowledge_for
from .restorer import default_restorer


@dataclass(frozen=True)
class Change:
    """A reference-free restoration: ``spun`` at ``start:end`` put back to ``original``."""

    spun: str
    original: str
    start: int
    end: int
    confidence: float

    def to_dict(self) -> dict:
        return asdict(self)


# Why a suspect the detector names was left as written (LeftAlone.reason)
UNDER_THE_LINE = f"document under the {DOCUMENT_LINE:g} line"
SENTENCE_CLEAN = "sentence judged clean"
NO_BETTER = "no original fits better"
NO_CANDIDATE = "no candidate"
NOT_LISTED = "not in the dictionary"


@dataclass(frozen=True)
class LeftAlone:
    """A suspect word the detector names (``word`` at ``start:end``) that a restore left as
    written, and why (``reason``: :data:`UNDER_THE_LINE`, :data:`SENTENCE_CLEAN`,
    :data:`NO_BETTER`, :data:`NO_CANDIDATE`, :data:`NOT_LISTED`)."""

    word: str
    start: int
    end: int
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Restoration:
    """A restored text and the changes that produced it (offsets into the spun text); for a
    restore without a reference, the suspects the detector names that it ``left_alone`` and
    why, how many ``suspects`` it named in all (None: not known), and a ``note`` on the whole
    document (why nothing could change in it). :meth:`summary` says it in one line.

    Examples
    --------
    >>> result = restore_with_reference("The soiled bomb.", "The dirty bomb.")
    >>> result.restored, [(s.spun, s.original) for s in result.substitutions]
    ('The dirty bomb.', [('soiled', 'dirty')])
    >>> result.summary()
    'restored 1 span against the reference'
    >>> Restoration("...", [], left_alone=[LeftAlone("harm", 4, 8, NO_BETTER)], suspects=1).summary()
    'restored 0 of 1 suspect; 1 left: no original fits better'
    """

    restored: str
    substitutions: list[Substitution] | list[Change]
    alignment: Alignment | None = field(default=None, repr=False)
    left_alone: list[LeftAlone] = field(default_factory=list)
    suspects: int | None = None
    note: str = ""

    def summary(self) -> str:
        """What the restore did and did not do, and why, in one line ("restored 3 of 5 suspects;
        2 left: no original fits better")."""
        changes = len(self.substitutions)
        if self.alignment is not None:
            unaligned = len(self.alignment.unaligned_spun)
            return (f"restored {plural(changes, 'span')} against the reference"
                    + (f"; {plural(unaligned, 'spun sentence')} with no source in it left as written" if unaligned else ""))
        if self.note and not changes:
            left = len(self.left_alone)
            return f"restored nothing: {self.note}" + (f"; {plural(left, 'suspect')} left as written" if left else "")
        if self.suspects is None:
            line = f"restored {plural(changes, 'span')}"
        elif not self.suspects:
            line = f"restored {plural(changes, 'span')}" + ("" if changes else " (score names no suspect)")
        else:
            fixed = self.suspects - len(self.left_alone)
            line = f"restored {fixed} of {plural(self.suspects, 'suspect')}"
            if changes > fixed:
                line += f" and {plural(changes - fixed, 'other span')}"
        if self.left_alone:
            reasons = Counter(w.reason for w in self.left_alone)
            line += f"; {len(self.left_alone)} left: " + (
                next(iter(reasons)) if len(reasons) == 1 else ", ".join(f"{n} {r}" for r, n in reasons.most_common()))
        return line + (f" ({self.note})" if self.note else "")

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return {"restored": self.restored, "summary": self.summary(),
                "substitutions": [s.to_dict() for s in self.substitutions],
                "left_alone": [w.to_dict() for w in self.left_alone]}

    def write_json(self, out: TextIO) -> None:
        """Write :meth:`to_dict` as JSON, one substitution at a time
        (:func:`~spinfix.persist.files.write_json_object`)."""
        write_json_object(out, {"restored": self.restored, "summary": self.summary()},
                          {"substitutions": (s.to_dict() for s in self.substitutions),
                           "left_alone": (w.to_dict() for w in self.left_alone)})


def restore_with_reference(spun_text: str, ref_text: str) -> Restoration:
    """Put every aligned spun phrase back to its original; sentences with no source stay as written."""
    alignment = align(spun_text, ref_text)
    return Restoration(apply_substitutions(spun_text, alignment.substitutions), alignment.substitutions, alignment)


def restore_without_reference(spun_text: str, dictionary: SubstitutionDictionary | None = None,
                              detector: Detector | None = None,
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
        for i, sentence in enumerate(sentences):
            if self.streamed.flags[k + i]:
                acting = self.restorer.acts_on(self.streamed.likelihood, float(probabilities[i]))
                self.pending += [(w, acting) for w in name_suspects(sentence, evidence[i])]

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
