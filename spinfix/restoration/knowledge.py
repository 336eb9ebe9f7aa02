"""What a reference-free restore proposes originals from: the user's dictionaries, the shipped
prior dictionary and the thesaurus, indexed once (:class:`Knowledge`)."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..collector import pausing
from ..dictionary.storage import default_dictionary
from ..dictionary.substitutions import SubstitutionDictionary
from ..errors import SpinfixError
from ..judge import Judge
from ..text.thesaurus import Thesaurus, default_thesaurus
from ..text.words import function_words
from .rows import OPTION_COLUMNS

MAX_OPTIONS = 8  # listed originals considered per spun phrase, most frequent first
THESAURUS_STEP1 = 12  # one-step thesaurus neighbours proposed per phrase
FORWARD_RANKS = 4  # a word is proposed as the original of its synonyms of these first ranks
THESAURUS_STEP2 = 4  # two-step neighbours proposed per phrase (through its first four neighbours)
PSEUDO_COUNT = {0: 0.0, 1: 0.5, 2: 0.1}  # what reaching an original through the thesaurus is worth
OBSERVED_WEIGHT = 5.0  # one observed pair weighs like this many prior ones in the channel
CURATED_WEIGHT = 100.0  # a curated pair weighs like this many prior ones
NOT_LISTED = 12  # rank given to a synonym a thesaurus entry does not list


@dataclass(frozen=True)
class Option:
    """One original proposed for a spun phrase, with where the proposal comes from: counts per
    dictionary source, and how the thesaurus reaches it (``step`` 1 or 2, 0 when it does not;
    ``forward_rank``: where the spun phrase stands among the original's synonyms, which a
    spinner's table prefers; ``backward_rank``: where the original stands among the spun
    phrase's neighbours)."""

    original: str
    observed: int = 0
    observed_docs: int = 0
    prior: int = 0
    curated: int = 0
    step: int = 0
    forward_rank: int = NOT_LISTED
    backward_rank: int = NOT_LISTED
    words: tuple[str, ...] = field(init=False, repr=False, compare=False)  # the original's, split once

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(self.original.split()))

    @property
    def listed(self) -> int:
        """How often a dictionary lists this pair, over every source."""
        return self.observed + self.prior + self.curated


@dataclass
class Listed:
    """How the dictionaries list one pair: counts per source (and the observed documents)."""

    observed: int = 0
    documents: int = 0
    prior: int = 0
    curated: int = 0

    def add(self, source: str, entry) -> None:
        """Count one dictionary row of ``source``."""
        setattr(self, source, getattr(self, source) + entry.count)
        if source == "observed":
            self.documents += entry.documents



@dataclass
class OptionTable:
    """What the rows of a spun phrase's options share wherever the phrase occurs: their
    :data:`OPTION_COLUMNS` (one row per option), their counts and channel weights, built once
    per phrase so that a restore does not work them out for every match."""

    options: list[Option]
    columns: np.ndarray
    observed: list[int]
    prior: list[int]
    weights: list[float]

    @classmethod
    def of(cls, options: list[Option], judge: Judge) -> OptionTable:
        unigrams = [judge.phrase_unigram(o.words) for o in options]
        columns = np.array([OPTION_COLUMNS.row(
            observed=math.log1p(o.observed), observed_docs=math.log1p(o.observed_docs), prior=math.log1p(o.prior),
            curated=float(o.curated > 0), thesaurus_step=o.step, forward_rank=o.forward_rank,
            backward_rank=o.backward_rank, option_unigram=math.nan if u is None else u / len(o.words),
            option_words=len(o.words)) for o, u in zip(options, unigrams)], dtype=float).reshape(-1, len(OPTION_COLUMNS))
        return cls(options, columns, [o.observed for o in options], [o.prior for o in options],
                   [_listed_weight(o.observed, o.prior, o.curated) + PSEUDO_COUNT[o.step] for o in options])




class Knowledge:
    """Everything a reference-free restore proposes originals from, indexed once: the user's
    dictionaries (``observed`` and ``curated`` rows), the shipped ``prior`` and the thesaurus.

    The thesaurus is what makes an unknown spinner restorable at all: for any content word or
    phrase it knows, it proposes neighbours one and two steps away, in both directions.
    """

    @pausing
    def __init__(self, dictionaries: list[SubstitutionDictionary], thesaurus: Thesaurus | None = None,
                 max_options: int = MAX_OPTIONS):
        self.thesaurus = thesaurus
        self.max_options = max_options
        self.listed: dict[str, dict[str, Listed]] = defaultdict(dict)
        self.kept: dict[str, Counter] = defaultdict(Counter)
        for dictionary in dictionaries:
            for (spun, original, source), entry in dictionary.entries.items():
                options = self.listed[spun]
                listed = options.get(original) or options.setdefault(original, Listed())
                listed.add(source, entry)
            for (spun, source), entry in dictionary.kept.items():
                self.kept[spun][source] += entry.count
        thesaurus_keys = _thesaurus_keys(thesaurus) if thesaurus is not None else frozenset()
        self.keys = thesaurus_keys | self.listed.keys()
        self._options: dict[str, list[Option]] = {}
        self._option_tables: dict[tuple[str, str], OptionTable] = {}
        self._listed_phrases = {p for spun, options in self.listed.items() for p in (spun, *options) if " " in p}

    def is_phrase(self, words: str) -> bool:
        """Whether a phrase of several words may be looked up in a document's counts (a spun
        phrase or an original some dictionary or the thesaurus knows): only those are counted,
        so that the counts grow with a document's vocabulary, not with its length."""
        return words in self._listed_phrases or (self.thesaurus is not None and words in self.thesaurus.neighbours)

    def kept_counts(self, spun: str) -> tuple[int, int]:
        """How often ``spun`` was seen left as written: (observed, prior)."""
        kept = self.kept.get(spun)
        return (kept["observed"], kept["prior"]) if kept else (0, 0)

    def options(self, spun: str) -> list[Option]:
        """The originals proposed for ``spun``: listed ones by count, then the thesaurus's."""
        cached = self._options.get(spun)
        if cached is None:
            cached = self._options[spun] = self._build_options(spun)
        return cached

    def option_table(self, spun: str, judge: Judge) -> OptionTable:
        """The row columns of the originals proposed for ``spun`` that are the same wherever it
        occurs (:class:`OptionTable`), built once per phrase and judge."""
        cached = self._option_tables.get((judge.name, spun))
        if cached is None:
            cached = self._option_tables[judge.name, spun] = OptionTable.of(self.options(spun), judge)
        return cached

    def _build_options(self, spun: str) -> list[Option]:
        """Listed originals first (the user's observed and curated pairs before the prior's, so
        that a pair seen once in the user's own text is never cut off), then the thesaurus's."""
        reach = self._thesaurus_reach(spun)
        listed = self.listed.get(spun, {})
        out = []
        ranked = sorted(listed.items(), key=lambda kv: (-(kv[1].observed + kv[1].curated), -kv[1].prior, kv[0]))
        for original, c in ranked[:self.max_options]:
            out.append(Option(original, c.observed, c.documents, c.prior, c.curated,
                              *reach.get(original, (0, NOT_LISTED, NOT_LISTED))))
        out += [Option(original, 0, 0, 0, 0, *how) for original, how in reach.items() if original not in listed]
        return out

    def _thesaurus_reach(self, spun: str) -> dict[str, tuple[int, int, int]]:
        """Originals the thesaurus reaches from ``spun``: (step, forward rank, backward rank).

        One step: the words whose best synonyms include ``spun`` (what a spinner's table,
        which lists a head's best synonyms, turns into ``spun``), best-ranked first, then the
        first of ``spun``'s own neighbours. Two steps: neighbours of its first neighbours.
        """
        if self.thesaurus is None:
            return {}
        neighbours = self.thesaurus.neighbours
        first = neighbours.get(spun, [])
        heads = self._heads_listing(spun)
        reach = {}
        for original in list(dict.fromkeys(heads[:THESAURUS_STEP1] + first[:THESAURUS_STEP1 // 2]))[:THESAURUS_STEP1]:
            reach[original] = (1, _rank(self.thesaurus.synonyms.get(original, []), spun), _rank(first, original))
        second = [o for n in first[:4] for o in neighbours.get(n, [])[:4] if o != spun and o not in reach]
        for original in list(dict.fromkeys(second))[:THESAURUS_STEP2]:
            reach[original] = (2, NOT_LISTED, NOT_LISTED)
        return reach

    def _heads_listing(self, spun: str) -> list[str]:
        """The heads that list ``spun`` among their first :data:`FORWARD_RANKS` synonyms, best
        rank first (then alphabetically)."""
        synonyms = self.thesaurus.synonyms
        ranked = sorted((rank, head) for head in dict.fromkeys(self.thesaurus.neighbours.heads(spun))
                        for rank, synonym in enumerate(synonyms[head][:FORWARD_RANKS]) if synonym == spun)
        return [head for _, head in ranked]


@lru_cache(maxsize=4)
def _thesaurus_keys(thesaurus: Thesaurus) -> frozenset[str]:
    """The phrases a thesaurus can propose originals for (content words and phrases), found
    once per thesaurus."""
    stop = function_words()
    return frozenset(k for k in thesaurus.neighbours if " " in k or k not in stop)


def _listed_weight(observed: int, prior: int, curated: int) -> float:
    """How much the dictionaries vouch for a pair, in prior counts (the noisy channel's weight)."""
    return OBSERVED_WEIGHT * observed + prior + CURATED_WEIGHT * curated


def _rank(options: list[str], item: str) -> int:
    return options.index(item) if item in options else NOT_LISTED


@lru_cache(maxsize=1)
def shipped_knowledge() -> Knowledge:
    """The shipped prior dictionary and the thesaurus, indexed once per process."""
    return Knowledge([default_dictionary()], default_thesaurus())


def knowledge_for(dictionary: SubstitutionDictionary | None, only_dictionary: bool = False) -> Knowledge:
    """What a restore draws on by default: the user's ``dictionary`` *and* the shipped prior and
    thesaurus; with ``only_dictionary``, the user's dictionary alone.

    The last few are kept by the dictionary's content (:meth:`SubstitutionDictionary.content_hash`),
    so that restoring many texts with one dictionary (a report, a screen's unsourced copies)
    indexes it once, not once per text; a dictionary changed since is indexed again."""
    if only_dictionary:
        if dictionary is None:
            raise SpinfixError("restoring from your dictionary alone (--only-dictionary, --trust) needs --dictionary")
    elif dictionary is None or not len(dictionary):
        return shipped_knowledge()
    key = (dictionary.content_hash(), only_dictionary)
    knowledge = _INDEXED.pop(key, None)
    if knowledge is None:
        knowledge = Knowledge([dictionary]) if only_dictionary else \
            Knowledge([dictionary, default_dictionary()], default_thesaurus())
    _INDEXED[key] = knowledge  # the most recent last
    while len(_INDEXED) > INDEXED_DICTIONARIES:
        del _INDEXED[next(iter(_INDEXED))]
    return knowledge


INDEXED_DICTIONARIES = 4  # user dictionaries whose knowledge a process keeps
_INDEXED: dict[tuple[str, bool], Knowledge] = {}


__all__ = ["CURATED_WEIGHT", "MAX_OPTIONS", "NOT_LISTED", "OBSERVED_WEIGHT", "Knowledge", "Listed", "Option",
           "OptionTable", "knowledge_for", "shipped_knowledge"]
