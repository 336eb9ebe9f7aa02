"""The one place a judge is chosen by name."""
from __future__ import annotations

from ..errors import SpinfixError
from . import JUDGES
from .neural import NeuralJudge
from .neural import load_judge as load_neural_judge
from .trigram import TrigramJudge


def load_judge(name: str) -> TrigramJudge | NeuralJudge:
    """The judge called ``name`` (one of :data:`spinfix.judge.JUDGES`).

    Examples
    --------
    >>> load_judge("trigram").name
    'trigram'
    >>> load_judge("neural").name
    'neural'
    """
    if name == "trigram":
        return TrigramJudge()
    if name == "neural":
        return load_neural_judge()
    raise SpinfixError(f"unknown judge {name!r}; one of: {', '.join(JUDGES)}")


__all__ = ["load_judge"]
