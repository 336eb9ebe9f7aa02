"""The public API: :func:`load` gives the detector, the restorer and the judge in one object
(:class:`Spinfix`), and a function for each thing spinfix does. Every result is a dataclass with
``to_dict()``, which is what the command line prints with ``--json``."""
from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .alignment.aligner import Alignment
from .alignment.aligner import align as _align
from .corpus.screening import ScreenSummary
from .corpus.screening import screen as _screen
from .corpus.source_index import SourceIndex, SourceResult, load_index
from .corpus.source_index import find_source as _find_source
from .detection.detector import Detector, load_detector
from .detection.loading import load_scorer
from .detection.neural_detector import NeuralDetector
from .detection.phrase_evidence import load_phrase_list
from .detection.results import DocumentScore
from .dictionary.storage import load_dictionary as _load_dictionary
from .dictionary.substitutions import SubstitutionDictionary
from .judge import Judge, default_judge
from .judge.loading import load_judge
from .judge.neural import NeuralJudge
from .persist.files import atomic_write
from .reports.html import render_report, report_documents
from .restoration.decisions import RestorerDecisions, TrustingRestorer
from .restoration.restorations import Restoration, restore_with_reference, restore_without_reference
from .restoration.restorer import default_restorer, load_restorer

Dictionary = SubstitutionDictionary | str | os.PathLike  # a dictionary, or the path of its file


class Spinfix:
    """The models spinfix works with, loaded once: the ``detector`` (scores), the ``restorer``
    (decides reference-free changes) and the ``judge`` (the language model that says how well a
    phrase fits its context). Made by :func:`load`.

    Examples
    --------
    >>> sf = load()
    >>> sf
    Spinfix(judge='trigram', detector='spinfix-0.1.0-seed0', restorer threshold 0...)
    >>> sf.score("The soiled bomb was stated to be massive by the shut U.S. ally.").spin_likelihood > 0.5
    True
    """

    def __init__(self, detector: Detector | NeuralDetector, restorer: RestorerDecisions | TrustingRestorer,
                 judge: Judge | NeuralJudge):
        self._detector, self._restorer, self._judge = detector, restorer, judge

    @property
    def detector(self) -> Detector | NeuralDetector:
        """The detector (immutable)."""
        return self._detector

    @property
    def restorer(self) -> RestorerDecisions | TrustingRestorer:
        """The restorer (immutable)."""
        return self._restorer

    @property
    def judge(self) -> Judge:
        """The judge."""
        return self._judge

    def __repr__(self) -> str:
        threshold = getattr(self._restorer, "threshold", None)
        return (f"Spinfix(judge={self._judge.name!r}, detector={self._detector.info.get('name', 'custom')!r}, "
                + (f"restorer threshold {threshold:.3f})" if threshold is not None else "trusting restorer)"))

    def score(self, text: str, name: str = "-", threshold: float | None = None) -> DocumentScore:
        """How likely ``text`` was spun, and which sentences and words say so.

        Parameters
        ----------
        text : str
            One document.
        name : str
            What the result calls it (its ``file``).
        threshold : float, optional
            Flag sentences from this probability instead of the model's own threshold.

        Returns
        -------
        DocumentScore
            The spin likelihood (calibrated, 0-1), every sentence with its probability, the
            flagged ones with their suspect words, and the signature of the run.

        Examples
        --------
        >>> score = load().score("The soiled bomb was stated to be massive by the shut U.S. ally.")
        >>> [(w.word, w.original) for s in score.flagged for w in s.suspects][:2]
        [('soiled', 'dirty'), ('stated', None)]
        """
        return self._detector.score_text(text, name, threshold)

    def score_many(self, texts: Sequence[str], names: Sequence[str] | None = None,
                   threshold: float | None = None) -> list[DocumentScore]:
        """:meth:`score` for several documents in one pass of the models (much faster than one
        at a time; the same results).

        Parameters
        ----------
        texts : sequence of str
            The documents.
        names : sequence of str, optional
            What each result calls its document.
        threshold : float, optional
            As for :meth:`score`.

        Returns
        -------
        list of DocumentScore

        Examples
        --------
        >>> scores = load().score_many(["The army said it would provide food.", "The soiled bomb was massive."])
        >>> [s.spin_likelihood > 0.5 for s in scores]
        [False, True]
        """
        return self._detector.score_texts(list(texts), list(names) if names is not None else None, threshold)

    def restore(self, text: str, reference: str | None = None, dictionary: Dictionary | None = None,
                only_dictionary: bool = False) -> Restoration:
        """Undo the spinning of ``text``: against its clean source ``reference`` when you have
        it (every aligned phrase put back), else from what spinfix knows (a ``dictionary`` of
        yours, the shipped prior dictionary and the thesaurus), where the detector finds the
        text spun and the restorer is confident.

        Parameters
        ----------
        text : str
            The spun text.
        reference : str, optional
            Its clean source.
        dictionary : SubstitutionDictionary or path, optional
            Without a reference: pairs you know (``spinfix align --save-pairs``), used beside
            the shipped knowledge.
        only_dictionary : bool
            Without a reference: restore from ``dictionary`` alone.

        Returns
        -------
        Restoration
            The restored text and each change, with offsets into ``text``.

        Examples
        --------
        >>> sf = load()
        >>> sf.restore("The soiled bomb was massive.", reference="The dirty bomb was massive.").restored
        'The dirty bomb was massive.'
        >>> spun = ("The trends we mean to correct can't be cured overnight; we must be willing to see "
        ...         "this programme through. To ensure that we do so I am setting a growth rate for defence "
        ...         "that we can sustain over the yearn haul.")  # a State of the Union address, spun
        >>> [(c.spun, c.original) for c in sf.restore(spun).substitutions]
        [('mean', 'intend'), ('yearn', 'long')]
        """
        if reference is not None:
            return restore_with_reference(text, reference)
        return restore_without_reference(text, _dictionary(dictionary), self._detector, self._restorer,
                                         only_dictionary, self._judge)


def _dictionary(dictionary: Dictionary | None) -> SubstitutionDictionary | None:
    if dictionary is None or isinstance(dictionary, SubstitutionDictionary):
        return dictionary
    return _load_dictionary(dictionary)


def load(judge: str | None = None, model: str | None = None, restorer: str | None = None,
         phrase_list: str | None = None) -> Spinfix:
    """The detector, the restorer and the judge, ready to score and restore.

    Parameters
    ----------
    judge : str
        The language model that judges how well phrases fit (:data:`spinfix.judge.JUDGES`).
    model : str, optional
        A detector model file (``spinfix train``); default: the shipped one.
    restorer : str, optional
        A restorer model file (``spinfix dict learn``); default: the shipped one.
    phrase_list : str, optional
        A dictionary file whose curated phrases count as evidence in scoring.

    Returns
    -------
    Spinfix

    Examples
    --------
    >>> load(judge="trigram").judge.name
    'trigram'
    """
    judge = judge or default_judge()
    detector = load_scorer(model, judge)
    if phrase_list is not None:
        detector = detector.with_phrases(load_phrase_list(phrase_list))
    return Spinfix(detector, load_restorer(restorer) if restorer else default_restorer(), load_judge(judge))


@lru_cache(maxsize=1)
def _shipped() -> Spinfix:
    """The shipped models, loaded once for the module-level functions."""
    return load()


def score(text: str, threshold: float | None = None) -> DocumentScore:
    """Score one document with the shipped models (:meth:`Spinfix.score`).

    Parameters
    ----------
    text : str
        The document.
    threshold : float, optional
        Flag sentences from this probability instead of the model's.

    Returns
    -------
    DocumentScore

    Examples
    --------
    >>> import spinfix
    >>> round(spinfix.score("The army said it would provide food.").spin_likelihood, 2) < 0.5
    True
    """
    return _shipped().score(text, threshold=threshold)


def restore(text: str, reference: str | None = None, dictionary: Dictionary | None = None) -> Restoration:
    """Restore ``text`` with the shipped models (:meth:`Spinfix.restore`); with a ``reference``
    no model is loaded.

    Parameters
    ----------
    text : str
        The spun text.
    reference : str, optional
        Its clean source.
    dictionary : SubstitutionDictionary or path, optional
        Pairs you know, used beside the shipped knowledge (without a reference).

    Returns
    -------
    Restoration

    Examples
    --------
    >>> import spinfix
    >>> spinfix.restore("The soiled bomb.", reference="The dirty bomb.").to_dict()["restored"]
    'The dirty bomb.'
    """
    if reference is not None:
        return restore_with_reference(text, reference)
    return _shipped().restore(text, dictionary=dictionary)


def align(spun: str, reference: str) -> Alignment:
    """Align a spun text with its clean source: the sentences that correspond, and every
    substitution with its offsets in both texts.

    Parameters
    ----------
    spun : str
        The spun text.
    reference : str
        Its source (a :class:`~spinfix.errors.SpinfixError` when they share no sentence).

    Returns
    -------
    Alignment

    Examples
    --------
    >>> import spinfix
    >>> [(s.spun, s.original) for s in spinfix.align("The soiled bomb.", "The dirty bomb.").substitutions]
    [('soiled', 'dirty')]
    """
    return _align(spun, reference)


def find_source(text: str, index: SourceIndex | str | os.PathLike, top: int = 1,
                restore: bool = False) -> SourceResult:
    """The documents of an index that ``text`` was most likely spun from, best first.

    Parameters
    ----------
    text : str
        The spun copy.
    index : SourceIndex or path
        An index (``spinfix index``, :func:`spinfix.corpus.source_index.build_index`).
    top : int
        How many sources to report.
    restore : bool
        Also restore ``text`` against the best source.

    Returns
    -------
    SourceResult

    Examples
    --------
    >>> import spinfix
    >>> from spinfix.corpus.source_index import SourceIndex
    >>> index = SourceIndex()
    >>> index.add("source", "Officials in Taipei said the Kaohsiung plant reopened on 12 May 1987 after repairs.")
    >>> found = spinfix.find_source("Officials in Taipei stated the Kaohsiung factory reopened on 12 May 1987.", index)
    >>> found.matches[0].doc_id
    'source'
    """
    if not isinstance(index, SourceIndex):
        index = load_index(index)
    return _find_source(text, index, top=top, restore=restore)


def screen(paths: Sequence[str], output: str, sources: str | None = None, workers: int | None = None,
           scheduler: str | None = None, model: str | None = None, glob: str = "*.txt") -> ScreenSummary:
    """Screen a collection into the directory ``output``: score every document, find each
    copy's source (in ``sources`` and in the collection), restore it, learn the dictionary of
    the pairs found, and restore the spun documents without a source from it. A rerun finishes
    an interrupted one.

    Parameters
    ----------
    paths : sequence of str
        Text files, directories or JSONL files of ``{"id", "text"}``.
    output : str
        The directory the results go to.
    sources : str, optional
        An index of possible sources (``spinfix index``).
    workers : int, optional
        Worker processes (default: all cores).
    scheduler : str, optional
        A Dask scheduler's address, or ``"local"`` for a LocalCluster.
    model : str, optional
        A detector model file.
    glob : str
        Which files a directory gives.

    Returns
    -------
    ScreenSummary

    Examples
    --------
    >>> import spinfix, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("The soiled bomb was stated to be massive by the shut U.S. ally.")
    >>> spinfix.screen([str(folder)], str(folder / "out"), workers=1).documents
    1
    """
    return _screen(list(paths), output, sources, scheduler, workers, model, glob)


def report(paths: Sequence[str], output: str | None = None, reference: str | None = None, restore: bool = False,
           dictionary: str | None = None, phrase_list: str | None = None) -> str:
    """A self-contained HTML page of the files' scores (and restorations), as ``spinfix report``
    makes it.

    Parameters
    ----------
    paths : sequence of str
        Text files.
    output : str, optional
        Also write the page here.
    reference : str, optional
        Restore the (one) file against this source, shown as a diff.
    restore : bool
        Restore each file without a reference, shown as a diff.
    dictionary : str, optional
        With ``restore``: a dictionary file to restore with.
    phrase_list : str, optional
        A dictionary file whose curated phrases count as evidence.

    Returns
    -------
    str
        The HTML page.

    Examples
    --------
    >>> import spinfix, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "spun.txt"
    >>> _ = path.write_text("The soiled bomb was stated to be massive by the shut U.S. ally.")
    >>> spinfix.report([str(path)]).startswith("<!DOCTYPE html>")
    True
    """
    html = render_report(report_documents(list(paths), reference, restore, dictionary, phrase_list=phrase_list))
    if output is not None:
        atomic_write(output, html)
    return html


def train(docs: list | None = None, pairs: list | None = None, seed: int = 0, max_docs: int | None = None,
          baselines: bool = True, progress: bool = False):
    """Train a detector on the corpora (or ``docs``) plus your spun/clean ``pairs``, and measure
    it on held-out documents.

    Parameters
    ----------
    docs : list of Document, optional
        Clean documents to train on (default: the training corpora that ``setup.sh`` installs).
    pairs : list of Pair, optional
        Your own spun/clean pairs (:func:`load_pairs`).
    seed : int
        For the synthetic spinner and the splits.
    max_docs : int, optional
        Use only this many corpus documents (quick runs).
    baselines : bool
        Also train and measure the two baselines.
    progress : bool
        Show progress bars.

    Returns
    -------
    tuple of (Detector, TrainingReport)
        The detector (``detector.save(path)`` writes its model file) and its metrics.

    Examples
    --------
    >>> import spinfix
    >>> detector, report = spinfix.train(max_docs=60, baselines=False)  # doctest: +SKIP
    >>> sorted(report.metrics["full_model"])  # doctest: +SKIP
    ['heavy', 'light', 'medium']
    """
    from .training.detector_trainer import train as _train  # scikit-learn loads in a second: only when training

    return _train(docs=docs, pairs=pairs, seed=seed, max_docs=max_docs, baselines=baselines, progress=progress)


def example_pairs(directory: str | os.PathLike, count: int = 12, seed: int = 1) -> list:
    """Write ``count`` spun/clean pairs made from held-out corpus documents (which training never
    sees) into ``directory``, as ``NAME.spun.txt`` + ``NAME.clean.txt``: something to try
    :func:`train` and :func:`cross_validate` on before you have pairs of your own.

    Parameters
    ----------
    directory : str or PathLike
    count : int
    seed : int
        For the synthetic spinner.

    Returns
    -------
    list of Path
        The spun files written.

    Examples
    --------
    >>> import spinfix, tempfile
    >>> [p.name.endswith(".spun.txt") for p in spinfix.example_pairs(tempfile.mkdtemp(), count=2)]
    [True, True]
    """
    from .training.corpora import split_documents, training_documents  # the training layer: only when asked for
    from .training.labelling import write_example_pairs  # the training layer: only when asked for

    return write_example_pairs(directory, split_documents(training_documents())["test"][:count], seed=seed)


def cross_validate(pairs: list, folds: int = 3):
    """How well a sentence model learns your spinner from your pairs alone: the sentence
    ROC-AUC of each fold (a pair's spun and clean sides stay in one fold).

    Parameters
    ----------
    pairs : list of Pair
        At least two (:func:`load_pairs`).
    folds : int
        At most this many folds (fewer with fewer pairs).

    Returns
    -------
    numpy.ndarray
        One ROC-AUC per fold.

    Examples
    --------
    >>> import spinfix, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = spinfix.example_pairs(folder, count=4)
    >>> len(spinfix.cross_validate(spinfix.load_pairs(folder), folds=2))  # doctest: +SKIP
    2
    """
    from sklearn.model_selection import GroupKFold, cross_val_score  # scikit-learn loads in a second: only when training

    from .training.estimators import make_sentence_model  # the training layer: only when asked for
    from .training.labelling import labelled_user_pairs  # the training layer: only when asked for

    docs = labelled_user_pairs(pairs)
    sentences = [s for d in docs for s in d.sentences]
    labels = [label for d in docs for label in d.labels]
    groups = [k // 2 for k, d in enumerate(docs) for _ in d.sentences]  # a pair's two sides stay together
    return cross_val_score(make_sentence_model(), sentences, labels, groups=groups,
                           cv=GroupKFold(min(folds, len(pairs))), scoring="roc_auc")


def held_out_predictions(detector: Detector, pairs: list) -> tuple:
    """The detector's sentence probabilities (in their documents' context) on your pairs that
    :func:`train` did not train on, with the truth; when every pair went to training, on spun
    copies of held-out corpus documents instead.

    Parameters
    ----------
    detector : Detector
    pairs : list of Pair

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray, str)
        Each sentence's label (1: spun), its probability, and which sentences they are.

    Examples
    --------
    >>> import spinfix
    >>> truth, probabilities, where = spinfix.held_out_predictions(spinfix.load().detector, [])
    >>> where, len(truth) == len(probabilities) > 100
    ('spun copies of held-out corpus documents', True)
    """
    from .training.corpora import split_documents, split_of, training_documents  # the training layer: when asked for
    from .training.labelling import labelled_pairs, labelled_user_pairs  # the training layer: when asked for

    docs = labelled_user_pairs(pairs)
    test_docs = [d for d, p in zip(docs, [p for p in pairs for _ in (0, 1)]) if split_of(p.name) != "train"]
    where = "your held-out pairs"
    if not test_docs:
        held_out = split_documents(training_documents())["test"]
        test_docs, where = labelled_pairs(held_out[:20], seed=2), "spun copies of held-out corpus documents"
    analyses = detector.analyse([d.sentences for d in test_docs])
    return (np.array([label for d in test_docs for label in d.labels]),
            np.concatenate([a.probabilities for a in analyses]), where)


def load_pairs(directory: str | os.PathLike):
    """Your spun/clean pairs from ``DIR/NAME.spun.txt`` + ``DIR/NAME.clean.txt`` (for :func:`train`).

    Parameters
    ----------
    directory : str or PathLike

    Returns
    -------
    list of Pair

    Examples
    --------
    >>> import spinfix, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.spun.txt").write_text("The soiled bomb.")
    >>> _ = (folder / "a.clean.txt").write_text("The dirty bomb.")
    >>> [p.name for p in spinfix.load_pairs(folder)]
    ['a']
    """
    from .training.corpora import load_pairs as _load_pairs  # the training layer: only when asked for

    return _load_pairs(directory)


def score_text(text: str, model: str | None = None, threshold: float | None = None) -> DocumentScore:
    """Deprecated: :func:`score` (or :meth:`Spinfix.score` of ``load(model=...)``)."""
    return load_detector(model).score_text(text, threshold=threshold)


def load_dictionary(path: str | os.PathLike) -> SubstitutionDictionary:
    """Read a substitution dictionary file (``spinfix align --save-pairs``, ``dict import``).

    Parameters
    ----------
    path : str or PathLike

    Returns
    -------
    SubstitutionDictionary

    Examples
    --------
    >>> import spinfix, tempfile, pathlib
    >>> mine = spinfix.SubstitutionDictionary()
    >>> mine.add_alignment(spinfix.align("The soiled bomb.", "The dirty bomb."))
    1
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mine.tsv"
    >>> spinfix.save_dictionary(mine, path)
    >>> spinfix.load_dictionary(path).count("soiled", "dirty")
    1
    """
    return _load_dictionary(path)


__all__ = ["Spinfix", "align", "cross_validate", "example_pairs", "find_source", "held_out_predictions", "load",
           "load_dictionary", "load_pairs", "report", "restore", "score", "screen", "train"]
