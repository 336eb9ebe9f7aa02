"""The small things a newcomer meets (issue 30): `dict show` without a file shows the shipped
dictionary, a directory without matching files says what its files were for, counts agree with
their nouns, and the signature is printed once."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import EXAMPLE_CLEAN, EXAMPLE_SPUN
from spinfix.wording import plural


def run(*args):
    return subprocess.run([sys.executable, "-m", "spinfix", *args], capture_output=True, text=True, timeout=300)


def test_dict_show_without_a_file_shows_the_shipped_dictionary():
    shown = run("dict", "show", "-n", "2")
    assert shown.returncode == 0, shown.stderr
    first, counts, *rows = shown.stdout.splitlines()
    assert first.startswith("the shipped dictionary (") and "dictionary.tsv" in first
    assert "prior" in counts and len(rows) == 2
    assert json.loads(run("dict", "show", "--json", "-n", "1").stdout)["entries"] > 1000


def test_an_empty_directory_says_what_its_files_were_for(tmp_path):
    (tmp_path / "notes.md").write_text("not a text file")
    for command, purpose in ((["index", str(tmp_path), "-o", str(tmp_path / "x.index")], "to index"),
                             (["score", str(tmp_path)], "to score"),
                             (["screen", str(tmp_path), "-o", str(tmp_path / "out")], "to screen")):
        result = run(*command)
        assert result.returncode == 2 and f"no files matching '*.txt' {purpose}" in result.stderr, result.stderr


def test_counts_agree_with_their_nouns(tmp_path):
    assert [plural(n, "span") for n in (0, 1, 2)] == ["0 spans", "1 span", "2 spans"]
    assert plural(1, "entry", "entries") == "1 entry" and plural(2, "entry", "entries") == "2 entries"
    one = tmp_path / "one"
    one.mkdir()
    (one / "a.txt").write_text(EXAMPLE_CLEAN.read_text())
    indexed = run("index", str(one), "-o", str(tmp_path / "one.index"))
    assert "1 document indexed" in indexed.stderr, indexed.stderr
    report = run("report", str(EXAMPLE_SPUN), "-o", str(tmp_path / "r.html"))
    assert "report of 1 document" in report.stderr and "1 documents" not in report.stderr


def test_the_signature_is_printed_once_not_on_every_line():
    scored = run("score", str(EXAMPLE_SPUN), str(EXAMPLE_CLEAN))
    lines = scored.stdout.splitlines()
    assert [line for line in lines if "spinfix:" in line] == [lines[-1]] and lines[-1].startswith("signature: ")
    assert all("[spinfix:" not in line for line in lines)
    assert "signature" in json.loads(run("score", "--json", str(EXAMPLE_CLEAN)).stdout)
