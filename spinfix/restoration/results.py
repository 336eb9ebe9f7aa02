"""What a restore gives back: the restored text, every change, and every suspect it left as
written with the reason."""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TextIO

from ..alignment.aligner import Alignment
from ..alignment.substitutions import Substitution
from ..detection.verdicts import DOCUMENT_LINE
from ..persist.files import write_json_object
from ..wording import plural


def _weighed_dicts(originals: tuple[tuple[str, float], ...]) -> list[dict]:
    return [{"original": o, "nats": d} for o, d in originals]


@dataclass(frozen=True)
class Change:
    """A reference-free restoration: ``spun`` at ``start:end`` put back to ``original``; with
    the neural judge, the ``originals`` it weighed there, best first, each with the nats by which
    it beats the word (so a reviewer sees what the change won against)."""

    spun: str
    original: str
    start: int
    end: int
    confidence: float
    originals: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict:
        out = asdict(self)
        out["originals"] = _weighed_dicts(self.originals)
        return out


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
    :data:`NO_BETTER`, :data:`NO_CANDIDATE`, :data:`NOT_LISTED`); with the neural judge, the
    ``originals`` it weighed there (those a score names, and the best of all where it fits
    better still), best first, each with the nats by which it beats the word (so "two originals
    fit about equally" says which two)."""

    word: str
    start: int
    end: int
    reason: str
    originals: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict:
        out = asdict(self)
        out["originals"] = _weighed_dicts(self.originals)
        return out


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
    >>> Restoration("...", [Change("navy", "line", 4, 8, 0.75, (("school", 10.7), ("line", 9.9)))], suspects=1).summary()
    'restored 1 of 1 suspect (1 to check)'
    """

    restored: str
    substitutions: list[Substitution] | list[Change]
    alignment: Alignment | None = field(default=None, repr=False)
    left_alone: list[LeftAlone] = field(default_factory=list)
    suspects: int | None = None
    note: str = ""

    def summary(self) -> str:
        """What the restore did and did not do, and why, in one line ("restored 3 of 5 suspects
        (1 to check); 2 left: no original fits better"; to check: see :func:`change_note`)."""
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
        to_check = sum(_to_check(c) for c in self.substitutions)
        if to_check:
            line += f" ({to_check} to check)"
        if self.left_alone:
            reasons = Counter(w.reason for w in self.left_alone)
            line += f"; {len(self.left_alone)} left: " + (
                next(iter(reasons)) if len(reasons) == 1 else ", ".join(f"{n} {r}" for r, n in reasons.most_common()))
        return line + (f" ({self.note})" if self.note else "")

    def review(self, spun: str) -> list[str]:
        """One line per change and per suspect left as written, in the order they stand in
        ``spun`` (the text restored): where (line:column), what was put back and what it won
        against (:func:`change_note`), or the originals weighed there and why the word was left:
        what an editor checks a restore by."""
        rows = [(c.start, f"put back  {c.spun} -> {c.original}{_after_colon(change_note(c))}")
                for c in self.substitutions]
        rows += [(w.start, f"left      {w.word}{_after_colon(_weighed_text(w.originals))} ({w.reason})")
                 for w in self.left_alone]
        rows.sort(key=lambda r: r[0])
        return [f"{where:<8} {row}" for where, (_, row) in zip(_line_columns(spun, [at for at, _ in rows]), rows)]

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


def _weighed_text(originals: tuple[tuple[str, float], ...]) -> str:
    """The originals weighed at a word as people read them ("dirty +9.6, landed +5.6")."""
    return ", ".join(f"{o} {d:+.1f}" for o, d in originals)


def change_note(change: Change | Substitution) -> str:
    """What a review or a report says of a change: the originals weighed there, and a word to
    check it first where another fits better (such changes are right far less often: see the
    CHANGELOG); nothing for a change no judge weighed (one aligned with a reference).

    >>> change_note(Change("navy", "line", 4, 8, 0.75, (("school", 10.7), ("line", 9.9))))
    'school +10.7, line +9.9 (check: school fits better)'
    >>> change_note(Change("shut", "close", 4, 8, 0.86, (("close", 11.8),)))
    'close +11.8'
    """
    originals = getattr(change, "originals", ())
    note = _weighed_text(originals)
    if _to_check(change):
        note += f" (check: {originals[0][0]} fits better)"
    return note


def _to_check(change: Change | Substitution) -> bool:
    """Whether another original weighed at a change fits better than the one put back."""
    originals = getattr(change, "originals", ())
    return bool(originals) and originals[0][0].lower() != change.original.lower()


def _after_colon(note: str) -> str:
    return f": {note}" if note else ""


def _line_columns(text: str, offsets: list[int]) -> list[str]:
    r"""Where each of the ascending ``offsets`` of ``text`` stands, as "line:column" (both from 1),
    in one pass over the text (a long file with many suspects is not scanned again per suspect).

    >>> _line_columns("one\ntwo", [1, 5])
    ['1:2', '2:2']
    """
    out, line, line_start, seen = [], 1, 0, 0
    for at in offsets:
        line += text.count("\n", seen, at)
        line_start = max(line_start, text.rfind("\n", seen, at) + 1)
        seen = at
        out.append(f"{line}:{at - line_start + 1}")
    return out
