"""Every entry of a curated list that ``score --phrase-list`` names is restored by ``restore
--dictionary LIST --trust`` (issue 30): hyphens, apostrophes and capitals included, and words no
language model knows ("vaticination", "wi-fireless").

``test-cases/tortured-phrases.csv`` is a list of 317 made-up tortured phrases written for these
tests (no published list was copied), in the two-column form published lists take. A paper
holds each once, a third of them opening their sentence (capitalized).
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import pytest

from spinfix import cli
from spinfix.restoration.restorations import carry_case

LIST = Path(__file__).parent / "test-cases" / "tortured-phrases.csv"


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(list(argv))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    root = tmp_path_factory.mktemp("curated")
    rows = list(csv.reader(LIST.open(encoding="utf-8")))[1:]
    lines = [f"{spun[0].upper() + spun[1:]} was measured again in the second experiment." if k % 3 == 0 else
             f"In the second experiment, the {spun} was compared with earlier work." for k, (spun, _) in enumerate(rows)]
    text = "\n".join(lines) + "\n"
    (root / "paper.txt").write_text(text, encoding="utf-8")
    assert cli.main(["dict", "import", str(LIST), "-o", str(root / "list.tsv")]) == 0
    return root, text, rows


def test_every_named_entry_is_restored(paper, capsys):
    root, text, rows = paper
    code, out = _run("score", "--json", "--phrase-list", str(root / "list.tsv"), str(root / "paper.txt"))
    named = {(s["start"], s["end"]): s["original"] for sentence in json.loads(out.splitlines()[0])["sentences"]
             for s in sentence["suspects"] if s["reason"] == "listed phrase (curated)"}
    code, out = _run("restore", "--json", "--dictionary", str(root / "list.tsv"), "--trust", str(root / "paper.txt"))
    assert code == 0
    restored = {(c["start"], c["end"]): c["original"] for c in json.loads(out)["substitutions"]}
    assert len(named) >= 0.99 * len(rows)  # all but a phrase the tokenizer cuts ("Bayes' hypothesis")
    assert restored.keys() == named.keys(), sorted(text[a:b] for a, b in named.keys() ^ restored.keys())
    assert all(restored[k].casefold() == named[k].casefold() for k in named)
    for spun, original in [("Month-to-month briefing", "Monthly briefing"), ("vaticination", "prediction"),
                           ("nanofluid stream", "nanofluid flow"), ("Brobdingnagian knowledge", "Big data"),
                           ("wi-fireless", "wi-fi"), ("convolutional brain network", "convolutional neural network"),
                           ("concealed Markov model", "hidden Markov model"), ("Parkinson's infection", "Parkinson's disease"),
                           ("Navier-Stokes conditions", "Navier-Stokes equations")]:
        at = text.index(spun)
        assert restored[at, at + len(spun)] == original, (spun, restored[at, at + len(spun)])


def test_the_default_restore_is_unchanged_by_trusting(paper):
    """Without --trust the learned restorer decides, as before: the listed words no model knows
    stay as written (it has no fit for them)."""
    root, text, _ = paper
    code, out = _run("restore", "--json", "--dictionary", str(root / "list.tsv"), str(root / "paper.txt"))
    spans = {(c["start"], c["end"]) for c in json.loads(out)["substitutions"]}
    at = text.index("vaticination")
    assert (at, at + len("vaticination")) not in spans


@pytest.mark.parametrize("spun, original, expected", [
    ("Fourier change", "fourier transform", "Fourier transform"),
    ("quick Fourier change", "fast fourier transform", "fast Fourier transform"),
    ("X-beam", "x-ray", "X-ray"),
    ("NP-Difficult Issue", "np-hard problem", "NP-hard problem"),
    ("SOILED BOMB", "dirty bomb", "DIRTY BOMB"),
])
def test_carry_case(spun, original, expected):
    assert carry_case(spun, original) == expected
