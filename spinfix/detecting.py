"""Spin detection: per-sentence probabilities, suspect words, and a document's spin likelihood.

The sentence model is a scikit-learn :class:`~sklearn.pipeline.Pipeline` (features, then
gradient boosting calibrated with :class:`~sklearn.calibration.CalibratedClassifierCV`), so it
can be cross-validated and grid-searched like any estimator. The document model turns the
distribution of sentence probabilities into a calibrated spin likelihood; it sees shares and
means, never counts, so a long clean document does not look spun for being long.
"""
from __future__ import annotations

import importlib.resources
import json
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from ._version import __version__
from .features import SpinFeatures, WordEvidence
from .model_files import FORMAT, load_model, save_model
from .tokenizing import Sentence, split_sentences

MODEL_FORMAT = FORMAT
DEFAULT_MODEL = "detector.joblib"
SUSPECT_SCORE = 1.5  # a word's swap gain plus vocabulary ratio from which it is named a suspect
MAX_SUSPECTS = 4


def make_sentence_model(**feature_params) -> Pipeline:
    """The sentence classifier: features -> calibrated gradient boosting."""
    booster = HistGradientBoostingClassifier(max_iter=250, learning_rate=0.08, max_leaf_nodes=31,
                                             l2_regularization=1.0, random_state=0)
    return Pipeline([
        ("features", SpinFeatures(**feature_params)),
        ("classifier", CalibratedClassifierCV(booster, method="isotonic", cv=3)),
    ])


def document_features(probabilities: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Length-free summaries of a document's sentence probabilities.

    Sentences are weighted by their length (up to 30 words), so a one-word headline or a
    dateline counts little. Only means and shares: a document's length never adds evidence.
    """
    p = np.asarray(probabilities, dtype=float)
    if p.size == 0:
        return np.zeros(6)
    w = np.minimum(np.asarray(lengths, dtype=float), 30.0) + 1e-9
    w = w / w.sum()
    top = np.sort(p)[::-1][:max(1, int(np.ceil(p.size / 4)))]
    return np.array([
        float(w @ p), float(np.median(p)), float(top.mean()),
        float(w @ (p >= 0.5)), float(w @ (p >= 0.8)), float(w @ np.log((p + 1e-3) / (1 - p + 1e-3))),
    ])


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def context_rows(probabilities: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each sentence's own log-odds beside its document's summary (:func:`document_features`)."""
    doc = document_features(probabilities, lengths)
    own = _logit(probabilities)[:, None]
    return np.hstack([own, np.repeat(doc[None, :], len(own), axis=0)])


class DocumentModel(BaseEstimator, ClassifierMixin):
    """Calibrated logistic regression over :func:`document_features` rows: the spin likelihood."""

    def __init__(self, C: float = 1.0):
        self.C = C

    def fit(self, X, y):
        self.model_ = CalibratedClassifierCV(LogisticRegression(C=self.C, max_iter=1000), method="sigmoid", cv=5)
        self.model_.fit(np.asarray(X), np.asarray(y))
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.model_.predict_proba(np.asarray(X))


class ContextModel(BaseEstimator, ClassifierMixin):
    """A sentence's final probability from its own and its document's evidence.

    Many weak suspects in one text are strong evidence together: a borderline sentence in a
    document that is spun throughout is likely spun, and the same sentence in a clean document
    likely not. Shallow boosting over :func:`context_rows`, calibrated.
    """

    def __init__(self, max_iter: int = 150, max_depth: int = 3):
        self.max_iter = max_iter
        self.max_depth = max_depth

    def fit(self, X, y):
        booster = HistGradientBoostingClassifier(max_iter=self.max_iter, max_depth=self.max_depth,
                                                 learning_rate=0.05, random_state=0)
        self.model_ = CalibratedClassifierCV(booster, method="isotonic", cv=3).fit(np.asarray(X), np.asarray(y))
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        return self.model_.predict_proba(np.asarray(X))


@dataclass
class SuspectWord:
    """A word that looks swapped in, with the likelier original when the model has one."""

    word: str
    start: int
    end: int
    original: str | None
    score: float


@dataclass
class SentenceScore:
    """One sentence: its span in the input, its spin probability and its suspect words."""

    text: str
    start: int
    end: int
    probability: float
    flagged: bool
    suspects: list[SuspectWord] = field(default_factory=list)


@dataclass
class DocumentScore:
    """A document's spin likelihood, its sentences, and the signature of the model that scored it."""

    file: str
    spin_likelihood: float
    sentences: list[SentenceScore]
    signature: str

    @property
    def flagged(self) -> list[SentenceScore]:
        return [s for s in self.sentences if s.flagged]

    @property
    def suspects_per_100_words(self) -> float:
        """Suspect words named in flagged sentences per 100 words of the document: how densely
        spun it looks (a few clear swaps among 500 words is light spin, not none)."""
        words = sum(len(s.text.split()) for s in self.sentences)
        return round(100 * sum(len(s.suspects) for s in self.sentences) / max(words, 1), 2)

    def to_dict(self) -> dict:
        return {**asdict(self), "suspects_per_100_words": self.suspects_per_100_words}

    @classmethod
    def from_dict(cls, data: dict) -> DocumentScore:
        """The inverse of :meth:`to_dict` (what parallel workers send back)."""
        sentences = [SentenceScore(**{**s, "suspects": [SuspectWord(**w) for w in s["suspects"]]})
                     for s in data["sentences"]]
        return cls(data["file"], data["spin_likelihood"], sentences, data["signature"])

    def format(self, is_json: bool = False) -> str:
        """The same result for programs (one JSON line) or for people (plain text)."""
        if is_json:
            return json.dumps(self.to_dict(), ensure_ascii=False)
        lines = [f"{self.file}: spin likelihood {self.spin_likelihood:.3f} "
                 f"({len(self.flagged)} of {len(self.sentences)} sentences flagged)  [{self.signature}]"]
        for s in self.flagged:
            marked, pos = [], 0
            for w in sorted(s.suspects, key=lambda w: w.start):
                a, b = w.start - s.start, w.end - s.start
                marked.append(s.text[pos:a] + "[" + s.text[a:b] + (f"->{w.original}" if w.original else "") + "]")
                pos = b
            marked.append(s.text[pos:])
            lines.append(f"  {s.probability:.2f}  {''.join(marked)}")
        return "\n".join(lines)


@dataclass
class Analysis:
    """One document's sentence probabilities (in context) and its spin likelihood."""

    probabilities: np.ndarray
    likelihood: float


@dataclass
class Detector:
    """The trained detector and its provenance.

    ``sentence_model`` (a Pipeline over sentence strings) gives each sentence's own probability;
    ``context_model`` revises it with the document's evidence; ``document_model`` gives the
    document's spin likelihood. Sentences at or above ``threshold`` are flagged.
    """

    sentence_model: Pipeline
    context_model: ContextModel
    document_model: DocumentModel
    threshold: float = 0.5
    info: dict = field(default_factory=dict)

    def signature(self, threshold: float | None = None) -> str:
        """sacrebleu-style, built from the run: the version, the model's name and content hash,
        the language model, the thesaurus and the threshold actually used, so that two runs
        with any different setting never print the same signature."""
        threshold = self.threshold if threshold is None else threshold
        return (f"spinfix:{__version__}|model:{self.info.get('name', 'custom')}+{self.info.get('sha256', 'unsaved')[:12]}"
                f"|format:{MODEL_FORMAT}|lm:cmu-en-us-3g|thesaurus:wn30+moby2|threshold:{threshold:g}")

    @property
    def features(self) -> SpinFeatures:
        return self.sentence_model.named_steps["features"]

    def analyse(self, documents: list[list[str]]) -> list[Analysis]:
        """Score the sentences of several documents at once (one model call for all)."""
        flat = [s for doc in documents for s in doc]
        own = self.sentence_model.predict_proba(flat)[:, 1] if flat else np.zeros(0)
        results, k = [], 0
        for doc in documents:
            p = own[k:k + len(doc)]
            k += len(doc)
            if not doc:
                results.append(Analysis(p, 0.0))
                continue
            lengths = np.array([len(s.split()) for s in doc])
            revised = self.context_model.predict_proba(context_rows(p, lengths))[:, 1]
            likelihood = float(self.document_model.predict_proba(document_features(p, lengths)[None, :])[0, 1])
            results.append(Analysis(revised, likelihood))
        return results

    def suspects(self, sentence: Sentence) -> list[SuspectWord]:
        """The words of a sentence that look swapped in, most suspect first."""
        _, evidence = self.features.evidence(sentence.text)
        ranked = sorted((e for e in evidence if e.score >= SUSPECT_SCORE), key=lambda e: -e.score)
        return [_suspect(sentence, e) for e in ranked[:MAX_SUSPECTS]]

    def score_text(self, text: str, name: str = "-", threshold: float | None = None) -> DocumentScore:
        """Score one document."""
        return self.score_texts([text], [name], threshold)[0]

    def score_texts(self, texts: list[str], names: list[str] | None = None,
                    threshold: float | None = None) -> list[DocumentScore]:
        """Score several documents in one pass of the models (much faster than one at a time)."""
        threshold = self.threshold if threshold is None else threshold
        names = names or ["-"] * len(texts)
        split = [split_sentences(text) for text in texts]
        results = []
        for name, sentences, analysis in zip(names, split, self.analyse([[s.text for s in ss] for ss in split])):
            scored = []
            for s, p in zip(sentences, analysis.probabilities):
                flagged = bool(p >= threshold)
                scored.append(SentenceScore(s.text, s.start, s.end, round(float(p), 4), flagged,
                                            self.suspects(s) if flagged else []))
            results.append(DocumentScore(name, round(analysis.likelihood, 4), scored, self.signature(threshold)))
        return results

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the detector atomically in the model-file envelope (:mod:`spinfix.model_files`)."""
        info = {k: v for k, v in self.info.items() if k != "sha256"}
        save_model(Detector(self.sentence_model, self.context_model, self.document_model, self.threshold, info),
                   "detector", path, {k: info.get(k) for k in ("name", "trained_on", "command", "created")})


def _suspect(sentence: Sentence, e: WordEvidence) -> SuspectWord:
    original = e.neighbour if e.gain >= 1.0 else None
    start, end = sentence.start + e.start, sentence.start + e.end
    return SuspectWord(sentence.text[e.start:e.end], start, end, original, round(e.score, 2))


def default_model_path() -> str:
    """Where the shipped detector lives (inside the installed package)."""
    return str(importlib.resources.files("spinfix.models").joinpath(DEFAULT_MODEL))


@lru_cache(maxsize=4)
def load_detector(path: str | None = None) -> Detector:
    """Load a detector; a missing, damaged or incompatible file raises :class:`SpinfixError`
    saying which check failed."""
    path = path or default_model_path()
    hint = "run `spinfix train` to build it" if path == default_model_path() else "check the path or retrain"
    loaded = load_model(path, "detector", Detector, hint)
    detector = loaded.model
    detector.info = {**detector.info, "sha256": loaded.sha256}
    return detector
