"""The learned restorer as a restore reads it: its model compiled to arrays
(:mod:`spinfix.detection.forests`), its two thresholds and two gates, from a model file of arrays
and JSON."""
from __future__ import annotations

import importlib.resources
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np

from ..detection.forests import Predict, from_data, is_storable, to_data
from ..errors import SpinfixError
from ..persist.model_files import frozen, read_model, save_model
from .decisions import RestorerDecisions
from .rows import CANDIDATE_ROW

DEFAULT_RESTORER = "restorer"  # restorer.npz + restorer.json in spinfix/models
REBUILD = "rebuild it with `spinfix dict learn`"


@dataclass(frozen=True, eq=False)
class Restorer(RestorerDecisions):
    """A fitted restorer: ``predict`` (candidate rows -> probability that the candidate is the
    original the spinner replaced), the thresholds and gates of :class:`RestorerDecisions`, how
    many row columns it reads, and its training record ``info``. Immutable: other thresholds
    make another restorer (:meth:`with_thresholds`).

    Examples
    --------
    >>> restorer = default_restorer()
    >>> stricter = restorer.with_thresholds(0.9, 0.9)
    >>> stricter.threshold, restorer.threshold < 0.9
    (0.9, True)
    """

    predict: Predict
    threshold: float
    observed_threshold: float
    min_likelihood: float
    min_sentence: float
    n_features: int = len(CANDIDATE_ROW)
    info: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "info", frozen(self.info))

    def __repr__(self) -> str:
        return (f"Restorer(threshold={self.threshold:.3f}, observed_threshold={self.observed_threshold:.3f}, "
                f"min_likelihood={self.min_likelihood:g}, min_sentence={self.min_sentence:g})")

    @property
    def info_(self) -> Mapping[str, Any]:
        """The training record (the name scikit-learn's fitted estimators give it)."""
        return self.info

    def predict_proba(self, X) -> np.ndarray:
        p = self.predict(np.asarray(X, dtype=float))
        return np.column_stack([1.0 - p, p])

    def with_thresholds(self, threshold: float, observed_threshold: float) -> Restorer:
        """This restorer with other thresholds."""
        return replace(self, threshold=threshold, observed_threshold=observed_threshold)

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the restorer as a model file of arrays and JSON; returns its hash."""
        if not is_storable(self.predict):
            raise SpinfixError(f"{path}: this restorer's model has no data form; it cannot be saved")
        spec, arrays = to_data(self.predict, "model.")
        record = {"model": spec, "threshold": self.threshold, "observed_threshold": self.observed_threshold,
                  "min_likelihood": self.min_likelihood, "min_sentence": self.min_sentence,
                  "n_features": self.n_features, "info": self.info}
        return save_model(path, "restorer", record, arrays)


def default_restorer_path() -> str:
    """Where the shipped restorer lives (inside the installed package; the stem of its two files)."""
    return str(importlib.resources.files("spinfix.models").joinpath(DEFAULT_RESTORER))


@lru_cache(maxsize=4)
def load_restorer(path: str) -> Restorer:
    """Load a restorer (immutable, so loaded once per process and path); a missing, damaged or
    incompatible file raises :class:`~spinfix.errors.SpinfixError`."""
    file = read_model(path, "restorer", REBUILD)
    record = file.record
    try:
        restorer = Restorer(from_data(record["model"], file.arrays, "model."), float(record["threshold"]),
                            float(record["observed_threshold"]), float(record["min_likelihood"]),
                            float(record["min_sentence"]), int(record["n_features"]), record.get("info", {}))
    except (KeyError, TypeError, ValueError) as exc:
        raise SpinfixError(f"{path}: not a restorer this spinfix can read ({type(exc).__name__}: {exc}); {REBUILD}") from None
    if restorer.n_features != len(CANDIDATE_ROW):
        raise SpinfixError(f"{path}: a restorer from another spinfix version ({restorer.n_features} features, this one "
                           f"uses {len(CANDIDATE_ROW)}); {REBUILD}")
    return restorer


def default_restorer() -> Restorer:
    """The restorer shipped in ``spinfix/models``, trained with the shipped dictionary."""
    return load_restorer(default_restorer_path())


def save_restorer(restorer: Restorer, path: str | os.PathLike[str]) -> str:
    """:meth:`Restorer.save`."""
    return restorer.save(path)


__all__ = ["DEFAULT_RESTORER", "Restorer", "default_restorer", "default_restorer_path", "load_restorer",
           "save_restorer"]
