"""Labelled span rows for the neural detector: clean documents, some spun by the synthetic
spinner, read by the neural judge (:class:`~spinfix.detection.judged.SpanReader`), each span
labelled by whether the spinner swapped it.

The synthetic spinner draws its swaps from the very thesaurus that proposes originals, so every
swapped span would have its original among the proposals, which real spinners' tables do not
allow (about a third of real swaps can be reached). A share of the swapped spans (``drop``)
therefore have their true original left out of the proposals, so the model learns what a
swap looks like when no proposal undoes it.
"""
from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from ..detection.detector import Detector
from ..detection.judged import SPAN_ROW, Span, SpanReader
from ..persist.files import atomic_write
from ..text.tokens import split_sentences
from .corpora import Document
from .labelling import FURNITURE_SHARE, _furniture, _spinner, names_in, spinner_tables

DROP = 0.6  # share of swapped spans whose original is left out of the proposals
SPUN_SHARE = 0.6  # share of documents spun
DAMAGE = 0.08  # share of swaps that damage a word as real spinners do (hyphenated parts, suffixes)


@dataclass
class SpanData:
    """Span rows of many documents with their labels, and per sentence and per document what
    the sentence and document models need. Arrays only, so it saves as ``.npz`` without pickles."""

    rows: np.ndarray  # spans x SPAN_ROW
    labels: np.ndarray  # 1 where the span overlaps a swap
    sentence: np.ndarray  # the span's sentence (index into the sentence arrays)
    best: np.ndarray  # the original that fits best (str), "" when none was compared
    truth: np.ndarray  # the swap's original (str), "" for unswapped spans
    sentence_label: np.ndarray  # 1 where the spinner changed the sentence
    sentence_words: np.ndarray
    sentence_document: np.ndarray
    document_spun: np.ndarray
    document_words: np.ndarray
    document_source: np.ndarray  # str
    document_first: np.ndarray | None = None  # the first stage's own likelihood of each document (None: not read)

    def save(self, path: str | Path) -> None:
        buf = io.BytesIO()
        np.savez_compressed(buf, **{f.name: getattr(self, f.name) for f in fields(self)
                                    if getattr(self, f.name) is not None})
        atomic_write(path, buf.getvalue())

    @classmethod
    def load(cls, path: str | Path) -> SpanData:
        with np.load(path, allow_pickle=False) as z:
            return cls(**{f.name: z[f.name] for f in fields(cls) if f.name in z.files})

    @classmethod
    def join(cls, parts: list[SpanData]) -> SpanData:
        """Several parts as one, their sentence and document indexes shifted."""
        out: dict[str, list] = {name: [] for name in _ARRAYS}
        sentences = documents = 0
        for p in parts:
            for name in _ARRAYS:
                value = getattr(p, name)
                if name == "sentence":
                    value = value + sentences
                elif name == "sentence_document":
                    value = value + documents
                out[name].append(value)
            sentences += len(p.sentence_label)
            documents += len(p.document_spun)
        first = None  # a part read without the first stage counts as not read (NaN)
        if any(p.document_first is not None for p in parts):
            first = np.concatenate([p.document_first if p.document_first is not None
                                    else np.full(len(p.document_spun), np.nan) for p in parts])
        return cls(**{k: np.concatenate(v) if v else np.zeros(0) for k, v in out.items()}, document_first=first)


_ARRAYS = tuple(f.name for f in fields(SpanData) if f.name != "document_first")  # every part has these


def span_data(docs: list[Document], reader: SpanReader, seed: int, role: str = "fit", drop: float = DROP,
              spun_share: float = SPUN_SHARE, progress: Callable[[int, int], None] | None = None,
              first_stage: Detector | None = None) -> SpanData:
    """Read each document (spun with a table of ``role`` at a rate drawn from
    :data:`RATE_RANGE`, with probability ``spun_share``) and label its spans (``first_stage``:
    a fast detector whose own likelihood of each document is kept too)."""
    rng = random.Random(seed)
    names = names_in(docs)
    tables = spinner_tables(role)
    items = []
    for k, doc in enumerate(docs):
        text, swaps = doc.text, []
        if rng.random() < spun_share:
            spinner = _spinner(rng, seed * 100_003 + k, names, None, tables, titles=True, damage=DAMAGE)
            text, _, swaps = spinner.spin_with_swaps(doc.text)
        if rng.random() < FURNITURE_SHARE:
            text = text + "\n\n" + "\n".join(_furniture(docs, rng))
        items.append((text, [(s.start, s.end, s.original.lower()) for s in swaps], doc.name.split("/", 1)[0]))
    return labelled_span_data(items, reader, rng, drop, progress, first_stage)


def labelled_span_data(items: list[tuple[str, list[tuple[int, int, str]], str]], reader: SpanReader,
                       rng: random.Random, drop: float = 0.0,
                       progress: Callable[[int, int], None] | None = None,
                       first_stage: Detector | None = None) -> SpanData:
    """Read each ``(text, swaps, source)`` (``swaps``: the spans of the text that were swapped,
    each with its original) and label its spans; ``drop`` of the swapped spans lose their
    original from the proposals; ``first_stage``'s own likelihood of each text is kept."""
    columns: dict[str, list] = {name: [] for name in _ARRAYS}
    sentences_so_far = 0
    for k, (text, swaps, source) in enumerate(items):
        sentences = split_sentences(text)

        def hit(span: Span) -> str | None:
            return next((o for a, b, o in swaps if a < span.end and span.start < b), None)

        def exclude(span: Span) -> str | None:
            original = hit(span)
            return original if original is not None and rng.random() < drop else None

        for span in reader.read(text, sentences, exclude=exclude):
            original = hit(span)
            columns["rows"].append(span.row)
            columns["labels"].append(int(original is not None))
            columns["sentence"].append(sentences_so_far + span.sentence)
            columns["best"].append(span.best[0] or "")
            columns["truth"].append(original or "")
        for s in sentences:
            columns["sentence_label"].append(int(any(a < s.end and s.start < b for a, b, _ in swaps)))
            columns["sentence_words"].append(len(s.text.split()))
            columns["sentence_document"].append(k)
        sentences_so_far += len(sentences)
        columns["document_spun"].append(int(bool(swaps)))
        columns["document_words"].append(len(text.split()))
        columns["document_source"].append(source)
        if progress:
            progress(k + 1, len(items))
    rows = np.array(columns.pop("rows"), dtype=float).reshape(-1, len(SPAN_ROW))
    first = None
    if first_stage is not None:
        first = np.array([a.likelihood for a in first_stage.analyse([[s.text for s in split_sentences(text)]
                                                                      for text, _, _ in items])], dtype=float)
    return SpanData(rows=rows, **{k: np.array(v) if v else np.zeros(0) for k, v in columns.items()}, document_first=first)


__all__ = ["DROP", "SpanData", "labelled_span_data", "span_data"]
