"""Training and evaluating the detector on synthetic spun/clean pairs and on the user's pairs.

Documents are split into train/validation/test by document (:func:`spinfix.corpora.split_of`),
never by sentence. The sentence model learns on train; the document model and the flagging
threshold on validation; the metrics come from test, spun at light, medium and heavy rates,
side by side with two baselines trained on the same data in the same run: the language-model
signal alone, and a character n-gram TF-IDF + logistic regression classifier.
"""
from __future__ import annotations

import datetime
import math
import random
from pathlib import Path
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.pipeline import Pipeline
from tqdm import tqdm

from ._version import __version__
from .aligning import align
from .corpora import Document, Pair, ood_splits, source_documents, split_documents
from .features import proper_nouns
from .detecting import Detector, model_rows
from .detector_models import ContextModel, DocumentModel, make_sentence_model
from .spinner_tables import build_table, shapes
from .spinning import RATES, Spinner
from .thesaurus import Thesaurus, default_thesaurus
from .textio import atomic_write
from .tokenizing import split_sentences, splitter_name

FALSE_FLAG_RATE = 0.006  # the flagging threshold lets at most this share of any clean validation source's
# sentences through (and is never below 0.5: a flag means "more likely spun than not")
RATE_RANGE = (0.02, 1.0)  # share of a table's matches swapped, log-uniform per document: about 1-45 % of words
FURNITURE_SHARE = 0.3


@dataclass
class LabelledDocument:
    """A document's sentences with spin labels, and whether the document is spun at all."""

    sentences: list[str]
    labels: list[int]
    spun: int
    source: str = ""


@dataclass
class TrainingReport:
    """What training saw and how the result scored on held-out documents."""

    data: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)


def names_in(docs: list[Document]) -> frozenset[str]:
    """The names of a corpus (:func:`spinfix.features.proper_nouns`), which the spinner leaves alone."""
    return proper_nouns([s.text for d in docs for s in split_sentences(d.text)])


def spinner_tables(role: str) -> list[Thesaurus]:
    """The tables a detector's spun documents are drawn from: the whole thesaurus and the
    spinner table shapes (:mod:`spinfix.spinner_tables`) with ``role``; the ``test`` shapes
    are kept for measuring on a spinner the detector never saw."""
    return [default_thesaurus()] + [build_table(s) for s in shapes(role)]


def _spinner(rng: random.Random, seed: int, names: frozenset[str], rate: float | None = None,
             tables: list[Thesaurus] | None = None) -> Spinner:
    """A spinner with one of ``tables`` (default: the whole thesaurus) at ``rate``, or at a
    rate drawn log-uniformly from :data:`RATE_RANGE`, so light spin is as common as heavy."""
    table = rng.choice(tables) if tables else default_thesaurus()
    if rate is None:
        rate = math.exp(rng.uniform(*np.log(RATE_RANGE)))
    return Spinner(rate, seed=seed, names=names, thesaurus=table)


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


def _flatten(docs: list[LabelledDocument]) -> tuple[list[str], np.ndarray]:
    return [s for d in docs for s in d.sentences], np.array([y for d in docs for y in d.labels])


def _document_rows(detector: Detector, docs: list[LabelledDocument]) -> tuple[np.ndarray, np.ndarray]:
    """The context model's rows and the document model's rows of ``docs``, from the sentence
    model's own probabilities and each sentence's word evidence."""
    own, evidence = detector.sentence_evidence(_flatten(docs)[0])
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


def flag_threshold(detector: Detector, clean: dict[str, list[LabelledDocument]]) -> float:
    """The lowest threshold (at least 0.5) at which no clean source flags more than
    :data:`FALSE_FLAG_RATE` of its sentences (a flag also needs a suspect with a reason)."""
    threshold = 0.5
    for docs in clean.values():
        analyses = detector.analyse([d.sentences for d in docs])
        explained = np.concatenate([a.probabilities[a.flags(0.0)] for a in analyses] + [np.zeros(0)])
        total = sum(len(d.sentences) for d in docs)
        allowed = int(FALSE_FLAG_RATE * total)
        if len(explained) > allowed:
            threshold = max(threshold, float(np.sort(explained)[::-1][allowed]) + 1e-6)
    return float(min(threshold, 0.95))


def fit_detector(sentence_model: Pipeline, train: list[LabelledDocument], validation: list[LabelledDocument],
                 info: dict | None = None) -> Detector:
    """Fit the sentence model on ``train``; the context model, the document model and the
    flagging threshold on ``validation`` (which the sentence model never saw), so that the clean
    documents of each validation source rarely reach a likelihood of 0.5 and flag at most
    :data:`FALSE_FLAG_RATE` of their sentences."""
    X, y = _flatten(train)
    detector = Detector(sentence_model.fit(X, y), ContextModel(), DocumentModel(), 0.5, dict(info or {}))
    ctx_rows, doc_rows = _document_rows(detector, validation)
    detector.context_model.fit(ctx_rows, _flatten(validation)[1])
    detector.document_model.fit(doc_rows, np.array([d.spun for d in validation]),
                                sources=np.array([d.source for d in validation]))
    clean: dict[str, list[LabelledDocument]] = {}
    for d in validation:
        if not d.spun:
            clean.setdefault(d.source, []).append(d)
    detector.threshold = flag_threshold(detector, clean)
    return detector


def _metrics(detector: Detector, docs: list[LabelledDocument]) -> dict:
    """Sentence ROC-AUC and F1 at the detector's threshold, and document accuracy at 0.5."""
    analyses = detector.analyse([d.sentences for d in docs])
    p = np.concatenate([a.probabilities for a in analyses])
    y = _flatten(docs)[1]
    doc_y = np.array([d.spun for d in docs])
    auc = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")
    return {
        "sentence_roc_auc": round(auc, 4),
        "sentence_f1": round(float(f1_score(y, np.concatenate([a.flags(detector.threshold) for a in analyses]))), 4),
        "document_accuracy": round(float(np.mean((np.array([a.likelihood for a in analyses]) >= 0.5) == doc_y)), 4),
    }


def evaluate(detector: Detector, test_docs: list[Document], seed: int) -> dict:
    """:func:`_metrics` at light, medium and heavy spin on held-out documents."""
    return {name: _metrics(detector, labelled_pairs(test_docs, seed, rate)) for name, rate in RATES.items()}


def evaluate_pairs(detector: Detector, pairs: list[Pair]) -> dict:
    """:func:`_metrics` on held-out user pairs."""
    return _metrics(detector, labelled_user_pairs(pairs))


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


def char_ngram_baseline() -> Pipeline:
    """The classical baseline: character 2-5-gram TF-IDF with logistic regression."""
    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True,
                                  max_features=400_000)),
        ("classifier", LogisticRegression(C=4.0, max_iter=2000)),
    ])


def train(docs: list[Document] | None = None, pairs: list[Pair] | None = None, seed: int = 0,
          max_docs: int | None = None, baselines: bool = True, progress: bool = False,
          ood: dict[str, list[Document]] | None = None) -> tuple[Detector, TrainingReport]:
    """Train the detector from clean documents (default: the ``train`` sources of
    :data:`spinfix.corpora.SOURCES`) plus user pairs.

    ``ood`` are clean sources never trained on (default: the ``ood`` sources when ``docs`` is
    the default): half of each joins validation (clean and spun by the ``tune`` tables) and
    sets the flagging threshold, the other half is measured (:mod:`spinfix.detector_evaluation`).
    User pairs are split by pair into train/validation/test like documents. Returns the
    detector and a report of its metrics on held-out documents, beside (``baselines``) the
    same metrics for the two baselines trained on the same data in the same run.
    """
    from .detector_evaluation import transfer_report

    if docs is None:
        docs = [d for source in source_documents("train").values() for d in source]
        ood = source_documents("ood") if ood is None else ood
    splits = split_documents(docs)
    if max_docs:
        splits = {k: v[::max(1, len(v) // max(3, int(max_docs * share)))][:max(3, int(max_docs * share))]
                  for (k, v), share in zip(splits.items(), (0.7, 0.15, 0.15))}
    outside = ood_splits(ood or {}, max_docs)
    pair_splits = split_documents(pairs or [])
    stages = ["label", "fit", "evaluate"] + (["lm_only", "char_ngram_tfidf_lr"] if baselines else [])
    bar = tqdm(total=len(stages), desc="training", unit="stage", disable=not progress)
    train_set = labelled_pairs(splits["train"], seed) + labelled_user_pairs(pair_splits["train"])
    val_set = (labelled_pairs(splits["validation"], seed + 1, role="tune", source="validation")
               + labelled_user_pairs(pair_splits["validation"])
               + [d for n, (name, docs) in enumerate(outside["validation"].items())
                  for d in labelled_pairs(docs, seed + 3 + n, role="tune", source=name)])
    bar.update()
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
    detector = fit_detector(make_sentence_model(), train_set, val_set, info)
    bar.update()
    report = TrainingReport(data={"train_documents": len(splits["train"]),
                                  "validation_documents": len(splits["validation"]),
                                  "test_documents": len(splits["test"]),
                                  "ood_documents": {part: {k: len(v) for k, v in d.items()} for part, d in outside.items()},
                                  "user_pairs": {k: len(v) for k, v in pair_splits.items()},
                                  "train_sentences": len(_flatten(train_set)[0])})
    report.metrics["full_model"] = evaluate(detector, splits["test"], seed + 2)
    report.metrics["transfer"] = transfer_report(
        detector, outside["test"], splits["test"] + [d for v in outside["test"].values() for d in v], seed + 4)
    if pair_splits["test"]:
        report.metrics["user_pairs_test"] = evaluate_pairs(detector, pair_splits["test"])
    bar.update()
    if baselines:
        for name, model in (("lm_only", make_sentence_model(use_vocabulary=False)),
                            ("char_ngram_tfidf_lr", char_ngram_baseline())):
            report.metrics[name] = evaluate(fit_detector(model, train_set, val_set), splits["test"], seed + 2)
            bar.update()
    bar.close()
    detector.info.update(metrics=report.metrics, data=report.data, threshold=detector.threshold)
    return detector, report


__all__ = ["TrainingReport", "evaluate", "evaluate_pairs", "fit_detector", "labelled_pairs",
           "labelled_user_pairs", "train", "write_example_pairs"]
