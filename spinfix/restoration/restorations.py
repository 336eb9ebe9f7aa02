"""Restorations: a spun text put back against its known source, or without it from the knowledge
a restore draws on, with every change it made."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TextIO

from ..alignment.aligner import Alignment, align
from ..alignment.substitutions import Substitution, apply_substitutions
from ..detection.detector import Detector, load_detector
from ..dictionary.substitutions import SubstitutionDictionary
from ..judge import Judge
from ..persist.files import write_json_object
from ..text.tokens import match_case
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


@dataclass
class Restoration:
    """A restored text and the changes that produced it (offsets into the spun text).

    Examples
    --------
    >>> result = restore_with_reference("The soiled bomb.", "The dirty bomb.")
    >>> result.restored, [(s.spun, s.original) for s in result.substitutions]
    ('The dirty bomb.', [('soiled', 'dirty')])
    """

    restored: str
    substitutions: list[Substitution] | list[Change]
    alignment: Alignment | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return {"restored": self.restored, "substitutions": [s.to_dict() for s in self.substitutions]}

    def write_json(self, out: TextIO) -> None:
        """Write :meth:`to_dict` as JSON, one substitution at a time
        (:func:`~spinfix.persist.files.write_json_object`)."""
        write_json_object(out, {"restored": self.restored}, {"substitutions": (s.to_dict() for s in self.substitutions)})


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
    the shipped ones, exactly as ``spinfix restore`` does.
    """
    trusting = isinstance(restorer, TrustingRestorer)
    knowledge = knowledge_for(dictionary, only_dictionary or trusting)
    detector = detector if detector is not None else load_detector()
    restorer = restorer if restorer is not None else default_restorer()
    changes = []
    decided = (d for block in candidate_blocks(spun_text, knowledge, detector, restorer.acts_on, judge)
               for d in restorer.decide(block))
    for cand, p in decided:
        spun = spun_text[cand.start:cand.end]
        changes.append(Change(spun, match_case(spun, cand.original), cand.start, cand.end, round(p, 3)))
    restored = apply_substitutions(spun_text, [Substitution(c.spun, c.original, c.start, c.end, 0, 0) for c in changes])
    return Restoration(restored, changes)


restore_with_dictionary = restore_without_reference  # the name of earlier versions (it needs no dictionary)

__all__ = ["Change", "Restoration", "restore_with_dictionary", "restore_with_reference", "restore_without_reference"]
