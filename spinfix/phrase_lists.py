"""Known spun phrases as evidence in scoring (``spinfix score --dictionary LIST``).

The detector's evidence is the language model's, and where that model has no opinion a list
that names the phrase still knows: a paper full of "counterfeit consciousness" (artificial
intelligence) reads well enough to a 1990s trigram model. The ``curated`` rows of a dictionary
(``spinfix dict import`` of a published tortured-phrase list) count wherever they match: they
are trusted as listed. ``prior`` rows never count (the shipped synthetic dictionary is what the
detector was trained on already), and ``observed`` rows (a user's aligned copies) only when
asked for, with ``observed_gain``: where the spun side is not function words alone and the
language model prefers the original by that much (log10) in that very context. Not by default,
because a spun form is often common clean English too: measured on the ``tune`` spinner shapes
(``benchmarks/phrase_evidence.py``), one aligned pair's observed rows at a gain of 1 took the
share of out-of-domain clean documents (State of the Union addresses of 1790-1900) at
likelihood 0.5 from 2.5 % to 17.5 %, and ten pairs' to 45 %.

A counted match is a suspect with its original, named as listed; its sentence is at least
:data:`LISTED_PROBABILITY` probable before the sentence is read in its document's context, and
it counts in the document's evidence as the strongest band of word evidence, so a document's
likelihood grows with the density of listed phrases, not with their number.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .dictionary import SubstitutionDictionary, load_dictionary, match_phrases
from .errors import SpinfixError
from .features import WordEvidence
from .lm import default_lm, phrase_fits
from .tokenizing import tokenize
from .word_lists import function_words_only

LISTED_PROBABILITY = 0.95  # a sentence with a listed phrase is at least this probable on its own
LISTED_GAIN = 4.0  # the evidence band a listed phrase counts in (GAIN_EDGES' strongest)


@dataclass(frozen=True)
class ListedEvidence(WordEvidence):
    """A match of a listed phrase: a suspect whatever the language model says."""

    source: str = "curated"

    @property
    def reason(self) -> str:
        return f"listed phrase ({self.source})"


class PhraseList:
    """The pairs of a dictionary that scoring counts as evidence (see the module's docstring):
    for each spun phrase its most frequent original, curated rows before observed ones
    (observed rows only with ``observed_gain``)."""

    def __init__(self, dictionary: SubstitutionDictionary, observed_gain: float | None = None):
        self.observed_gain = observed_gain
        counted = {"curated"} if observed_gain is None else {"curated", "observed"}
        ranked = sorted((source != "curated", -entry.count, spun, original, source)
                        for (spun, original, source), entry in dictionary.entries.items()
                        if source in counted and (source == "curated" or not function_words_only(spun.split())))
        self.originals: dict[str, tuple[str, str]] = {}
        for _, _, spun, original, source in ranked:
            self.originals.setdefault(spun, (original, source))
        self.sha256 = dictionary.content_hash()

    def __len__(self) -> int:
        return len(self.originals)

    def signature(self) -> str:
        """What the score signature names: the dictionary's content hash and what it counts."""
        observed = "" if self.observed_gain is None else f"+observed{self.observed_gain:g}"
        return f"phrases:{self.sha256[:12]}+{len(self)}{observed}"

    def evidence(self, sentence: str) -> list[ListedEvidence]:
        """The listed phrases that count as evidence in one sentence (spans in the sentence)."""
        tokens = tokenize(sentence)
        found = []
        for i, j, key in match_phrases(tokens, self.originals):
            original, source = self.originals[key]
            if source == "observed" and not _prefers(tokens, i, j, original, self.observed_gain):
                continue
            found.append(ListedEvidence(sentence[tokens[i].start:tokens[j - 1].end], tokens[i].start,
                                        tokens[j - 1].end, LISTED_GAIN, 0.0, original, source))
        return found

    def apply(self, sentences: list[str], probabilities: np.ndarray,
              evidence: list[list[WordEvidence]]) -> tuple[np.ndarray, list[list[WordEvidence]]]:
        """Sentence probabilities and word evidence with the listed phrases added: a listed
        match replaces the word evidence it overlaps and lifts its sentence's probability."""
        probabilities = np.array(probabilities, dtype=float)
        out = []
        for k, (sentence, found) in enumerate(zip(sentences, evidence)):
            listed = self.evidence(sentence)
            if listed:
                probabilities[k] = max(probabilities[k], LISTED_PROBABILITY)
                found = [e for e in found if not any(e.start < x.end and x.start < e.end for x in listed)] + listed
            out.append(found)
        return probabilities, out


def _prefers(tokens, i: int, j: int, original: str, gain: float) -> bool:
    """Whether the language model finds ``original`` a better fit than ``tokens[i:j]`` there,
    by ``gain`` (log10) at least."""
    words = [t.norm for t in tokens]
    own, fit = phrase_fits(default_lm(), words[:i], [words[i:j], original.split()], words[j:])
    return own is not None and fit is not None and fit - own >= gain


@lru_cache(maxsize=4)
def load_phrase_list(path: str) -> PhraseList:
    """The phrase list of the dictionary file at ``path`` (read once per process); a file with
    no row to count raises :class:`SpinfixError`, since scoring with it would change nothing."""
    phrases = PhraseList(load_dictionary(path))
    if not len(phrases):
        raise SpinfixError(f"{path}: no curated phrases to count as evidence (scoring counts the rows of "
                           "`spinfix dict import`, not observed or prior pairs)")
    return phrases


__all__ = ["LISTED_PROBABILITY", "ListedEvidence", "PhraseList", "load_phrase_list"]
