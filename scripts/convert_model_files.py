"""Convert model files of earlier spinfix versions (pickles in a ``SPINFIX-MODEL`` envelope,
named ``*.joblib``) to model files of arrays and JSON (``NAME.npz`` + ``NAME.json``).

WARNING: this is the one place that unpickles, and unpickling a file can run code. Convert only
files you trust (ones you made, or spinfix shipped). The unpickler here refuses every class but
numpy's and those of earlier spinfix and datasketch versions, which it rebuilds as inert
stand-ins, so a crafted file is much harder to exploit than with ``pickle.load``; that is not a
proof of safety.

Converted: a detector or a restorer with its compiled part (every one spinfix 0.1 saved), and a
source index (``spinfix index``). The arrays are the same numbers, so decisions are identical;
the file's hash (and so a score's signature) changes. Usage::

    python scripts/convert_model_files.py OLD.joblib [-o NEW]    # NEW.npz + NEW.json (default: OLD's stem)
"""
from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import pickle
import sys
import zlib
from pathlib import Path

import numpy as np

from spinfix.corpus.source_index import SourceIndex, load_index, save_index
from spinfix.detection.detector import Detector, DetectorModels, load_detector
from spinfix.detection.document_features import DOCUMENT_FEATURES
from spinfix.detection.features import SENTENCE_FEATURES, FeatureTables
from spinfix.detection.forests import Calibrated, Forest, Isotonic, Linear, Scaled, Sigmoid
from spinfix.restoration.restorer import Restorer, load_restorer

MAGIC = b"SPINFIX-MODEL\n"
ALLOWED = {  # the only globals a converted file may name, besides earlier spinfix's and datasketch's classes
    ("numpy", "dtype"), ("numpy", "ndarray"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"), ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"), ("numpy.core.numeric", "_frombuffer"),
    ("builtins", "set"), ("builtins", "frozenset"), ("collections", "defaultdict"), ("collections", "OrderedDict"),
    ("copyreg", "_reconstructor"), ("builtins", "object"),
}


class StandIn:
    """An object of a class of an earlier spinfix or datasketch, holding its state and nothing else."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2:  # (__dict__, __slots__ state)
            state = {**(state[0] or {}), **(state[1] or {})}
        self.__dict__.update(state)


_STAND_INS: dict[str, type] = {}


def stand_in(module: str, name: str) -> type:
    key = f"{module}.{name}"
    if key not in _STAND_INS:
        _STAND_INS[key] = type(name, (StandIn,), {"origin": key})
    return _STAND_INS[key]


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        if module.split(".")[0] in ("spinfix", "datasketch"):
            return stand_in(module, name)
        raise pickle.UnpicklingError(f"refused: the file names {module}.{name}, which a spinfix model never holds")


def read_old(path: str) -> tuple[dict, list[bytes]]:
    """The record and the parts of an old model file, its hash checked."""
    data = Path(path).read_bytes()
    if not data.startswith(MAGIC):
        sys.exit(f"{path}: not a model file of an earlier spinfix (no SPINFIX-MODEL header)")
    head, _, payload = data[len(MAGIC):].partition(b"\n")
    record = json.loads(head)
    if hashlib.sha256(payload).hexdigest() != record.get("sha256"):
        sys.exit(f"{path}: damaged (its payload does not match the hash it records)")
    sizes = record.get("parts", [len(payload)])
    ends = list(itertools.accumulate(sizes))
    return record, [payload[e - n:e] for n, e in zip(sizes, ends)]


def unpickle(part: bytes, serializer: str | None):
    if serializer == "pickle5+zlib":
        return RestrictedUnpickler(io.BytesIO(zlib.decompress(part))).load()
    sys.exit(f"unsupported payload ({serializer or 'joblib'}): retrain the model with this spinfix instead")


def origin(obj) -> str:
    return getattr(type(obj), "origin", type(obj).__name__)


def predictor(old):
    """A compiled predictor of :mod:`spinfix.detection.forests` from its earlier form."""
    kind = origin(old).rsplit(".", 1)[-1]
    state = vars(old)
    if kind == "_Forest":
        return Forest({name: np.asarray(state[name]) for name in Forest.NODES}, float(state["baseline"]))
    if kind == "_Calibrated":
        return Calibrated([(predictor(d), predictor(c)) for d, c in state["folds"]])
    if kind == "_Isotonic":
        return Isotonic(np.asarray(state["xs"]), np.asarray(state["ys"]), float(state["lo"]), float(state["hi"]))
    if kind == "_Sigmoid":
        return Sigmoid(float(state["a"]), float(state["b"]))
    if kind == "_Linear":
        return Linear(np.asarray(state["coef"]), float(state["intercept"]))
    if kind == "_Scaled":
        return Scaled([(np.asarray(m, dtype=float), np.asarray(s, dtype=float)) for m, s in state["shifts"]],
                      predictor(state["final"]))
    sys.exit(f"unknown predictor {origin(old)}: retrain the model with this spinfix instead")


def plain(value):
    """``value`` with numpy scalars made Python numbers (for JSON)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


def convert_detector(record: dict, parts: list[bytes], out: str) -> None:
    if len(parts) < 2:
        sys.exit("a detector of one part (no compiled form): retrain it with this spinfix instead")
    compiled, threshold, info = unpickle(parts[1], record.get("serializer"))
    state = vars(compiled)
    tables = vars(state["features"])
    features = FeatureTables(frozenset(tables["names_"]), {w: tuple(n) for w, n in tables["neighbours_"].items()},
                             dict(tables["vocabulary_"]), bool(tables["use_vocabulary"]))
    models = DetectorModels(*(predictor(m) for m in state["models"]))
    info = {k: v for k, v in plain(dict(info)).items() if k != "sha256"}
    detector = Detector(features, models, float(state["offset"]), float(threshold), info)
    detector.save(out)
    again = load_detector(out)
    rng = np.random.default_rng(0)
    for name, model in zip(DetectorModels._fields, models):
        width = {"sentence": len(SENTENCE_FEATURES), "context": 2 + len(DOCUMENT_FEATURES),
                 "document": len(DOCUMENT_FEATURES)}[name]
        rows = rng.normal(size=(300, width))
        assert np.array_equal(getattr(again.models, name)(rows), model(rows)), name


def convert_restorer(record: dict, parts: list[bytes], out: str) -> None:
    if len(parts) < 2:
        sys.exit("a restorer of one part (no compiled form): rebuild it with `spinfix dict learn` instead")
    state = vars(unpickle(parts[1], record.get("serializer")))
    restorer = Restorer(predictor(state["predict"]), float(state["threshold"]), float(state["observed_threshold"]),
                        float(state["min_likelihood"]), float(state["min_sentence"]), int(state["n_features"]),
                        plain(dict(state.get("info_") or {})))
    restorer.save(out)
    rows = np.random.default_rng(0).normal(size=(300, restorer.n_features))
    assert np.array_equal(load_restorer(out).predict_proba(rows), restorer.predict_proba(rows))


def convert_index(record: dict, parts: list[bytes], out: str) -> None:
    state = vars(unpickle(parts[0], record.get("serializer")))
    settings = {k: state[k] for k in ("threshold", "min_containment", "min_similar", "min_jaccard_ratio",
                                      "confirm_below", "min_aligned") if k in state}
    index = SourceIndex(**settings)
    for doc in state["documents"].values():
        d = vars(doc)
        index.add_hashes(d["doc_id"], np.asarray(d["hashes"], dtype=np.uint64), d["path"], d["offset"])
    save_index(index, out)
    assert len(load_index(out)) == len(index)


CONVERTERS = {"detector": convert_detector, "restorer": convert_restorer, "source-index": convert_index}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="a pickled model file of an earlier spinfix (*.joblib, an index)")
    parser.add_argument("-o", "--output", help="the new model file's stem (default: OLD without .joblib)")
    args = parser.parse_args(argv)
    print("warning: converting unpickles the file; convert only files you trust", file=sys.stderr)
    record, parts = read_old(args.old)
    out = args.output or (args.old[:-len(".joblib")] if args.old.endswith(".joblib") else args.old)
    converter = CONVERTERS.get(record.get("kind"))
    if converter is None:
        sys.exit(f"{args.old}: a {record.get('kind')} model, which this script does not convert")
    converter(record, parts, out)
    print(f"{args.old} -> {out}.npz + {out}.json ({record['kind']})", file=sys.stderr)


if __name__ == "__main__":
    main()
