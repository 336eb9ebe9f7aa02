"""The command line as a user meets it: real processes, exit codes, one-line errors."""
import json
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLE_CLEAN, EXAMPLE_SPUN, seed_path
from spinfix.persist.files import read_text

EXAMPLE = str(EXAMPLE_SPUN)  # any readable text, where what it says does not matter


@pytest.fixture()
def SPUN() -> str:
    return seed_path("000")


@pytest.fixture()
def SOURCE() -> str:
    return seed_path("001")


def run(*args, stdin: bytes | None = None, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "spinfix", *args], input=stdin, capture_output=True, timeout=300,
                          env=None if env is None else {**os.environ, **env})


def assert_one_line_error(result, needle: str):
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("spinfix: error:"), err
    assert needle in err


@pytest.fixture()
def bad_inputs(tmp_path):
    files = {
        "missing": tmp_path / "nope.txt",
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "bin.txt",
        "latin1": tmp_path / "latin1.txt",
    }
    files["empty"].write_text("  \n")
    files["binary"].write_bytes(b"\x00\x01\x02PNG\x00" * 20)
    files["latin1"].write_bytes("Caf\xe9 au lait, na\xefve.".encode("latin-1"))
    return files


@pytest.mark.parametrize("kind, needle", [("missing", "no such file"), ("empty", "empty"),
                                          ("binary", "binary"), ("latin1", "not valid UTF-8")])
@pytest.mark.parametrize("command", ["align", "restore", "score"])
def test_bad_input_is_one_line_and_exit_2(bad_inputs, kind, needle, command):
    path, SOURCE = str(bad_inputs[kind]), str(EXAMPLE_CLEAN)
    args = {"align": ["align", path, SOURCE], "restore": ["restore", path, "--reference", SOURCE],
            "score": ["score", path]}[command]
    assert_one_line_error(run(*args), needle)


def test_align_json_shape_and_dictionary(tmp_path, SPUN, SOURCE):
    dictionary = tmp_path / "d.tsv"
    result = run("align", SPUN, SOURCE, "--json", "--save-pairs", str(dictionary))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    spun, source = open(SPUN).read(), open(SOURCE).read()
    first = next(s for s in data["substitutions"] if s["spun"] == "soiled")
    assert spun[first["spun_start"]:first["spun_end"]] == "soiled"
    assert source[first["ref_start"]:first["ref_end"]] == "dirty"
    assert set(first) >= {"spun", "original", "spun_start", "spun_end", "ref_start", "ref_end"}
    shown = run("dict", "show", str(dictionary), "-n", "3")
    assert "stated -> said" in shown.stdout.decode()


def test_restore_writes_output_and_failed_run_keeps_it(tmp_path, SPUN, SOURCE):
    out = tmp_path / "restored.txt"
    result = run("restore", SPUN, "--reference", SOURCE, "-o", str(out), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["restored"] == out.read_text()
    assert "dirty bomb" in data["restored"]
    before = out.read_bytes()
    failed = run("restore", SPUN, "--reference", str(tmp_path / "missing.txt"), "-o", str(out))
    assert failed.returncode == 2
    assert out.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_stdin_and_mismatched_reference(SPUN, SOURCE):
    result = run("restore", "-", "--reference", SOURCE, stdin=open(SPUN, "rb").read())
    assert result.returncode == 0 and b"monthly briefing" in result.stdout
    unrelated = seed_path("004")
    assert_one_line_error(run("align", SPUN, unrelated), "shares no sentence")


def test_corrupt_dictionary_and_model(tmp_path):
    SPUN = EXAMPLE
    bad = tmp_path / "bad.tsv"
    bad.write_text("this is not a dictionary\n")
    assert_one_line_error(run("dict", "show", str(bad)), "not a spinfix dictionary")
    assert_one_line_error(run("restore", SPUN, "--dictionary", str(bad)), "not a spinfix dictionary")
    model = tmp_path / "bad.joblib"
    model.write_bytes(b"garbage" * 100)
    assert_one_line_error(run("score", SPUN, "--model", str(model)), "not a spinfix model file")
    (tmp_path / "bad.json").write_text("{}")
    (tmp_path / "bad.npz").write_bytes(b"")
    assert_one_line_error(run("score", SPUN, "--model", str(tmp_path / "bad")), "not a spinfix model file")
    before = bad.read_bytes()
    assert_one_line_error(run("dict", "merge", str(bad), str(bad), "-o", str(tmp_path / "merged.tsv")),
                          "not a spinfix dictionary")
    assert_one_line_error(run("dict", "merge", str(bad), str(bad), "-o", str(bad)), "is also an input")
    assert bad.read_bytes() == before and not (tmp_path / "merged.tsv").exists()


@pytest.mark.parametrize("problem, needle", [("missing", "has no partner"), ("empty", "empty"),
                                             ("latin1", "not valid UTF-8")])
def test_train_pairs_directory_errors_name_the_file(tmp_path, problem, needle):
    (tmp_path / "a.spun.txt").write_text("The army stated it would supply food.")
    (tmp_path / "a.clean.txt").write_text("The military said it would provide food.")
    bad = tmp_path / "b.spun.txt"
    if problem == "missing":
        bad.write_text("Some spun text without its source.")
    else:
        (tmp_path / "b.clean.txt").write_text("Some clean text.")
        bad.write_bytes(b"  " if problem == "empty" else "Caf\xe9".encode("latin-1"))
    result = run("train", "--pairs", str(tmp_path), "-o", str(tmp_path / "m"))
    assert_one_line_error(result, needle)
    assert "b.spun.txt" in result.stderr.decode()
    assert not (tmp_path / "m.json").exists()


@pytest.mark.slow
def test_train_on_pairs_gives_a_model_that_score_uses(tmp_path):
    SPUN = EXAMPLE
    from spinfix.training.corpora import split_documents, training_documents
    from spinfix.training.labelling import write_example_pairs

    pairs = tmp_path / "pairs"
    write_example_pairs(pairs, split_documents(training_documents())["test"][:10], seed=3)
    model, dictionary = tmp_path / "model", tmp_path / "d.tsv"
    result = run("train", "--pairs", str(pairs), "-o", str(model), "--save-pairs", str(dictionary),
                 "--max-docs", "60", "--no-baselines")
    assert result.returncode == 0, result.stderr.decode()
    summary = json.loads(result.stdout)
    assert summary["data"]["user_pairs"]["train"] > 0
    assert dictionary.read_text().count("# doc ") == 10
    scored = run("score", SPUN, "--model", str(model), "--json")
    assert scored.returncode == 0
    assert "spinfix-0.1.0-seed0" in json.loads(scored.stdout)["signature"]


@pytest.mark.slow
def test_dict_learn_builds_a_dictionary_and_restorer_that_restore_uses(tmp_path):
    SPUN = EXAMPLE
    dictionary, restorer = tmp_path / "d.tsv", tmp_path / "r"
    learned = run("dict", "learn", "--max-docs", "30", "--restorer-docs", "12", "-o", str(dictionary),
                  "--restorer-output", str(restorer))
    assert learned.returncode == 0, learned.stderr.decode()
    rows = [line.split("\t") for line in dictionary.read_text().splitlines()[1:] if not line.startswith("#")]
    assert len(rows) > 100 and any(spun == original for spun, original, *_ in rows[1:])  # kept counts
    assert {row[-1] for row in rows[1:]} == {"prior"}
    restored = run("restore", SPUN, "--dictionary", str(dictionary), "--restorer", str(restorer), "--json")
    assert restored.returncode == 0, restored.stderr.decode()
    for change in json.loads(restored.stdout)["substitutions"]:
        assert read_text(SPUN)[change["start"]:change["end"]] == change["spun"]


def _shipped_hashes() -> dict:
    import hashlib

    from spinfix.persist.paths import shipped_dirs
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for d in shipped_dirs() for p in d.iterdir() if p.is_file()}


def test_nothing_shipped_is_overwritten(tmp_path, monkeypatch):
    from spinfix.detection.detector import default_model_path
    from spinfix.dictionary.storage import DEFAULT_DICTIONARY

    SPUN, SOURCE = EXAMPLE, str(EXAMPLE_CLEAN)
    before = _shipped_hashes()
    monkeypatch.setenv("SPINFIX_HOME", str(tmp_path / "home"))
    learned = run("dict", "learn", "--max-docs", "24", "--restorer-docs", "8")
    assert learned.returncode == 0, learned.stderr.decode()
    assert (tmp_path / "home" / "dictionary.tsv").exists() and (tmp_path / "home" / "restorer.json").exists()
    shipped_dictionary = str(next(p for p in before if p.name == DEFAULT_DICTIONARY))
    assert_one_line_error(run("dict", "merge", shipped_dictionary, str(tmp_path / "home" / "dictionary.tsv"),
                              "-o", shipped_dictionary), "never overwritten")
    assert_one_line_error(run("train", "-o", default_model_path(), "--max-docs", "10"), "never overwritten")
    assert_one_line_error(run("restore", SPUN, "--reference", SOURCE, "-o", shipped_dictionary), "never overwritten")
    assert _shipped_hashes() == before


def test_signature_names_the_model_and_threshold_actually_used(tmp_path):
    import dataclasses
    import shutil

    from spinfix.detection.detector import default_model_path, load_detector
    SPUN = EXAMPLE
    first = json.loads(run("score", SPUN, "--json").stdout)["signature"]
    strict = json.loads(run("score", SPUN, "--json", "--threshold", "0.95").stdout)["signature"]
    assert "threshold:0.95" in strict and strict != first
    for suffix in (".npz", ".json"):
        shutil.copy(default_model_path() + suffix, tmp_path / f"copy{suffix}")
    assert json.loads(run("score", SPUN, "--json", "--model", str(tmp_path / "copy.json")).stdout)["signature"] == first
    changed = load_detector(str(tmp_path / "copy"))
    dataclasses.replace(changed, offset=changed.offset + 0.5).save(tmp_path / "changed")  # another model, same name
    other = run("score", SPUN, "--json", "--model", str(tmp_path / "changed"), "--threshold", "0.5")
    assert other.returncode == 0, other.stderr.decode()
    same_threshold = json.loads(run("score", SPUN, "--json", "--threshold", "0.5").stdout)["signature"]
    assert json.loads(other.stdout)["signature"] != same_threshold


def test_score_a_directory_summary_glob_and_fail_over(tmp_path, SPUN):
    import shutil

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SPUN, docs / "spun.txt")
    shutil.copy(seed_path("002"), docs / "clean.txt")
    (docs / "README.md").write_text("# Notes\nThis folder holds articles to screen.\n")
    (docs / "broken.txt").write_bytes(b"\x00\x01binary\x00")
    result = run("score", str(docs), "--summary", "--fail-over", "0.8")
    err = result.stderr.decode()
    assert result.returncode == 1, err  # a spun document found; the unreadable walked file is only reported
    assert "skipped" in err and "broken.txt" in err and "Traceback" not in err
    lines = result.stdout.decode().splitlines()
    assert lines[0].split("\t") == ["file", "spin_likelihood", "flagged_sentences", "suspects_per_100_words", "verdict"]
    rows = {line.split("\t")[0].rsplit("/", 1)[-1]: line.split("\t") for line in lines[1:]}
    assert set(rows) == {"spun.txt", "clean.txt"}  # README.md is not a *.txt file
    assert float(rows["spun.txt"][1]) >= 0.8 > float(rows["clean.txt"][1])
    assert run("score", str(docs / "clean.txt"), "--fail-over", "0.8").returncode == 0
    named = run("score", str(docs / "broken.txt"), str(docs / "clean.txt"))
    assert named.returncode == 2 and b"clean.txt" in named.stdout


@pytest.mark.parametrize("args, needle", [
    (["score", EXAMPLE, "--threshold", "2"], "not between 0 and 1"),
    (["score", EXAMPLE, "--threshold", "-1"], "not between 0 and 1"),
    (["score", EXAMPLE, "--fail-over", "x"], "not a number"),
    (["score", EXAMPLE, "--jobs", "0"], "worker count"),
    (["dict", "show", EXAMPLE, "-n", "0"], "at least 1"),
    (["restore"], "required"),
])
def test_bad_option_values_are_one_line_errors(args, needle):
    assert_one_line_error(run(*args), needle)


@pytest.mark.parametrize("pair", ["example", "seeds"])
def test_python_and_the_cli_give_the_same_results(tmp_path, pair):
    """`spinfix score`, `align` and `restore` against the public API with the same defaults:
    each result's ``to_dict()`` is what ``--json`` prints."""
    import spinfix

    SPUN, SOURCE = (EXAMPLE, str(EXAMPLE_CLEAN)) if pair == "example" else (seed_path("000"), seed_path("001"))
    spun, source = read_text(SPUN), read_text(SOURCE)
    cli_score = json.loads(run("score", SPUN, "--json").stdout)
    api_score = spinfix.score(spun).to_dict()
    assert {k: v for k, v in cli_score.items() if k != "file"} == {k: v for k, v in api_score.items() if k != "file"}
    assert json.loads(run("align", SPUN, SOURCE, "--json").stdout) == spinfix.align(spun, source).to_dict()
    cli_restore = json.loads(run("restore", SPUN, "--reference", SOURCE, "--json").stdout)
    assert cli_restore == spinfix.restore(spun, reference=source).to_dict()
    mine = tmp_path / "my.tsv"
    run("align", SPUN, SOURCE, "--save-pairs", str(mine))
    cli_guess = json.loads(run("restore", SPUN, "--dictionary", str(mine), "--json").stdout)
    assert cli_guess == spinfix.restore(spun, dictionary=mine).to_dict()
    assert cli_guess == spinfix.load().restore(spun, dictionary=spinfix.load_dictionary(mine)).to_dict()


def test_deprecated_option_spellings_still_work_and_say_so(tmp_path):
    SPUN, SOURCE = EXAMPLE, str(EXAMPLE_CLEAN)
    old = run("align", SPUN, SOURCE, "--dictionary", str(tmp_path / "d.tsv"))
    assert old.returncode == 0 and b"deprecated" in old.stderr and (tmp_path / "d.tsv").exists()
    grown = run("restore", SPUN, "--reference", SOURCE, "--dictionary", str(tmp_path / "e.tsv"))
    assert grown.returncode == 0 and b"--save-pairs" in grown.stderr and (tmp_path / "e.tsv").exists()
    listed = tmp_path / "list.tsv"
    run("dict", "import", str(_write(tmp_path / "l.csv", "spun,original\ncity college,city council\n")), "-o", str(listed))
    new = run("score", SPUN, "--json", "--phrase-list", str(listed))
    deprecated = run("score", SPUN, "--json", "--dictionary", str(listed))
    assert new.stdout == deprecated.stdout and b"deprecated" in deprecated.stderr and b"phrases:" in new.stdout


def _write(path, text: str):
    path.write_text(text)
    return path


def test_score_json_is_byte_identical_across_runs_and_jobs(tmp_path):
    import shutil

    for k, prefix in enumerate(["000", "001", "002", "003", "004"] * 4):
        shutil.copy(seed_path(prefix), tmp_path / f"{k:02d}.txt")
    one = run("score", "--json", "--jobs", "1", str(tmp_path))
    two = run("score", "--json", "--jobs", "2", str(tmp_path))
    again = run("score", "--json", "--jobs", "2", str(tmp_path))
    # with several OpenMP threads the workers are spawned, not forked with the loaded models
    spawned = run("score", "--json", "--jobs", "2", str(tmp_path), env={"OMP_NUM_THREADS": "2"})
    assert one.returncode == 0 and one.stdout == two.stdout == again.stdout == spawned.stdout
    assert len(one.stdout.splitlines()) == 20
