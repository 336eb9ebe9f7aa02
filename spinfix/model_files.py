"""One envelope for every model file spinfix writes (the detector and the restorer).

A model file is a header line, a JSON record and the payload::

    SPINFIX-MODEL
    {"format": 3, "kind": "detector", "spinfix": "0.1.0", "sklearn": "1.7.2", "serializer": "pickle5+zlib",
     "sha256": "...", "bytes": 3921402, "parts": [1927144, 1994258], "info": {...training record...}}
    <payload bytes: the parts, one after the other>

The first part is the model itself (scikit-learn objects). A detector or restorer file has a
second part, its scoring form: the same fitted numbers as numpy arrays and plain Python
(:mod:`spinfix.compiled`), which unpickles without importing scikit-learn, so that a one-file
``spinfix score`` answers in about a quarter of a second and a restore needs no scikit-learn
either. Format 2 files (one part, no ``parts``) and restorer files of one part still load.

The payload is a zlib-compressed pickle (protocol 5), which Python's C unpickler reads ten times
faster than joblib's pure-Python one (0.04 s against 0.5 s for the detector: most of a cold
``spinfix score``); a record without ``serializer`` holds a joblib payload (files written
before), which still loads.

The record says what the file is and how it was made, and its hash is checked *before* the
payload is unpickled, so a damaged or truncated file is refused with a message naming what is
wrong instead of being fed to the unpickler (which may crash or exhaust memory on bad bytes).
The payload's hash is the model's identity in score signatures.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import pickle
import zlib
from dataclasses import dataclass
from typing import Any

from ._version import __version__
from .collector import pausing
from .errors import SpinfixError
from .textio import atomic_write

MAGIC = b"SPINFIX-MODEL\n"
FORMAT = 3
READ_FORMATS = (2, 3)  # format 2: one part
MAX_MODEL_BYTES = 500 * 1024 * 1024
SERIALIZER = "pickle5+zlib"


@dataclass
class ModelFile:
    """A model file whose envelope and hash were checked; its parts are unpickled on request."""

    name: str
    kind: str
    record: dict
    parts: list[bytes]
    rebuild: str

    @property
    def sha256(self) -> str:
        return self.record["sha256"]

    def unpickle(self, part: int, cls: type) -> Any:
        """Part ``part`` (0: the model, 1: its scoring form, when the file has one), which must
        be an instance of ``cls``; :class:`SpinfixError` when it cannot be read."""
        try:
            obj = _unpickle(self.parts[part], self.record.get("serializer"))
        except Exception as exc:  # the hash matched, so the file was written by an incompatible library
            raise SpinfixError(f"{self.name}: cannot unpickle the {self.kind} ({type(exc).__name__}); written with "
                               f"scikit-learn {self.record.get('sklearn')}, spinfix {self.record.get('spinfix')}; "
                               f"{self.rebuild}") from None
        if not isinstance(obj, cls):
            raise SpinfixError(f"{self.name}: holds a {type(obj).__name__}, not a spinfix {self.kind}")
        return obj


def save_model(model: object, kind: str, path: str | os.PathLike[str], info: dict | None = None,
               scoring: object | None = None) -> None:
    """Write ``model`` atomically in the envelope, as a model of ``kind``, with ``scoring`` (a
    form of it that needs no scikit-learn to unpickle) as a second part when given."""
    import sklearn

    parts = [zlib.compress(pickle.dumps(part, protocol=5), 6) for part in (model, scoring) if part is not None]
    payload = b"".join(parts)
    record = {"format": FORMAT, "kind": kind, "spinfix": __version__, "sklearn": sklearn.__version__,
              "serializer": SERIALIZER, "sha256": hashlib.sha256(payload).hexdigest(), "bytes": len(payload),
              "parts": [len(p) for p in parts], "info": info or {}}
    atomic_write(path, MAGIC + json.dumps(record, sort_keys=True, default=str).encode() + b"\n" + payload)


def read_model(path: str | os.PathLike[str], kind: str, rebuild: str) -> ModelFile:
    """Read a model file of ``kind`` and check its envelope and hash, or raise
    :class:`SpinfixError` saying which check failed; ``rebuild`` is the command that makes a
    new one. Nothing is unpickled yet."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_MODEL_BYTES + 1)
    except FileNotFoundError:
        raise SpinfixError(f"{name}: no such {kind} file; {rebuild}") from None
    except OSError as exc:
        raise SpinfixError(f"{name}: cannot read the model ({exc.strerror})") from None
    if not data.startswith(MAGIC):
        raise SpinfixError(f"{name}: not a spinfix model file (no SPINFIX-MODEL header); {rebuild}")
    head, _, payload = data[len(MAGIC):].partition(b"\n")
    try:
        record = json.loads(head)
    except ValueError:
        raise SpinfixError(f"{name}: the model's record is damaged (not JSON); {rebuild}") from None
    if not isinstance(record, dict) or record.get("format") not in READ_FORMATS:
        raise SpinfixError(f"{name}: model format {record.get('format') if isinstance(record, dict) else '?'}, "
                           f"this spinfix reads formats {', '.join(map(str, READ_FORMATS))}; {rebuild}")
    if record.get("kind") != kind:
        raise SpinfixError(f"{name}: holds a {record.get('kind')} model, not a {kind}")
    sizes = record.get("parts", [len(payload)])
    if not isinstance(sizes, list) or not all(type(n) is int and n > 0 for n in sizes):
        sizes = None  # a damaged record: refused below
    if len(payload) != record.get("bytes") or hashlib.sha256(payload).hexdigest() != record.get("sha256") \
            or sizes is None or sum(sizes) != len(payload):
        raise SpinfixError(f"{name}: the model is damaged (its {len(payload):,} bytes do not match the "
                           f"{record.get('bytes', 0):,} bytes and hash it records); {rebuild}")
    ends = list(itertools.accumulate(sizes))
    return ModelFile(name, kind, record, [payload[e - n:e] for n, e in zip(sizes, ends)], rebuild)


def load_model(path: str | os.PathLike[str], kind: str, cls: type, rebuild: str) -> Any:
    """Read a model file (:func:`read_model`) and unpickle its model, an instance of ``cls``."""
    return read_model(path, kind, rebuild).unpickle(0, cls)


@pausing
def _unpickle(payload: bytes, serializer: str | None) -> object:
    """The model in a payload: :data:`SERIALIZER`, or joblib for a record that names none."""
    if serializer == SERIALIZER:
        return pickle.loads(zlib.decompress(payload))
    if serializer is not None:
        raise ValueError(f"unknown serializer {serializer}")
    import joblib

    return joblib.load(io.BytesIO(payload))


__all__ = ["FORMAT", "ModelFile", "load_model", "read_model", "save_model"]
