"""The scikit-learn estimators a :class:`~spinfix.detecting.Detector` is made of: the sentence
model (features, then gradient boosting calibrated with
:class:`~sklearn.calibration.CalibratedClassifierCV`), the context model that revises a
sentence's probability with its document's evidence, and the document model that gives the
spin likelihood. Training fits them; scoring reads their compiled form
(:mod:`spinfix.compiled`) and never imports this module.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from .detecting import _logit, shift_prior
from .feature_estimator import SpinFeatures


def make_sentence_model(**feature_params) -> Pipeline:
    """The sentence classifier: features -> calibrated gradient boosting."""
    booster = HistGradientBoostingClassifier(max_iter=250, learning_rate=0.08, max_leaf_nodes=31,
                                             l2_regularization=1.0, random_state=0)
    return Pipeline([
        ("features", SpinFeatures(**feature_params)),
        ("classifier", CalibratedClassifierCV(booster, method="isotonic", cv=3)),
    ])


class DocumentModel(BaseEstimator, ClassifierMixin):
    """The spin likelihood: calibrated logistic regression over
    :func:`~spinfix.detecting.document_features` rows, its prior shifted so that clean
    documents rarely reach 0.5 on any one source.

    Validation mixes equal numbers of clean and spun documents; an archive has far more clean
    ones, and a false accusation costs an editor more than a miss. ``fit`` learns the shift
    ``offset_`` (in log-odds): the smallest one at which at most ``false_alarm_rate`` of the
    clean documents of each source in ``sources`` score 0.5 or more, measured on
    cross-validated predictions. The likelihood stays calibrated, for that prior.
    """

    def __init__(self, C: float = 1.0, false_alarm_rate: float = 0.02):
        self.C = C
        self.false_alarm_rate = false_alarm_rate

    def _model(self, folds: int) -> Pipeline:
        return make_pipeline(StandardScaler(), CalibratedClassifierCV(
            LogisticRegression(C=self.C, max_iter=5000), method="sigmoid", cv=folds))

    def fit(self, X, y, sources=None):
        X, y = np.asarray(X), np.asarray(y)
        folds = max(2, min(5, int(np.bincount(y).min()) // 2))  # fewer on a tiny validation set
        self.model_ = self._model(folds).fit(X, y)
        held = _logit(cross_val_predict(self._model(folds), X, y, cv=folds, method="predict_proba")[:, 1])
        sources = np.zeros(len(y)) if sources is None else np.asarray(sources)
        clean = [held[(sources == s) & (y == 0)] for s in np.unique(sources[y == 0])]
        self.offset_ = max([0.0] + [float(np.quantile(c, 1 - self.false_alarm_rate)) for c in clean])
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        shifted = self.shift(self.model_.predict_proba(np.asarray(X))[:, 1])
        return np.column_stack([1.0 - shifted, shifted])

    def shift(self, p: np.ndarray) -> np.ndarray:
        """The calibrated probabilities ``p`` under the learned prior shift ``offset_``."""
        return shift_prior(p, self.offset_)


class ContextModel(BaseEstimator, ClassifierMixin):
    """A sentence's final probability from its own and its document's evidence.

    Many weak suspects in one text are strong evidence together: a borderline sentence in a
    document that is spun throughout is likely spun, and the same sentence in a clean document
    likely not. Shallow boosting over the context rows of :func:`~spinfix.detecting.model_rows`,
    calibrated.
    """

    estimator = None  # context models saved before it was a parameter load with the default

    def __init__(self, estimator=None, max_iter: int = 150, max_depth: int = 3):
        self.estimator = estimator
        self.max_iter = max_iter
        self.max_depth = max_depth

    def fit(self, X, y):
        """Calibrate ``estimator`` (default: shallow gradient boosting of ``max_iter`` trees of
        depth ``max_depth``) on the context rows."""
        booster = clone(self.estimator) if self.estimator is not None else HistGradientBoostingClassifier(
            max_iter=self.max_iter, max_depth=self.max_depth, learning_rate=0.05, random_state=0)
        self.model_ = CalibratedClassifierCV(booster, method="isotonic", cv=3).fit(np.asarray(X), np.asarray(y))
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.model_.predict_proba(np.asarray(X))


def char_ngram_baseline() -> Pipeline:
    """The classical baseline: character 2-5-gram TF-IDF with logistic regression."""
    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True,
                                  max_features=400_000)),
        ("classifier", LogisticRegression(C=4.0, max_iter=2000)),
    ])


__all__ = ["ContextModel", "DocumentModel", "char_ngram_baseline", "make_sentence_model"]
