"""Sentence features for spin detection, computed from learned tables (no scikit-learn).

Two kinds of relative evidence per word: the *swap gain* (how much better its best thesaurus
neighbour fits the trigram context than the word itself, "a soiled bomb" against "a dirty bomb")
and the *spinner vocabulary* (smoothed log-count ratios of words and word pairs in spun against
clean sentences, learned by :class:`spinfix.training.estimators.SpinFeatures`).
"""
from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from types import MappingProxyType

import numpy as np

from ..judge.trigram import BOS, LM_WORD_RE, LOG10_BASE, default_tables
from ..judge.trigram_tables import LMTables, word_at
from ..schema import Schema
from ..text.spelling import us_spelling
from ..text.tokens import lower_in_place, normalize_chars
from ..text.words import left_alone, modern_words

NAME = "<name>"
SENTENCE_OPENERS = set(".!?:;\"'([-")  # a capital after these starts a sentence, not a name
FREQUENT = -2.0  # log10 unigram: words more frequent than this ("the", "of") are never suspects
SUSPECT_SCORE = 1.5  # a word's swap gain plus vocabulary ratio from which it is named a suspect

MODERN_MARGIN = 1.0  # a word this much more frequent today (Zipf) than in the trigram model is read as new usage
# (its 1990s contexts are no evidence either way): the list scripts/build_word_lists.py builds

# Relative evidence only: how a word fits against its thesaurus neighbours, and how typical it
# is of spun text. Absolute fluency (mean log-probability, unknown words) says that a text is
# unlike the 1990s model's training text (a headline, 1987 wire copy, a technical page), not
# that it was spun, and it does not transfer to other outlets and eras.
SENTENCE_FEATURES = Schema(
    "log_length",
    "gain_max", "gain_second", "gain_sum", "gain_over_1", "gain_over_2", "gain_over_3", "gain_mean",
    "vocab_max", "vocab_sum", "vocab_min", "vocab_over_1", "vocab_pair_max",
    "joint_max", "joint_over_2",
)
LM_FEATURES = SENTENCE_FEATURES.prefix(8)  # the language model's columns alone (a baseline)


@dataclass(frozen=True)
class WordEvidence:
    """What the features saw at one word: its span in the sentence, gain, ratio, best neighbour."""

    word: str
    start: int
    end: int
    gain: float
    vocab: float
    neighbour: str | None

    @property
    def score(self) -> float:
        return max(self.gain, 0.0) + max(self.vocab, 0.0)

    @property
    def reason(self) -> str | None:
        """Why this word is a suspect a user can check, or None when it is not one: a likelier
        original in context, or a word far more common in spun text than in clean text."""
        if self.score < SUSPECT_SCORE:
            return None
        if self.gain >= 1.0 and self.neighbour:
            return "likelier original"
        return "spinner vocabulary" if self.vocab >= 1.0 else None


def lm_words(sentence: str, names: frozenset[str] = frozenset()) -> list[tuple[str, int, int, bool]]:
    """Lowercase words as the language model spells them, with their spans in ``sentence`` and
    whether each is a name: capitalized inside the sentence, or capitalized at its start and
    known from the corpus as a name (``names``, see :func:`proper_nouns`).

    Hyphenated words are split ("month-to-month" is unknown, its parts are not)."""
    text = normalize_chars(sentence)
    lower = lower_in_place(text)
    words, end = [], 0  # where the last word ended
    for m in LM_WORD_RE.finditer(lower):
        start, stop = m.span()
        word = sys.intern(m.group())  # one object per word: the language model's memo keys share it
        is_name = False
        if text[start].isupper():
            gap = text[end:start].rstrip()  # its last character opens a sentence, or the text does
            opening = gap[-1] in SENTENCE_OPENERS if gap else end == 0
            is_name = left_alone(text[start:stop], opening, word, names)
        words.append((word, start, stop, is_name))
        end = stop
    return words


def proper_nouns(texts: list[str], min_count: int = 3) -> frozenset[str]:
    """Words that are mostly capitalized where they stand inside a sentence ("china", "trump"):
    names, even when they open a sentence and their capital says nothing."""
    capital, lower = Counter(), Counter()
    for text in texts:
        for word, start, _, is_name in lm_words(text):
            if is_name:
                capital[word] += 1
            elif not text[start].isupper():
                lower[word] += 1
    return frozenset(w for w, n in capital.items() if n >= min_count and n > 2 * lower[w])


def swap_gains(tables: LMTables, ids: np.ndarray, bounds: np.ndarray, at: np.ndarray,
               options: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """For each slot (a position ``at`` in ``ids``, a batch's sentences' word ids end to end,
    with the neighbours ``options`` proposed there), the best gain of an option over the word
    itself and which option gives it (the first of the best; -1 where none gains): all slots of
    a batch in one pass of array operations over :class:`~spinfix.judge.trigram_tables.LMTables`.
    ``bounds`` holds, per word of ``ids``, where its sentence starts and ends.

    An option's fit at a position is log10 P of it and of the two words after it, less its
    unigram log10 P (a pointwise mutual information). Without that correction any frequent word
    ("like", "has") would beat any rarer one in any context, and every clean sentence would
    look spun."""
    lo, hi = bounds[at].T
    window = np.stack([word_at(ids, at + d, lo, hi) for d in (-1, -2, 1, 2)], axis=1)  # v, u, a0, a1
    sizes = np.fromiter(map(len, options), np.intp, len(options)) + 1
    starts = np.cumsum(sizes) - sizes
    c = np.empty(int(sizes.sum()), dtype=np.int64)
    word = np.zeros(len(c), dtype=bool)
    word[starts] = True
    c[starts] = ids[at]
    c[~word] = np.fromiter(chain.from_iterable(options), np.int64, len(c) - len(at))
    v, u, a0, a1 = np.repeat(window, sizes, axis=0).T
    s, n = len(at), len(c)
    pairs = tables.bigrams(np.concatenate([window[:, 0], window[:, 3], c, a0]),
                           np.concatenate([window[:, 1], window[:, 2], v, c]))  # all in one lookup
    uv, after = np.repeat(pairs[:s], sizes), np.repeat(pairs[s:2 * s], sizes)  # "u v", "a0 a1": one per slot
    before, into = pairs[2 * s:2 * s + n], pairs[2 * s + n:]  # "v c", "c a0": each serves two of the trigrams
    fit = tables.scores(c, v, u, before, uv) * LOG10_BASE - tables.unigram_scores(c) * LOG10_BASE
    has1, has2 = a0 >= 0, a1 >= 0
    fit = np.where(has1, fit + tables.scores(np.maximum(a0, 0), c, v, into, before) * LOG10_BASE, fit)
    fit = np.where(has2, fit + tables.scores(np.maximum(a1, 0), np.maximum(a0, 0), c, after, into) * LOG10_BASE, fit)
    gains = fit - np.repeat(fit[starts], sizes)
    gains[starts] = -np.inf  # the word itself is no option
    best = np.maximum.reduceat(gains, starts)
    position = np.where(gains == np.repeat(best, sizes), np.arange(len(gains)), len(gains))
    first = np.minimum.reduceat(position, starts) - starts - 1
    return best, np.where(best > 0, first, -1)


class FeatureTransform:
    """Turns sentences (strings) into the feature rows of :data:`SENTENCE_FEATURES`, from
    learned tables: ``names_`` (see :func:`proper_nouns`), ``neighbours_`` (each word's
    thesaurus neighbours that the language model knows) and ``vocabulary_`` (spinner-vocabulary
    ratios of words and word pairs); ``use_vocabulary`` False keeps the language-model columns
    only. :class:`spinfix.training.estimators.SpinFeatures` learns the tables; :class:`FeatureTables`
    holds them alone, which is all scoring needs.
    """

    names_: frozenset[str]
    neighbours_: dict[str, tuple[str, ...]]
    vocabulary_: dict[str, float]
    use_vocabulary: bool

    def evidence(self, sentence: str) -> list[WordEvidence]:
        """The evidence at each word of one sentence that has any."""
        return self._evidence_many([lm_words(sentence, self.names_)])[0]

    def _evidence_many(self, sentences: list[list[tuple[str, int, int, bool]]]) -> list[list[WordEvidence]]:
        """The evidence of several sentences' words (:func:`lm_words`), their swap gains
        computed in one batch (:func:`swap_gains`)."""
        tables = default_tables()
        bos, lookup = tables.ids[BOS], self._word_ids()
        ids, at, options, seen = [], [], [], []
        for k, words in enumerate(sentences):
            known = [lookup.get(w) or self._learn_ids(w, tables) for w, _, _, _ in words]
            base = len(ids)
            ids.extend(i for i, _, _ in known)
            for i, ((word, start, end, is_name), (wid, opts, named)) in enumerate(zip(words, known), base):
                if is_name or wid == bos:
                    continue  # spinners leave names alone, and an unknown or new word is no evidence
                if opts:
                    at.append(i)
                    options.append(opts)
                seen.append((k, word, start, end, len(at) - 1 if opts else -1, named))
        lengths = np.fromiter(map(len, sentences), np.intp, len(sentences))
        ends = np.cumsum(lengths)
        bounds = np.repeat(np.stack([ends - lengths, ends], axis=1), lengths, axis=0)  # per word, its sentence's
        gains, picks = swap_gains(tables, np.array(ids, dtype=np.int64), bounds, np.array(at, dtype=np.intp), options) \
            if at else (np.zeros(0), np.zeros(0, int))
        gains, picks = gains.tolist(), picks.tolist()
        out: list[list[WordEvidence]] = [[] for _ in sentences]
        vocabulary = self._vocabulary().get
        for k, word, start, end, slot, named in seen:
            gain, best = (gains[slot], named[picks[slot]]) if slot >= 0 and picks[slot] >= 0 else (0.0, None)
            vocab = vocabulary(word, 0.0)
            if gain > 0 or vocab:
                out[k].append(WordEvidence(word, start, end, gain, vocab, best))
        return out

    def _vocabulary(self) -> Mapping[str, float]:
        """The spinner-vocabulary ratios, as the transform reads them."""
        return self.vocabulary_

    def _word_ids(self) -> dict[str, tuple[int, tuple[int, ...], tuple[str, ...]]]:
        """Each word seen so far as the language model's id (that of ``<s>`` for an unknown or
        new word: no evidence) and its neighbours' ids and words, memoized per word, as texts
        repeat their words."""
        memo = getattr(self, "_ids", None)
        if memo is None:
            memo = self._ids = {}
        return memo

    def _learn_ids(self, word: str, tables: LMTables) -> tuple[int, tuple[int, ...], tuple[str, ...]]:
        """A word's entry in :meth:`_word_ids`, memoized only for words the model knows (the
        memo stays within its vocabulary, whatever a text holds)."""
        ids, bos = tables.ids, tables.ids[BOS]
        known = bos if word in modern_words() else ids.get(word, bos)
        if known == bos:
            return bos, (), ()
        named = tuple(self.neighbours_.get(word, ()))
        entry = self._word_ids()[word] = (known, tuple(ids[o] for o in named), named)
        return entry

    def _pair_ratios(self, words: list[tuple[str, int, int, bool]]) -> list[float]:
        """The spinner-vocabulary ratios of a sentence's word pairs (:func:`spinner_terms`)
        that the vocabulary holds; only pairs whose first term starts one are looked up."""
        terms = spinner_terms(words, pairs=False)
        vocabulary = self._vocabulary()
        firsts = getattr(self, "_firsts", None)
        if firsts is None:
            firsts = self._firsts = frozenset(t.split(" ", 1)[0] for t in vocabulary if " " in t)
        ratio = vocabulary.get
        return [ratio(f"{a} {b}", 0.0) for a, b in zip(terms, terms[1:]) if a in firsts]

    def _row(self, words: list[tuple[str, int, int, bool]], evidence: list[WordEvidence]) -> tuple:
        """A sentence's feature row from its words and their evidence."""
        n_words = max(len(words), 1)
        gains = sorted((e.gain for e in evidence), reverse=True) + [0.0, 0.0]
        vocab = [e.vocab for e in evidence] + [0.0]
        pairs = self._pair_ratios(words) + [0.0]
        joint = [e.score for e in evidence] + [0.0]
        return SENTENCE_FEATURES.row(
            log_length=math.log(n_words),
            gain_max=gains[0], gain_second=gains[1], gain_sum=sum(g for g in gains if g > 0),
            gain_over_1=sum(g > 1 for g in gains), gain_over_2=sum(g > 2 for g in gains),
            gain_over_3=sum(g > 3 for g in gains), gain_mean=sum(gains) / n_words,
            vocab_max=max(vocab), vocab_sum=sum(v for v in vocab if v > 0), vocab_min=min(vocab),
            vocab_over_1=sum(v > 1 for v in vocab), vocab_pair_max=max(pairs),
            joint_max=max(joint), joint_over_2=sum(j > 2 for j in joint),
        )

    def transform_with_evidence(self, X) -> tuple[np.ndarray, list[list[WordEvidence]]]:
        """:meth:`transform`, plus each sentence's word evidence (what its suspects are named
        from), the swap gains of a whole batch of sentences computed at once."""
        words = [lm_words(sentence, self.names_) for sentence in X]
        evidence = self._evidence_many(words)
        rows = np.array([self._row(w, e) for w, e in zip(words, evidence)], dtype=float).reshape(-1, len(SENTENCE_FEATURES))
        return (rows if self.use_vocabulary else rows[:, :len(LM_FEATURES)]), evidence

    def transform(self, X) -> np.ndarray:
        """One feature row per sentence."""
        return self.transform_with_evidence(X)[0]


class FeatureTables(FeatureTransform):
    """The tables a fitted :class:`~spinfix.training.estimators.SpinFeatures` learned, and its
    transform: what a detector's model file keeps (:meth:`to_data`)."""

    def __init__(self, names_: frozenset[str], neighbours_: Mapping[str, tuple[str, ...]],
                 vocabulary_: Mapping[str, float], use_vocabulary: bool):
        self.names_ = names_
        self.neighbours_ = neighbours_
        self._vocabulary_table = dict(vocabulary_)
        self.vocabulary_ = MappingProxyType(self._vocabulary_table)  # read-only: tables are shared
        self.use_vocabulary = use_vocabulary
        self._ids: dict[str, tuple[int, tuple[int, ...], tuple[str, ...]]] = {}  # a memo (:meth:`_word_ids`)
        self._firsts: frozenset[str] | None = None  # the first words of the vocabulary's pairs

    def to_data(self) -> dict:
        """The tables as plain JSON data (each word's neighbours space-joined: single words)."""
        return {"names": sorted(self.names_), "neighbours": {w: " ".join(n) for w, n in self.neighbours_.items()},
                "vocabulary": dict(self.vocabulary_), "use_vocabulary": self.use_vocabulary}

    @classmethod
    def from_data(cls, data: dict) -> FeatureTables:
        """The tables :meth:`to_data` wrote."""
        return cls(frozenset(data["names"]), JoinedNeighbours(data["neighbours"]), data["vocabulary"],
                   bool(data["use_vocabulary"]))

    def _vocabulary(self) -> Mapping[str, float]:
        return self._vocabulary_table


class JoinedNeighbours(Mapping[str, tuple[str, ...]]):
    """Each word's neighbours as a model file stores them (space-joined), split when a word is
    first asked for: a text asks for a few thousand of 28,000."""

    def __init__(self, joined: dict[str, str]):
        self._joined = joined
        self._split: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, word: str) -> tuple[str, ...]:
        split = self._split.get(word)
        if split is None:
            split = self._split[word] = tuple(self._joined[word].split(" "))
        return split

    def get(self, word: str, default=None):
        return self[word] if word in self._joined else default

    def __contains__(self, word: object) -> bool:
        return word in self._joined

    def __iter__(self) -> Iterator[str]:
        return iter(self._joined)

    def __len__(self) -> int:
        return len(self._joined)


def spinner_terms(words: list[tuple[str, int, int, bool]], pairs: bool = True) -> list[str]:
    """Lowercase words and adjacent word pairs (``pairs``): the units of the spinner vocabulary.

    Names are one term (``NAME``), as spinners leave them alone. US and UK spellings are one
    term: a spelling says where a text was written, not that it was spun, so "defense" must not
    count as spinner vocabulary because the training prose happens to be British."""
    spelling = us_spelling()
    terms = [NAME if is_name else spelling.get(w, w) for w, _, _, is_name in words]
    return terms + [f"{a} {b}" for a, b in zip(terms, terms[1:])] if pairs else terms



__all__ = ["LM_FEATURES", "NAME", "SENTENCE_FEATURES", "FeatureTables", "FeatureTransform", "JoinedNeighbours", "WordEvidence",
           "lm_words", "proper_nouns", "spinner_terms", "swap_gains"]
