"""The detector: each sentence's spin probability in its document's context, the suspect words
that explain a flag, and the document's spin likelihood, from a model file of arrays and JSON."""
from __future__ import annotations

import importlib.resources
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from .._version import __version__
from ..collector import pausing
from ..dictionary.storage import default_dictionary_hash
from ..errors import SpinfixError
from ..persist.model_files import FORMAT, frozen, model_name, read_model, save_model
from ..text.language import prose_check
from ..text.tokens import Sentence, split_sentences
from .document_features import EvidenceSummary, context_rows, model_parts, shift_prior
from .features import FeatureTables, FeatureTransform, WordEvidence
from .forests import Predict, from_data, is_storable, to_data
from .phrase_evidence import ListedEvidence, PhraseList, known_pairs, overlaid, overlaps
from .results import Analysis, DocumentScore, SentenceScore, SuspectWord

MODEL_FORMAT = FORMAT
DEFAULT_MODEL = "detector"  # detector.npz + detector.json in spinfix/models
MAX_SUSPECTS = 4
RECORD_INFO = ("name", "trained_on", "command", "created", "sentence_splitter")  # what a file's record names first


class DetectorModels(NamedTuple):
    """A detector's three models as ``rows -> P(spun)``: the sentence model (on feature rows),
    the context model that revises a sentence with its document's evidence, and the document
    model (before its prior shift)."""

    sentence: Predict
    context: Predict
    document: Predict


@dataclass(frozen=True, eq=False)
class Detector:
    """A trained detector: ``features`` turn sentences into rows (and name each word's
    evidence), ``models`` give probabilities, ``offset`` shifts the document model's prior,
    sentences from ``threshold`` are flagged, ``info`` records how it was trained, and
    ``phrases`` (optional) are listed phrases counted as evidence. Immutable: a variant is made
    with :meth:`with_phrases` or :func:`dataclasses.replace`.

    Examples
    --------
    >>> detector = load_detector()
    >>> score = detector.score_text("The soiled bomb was stated to be massive by the shut U.S. ally.")
    >>> score.spin_likelihood > 0.5, [w.original for s in score.flagged for w in s.suspects][:1]
    (True, ['dirty'])
    """

    features: FeatureTransform
    models: DetectorModels
    offset: float
    threshold: float = 0.5
    info: Mapping[str, Any] = field(default_factory=dict)
    phrases: PhraseList | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "info", frozen(self.info))

    def __repr__(self) -> str:
        return (f"Detector(name={self.info.get('name', 'custom')!r}, sha256={self.info.get('sha256', 'unsaved')[:12]!r}, "
                f"threshold={self.threshold:g}" + (f", phrases={len(self.phrases)}" if self.phrases is not None else "")
                + ")")

    def signature(self, threshold: float | None = None) -> str:
        """sacrebleu-style, built from the run: the version, the model's name and content hash,
        the language model, the thesaurus, the shipped dictionary whose known pairs name suspects
        (its content hash), the threshold actually used and any phrase list counted as evidence,
        so that two runs with any different setting never print the same signature."""
        threshold = self.threshold if threshold is None else threshold
        return (f"spinfix:{__version__}|model:{model_name(self.info)}"
                f"|format:{MODEL_FORMAT}|lm:cmu-en-us-3g|thesaurus:wn30+moby2|pairs:{default_dictionary_hash()[:12]}"
                f"|threshold:{threshold:g}" + (f"|{self.phrases.signature()}" if self.phrases is not None else ""))

    def with_phrases(self, phrases: PhraseList | None) -> Detector:
        """This detector, also counting the listed phrases of ``phrases`` as evidence
        (:mod:`spinfix.detection.phrase_evidence`); itself when there are none (None, or a list
        that counts no pair)."""
        if phrases is None or not len(phrases):
            return self
        return replace(self, phrases=phrases)

    def sentence_evidence(self, sentences: list[str]) -> tuple[np.ndarray, list[list[WordEvidence]] | None]:
        """Each sentence's own probability (no context) and its word evidence (None from features
        that name no words, such as a character n-gram baseline's), in one pass."""
        features = self.features
        if not hasattr(features, "transform_with_evidence"):
            return (self.models.sentence(features.transform(sentences)) if sentences else np.zeros(0)), None
        if not sentences:
            return np.zeros(0), []
        rows, evidence = features.transform_with_evidence(sentences)
        if self.phrases is not None:
            return self.phrases.apply(sentences, self.models.sentence(rows), evidence)
        return self.models.sentence(rows), evidence

    def analyse(self, documents: list[list[str]]) -> list[Analysis]:
        """Score the sentences of several documents at once (one call of each model for all)."""
        own, evidence = self.sentence_evidence([s for doc in documents for s in doc])
        parts, k = [], 0
        for doc in documents:
            found = None if evidence is None else evidence[k:k + len(doc)]
            parts.append((own[k:k + len(doc)], np.array([len(s.split()) for s in doc]), found))
            k += len(doc)
        revised = iter(self.revise_many([(p, lengths, EvidenceSummary.of(found) if found is not None else None)
                                         for p, lengths, found in parts if p.size]))
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
        parts = [model_parts(*d) for d in documents]
        revised = np.concatenate([self.models.context(rows) for rows in _context_chunks(parts)])
        likelihoods = shift_prior(self.models.document(np.vstack([doc for _, _, doc in parts])), self.offset)
        ends = np.cumsum([len(d[0]) for d in documents])
        return [(r, float(q)) for r, q in zip(np.split(revised, ends[:-1]), likelihoods)]

    def score_text(self, text: str, name: str = "-", threshold: float | None = None) -> DocumentScore:
        """Score one document (``threshold``: flag sentences from this probability instead of
        the model's own)."""
        return self.score_texts([text], [name], threshold)[0]

    def score_texts(self, texts: list[str], names: list[str] | None = None,
                    threshold: float | None = None) -> list[DocumentScore]:
        """Score several documents in one pass of the models (much faster than one at a time)."""
        threshold = self.threshold if threshold is None else threshold
        names = names or ["-"] * len(texts)
        split = [split_sentences(text) for text in texts]
        results = []
        for name, text, sentences, analysis in zip(names, texts, split,
                                                    self.analyse([[s.text for s in ss] for ss in split])):
            evidence = analysis.evidence or [[] for _ in sentences]
            flags = analysis.flags(threshold)
            flagged = [k for k, (_, _, flag) in enumerate(zip(sentences, evidence, flags)) if flag]
            named = dict(zip(flagged, name_suspects_many([sentences[k] for k in flagged], [evidence[k] for k in flagged])))
            scored = [SentenceScore(s.text, s.start, s.end, round(float(p), 4), bool(flag), named.get(k, []))
                      for k, (s, p, _, flag) in enumerate(zip(sentences, analysis.probabilities, evidence, flags))]
            results.append(DocumentScore(name, round(analysis.likelihood, 4), scored, self.signature(threshold),
                                         prose_check(text)))
        return results

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the detector as a model file of arrays and JSON (:mod:`spinfix.persist.model_files`);
        returns its hash. A detector with a part that has no data form (a baseline) is refused."""
        if not isinstance(self.features, FeatureTables) or not all(is_storable(m) for m in self.models):
            raise SpinfixError(f"{path}: this detector has a part spinfix cannot store as arrays (a baseline?); "
                               "only a detector trained by `spinfix train` can be saved")
        specs, arrays = {}, {}
        for name, model in zip(DetectorModels._fields, self.models):
            specs[name], parts = to_data(model, f"{name}.")
            arrays.update(parts)
        info = {k: v for k, v in self.info.items() if k != "sha256"}  # read-only mappings are written as dicts
        record = {"record": {k: info.get(k) for k in RECORD_INFO}, "info": info, "threshold": self.threshold,
                  "offset": self.offset, "models": specs, "features": self.features.to_data()}
        return save_model(path, "detector", record, arrays)


CONTEXT_CHUNK = 16_384  # context rows scored at once: a text of 400,000 one-word lines held its rows (and the
# scaled copies the model makes of them) at once, 200 MB


def _context_chunks(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Iterator[np.ndarray]:
    """The context model's rows of consecutive documents (:func:`model_parts`), at most
    :data:`CONTEXT_CHUNK` at a time (the model scores row by row: the same probabilities)."""
    held, size = [], 0
    for own, count, doc in parts:
        for k in range(0, len(own), CONTEXT_CHUNK):
            piece = context_rows(own[k:k + CONTEXT_CHUNK], count[k:k + CONTEXT_CHUNK], doc)
            if size and size + len(piece) > CONTEXT_CHUNK:
                yield np.vstack(held)
                held, size = [], 0
            held.append(piece)
            size += len(piece)
    if held:
        yield np.vstack(held)


def name_suspects(sentence: Sentence, evidence: list[WordEvidence]) -> list[SuspectWord]:
    """The words of a flagged sentence named as suspects, most suspect first, each with its
    reason: its word evidence, with the shipped dictionary's known pairs that the language model
    prefers there (:func:`~spinfix.detection.phrase_evidence.known_pairs`) in place of the evidence they
    overlap, since a pair spinners were seen to make proposes a likelier original than a
    thesaurus neighbour does (and is what a reference-free restore draws on)."""
    return name_suspects_many([sentence], [evidence])[0]


def name_suspects_many(sentences: list[Sentence], evidence: list[list[WordEvidence]]) -> list[list[SuspectWord]]:
    """:func:`name_suspects` of several flagged sentences, their known pairs found in one batch."""
    known = known_pairs().evidence_many([s.text for s in sentences]) if sentences else []
    return [_named(s, found, pairs) for s, found, pairs in zip(sentences, evidence, known)]


def _named(sentence: Sentence, evidence: list[WordEvidence], pairs: list[ListedEvidence]) -> list[SuspectWord]:
    """A sentence's suspects from its word evidence and its known pairs (:func:`name_suspects`)."""
    listed = [e for e in evidence if isinstance(e, ListedEvidence)]
    known = [k for k in pairs if not overlaps(k, listed)]
    ranked = sorted((e for e in overlaid(evidence, known) if e.reason), key=lambda e: -e.score)[:MAX_SUSPECTS]
    return [SuspectWord(sentence.text[e.start:e.end], sentence.start + e.start, sentence.start + e.end,
                        e.neighbour if e.gain >= 1.0 else None, round(e.score, 2), e.reason) for e in ranked]


def default_model_path() -> str:
    """Where the shipped detector lives (inside the installed package; the stem of its two files)."""
    return str(importlib.resources.files("spinfix.models").joinpath(DEFAULT_MODEL))


@lru_cache(maxsize=4)
@pausing
def _read_detector(path: str) -> tuple[FeatureTables, DetectorModels, float, float, Mapping]:
    """The parts of the detector file at ``path``, read once per process (none of them changes
    after loading: the arrays are read-only, the features keep only a memo of word ids)."""
    hint = "run `spinfix train` to build it" if path == default_model_path() else "check the path or retrain"
    file = read_model(path, "detector", hint)
    record = file.record
    try:
        features = FeatureTables.from_data(record["features"])
        models = DetectorModels(*(from_data(record["models"][name], file.arrays, f"{name}.")
                                  for name in DetectorModels._fields))
        threshold, offset = float(record["threshold"]), float(record["offset"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SpinfixError(f"{path}: not a detector this spinfix can read ({type(exc).__name__}: {exc}); {hint}") from None
    return features, models, offset, threshold, {**record.get("info", {}), "sha256": file.sha256}


def load_detector(path: str | None = None) -> Detector:
    """Load a detector (default: the shipped one); a missing, damaged or incompatible file
    raises :class:`SpinfixError` saying which check failed. Each call returns a new
    :class:`Detector` (immutable) over parts read once per process.

    Examples
    --------
    >>> load_detector().threshold > 0.5
    True
    """
    features, models, offset, threshold, info = _read_detector(str(path or default_model_path()))
    return Detector(features, models, offset, threshold, info)


__all__ = ["DEFAULT_MODEL", "MAX_SUSPECTS", "MODEL_FORMAT", "Analysis", "Detector", "DetectorModels", "DocumentScore",
           "SentenceScore", "SuspectWord", "default_model_path", "load_detector", "name_suspects",
           "name_suspects_many"]
