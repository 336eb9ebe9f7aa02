"""Sentence features for spin detection, as a scikit-learn transformer.

Two kinds of evidence (see the field notes):

* **Swap gain** (language model): a spinner puts a word where a synonym belongs, so the spun
  n-gram is improbable while swapping the word back to one of its thesaurus neighbours makes it
  probable ("a soiled bomb" against "a dirty bomb"). For each word, the gain is the best
  neighbour's trigram log-probability over a three-word window minus the word's own.
* **Spinner vocabulary** (learned): words and word pairs that turn up far more often in spun
  sentences than in clean ones ("particulars", "just lately"), as smoothed log-count ratios
  learned in :meth:`SpinFeatures.fit`. ``fit_transform`` cross-fits them (like scikit-learn's
  ``TargetEncoder``), so the classifier is trained on ratios that did not see its own sentence.
"""
from __future__ import annotations

import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import StratifiedKFold

from .spinning import us_spelling
from .lm import BOS, LanguageModel, default_lm
from .thesaurus import default_thesaurus
from .tokenizing import lower_in_place, normalize_chars

NAME = "<name>"
LM_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")
SENTENCE_OPENERS = set(".!?:;\"'([-")  # a capital after these starts a sentence, not a name
FREQUENT = -2.0  # log10 unigram: words more frequent than this ("the", "of") are never suspects
SUSPECT_SCORE = 1.5  # a word's swap gain plus vocabulary ratio from which it is named a suspect

MODERN_MARGIN = 1.0  # a word this much more frequent today (Zipf) than in the trigram model is read as new usage

# Relative evidence only: how a word fits against its thesaurus neighbours, and how typical it
# is of spun text. Absolute fluency (mean log-probability, unknown words) says that a text is
# unlike the 1990s model's training text (a headline, 1987 wire copy, a technical page), not
# that it was spun, and it does not transfer to other outlets and eras.
FEATURE_NAMES = [
    "log_length",
    "gain_max", "gain_second", "gain_sum", "gain_over_1", "gain_over_2", "gain_over_3", "gain_mean",
    "vocab_max", "vocab_sum", "vocab_min", "vocab_over_1", "vocab_pair_max",
    "joint_max", "joint_over_2",
]
LM_FEATURES = FEATURE_NAMES[:8]


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
    words = []
    for m in LM_WORD_RE.finditer(lower):
        before = text[:m.start()].rstrip()
        capital = text[m.start()].isupper()
        opening = not before or before[-1] in SENTENCE_OPENERS
        word = sys.intern(m.group())  # one object per word: the language model's memo keys share it
        words.append((word, m.start(), m.end(), capital and (not opening or word in names)))
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


@lru_cache(maxsize=None)
def modern(word: str) -> bool:
    """Whether ``word`` is far more common today (wordfreq's Zipf frequency, from 2010s web,
    news, subtitles and books) than in the 1990s trigram model ("trump"): its context
    probabilities describe an older usage, so it is no evidence either way."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") - (default_lm().unigram(word) + 9.0) > MODERN_MARGIN


class _Slot:
    """Scores candidates for one position of a sentence: how well each fits there, as log10 P
    of it and of the two words after it, less its unigram log10 P (a pointwise mutual
    information). Without that correction any frequent word ("like", "has") would beat any
    rarer one in any context, and every clean sentence would look spun."""

    __slots__ = ("lm", "before", "after")

    def __init__(self, lm: LanguageModel, words: list[str], i: int):
        self.lm = lm
        self.before = tuple(words[max(0, i - 2):i])
        self.after = words[i + 1:i + 3]

    def fit(self, candidate: str) -> float:
        lm, after = self.lm, self.after
        score = lm.logprob(candidate, self.before) - lm.unigram(candidate)
        if after:
            score += lm.logprob(after[0], (*self.before[-1:], candidate))
            if len(after) > 1:
                score += lm.logprob(after[1], (candidate, after[0]))
        return score


class SpinFeatures(BaseEstimator, TransformerMixin):
    """Turns sentences (strings) into the feature rows named in :data:`FEATURE_NAMES`.

    Parameters: ``max_neighbours`` thesaurus neighbours tried per word; ``min_count`` times a
    word must be seen before it gets a vocabulary ratio; ``use_vocabulary`` False gives the
    language-model signal alone (a baseline); ``cv`` folds for cross-fitting.
    """

    def __init__(self, max_neighbours: int = 6, min_count: int = 8, use_vocabulary: bool = True,
                 cv: int = 3, random_state: int = 0):
        self.max_neighbours = max_neighbours
        self.min_count = min_count
        self.use_vocabulary = use_vocabulary
        self.cv = cv
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------------------
    def _learn_neighbours(self, lm: LanguageModel) -> dict[str, tuple[str, ...]]:
        """Single-word thesaurus neighbours that the language model knows, per word."""
        table = {}
        for word, options in default_thesaurus().neighbours.items():
            if " " in word or not lm.known(word) or lm.unigram(word) > FREQUENT:
                continue
            known = tuple(o for o in options if " " not in o and lm.known(o))[:self.max_neighbours]
            if known:
                table[word] = known
        return table

    def _learn_vocabulary(self, terms: list[list[str]], y: np.ndarray) -> dict[str, float]:
        """Smoothed log-count ratios of words and word pairs (each sentence's :func:`_terms`)
        in spun against clean sentences."""
        pos, neg = Counter(), Counter()
        for sentence_terms, label in zip(terms, y):
            (pos if label else neg).update(sentence_terms)
        n_pos, n_neg = sum(pos.values()) + 1, sum(neg.values()) + 1
        ratios = {}
        for term in pos.keys() | neg.keys():
            a, b = pos[term], neg[term]
            if a + b >= self.min_count:
                r = math.log((a + 1) / n_pos) - math.log((b + 1) / n_neg)
                if abs(r) > 0.5:
                    ratios[term] = round(r, 3)
        return ratios

    def _fit(self, X: list[str], y) -> list[list[str]] | None:
        """Learn names, neighbours and (given labels) the vocabulary; returns the sentences'
        terms when a vocabulary was learned, so cross-fitting need not tokenize them again."""
        self.names_ = proper_nouns(X)
        self.neighbours_ = self._learn_neighbours(default_lm())
        self.n_features_in_ = 1
        self.vocabulary_ = {}
        if not self.use_vocabulary or y is None:
            return None
        terms = [_terms(lm_words(sentence, self.names_)) for sentence in X]
        self.vocabulary_ = self._learn_vocabulary(terms, np.asarray(y))
        return terms

    def fit(self, X, y=None):
        """Learn the neighbour table and (given labels) the spinner vocabulary."""
        self._fit(list(X), y)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        """Fit, then transform with vocabulary ratios cross-fitted over ``cv`` folds."""
        X = list(X)
        terms = self._fit(X, y)
        if terms is None:
            return self.transform(X)
        y = np.asarray(y)
        out = np.zeros((len(X), len(FEATURE_NAMES)))
        full = self.vocabulary_
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        for train_idx, test_idx in folds.split(np.zeros(len(y)), y):
            self.vocabulary_ = self._learn_vocabulary([terms[i] for i in train_idx], y[train_idx])
            out[test_idx] = self.transform([X[i] for i in test_idx])
        self.vocabulary_ = full
        return out

    # -- transforming --------------------------------------------------------------------
    def evidence(self, sentence: str) -> list[WordEvidence]:
        """The evidence at each word of one sentence that has any."""
        return self._evidence(lm_words(sentence, self.names_))

    def _evidence(self, words: list[tuple[str, int, int, bool]]) -> list[WordEvidence]:
        lm = default_lm()
        segment = [w if lm.known(w) and not modern(w) else BOS for w, _, _, _ in words]
        evidence = []
        for i, (word, start, end, is_name) in enumerate(words):
            if is_name or segment[i] == BOS:
                continue  # spinners leave names alone, and an unknown or new word is no evidence
            gain, best = 0.0, None
            options = self.neighbours_.get(word)
            if options:
                slot = _Slot(lm, segment, i)
                own = slot.fit(word)
                for option in options:
                    g = slot.fit(option) - own
                    if g > gain:
                        gain, best = g, option
            vocab = self.vocabulary_.get(word, 0.0)
            if gain > 0 or vocab:
                evidence.append(WordEvidence(word, start, end, gain, vocab, best))
        return evidence

    def _row(self, sentence: str) -> tuple[list[float], list[WordEvidence]]:
        words = lm_words(sentence, self.names_)
        evidence = self._evidence(words)
        n_words = max(len(words), 1)
        gains = sorted((e.gain for e in evidence), reverse=True) + [0.0, 0.0]
        vocab = [e.vocab for e in evidence] + [0.0]
        terms = _terms(words)
        pairs = [self.vocabulary_.get(t, 0.0) for t in terms if " " in t] + [0.0]
        joint = [e.score for e in evidence] + [0.0]
        row = [
            math.log(n_words),
            gains[0], gains[1], sum(g for g in gains if g > 0), sum(g > 1 for g in gains),
            sum(g > 2 for g in gains), sum(g > 3 for g in gains), sum(gains) / n_words,
            max(vocab), sum(v for v in vocab if v > 0), min(vocab), sum(v > 1 for v in vocab), max(pairs),
            max(joint), sum(j > 2 for j in joint),
        ]
        return row, evidence

    def transform_with_evidence(self, X) -> tuple[np.ndarray, list[list[WordEvidence]]]:
        """:meth:`transform`, plus each sentence's word evidence (what its suspects are named from)."""
        rows, evidence = [], []
        for sentence in X:
            row, found = self._row(sentence)
            rows.append(row)
            evidence.append(found)
        rows = np.array(rows, dtype=float).reshape(-1, len(FEATURE_NAMES))
        return (rows if self.use_vocabulary else rows[:, :len(LM_FEATURES)]), evidence

    def transform(self, X) -> np.ndarray:
        """One feature row per sentence."""
        return self.transform_with_evidence(X)[0]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array(FEATURE_NAMES if self.use_vocabulary else LM_FEATURES, dtype=object)


def _terms(words: list[tuple[str, int, int, bool]]) -> list[str]:
    """Lowercase words and adjacent word pairs: the units of the spinner vocabulary.

    Names are one term (``NAME``), as spinners leave them alone. US and UK spellings are one
    term: a spelling says where a text was written, not that it was spun, so "defense" must not
    count as spinner vocabulary because the training prose happens to be British."""
    spelling = us_spelling()
    terms = [NAME if is_name else spelling.get(w, w) for w, _, _, is_name in words]
    return terms + [f"{a} {b}" for a, b in zip(terms, terms[1:])]
