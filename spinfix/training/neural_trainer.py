"""Fitting the neural detector from labelled span rows (:mod:`spinfix.training.span_data`).

scikit-learn's conventions: the estimators are parameters, :meth:`NeuralDetectorTrainer.fit`
learns everything, thresholds included, and the fitted detector is ``detector_``. The span
models are fit on the training documents; the sentence, document and share models on the training
documents' out-of-fold span probabilities, so they read the probabilities a new document would
get; calibration and every threshold are set on validation documents no model was fit on.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ..detection.document_features import shift_prior
from ..detection.verdicts import DOCUMENT_LINE
from ..detection.forests import compile_classifier
from ..detection.judged import SPAN_ROW
from ..detection.neural_detector import (NeuralDetector, NeuralModels, blinded, document_row, selected, share_row,
                                          sentence_rows, without_comparisons)
from ..errors import SpinfixError
from .span_data import SpanData

FOLDS = 5
# The shipped dictionary was learned from spinfix's own spinner: on that spin it names the original far
# more often than on anyone else's, and a span model that reads it learns to distrust the judge elsewhere.
BLIND = ("best_prior",)


def span_estimator(seed: int = 0) -> CalibratedClassifierCV:
    """Gradient boosting on span rows, calibrated (isotonic, three folds)."""
    return CalibratedClassifierCV(HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, max_leaf_nodes=31,
                                                                 l2_regularization=1.0, random_state=seed),
                                  method="isotonic", cv=3)


def linear_estimator() -> object:
    """A calibrated logistic regression on standardized rows (sentence and document models)."""
    return make_pipeline(StandardScaler(), CalibratedClassifierCV(LogisticRegression(C=1.0, max_iter=2000),
                                                                  method="sigmoid", cv=3))


class NeuralDetectorTrainer(BaseEstimator):
    """Fits a :class:`~spinfix.detection.neural_detector.NeuralDetector`.

    Parameters
    ----------
    cheap_estimator, span_estimator, sentence_estimator, document_estimator, share_estimator : unfitted
        scikit-learn classifiers (defaults: :func:`span_estimator` for the two span models,
        :func:`linear_estimator` for the others).
    compare_recall : share of the swapped spans that the cascade must compare in full.
    compare_share : the most spans of a document the cascade compares in full (the judge's budget).
    sentence_false_flags : the most clean validation sentences a threshold may flag.
    document_false_flags : the most clean validation documents at likelihood 0.5 (by either
        the document model or the share model).
    blind : span-row columns the span models are not shown (:data:`BLIND`).
    first_stage : a fitted fast detector whose own likelihood is one more view of a document
        (:meth:`NeuralDetector.views`); it is not refitted, and the offsets count the validation
        documents it puts over the line where their rows carry its likelihood (``document_first``).
    """

    def __init__(self, cheap_estimator=None, span_estimator=None, sentence_estimator=None, document_estimator=None,
                 share_estimator=None, compare_recall: float = 0.9, compare_share: float = 0.2,
                 sentence_false_flags: float = 0.008, document_false_flags: float = 0.02,
                 blind: tuple[str, ...] = BLIND, first_stage=None, seed: int = 0):
        self.cheap_estimator = cheap_estimator
        self.span_estimator = span_estimator
        self.sentence_estimator = sentence_estimator
        self.document_estimator = document_estimator
        self.share_estimator = share_estimator
        self.compare_recall = compare_recall
        self.compare_share = compare_share
        self.sentence_false_flags = sentence_false_flags
        self.document_false_flags = document_false_flags
        self.blind = blind
        self.first_stage = first_stage
        self.seed = seed

    def fit(self, train: SpanData, validation: SpanData, info: dict | None = None) -> NeuralDetectorTrainer:
        _enough(train, "training")
        _enough(validation, "validation")
        train, validation = (replace(d, rows=blinded(d.rows, self.blind)) for d in (train, validation))
        cheap_rows = without_comparisons(train.rows)
        groups = train.sentence_document[train.sentence]
        cheap_oof = self._oof(self.cheap_estimator or span_estimator(self.seed), cheap_rows, train.labels, groups)
        self.cheap_ = (self.cheap_estimator or span_estimator(self.seed)).fit(cheap_rows, train.labels)
        compared = train.rows[:, SPAN_ROW.index("compared")] > 0
        swapped = (train.labels == 1) & compared
        self.compare_from_ = float(np.quantile(cheap_oof[swapped], 1 - self.compare_recall)) if swapped.any() else 0.5
        cascaded = self._cascade(train, cheap_oof)
        span_oof = self._oof(self.span_estimator or span_estimator(self.seed), cascaded, train.labels, groups)
        self.span_ = (self.span_estimator or span_estimator(self.seed)).fit(cascaded, train.labels)
        sent_train = self._sentence_rows(train, span_oof)
        self.sentence_ = (self.sentence_estimator or linear_estimator()).fit(sent_train, train.sentence_label)
        p_val, sent_p_val = self.probabilities(validation)
        self.suspect_from_, self.threshold_ = self._thresholds(validation, p_val, sent_p_val)
        sent_p_train = self.sentence_.predict_proba(sent_train)[:, 1]
        doc_train = self._document_rows(train, span_oof, sent_p_train)
        self.document_ = (self.document_estimator or linear_estimator()).fit(doc_train, train.document_spun)
        doc_val = self._document_rows(validation, p_val, sent_p_val)
        q_val = self.document_.predict_proba(doc_val)[:, 1]
        first = self._first_flags(validation)
        self.offset_ = self._offset(validation, q_val, first)
        self.span_prior_ = float(np.mean(train.labels))
        self.share_ = (self.share_estimator or linear_estimator()).fit(self._share_rows(train, span_oof),
                                                                       train.document_spun)
        q_share = self.share_.predict_proba(self._share_rows(validation, p_val))[:, 1]
        self.share_offset_ = self._offset(validation, q_share, (shift_prior(q_val, self.offset_) >= 0.5) | first)
        models = NeuralModels(*(compile_classifier(m) for m in (self.cheap_, self.span_, self.sentence_, self.document_,
                                                                self.share_)))
        if any(m is None for m in models):
            raise ValueError("an estimator spinfix cannot store as arrays")
        self.detector_ = NeuralDetector(models, self.compare_from_, self.compare_share, self.suspect_from_,
                                        self.threshold_, self.offset_, info or {}, blind=tuple(self.blind),
                                        span_prior=self.span_prior_, share_offset=self.share_offset_,
                                        first_stage=self.first_stage)
        return self

    def probabilities(self, data: SpanData) -> tuple[np.ndarray, np.ndarray]:
        """Span and sentence probabilities of rows the span models were not fit on, through the
        fitted cascade (what the thresholds and offsets are set on)."""
        p = self.span_.predict_proba(self._cascade(data, self.cheap_.predict_proba(without_comparisons(data.rows))[:, 1]))[:, 1]
        return p, self.sentence_.predict_proba(self._sentence_rows(data, p))[:, 1]

    def _oof(self, estimator, X: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """Out-of-fold probabilities, folds by document."""
        out = np.zeros(len(y))
        for fit, held in GroupKFold(min(FOLDS, len(np.unique(groups)))).split(X, y, groups):
            if len(np.unique(y[fit])) < 2:  # a fold of few documents may hold no swap: its share stands in
                out[held] = float(np.mean(y[fit]))
                continue
            out[held] = clone(estimator).fit(X[fit], y[fit]).predict_proba(X[held])[:, 1]
        return out

    def _cascade(self, data: SpanData, cheap: np.ndarray) -> np.ndarray:
        """The rows as the cascade leaves them: comparisons only where it asks, document by
        document (:func:`~spinfix.detection.neural_detector.selected`)."""
        documents = data.sentence_document[data.sentence]
        kept = np.zeros(len(cheap), bool)
        for d in np.unique(documents):
            mine = np.flatnonzero(documents == d)
            kept[mine] = selected(cheap[mine], self.compare_from_, self.compare_share)
        out = np.array(data.rows, copy=True)
        out[~kept] = without_comparisons(data.rows[~kept])
        return out

    @staticmethod
    def _sentence_rows(data: SpanData, p: np.ndarray) -> np.ndarray:
        titles = data.rows[:, SPAN_ROW.index("title")]
        return sentence_rows(p, data.sentence, data.sentence_words.astype(float), titles)

    def _flags(self, data: SpanData, p: np.ndarray, sent_p: np.ndarray, suspect_from: float,
               threshold: float) -> np.ndarray:
        has = np.zeros(len(sent_p), bool)
        has[data.sentence[p >= suspect_from]] = True
        return (sent_p >= threshold) & has

    def _thresholds(self, data: SpanData, p: np.ndarray, sent_p: np.ndarray) -> tuple[float, float]:
        """The suspect and sentence thresholds flagging the most spun validation sentences while
        at most :attr:`sentence_false_flags` of the clean validation sentences are flagged (pooled
        over the sources: a budget per source of a dozen documents allows no flag at all)."""
        clean = data.document_spun[data.sentence_document] == 0
        best = (0.0, 0.9, 0.99)
        for suspect_from in (0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            for threshold in np.linspace(0.2, 0.99, 80):
                flags = self._flags(data, p, sent_p, suspect_from, threshold)
                if flags[clean].mean() <= self.sentence_false_flags:
                    recall = flags[data.sentence_label == 1].mean()
                    if recall > best[0]:
                        best = (recall, suspect_from, threshold)
                    break
        return float(best[1]), float(best[2])

    def _document_rows(self, data: SpanData, p: np.ndarray, sent_p: np.ndarray) -> np.ndarray:
        flags = self._flags(data, p, sent_p, self.suspect_from_, self.threshold_)
        rows = []
        for d in range(len(data.document_spun)):
            sents = np.flatnonzero(data.sentence_document == d)
            spans = np.isin(data.sentence, sents)
            suspects = int(np.sum((p[spans] >= self.suspect_from_) & flags[data.sentence[spans]]))
            rows.append(document_row(p[spans], sent_p[sents], flags[sents].astype(float), suspects,
                                     data.sentence_words[sents].astype(float)))
        return np.array(rows)

    def _share_rows(self, data: SpanData, p: np.ndarray) -> np.ndarray:
        """Each document's share row (:func:`~spinfix.detection.neural_detector.share_row`)."""
        documents = data.sentence_document[data.sentence]
        return np.array([share_row(p[documents == d], self.span_prior_) for d in range(len(data.document_spun))])

    def _first_flags(self, data: SpanData) -> np.ndarray:
        """The documents the first stage's own likelihood puts over the line (read with the
        span rows: :func:`~spinfix.training.span_data.span_data`'s ``first_stage``; none where
        it was not read, or without a first stage)."""
        first = data.document_first
        if self.first_stage is None or first is None:
            return np.zeros(len(data.document_spun), bool)
        return np.nan_to_num(first, nan=0.0) >= DOCUMENT_LINE

    def _offset(self, data: SpanData, q: np.ndarray, flagged: np.ndarray | None = None) -> float:
        """The smallest prior shift (log-odds) that keeps the share of clean validation documents
        at likelihood 0.5 or more within :attr:`document_false_flags` (counting those already
        ``flagged`` by another view)."""
        clean = data.document_spun == 0
        flagged = np.zeros(len(q), bool) if flagged is None else flagged
        for offset in np.arange(-3.0, 8.0, 0.05):
            if np.mean((shift_prior(q[clean], offset) >= 0.5) | flagged[clean]) <= self.document_false_flags:
                return float(offset)
        return 8.0


def _enough(data: SpanData, part: str) -> None:
    """Refuse data the models cannot be fitted on: every model needs swapped and clean examples,
    and the document model spun and clean documents."""
    spun = int(np.sum(data.document_spun))
    if spun < 2 or len(data.document_spun) - spun < 2 or len(np.unique(data.labels)) < 2:
        raise SpinfixError(f"too few {part} documents to fit on ({spun} spun, {len(data.document_spun) - spun} "
                           "clean; at least 2 of each): give more documents (--max-docs 40 or more)")


__all__ = ["NeuralDetectorTrainer", "linear_estimator", "span_estimator"]
