"""Fitted scikit-learn classifiers turned into a few numpy arrays, for fast prediction.

Scoring one document calls three calibrated models on a handful of rows. scikit-learn then
spends most of its time on what does not depend on the rows: input validation on every call,
and one call into compiled code per tree. Here all trees of a gradient-boosting model find
their leaves at once, from bit masks and rank tables (:class:`_Forest`); calibrators and
linear models are the same arithmetic on arrays.

:func:`compile_classifier` supports what spinfix trains (pipelines of ``StandardScaler``,
``CalibratedClassifierCV`` over ``HistGradientBoostingClassifier`` with trees of up to 64
leaves or ``LogisticRegression``, with isotonic or sigmoid calibration, binary); anything else
is left to scikit-learn. The probabilities equal scikit-learn's up to float rounding (tested),
since the trees' values are summed in the same order.

What it returns holds numpy arrays and plain numbers only: a model file stores it beside the
scikit-learn models (:mod:`spinfix.model_files`), and scoring reads it without importing
scikit-learn. Against scikit-learn's own loop (the sentence model, one core): 7 against 307 us
per row for 16 rows (one document), and 4 against 17 us per row in a batch of 3,612 (the
level-by-level walk this replaced: 72 and 42).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]  # rows -> probability of the positive class
CHUNK_ROWS = 256  # rows scored at once: larger batches are cut, to keep the gathered masks in cache


class _Forest:
    """The raw decision (log-odds) of a binary HistGradientBoostingClassifier, by QuickScorer's
    method (Lucchese et al., SIGIR 2015): a row's leaf in a tree is the leftmost leaf that none
    of the tests it fails rules out. Each internal node holds a bit mask of the leaves still
    open to a row that goes right there. For each feature, the nodes that test it are ranked by
    threshold, and a table holds, per tree and per rank of a value among those thresholds, the
    AND of the masks of the tree's nodes the value sends right (those with a lower threshold).
    A row's leaves are then one ``searchsorted`` per feature and one AND over the features of
    gathered table rows: no walk, whatever the depth (up to 18 here). A missing value takes
    each node's ``missing_go_to_left``, through a table row of its own.

    The model file keeps the node table (what :meth:`__init__` reads from the booster); the
    masks are built from it on first use, in milliseconds. :meth:`joined` makes one forest of
    several (a calibrated model's folds), each with its own sum: one pass for all of them."""

    NODES = ("roots", "feature", "threshold", "missing_left", "left", "right", "leaf", "value", "baseline")
    MAX_LEAVES = 64  # leaves of a tree that its masks can hold

    def __init__(self, booster) -> None:
        trees = [predictors[0].nodes for predictors in booster._predictors]
        starts = np.cumsum([0] + [len(t) for t in trees[:-1]])
        nodes = np.concatenate(trees)
        shift = np.repeat(starts, [len(t) for t in trees])
        self.__setstate__({
            "roots": starts, "feature": nodes["feature_idx"].astype(np.intp), "threshold": nodes["num_threshold"],
            "missing_left": nodes["missing_go_to_left"].astype(bool), "left": nodes["left"].astype(np.intp) + shift,
            "right": nodes["right"].astype(np.intp) + shift, "leaf": nodes["is_leaf"].astype(bool),
            "value": nodes["value"], "baseline": float(np.asarray(booster._baseline_prediction).ravel()[0])})

    @classmethod
    def fits(cls, booster) -> bool:
        """Whether every tree of ``booster`` is small enough for the masks."""
        return max(p[0].get_n_leaf_nodes() for p in booster._predictors) <= cls.MAX_LEAVES

    @classmethod
    def joined(cls, forests: list[_Forest]) -> _Forest:
        """One forest of the trees of ``forests``, whose :meth:`sums` are each one's decision."""
        sizes = np.cumsum([0] + [len(f.leaf) for f in forests[:-1]])
        stack = lambda name, shift=False: np.concatenate(
            [getattr(f, name) + at if shift else getattr(f, name) for f, at in zip(forests, sizes)])
        joined = cls.__new__(cls)
        joined.__setstate__({
            "roots": stack("roots", True), "feature": stack("feature"), "threshold": stack("threshold"),
            "missing_left": stack("missing_left"), "left": stack("left", True), "right": stack("right", True),
            "leaf": stack("leaf"), "value": stack("value"), "baseline": [f.baseline for f in forests],
            "parts": [len(f.roots) for f in forests]})
        return joined

    def __getstate__(self) -> dict:
        return {name: getattr(self, name) for name in self.NODES}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update({name: state[name] for name in self.NODES})
        self.parts = state.get("parts", [len(self.roots)])  # trees per summed forest

    def _levels(self) -> list[np.ndarray]:
        """The nodes of all trees, level by level from the roots."""
        levels, frontier = [], np.asarray(self.roots, dtype=np.intp)
        while frontier.size:
            levels.append(frontier)
            inner = frontier[~self.leaf[frontier]]
            frontier = np.concatenate([self.left[inner], self.right[inner]])
        return levels

    def _build(self) -> None:
        """Number each tree's leaves from the left, give each internal node its mask, and fill
        the tables (:attr:`table`, rows found through :attr:`thresholds` and :attr:`offsets`)."""
        n_nodes, trees = len(self.leaf), len(self.roots)
        levels = self._levels()
        count = self.leaf.astype(np.int64)  # leaves under each node, bottom-up
        for level in reversed(levels):
            inner = level[~self.leaf[level]]
            count[inner] = count[self.left[inner]] + count[self.right[inner]]
        first = np.zeros(n_nodes, np.int64)  # the rank of a node's leftmost leaf in its tree, top-down
        for level in levels:
            inner = level[~self.leaf[level]]
            first[self.left[inner]] = first[inner]
            first[self.right[inner]] = first[inner] + count[self.left[inner]]
        tree = np.repeat(np.arange(trees), np.diff(np.append(self.roots, n_nodes)))
        width = int(count[self.roots].max())
        dtype = np.uint32 if width <= 32 else np.uint64
        inner = np.flatnonzero(~self.leaf)
        left = self.left[inner]
        ones = np.uint64(2 ** 64 - 1)
        masks = (ones ^ (((np.uint64(1) << count[left].astype(np.uint64)) - np.uint64(1))
                         << first[left].astype(np.uint64))).astype(dtype)
        self.values = np.zeros((trees, width))
        leaves = np.flatnonzero(self.leaf)
        self.values[tree[leaves], first[leaves]] = self.value[leaves]
        self.thresholds, self.offsets, tables = [], [], []
        for f in range(int(self.feature[inner].max()) + 1 if inner.size else 0):
            mine = self.feature[inner] == f
            ranked = np.unique(self.threshold[inner][mine])
            table = np.full((len(ranked) + 2, trees), np.iinfo(dtype).max, dtype)  # ranks 0..K, then a missing value
            rank = np.searchsorted(ranked, self.threshold[inner][mine])
            np.bitwise_and.at(table, (rank + 1, tree[inner][mine]), masks[mine])
            table[:-1] = np.bitwise_and.accumulate(table[:-1], axis=0)
            right = mine & ~self.missing_left[inner]
            np.bitwise_and.at(table[-1], tree[inner][right], masks[right])
            self.thresholds.append(ranked)
            self.offsets.append(sum(len(t) for t in tables))
            tables.append(table)
        self.table = np.concatenate(tables) if tables else np.full((1, trees), np.iinfo(dtype).max, dtype)
        self.offsets = np.array(self.offsets or [0], dtype=np.intp)
        self.used = [f for f, t in enumerate(self.thresholds) if len(t)] or [0]  # features some node tests
        self.missing_rank = np.array([len(t) + 1 for t in self.thresholds] or [0], dtype=np.intp)
        self.row_of_tree = np.arange(trees) * width

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.sums(X)[0]

    def sums(self, X: np.ndarray) -> np.ndarray:
        """Each joined forest's decision (one row per forest, one column per row of ``X``)."""
        if "table" not in self.__dict__:
            self._build()  # on first use: a fold scored through its joined forest never needs its own
        X = np.ascontiguousarray(X, dtype=np.float64)
        return np.concatenate([self._raw(X[k:k + CHUNK_ROWS]) for k in range(0, len(X), CHUNK_ROWS)], axis=1) \
            if len(X) > CHUNK_ROWS else self._raw(X)

    def _raw(self, X: np.ndarray) -> np.ndarray:
        n = len(X)
        if n == 1:  # one row's trees would be one column, which numpy sums pairwise (see below)
            return self._raw(np.repeat(X, 2, axis=0))[:, :1]
        rows = np.zeros((n, len(self.offsets)), np.intp)
        for f, ranked in enumerate(self.thresholds):
            rows[:, f] = np.searchsorted(ranked, X[:, f])
        missing = np.isnan(X[:, :rows.shape[1]])
        if missing.any():
            rows[missing] = np.broadcast_to(self.missing_rank, rows.shape)[missing]
        rows += self.offsets
        open_ = self.table[rows[:, self.used[0]]]  # per row and tree, the leaves no test ruled out, feature by feature
        for f in self.used[1:]:
            open_ &= self.table[rows[:, f]]
        open_ = np.ascontiguousarray(open_.T)  # a row per tree from here
        one = open_.dtype.type(1)
        leftmost = np.bitwise_count((open_ & (~open_ + one)) - one)  # the lowest open bit's place: the bits below it
        values = self.values.ravel()[self.row_of_tree[:, None] + leftmost]  # C-ordered, as the sums below need
        out, first = np.empty((len(self.parts), n)), 0
        for k, (trees, baseline) in enumerate(zip(self.parts, np.atleast_1d(self.baseline))):
            # tree by tree from the baseline, as scikit-learn adds them: numpy reduces down the
            # columns of a C-ordered array of two columns or more in order (a contiguous run it
            # sums pairwise), and 40 times as fast as np.add.accumulate along the rows
            out[k] = np.add.reduce(values[first:first + trees], axis=0, initial=baseline)
            first += trees
        return out


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
            and getattr(estimator, "is_categorical_", None) is None and _Forest.fits(estimator):
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

    def __getstate__(self) -> dict:
        return {"folds": self.folds}

    def _decisions(self, X: np.ndarray) -> list[np.ndarray] | np.ndarray:
        """Each fold's decision; the trees of boosted folds all in one pass (:meth:`_Forest.joined`)."""
        if "joined" not in self.__dict__:
            forests = [d for d, _ in self.folds]
            self.joined = _Forest.joined(forests) if all(isinstance(d, _Forest) for d in forests) else None
        return self.joined.sums(X) if self.joined is not None else [d(X) for d, _ in self.folds]

    def __call__(self, X: np.ndarray) -> np.ndarray:
        total = np.zeros(len(X))
        for decision, (_, calibrate) in zip(self._decisions(X), self.folds):
            p = calibrate(decision)
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
