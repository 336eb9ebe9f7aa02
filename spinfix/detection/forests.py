"""Fitted scikit-learn classifiers as a few numpy arrays: fast to predict with, and storable as
plain data in a model file.

:func:`compile_classifier` turns what spinfix trains (pipelines of ``StandardScaler``,
``CalibratedClassifierCV`` over ``HistGradientBoostingClassifier`` with trees of up to 64 leaves
or over ``LogisticRegression``, isotonic or sigmoid calibration, binary) into predictors whose
probabilities equal scikit-learn's (the trees' values summed in the same order; tested).
:func:`to_data` and :func:`from_data` write a predictor as JSON parameters and named arrays and
read it back, which is how model files hold them; scoring never imports scikit-learn.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]  # rows -> probability of the positive class
CHUNK_ROWS = 256  # rows scored at once: larger batches are cut, to keep the gathered masks in cache


class _Tables(NamedTuple):
    """A forest's masks and leaf values, as :meth:`Forest._build` makes them."""

    values: np.ndarray
    thresholds: list[np.ndarray]
    offsets: np.ndarray
    table: np.ndarray
    used: list[int]
    missing_rank: np.ndarray
    row_of_tree: np.ndarray


class Forest:
    """The raw decision (log-odds) of a binary HistGradientBoostingClassifier, by QuickScorer's
    method (Lucchese et al., SIGIR 2015): a row's leaf in a tree is the leftmost leaf that none
    of the tests it fails rules out, found from per-feature tables of leaf bit masks without
    walking the trees (``docs/architecture.md`` explains the tables). A model file keeps the
    node table (:data:`NODES`); the masks are built on first use. :meth:`joined` makes one
    forest of several (a calibrated model's folds), each with its own sum."""

    NODES = ("roots", "feature", "threshold", "missing_left", "left", "right", "leaf", "value")
    MAX_LEAVES = 64  # leaves of a tree that its masks can hold

    def __init__(self, nodes: dict[str, np.ndarray], baseline: float | list[float], parts: list[int] | None = None):
        self.roots, self.feature, self.threshold, self.missing_left, self.left, self.right, self.leaf, self.value = (
            nodes[name] for name in self.NODES)
        self.baseline = baseline
        self.parts = parts if parts is not None else [len(self.roots)]  # trees per summed forest
        self._tables: tuple | None = None  # built on first use (:meth:`_build`)

    @classmethod
    def of(cls, booster) -> Forest:
        """The forest of a fitted binary ``HistGradientBoostingClassifier``."""
        trees = [predictors[0].nodes for predictors in booster._predictors]
        starts = np.cumsum([0] + [len(t) for t in trees[:-1]])
        nodes = np.concatenate(trees)
        shift = np.repeat(starts, [len(t) for t in trees])
        return cls({
            "roots": starts, "feature": nodes["feature_idx"].astype(np.intp), "threshold": nodes["num_threshold"],
            "missing_left": nodes["missing_go_to_left"].astype(bool), "left": nodes["left"].astype(np.intp) + shift,
            "right": nodes["right"].astype(np.intp) + shift, "leaf": nodes["is_leaf"].astype(bool),
            "value": nodes["value"]}, float(np.asarray(booster._baseline_prediction).ravel()[0]))

    @classmethod
    def fits(cls, booster) -> bool:
        """Whether every tree of ``booster`` is small enough for the masks."""
        return max(p[0].get_n_leaf_nodes() for p in booster._predictors) <= cls.MAX_LEAVES

    @classmethod
    def joined(cls, forests: list[Forest]) -> Forest:
        """One forest of the trees of ``forests``, whose :meth:`sums` are each one's decision."""
        sizes = np.cumsum([0] + [len(f.leaf) for f in forests[:-1]])
        stack = lambda name, shift=False: np.concatenate(
            [getattr(f, name) + at if shift else getattr(f, name) for f, at in zip(forests, sizes)])
        return cls({
            "roots": stack("roots", True), "feature": stack("feature"), "threshold": stack("threshold"),
            "missing_left": stack("missing_left"), "left": stack("left", True), "right": stack("right", True),
            "leaf": stack("leaf"), "value": stack("value")}, [f.baseline for f in forests], [len(f.roots) for f in forests])

    def to_data(self, prefix: str) -> tuple[dict, dict[str, np.ndarray]]:
        """The forest as JSON parameters and arrays named under ``prefix`` (:func:`to_data`)."""
        return {"kind": "forest", "baseline": self.baseline}, {f"{prefix}{name}": getattr(self, name) for name in self.NODES}

    @classmethod
    def from_data(cls, spec: dict, arrays: dict[str, np.ndarray], prefix: str) -> Forest:
        return cls({name: arrays[f"{prefix}{name}"] for name in cls.NODES}, spec["baseline"])

    def _levels(self) -> list[np.ndarray]:
        """The nodes of all trees, level by level from the roots."""
        levels, frontier = [], np.asarray(self.roots, dtype=np.intp)
        while frontier.size:
            levels.append(frontier)
            inner = frontier[~self.leaf[frontier]]
            frontier = np.concatenate([self.left[inner], self.right[inner]])
        return levels

    def _build(self) -> tuple:
        """Number each tree's leaves from the left, give each internal node its mask, and fill
        the tables (``table``, its rows found through ``thresholds`` and ``offsets``)."""
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
        values = np.zeros((trees, width))
        leaves = np.flatnonzero(self.leaf)
        values[tree[leaves], first[leaves]] = self.value[leaves]
        thresholds, offsets, tables = [], [], []
        for f in range(int(self.feature[inner].max()) + 1 if inner.size else 0):
            mine = self.feature[inner] == f
            ranked = np.unique(self.threshold[inner][mine])
            table = np.full((len(ranked) + 2, trees), np.iinfo(dtype).max, dtype)  # ranks 0..K, then a missing value
            rank = np.searchsorted(ranked, self.threshold[inner][mine])
            np.bitwise_and.at(table, (rank + 1, tree[inner][mine]), masks[mine])
            table[:-1] = np.bitwise_and.accumulate(table[:-1], axis=0)
            right = mine & ~self.missing_left[inner]
            np.bitwise_and.at(table[-1], tree[inner][right], masks[right])
            thresholds.append(ranked)
            offsets.append(sum(len(t) for t in tables))
            tables.append(table)
        table = np.concatenate(tables) if tables else np.full((1, trees), np.iinfo(dtype).max, dtype)
        offsets = np.array(offsets or [0], dtype=np.intp)
        used = [f for f, t in enumerate(thresholds) if len(t)] or [0]  # features some node tests
        missing_rank = np.array([len(t) + 1 for t in thresholds] or [0], dtype=np.intp)
        row_of_tree = np.arange(trees) * width
        return _Tables(values, thresholds, offsets, table, used, missing_rank, row_of_tree)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.sums(X)[0]

    def sums(self, X: np.ndarray) -> np.ndarray:
        """Each joined forest's decision (one row per forest, one column per row of ``X``)."""
        if self._tables is None:
            self._tables = self._build()  # on first use: a fold scored through its joined forest never needs its own
        X = np.ascontiguousarray(X, dtype=np.float64)
        return np.concatenate([self._raw(X[k:k + CHUNK_ROWS]) for k in range(0, len(X), CHUNK_ROWS)], axis=1) \
            if len(X) > CHUNK_ROWS else self._raw(X)

    def _raw(self, X: np.ndarray) -> np.ndarray:
        n = len(X)
        if n == 1:  # one row's trees would be one column, which numpy sums pairwise (see below)
            return self._raw(np.repeat(X, 2, axis=0))[:, :1]
        t = self._tables
        rows = np.zeros((n, len(t.offsets)), np.intp)
        for f, ranked in enumerate(t.thresholds):
            rows[:, f] = np.searchsorted(ranked, X[:, f])
        missing = np.isnan(X[:, :rows.shape[1]])
        if missing.any():
            rows[missing] = np.broadcast_to(t.missing_rank, rows.shape)[missing]
        rows += t.offsets
        open_ = t.table[rows[:, t.used[0]]]  # per row and tree, the leaves no test ruled out, feature by feature
        for f in t.used[1:]:
            open_ &= t.table[rows[:, f]]
        open_ = np.ascontiguousarray(open_.T)  # a row per tree from here
        one = open_.dtype.type(1)
        leftmost = np.bitwise_count((open_ & (~open_ + one)) - one)  # the lowest open bit's place: the bits below it
        values = t.values.ravel()[t.row_of_tree[:, None] + leftmost]  # C-ordered, as the sums below need
        out, first = np.empty((len(self.parts), n)), 0
        for k, (trees, baseline) in enumerate(zip(self.parts, np.atleast_1d(self.baseline))):
            # tree by tree from the baseline, as scikit-learn adds them: numpy reduces down the
            # columns of a C-ordered array of two columns or more in order (a contiguous run it
            # sums pairwise), and 40 times as fast as np.add.accumulate along the rows
            out[k] = np.add.reduce(values[first:first + trees], axis=0, initial=baseline)
            first += trees
        return out


class Linear:
    """The decision of a binary LogisticRegression."""

    def __init__(self, coef: np.ndarray, intercept: float) -> None:
        self.coef, self.intercept = coef, intercept

    @classmethod
    def of(cls, estimator) -> Linear:
        return cls(estimator.coef_.ravel(), float(estimator.intercept_[0]))

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef + self.intercept

    def to_data(self, prefix: str) -> tuple[dict, dict[str, np.ndarray]]:
        return {"kind": "linear", "intercept": self.intercept}, {f"{prefix}coef": self.coef}

    @classmethod
    def from_data(cls, spec: dict, arrays: dict[str, np.ndarray], prefix: str) -> Linear:
        return cls(arrays[f"{prefix}coef"], spec["intercept"])


class Isotonic:
    """An IsotonicRegression calibrator that clips out-of-range input."""

    def __init__(self, xs: np.ndarray, ys: np.ndarray, lo: float, hi: float) -> None:
        self.xs, self.ys, self.lo, self.hi = xs, ys, lo, hi

    @classmethod
    def of(cls, calibrator) -> Isotonic:
        return cls(calibrator.X_thresholds_, calibrator.y_thresholds_, float(calibrator.X_min_), float(calibrator.X_max_))

    def __call__(self, f: np.ndarray) -> np.ndarray:
        return np.interp(np.clip(f, self.lo, self.hi), self.xs, self.ys)

    def to_data(self, prefix: str) -> tuple[dict, dict[str, np.ndarray]]:
        return {"kind": "isotonic", "lo": self.lo, "hi": self.hi}, {f"{prefix}xs": self.xs, f"{prefix}ys": self.ys}

    @classmethod
    def from_data(cls, spec: dict, arrays: dict[str, np.ndarray], prefix: str) -> Isotonic:
        return cls(arrays[f"{prefix}xs"], arrays[f"{prefix}ys"], spec["lo"], spec["hi"])


class Sigmoid:
    """Platt's sigmoid calibrator."""

    def __init__(self, a: float, b: float) -> None:
        self.a, self.b = a, b

    @classmethod
    def of(cls, calibrator) -> Sigmoid:
        return cls(float(calibrator.a_), float(calibrator.b_))

    def __call__(self, f: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(self.a * f + self.b))

    def to_data(self, prefix: str) -> tuple[dict, dict[str, np.ndarray]]:
        return {"kind": "sigmoid", "a": self.a, "b": self.b}, {}

    @classmethod
    def from_data(cls, spec: dict, arrays: dict[str, np.ndarray], prefix: str) -> Sigmoid:
        return cls(spec["a"], spec["b"])


def _decision(estimator) -> Predict | None:
    name = type(estimator).__name__
    if name == "HistGradientBoostingClassifier" and len(estimator.classes_) == 2 \
            and getattr(estimator, "is_categorical_", None) is None and Forest.fits(estimator):
        return Forest.of(estimator)
    if name == "LogisticRegression" and estimator.coef_.shape[0] == 1:
        return Linear.of(estimator)
    return None


def _calibrator(calibrator) -> Callable[[np.ndarray], np.ndarray] | None:
    name = type(calibrator).__name__
    if name == "IsotonicRegression" and calibrator.out_of_bounds == "clip" and len(calibrator.X_thresholds_) > 1:
        return Isotonic.of(calibrator)
    if name == "_SigmoidCalibration":
        return Sigmoid.of(calibrator)
    return None


class Calibrated:
    """CalibratedClassifierCV: the mean of its folds' calibrated probabilities. The trees of
    boosted folds are summed in one pass (:meth:`Forest.joined`)."""

    def __init__(self, folds: list[tuple[Predict, Callable[[np.ndarray], np.ndarray]]]) -> None:
        self.folds = folds
        forests = [d for d, _ in folds]
        self.joined = Forest.joined(forests) if all(isinstance(d, Forest) for d in forests) else None

    @classmethod
    def of(cls, model) -> Calibrated | None:
        folds = []
        for fold in model.calibrated_classifiers_:
            decision = _decision(fold.estimator)
            calibrate = _calibrator(fold.calibrators[0]) if len(fold.calibrators) == 1 else None
            if decision is None or calibrate is None:
                return None
            folds.append((decision, calibrate))
        return cls(folds)

    def _decisions(self, X: np.ndarray) -> list[np.ndarray] | np.ndarray:
        """Each fold's decision."""
        return self.joined.sums(X) if self.joined is not None else [d(X) for d, _ in self.folds]

    def __call__(self, X: np.ndarray) -> np.ndarray:
        total = np.zeros(len(X))
        for decision, (_, calibrate) in zip(self._decisions(X), self.folds):
            p = calibrate(decision)
            p[(1.0 < p) & (p <= 1.0 + 1e-5)] = 1.0
            total += p
        return total / len(self.folds)

    def to_data(self, prefix: str) -> tuple[dict, dict[str, np.ndarray]]:
        folds, arrays = [], {}
        for k, (decision, calibrate) in enumerate(self.folds):
            decision_spec, decision_arrays = to_data(decision, f"{prefix}fold{k}.decision.")
            calibrator_spec, calibrator_arrays = to_data(calibrate, f"{prefix}fold{k}.calibrator.")
            folds.append({"decision": decision_spec, "calibrator": calibrator_spec})
            arrays.update(decision_arrays)
            arrays.update(calibrator_arrays)
        return {"kind": "calibrated", "folds": folds}, arrays

    @classmethod
    def from_data(cls, spec: dict, arrays: dict[str, np.ndarray], prefix: str) -> Calibrated:
        return cls([(from_data(fold["decision"], arrays, f"{prefix}fold{k}.decision."),
                     from_data(fold["calibrator"], arrays, f"{prefix}fold{k}.calibrator."))
                    for k, fold in enumerate(spec["folds"])])


class Scaled:
    """A pipeline of StandardScalers before a compiled classifier."""

    def __init__(self, shifts: list[tuple[np.ndarray | float, np.ndarray | float]], final: Predict) -> None:
        self.shifts, self.final = shifts, final

    def __call__(self, X: np.ndarray) -> np.ndarray:
        for mean, scale in self.shifts:
            X = (X - mean) / scale
        return self.final(X)

    def to_data(self, prefix: str) -> tuple[dict, dict[str, np.ndarray]]:
        final_spec, arrays = to_data(self.final, f"{prefix}final.")
        for k, (mean, scale) in enumerate(self.shifts):
            arrays[f"{prefix}shift{k}.mean"] = np.asarray(mean, dtype=float)
            arrays[f"{prefix}shift{k}.scale"] = np.asarray(scale, dtype=float)
        return {"kind": "scaled", "shifts": len(self.shifts), "final": final_spec}, arrays

    @classmethod
    def from_data(cls, spec: dict, arrays: dict[str, np.ndarray], prefix: str) -> Scaled:
        shifts = [(arrays[f"{prefix}shift{k}.mean"], arrays[f"{prefix}shift{k}.scale"]) for k in range(spec["shifts"])]
        return cls(shifts, from_data(spec["final"], arrays, f"{prefix}final."))


_KINDS = {"forest": Forest, "linear": Linear, "isotonic": Isotonic, "sigmoid": Sigmoid,
          "calibrated": Calibrated, "scaled": Scaled}


def compile_classifier(model) -> Predict | None:
    """A fast ``X -> P(positive)`` equal to ``model.predict_proba(X)[:, 1]``, or None when the
    model holds a part this module does not know (then use scikit-learn). The result holds
    numpy arrays and plain numbers only (:func:`to_data`)."""
    name = type(model).__name__
    if name == "Pipeline":
        steps = [step for _, step in model.steps]
        scalers = steps[:-1]
        if not all(type(s).__name__ == "StandardScaler" for s in scalers):
            return None
        final = compile_classifier(steps[-1])
        if final is None:
            return None
        return Scaled([(s.mean_ if s.with_mean else 0.0, s.scale_ if s.with_std else 1.0) for s in scalers], final)
    if name == "CalibratedClassifierCV" and len(model.classes_) == 2:
        return Calibrated.of(model)
    return None


def is_storable(predictor: object) -> bool:
    """Whether ``predictor`` is one of this module's (and so has a data form)."""
    return type(predictor) in _KINDS.values()


def to_data(predictor, prefix: str = "") -> tuple[dict, dict[str, np.ndarray]]:
    """A compiled predictor as JSON parameters (with its ``kind``) and arrays whose names start
    with ``prefix``.

    Examples
    --------
    >>> spec, arrays = to_data(Sigmoid(-2.0, 0.5))
    >>> spec, arrays
    ({'kind': 'sigmoid', 'a': -2.0, 'b': 0.5}, {})
    >>> float(from_data(spec, arrays)(np.array([0.0]))[0])
    0.3775406687981454
    """
    if not is_storable(predictor):
        raise TypeError(f"{type(predictor).__name__} has no data form")
    return predictor.to_data(prefix)


def from_data(spec: dict, arrays: dict[str, np.ndarray], prefix: str = "") -> Predict:
    """The predictor :func:`to_data` wrote; a spec of an unknown kind raises :class:`ValueError`."""
    kind = _KINDS.get(spec.get("kind")) if isinstance(spec, dict) else None
    if kind is None:
        raise ValueError(f"unknown predictor kind {spec.get('kind') if isinstance(spec, dict) else spec!r}")
    return kind.from_data(spec, arrays, prefix)


__all__ = ["CHUNK_ROWS", "Calibrated", "Forest", "Isotonic", "Linear", "Predict", "Scaled", "Sigmoid",
           "compile_classifier", "from_data", "is_storable", "to_data"]
