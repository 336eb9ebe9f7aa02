"""Training reference-free restoration across a family of spinners: the shipped prior dictionary
from the ``fit`` table shapes, the restorer fit on them (each with a prior that left its shape
out) and its thresholds set on the ``tune`` shapes; each step simulates a user who aligned k
spun/clean pairs of the spinner at hand first (k in :data:`SCENARIOS`).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from .._version import __version__
from ..alignment.aligner import align
from ..detection.detector import Detector
from ..dictionary.substitutions import SubstitutionDictionary
from ..restoration.candidates import Candidate, find_candidates
from ..restoration.decisions import TARGET_PRECISION, is_observed
from ..restoration.knowledge import Knowledge
from ..text.thesaurus import default_thesaurus
from .corpora import Document
from .estimators import RestorerModel
from .labelling import names_in
from .spinner import Spinner, Swap
from .spinner_tables import TableShape, build_table, shapes

SCENARIOS = (0, 1, 3, 10)  # spun/clean pairs of the spinner at hand that the user aligned first


def spin(doc: Document, spec: TableShape, seed: int, names: frozenset[str]) -> tuple[str, list[Swap]]:
    """``doc`` spun by a spinner with ``spec``'s table, at a rate drawn from its range."""
    rate = random.Random(seed).uniform(*spec.rates)
    spun, _, swaps = Spinner(rate, seed=seed, names=names, thesaurus=build_table(spec)).spin_with_swaps(doc.text)
    return spun, swaps


def learn_dictionary(docs: list[Document], spec: TableShape, seed: int = 0, source: str = "observed",
                     names: frozenset[str] | None = None, progress: bool = False) -> SubstitutionDictionary:
    """A dictionary learned the way a user's is: spin each document with ``spec``'s table,
    align the copy with its source, count the pairs (as ``source``)."""
    names = names_in(docs) if names is None else names
    alignments = []
    for k, doc in enumerate(tqdm(docs, desc=f"learning {spec.name}", unit="doc", disable=not progress)):
        spun, _ = spin(doc, spec, seed * 1_000_003 + k, names)
        if spun != doc.text:
            alignments.append(align(spun, doc.text))
    dictionary = SubstitutionDictionary()
    dictionary.add_alignments(alignments, source)
    return dictionary


def learn_prior(docs: list[Document], seed: int = 0, progress: bool = False) -> dict[str, SubstitutionDictionary]:
    """One ``prior`` dictionary per ``fit`` shape, each from its own share of ``docs``."""
    names = names_in(docs)
    fit = shapes("fit")
    return {spec.name: learn_dictionary(docs[k::len(fit)], spec, seed + k, "prior", names, progress)
            for k, spec in enumerate(fit)}


def merged(dictionaries: list[SubstitutionDictionary]) -> SubstitutionDictionary:
    """The dictionaries added together."""
    out = SubstitutionDictionary()
    for d in dictionaries:
        out = out.merge(d)
    return out


def user_dictionaries(pair_docs: list[Document], spec: TableShape, seed: int,
                      names: frozenset[str]) -> dict[int, SubstitutionDictionary]:
    """What a user holds after aligning k spun/clean pairs of one spinner, for each k of
    :data:`SCENARIOS` (nested: the 3 pairs include the first)."""
    alignments = []
    for k, doc in enumerate(pair_docs[:max(SCENARIOS)]):
        spun, _ = spin(doc, spec, seed * 7901 + k, names)
        alignments.append(align(spun, doc.text))
    out = {}
    for k in SCENARIOS:
        dictionary = SubstitutionDictionary()
        dictionary.add_alignments(alignments[:k], "observed")
        out[k] = dictionary
    return out


def swap_truth(swaps: list[Swap]) -> dict[tuple[int, int], str]:
    """What the spinner replaced where: ``(start, end)`` in the spun text to the lowercase original."""
    return {(w.start, w.end): w.original.lower() for w in swaps}


def is_right(candidate, truth: dict[tuple[int, int], str]) -> bool:
    """Whether a candidate or change puts back the spinner's original at the place it replaced it."""
    return truth.get((candidate.start, candidate.end)) == candidate.original.lower()


@dataclass
class Labelled:
    """Candidates found in spun documents, with the truth: per document the candidate groups
    and the spinner's swaps, and one label per candidate (1: the original the spinner replaced)."""

    groups: list[list[list[Candidate]]]
    truths: list[list[Swap]]
    labels: list[int]


def labelled_candidates(docs: list[Document], spec: TableShape, knowledge: Knowledge, detector: Detector | None,
                        seed: int, names: frozenset[str]) -> Labelled:
    """Spin each document with ``spec``'s table, find the candidates ``knowledge`` proposes and
    label each by whether it is the original the spinner replaced at that place."""
    out = Labelled([], [], [])
    for k, doc in enumerate(docs):
        spun, swaps = spin(doc, spec, seed * 7907 + k, names)
        truth = swap_truth(swaps)
        doc_groups = find_candidates(spun, knowledge, detector)
        out.labels += [int(is_right(c, truth)) for g in doc_groups for c in g]
        out.groups.append(doc_groups)
        out.truths.append(swaps)
    return out


def scenario_sets(docs: list[Document], pair_docs: list[Document], spec: TableShape,
                  prior: SubstitutionDictionary, detector: Detector | None, seed: int,
                  names: frozenset[str]) -> dict[int, Labelled]:
    """``docs`` split over the scenarios (k pairs of this spinner aligned), each labelled with
    the knowledge a user would have: their k-pair dictionary, the prior and the thesaurus."""
    users = user_dictionaries(pair_docs, spec, seed, names)
    out = {}
    for n, k in enumerate(SCENARIOS):
        knowledge = Knowledge([users[k], prior], default_thesaurus())
        out[k] = labelled_candidates(docs[n::len(SCENARIOS)], spec, knowledge, detector, seed + n, names)
    return out


def wilson_lower(successes: np.ndarray, trials: np.ndarray, z: float = 1.2816) -> np.ndarray:
    """The lower Wilson score bound of a proportion (``z`` 1.2816: one-sided 90 % confidence)."""
    p = successes / trials
    centre = p + z * z / (2 * trials)
    spread = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return (centre - spread) / (1 + z * z / trials)


def precise_threshold(restorer: RestorerModel, labelled: Labelled, observed: bool | None = None) -> float:
    """The lowest probability at which the restorer's changes on ``labelled`` are right at
    least :data:`TARGET_PRECISION` of the time with 90 % confidence (lower Wilson bound);
    ``observed`` True or False counts only candidates whose pair the user's dictionary holds
    or does not hold (:func:`spinfix.restoration.decisions.is_observed`)."""
    decided = [(p, is_right(c, truth))
               for doc, swaps in zip(labelled.groups, labelled.truths) for truth in (swap_truth(swaps),)
               for c, p in restorer.scored(doc) if observed is None or is_observed(c) == observed]
    decided.sort(reverse=True)
    if not decided:
        return 1.0
    precision = wilson_lower(np.cumsum([ok for _, ok in decided]), np.arange(1, len(decided) + 1))
    meets = [decided[i][0] for i in range(len(decided)) if precision[i] >= TARGET_PRECISION]
    return float(meets[-1]) if meets else 1.0


def fit_restorer(fit_docs: list[Document], pair_docs: list[Document], priors: dict[str, SubstitutionDictionary],
                 detector: Detector | None, seed: int = 0, progress: bool = False) -> RestorerModel:
    """Fit the restorer on the ``fit`` shapes, each with the prior of the *other* fit shapes."""
    names = names_in(fit_docs + pair_docs)
    rows, labels = [], []
    for n, spec in enumerate(tqdm(shapes("fit"), desc="fitting restorer", disable=not progress)):
        prior = merged([d for name, d in priors.items() if name != spec.name])
        for labelled in scenario_sets(fit_docs, pair_docs, spec, prior, detector, seed + 10 * n, names).values():
            rows += [c.row for doc in labelled.groups for g in doc for c in g]
            labels += labelled.labels
    return RestorerModel().fit(rows, labels)


def tune_restorer(restorer: RestorerModel, tune_docs: list[Document], pair_docs: list[Document],
                  prior: SubstitutionDictionary, detector: Detector | None, seed: int = 0) -> RestorerModel:
    """Set the restorer's two thresholds (:func:`precise_threshold`, all scenarios of the
    ``tune`` shapes pooled, with the whole prior); the per-scenario ones go in ``info_``."""
    names = names_in(tune_docs + pair_docs)
    per_scenario, pooled = {}, Labelled([], [], [])
    for n, spec in enumerate(shapes("tune")):
        for k, labelled in scenario_sets(tune_docs, pair_docs, spec, prior, detector, seed + 100 + 10 * n,
                                         names).items():
            per_scenario[f"{spec.name}/k={k}"] = precise_threshold(restorer, labelled)
            pooled.groups += labelled.groups
            pooled.truths += labelled.truths
    restorer.threshold = precise_threshold(restorer, pooled, observed=False)
    restorer.observed_threshold = min(precise_threshold(restorer, pooled, observed=True), restorer.threshold)
    restorer.info_ = {**getattr(restorer, "info_", {}), "thresholds_per_tune_scenario": per_scenario}
    return restorer


def train_restorer(fit_docs: list[Document], tune_docs: list[Document], pair_docs: list[Document],
                   priors: dict[str, SubstitutionDictionary], detector: Detector | None, seed: int = 0,
                   progress: bool = False) -> RestorerModel:
    """:func:`fit_restorer` on the ``fit`` shapes, then :func:`tune_restorer` on the ``tune``
    shapes, which neither the prior nor the fit saw."""
    restorer = fit_restorer(fit_docs, pair_docs, priors, detector, seed, progress)
    restorer.info_ = {
        "spinfix_version": __version__, "target_precision": TARGET_PRECISION,
        "trained_on": (f"{len(fit_docs)} documents spun by each fit table shape "
                       f"({', '.join(s.name for s in shapes('fit'))}) in scenarios k={list(SCENARIOS)}; "
                       f"thresholds set on {len(tune_docs)} documents spun by the tune shapes "
                       f"({', '.join(s.name for s in shapes('tune'))})"),
        "command": "spinfix dict learn",
    }
    return tune_restorer(restorer, tune_docs, pair_docs, merged(list(priors.values())), detector, seed)


PAIR_DOCS = max(SCENARIOS)  # documents set aside as the user's spun/clean pairs


def learn_restoration(splits: dict[str, list[Document]], detector: Detector | None, max_docs: int | None = None,
                      restorer_docs: int = 200, seed: int = 0,
                      progress: bool = False) -> tuple[SubstitutionDictionary, RestorerModel]:
    """The shipped restoration knowledge from the corpus splits: the ``prior`` dictionary from
    the training documents spun by the ``fit`` shapes, and the restorer fit and tuned on
    validation documents (which the detector's sentence model never saw), ``restorer_docs``
    each, with the user's pairs taken from training documents the prior never saw."""
    train = splits["train"][:max_docs] if max_docs else splits["train"]
    pair_docs, prior_docs = train[-PAIR_DOCS:], train[:-PAIR_DOCS]
    priors = learn_prior(prior_docs, seed, progress)
    validation = splits["validation"]
    half = min(restorer_docs, len(validation) // 2)
    restorer = train_restorer(validation[:half], validation[half:2 * half], pair_docs, priors, detector, seed,
                              progress)
    return merged(list(priors.values())), restorer


__all__ = ["PAIR_DOCS", "SCENARIOS", "Labelled", "fit_restorer", "is_right", "labelled_candidates", "learn_dictionary",
           "learn_prior", "learn_restoration", "merged", "precise_threshold", "scenario_sets", "spin", "swap_truth",
           "train_restorer", "tune_restorer", "user_dictionaries", "wilson_lower"]
