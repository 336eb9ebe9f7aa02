"""Shared fixtures: the seed documents (evaluation data, read in place) and a tiny trained model."""
from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the CLI does: small batches, no OpenMP stalls

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def seed(prefix: str) -> str:
    """The text of the seed document whose name starts with ``prefix`` (e.g. "000")."""
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert matches, f"seed {prefix} not found in {SEEDS}: CI needs ../shared beside the checkout"
    return matches[0].read_text(encoding="utf-8")


def article_body(text: str) -> str:
    """Seed 001's article: from the dateline to the copyright line (page furniture cut off)."""
    return text[text.index("BEIJING (AP)"):text.index("Copyright")]


@pytest.fixture(scope="session")
def spun_seed() -> str:
    return seed("000")


@pytest.fixture(scope="session")
def source_seed() -> str:
    return seed("001")


@pytest.fixture(scope="session")
def tiny_corpus():
    """Forty BBC/SOTU documents, enough to train a small detector in seconds."""
    from spinfix.corpora import training_documents

    docs = training_documents()
    return docs[::len(docs) // 40][:40]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, tiny_corpus):
    """A detector trained on the tiny corpus, saved to disk: (detector, path)."""
    from spinfix.training import train

    detector, report = train(docs=tiny_corpus, baselines=False)
    path = tmp_path_factory.mktemp("model") / "tiny.joblib"
    detector.save(path)
    return detector, path, report
