"""Known spun phrases in scoring: a curated list as evidence, the shipped pairs as names.

The detector's evidence is the language model's, and where that model has no opinion a list
that names the phrase still knows: a paper full of "counterfeit consciousness" (artificial
intelligence) reads well enough to a 1990s trigram model. A :class:`PhraseList` holds the rows
of a dictionary that count, each source with its own bar (``gains``): ``None``, wherever the
phrase matches; a number, only where the spun side is not function words alone and the language
model prefers the original by that much (log10) in that very context.

- **Evidence** (``spinfix score --dictionary LIST``, :meth:`PhraseList.apply`): the ``curated``
  rows (``spinfix dict import`` of a published tortured-phrase list), trusted as listed. A match
  is a suspect with its original; its sentence is at least :data:`LISTED_PROBABILITY` probable
  before it is read in its document's context, and it counts in the document's evidence as the
  strongest band of word evidence, so a document's likelihood grows with the density of listed
  phrases, not with their number. Not ``observed`` rows: a spun form is often common clean
  English too, and on the ``tune`` spinner shapes (``benchmarks/phrase_evidence.py``) one
  aligned pair's observed rows at a gain of 1 took the share of out-of-domain clean documents
  (State of the Union addresses of 1790-1900) at likelihood 0.5 from 2.5 % to 17.5 %, ten
  pairs' to 45 %.
- **Names** (:func:`known_pairs`): in a sentence the detector flagged anyway, the shipped prior
  dictionary's pairs where the model prefers the original by :data:`KNOWN_GAIN`, so that
  ``score`` names what a reference-free restore draws on. They never change a probability or
  a flag.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from .dictionary import (SubstitutionDictionary, default_dictionary, default_dictionary_hash, load_dictionary,
                         match_phrases)
from .errors import SpinfixError
from .features import WordEvidence
from .lm import phrase_fits_many
from .paths import user_cache_dir
from .textio import atomic_write
from .tokenizing import tokenize
from .word_lists import function_words_only

LISTED_PROBABILITY = 0.95  # a sentence with a listed phrase is at least this probable on its own
LISTED_GAIN = 4.0  # the evidence band a listed phrase counts in (GAIN_EDGES' strongest)
KNOWN_GAIN = 1.0  # a shipped pair is named where the original fits this much better (the features' bar)
CURATED = {"curated": None}
REASONS = {"curated": "listed phrase (curated)", "observed": "listed phrase (observed)",
           "prior": "known spinner pair"}


@dataclass(frozen=True)
class ListedEvidence(WordEvidence):
    """A match of a listed phrase: a suspect with its reason, whatever the features found."""

    source: str = "curated"

    @property
    def reason(self) -> str:
        return REASONS[self.source]


class PhraseList:
    """The rows of a dictionary that count, by source (``gains``: source -> the language
    model's required preference for the original, or None for none): for each spun phrase its
    most frequent original, rows counted without a bar first. (Weighing the four most frequent
    by the model's preference instead named fewer right originals on the ``tune`` shapes.)"""

    def __init__(self, dictionary: SubstitutionDictionary, gains: dict[str, float | None] | None = None):
        self.gains = dict(CURATED if gains is None else gains)
        ranked = sorted((self.gains[source] is not None, -entry.count, spun, original, source)
                        for (spun, original, source), entry in dictionary.entries.items()
                        if source in self.gains
                        and (self.gains[source] is None or not function_words_only(spun.split())))
        self.originals: dict[str, tuple[str, str]] = {}
        for _, _, spun, original, source in ranked:
            self.originals.setdefault(spun, (original, source))
        self._dictionary = dictionary

    @cached_property
    def sha256(self) -> str:
        """The dictionary's content hash (computed when a signature asks for it)."""
        return self._dictionary.content_hash()

    @classmethod
    def from_originals(cls, originals: dict[str, tuple[str, str]], gains: dict[str, float | None],
                       sha256: str) -> PhraseList:
        """A phrase list from its table (what :func:`known_pairs` caches)."""
        if not all(isinstance(v, tuple) and len(v) == 2 and v[1] in gains for v in originals.values()):
            raise TypeError("not a phrase table")
        phrases = cls.__new__(cls)
        phrases.gains, phrases.originals = dict(gains), originals
        phrases.__dict__["sha256"] = sha256
        return phrases

    def __len__(self) -> int:
        return len(self.originals)

    def signature(self) -> str:
        """What the score signature names: the dictionary's content hash and what it counts."""
        bars = "".join(f"+{source}{'' if gain is None else f'{gain:g}'}" for source, gain in sorted(self.gains.items()))
        return f"phrases:{self.sha256[:12]}+{len(self)}{bars}"

    def evidence(self, sentence: str) -> list[ListedEvidence]:
        """The listed phrases that count in one sentence (spans in the sentence)."""
        tokens = tokenize(sentence)
        matches = [(i, j, *self.originals[key]) for i, j, key in match_phrases(tokens, self.originals)]
        gated = [m for m in matches if self.gains[m[3]] is not None]
        words = [t.norm for t in tokens]
        fits = phrase_fits_many([(words[:i], [words[i:j], original.split()], words[j:])
                                 for i, j, original, _ in gated]) if gated else []
        gains = {m[:2]: None if None in f else f[1] - f[0] for m, f in zip(gated, fits)}
        found = []
        for i, j, original, source in matches:
            bar = self.gains[source]
            gain = LISTED_GAIN if bar is None else gains[i, j]
            if gain is not None and (bar is None or gain >= bar):
                found.append(ListedEvidence(sentence[tokens[i].start:tokens[j - 1].end], tokens[i].start,
                                            tokens[j - 1].end, gain, 0.0, original, source))
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
                found = overlaid(found, listed)
            out.append(found)
        return probabilities, out


def overlaps(item: WordEvidence, others: list[ListedEvidence]) -> bool:
    """Whether ``item``'s span shares a character with any of ``others``'."""
    return any(item.start < x.end and x.start < item.end for x in others)


def overlaid(evidence: list[WordEvidence], listed: list[ListedEvidence]) -> list[WordEvidence]:
    """``evidence`` with ``listed`` in place of the words they overlap."""
    return [e for e in evidence if not overlaps(e, listed)] + listed


@lru_cache(maxsize=4)
def load_phrase_list(path: str) -> PhraseList:
    """The curated phrase list of the dictionary file at ``path`` (read once per process); a
    file with no curated row raises :class:`SpinfixError`, since scoring with it would change
    nothing."""
    phrases = PhraseList(load_dictionary(path))
    if not len(phrases):
        raise SpinfixError(f"{path}: no curated phrases to count as evidence (scoring counts the rows of "
                           "`spinfix dict import`, not observed or prior pairs)")
    return phrases


@lru_cache(maxsize=1)
def known_pairs() -> PhraseList:
    """The shipped prior dictionary's pairs, named in flagged sentences where the language
    model prefers the original by :data:`KNOWN_GAIN` (loaded on first use, once per process).
    Reading the 31,000-row dictionary takes a fifth of a second, so the pairs it yields are
    cached (:func:`spinfix.paths.user_cache_dir`), named by the dictionary's content hash."""
    gains = {"prior": KNOWN_GAIN}
    sha256 = default_dictionary_hash()
    path = user_cache_dir() / f"known-pairs-{sha256[:16]}-{KNOWN_GAIN:g}.json"
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
        return PhraseList.from_originals({spun: tuple(pair) for spun, pair in table.items()}, gains, sha256)
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    phrases = PhraseList(default_dictionary(), gains)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(phrases.originals, ensure_ascii=False))
    except (OSError, SpinfixError):
        pass  # nowhere to cache: read again next time
    return phrases


__all__ = ["KNOWN_GAIN", "LISTED_PROBABILITY", "ListedEvidence", "PhraseList", "known_pairs", "load_phrase_list",
           "overlaid", "overlaps"]
