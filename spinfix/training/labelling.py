"""Labelled data for the detector: clean documents spun by the synthetic spinner, sentence by
sentence, and the user's own spun/clean pairs, labelled by aligning them.

Each document gives a clean copy (every sentence 0) and a spun one (sentences labelled by the
swaps the spinner made in them), drawn from a family of spinner tables and at rates from light
to heavy (:data:`RATE_RANGE`), some with page furniture on both sides, so that the models learn
what spin is, not one spinner's habits or a page's headlines.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..alignment.aligner import align
from ..detection.features import proper_nouns
from ..persist.files import atomic_write
from ..text.thesaurus import Thesaurus, default_thesaurus
from ..text.tokens import split_sentences
from .corpora import Document, Pair
from .spinner import Spinner
from .spinner_tables import build_table, shapes

RATE_RANGE = (0.02, 1.0)  # share of a table's matches swapped, log-uniform per document: about 1-45 % of words
FURNITURE_SHARE = 0.3


@dataclass
class LabelledDocument:
    """A document's sentences with spin labels, and whether the document is spun at all."""

    sentences: list[str]
    labels: list[int]
    spun: int
    source: str = ""


def names_in(docs: list[Document]) -> frozenset[str]:
    """The names of a corpus (:func:`spinfix.detection.features.proper_nouns`), which the spinner leaves alone."""
    return proper_nouns([s.text for d in docs for s in split_sentences(d.text)])


def spinner_tables(role: str) -> list[Thesaurus]:
    """The tables a detector's spun documents are drawn from: the whole thesaurus and the
    spinner table shapes (:mod:`spinfix.training.spinner_tables`) with ``role``; the ``test`` shapes
    are kept for measuring on a spinner the detector never saw."""
    return [default_thesaurus()] + [build_table(s) for s in shapes(role)]


def _spinner(rng: random.Random, seed: int, names: frozenset[str], rate: float | None = None,
             tables: list[Thesaurus] | None = None, **options) -> Spinner:
    """A spinner with one of ``tables`` (default: the whole thesaurus) at ``rate``, or at a
    rate drawn log-uniformly from :data:`RATE_RANGE`, so light spin is as common as heavy."""
    table = rng.choice(tables) if tables else default_thesaurus()
    if rate is None:
        rate = math.exp(rng.uniform(*np.log(RATE_RANGE)))
    return Spinner(rate, seed=seed, names=names, thesaurus=table, **options)


def _furniture(docs: list[Document], rng: random.Random) -> list[str]:
    """Page furniture as scraped pages carry it, unspun: headlines of other documents,
    timestamps, bylines and photo captions."""
    lines = []
    for _ in range(rng.randint(3, 10)):
        headline = docs[rng.randrange(len(docs))].text.strip().split("\n", 1)[0]
        unit = rng.choice(["minutes", "hours", "days", "weeks"])
        lines.append(rng.choice([
            headline, headline, f"Photo: {headline}...", f"{rng.randint(2, 59)} {unit} ago",
            f"{rng.choice(['Jan', 'Mar', 'Jun', 'Oct', 'Dec'])} {rng.randint(1, 28)}, {rng.randint(2004, 2025)}, "
            f"{rng.randint(1, 12)}:{rng.randint(10, 59)} {rng.choice(['AM', 'PM'])}",
            rng.choice(["Associated Press", "Advertisement", "Share this story", "Related Articles",
                        "Leave a Reply", "Back to top", "Staff and wire reports", "Read more"]),
        ]))
    return lines


def labelled_pairs(docs: list[Document], seed: int, rate: float | None = None,
                   role: str = "fit", source: str = "") -> list[LabelledDocument]:
    """Each document clean (all sentences 0) and spun (sentences labelled by the spinner).

    ``rate`` None draws, per document, a table from :func:`spinner_tables` of ``role`` and a
    rate from :data:`RATE_RANGE`; a given ``rate`` spins with the whole thesaurus. A share
    (:data:`FURNITURE_SHARE`) of the pairs get the same page furniture added to both sides, never
    spun, so that neither model mistakes headlines and bylines for evidence.
    """
    rng = random.Random(seed)
    names = names_in(docs)
    tables = spinner_tables(role) if rate is None else None
    out = []
    for k, doc in enumerate(docs):
        _, spun = _spinner(rng, seed * 100_003 + k, names, rate, tables).spin_document(doc.text)
        extra = _furniture(docs, rng) if rng.random() < FURNITURE_SHARE else []
        clean = [s.original for s in spun] + extra
        out.append(LabelledDocument(clean, [0] * len(clean), 0, source))
        out.append(LabelledDocument([s.spun for s in spun] + extra, [s.label for s in spun] + [0] * len(extra), 1, source))
    return out


def labelled_user_pairs(pairs: list[Pair]) -> list[LabelledDocument]:
    """The user's own pairs, labelled by aligning them: a spun sentence with a word or phrase
    swap is positive; the source sentences that were aligned are negative."""
    out = []
    for pair in pairs:
        alignment = align(pair.spun, pair.clean)
        changed = {s.spun_start for s in alignment.phrase_pairs}
        spun_sents = alignment.spun_sentences
        labels = [int(any(s.start <= c < s.end for c in changed)) for s in spun_sents]
        out.append(LabelledDocument([s.text for s in spun_sents], labels, 1, "user pairs"))
        ref = [alignment.ref_sentences[j].text for b in alignment.blocks for j in range(*b.ref)]
        out.append(LabelledDocument(ref, [0] * len(ref), 0, "user pairs"))
    return out


def flatten(docs: list[LabelledDocument]) -> tuple[list[str], np.ndarray]:
    """All the sentences of ``docs`` and their labels, in order."""
    return [s for d in docs for s in d.sentences], np.array([y for d in docs for y in d.labels])


def write_example_pairs(directory: str | Path, docs: list[Document], seed: int = 0) -> list[Path]:
    """Write spun/clean pairs of ``docs`` as ``NAME.spun.txt`` + ``NAME.clean.txt`` (the layout
    ``spinfix train --pairs`` reads), spun at rates drawn from :data:`RATE_RANGE`."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = names_in(docs)
    written = []
    for k, doc in enumerate(docs):
        spun, _ = _spinner(rng, seed * 7919 + k, names).spin_document(doc.text)
        name = doc.name.replace("/", "_")
        atomic_write(root / f"{name}.clean.txt", doc.text)
        atomic_write(root / f"{name}.spun.txt", spun)
        written.append(root / f"{name}.spun.txt")
    return written


__all__ = ["FURNITURE_SHARE", "RATE_RANGE", "LabelledDocument", "flatten", "labelled_pairs", "labelled_user_pairs",
           "names_in", "spinner_tables", "write_example_pairs"]
