"""Shared fixtures: the seed documents (evaluation data, read in place from ../shared/seeds when
it is there; tests that need them skip without it), the shipped example pair, and a tiny
trained model."""
from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the CLI does: small batches, no OpenMP stalls
# The suite exercises the fast trigram path wherever a test does not name a judge; the neural
# judge's own tests (test_judge.py, test_neural_detection.py) name it.
os.environ.setdefault("SPINFIX_JUDGE", "trigram")

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLE_SPUN = ROOT / "spinfix" / "data" / "example_spun.txt"  # shipped: a spun copy of example_clean.txt
EXAMPLE_CLEAN = ROOT / "spinfix" / "data" / "example_clean.txt"
NO_SEEDS = f"seed documents not found in {SEEDS} (evaluation data beside the checkout, not in it)"


def seed_path(prefix: str) -> str:
    """The path of the seed document whose name starts with ``prefix`` (e.g. "000"); the test
    skips, saying why, when the seeds are not beside the checkout."""
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(NO_SEEDS)
    return str(matches[0])


def seed(prefix: str) -> str:
    """The text of the seed document whose name starts with ``prefix`` (see :func:`seed_path`)."""
    return Path(seed_path(prefix)).read_text(encoding="utf-8")


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
    from spinfix.training.corpora import training_documents

    docs = training_documents()
    return docs[::len(docs) // 40][:40]


@pytest.fixture(scope="session")
def tiny_trainer(tiny_corpus):
    """A detector trained on the tiny corpus, with its fitted scikit-learn estimators:
    (detector, trainer, report)."""
    from spinfix.training.detector_trainer import train_with_trainer

    return train_with_trainer(docs=tiny_corpus, baselines=False)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, tiny_trainer):
    """The tiny detector saved to disk: (detector, path, report)."""
    detector, _, report = tiny_trainer
    path = tmp_path_factory.mktemp("model") / "tiny"
    detector.save(path)
    return detector, path, report
