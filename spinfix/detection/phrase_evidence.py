"""Known spun phrases in scoring: a curated list counted as evidence, and the shipped prior
dictionary's pairs named as suspects.

- **Evidence** (``spinfix score --phrase-list LIST``, :meth:`PhraseList.apply`): the ``curated``
  rows of a dictionary (``spinfix dict import`` of a published tortured-phrase list), trusted as
  listed: a match is a suspect with its original, its sentence is at least
  :data:`LISTED_PROBABILITY` probable on its own, and it counts in its document's evidence as
  the strongest band of word evidence. Not ``observed`` rows: a spun form is often common clean
  English too (``benchmarks/phrase_evidence.py`` measures what they would cost).
- **Names** (:func:`known_pairs`): in a sentence the detector flagged anyway, the shipped prior
  dictionary's pairs where the language model prefers the original by :data:`KNOWN_GAIN`, so
  that ``score`` names what a reference-free restore draws on. They never change a probability.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..dictionary.storage import default_dictionary, default_dictionary_hash, load_dictionary
from ..dictionary.substitutions import SubstitutionDictionary
from ..errors import SpinfixError
from ..judge.trigram import phrase_fits_many
from ..persist.files import atomic_write
from ..persist.paths import user_cache_dir
from ..text.phrases import match_phrases
from ..text.tokens import tokenize
from ..text.words import function_words_only
from .features import WordEvidence

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

    def __init__(self, dictionary: SubstitutionDictionary, gains: dict[str, float | None] | None = None,
                 originals: dict[str, tuple[str, str]] | None = None, sha256: str | None = None):
        self.gains = dict(CURATED if gains is None else gains)
        if originals is None:
            ranked = sorted((self.gains[source] is not None, -entry.count, spun, original, source)
                            for (spun, original, source), entry in dictionary.entries.items()
                            if source in self.gains
                            and (self.gains[source] is None or not function_words_only(spun.split())))
            originals = {}
            for _, _, spun, original, source in ranked:
                originals.setdefault(spun, (original, source))
        self.originals: dict[str, tuple[str, str]] = originals
        self._dictionary = dictionary
        self._sha256 = sha256

    @property
    def dictionary(self) -> SubstitutionDictionary:
        """The dictionary the list was made from."""
        return self._dictionary

    @property
    def sha256(self) -> str:
        """The dictionary's content hash (computed when a signature first asks for it)."""
        if self._sha256 is None:
            self._sha256 = self._dictionary.content_hash()
        return self._sha256

    @classmethod
    def from_originals(cls, originals: dict[str, tuple[str, str]], gains: dict[str, float | None],
                       sha256: str) -> PhraseList:
        """A phrase list from its table (what :func:`known_pairs` caches)."""
        if not all(isinstance(v, tuple) and len(v) == 2 and v[1] in gains for v in originals.values()):
            raise TypeError("not a phrase table")
        return cls(SubstitutionDictionary(), gains, originals, sha256)

    def __len__(self) -> int:
        return len(self.originals)

    def signature(self) -> str:
        """What the score signature names: the dictionary's content hash and what it counts."""
        bars = "".join(f"+{source}{'' if gain is None else f'{gain:g}'}" for source, gain in sorted(self.gains.items()))
        return f"phrases:{self.sha256[:12]}+{len(self)}{bars}"

    def evidence(self, sentence: str) -> list[ListedEvidence]:
        """The listed phrases that count in one sentence (spans in the sentence)."""
        return self.evidence_many([sentence])[0]

    def evidence_many(self, sentences: list[str]) -> list[list[ListedEvidence]]:
        """:meth:`evidence` of several sentences, the language model's fits of all their gated
        matches asked in one batch (a batch costs about as much as one sentence's)."""
        found, requests = [], []
        for sentence in sentences:
            tokens = tokenize(sentence)
            matches = [(i, j, *self.originals[key]) for i, j, key in match_phrases(tokens, self.originals)]
            gated = [m for m in matches if self.gains[m[3]] is not None]
            words = [t.norm for t in tokens]
            requests += [(words[:i], [words[i:j], original.split()], words[j:]) for i, j, original, _ in gated]
            found.append((sentence, tokens, matches, gated))
        fits = iter(phrase_fits_many(requests) if requests else [])
        return [self._counted(sentence, tokens, matches, {m[:2]: None if None in f else f[1] - f[0]
                                                          for m, f in zip(gated, fits)})
                for sentence, tokens, matches, gated in found]

    def _counted(self, sentence: str, tokens: list, matches: list[tuple[int, int, str, str]],
                 gains: dict[tuple[int, int], float | None]) -> list[ListedEvidence]:
        """A sentence's matches that count: listed without a bar, or fitting by their bar."""
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
def load_phrase_list(path: str, max_bytes: int | None = None) -> PhraseList:
    """The curated phrase list of the dictionary file at ``path`` (read once per process); a
    file with no curated row raises :class:`SpinfixError`, since scoring with it would change
    nothing."""
    phrases = PhraseList(load_dictionary(path, max_bytes))
    if not len(phrases):
        raise SpinfixError(f"{path}: no curated phrases to count as evidence (scoring counts the rows of "
                           "`spinfix dict import`, not observed or prior pairs)")
    return phrases


@lru_cache(maxsize=1)
def known_pairs() -> PhraseList:
    """The shipped prior dictionary's pairs, named in flagged sentences where the language
    model prefers the original by :data:`KNOWN_GAIN` (loaded on first use, once per process).
    The pairs it yields are cached (:func:`spinfix.persist.paths.user_cache_dir`), named by the
    dictionary's content hash, since reading the dictionary takes longer than scoring a page."""
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
