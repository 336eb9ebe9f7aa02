"""A synthetic article spinner, to make labelled training data from clean text.

It imitates what real spinners do (see the field notes): it swaps words and phrases for
"synonyms" from a table, left to right, longest phrase first, without looking at the sense; it
prefers a table's first synonyms but not always; it also changes spellings (US/UK) and
contractions ("did not" <-> "didn't"). ``rate`` is the share of the table's matches swapped; the
table is the whole thesaurus by default (:mod:`spinfix.training.spinner_tables` cuts others).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ..text.spelling import spelling_table
from ..text.thesaurus import Thesaurus, default_thesaurus
from ..text.tokens import match_case, split_sentences, tokenize
from ..text.words import function_words_only, left_alone

RATES = {"light": 0.10, "medium": 0.25, "heavy": 0.40}
STOP_SWAP_SHARE = 0.3  # function words are swapped this much less often than content words
CONTRACTIONS = {
    "did not": "didn't", "do not": "don't", "does not": "doesn't", "is not": "isn't",
    "are not": "aren't", "was not": "wasn't", "were not": "weren't", "has not": "hasn't",
    "have not": "haven't", "had not": "hadn't", "will not": "won't", "would not": "wouldn't",
    "could not": "couldn't", "should not": "shouldn't", "can not": "can't", "cannot": "can't",
    "it is": "it's", "that is": "that's", "we are": "we're", "they are": "they're",
    "you are": "you're", "who is": "who's", "there is": "there's", "i am": "i'm",
    "we have": "we've", "they have": "they've", "i have": "i've", "we will": "we'll",
}
CONTRACTIONS.update({v: k for k, v in list(CONTRACTIONS.items()) if k != "cannot"})


@dataclass(frozen=True)
class Swap:
    """One change the spinner made: ``original`` became ``spun`` at ``start:end`` of the output."""

    original: str
    spun: str
    start: int
    end: int


@dataclass
class SpunSentence:
    """A sentence before and after spinning, with the swaps made in it."""

    original: str
    spun: str
    swaps: list[Swap]

    @property
    def label(self) -> int:
        """1 when the spinner changed anything in the sentence."""
        return int(bool(self.swaps))


class Spinner:
    """Spins sentences reproducibly (``seed``) at a given ``rate``, leaving alone the words every
    spinner leaves alone (:func:`~spinfix.text.words.left_alone`: numbers, capitalized words
    inside a sentence, and the ``names`` of :func:`~spinfix.detection.features.proper_nouns`).

    Examples
    --------
    >>> Spinner(1.0, seed=3).spin_document("The army said it would provide food.")[0] != ""
    True
    """

    def __init__(self, rate: float = RATES["medium"], seed: int = 0, thesaurus: Thesaurus | None = None,
                 spelling_rate: float = 0.8, contraction_rate: float = 0.5, names: frozenset[str] = frozenset(),
                 titles: bool = False, damage: float = 0.0):
        self.rate = rate
        self.names = names
        self.rng = random.Random(seed)
        self.thesaurus = thesaurus or default_thesaurus()
        self.spelling_rate = spelling_rate
        self.contraction_rate = contraction_rate
        self.titles = titles
        self.damage = damage

    def _choose(self, key: str) -> str | None:
        """A replacement for ``key`` (lowercase phrase), or None to leave it."""
        words = key.split()
        if len(words) == 2 and key in CONTRACTIONS:
            return CONTRACTIONS[key] if self.rng.random() < self.contraction_rate else None
        if len(words) == 1 and key in CONTRACTIONS:
            return CONTRACTIONS[key] if self.rng.random() < self.contraction_rate else None
        if key in spelling_table():
            return spelling_table()[key] if self.rng.random() < self.spelling_rate else None
        options = self.thesaurus.synonyms.get(key)
        if not options:
            return None
        share = STOP_SWAP_SHARE if function_words_only(words) else 1.0
        if self.rng.random() >= self.rate * share:
            return None
        weights = [1.0 / (rank + 1) for rank in range(len(options))]
        return self.rng.choices(options, weights)[0]

    def _damaged(self, key: str, choice: str | None) -> str | None:
        """With probability ``damage``, what real spinners also write: one part of a hyphenated
        word swapped ("cross-validation" -> "cross-approval"), or a word given another suffix
        ("privacy" -> "privateness")."""
        if self.damage <= 0 or self.rng.random() >= self.damage:
            return choice
        if choice is None and "-" in key:
            parts = key.split("-")
            k = self.rng.randrange(len(parts))
            options = self.thesaurus.synonyms.get(parts[k])
            if options and self.rng.random() < self.rate:
                return "-".join(parts[:k] + [self.rng.choice(options[:3])] + parts[k + 1:])
            return None
        if choice is not None and " " not in choice:
            for a, b in _SUFFIXES:
                if choice.endswith(a) and len(choice) > len(a) + 3:
                    return choice[:-len(a)] + b
        return choice

    def spin_sentence(self, sentence: str) -> SpunSentence:
        """Spin one sentence: scan left to right, try the longest phrase first at each word (in
        a title, with ``titles``, capitalized words too)."""
        tokens = tokenize(sentence)
        out, swaps, pos, i = [], [], 0, 0
        length = 0
        title = self.titles and _is_title(tokens)
        while i < len(tokens):
            for n in range(min(self.thesaurus.max_phrase, len(tokens) - i), 0, -1):
                span = tokens[i:i + n]
                if not all(t.is_word for t in span) or (n > 1 and re.search(r"[^\s]", _gaps(sentence, span))):
                    continue
                if left_alone(span[0].text, i == 0 or title, span[0].norm, self.names):
                    continue  # a name or a number: spinners leave them alone
                key = " ".join(t.norm for t in span)
                choice = self._choose(key)
                if n == 1:
                    choice = self._damaged(key, choice)
                if choice is None:
                    continue
                text = sentence[span[0].start:span[-1].end]
                piece = sentence[pos:span[0].start]
                out.append(piece)
                length += len(piece)
                replacement = match_case(text, choice)
                swaps.append(Swap(text, replacement, length, length + len(replacement)))
                out.append(replacement)
                length += len(replacement)
                pos = span[-1].end
                i += n
                break
            else:
                i += 1
        out.append(sentence[pos:])
        return SpunSentence(sentence, "".join(out), swaps)

    def spin_document(self, text: str) -> tuple[str, list[SpunSentence]]:
        """Spin a whole text sentence by sentence, keeping everything between sentences as is."""
        spun_text, sentences, _ = self.spin_with_swaps(text)
        return spun_text, sentences

    def spin_with_swaps(self, text: str) -> tuple[str, list[SpunSentence], list[Swap]]:
        """:meth:`spin_document`, plus every swap with its span in the spun document (the truth
        a restoration is measured against)."""
        out, spun, swaps, pos, length = [], [], [], 0, 0
        for sentence in split_sentences(text):
            result = self.spin_sentence(sentence.text)
            gap = text[pos:sentence.start]
            out += [gap, result.spun]
            length += len(gap)
            swaps += [Swap(w.original, w.spun, w.start + length, w.end + length) for w in result.swaps]
            length += len(result.spun)
            spun.append(result)
            pos = sentence.end
        out.append(text[pos:])
        return "".join(out), spun, swaps


_SUFFIXES = (("ity", "ness"), ("ness", "ity"), ("ment", "ation"), ("tion", "ment"), ("ance", "ence"),
             ("ence", "ance"), ("ive", "ative"), ("ous", "ful"), ("ful", "ous"), ("al", "ial"))
TITLE_SHARE = 0.6  # a sentence with this share of capitalized words is a title


def _is_title(tokens: list) -> bool:
    words = [t for t in tokens if t.is_word and not any(c.isdigit() for c in t.text)]
    return len(words) >= 2 and sum(t.text[:1].isupper() for t in words) >= TITLE_SHARE * len(words)


def _gaps(text: str, span: list) -> str:
    """The text between the tokens of a span (a phrase must be separated by spaces only)."""
    return "".join(text[a.end:b.start] for a, b in zip(span, span[1:]))


__all__ = ["RATES", "SpunSentence", "Spinner", "Swap"]
