"""Fitted scikit-learn classifiers turned into a few numpy arrays, for fast prediction.

Scoring one document calls three calibrated models on a handful of rows. scikit-learn then
spends most of its time on what does not depend on the rows: input validation on every call,
and one call into compiled code per tree. Here every tree of a gradient-boosting model is
walked at once, level by level, over a node table that holds all of them; calibrators and
linear models are the same arithmetic on arrays.

:func:`compile_classifier` supports what spinfix trains (pipelines of ``StandardScaler``,
``CalibratedClassifierCV`` over ``HistGradientBoostingClassifier`` or ``LogisticRegression``
with isotonic or sigmoid calibration, binary); anything else is left to scikit-learn. The
probabilities equal scikit-learn's up to float rounding (tested), since the trees' values are
summed in the same order.

What it returns holds numpy arrays and plain numbers only: a model file stores it beside the
scikit-learn models (:mod:`spinfix.model_files`), and scoring reads it without importing
scikit-learn. Against scikit-learn's own loop (the sentence model, one core): 57 against 208 us
per row for 16 rows (one document), the same at about 180 rows, and 23 against 8 us per row in
batches of thousands (there the difference is under 3 % of what scoring a sentence costs).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]  # rows -> probability of the positive class
CHUNK_ROWS = 512  # rows walked at once: larger batches are cut, to keep the arrays in cache


class _Forest:
    """The raw decision (log-odds) of a binary HistGradientBoostingClassifier."""

    def __init__(self, booster) -> None:
        trees = [predictors[0].nodes for predictors in booster._predictors]
        starts = np.cumsum([0] + [len(t) for t in trees[:-1]])
        nodes = np.concatenate(trees)
        shift = np.repeat(starts, [len(t) for t in trees])
        self.roots = starts
        self.feature = nodes["feature_idx"].astype(np.intp)
        self.threshold = nodes["num_threshold"]
        self.missing_left = nodes["missing_go_to_left"].astype(bool)
        self.left = nodes["left"].astype(np.intp) + shift
        self.right = nodes["right"].astype(np.intp) + shift
        self.leaf = nodes["is_leaf"].astype(bool)
        self.value = nodes["value"]
        self.baseline = float(np.asarray(booster._baseline_prediction).ravel()[0])

    def __call__(self, X: np.ndarray) -> np.ndarray:
        X = np.ascontiguousarray(X, dtype=np.float64)
        return np.concatenate([self._raw(X[k:k + CHUNK_ROWS]) for k in range(0, len(X), CHUNK_ROWS)]) \
            if len(X) > CHUNK_ROWS else self._raw(X)

    def _raw(self, X: np.ndarray) -> np.ndarray:
        """Every (row, tree) pair walks down one level per step; pairs that reached a leaf
        drop out, so a step costs what is still walking (the trees are unbalanced: depth up
        to 18, most leaves far shallower)."""
        n, width = X.shape
        trees = len(self.roots)
        at = np.tile(self.roots, n)  # row-major: row i's trees at [i * trees, (i + 1) * trees)
        offset = np.repeat(np.arange(n, dtype=np.intp) * width, trees)
        flat = X.ravel()
        nan = bool(np.isnan(flat).any())
        walking = np.flatnonzero(~self.leaf[at])
        while walking.size:
            node = at[walking]
            x = flat[offset[walking] + self.feature[node]]
            go_left = x <= self.threshold[node]
            if nan:
                go_left = np.where(np.isnan(x), self.missing_left[node], go_left)
            child = np.where(go_left, self.left[node], self.right[node])
            at[walking] = child
            walking = walking[~self.leaf[child]]
        terms = np.empty((n, trees + 1))
        terms[:, 0] = self.baseline
        terms[:, 1:] = self.value[at].reshape(n, trees)
        return np.add.accumulate(terms, axis=1)[:, -1]  # tree by tree from the baseline, as scikit-learn adds them


class _Linear:
    """The decision of a binary LogisticRegression."""

    def __init__(self, estimator) -> None:
        self.coef, self.intercept = estimator.coef_.ravel(), float(estimator.intercept_[0])

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef + self.intercept


class _Isotonic:
    """An IsotonicRegression calibrator that clips out-of-range input."""

    def __init__(self, calibrator) -> None:
        self.xs, self.ys = calibrator.X_thresholds_, calibrator.y_thresholds_
        self.lo, self.hi = calibrator.X_min_, calibrator.X_max_

    def __call__(self, f: np.ndarray) -> np.ndarray:
        return np.interp(np.clip(f, self.lo, self.hi), self.xs, self.ys)


class _Sigmoid:
    """Platt's sigmoid calibrator."""

    def __init__(self, calibrator) -> None:
        self.a, self.b = float(calibrator.a_), float(calibrator.b_)

    def __call__(self, f: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(self.a * f + self.b))


def _decision(estimator) -> Predict | None:
    name = type(estimator).__name__
    if name == "HistGradientBoostingClassifier" and len(estimator.classes_) == 2 \
            and getattr(estimator, "is_categorical_", None) is None:
        return _Forest(estimator)
    if name == "LogisticRegression" and estimator.coef_.shape[0] == 1:
        return _Linear(estimator)
    return None


def _calibrator(calibrator) -> Callable[[np.ndarray], np.ndarray] | None:
    name = type(calibrator).__name__
    if name == "IsotonicRegression" and calibrator.out_of_bounds == "clip" and len(calibrator.X_thresholds_) > 1:
        return _Isotonic(calibrator)
    if name == "_SigmoidCalibration":
        return _Sigmoid(calibrator)
    return None


class _Calibrated:
    """CalibratedClassifierCV: the mean of its folds' calibrated probabilities."""

    def __init__(self, folds: list[tuple[Predict, Callable[[np.ndarray], np.ndarray]]]) -> None:
        self.folds = folds

    @classmethod
    def of(cls, model) -> _Calibrated | None:
        folds = []
        for fold in model.calibrated_classifiers_:
            decision = _decision(fold.estimator)
            calibrate = _calibrator(fold.calibrators[0]) if len(fold.calibrators) == 1 else None
            if decision is None or calibrate is None:
                return None
            folds.append((decision, calibrate))
        return cls(folds)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        total = np.zeros(len(X))
        for decision, calibrate in self.folds:
            p = calibrate(decision(X))
            p[(1.0 < p) & (p <= 1.0 + 1e-5)] = 1.0
            total += p
        return total / len(self.folds)


class _Scaled:
    """A pipeline of StandardScalers before a compiled classifier."""

    def __init__(self, shifts: list[tuple[np.ndarray | float, np.ndarray | float]], final: Predict) -> None:
        self.shifts, self.final = shifts, final

    def __call__(self, X: np.ndarray) -> np.ndarray:
        for mean, scale in self.shifts:
            X = (X - mean) / scale
        return self.final(X)


def compile_classifier(model) -> Predict | None:
    """A fast ``X -> P(positive)`` equal to ``model.predict_proba(X)[:, 1]``, or None when the
    model holds a part this module does not know (then use scikit-learn). The result holds
    numpy arrays and plain numbers only, so it pickles and unpickles without scikit-learn."""
    name = type(model).__name__
    if name == "Pipeline":
        steps = [step for _, step in model.steps]
        scalers = steps[:-1]
        if not all(type(s).__name__ == "StandardScaler" for s in scalers):
            return None
        final = compile_classifier(steps[-1])
        if final is None:
            return None
        return _Scaled([(s.mean_ if s.with_mean else 0.0, s.scale_ if s.with_std else 1.0) for s in scalers], final)
    if name == "CalibratedClassifierCV" and len(model.classes_) == 2:
        return _Calibrated.of(model)
    return None


__all__ = ["CHUNK_ROWS", "compile_classifier"]
