"""Model files as data: numbers in a ``.npz`` file of plain arrays, everything else in a ``.json``
record beside it, read with ``np.load(allow_pickle=False)`` and ``json``, so that loading a model
file from anyone can never run code.

A model called ``NAME`` is the pair ``NAME.npz`` + ``NAME.json`` (a path may name either file or
the stem). The record says what the file is (``kind``, ``format``, the spinfix version), holds
the model's parameters and training record, and ends with a sha256 over both files' contents:
a damaged or mismatched pair is refused before its arrays are read, and the hash is the
model's identity in score signatures. Files of earlier spinfix versions held pickles; they are
refused, and ``scripts/convert_model_files.py`` converts the ones a user trusts.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np

from .._version import __version__
from ..collector import pausing
from ..errors import SpinfixError
from .files import atomic_write, check_regular, open_regular, read_regular

FORMAT = 4
READ_FORMATS = (4,)
MAX_MODEL_BYTES = 500 * 1024 * 1024
PICKLED_MAGIC = b"SPINFIX-MODEL\n"  # the header of the pickled model files of earlier versions
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # a fixed time stamp, so that the same arrays make the same bytes
_HEAD = b'{\n "sha256": "'  # how a record starts: its hash comes first
_ZERO = "0" * 64


@dataclass(frozen=True)
class ModelFile:
    """A model file whose pair of files and hash were checked: its JSON ``record`` and its
    ``arrays`` (both read-only)."""

    name: str
    kind: str
    record: Mapping
    arrays: Mapping[str, np.ndarray]

    @property
    def sha256(self) -> str:
        """The hash over both files, as the record holds it."""
        return self.record["sha256"]

    @property
    def info(self) -> Mapping:
        """The training record (what made the model, and how it measured)."""
        return self.record.get("info", {})


def model_name(info: Mapping) -> str:
    """A model's name and the start of its content hash, as signatures write them."""
    return f"{info.get('name', 'custom')}+{info.get('sha256', 'unsaved')[:12]}"


def model_paths(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """The ``.npz`` and ``.json`` files of the model file ``path`` (either file, or their stem)."""
    text = str(path)
    stem = text[:-len(".json")] if text.endswith(".json") else text[:-len(".npz")] if text.endswith(".npz") else text
    return Path(stem + ".npz"), Path(stem + ".json")


def model_exists(path: str | os.PathLike[str]) -> bool:
    """Whether both files of the model file ``path`` exist."""
    return all(p.exists() for p in model_paths(path))


def _npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    """``arrays`` as the bytes of an ``.npz`` file, the same bytes for the same arrays."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            array = io.BytesIO()
            np.lib.format.write_array(array, np.asarray(arrays[name]), allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(f"{name}.npy", _ZIP_TIME), array.getvalue(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _digest(npz: bytes, record: bytes) -> str:
    """The sha256 over the arrays' bytes and the record's, its own hash field zeroed."""
    return hashlib.sha256(npz + b"\0" + record).hexdigest()


def save_model(path: str | os.PathLike[str], kind: str, record: Mapping, arrays: Mapping[str, np.ndarray]) -> str:
    """Write a model of ``kind``: ``arrays`` to ``NAME.npz``, then ``record`` (plain JSON data)
    with the format, version and the hash over both to ``NAME.json`` (the hash first, so that
    it is checked without parsing the record twice), each atomically (a pair left half-written
    by a crash is refused as damaged). Returns the hash."""
    npz_path, json_path = model_paths(path)
    npz = _npz_bytes(arrays)
    full = {"sha256": _ZERO, "format": FORMAT, "kind": kind, "spinfix": __version__,
            **{k: v for k, v in record.items() if k not in ("sha256", "format", "kind", "spinfix")}}
    text = (json.dumps(full, indent=1, ensure_ascii=False, default=_plain) + "\n").encode()
    assert text.startswith(_HEAD)
    sha256 = _digest(npz, text)
    atomic_write(npz_path, npz)
    atomic_write(json_path, text.replace(_ZERO.encode(), sha256.encode(), 1))
    return sha256


def _plain(value):
    """Numpy numbers and arrays, and read-only mappings, as JSON data."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, MappingProxyType):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def frozen(value):
    """``value`` (JSON data) made read-only all the way down: mappings as read-only mappings,
    lists as tuples (a record shared by the objects loaded from one file cannot be changed
    through any of them).

    Examples
    --------
    >>> record = frozen({"metrics": {"auc": [0.9, 0.8]}})
    >>> record["metrics"]["auc"]
    (0.9, 0.8)
    """
    if isinstance(value, Mapping):
        return MappingProxyType({k: frozen(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    return value


def _read(path: Path, name: str, kind: str, rebuild: str) -> bytes:
    """One file of a model pair, checked to be a regular file before it is opened (a FIFO is never
    waited on, a device never read) and read up to :data:`MAX_MODEL_BYTES`."""
    if not os.path.lexists(path):
        raise SpinfixError(f"{name}: no such {kind} file ({path} is missing); {rebuild}")
    try:
        return read_regular(path, f"a {kind} file", MAX_MODEL_BYTES)
    except SpinfixError as exc:
        if "larger than" in str(exc):
            raise SpinfixError(f"{path}: larger than {MAX_MODEL_BYTES:,} bytes: not a spinfix model file") from None
        raise


def _refuse_other_files(path: str | os.PathLike[str], name: str, rebuild: str) -> None:
    """Say what ``path`` is when it is a file but no model pair: an old pickled model (refused,
    never read further), or something else."""
    try:
        with open_regular(path, "a model file") as handle:
            head = handle.read(len(PICKLED_MAGIC))
    except (SpinfixError, OSError):
        return
    if head == PICKLED_MAGIC:
        raise SpinfixError(f"{name}: a model file of an earlier spinfix, which holds pickles (loading one can run "
                           f"code) and is never loaded; if you trust where it came from, convert it with "
                           f"`python scripts/convert_model_files.py {name}`")
    raise SpinfixError(f"{name}: not a spinfix model file (a model is a NAME.npz and NAME.json pair); {rebuild}")


def model_kind(path: str | os.PathLike[str]) -> str | None:
    """What the model file ``path`` says it holds (its record's ``kind``), or None when it is
    no readable model pair; :func:`read_model` then says what is wrong."""
    try:
        record = json.loads(read_regular(model_paths(path)[1], "a model file", MAX_MODEL_BYTES))
    except (SpinfixError, OSError, ValueError):
        return None
    return record.get("kind") if isinstance(record, dict) else None


@pausing
def read_model(path: str | os.PathLike[str], kind: str, rebuild: str) -> ModelFile:
    """Read the model file ``path`` of ``kind`` and check it, or raise :class:`SpinfixError`
    saying which check failed (``rebuild``: the command that makes a new one). Nothing in it
    is executed: the record is JSON, the arrays are plain (an array of Python objects, which
    only a pickle could hold, is refused)."""
    name = str(path)
    npz_path, json_path = model_paths(path)
    if not (os.path.lexists(npz_path) or os.path.lexists(json_path)) and os.path.lexists(path):
        check_regular(path, f"a {kind} file")  # a directory, a device, a FIFO: said before anything is opened
        _refuse_other_files(path, name, rebuild)
    head = _read(json_path, name, kind, rebuild)
    try:
        record = json.loads(head)
    except ValueError:
        raise SpinfixError(f"{name}: not a spinfix model file (its record is not JSON); {rebuild}") from None
    if not isinstance(record, dict) or "kind" not in record:
        raise SpinfixError(f"{name}: not a spinfix model file (its record names no kind); {rebuild}")
    if record.get("format") not in READ_FORMATS:
        raise SpinfixError(f"{name}: model format {record.get('format')}, this spinfix reads format "
                           f"{', '.join(map(str, READ_FORMATS))}; {rebuild}")
    if record.get("kind") != kind:
        raise SpinfixError(f"{name}: holds a {record.get('kind')} model, not a {kind}")
    npz = _read(npz_path, name, kind, rebuild)
    sha256 = head[len(_HEAD):len(_HEAD) + 64].decode("ascii", "replace")
    zeroed = head[:len(_HEAD)] + _ZERO.encode() + head[len(_HEAD) + 64:]
    if not head.startswith(_HEAD) or record.get("sha256") != sha256 or _digest(npz, zeroed) != sha256:
        raise SpinfixError(f"{name}: the model is damaged (its arrays and record do not match the sha256 it "
                           f"records); {rebuild}")
    try:
        with np.load(io.BytesIO(npz), allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except ValueError as exc:
        raise SpinfixError(f"{name}: refused: its arrays hold Python objects, which only a pickle can hold "
                           f"({str(exc).splitlines()[0][:80]})") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise SpinfixError(f"{name}: the model's arrays are unreadable ({type(exc).__name__}); {rebuild}") from None
    for array in arrays.values():
        array.flags.writeable = False
    return ModelFile(name, kind, MappingProxyType(record), MappingProxyType(arrays))


__all__ = ["FORMAT", "ModelFile", "frozen", "model_exists", "model_kind", "model_paths", "read_model", "save_model"]
