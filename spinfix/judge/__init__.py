"""Judges: language models that say how well a phrase fits its context.

:func:`load_judge` is the one place a judge is chosen by name; restoring takes the judge it is
given. The detector's features are the trigram judge's numbers (it was trained on them).
"""
from __future__ import annotations

from typing import Protocol

from ..errors import SpinfixError
from .trigram import TrigramJudge

JUDGES = ("trigram",)
DEFAULT_JUDGE = "trigram"


class Judge(Protocol):
    """What restoring asks of a judge."""

    name: str

    def phrase_fits_many(self, requests: list[tuple[list[str], list, list[str]]]) -> list[list[float | None]]:
        """For each ``(left, phrases, right)``, how well each phrase fits between ``left`` and
        ``right`` (log10, relative to the phrase's own frequency), None where it cannot say."""

    def phrase_unigram(self, words: tuple[str, ...]) -> float | None:
        """The log10 frequency of a phrase's words, or None where it does not know one."""


def load_judge(name: str = DEFAULT_JUDGE) -> Judge:
    """The judge called ``name`` (one of :data:`JUDGES`).

    Examples
    --------
    >>> load_judge("trigram").name
    'trigram'
    """
    if name == "trigram":
        return TrigramJudge()
    raise SpinfixError(f"unknown judge {name!r}; one of: {', '.join(JUDGES)}")


__all__ = ["DEFAULT_JUDGE", "JUDGES", "Judge", "load_judge"]
