"""The neural detector: spans read by the neural judge, each given a probability of having been
swapped, each sentence flagged from its spans and each document scored from its sentences.

A cascade spends the judge's work where it tells: every sentence is read once (the cheap
stage), a model of the rows before any comparison (:attr:`NeuralModels.cheap`) picks the spans
worth comparing with their originals in full, and the span model decides on every span with
whatever evidence it has. A sentence is flagged when its model says so *and* a span in it is a
suspect a user can check. The document's likelihood is the largest of its views: its model of
the rates of suspects and the spread of sentence probabilities (never counts, so a long document
does not look spun for its length), its estimated share of swapped spans (:func:`swap_share`),
and the fast first stage's own likelihood (the trigram detector, which reads every word's
statistics and so still sees heavy spin of common words the judge finds plausible one by one).
"""
from __future__ import annotations

import importlib.resources
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from .._version import __version__
from ..collector import pausing
from ..dictionary.storage import default_dictionary, default_dictionary_hash
from ..errors import SpinfixError
from ..judge.neural import NeuralJudge, load_judge
from ..persist.model_files import FORMAT, frozen, model_name, read_model, save_model
from ..schema import Schema
from ..text.language import prose_check
from ..text.thesaurus import default_thesaurus
from ..text.tokens import Sentence, match_case, split_sentences
from .detector import Detector, load_detector
from .document_features import logit, shift_prior
from .forests import Predict, from_data, to_data
from .judged import NO_DELTA, SPAN_ROW, Span, SpanReader
from .originals import Originals
from .phrase_evidence import PhraseList
from .results import DocumentScore, SentenceScore, SuspectWord
from .verdicts import DOCUMENT_LINE

DEFAULT_MODEL = "neural-detector"  # neural-detector.npz + .json in spinfix/models
MAX_SUSPECTS = 4
LISTED_PROBABILITY = 0.99  # a phrase a curated list holds is a suspect wherever it matches
COMPARE_COLUMNS = ("compared", "delta_best", "delta_second", "delta_expected", "delta_direct")
SENTENCE_ROW = Schema("p_max", "p_second", "p_sum", "over_half", "over_08", "spans", "log_words", "title")
DOCUMENT_ROW = Schema("p_sum_100", "over_half_100", "over_08_100", "sentence_mean", "sentence_q75",
                      "sentence_q90", "flagged_share", "suspects_100")
SHARE_ROW = Schema("swap_share_logit")
SHARE_FLOOR = 1e-6  # the share's logit is taken from here (a clean document's share falls to zero)
SENTENCE_VIEW = "sentence"  # the only view of a text of one sentence
UNDER_LINE = 0.49  # the most a one-sentence text whose sentence is not flagged is given


class NeuralModels(NamedTuple):
    """The neural detector's models as ``rows -> P(spun)``: the cheap span model (rows without
    comparisons), the span model, the sentence model, the document model and the share model
    (:data:`SHARE_ROW`; both before their prior shifts)."""

    cheap: Predict
    span: Predict
    sentence: Predict
    document: Predict
    share: Predict


def without_comparisons(rows: np.ndarray) -> np.ndarray:
    """Span rows as they are before any comparison: the comparison columns emptied."""
    rows = np.array(rows, dtype=float, copy=True)
    for name in COMPARE_COLUMNS:
        rows[:, SPAN_ROW.index(name)] = 0.0 if name == "compared" else NO_DELTA
    return rows


def blinded(rows: np.ndarray, columns: Sequence[str]) -> np.ndarray:
    """Span rows with ``columns`` emptied (0), for span models that must not read them (see
    :class:`~spinfix.training.neural_trainer.NeuralDetectorTrainer`'s ``blind``)."""
    if not columns:
        return rows
    rows = np.array(rows, dtype=float, copy=True)
    rows[:, [SPAN_ROW.index(c) for c in columns]] = 0.0
    return rows


def selected(cheap: np.ndarray, compare_from: float, share: float) -> np.ndarray:
    """The spans a cascade compares in full: those whose cheap probability reaches
    ``compare_from``, the likeliest ``share`` of all spans at most (the judge's budget)."""
    keep = cheap >= compare_from
    budget = int(np.ceil(share * len(cheap)))
    if keep.sum() > budget:
        keep = np.zeros(len(cheap), bool)
        keep[np.argsort(-cheap, kind="stable")[:budget]] = True
    return keep


def sentence_rows(p: np.ndarray, sentence_of: np.ndarray, words: np.ndarray, span_title: np.ndarray) -> np.ndarray:
    """One row per sentence (:data:`SENTENCE_ROW`) from its spans' probabilities ``p``
    (``sentence_of``: each span's sentence; ``span_title``: each span's ``title`` column)."""
    n = len(words)
    rows = np.zeros((n, len(SENTENCE_ROW)))
    rows[:, SENTENCE_ROW.index("log_words")] = np.log1p(words)
    rows[sentence_of, SENTENCE_ROW.index("title")] = span_title
    order = np.argsort(sentence_of, kind="stable")
    bounds = np.searchsorted(sentence_of[order], np.arange(n + 1))
    for s in range(n):
        q = np.sort(p[order[bounds[s]:bounds[s + 1]]])[::-1]
        if len(q):
            rows[s, :6] = (q[0], q[1] if len(q) > 1 else 0.0, q.sum(), np.sum(q >= 0.5), np.sum(q >= 0.8), len(q))
    return rows


def document_row(p: np.ndarray, sentence_p: np.ndarray, flagged: np.ndarray, suspects: int,
                 words: np.ndarray) -> np.ndarray:
    """A document's row (:data:`DOCUMENT_ROW`): rates per 100 words and the spread of its
    sentence probabilities (weighted by sentence length up to 30 words)."""
    per_100 = 100.0 / max(float(np.sum(words)), 1.0)
    w = np.minimum(words, 30.0) + 1e-9
    w = w / w.sum() if len(w) else w
    q = np.quantile(sentence_p, [0.75, 0.9]) if len(sentence_p) else (0.0, 0.0)
    return np.array([per_100 * p.sum(), per_100 * np.sum(p >= 0.5), per_100 * np.sum(p >= 0.8),
                     float(w @ sentence_p) if len(w) else 0.0, q[0], q[1],
                     float(w @ flagged) if len(w) else 0.0, per_100 * suspects])


def swap_share(p: np.ndarray, prior: float, tolerance: float = 1e-7, steps: int = 500) -> float:
    """The share of a document's spans that were swapped, estimated from span probabilities ``p``
    calibrated where a share ``prior`` of spans were swapped: the expectation-maximisation of
    Saerens, Latinne and Decaestecker (2002), which re-weighs the probabilities for a prior and
    takes their mean as the next prior until it settles. A heavily spun document makes every span
    likelier than training's share says; a clean one, less likely.

    Examples
    --------
    >>> round(swap_share(np.array([0.9, 0.9, 0.1, 0.1]), 0.1), 2) > 0.1
    True
    """
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    if not len(p) or not 0.0 < prior < 1.0:
        return 0.0
    share = prior
    for _ in range(steps):
        up, down = share / prior * p, (1.0 - share) / (1.0 - prior) * (1.0 - p)
        new = float(np.mean(up / (up + down)))
        if abs(new - share) < tolerance:
            return new
        share = new
    return share


def sentence_likelihood(p: float, flagged: bool, threshold: float, line: float = DOCUMENT_LINE) -> float:
    """The spin likelihood of a text of one sentence: the sentence's probability ``p`` on the
    document's scale, its ``threshold`` mapped onto the document ``line``, so that the text is
    likely spun exactly when its sentence is flagged. The document views read rates per 100
    words and the first stage's statistics of many sentences, which one sentence cannot carry.

    Examples
    --------
    >>> sentence_likelihood(0.85, True, 0.7), sentence_likelihood(0.35, False, 0.7), sentence_likelihood(0.9, False, 0.7)
    (0.75, 0.25, 0.49)
    """
    if flagged:
        return line + (1.0 - line) * (p - threshold) / (1.0 - threshold) if threshold < 1.0 else 1.0
    return min(line * p / threshold, UNDER_LINE) if threshold > 0.0 else 0.0


def flags(p: np.ndarray, sentence_p: np.ndarray, sentence_of: np.ndarray, threshold: float,
          suspect_from: float) -> tuple[np.ndarray, np.ndarray]:
    """Which sentences are flagged (probability ``sentence_p`` from ``threshold``, with a span of
    probability ``p`` from ``suspect_from`` in them) and which spans are suspects."""
    suspect = p >= suspect_from
    has_suspect = np.zeros(len(sentence_p), bool)
    has_suspect[sentence_of[suspect]] = True
    return (sentence_p >= threshold) & has_suspect, suspect


def share_row(p: np.ndarray, prior: float) -> np.ndarray:
    """A document's row for the share model (:data:`SHARE_ROW`): the logit of :func:`swap_share`."""
    return logit(np.array([swap_share(p, prior)]), SHARE_FLOOR)


@dataclass(frozen=True, eq=False)
class NeuralDetector:
    """A trained neural detector (see the module's docstring).

    ``compare_from``: the cheap probability from which a span is compared in full, at most
    ``compare_share`` of the spans (the likeliest first);
    ``suspect_from``: the span probability from which a span is a suspect; sentences from
    ``threshold`` with a suspect are flagged; ``offset`` shifts the document model's prior;
    ``info`` records the training; ``blind``: span-row columns the span models never read
    (emptied before they do); ``span_prior``: the share of training spans that were swapped
    (what the span model is calibrated for, :func:`swap_share`); ``share_offset`` shifts the
    share model's prior; ``first_stage``: the fast detector whose own likelihood is a view of the
    document too (None: none). Immutable.
    """

    models: NeuralModels
    compare_from: float
    compare_share: float
    suspect_from: float
    threshold: float
    offset: float
    info: Mapping[str, Any] = field(default_factory=dict)
    judge: NeuralJudge | None = field(default=None, repr=False)
    originals: Originals | None = field(default=None, repr=False)
    phrases: PhraseList | None = field(default=None, repr=False)
    blind: tuple[str, ...] = ()
    span_prior: float = 0.0
    share_offset: float = 0.0
    first_stage: Detector | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "info", frozen(self.info))

    def __repr__(self) -> str:
        return (f"NeuralDetector(name={self.info.get('name', 'custom')!r}, "
                f"sha256={self.info.get('sha256', 'unsaved')[:12]!r}, threshold={self.threshold:g})")

    def reader(self) -> SpanReader:
        """The span reader of this detector's judge and originals (the shipped ones by default)."""
        judge = self.judge if self.judge is not None else load_judge()
        originals = self.originals if self.originals is not None else shipped_originals()
        return _reader(judge, originals)

    def signature(self, threshold: float | None = None) -> str:
        """Names everything that made a score: the version, the model and its hash, the judge
        (its weights and normalizer), the thesaurus, the shipped dictionary and the threshold."""
        threshold = self.threshold if threshold is None else threshold
        judge = self.judge if self.judge is not None else load_judge()
        return (f"spinfix:{__version__}|model:{model_name(self.info)}"
                f"|format:{FORMAT}|judge:{judge.signature}|thesaurus:wn30+moby2"
                f"|pairs:{default_dictionary_hash()[:12]}|threshold:{threshold:g}"
                + (f"|first:{model_name(self.first_stage.info)}" if self.first_stage is not None else "")
                + (f"|{self.phrases.signature()}" if self.phrases is not None else ""))

    def spans(self, text: str, sentences: Sequence[Sentence], extend=None, extended: int = 8,
              extended_window: int = 3) -> tuple[list[Span], np.ndarray]:
        """A document's spans read through the cascade, and each one's probability of being a
        swap (``extend``: see :meth:`SpanReader.read`)."""
        reader = self.reader()
        spans = reader.read(text, sentences,
                            select=lambda rows: self.select(self.cheap_probability(rows), rows),
                            extend=extend, extended=extended, extended_window=extended_window)
        rows = np.array([s.row for s in spans], dtype=float).reshape(-1, len(SPAN_ROW))
        p = self.span_probability(rows) if len(spans) else np.zeros(0)
        if self.phrases is not None:  # a curated list's phrases count wherever they match
            listed = np.array([s.key in self.phrases.originals for s in spans], dtype=bool)
            p = np.where(listed, np.maximum(p, LISTED_PROBABILITY), p)
        return spans, p

    def sentence_probabilities(self, spans: Sequence[Span], p: np.ndarray, sentences: Sequence[Sentence]) -> np.ndarray:
        """Each sentence's probability of holding a swap, from its spans' probabilities ``p``
        (the sentence model)."""
        if not len(sentences):
            return np.zeros(0)
        sentence_of = np.array([s.sentence for s in spans], dtype=int)
        words = np.array([len(s.text.split()) for s in sentences], dtype=float)
        span_title = np.array([s.row[SPAN_ROW.index("title")] for s in spans], dtype=float)
        return self.models.sentence(sentence_rows(p, sentence_of, words, span_title))

    def cheap_probability(self, rows: np.ndarray) -> np.ndarray:
        """Each span row's probability of being a swap before any comparison, from the cheap model."""
        return self.models.cheap(blinded(rows, self.blind))

    def span_probability(self, rows: np.ndarray) -> np.ndarray:
        """Each span row's probability of being a swap, from the span model."""
        return self.models.span(blinded(rows, self.blind))

    def select(self, cheap: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Which spans to compare in full (:func:`selected`)."""
        return selected(cheap, self.compare_from, self.compare_share)

    def score_text(self, text: str, name: str = "-", threshold: float | None = None) -> DocumentScore:
        """Score one document (``threshold``: flag sentences from this probability instead, with
        suspects from it where it is under ``suspect_from``; the likelihood is the model's own,
        whatever the threshold)."""
        threshold = self.threshold if threshold is None else threshold
        sentences = split_sentences(text)
        check = prose_check(text)
        if not check.judgeable:  # not English prose: the judge is not asked (its verdict says so)
            scored = [SentenceScore(s.text, s.start, s.end, 0.0, False, []) for s in sentences]
            return DocumentScore(name, 0.0, scored, self.signature(threshold), check)
        spans, p = self.spans(text, sentences)
        sentence_of = np.array([s.sentence for s in spans], dtype=int)
        words = np.array([len(s.text.split()) for s in sentences], dtype=float)
        sentence_p = self.sentence_probabilities(spans, p, sentences)
        if len(sentences) == 1:  # a text of one sentence is that sentence
            own, _ = flags(p, sentence_p, sentence_of, self.threshold, self.suspect_from)
            views = {SENTENCE_VIEW: sentence_likelihood(float(sentence_p[0]), bool(own[0]), self.threshold)}
        else:
            views = self.views([s.text for s in sentences],
                               *self.document_rows(p, sentence_p, sentence_of, words)) if len(sentences) else {}
        flagged, suspect = flags(p, sentence_p, sentence_of, threshold, min(self.suspect_from, threshold))
        likelihood = max(views.values(), default=0.0)
        scored = []
        for k, s in enumerate(sentences):
            mine = [(spans[i], float(p[i])) for i in np.flatnonzero((sentence_of == k) & suspect)]
            scored.append(SentenceScore(s.text, s.start, s.end, round(float(sentence_p[k]), 4), bool(flagged[k]),
                                        name_suspects(mine, self.phrases) if flagged[k] else []))
        return DocumentScore(name, round(likelihood, 4), scored, self.signature(threshold), check,
                             {k: round(v, 4) for k, v in views.items()})

    def document_rows(self, p: np.ndarray, sentence_p: np.ndarray, sentence_of: np.ndarray,
                      words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A document's row (:func:`document_row`) and share row (:func:`share_row`) from its
        spans' and sentences' probabilities, flagged at the model's own threshold and suspect
        line whatever a score is asked to show, so that the likelihood is the model's."""
        own, suspect = flags(p, sentence_p, sentence_of, self.threshold, self.suspect_from)
        row = document_row(p, sentence_p, own.astype(float), int(np.sum(suspect & own[sentence_of])), words)
        return row, share_row(p, self.span_prior)

    def views(self, sentences: list[str], document: np.ndarray, share: np.ndarray) -> dict[str, float]:
        """A document's views of its spin, whose largest is its likelihood: the document model's
        and the share model's shifted probabilities from its row (:func:`document_row`) and share
        row (:func:`share_row`), and the first stage's likelihood of its ``sentences`` (its
        :meth:`~spinfix.detection.detector.Detector.analyse`: no suspects named), so that a document
        reads as spun when its suspects, its share of swapped spans or its word statistics say so."""
        views = {"suspects": float(shift_prior(self.models.document(document[None, :]), self.offset)[0]),
                 "share": float(shift_prior(self.models.share(share[None, :]), self.share_offset)[0])}
        if self.first_stage is not None:
            views["first_stage"] = self.first_stage.analyse([sentences])[0].likelihood
        return views

    def score_texts(self, texts: list[str], names: list[str] | None = None,
                    threshold: float | None = None) -> list[DocumentScore]:
        """:meth:`score_text` for several documents."""
        names = names or ["-"] * len(texts)
        return [self.score_text(t, n, threshold) for t, n in zip(texts, names)]

    def with_phrases(self, phrases: PhraseList | None) -> NeuralDetector:
        """This detector also counting a phrase list's curated phrases wherever they match (as
        suspects, with the listed original proposed)."""
        if phrases is None or not len(phrases):
            return self
        originals = Originals(default_thesaurus(), default_dictionary(), [phrases.dictionary])
        return replace(self, originals=originals, phrases=phrases)

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the detector as a model file of arrays and JSON; returns its hash."""
        specs, arrays = {}, {}
        for name, model in zip(NeuralModels._fields, self.models):
            specs[name], parts = to_data(model, f"{name}.")
            arrays.update(parts)
        info = {k: v for k, v in self.info.items() if k != "sha256"}
        record = {"record": {k: info.get(k) for k in ("name", "trained_on", "command", "created")}, "info": info,
                  "compare_from": self.compare_from, "compare_share": self.compare_share,
                  "suspect_from": self.suspect_from, "threshold": self.threshold,
                  "offset": self.offset, "blind": list(self.blind), "span_prior": self.span_prior,
                  "share_offset": self.share_offset, "first_stage": self.first_stage is not None, "models": specs,
                  "span_row": list(SPAN_ROW),
                  "sentence_row": list(SENTENCE_ROW), "document_row": list(DOCUMENT_ROW), "share_row": list(SHARE_ROW)}
        return save_model(path, "neural-detector", record, arrays)


def name_suspects(spans: list[tuple[Span, float]], phrases: PhraseList | None = None) -> list[SuspectWord]:
    """A flagged sentence's suspects, most probable first: each with the related original that
    fits best where one beats it (a curated list's own original for a phrase it lists), and the reason."""
    out = []
    for span, p in sorted(spans, key=lambda sp: -sp[1])[:MAX_SUSPECTS]:
        if phrases is not None and span.key in phrases.originals:
            out.append(SuspectWord(span.text, span.start, span.end, match_case(span.text, phrases.originals[span.key][0]),
                                   round(p, 3), f"listed phrase ({phrases.originals[span.key][1]})"))
            continue
        original = likeliest_original(span)
        better = original is not None
        out.append(SuspectWord(span.text, span.start, span.end, original, round(p, 3),
                               "likelier original" if better else "out of place"))
    return sorted(out, key=lambda w: w.start)


def likeliest_original(span: Span) -> str | None:
    """The original to name for a suspect (:attr:`Span.named`), where one beats the span."""
    named = span.named
    return named[0][1] if named and named[0][0] > 0 else None


@lru_cache(maxsize=4)
def _reader(judge: NeuralJudge, originals: Originals) -> SpanReader:
    """One span reader per judge and originals (it keeps the judge's word rows once made)."""
    return SpanReader(judge, originals)


@lru_cache(maxsize=1)
def shipped_originals() -> Originals:
    """Originals from the shipped thesaurus and dictionary, indexed once per process."""
    return Originals(default_thesaurus(), default_dictionary())


def default_model_path() -> str:
    """Where the shipped neural detector lives (the stem of its two files)."""
    return str(importlib.resources.files("spinfix.models").joinpath(DEFAULT_MODEL))


@lru_cache(maxsize=4)
@pausing
def _read(path: str) -> tuple[NeuralDetector, bool]:
    """The detector a model file holds (without a judge or a first stage), and whether it reads
    a first stage."""
    hint = "run `spinfix train --judge neural` to build it" if path == default_model_path() else "check the path or retrain"
    file = read_model(path, "neural-detector", hint)
    record = file.record
    try:
        if list(record["span_row"]) != list(SPAN_ROW) or list(record["sentence_row"]) != list(SENTENCE_ROW) \
                or list(record["document_row"]) != list(DOCUMENT_ROW) or list(record["share_row"]) != list(SHARE_ROW):
            raise ValueError("its rows are not this spinfix's")
        models = NeuralModels(*(from_data(record["models"][n], file.arrays, f"{n}.") for n in NeuralModels._fields))
        values = [float(record[k]) for k in ("compare_from", "compare_share", "suspect_from", "threshold", "offset")]
        blind = tuple(str(c) for c in record.get("blind", ()))
        prior, share_offset = float(record["span_prior"]), float(record["share_offset"])
        first_stage = bool(record.get("first_stage", False))
        if any(c not in SPAN_ROW for c in blind):
            raise ValueError(f"it blinds columns its rows lack ({', '.join(blind)})")
    except (KeyError, TypeError, ValueError) as exc:
        raise SpinfixError(f"{path}: not a neural detector this spinfix can read ({exc}); {hint}") from None
    return NeuralDetector(models, *values, {**record.get("info", {}), "sha256": file.sha256}, blind=blind,
                          span_prior=prior, share_offset=share_offset), first_stage


def load_neural_detector(path: str | None = None, judge: NeuralJudge | None = None,
                         first_stage: Detector | None = None) -> NeuralDetector:
    """Load a neural detector (default: the shipped one) over ``judge`` (default: the neural
    judge from the user cache); a model file that reads a first stage gets ``first_stage``
    (default: the shipped trigram detector)."""
    stored, reads_first = _read(str(path or default_model_path()))
    return replace(stored, judge=judge, first_stage=(first_stage or load_detector()) if reads_first else None)


__all__ = ["DEFAULT_MODEL", "DOCUMENT_ROW", "NeuralDetector", "NeuralModels", "SENTENCE_ROW", "SENTENCE_VIEW",
           "SHARE_ROW", "blinded", "document_row", "load_neural_detector", "selected", "sentence_likelihood",
           "sentence_rows", "share_row", "swap_share", "without_comparisons"]
