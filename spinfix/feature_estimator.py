"""The scikit-learn estimator behind the sentence features: it learns the tables that
:mod:`spinfix.features` computes features from.

* **Neighbours**: each common word's single-word thesaurus neighbours that the language model
  knows (the candidates of the swap gain).
* **Spinner vocabulary**: words and word pairs that turn up far more often in spun sentences
  than in clean ones ("particulars", "just lately"), as smoothed log-count ratios.
  ``fit_transform`` cross-fits them (like scikit-learn's ``TargetEncoder``), so the classifier is
  trained on ratios that did not see its own sentence.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import StratifiedKFold

from .features import (FEATURE_NAMES, FREQUENT, LM_FEATURES, FeatureTables, FeatureTransform, lm_words, proper_nouns,
                       spinner_terms)
from .lm import LanguageModel, default_lm
from .thesaurus import default_thesaurus


class SpinFeatures(FeatureTransform, TransformerMixin, BaseEstimator):
    """Turns sentences (strings) into the feature rows named in :data:`~spinfix.features.FEATURE_NAMES`,
    after learning the tables it reads (:class:`~spinfix.features.FeatureTransform`).

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
        """Smoothed log-count ratios of words and word pairs (each sentence's :func:`~spinfix.features.spinner_terms`)
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
        out = np.zeros((len(X), len(FEATURE_NAMES)))
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
        return np.array(FEATURE_NAMES if self.use_vocabulary else LM_FEATURES, dtype=object)


__all__ = ["SpinFeatures"]
