"""Restoring spun text: against its known source, or from a substitution dictionary alone.

Without a source, restoring must be conservative: "stated" and "close" are often what the writer
meant. A dictionary match is put back only when the language model prefers the original in
that very context, by a margin that is small in sentences the detector flags and large in
sentences it does not, and never for a pair the dictionary has seen too rarely.
"""
from __future__ import annotations

import importlib.resources
import math
from dataclasses import asdict, dataclass, field

from .aligning import Alignment, Substitution, align, apply_substitutions
from .detecting import Detector
from .dictionary import SubstitutionDictionary, load_dictionary
from .lm import default_lm, phrase_fit
from .tokenizing import Token, sentence_tokens, split_sentences

DEFAULT_DICTIONARY = "dictionary.tsv"
MAX_PHRASE = 5


@dataclass(frozen=True)
class Change:
    """A reference-free restoration: ``spun`` at ``start:end`` put back to ``original``."""

    spun: str
    original: str
    start: int
    end: int
    confidence: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RestorePolicy:
    """When a dictionary match is restored.

    ``flagged_gain`` / ``clean_gain``: the language-model margin (log10) the original needs over
    the spun phrase in a flagged / unflagged sentence; ``min_count``: how often the dictionary
    must have seen the pair; ``min_share``: the pair's share of all originals of that spun phrase.
    """

    flagged_gain: float = 0.5
    clean_gain: float = 3.0
    min_count: int = 2
    min_share: float = 0.1


@dataclass
class Restoration:
    """A restored text and the changes that produced it (offsets into the spun text)."""

    restored: str
    substitutions: list[Substitution] | list[Change]
    alignment: Alignment | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return {"restored": self.restored, "substitutions": [s.to_dict() for s in self.substitutions]}

    @property
    def changes(self) -> int:
        return len(self.substitutions)


def restore_with_reference(spun_text: str, ref_text: str) -> Restoration:
    """Put every aligned spun phrase back to its original; sentences with no source stay as written."""
    alignment = align(spun_text, ref_text)
    return Restoration(apply_substitutions(spun_text, alignment.substitutions), alignment.substitutions, alignment)


def default_dictionary() -> SubstitutionDictionary:
    """The dictionary shipped in ``models/``, learned from synthetic training pairs."""
    return load_dictionary(str(importlib.resources.files("spinfix.models").joinpath(DEFAULT_DICTIONARY)))


def _case_like(template: str, text: str) -> str:
    if template[:1].isupper():
        return text[:1].upper() + text[1:]
    return text


def _matches(tokens: list[Token], table: dict) -> list[tuple[int, int, str]]:
    """Dictionary phrases in a sentence, longest first, left to right, not overlapping."""
    found, i = [], 0
    while i < len(tokens):
        for n in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
            span = tokens[i:i + n]
            key = " ".join(t.norm for t in span)
            if all(t.is_word for t in span) and key in table:
                found.append((i, i + n, key))
                i += n
                break
        else:
            i += 1
    return found


def _best_original(words: list[str], i: int, j: int, options, policy: RestorePolicy, margin: float):
    """The option the language model prefers over the spun phrase by ``margin``, with its gain."""
    lm = default_lm()
    left, right = words[:i], words[j:]
    own = phrase_fit(lm, left, words[i:j], right)
    if own is None:
        return None
    total = sum(e.count for _, e in options)
    best = None
    for original, entry in options:
        if entry.count < policy.min_count or entry.count / total < policy.min_share:
            continue
        fit = phrase_fit(lm, left, original.split(), right)
        if fit is None:
            continue
        gain = fit - own + 0.3 * math.log10(entry.count / total)
        if gain >= margin and (best is None or gain > best[1]):
            best = (original, gain)
    return best


def restore_with_dictionary(spun_text: str, dictionary: SubstitutionDictionary | None = None,
                            detector: Detector | None = None, policy: RestorePolicy = RestorePolicy()) -> Restoration:
    """Restore ``spun_text`` without its source, from what a dictionary learned.

    ``dictionary`` defaults to the shipped one. With a ``detector``, flagged sentences need a
    smaller language-model margin than unflagged ones; without one, every sentence needs the
    large margin.
    """
    dictionary = dictionary if dictionary is not None else default_dictionary()
    table = dictionary.originals()
    sentences = split_sentences(spun_text)
    flagged = [False] * len(sentences)
    if detector is not None:
        analysis = detector.analyse([[s.text for s in sentences]])[0]
        flagged = [bool(p >= detector.threshold) for p in analysis.probabilities]
    changes = []
    for sentence, is_flagged in zip(sentences, flagged):
        tokens = sentence_tokens(sentence)
        words = [t.norm for t in tokens]
        margin = policy.flagged_gain if is_flagged else policy.clean_gain
        for i, j, key in _matches(tokens, table):
            best = _best_original(words, i, j, table[key], policy, margin)
            if best:
                start, end = tokens[i].start, tokens[j - 1].end
                original = _case_like(spun_text[start:end], best[0])
                confidence = round(1 / (1 + math.exp(-(best[1] - margin) - 1)), 3)
                changes.append(Change(spun_text[start:end], original, start, end, confidence))
    restored = apply_substitutions(spun_text, [Substitution(c.spun, c.original, c.start, c.end, 0, 0) for c in changes])
    return Restoration(restored, changes)
