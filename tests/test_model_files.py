"""Model files are data: arrays and JSON, read without running code; a crafted file that would
run code is refused in one line, and the converter of old pickled files refuses foreign classes."""
import hashlib
import io
import json
import pickle
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

from spinfix import SpinfixError
from spinfix.detection.detector import load_detector
from spinfix.persist.model_files import read_model, save_model

ROOT = Path(__file__).resolve().parents[1]


class _RunsCode:
    """What a malicious pickle does: call something when it is loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _envelope(payload: object, kind: str = "detector") -> bytes:
    """A model file of the pickled format spinfix wrote before (a SPINFIX-MODEL envelope)."""
    data = zlib.compress(pickle.dumps(payload, protocol=5))
    record = {"format": 3, "kind": kind, "serializer": "pickle5+zlib", "sha256": hashlib.sha256(data + data).hexdigest(),
              "bytes": 2 * len(data), "parts": [len(data), len(data)], "info": {}}
    return b"SPINFIX-MODEL\n" + json.dumps(record).encode() + b"\n" + data + data


def _cli(*args: str):
    return subprocess.run([sys.executable, "-m", "spinfix", *args], capture_output=True, timeout=120)


def test_a_pickled_model_file_is_never_loaded(tmp_path):
    marker = tmp_path / "ran"
    old = tmp_path / "model.joblib"
    old.write_bytes(_envelope(_RunsCode(marker)))
    with pytest.raises(SpinfixError, match="earlier spinfix.*never loaded.*convert_model_files"):
        load_detector(str(old))
    result = _cli("score", str(ROOT / "spinfix" / "data" / "example_spun.txt"), "--model", str(old))
    err = result.stderr.decode()
    assert result.returncode == 2 and len(err.strip().splitlines()) == 1 and "never loaded" in err, err
    assert not marker.exists()


def test_arrays_of_python_objects_are_refused_even_with_a_matching_hash(tmp_path):
    """A crafted ``.npz`` whose array holds pickled objects, with a record that hashes right:
    ``np.load(allow_pickle=False)`` refuses it before anything is unpickled."""
    marker = tmp_path / "ran"
    arrays = {"sentence.value": np.array([_RunsCode(marker)], dtype=object)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entry = io.BytesIO()
        np.lib.format.write_array(entry, arrays["sentence.value"], allow_pickle=True)
        archive.writestr("sentence.value.npy", entry.getvalue())
    npz = buffer.getvalue()
    text = json.dumps({"sha256": "0" * 64, "format": 4, "kind": "detector", "spinfix": "0.1.0"}, indent=1) + "\n"
    sha256 = hashlib.sha256(npz + b"\0" + text.encode()).hexdigest()
    (tmp_path / "crafted.npz").write_bytes(npz)
    (tmp_path / "crafted.json").write_text(text.replace("0" * 64, sha256, 1))
    with pytest.raises(SpinfixError, match="refused: its arrays hold Python objects"):
        read_model(tmp_path / "crafted", "detector", "retrain")
    result = _cli("score", str(ROOT / "spinfix" / "data" / "example_spun.txt"), "--model", str(tmp_path / "crafted"))
    err = result.stderr.decode()
    assert result.returncode == 2 and len(err.strip().splitlines()) == 1 and "Python objects" in err, err
    assert not marker.exists()


def test_a_model_file_round_trips_its_arrays_and_record_and_the_same_content_makes_the_same_bytes(tmp_path):
    arrays = {"a": np.arange(5, dtype=np.int64), "b": np.array([0.1, np.nan]), "c": np.array([True, False])}
    first = save_model(tmp_path / "m", "thing", {"info": {"name": "x"}, "values": [1, 2.5, None]}, arrays)
    again = save_model(tmp_path / "n.json", "thing", {"info": {"name": "x"}, "values": [1, 2.5, None]}, arrays)
    assert first == again and (tmp_path / "m.npz").read_bytes() == (tmp_path / "n.npz").read_bytes()
    file = read_model(tmp_path / "m.npz", "thing", "retrain")
    assert file.sha256 == first and file.record["values"] == [1, 2.5, None] and file.info == {"name": "x"}
    assert all(np.array_equal(file.arrays[k], v, equal_nan=True) and file.arrays[k].dtype == v.dtype
               for k, v in arrays.items())
    assert not file.arrays["a"].flags.writeable


def test_the_shipped_models_are_data(tmp_path):
    models = ROOT / "spinfix" / "models"
    assert not list(models.glob("*.joblib")) and not list(models.glob("*.pkl"))
    for name in ("detector", "restorer"):
        record = json.loads((models / f"{name}.json").read_text())
        assert record["kind"] == name and record["format"] == 4
        with np.load(models / f"{name}.npz", allow_pickle=False) as archive:
            assert all(archive[k].dtype != object for k in archive.files)


def test_no_loading_path_in_the_package_unpickles():
    """`grep -rn pickle spinfix/` finds no loading path: only the converter script unpickles."""
    found = subprocess.run(["grep", "-rn", "-E", r"pickle\.(load|loads|Unpickler)|joblib\.load|allow_pickle=True",
                            str(ROOT / "spinfix")], capture_output=True, text=True)
    assert found.stdout == "", found.stdout


def test_the_converter_refuses_a_file_that_names_foreign_classes(tmp_path):
    marker = tmp_path / "ran"
    old = tmp_path / "model.joblib"
    old.write_bytes(_envelope(_RunsCode(marker)))
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "convert_model_files.py"), str(old)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "refused" in result.stderr and not marker.exists()
