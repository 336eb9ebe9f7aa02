"""The restorer as a scikit-learn estimator: what :func:`spinfix.restorer_training.train_restorer`
fits and tunes, and the first part of a restorer's model file. A restore reads the file's
second part instead (:class:`spinfix.restoring.CompiledRestorer`), so it never imports this
module or scikit-learn."""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier

from .compiled import compile_classifier
from .restoring import RestorerDecisions

DEFAULT_BOOSTER = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.06, random_state=0)


class Restorer(RestorerDecisions, BaseEstimator, ClassifierMixin):
    """Decides, per candidate, whether it is the original the spinner replaced.

    Calibrated gradient boosting (``estimator``, calibrated isotonically) over the candidate rows
    (:data:`spinfix.restoring.ROW_NAMES`): the language model's preference in context, the
    counts of each dictionary source, how the thesaurus reaches the original, how common the
    words are, and the detector's view of the sentence and the document. The thresholds and
    gates and how they decide are :class:`spinfix.restoring.RestorerDecisions`; training sets
    both thresholds for :data:`spinfix.restoring.TARGET_PRECISION` on spinners it never fit on.
    ``info_`` (set by :func:`spinfix.restorer_training.train_restorer`) records the version and
    how it was trained.
    """

    estimator = None  # restorers saved before it was a parameter load with the default

    def __init__(self, estimator=None, threshold: float = 0.5, observed_threshold: float = 0.5,
                 min_likelihood: float = 0.5, min_sentence: float = 0.5):
        self.estimator = estimator
        self.threshold = threshold
        self.observed_threshold = observed_threshold
        self.min_likelihood = min_likelihood
        self.min_sentence = min_sentence

    def fit(self, X, y):
        """Calibrate ``estimator`` (default: :data:`DEFAULT_BOOSTER`) on candidate rows; the
        thresholds are set on other spinners afterwards
        (:func:`spinfix.restorer_training.tune_restorer`)."""
        booster = clone(self.estimator if self.estimator is not None else DEFAULT_BOOSTER)
        self.model_ = CalibratedClassifierCV(booster, method="isotonic", cv=3).fit(np.asarray(X), np.asarray(y))
        self.classes_ = self.model_.classes_
        self.compiled_ = compile_classifier(self.model_)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """scikit-learn's probabilities, from the model's compiled form where it has one
        (:mod:`spinfix.compiled`: the same numbers, about 9 times faster on a document's rows);
        a restorer saved before it kept one is compiled on first use."""
        if "compiled_" not in self.__dict__:
            self.compiled_ = compile_classifier(self.model_)
        if self.compiled_ is None:
            return self.model_.predict_proba(np.asarray(X))
        p = self.compiled_(np.asarray(X, dtype=float))
        return np.column_stack([1.0 - p, p])
