"""Hostile input never crashes or hangs spinfix; offsets hold for all of Unicode; files are
never lost or double-counted (issue 13)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import EXAMPLE_CLEAN, EXAMPLE_SPUN
from hostile_inputs import SENTENCE, hostile_inputs
from spinfix import SpinfixError, align, cli, load_dictionary, save_dictionary
from spinfix.detection.detector import load_detector
from spinfix.dictionary.substitutions import SubstitutionDictionary
from spinfix.persist.files import read_text

SOURCE = str(EXAMPLE_CLEAN)  # any readable text of a few sentences
SECONDS_PER_MB = 120  # every run must end within 10 s plus this per megabyte (a hang or quadratic blow-up fails)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    paths = []
    for name, data in hostile_inputs():
        path = root / f"{name}.txt"
        path.write_bytes(data)
        paths.append(path)
    clean = root / "clean.txt"
    clean.write_text(SENTENCE + "\n")
    return paths, clean


def _run(argv: list[str], capsys, size: int) -> tuple[int, str]:
    """Run the CLI in this process: no exception may escape, errors are one line, time is bounded."""
    started = time.monotonic()
    code = cli.main(argv)
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert code in (0, 1, 2, 3), (argv, code, err)  # 3: score could judge no input (not English prose)
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("spinfix: error:"), (argv, err)
    assert elapsed <= 10 + SECONDS_PER_MB * size / 1e6, (argv, elapsed)
    return code, out


@pytest.mark.slow
def test_hostile_corpus_through_every_command(corpus, capsys, tmp_path):
    paths, clean = corpus
    load_detector()  # loaded once, as a long-lived process would
    codes = {}
    for path in paths:
        size = path.stat().st_size
        for argv in (["score", str(path)], ["score", "--json", str(path)],
                     ["restore", str(path), "--json"], ["restore", str(path), "--reference", str(clean)],
                     ["align", str(path), str(clean)], ["align", str(clean), str(path)],
                     ["restore", str(path), "--reference", str(path), "-o", str(tmp_path / "out.txt")]):
            codes[tuple(argv)] = _run(argv, capsys, size)[0]
    assert len(codes) >= 7 * 100
    assert sum(code == 0 for code in codes.values()) > len(codes) / 3  # most text is read and processed


@pytest.mark.parametrize("name", ["char-0", "inside-0", "crlf", "combining", "emoji", "utf8-bom", "zero-width",
                                  "inside-6", "lone-cr", "inside-2"])
def test_offsets_slice_the_input_to_what_they_name(corpus, capsys, name):
    paths, _ = corpus
    path = next(p for p in paths if p.stem == name)
    text = read_text(path)
    code, out = _run(["score", "--json", str(path)], capsys, path.stat().st_size)
    assert code in (0, 3)  # 3: "cannot judge" (a text of single letters, no words)
    for sentence in json.loads(out)["sentences"]:
        assert text[sentence["start"]:sentence["end"]] == sentence["text"]
        for word in sentence["suspects"]:
            assert text[word["start"]:word["end"]] == word["word"]
    code, out = _run(["restore", "--json", str(path)], capsys, path.stat().st_size)
    assert code == 0
    for change in json.loads(out)["substitutions"]:
        assert text[change["start"]:change["end"]] == change["spun"]


def _cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "spinfix", *args], capture_output=True, timeout=120, **kwargs)


@pytest.mark.parametrize("args, needle", [
    (["score", "/dev/zero"], "is a device"),
    (["restore", "/dev/urandom"], "is a device"),
    (["score", "x" * 5000], "File name too long"),
    (["--max-bytes", "100", "score", SOURCE], "larger than 100 bytes"),
])
def test_devices_long_paths_and_size_limits_are_one_line(args, needle):
    result = _cli(*args)
    err = result.stderr.decode()
    assert result.returncode == 2 and needle in err and len(err.strip().splitlines()) == 1, err


def test_closed_stdin_and_full_output_are_one_line(tmp_path):
    closed = subprocess.run([sys.executable, "-m", "spinfix", "score", "-"], preexec_fn=lambda: os.close(0),
                            capture_output=True, timeout=120)
    assert closed.returncode == 2 and b"standard input is closed" in closed.stderr, closed.stderr
    with open("/dev/full", "wb") as full:
        result = subprocess.run([sys.executable, "-m", "spinfix", "score", SOURCE], stdout=full,
                                stderr=subprocess.PIPE, timeout=120)
    err = result.stderr.decode()
    assert result.returncode == 2 and "No space left" in err and "Traceback" not in err, err


@pytest.mark.parametrize("where", ["directory", "missing-dir", "read-only", "full"])
def test_write_errors_are_one_line_and_keep_old_files(tmp_path, where):
    if where == "read-only" and os.geteuid() == 0:
        pytest.skip("root writes into read-only directories")
    target = {"directory": tmp_path, "missing-dir": tmp_path / "no" / "out.txt",
              "read-only": tmp_path / "ro" / "out.txt", "full": "/dev/full"}[where]
    if where == "read-only":
        target.parent.mkdir()
        target.write_text("old")
        target.parent.chmod(0o500)
    result = _cli("restore", SOURCE, "--reference", SOURCE, "-o", str(target))
    err = result.stderr.decode()
    assert result.returncode == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    if where == "read-only":
        assert target.read_text() == "old"


def test_output_may_not_replace_an_input(tmp_path):
    spun = tmp_path / "spun.txt"
    spun.write_text(SENTENCE)
    before = spun.read_bytes()
    result = _cli("restore", str(spun), "--reference", str(spun), "-o", str(spun))
    assert result.returncode == 2 and b"is also an input" in result.stderr
    assert spun.read_bytes() == before


def test_symlink_output_is_written_through(tmp_path):
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old")
    link.symlink_to(real)
    result = _cli("restore", SOURCE, "--reference", SOURCE, "-o", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and real.read_text() == read_text(SOURCE)


@pytest.mark.parametrize("damage", ["flip-count", "flip-doc", "long-field", "truncate"])
def test_damaged_dictionaries_are_named(tmp_path, spun_seed, source_seed, damage):
    path = tmp_path / "d.tsv"
    d = SubstitutionDictionary()
    d.add_alignment(align(spun_seed, source_seed))
    save_dictionary(d, path)
    text = path.read_text()
    damaged = {"flip-count": text.replace("\t4\t", "\t5\t", 1), "flip-doc": text.replace("# doc ", "# doc 0", 1),
               "long-field": text + "x" * 200_000 + "\ty\t1\t1\tobserved\n", "truncate": text[:len(text) // 2]}[damage]
    assert damaged != text
    path.write_text(damaged)
    with pytest.raises(SpinfixError, match="d.tsv"):
        load_dictionary(path)


def _sizes_of(path) -> int:
    d = load_dictionary(path)
    return sum(e.count for e in d.entries.values())


@pytest.mark.slow
def test_concurrent_writers_lose_no_counts(tmp_path):
    """Two processes add different pairs to one dictionary at once, twenty times: no count lost."""
    spun_seed, source_seed = EXAMPLE_SPUN.read_text(), EXAMPLE_CLEAN.read_text()  # any spun text and its source
    pairs = []
    for k in range(2):
        spun, source = tmp_path / f"s{k}.txt", tmp_path / f"r{k}.txt"
        spun.write_text(spun_seed + f"\nExtra line {k}.")
        source.write_text(source_seed)
        pairs.append((spun, source))
    one = tmp_path / "one.tsv"
    for spun, source in pairs[:1]:
        _cli("align", str(spun), str(source), "--dictionary", str(one))
    per_pair = _sizes_of(one)
    for trial in range(20):
        path = tmp_path / f"d{trial}.tsv"
        procs = [subprocess.Popen([sys.executable, "-m", "spinfix", "align", str(s), str(r), "--dictionary", str(path)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for s, r in pairs]
        assert all(p.wait(timeout=120) == 0 for p in procs)
        assert _sizes_of(path) == 2 * per_pair, trial
        assert len(load_dictionary(path).documents) == 2


@pytest.mark.slow
def test_sigkill_during_saves_leaves_old_or_new(tmp_path):
    """Kill a process that saves a dictionary over and over, at random moments: the file always
    loads, with the old counts or the new, and no temporary file outlives the next write."""
    spun_seed, source_seed = EXAMPLE_SPUN.read_text(), EXAMPLE_CLEAN.read_text()  # any spun text and its source
    path, original = tmp_path / "d.tsv", tmp_path / "original.tsv"
    d = SubstitutionDictionary()
    d.add_alignment(align(spun_seed, source_seed))
    save_dictionary(d, original)
    save_dictionary(d, path)
    old = _sizes_of(path)
    script = ("import sys\nfrom spinfix import load_dictionary, save_dictionary\n"
              "d = load_dictionary(sys.argv[1])\nfor e in d.entries.values(): e.count *= 2\n"
              "while True: save_dictionary(d, sys.argv[2])\n")
    for trial in range(50):
        proc = subprocess.Popen([sys.executable, "-c", script, str(original), str(path)])
        time.sleep(0.3 + (trial % 10) * 0.07)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _sizes_of(path) in (old, 2 * old)
        save_dictionary(load_dictionary(path), path)  # a later write cleans what the killed one left
        assert not list(tmp_path.glob(".d.tsv.*.tmp"))
