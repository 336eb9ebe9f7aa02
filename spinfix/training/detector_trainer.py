"""Training the detector: the sentence model on train documents, the context and document models
and the flagging threshold on validation documents, then the held-out report beside two
baselines trained on the same data in the same run (:func:`train`)."""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from tqdm import tqdm

from .._version import __version__
from ..detection.detector import Detector
from ..detection.document_features import model_rows
from ..text.tokens import splitter_name
from .corpora import Document, Pair, ood_splits, source_documents, split_documents
from .detection_metrics import evaluate, evaluate_pairs, transfer_report
from .estimators import ContextModel, DocumentModel, FittedDetector, char_ngram_baseline, make_sentence_model
from .labelling import RATE_RANGE, LabelledDocument, flatten, labelled_pairs, labelled_user_pairs

FALSE_FLAG_RATE = 0.006  # the flagging threshold lets at most this share of any clean validation source's
# sentences through (and is never below 0.5: a flag means "more likely spun than not")


@dataclass
class TrainingReport:
    """What training saw and how the result scored on held-out documents."""

    data: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)


def _document_rows(detector: Detector, docs: list[LabelledDocument]) -> tuple[np.ndarray, np.ndarray]:
    """The context model's rows and the document model's rows of ``docs``, from the sentence
    model's own probabilities and each sentence's word evidence."""
    own, evidence = detector.sentence_evidence(flatten(docs)[0])
    ctx_rows, doc_rows, k = [], [], 0
    for d in docs:
        n = len(d.sentences)
        found = None if evidence is None else evidence[k:k + n]
        p = own[k:k + n]
        k += n
        lengths = np.array([len(s.split()) for s in d.sentences])
        ctx, doc = model_rows(p, lengths, found)
        ctx_rows.append(ctx)
        doc_rows.append(doc)
    return np.vstack(ctx_rows), np.array(doc_rows)


def flag_threshold(detector: Detector, clean: dict[str, list[LabelledDocument]],
                   false_flag_rate: float = FALSE_FLAG_RATE) -> float:
    """The lowest threshold (at least 0.5) at which no clean source flags more than
    ``false_flag_rate`` of its sentences (a flag also needs a suspect with a reason)."""
    threshold = 0.5
    for docs in clean.values():
        analyses = detector.analyse([d.sentences for d in docs])
        explained = np.concatenate([a.probabilities[a.flags(0.0)] for a in analyses] + [np.zeros(0)])
        total = sum(len(d.sentences) for d in docs)
        allowed = int(false_flag_rate * total)
        if len(explained) > allowed:
            threshold = max(threshold, float(np.sort(explained)[::-1][allowed]) + 1e-6)
    return float(min(threshold, 0.95))


class DetectorTrainer:
    """Fits a :class:`~spinfix.detection.detector.Detector`: the sentence model on the training
    documents; the context model, the document model and the flagging threshold on validation
    documents (which the sentence model never saw), so that the clean documents of each
    validation source rarely reach a likelihood of 0.5 and flag at most ``false_flag_rate`` of
    their sentences. The estimators are passed in (defaults: :func:`make_sentence_model`,
    :class:`ContextModel`, :class:`DocumentModel`) and cloned before fitting; ``fit`` learns
    everything, the threshold included: ``estimators_`` (a :class:`FittedDetector`), the
    detector that scores with them (``detector_``, through scikit-learn) and ``threshold_``.
    """

    def __init__(self, sentence_model=None, context_model=None, document_model=None,
                 false_flag_rate: float = FALSE_FLAG_RATE):
        self.sentence_model = sentence_model
        self.context_model = context_model
        self.document_model = document_model
        self.false_flag_rate = false_flag_rate

    def fit(self, train: list[LabelledDocument], validation: list[LabelledDocument],
            info: dict | None = None, step: Callable[[str], None] | None = None) -> DetectorTrainer:
        """Fit everything; ``step(name)`` is told as each step begins (a progress bar)."""
        step = step or (lambda name: None)
        step("fitting the sentence model")
        X, y = flatten(train)
        sentence_model = clone(self.sentence_model if self.sentence_model is not None else make_sentence_model())
        fitted = FittedDetector(sentence_model.fit(X, y), clone(self.context_model or ContextModel()),
                                clone(self.document_model or DocumentModel()), 0.5, info)
        step("fitting the context and document models")
        ctx_rows, doc_rows = _document_rows(fitted.detector(), validation)  # the sentence model's alone
        fitted.context_model.fit(ctx_rows, flatten(validation)[1])
        fitted.document_model.fit(doc_rows, np.array([d.spun for d in validation]),
                                  sources=np.array([d.source for d in validation]))
        step("setting the flagging threshold")
        clean: dict[str, list[LabelledDocument]] = {}
        for d in validation:
            if not d.spun:
                clean.setdefault(d.source, []).append(d)
        self.threshold_ = fitted.threshold = flag_threshold(fitted.detector(), clean, self.false_flag_rate)
        self.estimators_ = fitted
        self.detector_ = fitted.detector()
        return self


class _Steps:
    """A progress bar of named steps: calling it with the next step's name counts the one before
    as done and shows what is running now."""

    def __init__(self, bar: tqdm):
        self.bar, self.started = bar, False

    def __call__(self, name: str) -> None:
        if self.started:
            self.bar.update()
        self.started = True
        self.bar.set_postfix_str(name)

    def close(self) -> None:
        if self.started:
            self.bar.update()
        self.bar.set_postfix_str("done")
        self.bar.close()


def train(docs: list[Document] | None = None, pairs: list[Pair] | None = None, seed: int = 0,
          max_docs: int | None = None, baselines: bool = True, progress: bool = False,
          ood: dict[str, list[Document]] | None = None) -> tuple[Detector, TrainingReport]:
    """:func:`train_with_trainer` without the trainer: the detector and its report."""
    detector, _, report = train_with_trainer(docs, pairs, seed, max_docs, baselines, progress, ood)
    return detector, report


def train_with_trainer(docs: list[Document] | None = None, pairs: list[Pair] | None = None, seed: int = 0,
                       max_docs: int | None = None, baselines: bool = True, progress: bool = False,
                       ood: dict[str, list[Document]] | None = None
                       ) -> tuple[Detector, DetectorTrainer, TrainingReport]:
    """Train the detector from clean documents (default: the ``train`` sources of
    :data:`spinfix.training.corpora.SOURCES`) plus user pairs.

    ``ood`` are clean sources never trained on (default: the ``ood`` sources when ``docs`` is
    the default): half of each joins validation (clean and spun by the ``tune`` tables) and
    sets the flagging threshold, the other half is measured (:mod:`spinfix.training.detection_metrics`).
    User pairs are split by pair into train/validation/test like documents. Returns the
    detector (in its compiled form, which :meth:`~spinfix.detection.detector.Detector.save`
    writes), the trainer (its fitted scikit-learn estimators: ``estimators_``) and a report of
    the metrics on held-out documents (measured through scikit-learn), beside (``baselines``)
    the same metrics for the two baselines trained on the same data in the same run.
    """
    if docs is None:
        docs = [d for source in source_documents("train").values() for d in source]
        ood = source_documents("ood") if ood is None else ood
    splits = split_documents(docs)
    if max_docs:
        splits = {k: v[::max(1, len(v) // max(3, int(max_docs * share)))][:max(3, int(max_docs * share))]
                  for (k, v), share in zip(splits.items(), (0.7, 0.15, 0.15))}
    outside = ood_splits(ood or {}, max_docs)
    pair_splits = split_documents(pairs or [])
    steps = _Steps(tqdm(total=6 + 2 * baselines, desc="training", unit="step", disable=not progress))
    steps("labelling documents (the synthetic spinner)")
    train_set = labelled_pairs(splits["train"], seed) + labelled_user_pairs(pair_splits["train"])
    val_set = (labelled_pairs(splits["validation"], seed + 1, role="tune", source="validation")
               + labelled_user_pairs(pair_splits["validation"])
               + [d for n, (name, docs) in enumerate(outside["validation"].items())
                  for d in labelled_pairs(docs, seed + 3 + n, role="tune", source=name)])
    info = {
        "name": f"spinfix-{__version__}-seed{seed}", "spinfix_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "trained_on": (f"{len(splits['train'])} clean documents ({', '.join(sorted({d.name.split('/')[0] for d in docs}))}) "
                       f"spun by the whole thesaurus and the fit table shapes at {RATE_RANGE[0]}-{RATE_RANGE[1]} "
                       f"of their matches, plus {len(pair_splits['train'])} user pairs; threshold and calibration "
                       f"on held-out documents spun by the tune shapes and on the validation half of "
                       f"{', '.join(outside['validation']) or 'no out-of-domain source'}; seed {seed}"),
        "command": "spinfix train" + (f" --max-docs {max_docs}" if max_docs else "") + (" --pairs DIR" if pairs else ""),
        "sentence_splitter": splitter_name(),
    }
    trainer = DetectorTrainer().fit(train_set, val_set, info, steps)
    detector = trainer.detector_
    steps("evaluating on held-out documents")
    report = TrainingReport(data={"train_documents": len(splits["train"]),
                                  "validation_documents": len(splits["validation"]),
                                  "test_documents": len(splits["test"]),
                                  "ood_documents": {part: {k: len(v) for k, v in d.items()} for part, d in outside.items()},
                                  "user_pairs": {k: len(v) for k, v in pair_splits.items()},
                                  "train_sentences": len(flatten(train_set)[0])})
    report.metrics["full_model"] = evaluate(detector, splits["test"], seed + 2)
    steps("evaluating on other sources and your pairs")
    report.metrics["transfer"] = transfer_report(
        detector, outside["test"], splits["test"] + [d for v in outside["test"].values() for d in v], seed + 4)
    if pair_splits["test"]:
        report.metrics["user_pairs_test"] = evaluate_pairs(detector, pair_splits["test"])
    if baselines:
        for name, model in (("lm_only", make_sentence_model(use_vocabulary=False)),
                            ("char_ngram_tfidf_lr", char_ngram_baseline())):
            steps(f"the {name} baseline")
            baseline = DetectorTrainer(model).fit(train_set, val_set).detector_
            report.metrics[name] = evaluate(baseline, splits["test"], seed + 2)
    steps.close()
    trainer.estimators_.info.update(metrics=report.metrics, data=report.data, threshold=detector.threshold)
    return trainer.estimators_.detector(compiled=True), trainer, report


__all__ = ["DetectorTrainer", "TrainingReport", "flag_threshold", "train", "train_with_trainer"]
