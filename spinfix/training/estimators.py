"""The scikit-learn estimators spinfix trains: the sentence features' tables (:class:`SpinFeatures`),
the sentence, context and document models of the detector, and the restorer (:class:`RestorerModel`).
Scoring and restoring read their compiled form (:mod:`spinfix.detection.forests`) and never
import this module."""
from __future__ import annotations

import math
import os
from collections import Counter

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from ..detection.detector import Detector, DetectorModels
from ..detection.document_features import logit, shift_prior
from ..detection.features import (FREQUENT, LM_FEATURES, SENTENCE_FEATURES, FeatureTables, FeatureTransform, lm_words,
                                  proper_nouns, spinner_terms)
from ..detection.forests import compile_classifier
from ..errors import SpinfixError
from ..judge.trigram import LanguageModel, default_lm
from ..restoration.decisions import RestorerDecisions
from ..restoration.restorer import Restorer
from ..restoration.rows import CANDIDATE_ROW
from ..text.thesaurus import default_thesaurus


class SpinFeatures(FeatureTransform, TransformerMixin, BaseEstimator):
    """Turns sentences (strings) into the feature rows of :data:`~spinfix.detection.features.SENTENCE_FEATURES`,
    after learning the tables it reads (:class:`~spinfix.detection.features.FeatureTransform`).

    Parameters: ``max_neighbours`` thesaurus neighbours tried per word; ``min_count`` times a
    word must be seen before it gets a vocabulary ratio; ``use_vocabulary`` False gives the
    language-model signal alone (a baseline); ``cv`` folds for cross-fitting.
    """

    def __init__(self, max_neighbours: int = 6, min_count: int = 8, use_vocabulary: bool = True,
                 cv: int = 3, random_state: int = 0):
        self.max_neighbours = max_neighbours
        self.min_count = min_count
        self.use_vocabulary = use_vocabulary
        self.cv = cv
        self.random_state = random_state

    def _learn_neighbours(self, lm: LanguageModel) -> dict[str, tuple[str, ...]]:
        """Single-word thesaurus neighbours that the language model knows, per word."""
        table = {}
        for word, options in default_thesaurus().neighbours.items():
            if " " in word or not lm.known(word) or lm.unigram(word) > FREQUENT:
                continue
            known = tuple(o for o in options if " " not in o and lm.known(o))[:self.max_neighbours]
            if known:
                table[word] = known
        return table

    def _learn_vocabulary(self, terms: list[list[str]], y: np.ndarray) -> dict[str, float]:
        """Smoothed log-count ratios of words and word pairs (each sentence's :func:`~spinfix.detection.features.spinner_terms`)
        in spun against clean sentences."""
        pos, neg = Counter(), Counter()
        for sentence_terms, label in zip(terms, y):
            (pos if label else neg).update(sentence_terms)
        n_pos, n_neg = sum(pos.values()) + 1, sum(neg.values()) + 1
        ratios = {}
        for term in pos.keys() | neg.keys():
            a, b = pos[term], neg[term]
            if a + b >= self.min_count:
                r = math.log((a + 1) / n_pos) - math.log((b + 1) / n_neg)
                if abs(r) > 0.5:
                    ratios[term] = round(r, 3)
        return ratios

    def _fit(self, X: list[str], y) -> list[list[str]] | None:
        """Learn names, neighbours and (given labels) the vocabulary; returns the sentences'
        terms when a vocabulary was learned, so cross-fitting need not tokenize them again."""
        self.names_ = proper_nouns(X)
        self.neighbours_ = self._learn_neighbours(default_lm())
        self.n_features_in_ = 1
        self.vocabulary_ = {}
        if not self.use_vocabulary or y is None:
            return None
        terms = [spinner_terms(lm_words(sentence, self.names_)) for sentence in X]
        self.vocabulary_ = self._learn_vocabulary(terms, np.asarray(y))
        return terms

    def fit(self, X, y=None):
        """Learn the neighbour table and (given labels) the spinner vocabulary."""
        self._fit(list(X), y)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        """Fit, then transform with vocabulary ratios cross-fitted over ``cv`` folds."""
        X = list(X)
        terms = self._fit(X, y)
        if terms is None:
            return self.transform(X)
        y = np.asarray(y)
        out = np.zeros((len(X), len(SENTENCE_FEATURES)))
        full = self.vocabulary_
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        for train_idx, test_idx in folds.split(np.zeros(len(y)), y):
            self.vocabulary_ = self._learn_vocabulary([terms[i] for i in train_idx], y[train_idx])
            out[test_idx] = self.transform([X[i] for i in test_idx])
        self.vocabulary_ = full
        return out

    def tables(self) -> FeatureTables:
        """The learned tables alone, with the same transform (what scoring keeps)."""
        return FeatureTables(self.names_, self.neighbours_, self.vocabulary_, self.use_vocabulary)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(list(SENTENCE_FEATURES if self.use_vocabulary else LM_FEATURES), dtype=object)

    def __getstate__(self) -> dict:
        """What pickles (scikit-learn's state for an estimator), less the memos: rebuilt on use."""
        return {k: v for k, v in super().__getstate__().items() if k not in ("_ids", "_firsts")}


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
    :func:`~spinfix.detection.document_features.document_features` rows, its prior shifted so that clean
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
        held = logit(cross_val_predict(self._model(folds), X, y, cv=folds, method="predict_proba")[:, 1])
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
    likely not. Shallow boosting over the context rows of
    :func:`~spinfix.detection.document_features.model_rows`, calibrated.
    """

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

class FittedDetector:
    """A detector's fitted scikit-learn estimators: the sentence model (a pipeline whose first
    step turns sentences into rows), the context model, the document model, the flagging
    threshold and the training record. :meth:`detector` makes the detector that scores with
    them, or with their compiled form (what a model file holds)."""

    def __init__(self, sentence_model: Pipeline, context_model, document_model, threshold: float = 0.5,
                 info: dict | None = None):
        self.sentence_model = sentence_model
        self.context_model = context_model
        self.document_model = document_model
        self.threshold = threshold
        self.info = dict(info or {})

    def detector(self, compiled: bool = False) -> Detector:
        """The detector of these estimators: scoring through scikit-learn (``compiled`` False:
        the estimators as they are now, also while they are being fitted; before the document
        model is fitted its prior shift is 0), or through their compiled form, which is what a
        model file stores (:class:`SpinfixError` when a part does not compile)."""
        features = self.sentence_model.steps[0][1]
        offset = float(getattr(self.document_model, "offset_", 0.0))
        if compiled:
            models = [compile_classifier(m) for m in (self.sentence_model[1:], self.context_model.model_,
                                                      self.document_model.model_)]
            if not hasattr(features, "tables") or any(m is None for m in models):
                raise SpinfixError("this detector has a part that does not compile to arrays (a baseline?)")
            return Detector(features.tables(), DetectorModels(*models), offset, self.threshold, self.info)
        sentence, context, document = self.sentence_model, self.context_model, self.document_model
        return Detector(features, DetectorModels(lambda X: sentence[1:].predict_proba(X)[:, 1],
                                                 lambda X: context.predict_proba(X)[:, 1],
                                                 lambda X: document.model_.predict_proba(X)[:, 1]),
                        offset, self.threshold, self.info)


DEFAULT_BOOSTER = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.06, random_state=0)


class RestorerModel(RestorerDecisions, BaseEstimator, ClassifierMixin):
    """Decides, per candidate, whether it is the original the spinner replaced.

    Calibrated gradient boosting (``estimator``, calibrated isotonically) over the candidate rows
    (:data:`spinfix.restoration.rows.CANDIDATE_ROW`): the language model's preference in context, the
    counts of each dictionary source, how the thesaurus reaches the original, how common the
    words are, and the detector's view of the sentence and the document. The thresholds and
    gates and how they decide are :class:`~spinfix.restoration.decisions.RestorerDecisions`;
    training sets both thresholds for :data:`~spinfix.restoration.decisions.TARGET_PRECISION` on
    spinners it never fit on. ``info_`` (set by
    :func:`spinfix.training.restorer_trainer.train_restorer`) records the version and how it was
    trained. :meth:`restorer` is its form for restoring (what a model file holds).
    """

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
        (:func:`spinfix.training.restorer_trainer.tune_restorer`)."""
        booster = clone(self.estimator if self.estimator is not None else DEFAULT_BOOSTER)
        self.model_ = CalibratedClassifierCV(booster, method="isotonic", cv=3).fit(np.asarray(X), np.asarray(y))
        self.classes_ = self.model_.classes_
        self.compiled_ = compile_classifier(self.model_)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """scikit-learn's probabilities, from the model's compiled form where it has one
        (:mod:`spinfix.detection.forests`: the same numbers, several times faster)."""
        if self.compiled_ is None:
            return self.model_.predict_proba(np.asarray(X))
        p = self.compiled_(np.asarray(X, dtype=float))
        return np.column_stack([1.0 - p, p])

    def restorer(self) -> Restorer:
        """Its form for restoring: the compiled model, thresholds and gates, training record."""
        predict = self.compiled_ if self.compiled_ is not None else compile_classifier(self.model_)
        if predict is None:
            raise SpinfixError("this restorer's model does not compile to arrays; it cannot be saved")
        return Restorer(predict, self.threshold, self.observed_threshold, self.min_likelihood, self.min_sentence,
                        int(getattr(self.model_, "n_features_in_", len(CANDIDATE_ROW))), getattr(self, "info_", {}))

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write :meth:`restorer` as a model file of arrays and JSON; returns its hash."""
        return self.restorer().save(path)


__all__ = ["DEFAULT_BOOSTER", "ContextModel", "DocumentModel", "FittedDetector", "RestorerModel", "SpinFeatures",
           "char_ngram_baseline", "make_sentence_model"]
