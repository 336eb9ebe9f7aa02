"""The training notebook runs end to end on small data, so it never rots."""
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "train_on_new_pairs.ipynb"


def test_notebook_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINFIX_NB_MAX_DOCS", "120")
    monkeypatch.setenv("SPINFIX_NB_OUTPUT", str(tmp_path))
    monkeypatch.delenv("SPINFIX_PAIRS_DIR", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert (tmp_path / "model.joblib").stat().st_size > 0
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert (tmp_path / "dictionary.tsv").read_text().startswith("# spinfix substitution dictionary")
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "sentence ROC-AUC per fold" in outputs
