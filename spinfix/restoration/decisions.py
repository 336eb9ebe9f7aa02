"""How a restorer decides: the best candidate of each match, the change it makes at its
thresholds, and where the detector lets it act at all; and the trusting restorer that applies a
curated list as listed."""
from __future__ import annotations

import numpy as np

from .candidates import Candidate, CandidateTable
from .rows import CANDIDATE_ROW

TARGET_PRECISION = 0.9  # what the thresholds are set for, on spinners the restorer was not fit on
column = CANDIDATE_ROW.index


class RestorerDecisions:
    """What a restore asks of a restorer: the best candidate of each match (:meth:`scored`), the
    change it makes (:meth:`decide`) and where it may act (:meth:`acts_on`), from
    :meth:`predict_proba` and the thresholds and gates. A change is made from probability
    ``threshold``, or ``observed_threshold`` for a content-word pair the user's own aligned
    pairs (or a curated list) hold (:func:`is_observed`): such a pair is evidence about the
    spinner at hand, so it may act on less context than a thesaurus guess. Nothing is changed in
    a document whose spin likelihood is under ``min_likelihood``, nor in a sentence whose
    probability is under ``min_sentence``: a text the detector finds clean keeps its words.
    :class:`~spinfix.training.estimators.RestorerModel` learns them; :class:`~spinfix.restoration.restorer.Restorer`
    is what a model file keeps."""

    threshold: float
    observed_threshold: float
    min_likelihood: float
    min_sentence: float

    def predict_proba(self, X) -> np.ndarray:
        raise NotImplementedError

    def scored(self, groups: CandidateTable | list[list[Candidate]]) -> list[tuple[Candidate, float]]:
        """The best candidate of each match where the detector finds the text spun, with its
        probability, whatever the threshold. (A match's candidates share its context, so the
        matches in text the detector finds clean are left out before the model is called.)"""
        table = CandidateTable.of(groups)
        return [(table.candidate(k, g), p) for g, k, p in self._best(table)]

    def decide(self, groups: CandidateTable | list[list[Candidate]]) -> list[tuple[Candidate, float]]:
        """The best candidate of each match whose probability reaches its threshold (only those
        that reach the lower of the two thresholds are made into candidates at all)."""
        table = CandidateTable.of(groups)
        floor = min(self.threshold, self.observed_threshold)
        best = [(table.candidate(k, g), p) for g, k, p in self._best(table) if p >= floor]
        return [(c, p) for c, p in best if p >= self.threshold_for(c)]

    def _best(self, table: CandidateTable) -> list[tuple[int, int, float]]:
        """Each acting match's best row (the first of the most probable) as (match, row,
        probability), all matches' rows scored in one call."""
        first = table.rows[table.bounds[:-1]]
        likelihood, probability = column("document_likelihood"), column("sentence_probability")
        acting = np.array([g for g, row in enumerate(first.tolist()) if self.acts_on(row[likelihood], row[probability])],
                          dtype=np.intp)
        if not acting.size:
            return []
        bounds = np.array(table.bounds)
        sizes = bounds[acting + 1] - bounds[acting]
        starts = np.cumsum(sizes) - sizes
        at = np.repeat(bounds[acting] - starts, sizes) + np.arange(int(sizes.sum()))
        probs = self.predict_proba(table.rows[at])[:, 1]
        peak = np.maximum.reduceat(probs, starts)
        top = np.minimum.reduceat(np.where(probs == np.repeat(peak, sizes), np.arange(len(probs)), len(probs)), starts)
        return list(zip(acting.tolist(), at[top].tolist(), peak.tolist()))

    def threshold_for(self, candidate: Candidate) -> float:
        """``observed_threshold`` for a pair the user's dictionary holds, else ``threshold``."""
        return self.observed_threshold if is_observed(candidate) else self.threshold

    def acts_on(self, likelihood: float, probability: float) -> bool:
        """Whether the detector finds both the document (``likelihood``) and the sentence
        (``probability``) likely spun enough for a change to be made there."""
        return likelihood >= self.min_likelihood and probability >= self.min_sentence


def is_observed(candidate: Candidate) -> bool:
    """Whether the user's own pairs (observed or curated) hold this candidate's pair and its
    spun side is not function words alone ("in", "so": common clean English that needs the
    stricter bar whatever the dictionary says)."""
    row = candidate.row
    return (row[column("observed")] > 0 or row[column("curated")] > 0) and not row[column("function_word")]


class TrustingRestorer:
    """Replaces every dictionary match by its most frequent original (thesaurus proposals are
    ignored). Right for a curated list of tortured phrases, where every match is a known bad
    phrase; for a learned dictionary it is the naive baseline that the learned restorer is
    measured against."""

    def decide(self, groups: CandidateTable | list[list[Candidate]]) -> list[tuple[Candidate, float]]:
        table = CandidateTable.of(groups)
        return [(table.candidate(k, g), 1.0) for g, k in enumerate(table.bounds[:-1]) if table.listed[k]]

    def acts_on(self, likelihood: float, probability: float) -> bool:
        """Everywhere: a trusted list is applied whatever the detector says."""
        return True


__all__ = ["TARGET_PRECISION", "RestorerDecisions", "TrustingRestorer", "is_observed"]
