"""The trigram judge: CMU's general English trigram model (shipped in the PyPI package
``pocketsphinx``), in log10 probabilities, answering ``None`` for words it does not know.

Scoring and restoring read the model's arrays (:mod:`spinfix.judge.trigram_tables`);
pocketsphinx's own copy (:class:`LanguageModel`) serves training only.
"""
from __future__ import annotations

import math
import os
import re
from functools import lru_cache

import numpy as np

from ..errors import SpinfixError
from ..persist.paths import pocketsphinx_file
from .trigram_tables import LMTables, load_tables

LM_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")  # a word as the model spells it (it knows lowercase a-z words)
LOG10_BASE = math.log10(1.0001)  # the model scores in log base 1.0001
UNKNOWN = -536870912
MEMO_LIMIT = 500_000  # n-gram scores kept before the memo starts over (about 60 MB)
BOS = "<s>"


class LanguageModel:
    """Trigram log10 probabilities with a memo, since sentences repeat the same n-grams."""

    def __init__(self, path: str | None = None):
        from pocketsphinx import NGramModel  # its own copy of the model (48 MB) serves training only

        self.path = _existing(path or default_lm_path())
        self._model = NGramModel.readfile(self.path)
        self._vocab: dict[str, bool] = {}
        self._memo: dict[tuple[str, ...], float] = {}
        self._unigrams: dict[str, float] = {}

    def known(self, word: str) -> bool:
        """Whether the model has ``word`` (lowercase) in its vocabulary."""
        hit = self._vocab.get(word)
        if hit is None:
            hit = self._vocab[word] = self._model.prob([word]) != UNKNOWN
        return hit

    def logprob(self, word: str, context: tuple[str, ...] = ()) -> float:
        """log10 P(word | context), context oldest first (at most two words used)."""
        key = (word, *context[-2:])
        value = self._memo.get(key)
        if value is None:
            if len(self._memo) > MEMO_LIMIT:
                self._memo.clear()
            value = self._memo[key] = self._model.prob([word, *reversed(context[-2:])]) * LOG10_BASE
        return value

    def unigram(self, word: str) -> float:
        """log10 P(word), or -99 for an unknown word."""
        value = self._unigrams.get(word)
        if value is None:
            value = self._unigrams[word] = self.logprob(word) if self.known(word) else -99.0
        return value


def default_lm_path() -> str:
    """Where pocketsphinx keeps its general English trigram model."""
    return str(pocketsphinx_file("en-us", "en-us.lm.bin"))


@lru_cache(maxsize=1)
def default_tables() -> LMTables:
    """The default model as arrays, for batched queries (:mod:`spinfix.judge.trigram_tables`),
    loaded once per process."""
    return load_tables(_existing(default_lm_path()))


def _existing(path: str) -> str:
    """``path``, or :class:`SpinfixError` when no model file is there."""
    if not os.path.exists(path):
        raise SpinfixError(f"language model not found at {path}; reinstall pocketsphinx")
    return path


@lru_cache(maxsize=1)
def default_lm() -> LanguageModel:
    """The shared language model, loaded once per process."""
    return LanguageModel()


def phrase_unigram(words: tuple[str, ...]) -> float | None:
    """The sum of the unigram log10 P of ``words``, or None when the model lacks one of them
    (memoized: a restore asks it of the same proposed originals over and over)."""
    entry = _phrase_entry(words)
    return None if entry is None else entry[1]


def phrase_ids(words: tuple[str, ...]) -> tuple[int, ...] | None:
    """The model's ids of ``words``, or None when it lacks one (memoized like :func:`phrase_unigram`)."""
    entry = _phrase_entry(words)
    return None if entry is None else entry[0]


@lru_cache(maxsize=1 << 18)
def _phrase_entry(words: tuple[str, ...]) -> tuple[tuple[int, ...], float] | None:
    """A phrase's word ids and the sum of their unigram log10 P, in one memo (what
    :func:`phrase_ids`, :func:`phrase_unigram` and :func:`phrase_fits_many` read), or None
    when the model lacks a word."""
    tables = default_tables()
    found = tuple(tables.ids.get(w, -1) for w in words)
    return None if -1 in found else (found, sum(int(tables.ug_prob[i]) * LOG10_BASE for i in found))


def phrase_fits_many(requests: list[tuple[list[str], list, list[str]]]) -> list[list[float | None]]:
    """For each ``(left, phrases, right)``, how well each of ``phrases`` fits between ``left``
    and ``right``: log10 P of the phrase and of the two words after it, less the phrase's
    unigram log10 P (pointwise mutual information, so a frequent word does not win every
    context). None for a phrase with a word the model lacks. The phrases of a request share
    its context (a spun phrase and the originals proposed for it); every n-gram of every
    request is scored in one batch of array lookups, each phrase's log-probabilities added up
    in order, as a loop over them would."""
    tables = default_tables()
    ids, bos = tables.ids, tables.ids[BOS]
    contexts, known, owner, plan = [], [], [], []  # per request: its two words either side; per phrase fit: ids, unigram
    for left, phrases, right in requests:
        head = [ids.get(x, bos) for x in left[-2:]]
        contexts.append(([-1] * (2 - len(head)) + head, [ids[x] for x in right[:2] if x in ids]))
        entry = []
        for phrase in phrases:
            found = _phrase_entry(tuple(phrase)) if phrase else None
            entry.append(-1 if found is None else len(known))
            if found is not None:
                known.append(found)
                owner.append(len(contexts) - 1)
        plan.append(entry)
    fits = (_fit_sums(tables, contexts, known, owner) - np.array([u for _, u in known])).tolist() if known else []
    return [[None if k < 0 else fits[k] for k in entry] for entry in plan]


def _fit_sums(tables: LMTables, contexts: list[tuple[list[int], list[int]]], known: list[tuple[tuple[int, ...], float]],
              owner: list[int]) -> np.ndarray:
    """Each phrase's summed log10 P of its words and its request's words after it (up to two),
    each word after the two before it: the phrases as rows of word ids (the two words before
    them first, -1 where there are none), every n-gram scored in one lookup, then the rows
    added up a column at a time from zero (the order a loop over a phrase's words adds them)."""
    owner = np.array(owner)
    lengths = np.array([len(word_ids) for word_ids, _ in known])
    tails = [tail for _, tail in contexts]
    width = 2 + int(lengths.max()) + 2
    grid = np.full((len(known), width), -1, dtype=np.int64)
    grid[:, :2] = np.array([head for head, _ in contexts], dtype=np.int64).reshape(-1, 2)[owner]
    for length in np.unique(lengths).tolist():
        rows = np.flatnonzero(lengths == length)
        grid[rows, 2:2 + length] = [known[k][0] for k in rows.tolist()]
    tail = np.full((len(tails), 2), -1, dtype=np.int64)
    for k, words in enumerate(tails):
        tail[k, :len(words)] = words
    row = np.arange(len(known))
    grid[row, 2 + lengths] = tail[owner, 0]
    grid[row, 3 + lengths] = tail[owner, 1]
    count = lengths + np.array([len(words) for words in tails])[owner]  # words scored per phrase
    phrase, place = np.nonzero(np.arange(width - 2) < count[:, None])
    scores = np.zeros((len(known), width - 2))
    scores[phrase, place] = tables.scores(grid[phrase, place + 2], grid[phrase, place + 1], grid[phrase, place]) * LOG10_BASE
    sums = np.zeros(len(known))
    for column in scores.T:  # in order: a phrase's columns past its last word add zeros
        sums += column
    return sums


class TrigramJudge:
    """The trigram model as a judge of how well phrases fit their context: what restoring asks
    (:func:`phrase_fits_many`, :func:`phrase_unigram`). Stateless; its memos are the module's.

    Examples
    --------
    >>> judge = TrigramJudge()
    >>> fits = judge.phrase_fits_many([(["a"], [["soiled"], ["dirty"]], ["bomb"])])[0]
    >>> fits[1] > fits[0]
    True
    """

    name = "trigram"

    def phrase_fits_many(self, requests: list[tuple[list[str], list, list[str]]]) -> list[list[float | None]]:
        """:func:`phrase_fits_many`."""
        return phrase_fits_many(requests)

    def phrase_unigram(self, words: tuple[str, ...]) -> float | None:
        """:func:`phrase_unigram`."""
        return phrase_unigram(words)


__all__ = ["BOS", "LM_WORD_RE", "LOG10_BASE", "LanguageModel", "TrigramJudge", "default_lm", "default_tables",
           "phrase_fits_many", "phrase_ids", "phrase_unigram"]
