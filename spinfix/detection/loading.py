"""Which detector scores: the one that goes with the chosen judge, or the kind a model file holds."""
from __future__ import annotations

import os

from ..errors import SpinfixError
from ..judge import JUDGES, default_judge
from ..persist.model_files import model_kind
from .detector import Detector, load_detector
from .neural_detector import NeuralDetector, load_neural_detector

KINDS = {"detector": "trigram", "neural-detector": "neural"}  # a model file's kind -> its judge


def load_scorer(model: str | os.PathLike[str] | None = None, judge: str | None = None) -> Detector | NeuralDetector:
    """The detector of ``judge``: the shipped one, or the model file ``model``. Without a judge,
    a model file's kind chooses it (else :func:`~spinfix.judge.default_judge`); a model file of
    the other judge's kind than the one named is refused in one line.

    Examples
    --------
    >>> type(load_scorer(judge="trigram")).__name__
    'Detector'
    """
    kind = model_kind(model) if model is not None else None
    judge = judge or KINDS.get(kind) or default_judge()
    if judge not in JUDGES:
        raise SpinfixError(f"unknown judge {judge!r}; one of: {', '.join(JUDGES)}")
    if model is not None:
        if kind in KINDS and KINDS[kind] != judge:
            raise SpinfixError(f"{model}: a {kind} model goes with --judge {KINDS[kind]}, not --judge {judge}")
    if judge == "neural":
        return load_neural_detector(None if model is None else str(model))
    return load_detector(None if model is None else str(model))


__all__ = ["load_scorer"]
