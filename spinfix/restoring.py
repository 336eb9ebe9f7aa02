"""Restoring spun text: against its known source, or from a substitution dictionary alone.

Without a source, restoring must be conservative: "stated" and "close" are often what the writer
meant. Each dictionary match and each original it offers become a row of evidence (how much the
language model prefers the original in that very context, how often the dictionary saw the
pair and saw the phrase left as written, how common both are, whether the document uses the
original elsewhere, how spun the detector finds the word, the sentence and the document), and a
learned :class:`Restorer` decides, tuned for precision on documents it never saw.
"""
from __future__ import annotations

import importlib.resources
import io
import math
import os
from collections import Counter
from dataclasses import asdict, dataclass, field

import joblib
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .aligning import Alignment, Substitution, align, apply_substitutions
from .detecting import Detector
from .dictionary import MAX_PHRASE_WORDS, SubstitutionDictionary, load_dictionary, match_phrases
from .errors import SpinfixError
from .textio import atomic_write
from .lm import default_lm, phrase_fit
from .tokenizing import Sentence, Token, match_case, sentence_tokens, split_sentences

DEFAULT_DICTIONARY = "dictionary.tsv"
DEFAULT_RESTORER = "restorer.joblib"
MAX_OPTIONS = 8  # originals considered per spun phrase, most frequent first
TARGET_PRECISION = 0.9


@dataclass(frozen=True)
class Change:
    """A reference-free restoration: ``spun`` at ``start:end`` put back to ``original``."""

    spun: str
    original: str
    start: int
    end: int
    confidence: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Restoration:
    """A restored text and the changes that produced it (offsets into the spun text)."""

    restored: str
    substitutions: list[Substitution] | list[Change]
    alignment: Alignment | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return {"restored": self.restored, "substitutions": [s.to_dict() for s in self.substitutions]}


def restore_with_reference(spun_text: str, ref_text: str) -> Restoration:
    """Put every aligned spun phrase back to its original; sentences with no source stay as written."""
    alignment = align(spun_text, ref_text)
    return Restoration(apply_substitutions(spun_text, alignment.substitutions), alignment.substitutions, alignment)


def default_dictionary() -> SubstitutionDictionary:
    """The dictionary shipped in ``models/``, learned from synthetic training pairs."""
    return load_dictionary(str(importlib.resources.files("spinfix.models").joinpath(DEFAULT_DICTIONARY)))


ROW_NAMES = ["gain", "gain_to_best", "is_best_gain", "log_count", "share", "log_total", "count_rank",
             "n_options", "own_unigram", "option_unigram", "own_words", "option_words", "function_word",
             "sentence_probability", "document_likelihood", "word_evidence", "posterior", "posterior_margin",
             "log_kept", "spun_share", "keep_posterior", "posterior_with_keep", "original_in_document",
             "spun_in_document", "document_spun_share"]


@dataclass
class Candidate:
    """One dictionary option for one match in the text, with the evidence about it."""

    start: int
    end: int
    original: str
    row: list[float]


@dataclass
class MatchContext:
    """What is known about one dictionary match beyond its words: how often the dictionary saw
    the phrase left as written (``kept``), the detector's sentence probability, document
    likelihood and word evidence, how often each phrase occurs in the whole document, and the
    document's mean sentence probability (``document_spun_share``: how much of it looks spun)."""

    kept: int
    probability: float
    likelihood: float
    evidence: float
    phrase_counts: Counter
    document_spun_share: float


def _candidates(tokens: list[Token], i: int, j: int, options, ctx: MatchContext) -> list[Candidate]:
    """Feature rows for every original the dictionary offers for ``tokens[i:j]``.

    A spinner swaps some occurrences of a word and leaves the rest, so an original that the
    document also uses elsewhere, for a phrase it uses nowhere else, is likely what was swapped.
    """
    lm = default_lm()
    words = [t.norm for t in tokens]
    left, spun, right = words[:i], words[i:j], words[j:]
    own = phrase_fit(lm, left, spun, right)
    if own is None:
        return []
    fits = [phrase_fit(lm, left, o.split(), right) for o, _ in options]
    gains = [(f - own) if f is not None else -10.0 for f in fits]
    best = max(gains)
    total = sum(e.count for _, e in options)
    own_unigram = sum(lm.unigram(w) for w in spun) / len(spun)
    function = float(all(w in ENGLISH_STOP_WORDS for w in spun))
    posteriors, with_keep = _channel([e.count for _, e in options], gains, ctx.kept)
    out = []
    for rank, ((original, entry), gain) in enumerate(zip(options, gains)):
        words_o = original.split()
        row = [gain, gain - best, float(gain == best), math.log1p(entry.count), entry.count / total,
               math.log1p(total), rank, len(options), own_unigram,
               sum(lm.unigram(w) for w in words_o) / len(words_o), len(spun), len(words_o), function,
               ctx.probability, ctx.likelihood, ctx.evidence, posteriors[rank],
               posteriors[rank] - max((q for k, q in enumerate(posteriors) if k != rank), default=0.0),
               math.log1p(ctx.kept), total / (total + ctx.kept), 1.0 - sum(with_keep), with_keep[rank],
               math.log1p(ctx.phrase_counts[original]), math.log1p(ctx.phrase_counts[" ".join(spun)] - 1),
               ctx.document_spun_share]
        out.append(Candidate(tokens[i].start, tokens[j - 1].end, original, row))
    return out


def _channel(counts: list[int], gains: list[float], kept: int) -> tuple[list[float], list[float]]:
    """Noisy-channel posteriors of the options: P(original | spun, context) ~ count(spun <-
    original) * 10 ** gain in context; then the same with "keep" as one more option, seen
    ``kept`` (add-one) times and fitting as the text fits now (gain 0)."""
    channel = [math.log10(c) + g for c, g in zip(counts, gains)]
    top = max(channel)
    weights = [10 ** (c - top) for c in channel]
    keep_weight = (kept + 1) * 10 ** -top
    return [w / sum(weights) for w in weights], [w / (sum(weights) + keep_weight) for w in weights]


def _word_evidence(detector: Detector, sentence: Sentence) -> dict[int, float]:
    """How suspect the detector finds each word (swap gain plus vocabulary ratio), by start offset."""
    _, evidence = detector.features.evidence(sentence.text)
    return {sentence.start + e.start: e.score for e in evidence}


def phrase_counts(sentences: list[list[Token]]) -> Counter:
    """How often each word phrase (up to the dictionary's longest) occurs in a document."""
    counts: Counter = Counter()
    for tokens in sentences:
        words = [t.norm if t.is_word else None for t in tokens]
        for n in range(1, MAX_PHRASE_WORDS + 1):
            for k in range(len(words) - n + 1):
                if None not in words[k:k + n]:
                    counts[" ".join(words[k:k + n])] += 1
    return counts


def find_candidates(spun_text: str, dictionary: SubstitutionDictionary, detector: Detector | None,
                    max_options: int = MAX_OPTIONS) -> list[list[Candidate]]:
    """For each dictionary match in the text (longest first, left to right), its candidates."""
    table = dictionary.originals()
    sentences = split_sentences(spun_text)
    probabilities, likelihood = [0.5] * len(sentences), 0.5
    if detector is not None and sentences:
        analysis = detector.analyse([[s.text for s in sentences]])[0]
        probabilities, likelihood = list(analysis.probabilities), analysis.likelihood
    tokens_of = [sentence_tokens(s) for s in sentences]
    counts = phrase_counts(tokens_of)
    document_spun_share = float(np.mean(probabilities)) if probabilities else 0.0
    found = []
    for sentence, tokens, probability in zip(sentences, tokens_of, probabilities):
        matches = match_phrases(tokens, table)
        suspicion = _word_evidence(detector, sentence) if detector is not None and matches else {}
        for i, j, key in matches:
            evidence = max((suspicion.get(t.start, 0.0) for t in tokens[i:j]), default=0.0)
            ctx = MatchContext(dictionary.kept_count(key), probability, likelihood, evidence, counts,
                               document_spun_share)
            cands = _candidates(tokens, i, j, table[key][:max_options], ctx)
            if cands:
                found.append(cands)
    return found


class Restorer(BaseEstimator, ClassifierMixin):
    """Decides, per candidate, whether it is the original the spinner replaced.

    Calibrated gradient boosting over the candidate rows (:data:`ROW_NAMES`): the language
    model's preference in context, the dictionary's counts, how common the words are, and the
    detector's view of the sentence and the document. ``threshold`` is the probability from
    which a change is made; training sets it for :data:`TARGET_PRECISION` on held-out documents.
    Nothing is changed in a document whose spin likelihood is under ``min_likelihood``, nor in a
    sentence whose probability is under ``min_sentence``: a text the detector finds clean keeps
    its words (the document likelihood alone says little about a text of one or two sentences).
    ``info_`` (set by
    :func:`spinfix.training.train_restorer`) records the version and how it was trained.
    """

    def __init__(self, threshold: float = 0.5, min_likelihood: float = 0.5, min_sentence: float = 0.5):
        self.threshold = threshold
        self.min_likelihood = min_likelihood
        self.min_sentence = min_sentence

    def fit(self, X, y):
        booster = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.06, random_state=0)
        self.model_ = CalibratedClassifierCV(booster, method="isotonic", cv=3).fit(np.asarray(X), np.asarray(y))
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.model_.predict_proba(np.asarray(X))

    def decide(self, groups: list[list[Candidate]]) -> list[tuple[Candidate, float]]:
        """The best candidate of each match whose probability reaches the threshold."""
        if not groups:
            return []
        probs = self.predict_proba([c.row for g in groups for c in g])[:, 1]
        chosen, k = [], 0
        for group in groups:
            p = probs[k:k + len(group)]
            k += len(group)
            best = int(np.argmax(p))
            if p[best] >= self.threshold and self._likely_spun(group[best].row):
                chosen.append((group[best], float(p[best])))
        return chosen


    def _likely_spun(self, row: list[float]) -> bool:
        """Whether the detector finds both the document and the sentence likely spun."""
        return (row[ROW_NAMES.index("document_likelihood")] >= self.min_likelihood
                and row[ROW_NAMES.index("sentence_probability")] >= self.min_sentence)


class TrustingRestorer:
    """Replaces every dictionary match by its most frequent original. Right for a curated list
    of tortured phrases, where every match is a known bad phrase; for a learned dictionary it is
    the naive baseline that :class:`Restorer` is measured against."""

    def decide(self, groups: list[list[Candidate]]) -> list[tuple[Candidate, float]]:
        return [(g[0], 1.0) for g in groups]


def default_restorer() -> Restorer:
    """The restorer shipped in ``models/``, trained with the shipped dictionary."""
    path = importlib.resources.files("spinfix.models").joinpath(DEFAULT_RESTORER)
    return load_restorer(str(path))


def save_restorer(restorer: Restorer, path: str | os.PathLike[str]) -> None:
    """Write a restorer atomically."""
    buffer = io.BytesIO()
    joblib.dump(restorer, buffer, compress=3)
    atomic_write(path, buffer.getvalue())


def load_restorer(path: str) -> Restorer:
    """Load a restorer; a missing or corrupt file raises :class:`SpinfixError`."""
    try:
        restorer = joblib.load(path)
    except FileNotFoundError:
        raise SpinfixError(f"{path}: no restorer model; run `spinfix dict learn` to build it") from None
    except Exception as exc:
        raise SpinfixError(f"{path}: corrupt restorer model ({type(exc).__name__}); rebuild it with "
                           "`spinfix dict learn`") from None
    if not isinstance(restorer, Restorer):
        raise SpinfixError(f"{path}: not a spinfix restorer model")
    return restorer


def restore_with_dictionary(spun_text: str, dictionary: SubstitutionDictionary | None = None,
                            detector: Detector | None = None,
                            restorer: Restorer | TrustingRestorer | None = None) -> Restoration:
    """Restore ``spun_text`` without its source, from what a dictionary learned.

    ``dictionary`` and ``restorer`` default to the shipped ones. The detector (optional, but
    the restorer was trained with one) tells how spun each sentence and the document look.
    """
    dictionary = dictionary if dictionary is not None else default_dictionary()
    restorer = restorer if restorer is not None else default_restorer()
    changes = []
    for cand, p in restorer.decide(find_candidates(spun_text, dictionary, detector)):
        spun = spun_text[cand.start:cand.end]
        changes.append(Change(spun, match_case(spun, cand.original), cand.start, cand.end, round(p, 3)))
    restored = apply_substitutions(spun_text, [Substitution(c.spun, c.original, c.start, c.end, 0, 0) for c in changes])
    return Restoration(restored, changes)
