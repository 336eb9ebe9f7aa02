"""Judges: language models that say how well a phrase fits its context.

Two are on offer: ``neural`` (Gemma 3 270M, run in numpy; the default) and ``trigram`` (CMU's
trigram model, the fast path). Each has its detector: the neural detector reads the neural
judge's evidence, the trigram detector the trigram's. :func:`spinfix.judge.loading.load_judge`
is the one place a judge is loaded by name; this module names them without loading either, and
:func:`default_judge` says which one is used when none is given (``$SPINFIX_JUDGE`` can change it).
"""
from __future__ import annotations

import os
from typing import Protocol

from ..errors import SpinfixError

JUDGES = ("neural", "trigram")
DEFAULT_JUDGE = "neural"
ENVIRONMENT = "SPINFIX_JUDGE"  # names the judge used when none is given (default: DEFAULT_JUDGE)


def default_judge() -> str:
    """The judge used when none is given: ``$SPINFIX_JUDGE``, else :data:`DEFAULT_JUDGE`.

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {ENVIRONMENT: "trigram"}):
    ...     default_judge()
    'trigram'
    >>> with mock.patch.dict(os.environ, {ENVIRONMENT: ""}):
    ...     default_judge()
    'neural'
    """
    name = os.environ.get(ENVIRONMENT) or DEFAULT_JUDGE
    if name not in JUDGES:
        raise SpinfixError(f"{ENVIRONMENT}={name}: unknown judge; one of: {', '.join(JUDGES)}")
    return name


class Judge(Protocol):
    """What the trigram restorer asks of a judge."""

    name: str

    def phrase_fits_many(self, requests: list[tuple[list[str], list, list[str]]]) -> list[list[float | None]]:
        """For each ``(left, phrases, right)``, how well each phrase fits between ``left`` and
        ``right`` (log10, relative to the phrase's own frequency), None where it cannot say."""

    def phrase_unigram(self, words: tuple[str, ...]) -> float | None:
        """The log10 frequency of a phrase's words, or None where it does not know one."""


__all__ = ["DEFAULT_JUDGE", "ENVIRONMENT", "JUDGES", "Judge", "default_judge"]
