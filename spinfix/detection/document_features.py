"""A document's profile for the document-level models: how many of its words fall in each band
of word evidence (rates per 100 words) and how its sentence probabilities spread, never counts,
so that a document's length adds no evidence; and the prior shift of its likelihood."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..schema import Schema
from ..text.words import function_words_only
from .features import WordEvidence

GAIN_EDGES = (0.5, 1.0, 2.0, 3.0, 4.0, math.inf)  # bins of a content word's swap gain (log10)
VOCAB_EDGES = (0.5, 1.0, 2.0, 3.0, math.inf)  # bins of its spinner-vocabulary ratio
JOINT_STEPS = (2.0, 3.0, 4.0, 5.0, 6.0)  # gain plus vocabulary at least this
FUNCTION_STEPS = (1.0, 2.0, 3.0)  # a function word's gain at least this ("with" -> "in")
BANDS = (
    [f"content_gain_{lo:g}_{hi:g}" for lo, hi in zip(GAIN_EDGES, GAIN_EDGES[1:])]
    + [f"content_vocab_{lo:g}_{hi:g}" for lo, hi in zip(VOCAB_EDGES, VOCAB_EDGES[1:])]
    + [f"content_joint_{t:g}" for t in JOINT_STEPS] + [f"function_gain_{t:g}" for t in FUNCTION_STEPS]
)  # word-evidence bands, counted per document and read as rates per 100 words
DOCUMENT_FEATURES = Schema(
    *BANDS, "explained_0.5", "explained_0.8", "probability_mean", "probability_q50", "probability_q75", "probability_q90")


def suspect_counts(evidence: list[list[WordEvidence]]) -> np.ndarray:
    """Per sentence, how many words are suspects with a reason a user can check."""
    return np.array([sum(e.reason is not None for e in found) for found in evidence], dtype=float)


@dataclass
class EvidenceSummary:
    """A document's word evidence reduced to what the document-level models read: per sentence,
    how many suspects have a reason (:func:`suspect_counts`), and over the document, how many
    words fall in each evidence band of :data:`DOCUMENT_FEATURES`. Both add up block by block,
    so a text too large to hold as objects is summarized in one pass (:mod:`spinfix.detection.streaming`)."""

    suspects: np.ndarray
    bands: np.ndarray

    @classmethod
    def of(cls, evidence: list[list[WordEvidence]]) -> EvidenceSummary:
        found = [e for sentence in evidence for e in sentence]
        gain = np.array([e.gain for e in found], dtype=float)
        vocab = np.array([e.vocab for e in found], dtype=float)
        function = np.array([function_words_only([e.word]) for e in found], dtype=bool)
        bands = ([~function & (gain >= lo) & (gain < hi) for lo, hi in zip(GAIN_EDGES, GAIN_EDGES[1:])]
                 + [~function & (vocab >= lo) & (vocab < hi) for lo, hi in zip(VOCAB_EDGES, VOCAB_EDGES[1:])]
                 + [~function & (gain + vocab >= t) for t in JOINT_STEPS]
                 + [function & (gain >= t) for t in FUNCTION_STEPS])
        return cls(suspect_counts(evidence), np.array([float(np.sum(b)) for b in bands]))

    @classmethod
    def join(cls, parts: list[EvidenceSummary]) -> EvidenceSummary:
        """The summary of consecutive blocks of one document."""
        return cls(np.concatenate([p.suspects for p in parts]) if parts else np.zeros(0),
                   np.sum([p.bands for p in parts], axis=0) if parts else np.zeros(len(BANDS)))


def _summary(evidence: list[list[WordEvidence]] | EvidenceSummary | None) -> EvidenceSummary | None:
    return EvidenceSummary.of(evidence) if isinstance(evidence, list) else evidence


def document_features(probabilities: np.ndarray, lengths: np.ndarray,
                      evidence: list[list[WordEvidence]] | EvidenceSummary | None = None) -> np.ndarray:
    """Length-free summaries of a document's word evidence and sentence probabilities
    (:data:`DOCUMENT_FEATURES`).

    The word evidence enters as rates per 100 words, by strength: how many content words have
    a swap gain in each band, a spinner-vocabulary ratio in each band, a joint score over each
    step, and function words with a gain. Old or technical prose has many weak suspects
    (a 1790 address prefers "requisite" where the 1990s model expects "necessary"); spun text
    adds strong ones, so the profile tells them apart better than a count of suspects does.
    Sentences are weighted by their length (up to 30 words), so a headline counts little.
    Only rates, shares and quantiles: a document's length never adds evidence.
    """
    p = np.asarray(probabilities, dtype=float)
    if p.size == 0:
        return np.zeros(len(DOCUMENT_FEATURES))
    lengths = np.asarray(lengths, dtype=float)
    w = np.minimum(lengths, 30.0) + 1e-9
    w = w / w.sum()
    summary = _summary(evidence)
    per_100 = 100.0 / max(float(lengths.sum()), 1.0)
    bands = summary.bands if summary is not None else np.zeros(len(BANDS))
    explained = summary.suspects > 0 if summary is not None else np.ones(p.size, bool)
    q50, q75, q90 = np.quantile(p, [0.5, 0.75, 0.9]).tolist()
    return np.array(DOCUMENT_FEATURES.row(
        **dict(zip(BANDS, (per_100 * bands).tolist())),
        **{"explained_0.5": float(w @ ((p >= 0.5) & explained)), "explained_0.8": float(w @ ((p >= 0.8) & explained))},
        probability_mean=float(w @ p), probability_q50=q50, probability_q75=q75, probability_q90=q90))


def logit(p: np.ndarray, floor: float = 1e-4) -> np.ndarray:
    """The log-odds of probabilities ``p``, taken from ``floor`` (and up to ``1 - floor``)."""
    p = np.clip(np.asarray(p, dtype=float), floor, 1 - floor)
    return np.log(p / (1 - p))


def shift_prior(p: np.ndarray, offset: float) -> np.ndarray:
    """Calibrated probabilities ``p`` under a prior shifted by ``offset`` log-odds (see
    :class:`spinfix.training.estimators.DocumentModel`)."""
    return 1.0 / (1.0 + np.exp(offset - logit(p)))


def model_parts(probabilities: np.ndarray, lengths: np.ndarray,
                evidence: list[list[WordEvidence]] | EvidenceSummary | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`model_rows` makes a document's rows of: each sentence's own log-odds and
    suspect count, and the document's row (:func:`document_features`), the summary computed once."""
    summary = _summary(evidence)
    doc = document_features(probabilities, lengths, summary)
    own = logit(probabilities)
    return own, np.zeros(len(own)) if summary is None else summary.suspects, doc


def context_rows(own: np.ndarray, count: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """Rows for the context model: each sentence's own log-odds and suspect count beside its
    document's row (of :func:`model_parts`, or any consecutive stretch of its sentences)."""
    return np.hstack([own[:, None], count[:, None], np.repeat(doc[None, :], len(own), axis=0)])


def model_rows(probabilities: np.ndarray, lengths: np.ndarray,
               evidence: list[list[WordEvidence]] | EvidenceSummary | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A document's rows for the context model (:func:`context_rows`) and its row for the
    document model (:func:`document_features`), the summary computed once for both."""
    own, count, doc = model_parts(probabilities, lengths, evidence)
    return context_rows(own, count, doc), doc


__all__ = ["BANDS", "DOCUMENT_FEATURES", "EvidenceSummary", "context_rows", "document_features", "logit", "model_parts",
           "model_rows", "shift_prior", "suspect_counts"]
