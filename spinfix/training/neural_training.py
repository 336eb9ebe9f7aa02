"""Training the neural detector from the corpora, plus a user's own spun/clean pairs: documents
are spun and read by the neural judge (:mod:`spinfix.training.span_data`), the user's pairs are
labelled by aligning them, and :class:`~spinfix.training.neural_trainer.NeuralDetectorTrainer`
fits the models and sets every threshold on validation documents.

Reading is the cost (a few seconds a document on one core), so the number of documents is a
parameter; the span rows of each part can be saved and reused (``cache``).
"""
from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from ..alignment.aligner import align
from ..detection.detector import load_detector
from ..detection.judged import SpanReader
from ..detection.neural_detector import NeuralDetector, shipped_originals
from ..judge.neural import load_judge
from .corpora import Document, Pair, ood_splits, source_documents, split_documents
from .neural_trainer import NeuralDetectorTrainer
from .span_data import SpanData, labelled_span_data, span_data

TRAIN_DOCUMENTS = 240  # training documents (synthetic spin on the training corpora)
VALIDATION_PER_SOURCE = (14, 18)  # validation documents per training source, per out-of-domain source
BROAD = {"left_min": -2.0, "gap_min": 2.0}  # training reads compare more spans than any cascade will


def training_pool(rng: random.Random) -> list[Document]:
    """Every document of the training sources' train split, shuffled by ``rng``."""
    docs = [d for src in source_documents("train").values() for d in split_documents(src)["train"]]
    rng.shuffle(docs)
    return docs


def validation_pool(rng: random.Random, per_source: tuple[int, int] = VALIDATION_PER_SOURCE) -> list[Document]:
    """Validation documents: ``per_source[0]`` of each training source's validation split and
    ``per_source[1]`` of each out-of-domain source's validation half, drawn by ``rng``."""
    docs = []
    for src in source_documents("train").values():
        v = split_documents(src)["validation"]
        rng.shuffle(v)
        docs += v[:per_source[0]]
    for v in ood_splits(source_documents("ood"))["validation"].values():
        v = list(v)
        rng.shuffle(v)
        docs += v[:per_source[1]]
    return docs


def corpus_documents(n_train: int = TRAIN_DOCUMENTS, per_source: tuple[int, int] = VALIDATION_PER_SOURCE,
                     seed: int = 0) -> tuple[list[Document], list[Document]]:
    """Training documents (:func:`training_pool`) and validation documents
    (:func:`validation_pool`), one random stream for both."""
    rng = random.Random(seed + 7)
    train = training_pool(rng)
    return train[:n_train], validation_pool(rng, per_source)


def validation_share(n_train: int | None) -> tuple[int, int]:
    """Validation documents per training source and per out-of-domain source for ``n_train``
    training documents: :data:`VALIDATION_PER_SOURCE` for the full run, fewer for a quick one."""
    if not n_train:
        return VALIDATION_PER_SOURCE
    return (max(1, min(VALIDATION_PER_SOURCE[0], n_train // 20)), max(1, min(VALIDATION_PER_SOURCE[1], n_train // 16)))


def pair_items(pairs: list[Pair]) -> list[tuple[str, list[tuple[int, int, str]], str]]:
    """A user's spun/clean pairs as labelled texts: each spun text with its aligned swaps, and
    its clean text with none."""
    items = []
    for pair in pairs:
        alignment = align(pair.spun, pair.clean)
        swaps = [(s.spun_start, s.spun_end, s.original.lower()) for s in alignment.phrase_pairs]
        items += [(pair.spun, swaps, "user pairs"), (pair.clean, [], "user pairs")]
    return items


def train_neural(train_docs: list[Document], validation_docs: list[Document], pairs: list[Pair] = (),
                 seed: int = 0, cache: str | Path | None = None,
                 progress: Callable[[str, int, int], None] | None = None) -> NeuralDetector:
    """Fit a neural detector: ``train_docs`` spun and read for the span models (with the user's
    ``pairs``, labelled by alignment), ``validation_docs`` for calibration and thresholds; the
    shipped trigram detector is its first stage, as the shipped model's.

    Parameters
    ----------
    train_docs, validation_docs : clean documents (:func:`corpus_documents` gives the corpora's).
    pairs : your own spun/clean pairs.
    seed : for the synthetic spinner.
    cache : a directory where each part's span rows are saved, and reused when present.
    progress : called with (part, documents done, documents).
    """
    reader = SpanReader(load_judge(), shipped_originals(), **BROAD)
    first_stage = load_detector()

    def part(name: str, make: Callable[[Callable[[int, int], None]], SpanData]) -> SpanData:
        path = Path(cache) / f"{name}.npz" if cache is not None else None
        if path is not None and path.exists():
            return SpanData.load(path)
        data = make(lambda k, n: progress(name, k, n) if progress else None)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            data.save(path)
        return data

    train = part("train", lambda say: span_data(train_docs, reader, seed, "fit", progress=say))
    if pairs:
        own = part("pairs", lambda say: labelled_span_data(pair_items(pairs), reader, random.Random(seed), 0.0, say))
        train = SpanData.join([train, own])
    validation = part("validation", lambda say: span_data(validation_docs, reader, seed + 5000, "tune",
                                                          spun_share=0.5, progress=say, first_stage=first_stage))
    info = {"name": f"spinfix-neural-seed{seed}", "trained_on": {"documents": len(train_docs),
                                                                 "validation_documents": len(validation_docs),
                                                                 "pairs": len(pairs)}}
    return NeuralDetectorTrainer(first_stage=first_stage, seed=seed).fit(train, validation, info).detector_


__all__ = ["TRAIN_DOCUMENTS", "VALIDATION_PER_SOURCE", "corpus_documents", "pair_items", "train_neural",
           "training_pool", "validation_pool", "validation_share"]
