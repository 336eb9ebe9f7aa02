"""Spin detection: per-sentence probabilities, suspect words, and a document's spin likelihood.

The sentence model is a scikit-learn :class:`~sklearn.pipeline.Pipeline` (features, then
gradient boosting calibrated with :class:`~sklearn.calibration.CalibratedClassifierCV`), so it
can be cross-validated and grid-searched like any estimator. The document model turns the
profile of a document's word evidence and sentence probabilities into a calibrated spin
likelihood; it sees rates and shares, never counts, so a long clean document does not look spun
for being long, and a handful of clear swaps among 500 words reads as light spin.
"""
from __future__ import annotations

import importlib.resources
import json
import math
import os
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from ._version import __version__
from .compiled import Predict, compile_classifier
from .errors import SpinfixError
from .features import FeatureTables, FeatureTransform, WordEvidence
from .model_files import FORMAT, read_model, save_model
from .word_lists import function_words_only
from .tokenizing import Sentence, split_sentences

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from .detector_models import ContextModel, DocumentModel
    from .phrase_lists import PhraseList

MODEL_FORMAT = FORMAT
DEFAULT_MODEL = "detector.joblib"
MAX_SUSPECTS = 4


GAIN_EDGES = (0.5, 1.0, 2.0, 3.0, 4.0, math.inf)  # bins of a content word's swap gain (log10)
VOCAB_EDGES = (0.5, 1.0, 2.0, 3.0, math.inf)  # bins of its spinner-vocabulary ratio
JOINT_STEPS = (2.0, 3.0, 4.0, 5.0, 6.0)  # gain plus vocabulary at least this
FUNCTION_STEPS = (1.0, 2.0, 3.0)  # a function word's gain at least this ("with" -> "in")
BANDS = (
    [f"content_gain_{lo:g}_{hi:g}" for lo, hi in zip(GAIN_EDGES, GAIN_EDGES[1:])]
    + [f"content_vocab_{lo:g}_{hi:g}" for lo, hi in zip(VOCAB_EDGES, VOCAB_EDGES[1:])]
    + [f"content_joint_{t:g}" for t in JOINT_STEPS] + [f"function_gain_{t:g}" for t in FUNCTION_STEPS]
)  # word-evidence bands, counted per document and read as rates per 100 words
DOCUMENT_FEATURES = list(BANDS) + [
    "explained_0.5", "explained_0.8", "probability_mean", "probability_q50", "probability_q75", "probability_q90"]


def suspect_counts(evidence: list[list[WordEvidence]]) -> np.ndarray:
    """Per sentence, how many words are suspects with a reason a user can check."""
    return np.array([sum(e.reason is not None for e in found) for found in evidence], dtype=float)


@dataclass
class EvidenceSummary:
    """A document's word evidence reduced to what the document-level models read: per sentence,
    how many suspects have a reason (:func:`suspect_counts`), and over the document, how many
    words fall in each evidence band of :data:`DOCUMENT_FEATURES`. Both add up block by block,
    so a text too large to hold as objects is summarized in one pass (:mod:`spinfix.streaming`)."""

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
    return np.array(
        (per_100 * bands).tolist()
        + [float(w @ ((p >= 0.5) & explained)), float(w @ ((p >= 0.8) & explained)), float(w @ p),
           *np.quantile(p, [0.5, 0.75, 0.9]).tolist()])


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def shift_prior(p: np.ndarray, offset: float) -> np.ndarray:
    """Calibrated probabilities ``p`` under a prior shifted by ``offset`` log-odds (see
    :class:`spinfix.detector_models.DocumentModel`)."""
    return 1.0 / (1.0 + np.exp(offset - _logit(p)))


def model_rows(probabilities: np.ndarray, lengths: np.ndarray,
               evidence: list[list[WordEvidence]] | EvidenceSummary | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A document's rows for the context model (each sentence's own log-odds and suspect
    count beside its document's summary) and its row for the document model
    (:func:`document_features`), the summary computed once for both."""
    summary = _summary(evidence)
    doc = document_features(probabilities, lengths, summary)
    own = _logit(probabilities)[:, None]
    count = (np.zeros(len(own)) if summary is None else summary.suspects)[:, None]
    return np.hstack([own, count, np.repeat(doc[None, :], len(own), axis=0)]), doc


@dataclass
class SuspectWord:
    """A word that looks swapped in, with the likelier original when the model has one."""

    word: str
    start: int
    end: int
    original: str | None
    score: float
    reason: str = "likelier original"


@dataclass
class SentenceScore:
    """One sentence: its span in the input, its spin probability and its suspect words."""

    text: str
    start: int
    end: int
    probability: float
    flagged: bool
    suspects: list[SuspectWord] = field(default_factory=list)

    def marked(self) -> str:
        """The plain-text line of a flagged sentence: its probability, and its text with each
        suspect in brackets beside its likelier original ("[stated->said]")."""
        marked, pos = [], 0
        for w in sorted(self.suspects, key=lambda w: w.start):
            a, b = w.start - self.start, w.end - self.start
            marked.append(self.text[pos:a] + "[" + self.text[a:b] + (f"->{w.original}" if w.original else "") + "]")
            pos = b
        marked.append(self.text[pos:])
        return f"  {self.probability:.2f}  {''.join(marked)}"


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
    def flagged_count(self) -> int:
        return len(self.flagged)

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
        flagged = self.flagged
        return "\n".join([self.header(self.file, self.spin_likelihood, len(flagged), len(self.sentences),
                                       self.signature)] + [s.marked() for s in flagged])

    def write(self, out: TextIO, is_json: bool = False) -> None:
        """Write :meth:`format` and a line end (as :meth:`spinfix.streaming.StreamedScore.write` does)."""
        out.write(self.format(is_json) + "\n")

    @staticmethod
    def header(file: str, likelihood: float, flagged: int, sentences: int, signature: str) -> str:
        """The first line of the plain-text result."""
        return (f"{file}: spin likelihood {likelihood:.3f} ({flagged} of {sentences} sentences flagged)"
                f"  [{signature}]")


@dataclass
class Analysis:
    """One document's sentence probabilities (in context), each sentence's word evidence (None
    from a model that names no words, such as the character n-gram baseline), and the
    document's spin likelihood."""

    probabilities: np.ndarray
    evidence: list[list[WordEvidence]] | None
    likelihood: float

    def flags(self, threshold: float) -> np.ndarray:
        """Which sentences are flagged: probable enough, and with at least one suspect that
        explains the flag (a probability alone accuses no one; a model without word evidence
        flags on probability alone)."""
        explained = True if self.evidence is None else suspect_counts(self.evidence) > 0
        return (self.probabilities >= threshold) & explained


@dataclass
class CompiledDetector:
    """What scoring reads from a fitted detector, as numpy arrays and plain Python: the feature
    tables, the sentence, context and document models compiled (:mod:`spinfix.compiled`), and
    the document model's prior shift. A model file keeps it beside the scikit-learn models, so
    that scoring never has to import scikit-learn (half of a one-file ``spinfix score``)."""

    features: FeatureTables
    models: tuple[Predict, Predict, Predict]
    offset: float

    @classmethod
    def of(cls, detector: Detector) -> CompiledDetector | None:
        """The compiled form of a fitted detector, or None when a part cannot be compiled."""
        features = detector.sentence_model.steps[0][1]
        models = (detector.sentence_model[1:], detector.context_model.model_, detector.document_model.model_)
        compiled = tuple(compile_classifier(m) for m in models)
        if not hasattr(features, "tables") or any(c is None for c in compiled):
            return None
        return cls(features.tables(), compiled, float(detector.document_model.offset_))


MODEL_FIELDS = ("sentence_model", "context_model", "document_model")


@dataclass
class Detector:
    """The trained detector and its provenance.

    ``sentence_model`` (a Pipeline over sentence strings) gives each sentence's own probability;
    ``context_model`` revises it with the document's evidence; ``document_model`` gives the
    document's spin likelihood. Sentences at or above ``threshold`` are flagged. A compiled
    detector (:meth:`compile`, :func:`load_detector`) scores through :class:`CompiledDetector`;
    one loaded from a file unpickles its scikit-learn models only when they are asked for.
    """

    sentence_model: Pipeline
    context_model: ContextModel
    document_model: DocumentModel
    threshold: float = 0.5
    info: dict = field(default_factory=dict)

    def signature(self, threshold: float | None = None) -> str:
        """sacrebleu-style, built from the run: the version, the model's name and content hash,
        the language model, the thesaurus, the shipped dictionary whose known pairs name suspects
        (its content hash), the threshold actually used and any phrase list counted as evidence,
        so that two runs with any different setting never print the same signature."""
        from .dictionary import default_dictionary_hash

        threshold = self.threshold if threshold is None else threshold
        phrases = self.__dict__.get("_phrases")
        return (f"spinfix:{__version__}|model:{self.info.get('name', 'custom')}+{self.info.get('sha256', 'unsaved')[:12]}"
                f"|format:{MODEL_FORMAT}|lm:cmu-en-us-3g|thesaurus:wn30+moby2|pairs:{default_dictionary_hash()[:12]}"
                f"|threshold:{threshold:g}" + (f"|{phrases.signature()}" if phrases is not None else ""))

    def with_phrases(self, phrases: PhraseList | None) -> Detector:
        """This detector, also counting the listed phrases of ``phrases`` as evidence
        (:mod:`spinfix.phrase_lists`); the same detector when there are none (None, or a list
        that counts no pair). The models are shared, not copied, and this detector is left as
        it was."""
        if phrases is None or not len(phrases):
            return self
        out = Detector.__new__(Detector)
        out.__dict__.update(self.__dict__, _phrases=phrases)
        return out

    def compile(self) -> None:
        """Compile the fitted models for scoring (:class:`CompiledDetector`): the same
        probabilities without scikit-learn's fixed cost per call, which dominates when scoring
        one document (in large batches the compiled models cost about 15 us more per row,
        under 3 % of scoring). For a detector whose fitting is over (:func:`load_detector` and
        :meth:`save` compile it): the compiled arrays do not follow a refit. A detector with a
        part :mod:`spinfix.compiled` does not know (a baseline) stays with scikit-learn."""
        self._compiled = CompiledDetector.of(self)

    def __getattr__(self, name: str) -> Any:
        """The scikit-learn models of a detector loaded in its compiled form, unpickled on first
        use (:meth:`load_models`). Called only for attributes the instance lacks."""
        if name in MODEL_FIELDS and "_load_models" in self.__dict__:
            self.load_models()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def load_models(self) -> None:
        """Unpickle the scikit-learn models now, if they are not loaded (scoring never needs
        them; refitting, inspecting or comparing them does)."""
        load = self.__dict__.pop("_load_models", None)
        if load is not None:
            full = load()
            self.__dict__.update({name: getattr(full, name) for name in MODEL_FIELDS})

    @property
    def _models(self) -> tuple[Predict, Predict, Predict]:
        """The sentence, context and document models as ``rows -> P(spun)`` (before the
        document model's prior shift): compiled if :meth:`compile` was called."""
        compiled = self.__dict__.get("_compiled")
        return compiled.models if compiled is not None else self._plain_models()

    def _plain_models(self) -> tuple[Predict, Predict, Predict]:
        return (lambda X: self.sentence_model[1:].predict_proba(X)[:, 1],
                lambda X: self.context_model.predict_proba(X)[:, 1],
                lambda X: self.document_model.model_.predict_proba(X)[:, 1])

    def __getstate__(self) -> dict:
        """The dataclass fields: the fitted models (loaded if they were not) and provenance;
        the compiled form is rebuilt on loading."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def features(self) -> FeatureTransform:
        """The sentence model's first step: the features, their tables and transform (for a
        baseline, whatever turns its sentences into rows)."""
        compiled = self.__dict__.get("_compiled")
        return compiled.features if compiled is not None else self.sentence_model.steps[0][1]

    @property
    def _offset(self) -> float:
        """The document model's prior shift."""
        compiled = self.__dict__.get("_compiled")
        return compiled.offset if compiled is not None else self.document_model.offset_

    def sentence_evidence(self, sentences: list[str]) -> tuple[np.ndarray, list[list[WordEvidence]] | None]:
        """Each sentence's own probability (no context) and its word evidence, in one pass."""
        first = self.features
        if not hasattr(first, "transform_with_evidence"):
            return (self.sentence_model.predict_proba(sentences)[:, 1] if sentences else np.zeros(0)), None
        if not sentences:
            return np.zeros(0), []
        rows, evidence = first.transform_with_evidence(sentences)
        phrases = self.__dict__.get("_phrases")
        if phrases is not None:
            return phrases.apply(sentences, self._models[0](rows), evidence)
        return self._models[0](rows), evidence

    def analyse(self, documents: list[list[str]]) -> list[Analysis]:
        """Score the sentences of several documents at once (one call of each model for all)."""
        own, evidence = self.sentence_evidence([s for doc in documents for s in doc])
        parts, k = [], 0
        for doc in documents:
            found = None if evidence is None else evidence[k:k + len(doc)]
            parts.append((own[k:k + len(doc)], np.array([len(s.split()) for s in doc]), found))
            k += len(doc)
        revised = iter(self.revise_many([(p, lengths, _summary(found)) for p, lengths, found in parts if p.size]))
        results = []
        for p, _, found in parts:
            revised_p, likelihood = next(revised) if p.size else (p, 0.0)
            results.append(Analysis(revised_p, found, likelihood))
        return results

    def revise(self, probabilities: np.ndarray, lengths: np.ndarray,
               summary: EvidenceSummary | None) -> tuple[np.ndarray, float]:
        """A document's sentence probabilities revised in its context, and its spin likelihood."""
        return self.revise_many([(probabilities, lengths, summary)])[0]

    def revise_many(self, documents: list[tuple[np.ndarray, np.ndarray, EvidenceSummary | None]]
                    ) -> list[tuple[np.ndarray, float]]:
        """:meth:`revise` for several documents (each a non-empty ``(probabilities, lengths,
        summary)``) in one call of each model: the models score row by row, so the result is
        the same, without the models' fixed cost per call for every document."""
        if not documents:
            return []
        _, context, document = self._models
        rows = [model_rows(*d) for d in documents]
        revised = context(np.vstack([ctx for ctx, _ in rows]))
        likelihoods = shift_prior(document(np.vstack([doc for _, doc in rows])), self._offset)
        ends = np.cumsum([len(d[0]) for d in documents])
        return [(r, float(q)) for r, q in zip(np.split(revised, ends[:-1]), likelihoods)]

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
            evidence = analysis.evidence or [[] for _ in sentences]
            for s, p, found, flagged in zip(sentences, analysis.probabilities, evidence, analysis.flags(threshold)):
                scored.append(SentenceScore(s.text, s.start, s.end, round(float(p), 4), bool(flagged),
                                            name_suspects(s, found) if flagged else []))
            results.append(DocumentScore(name, round(analysis.likelihood, 4), scored, self.signature(threshold)))
        return results

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the detector atomically in the model-file envelope (:mod:`spinfix.model_files`)."""
        info = {k: v for k, v in self.info.items() if k != "sha256"}
        compiled = CompiledDetector.of(self)
        save_model(Detector(self.sentence_model, self.context_model, self.document_model, self.threshold, info),
                   "detector", path, {k: info.get(k) for k in ("name", "trained_on", "command", "created", "sentence_splitter")},
                   None if compiled is None else (compiled, self.threshold, info))


def name_suspects(sentence: Sentence, evidence: list[WordEvidence]) -> list[SuspectWord]:
    """The words of a flagged sentence named as suspects, most suspect first, each with its
    reason: its word evidence, with the shipped dictionary's known pairs that the language model
    prefers there (:func:`spinfix.phrase_lists.known_pairs`) in place of the evidence they
    overlap, since a pair spinners were seen to make proposes a likelier original than a
    thesaurus neighbour does (and is what a reference-free restore draws on)."""
    from .phrase_lists import ListedEvidence, known_pairs, overlaid, overlaps

    listed = [e for e in evidence if isinstance(e, ListedEvidence)]
    known = [k for k in known_pairs().evidence(sentence.text) if not overlaps(k, listed)]
    ranked = sorted((e for e in overlaid(evidence, known) if e.reason), key=lambda e: -e.score)[:MAX_SUSPECTS]
    return [SuspectWord(sentence.text[e.start:e.end], sentence.start + e.start, sentence.start + e.end,
                        e.neighbour if e.gain >= 1.0 else None, round(e.score, 2), e.reason) for e in ranked]


def default_model_path() -> str:
    """Where the shipped detector lives (inside the installed package)."""
    return str(importlib.resources.files("spinfix.models").joinpath(DEFAULT_MODEL))


@lru_cache(maxsize=4)
def load_detector(path: str | None = None) -> Detector:
    """Load a detector; a missing, damaged or incompatible file raises :class:`SpinfixError`
    saying which check failed. A file with a compiled part (every detector spinfix saves) is
    read from it alone, without importing scikit-learn; its scikit-learn models are unpickled
    when first needed (:meth:`Detector.load_models`)."""
    path = path or default_model_path()
    hint = "run `spinfix train` to build it" if path == default_model_path() else "check the path or retrain"
    file = read_model(path, "detector", hint)
    if len(file.parts) > 1:
        scoring = file.unpickle(1, tuple)
        if len(scoring) != 3 or not isinstance(scoring[0], CompiledDetector):
            raise SpinfixError(f"{path}: its compiled part is not a compiled detector; {hint}")
        compiled, threshold, info = scoring
        detector = Detector.__new__(Detector)
        detector.__dict__.update(threshold=threshold, info=info, _compiled=compiled,
                                 _load_models=partial(file.unpickle, 0, Detector))
    else:
        detector = file.unpickle(0, Detector)
        detector.compile()
    detector.info = {**detector.info, "sha256": file.sha256}
    return detector


def __getattr__(name: str):
    """The scikit-learn estimators live in :mod:`spinfix.detector_models`; model files written
    before they moved still name them here."""
    if name in ("ContextModel", "DocumentModel", "make_sentence_model"):
        from . import detector_models

        return getattr(detector_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
