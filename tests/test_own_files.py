"""Nothing a user owns is overwritten, special files are refused at once, every path error names
its path, and JSON Lines stay one record a line (issue 30).

- No command writes over one of its inputs, whatever name reaches it (the same path, another
  spelling, a symbolic link, a hard link, a file found by walking a directory): refused in one
  line, exit 2, the input unchanged.
- A FIFO, a device, a directory or a socket where an index, a sources index, a dictionary, a
  phrase list, a model or a JSONL file of documents belongs is refused in one line, within a
  second and in bounded memory (``/dev/zero`` is never read, a FIFO never waited on).
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from conftest import EXAMPLE_CLEAN, EXAMPLE_SPUN
from spinfix import cli

TEXT = EXAMPLE_SPUN.read_text(encoding="utf-8")  # any readable text of a few sentences
SOURCE = EXAMPLE_CLEAN.read_text(encoding="utf-8")


def _cli(*args, timeout: float = 120):
    return subprocess.run([sys.executable, "-m", "spinfix", *args], capture_output=True, text=True, timeout=timeout)


TIME = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)


def _measured(*args, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float, int | None]:
    """Run the CLI in a fresh process: its result, wall seconds and peak memory (kB, through GNU
    time where it is installed, else None); a process still running after ``timeout`` (a FIFO
    waited on) is killed and fails the test."""
    with tempfile.NamedTemporaryFile("r") as memory:
        command = [sys.executable, "-m", "spinfix", *args]
        if TIME:
            command = [TIME, "-f", "%M", "-o", memory.name, *command]
        started = time.monotonic()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"spinfix {' '.join(args)} still running after {timeout} s")
        elapsed = time.monotonic() - started
        peak = memory.read().strip().splitlines()
    return (subprocess.CompletedProcess(args, proc.returncode, out, err), elapsed,
            int(peak[-1]) if TIME and peak and peak[-1].isdigit() else None)


def _one_line_error(result, *needles: str) -> str:
    err = result.stderr
    assert result.returncode == 2, (result.returncode, err)
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("spinfix: error:"), err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


@pytest.fixture()
def workdir(tmp_path, monkeypatch):
    """A folder with a text, its source, a link of each kind to the text, a directory of sources
    and an index of it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "y.txt").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("x.txt")
    os.link(tmp_path / "x.txt", tmp_path / "hard.txt")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "s.txt").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "spun").mkdir()
    (tmp_path / "spun" / "s.txt").write_text(TEXT, encoding="utf-8")
    assert cli.main(["index", "sources", "-o", "idx"]) == 0
    (tmp_path / "pairs").mkdir()
    (tmp_path / "pairs" / "p.spun.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "pairs" / "p.clean.txt").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "list.csv").write_text("spun,original\nsoiled bomb,dirty bomb\n", encoding="utf-8")
    (tmp_path / "s.json").write_text(SOURCE, encoding="utf-8")  # a source whose name an index stem also makes
    (tmp_path / "screen").mkdir()
    (tmp_path / "screen" / "part-00000.jsonl").write_text(json.dumps({"id": "a", "text": TEXT}) + "\n")
    assert cli.main(["dict", "import", "list.csv", "-o", "list.tsv"]) == 0
    return tmp_path


OVERWRITES = {  # case: (argv, the input that must stay as it was)
    "score --html over its input": (["score", "--html", "x.txt", "x.txt"], "x.txt"),
    "score --html over a symbolic link to its input": (["score", "--html", "link.txt", "x.txt"], "x.txt"),
    "score --html over a hard link to its input": (["score", "--html", "hard.txt", "./x.txt"], "x.txt"),
    "score --html over a file found in a walked directory": (["score", "--html", "sources/s.txt", "sources"],
                                                              "sources/s.txt"),
    "score --html over its phrase list": (["score", "--html", "list.tsv", "--phrase-list", "list.tsv", "x.txt"],
                                          "list.tsv"),
    "index -o over its source": (["index", "s.json", "-o", "s.json"], "s.json"),
    "index -o over a source by its stem": (["index", "s.json", "-o", "s"], "s.json"),
    "find-source --restore over its spun input": (["find-source", "spun/s.txt", "--index", "idx", "--restore", "spun"],
                                                  "spun/s.txt"),
    "find-source --restore over an indexed source": (["find-source", "spun/s.txt", "--index", "idx",
                                                      "--restore", "sources"], "sources/s.txt"),
    "find-source --restore over its index": (["find-source", "idx.json", "--index", "idx", "--restore", "."],
                                             "idx.json"),
    "align --save-pairs over its spun text": (["align", "x.txt", "y.txt", "--save-pairs", "hard.txt"], "x.txt"),
    "restore --save-pairs over its reference": (["restore", "x.txt", "--reference", "y.txt", "--save-pairs", "y.txt"],
                                                "y.txt"),
    "restore -o over its restorer": (["restore", "x.txt", "--restorer", "idx", "-o", "idx.json"], "idx.json"),
    "restore -o over its dictionary": (["restore", "x.txt", "--dictionary", "list.tsv", "-o", "list.tsv"], "list.tsv"),
    "report -o over a link to its input": (["report", "x.txt", "-o", "link.txt"], "x.txt"),
    "dict import -o over its list": (["dict", "import", "list.csv", "-o", "list.csv"], "list.csv"),
    "dict merge -o over its first input": (["dict", "merge", "list.tsv", "list.tsv", "-o", "list.tsv"], "list.tsv"),
    "train --report over one of its pairs": (["train", "--pairs", "pairs", "--report", "pairs/p.spun.txt"],
                                             "pairs/p.spun.txt"),
    "screen -o over its corpus": (["screen", "screen/part-00000.jsonl", "-o", "screen"], "screen/part-00000.jsonl"),
}


@pytest.mark.parametrize("case", list(OVERWRITES))
def test_no_command_writes_over_its_inputs(workdir, capsys, case):
    argv, kept = OVERWRITES[case]
    before = (workdir / kept).read_bytes()
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2, (case, err)
    assert len(err.strip().splitlines()) == 1 and "is also an input of this run" in err, err
    assert (workdir / kept).read_bytes() == before


def test_two_outputs_of_one_name_are_refused(workdir, capsys):
    code = cli.main(["restore", "x.txt", "--reference", "y.txt", "-o", "out.txt", "--save-pairs", "./out.txt"])
    err = capsys.readouterr().err
    assert code == 2 and "named as two outputs" in err and not (workdir / "out.txt").exists(), err


def test_outputs_beside_inputs_are_still_written(workdir, capsys):
    """The checks refuse only a real overwrite: restoring into the folder of the sources under a
    new name, or indexing next to the sources, works."""
    assert cli.main(["find-source", "x.txt", "--index", "idx", "--restore", "sources"]) == 0
    assert (workdir / "sources" / "x.txt").exists()
    assert cli.main(["index", "sources", "-o", "sources/idx"]) == 0
    assert cli.main(["score", "--html", "report.html", "x.txt"]) == 0


# special files where a file of a kind belongs: (argv with {} for the path, what it is)
PLACES = {
    "index": ["find-source", str(EXAMPLE_SPUN), "--index", "{}"],
    "sources index": ["screen", str(EXAMPLE_SPUN), "-o", "{out}", "--sources", "{}"],
    "dictionary": ["restore", str(EXAMPLE_SPUN), "--dictionary", "{}"],
    "phrase list": ["score", "--phrase-list", "{}", str(EXAMPLE_SPUN)],
    "imported list": ["dict", "import", "{}", "-o", "{out}.tsv"],
    "detector model": ["score", "--model", "{}", str(EXAMPLE_SPUN)],
    "restorer model": ["restore", str(EXAMPLE_SPUN), "--restorer", "{}"],
    "JSONL of documents": ["index", "{}", "-o", "{out}"],
}


def _special(kind: str, tmp_path, name: str) -> str:
    path = tmp_path / name
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "directory":
        path.mkdir()
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
    return str(path)


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("kind", ["fifo", "zero", "directory", "missing"])
def test_special_files_are_refused_at_once(tmp_path, place, kind):
    """Each in its own process, with a timeout: a FIFO that was waited on or /dev/zero that was
    read would hang or grow; the refusal names the path and what it is."""
    path = _special(kind, tmp_path, "thing.jsonl" if place == "JSONL of documents" else "thing")
    argv = [a.format(path, out=str(tmp_path / "out")) for a in PLACES[place]]
    result, elapsed, peak_kb = _measured(*argv)
    what = {"fifo": "named pipe (FIFO)", "zero": "is a device", "directory": "is a directory",
            "missing": "no such"}[kind]
    if place == "JSONL of documents" and kind == "directory":
        what = "has no files matching"  # a directory named on the command line is walked
    _one_line_error(result, path, what)
    assert elapsed < 20, elapsed  # a fresh interpreter, on a busy machine; the refusal itself is timed below
    assert peak_kb is None or peak_kb < 200_000, peak_kb  # /dev/zero was not read (a model's cap alone is 500 MB)


@pytest.mark.parametrize("place", ["index", "dictionary", "detector model", "JSONL of documents"])
def test_a_socket_is_refused(tmp_path, place):
    path = _special("socket", tmp_path, "thing.jsonl" if place == "JSONL of documents" else "thing")
    argv = [a.format(path, out=str(tmp_path / "out")) for a in PLACES[place]]
    _one_line_error(_cli(*argv, timeout=60), path, "is a socket")


@pytest.mark.parametrize("place", [p for p in PLACES if p != "sources index"])
def test_refusal_takes_under_a_second_and_no_memory(tmp_path, capsys, place):
    """In this process (the models loaded already, as a long-lived process has them): /dev/zero and
    a directory are refused within a second and without reading."""
    for kind in ("zero", "directory"):
        path = _special(kind, tmp_path, f"{kind}.jsonl" if place == "JSONL of documents" else kind)
        argv = [a.format(path, out=str(tmp_path / "out")) for a in PLACES[place]]
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        code = cli.main(argv)
        elapsed = time.monotonic() - started
        err = capsys.readouterr().err
        assert code == 2 and path in err and len(err.strip().splitlines()) == 1, err
        assert elapsed < 1.0, (place, kind, elapsed)
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # kB


def test_a_jsonl_line_is_read_with_a_cap(tmp_path, capsys):
    """A JSONL "line" longer than --max-bytes is refused before it is held whole."""
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "word " * 100_000}) + "\n")
    code = cli.main(["--max-bytes", "10000", "index", str(path), "-o", str(tmp_path / "idx")])
    err = capsys.readouterr().err
    assert code == 2 and "longer than 10,000 bytes" in err and str(path) in err, err


def test_screen_sources_that_are_missing_name_the_path(tmp_path, capsys):
    code = cli.main(["screen", str(EXAMPLE_SPUN), "-o", str(tmp_path / "out"), "--sources", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert code == 2 and str(tmp_path / "nope") in err and "no such" in err, err


def test_an_unexpected_os_error_names_its_path(tmp_path, capsys, monkeypatch):
    """An error no step expected still names the file it met (not "cannot write the output")."""
    from spinfix.cli import corpus

    def fail(args):
        raise FileNotFoundError(2, "No such file or directory", str(tmp_path / "gone.json"))

    monkeypatch.setattr(corpus, "cmd_index", fail)
    code = cli.main(["index", str(EXAMPLE_SPUN), "-o", str(tmp_path / "idx")])
    err = capsys.readouterr().err
    assert code == 2 and f"{tmp_path / 'gone.json'}: No such file or directory" in err, err


def test_score_html_of_a_failed_input_leaves_no_report(tmp_path, capsys):
    report = tmp_path / "report.html"
    code = cli.main(["score", "--html", str(report), str(EXAMPLE_SPUN), str(tmp_path / "missing.txt")])
    assert code == 2 and not report.exists()
    report.write_text("earlier report")
    code = cli.main(["score", "--html", str(report), str(tmp_path / "missing.txt")])
    err = capsys.readouterr().err
    assert code == 2 and report.read_text() == "earlier report", err
    assert f"{report}: not written" in err
    assert cli.main(["score", "--html", str(report), str(EXAMPLE_SPUN)]) == 0
    assert "<html" in report.read_text().lower()


SEPARATORS = "\u2028\u2029\x85\x1c\x1d\x1e\x0b\x0c"


def test_json_lines_stay_one_record_a_line(tmp_path, capsys):
    """Every line separator str.splitlines() knows, inside the text: each JSON output is still one
    line per record, and reads back to the same text."""
    spun = tmp_path / "spun.txt"
    text = TEXT.replace(". ", ".\u2028", 2).replace(",", ",\u2029", 1) + " A last\x85 line\x1c with\x1d every\x1e " \
        "separator\x0b of\x0c all."
    spun.write_text(text, encoding="utf-8")
    source = tmp_path / "source.txt"
    source.write_text(SOURCE, encoding="utf-8")
    assert cli.main(["index", str(source), "-o", str(tmp_path / "idx")]) == 0
    capsys.readouterr()
    runs = [["score", "--json", str(spun), str(spun)], ["restore", "--json", str(spun)],
            ["restore", "--json", str(spun), "--reference", str(source)], ["align", "--json", str(spun), str(source)],
            ["find-source", "--json", "--restore", str(tmp_path / "restored"), "--index", str(tmp_path / "idx"), str(spun)]]
    for argv in runs:
        assert cli.main(argv) in (0, 1), argv
        out = capsys.readouterr().out
        lines = out.splitlines()
        assert len(lines) == out.count("\n"), argv  # no record broken across lines
        records = [json.loads(line) for line in lines]
        assert records, argv
        if argv[0] in ("restore", "score"):
            text_of = records[0].get("restored") or "".join(s["text"] for s in records[0]["sentences"])
            assert any(c in text_of for c in SEPARATORS[:3]), argv


def test_screen_parts_stay_one_record_a_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(TEXT.replace(". ", ".\u2028", 3) + "\x85", encoding="utf-8")
    (corpus / "b.txt").write_text(SOURCE.replace(". ", ".\u2029", 3), encoding="utf-8")
    assert cli.main(["screen", str(corpus), "-o", str(tmp_path / "out"), "--workers", "1"]) == 0
    for part in (tmp_path / "out").glob("*.jsonl"):
        text = part.read_text(encoding="utf-8")
        assert len(text.splitlines()) == text.count("\n"), part
        for line in text.splitlines():
            json.loads(line)
