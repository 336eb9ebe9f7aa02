"""Fitted scikit-learn classifiers turned into a few numpy arrays, for fast prediction.

Scoring one document calls three calibrated models on a handful of rows. scikit-learn then
spends most of its time on what does not depend on the rows: input validation on every call,
and one call into compiled code per tree (1,200 trees across the three-fold ensembles). Here
every tree of a gradient-boosting model is traversed at once, level by level, over a node table
that holds all of them; calibrators and linear models are the same arithmetic on arrays.

:func:`compile_classifier` supports what spinfix trains (pipelines of ``StandardScaler``,
``CalibratedClassifierCV`` over ``HistGradientBoostingClassifier`` or ``LogisticRegression``
with isotonic or sigmoid calibration, binary); anything else is left to scikit-learn. The
probabilities equal scikit-learn's up to float rounding (tested), since the trees' values are
summed in the same order.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]  # rows -> probability of the positive class


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
        self.depth = int(max(nodes["depth"].max(), 0)) + 1

    def decision(self, X: np.ndarray) -> np.ndarray:
        at = np.repeat(self.roots[None, :], len(X), axis=0)
        rows = np.arange(len(X))[:, None]
        for _ in range(self.depth):
            inner = ~self.leaf[at]
            if not inner.any():
                break
            x = X[rows, self.feature[at]]
            go_left = np.where(np.isnan(x), self.missing_left[at], x <= self.threshold[at])
            at = np.where(inner, np.where(go_left, self.left[at], self.right[at]), at)
        values = self.value[at]
        raw = np.zeros(len(X)) + self.baseline
        for t in range(values.shape[1]):  # tree by tree, as scikit-learn adds them
            raw += values[:, t]
        return raw


def _decision(estimator) -> Predict | None:
    name = type(estimator).__name__
    if name == "HistGradientBoostingClassifier" and len(estimator.classes_) == 2 \
            and getattr(estimator, "is_categorical_", None) is None:
        return _Forest(estimator).decision
    if name == "LogisticRegression" and estimator.coef_.shape[0] == 1:
        coef, intercept = estimator.coef_.ravel(), float(estimator.intercept_[0])
        return lambda X: X @ coef + intercept
    return None


def _calibrator(calibrator) -> Callable[[np.ndarray], np.ndarray] | None:
    name = type(calibrator).__name__
    if name == "IsotonicRegression" and calibrator.out_of_bounds == "clip" and len(calibrator.X_thresholds_) > 1:
        xs, ys, lo, hi = calibrator.X_thresholds_, calibrator.y_thresholds_, calibrator.X_min_, calibrator.X_max_
        return lambda f: np.interp(np.clip(f, lo, hi), xs, ys)
    if name == "_SigmoidCalibration":
        a, b = float(calibrator.a_), float(calibrator.b_)
        return lambda f: 1.0 / (1.0 + np.exp(a * f + b))
    return None


def _calibrated(model) -> Predict | None:
    """CalibratedClassifierCV: the mean of its folds' calibrated probabilities."""
    folds = []
    for fold in model.calibrated_classifiers_:
        decision = _decision(fold.estimator)
        calibrate = _calibrator(fold.calibrators[0]) if len(fold.calibrators) == 1 else None
        if decision is None or calibrate is None:
            return None
        folds.append((decision, calibrate))

    def predict(X: np.ndarray) -> np.ndarray:
        total = np.zeros(len(X))
        for decision, calibrate in folds:
            p = calibrate(decision(X))
            p[(1.0 < p) & (p <= 1.0 + 1e-5)] = 1.0
            total += p
        return total / len(folds)

    return predict


SMALL_BATCH = 32  # rows up to which the compiled model wins; beyond, scikit-learn's per-tree loop is faster


def small_batches_compiled(model, predict: Predict) -> Predict:
    """``predict`` (scikit-learn's), but through :func:`compile_classifier` for a batch of at
    most :data:`SMALL_BATCH` rows (one document's sentences), where scikit-learn's cost per call
    dominates. Level-by-level traversal of every tree costs more per row than scikit-learn's,
    so large batches stay with it."""
    fast = compile_classifier(model)
    if fast is None:
        return predict
    return lambda X: fast(X) if len(X) <= SMALL_BATCH else predict(X)


def compile_classifier(model) -> Predict | None:
    """A fast ``X -> P(positive)`` equal to ``model.predict_proba(X)[:, 1]``, or None when the
    model holds a part this module does not know (then use scikit-learn)."""
    name = type(model).__name__
    if name == "Pipeline":
        steps = [step for _, step in model.steps]
        scalers = steps[:-1]
        if not all(type(s).__name__ == "StandardScaler" for s in scalers):
            return None
        final = compile_classifier(steps[-1])
        if final is None:
            return None
        shifts = [(s.mean_ if s.with_mean else 0.0, s.scale_ if s.with_std else 1.0) for s in scalers]

        def predict(X: np.ndarray) -> np.ndarray:
            for mean, scale in shifts:
                X = (X - mean) / scale
            return final(X)

        return predict
    if name == "CalibratedClassifierCV" and len(model.classes_) == 2:
        return _calibrated(model)
    return None


__all__ = ["SMALL_BATCH", "compile_classifier", "small_batches_compiled"]
