"""The training notebook runs end to end on small data, so it never rots, from two pairs up: it
shows progress, explains a small cross-validation, compares its model with the shipped one, and
writes only where it is told (issue 30)."""
import os
import re
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from spinfix.training.corpora import corpora_dir

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "train_on_new_pairs.ipynb"


def _spinfix_temporaries() -> set[str]:
    return {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("spinfix")}


@pytest.mark.slow
@pytest.mark.parametrize("pairs, output", [(2, "default"), (12, "named")])
def test_notebook_runs(tmp_path, monkeypatch, pairs, output):
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    out = tmp_path / "out" if output == "named" else home / "notebook"  # the default: in spinfix's data directory
    monkeypatch.setenv("SPINFIX_CORPORA", str(corpora_dir()))  # where setup.sh put them, before SPINFIX_HOME moves
    monkeypatch.setenv("SPINFIX_HOME", str(home))
    monkeypatch.setenv("SPINFIX_NB_MAX_DOCS", "120")
    monkeypatch.setenv("SPINFIX_NB_PAIRS", str(pairs))
    if output == "named":
        monkeypatch.setenv("SPINFIX_NB_OUTPUT", str(out))
    else:
        monkeypatch.delenv("SPINFIX_NB_OUTPUT", raising=False)
    monkeypatch.delenv("SPINFIX_PAIRS_DIR", raising=False)
    before = _spinfix_temporaries()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    assert (out / "model.npz").stat().st_size > 0 and (out / "model.json").stat().st_size > 0
    assert (out / "curves.png").stat().st_size > 0
    assert (out / "dictionary.tsv").read_text().startswith("# spinfix substitution dictionary")
    # nothing written anywhere else: not beside the notebook, not in the temporary directory
    assert not list(work.iterdir()) and _spinfix_temporaries() <= before
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out", "work"] if output == "named" else ["home", "work"])
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    text = "".join(o.get("text", "") for o in outputs)
    assert "writing to" in text and str(out) in text
    assert "training: 100%" in text and "fitting the sentence model" in text  # the progress bar, on stderr
    assert "sentence ROC-AUC per fold" in text and "0.5 = chance" in text
    markdown = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "3 folds of one pair each" in markdown and "jupyter notebook notebooks/train_on_new_pairs.ipynb" in markdown
    assert "shipped model" in text and "your model is" in text  # the comparison with the shipped detector
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2, "the plots show inline"
    if pairs == 2:
        assert "2 folds instead of 3" in text


def test_setup_installs_what_opens_the_notebook_and_the_readme_says_how():
    root = NOTEBOOK.parents[1]
    assert re.search(r'"\.\[test,notebook(,[a-z]+)*\]"', (root / "setup.sh").read_text())
    extras = (root / "pyproject.toml").read_text().split("[project.optional-dependencies]")[1].split("\n[")[0]
    assert 'notebook = ["notebook>=' in extras
    assert "jupyter notebook notebooks/train_on_new_pairs.ipynb" in (root / "README.md").read_text()
