"""The training notebook runs end to end on small data, so it never rots, from two pairs up."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "train_on_new_pairs.ipynb"


@pytest.mark.slow
@pytest.mark.parametrize("pairs", [2, 12])
def test_notebook_runs(tmp_path, monkeypatch, pairs):
    monkeypatch.setenv("SPINFIX_NB_MAX_DOCS", "120")
    monkeypatch.setenv("SPINFIX_NB_PAIRS", str(pairs))
    monkeypatch.setenv("SPINFIX_NB_OUTPUT", str(tmp_path))
    monkeypatch.delenv("SPINFIX_PAIRS_DIR", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert (tmp_path / "model.npz").stat().st_size > 0 and (tmp_path / "model.json").stat().st_size > 0
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert (tmp_path / "dictionary.tsv").read_text().startswith("# spinfix substitution dictionary")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    text = "".join(o.get("text", "") for o in outputs)
    assert "sentence ROC-AUC per fold" in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2, "the plots show inline"
    if pairs == 2:
        assert "2 folds instead of 3" in text
