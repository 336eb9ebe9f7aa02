"""The command line as a user meets it: real processes, exit codes, one-line errors."""
import json
import subprocess
import sys

import pytest

from conftest import SEEDS
from spinfix.textio import read_text

SPUN = str(sorted(SEEDS.glob("000_*.txt"))[0])
SOURCE = str(sorted(SEEDS.glob("001_*.txt"))[0])


def run(*args, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "spinfix", *args], input=stdin, capture_output=True, timeout=300)


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
    path = str(bad_inputs[kind])
    args = {"align": ["align", path, SOURCE], "restore": ["restore", path, "--reference", SOURCE],
            "score": ["score", path]}[command]
    assert_one_line_error(run(*args), needle)


def test_align_json_shape_and_dictionary(tmp_path):
    dictionary = tmp_path / "d.tsv"
    result = run("align", SPUN, SOURCE, "--json", "--dictionary", str(dictionary))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    spun, source = open(SPUN).read(), open(SOURCE).read()
    first = next(s for s in data["substitutions"] if s["spun"] == "soiled")
    assert spun[first["spun_start"]:first["spun_end"]] == "soiled"
    assert source[first["ref_start"]:first["ref_end"]] == "dirty"
    assert set(first) >= {"spun", "original", "spun_start", "spun_end", "ref_start", "ref_end"}
    shown = run("dict", "show", str(dictionary), "-n", "3")
    assert "stated -> said" in shown.stdout.decode()


def test_restore_writes_output_and_failed_run_keeps_it(tmp_path):
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


def test_stdin_and_mismatched_reference():
    result = run("restore", "-", "--reference", SOURCE, stdin=open(SPUN, "rb").read())
    assert result.returncode == 0 and b"monthly briefing" in result.stdout
    unrelated = str(sorted(SEEDS.glob("004_*.txt"))[0])
    assert_one_line_error(run("align", SPUN, unrelated), "shares no sentence")


def test_corrupt_dictionary_and_model(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("this is not a dictionary\n")
    assert_one_line_error(run("dict", "show", str(bad)), "not a spinfix dictionary")
    assert_one_line_error(run("restore", SPUN, "--dictionary", str(bad)), "not a spinfix dictionary")
    model = tmp_path / "bad.joblib"
    model.write_bytes(b"garbage" * 100)
    assert_one_line_error(run("score", SPUN, "--model", str(model)), "corrupt model")
    before = bad.read_bytes()
    assert_one_line_error(run("dict", "merge", str(bad), str(bad), "-o", str(bad)), "not a spinfix dictionary")
    assert bad.read_bytes() == before


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
    result = run("train", "--pairs", str(tmp_path), "-o", str(tmp_path / "m.joblib"))
    assert_one_line_error(result, needle)
    assert "b.spun.txt" in result.stderr.decode()
    assert not (tmp_path / "m.joblib").exists()


def test_train_on_pairs_gives_a_model_that_score_uses(tmp_path):
    from spinfix.corpora import split_documents, training_documents
    from spinfix.training import write_example_pairs

    pairs = tmp_path / "pairs"
    write_example_pairs(pairs, split_documents(training_documents())["test"][:10], seed=3)
    model, dictionary = tmp_path / "model.joblib", tmp_path / "d.tsv"
    result = run("train", "--pairs", str(pairs), "-o", str(model), "--dictionary", str(dictionary),
                 "--max-docs", "60", "--no-baselines")
    assert result.returncode == 0, result.stderr.decode()
    summary = json.loads(result.stdout)
    assert summary["data"]["user_pairs"]["train"] > 0
    assert dictionary.read_text().count("# doc ") == 10
    scored = run("score", SPUN, "--model", str(model), "--json")
    assert scored.returncode == 0
    assert "spinfix-0.1.0-seed0" in json.loads(scored.stdout)["signature"]


def test_dict_learn_builds_a_dictionary_and_restorer_that_restore_uses(tmp_path):
    dictionary, restorer = tmp_path / "d.tsv", tmp_path / "r.joblib"
    learned = run("dict", "learn", "--max-docs", "30", "--restorer-docs", "12", "-o", str(dictionary),
                  "--restorer", str(restorer))
    assert learned.returncode == 0, learned.stderr.decode()
    rows = [line.split("\t") for line in dictionary.read_text().splitlines()[1:] if not line.startswith("#")]
    assert len(rows) > 500 and any(spun == original for spun, original, *_ in rows[1:])  # kept counts
    restored = run("restore", SPUN, "--dictionary", str(dictionary), "--restorer", str(restorer), "--json")
    assert restored.returncode == 0, restored.stderr.decode()
    for change in json.loads(restored.stdout)["substitutions"]:
        assert read_text(SPUN)[change["start"]:change["end"]] == change["spun"]
