"""Restoring spun text: against its known source, or from a substitution dictionary alone.

Without a source, restoring must be conservative: "stated" and "close" are often what the writer
meant. Each dictionary match and each original it offers become a row of evidence (how much the
language model prefers the original in that very context, how often the dictionary saw the
pair and saw the phrase left as written, how common both are, whether the document uses the
original elsewhere, how spun the detector finds the word, the sentence and the document), and a
learned :class:`Restorer` decides, tuned for precision on documents it never saw.
"""
from __future__ import annotations

import importlib.resources
import math
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, TextIO

import numpy as np

from .aligning import Alignment, Substitution, align, apply_substitutions
from .compiled import Predict, compile_classifier
from .collector import pausing
from .detecting import Detector
from .dictionary import MAX_PHRASE_WORDS, SubstitutionDictionary, default_dictionary, match_phrases
from .errors import SpinfixError
from .model_files import read_model, save_model
from .lm import phrase_fits_many, phrase_unigram
from .word_lists import function_words, function_words_only
from .textio import write_json_object
from .thesaurus import Thesaurus, default_thesaurus
from .tokenizing import Token, iter_sentences, match_case, sentence_tokens

if TYPE_CHECKING:
    from .restorer_model import Restorer

DEFAULT_RESTORER = "restorer.joblib"
MAX_OPTIONS = 8  # listed originals considered per spun phrase, most frequent first
TARGET_PRECISION = 0.9
RESTORE_BLOCK = 50  # sentences whose candidates are held at once (about 400 per sentence, 248 bytes each)


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


@dataclass
class Restoration:
    """A restored text and the changes that produced it (offsets into the spun text)."""

    restored: str
    substitutions: list[Substitution] | list[Change]
    alignment: Alignment | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return {"restored": self.restored, "substitutions": [s.to_dict() for s in self.substitutions]}

    def write_json(self, out: TextIO) -> None:
        """Write :meth:`to_dict` as JSON, one substitution at a time
        (:func:`spinfix.textio.write_json_object`)."""
        write_json_object(out, {"restored": self.restored}, {"substitutions": (s.to_dict() for s in self.substitutions)})


def restore_with_reference(spun_text: str, ref_text: str) -> Restoration:
    """Put every aligned spun phrase back to its original; sentences with no source stay as written."""
    alignment = align(spun_text, ref_text)
    return Restoration(apply_substitutions(spun_text, alignment.substitutions), alignment.substitutions, alignment)


ROW_NAMES = [
    "gain", "gain_to_best", "is_best_gain", "n_options", "option_rank",
    "observed", "observed_docs", "observed_share", "observed_kept",
    "prior", "prior_share", "prior_kept", "curated",
    "thesaurus_step", "forward_rank", "backward_rank",
    "own_unigram", "option_unigram", "own_words", "option_words", "function_word",
    "sentence_probability", "document_likelihood", "word_evidence",
    "posterior", "posterior_margin", "keep_posterior", "posterior_with_keep",
    "original_in_document", "spun_in_document", "document_spun_share",
]
COLUMN = {name: k for k, name in enumerate(ROW_NAMES)}
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


OPTION_COLUMNS = ["observed", "observed_docs", "prior", "curated", "thesaurus_step", "forward_rank",
                  "backward_rank", "option_unigram", "option_words"]
MATCH_COLUMNS = ["n_options", "observed_kept", "prior_kept", "own_unigram", "own_words", "function_word",
                 "sentence_probability", "document_likelihood", "word_evidence", "keep_posterior",
                 "spun_in_document", "document_spun_share"]


@dataclass
class _OptionTable:
    """What the rows of a spun phrase's options share wherever the phrase occurs: their
    :data:`OPTION_COLUMNS` (one row per option), their counts and channel weights, built once
    per phrase so that a restore does not work them out for every match."""

    options: list[Option]
    columns: np.ndarray
    observed: list[int]
    prior: list[int]
    weights: list[float]

    @classmethod
    def of(cls, options: list[Option]) -> _OptionTable:
        unigrams = [phrase_unigram(o.words) for o in options]
        columns = np.array([(math.log1p(o.observed), math.log1p(o.observed_docs), math.log1p(o.prior), float(o.curated > 0),
                             o.step, o.forward_rank, o.backward_rank, math.nan if u is None else u / len(o.words),
                             len(o.words)) for o, u in zip(options, unigrams)], dtype=float).reshape(-1, len(OPTION_COLUMNS))
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
        self._option_tables: dict[str, _OptionTable] = {}
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

    def option_table(self, spun: str) -> _OptionTable:
        """The row columns of the originals proposed for ``spun`` that are the same wherever it
        occurs (:class:`_OptionTable`), built once per phrase."""
        cached = self._option_tables.get(spun)
        if cached is None:
            cached = self._option_tables[spun] = _OptionTable.of(self.options(spun))
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
    indexes it once, not once per text (about a second each); a dictionary changed since is
    indexed again."""
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


@dataclass
class Candidate:
    """One proposed original for one match in the text, with the evidence about it."""

    start: int
    end: int
    original: str
    row: list[float]
    listed: int = 0


@dataclass
class MatchContext:
    """What is known about one match beyond its words: how often it was seen left as written
    (``kept``: observed, prior), the detector's sentence probability, document likelihood and
    word evidence, how often each phrase occurs in the whole document, and the document's mean
    sentence probability (``document_spun_share``: how much of it looks spun)."""

    kept: tuple[int, int]
    probability: float
    likelihood: float
    evidence: float
    phrase_counts: Counter
    document_spun_share: float


@dataclass
class _Match:
    """A match of a known spun phrase, waiting for its language-model fits: its sentence's
    tokens and words, its span, the originals proposed, and its context."""

    tokens: list[Token]
    words: list[str]
    i: int
    j: int
    key: str
    options: list[Option]
    ctx: MatchContext

    def request(self) -> tuple[list[str], list, list[str]]:
        """What :func:`spinfix.lm.phrase_fits_many` scores: the spun phrase, then each option."""
        return self.words[:self.i], [self.words[self.i:self.j], *(o.words for o in self.options)], self.words[self.j:]


@dataclass
class CandidateTable:
    """A block's candidates as one matrix, so that the restorer scores them in one call and a
    restore never makes an object per candidate: row k of ``rows`` (:data:`ROW_NAMES`)
    proposes ``originals[k]`` (listed ``listed[k]`` times in a dictionary), and match g
    (its span in the text ``spans[g]``) owns rows ``bounds[g]:bounds[g + 1]``."""

    rows: np.ndarray
    bounds: list[int]
    spans: list[tuple[int, int]]
    originals: list[str]
    listed: list[int]

    def candidate(self, k: int, group: int) -> Candidate:
        """Row ``k``, of match ``group``, as a :class:`Candidate`."""
        start, end = self.spans[group]
        return Candidate(start, end, self.originals[k], self.rows[k].tolist(), self.listed[k])

    def groups(self) -> list[list[Candidate]]:
        """Every candidate, grouped by match."""
        return [[self.candidate(k, g) for k in range(self.bounds[g], self.bounds[g + 1])] for g in range(len(self.spans))]

    @classmethod
    def of(cls, groups: CandidateTable | list[list[Candidate]]) -> CandidateTable:
        """A table of candidates grouped by match (a table is returned as it is)."""
        if isinstance(groups, CandidateTable):
            return groups
        rows = [c for g in groups for c in g]
        return cls(np.array([c.row for c in rows], dtype=float).reshape(len(rows), len(ROW_NAMES)),
                   np.cumsum([0] + [len(g) for g in groups]).tolist(), [(g[0].start, g[0].end) for g in groups],
                   [c.original for c in rows], [c.listed for c in rows])


def _table(matches: list[_Match], fits: list[list[float | None]], knowledge: Knowledge) -> CandidateTable:
    """Feature rows (:data:`ROW_NAMES`) for every original proposed for each match, from the
    language model's fits of its spun phrase and of each option (:func:`spinfix.lm.phrase_fits_many`),
    built a column at a time: the options' own columns from their :class:`_OptionTable`, the
    match's columns once per match, and the columns that compare a match's options with one
    another (gains, shares, the noisy channel's posteriors) from short lists per match.

    A spinner swaps some occurrences of a word and leaves the rest, so an original that the
    document also uses elsewhere, for a phrase it uses nowhere else, is likely what was swapped.
    """
    static, per_match, sizes, spans, originals, listed = [], [], [], [], [], []
    best_of, observed, observed_total, prior, prior_total = [], [], [], [], []
    gains, posteriors, margins, with_keeps, in_document = [], [], [], [], []
    for match, (own, *fit) in zip(matches, fits):
        kept = [k for k, f in enumerate(fit) if f is not None]
        if not kept:
            continue
        ctx, table = match.ctx, knowledge.option_table(match.key)
        spun = match.words[match.i:match.j]
        gain = [fit[k] - own for k in kept]
        posterior, with_keep = _channel([table.weights[k] for k in kept], gain, OBSERVED_WEIGHT * ctx.kept[0] + ctx.kept[1])
        top = max(range(len(posterior)), key=posterior.__getitem__)
        runner_up = max((q for k, q in enumerate(posterior) if k != top), default=0.0)
        margin = [q - posterior[top] for q in posterior]
        margin[top] = posterior[top] - runner_up
        counts = ctx.phrase_counts
        kept_originals = [table.options[k].original for k in kept]
        static.append(table.columns[kept])
        per_match.append((len(kept), math.log1p(ctx.kept[0]), math.log1p(ctx.kept[1]),
                          phrase_unigram(tuple(spun)) / len(spun), len(spun), float(function_words_only(spun)),
                          ctx.probability, ctx.likelihood, ctx.evidence, 1.0 - sum(with_keep),
                          math.log1p(counts[" ".join(spun)] - 1), ctx.document_spun_share))
        sizes.append(len(kept))
        spans.append((match.tokens[match.i].start, match.tokens[match.j - 1].end))
        originals += kept_originals
        listed += [table.options[k].listed for k in kept]
        best_of.append(max(gain))
        observed += [table.observed[k] for k in kept]
        observed_total.append(sum(table.observed[k] for k in kept) + ctx.kept[0])
        prior += [table.prior[k] for k in kept]
        prior_total.append(sum(table.prior[k] for k in kept) + ctx.kept[1])
        gains += gain
        posteriors += posterior
        margins += margin
        with_keeps += with_keep
        in_document += [math.log1p(counts.get(o, 0)) for o in kept_originals]
    rows = np.empty((len(gains), len(ROW_NAMES)))
    bounds = np.cumsum([0] + sizes)
    if gains:
        repeat = np.repeat(np.arange(len(sizes)), sizes)
        rows[:, [COLUMN[c] for c in OPTION_COLUMNS]] = np.concatenate(static)
        rows[:, [COLUMN[c] for c in MATCH_COLUMNS]] = np.array(per_match)[repeat]
        gain, best = np.array(gains), np.array(best_of)[repeat]
        rows[:, COLUMN["gain"]] = gain
        rows[:, COLUMN["gain_to_best"]] = gain - best
        rows[:, COLUMN["is_best_gain"]] = gain == best
        rows[:, COLUMN["option_rank"]] = np.arange(len(gains)) - bounds[:-1][repeat]
        for name, counts, totals in (("observed_share", observed, observed_total), ("prior_share", prior, prior_total)):
            total = np.array(totals, dtype=float)[repeat]
            rows[:, COLUMN[name]] = np.divide(counts, total, out=np.zeros(len(gains)), where=total > 0)
        rows[:, COLUMN["posterior"]] = posteriors
        rows[:, COLUMN["posterior_margin"]] = margins
        rows[:, COLUMN["posterior_with_keep"]] = with_keeps
        rows[:, COLUMN["original_in_document"]] = in_document
    return CandidateTable(rows, bounds.tolist(), spans, originals, listed)


def _channel(weights: list[float], gains: list[float], keep: float) -> tuple[list[float], list[float]]:
    """Noisy-channel posteriors of the options: P(original | spun, context) ~ prior weight of
    the pair * 10 ** gain in context; then the same with "keep" as one more option, weighing
    ``keep`` (add-one) and fitting as the text fits now (gain 0)."""
    channel = [math.log10(w + 1e-3) + g for w, g in zip(weights, gains)]
    top = max(channel)
    scaled = [10 ** (c - top) for c in channel]
    keep_weight = (keep + 1) * 10 ** -top
    return [w / sum(scaled) for w in scaled], [w / (sum(scaled) + keep_weight) for w in scaled]


def phrase_counts(sentences: Iterable[list[Token]], is_phrase: Callable[[str], bool] = lambda _: True) -> Counter:
    """How often each word, and each phrase of several words (up to the dictionary's longest)
    that ``is_phrase`` accepts, occurs in a document."""
    counts: Counter = Counter()
    for tokens in sentences:
        words = [t.norm if t.is_word else None for t in tokens]
        counts.update(w for w in words if w is not None)
        for n in range(2, MAX_PHRASE_WORDS + 1):
            for k in range(len(words) - n + 1):
                if None not in words[k:k + n] and is_phrase(key := " ".join(words[k:k + n])):
                    counts[key] += 1
    return counts


def _is_name(tokens: list[Token], i: int, names: frozenset[str]) -> bool:
    """A capitalized word inside a sentence, a known name opening one ("Taiwan"), or a number:
    spinners leave those alone."""
    text = tokens[i].text
    capital = text[:1].isupper()
    return (capital and (i > 0 or tokens[i].norm in names)) or any(c.isdigit() for c in text)


def find_candidates(spun_text: str, knowledge: Knowledge, detector: Detector | None,
                    acts_on: Callable[[float, float], bool] | None = None) -> list[list[Candidate]]:
    """For each match of a known spun phrase in the text (longest first, left to right), the
    candidates for its original."""
    return [group for block in candidate_blocks(spun_text, knowledge, detector, acts_on) for group in block.groups()]


def candidate_blocks(spun_text: str, knowledge: Knowledge, detector: Detector | None,
                     acts_on: Callable[[float, float], bool] | None = None) -> Iterator[CandidateTable]:
    """:func:`find_candidates` a block of sentences at a time, each block's candidates as one
    :class:`CandidateTable`, so that a text of any size needs the memory of one block's table
    (a row is 31 floats, and a megabyte of text has a million of them). The detector's view of
    the whole document comes first, from the streamed scorer's first pass
    (:mod:`spinfix.streaming`); then the document's word and phrase counts
    (:func:`phrase_counts`); then the blocks.

    ``acts_on(likelihood, probability)`` (a restorer's :meth:`Restorer.acts_on`) says in which
    sentences a change may be made at all: candidates are only built there, since building them
    is most of a restore's time, and none at all in a document it rules out (training passes
    None, to see every candidate)."""
    from .streaming import score_streamed

    if detector is not None:
        streamed = score_streamed(detector, spun_text, block=RESTORE_BLOCK)
        blocks: Iterator = streamed.blocks()
        likelihood = streamed.likelihood
        document_spun_share = float(np.mean(streamed.probabilities)) if streamed.sentence_count else 0.0
        names = detector.features.names_
    else:  # every sentence as likely spun as not
        sentences = list(iter_sentences(spun_text))
        blocks = iter([(sentences, [0.5] * len(sentences), None)])
        likelihood, document_spun_share, names = 0.5, 0.5 if sentences else 0.0, frozenset()
    if acts_on is not None and not acts_on(likelihood, 1.0):
        return
    counts = phrase_counts((sentence_tokens(s) for s in iter_sentences(spun_text)), knowledge.is_phrase)
    for sentences, probabilities, evidence_of in blocks:
        waiting = []
        for k, sentence in enumerate(sentences):
            if acts_on is not None and not acts_on(likelihood, float(probabilities[k])):
                continue
            tokens = sentence_tokens(sentence)
            matches = [(i, j, key) for i, j, key in match_phrases(tokens, knowledge.keys)
                       if key in knowledge.listed or not _is_name(tokens, i, names)]
            suspicion = {sentence.start + e.start: e.score for e in (evidence_of[k] if evidence_of else [])}
            words = [t.norm for t in tokens]
            for i, j, key in matches:
                if phrase_unigram(tuple(words[i:j])) is None:
                    continue  # a word the model lacks: no fit for it, so none for its options either
                evidence = max((suspicion.get(t.start, 0.0) for t in tokens[i:j]), default=0.0)
                ctx = MatchContext(knowledge.kept_counts(key), float(probabilities[k]), likelihood, evidence, counts,
                                   document_spun_share)
                waiting.append(_Match(tokens, words, i, j, key, knowledge.options(key), ctx))
        yield _table(waiting, phrase_fits_many([m.request() for m in waiting]), knowledge)


class RestorerDecisions:
    """What a restore asks of a restorer: the best candidate of each match (:meth:`scored`), the
    change it makes (:meth:`decide`) and where it may act (:meth:`acts_on`), from
    :meth:`predict_proba` and the thresholds and gates. A change is made from probability
    ``threshold``, or ``observed_threshold`` for a content-word pair the user's own aligned
    pairs (or a curated list) hold (:func:`is_observed`): such a pair is evidence about the
    spinner at hand, so it may act on less context than a thesaurus guess. Nothing is changed in
    a document whose spin likelihood is under ``min_likelihood``, nor in a sentence whose
    probability is under ``min_sentence``: a text the detector finds clean keeps its words.
    :class:`spinfix.restorer_model.Restorer` learns them; :class:`CompiledRestorer` is what a
    model file keeps to restore without scikit-learn."""

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
        first = table.rows[table.bounds[:-1]]
        likelihood, probability = COLUMN["document_likelihood"], COLUMN["sentence_probability"]
        acting = [g for g, row in enumerate(first.tolist()) if self.acts_on(row[likelihood], row[probability])]
        if not acting:
            return []
        at = np.concatenate([np.arange(table.bounds[g], table.bounds[g + 1]) for g in acting])
        probs = self.predict_proba(table.rows[at])[:, 1]
        best, k = [], 0
        for g in acting:
            p = probs[k:k + table.bounds[g + 1] - table.bounds[g]]
            top = int(np.argmax(p))
            best.append((table.candidate(table.bounds[g] + top, g), float(p[top])))
            k += len(p)
        return best

    def decide(self, groups: CandidateTable | list[list[Candidate]]) -> list[tuple[Candidate, float]]:
        """The best candidate of each match whose probability reaches its threshold."""
        return [(c, p) for c, p in self.scored(groups) if p >= self.threshold_for(c)]

    def threshold_for(self, candidate: Candidate) -> float:
        """``observed_threshold`` for a pair the user's dictionary holds, else ``threshold``."""
        return self.observed_threshold if is_observed(candidate) else self.threshold

    def acts_on(self, likelihood: float, probability: float) -> bool:
        """Whether the detector finds both the document (``likelihood``) and the sentence
        (``probability``) likely spun enough for a change to be made there."""
        return likelihood >= self.min_likelihood and probability >= self.min_sentence


class CompiledRestorer(RestorerDecisions):
    """A fitted restorer's scoring form: its model compiled to numpy arrays
    (:mod:`spinfix.compiled`, the same probabilities), its thresholds and gates, and how many
    row columns it reads, with the restorer's training record ``info_``. A model file keeps it
    beside the scikit-learn restorer, and a restore reads it without importing scikit-learn
    (about 100 MB and most of a cold start)."""

    def __init__(self, predict: Predict, threshold: float, observed_threshold: float, min_likelihood: float,
                 min_sentence: float, n_features: int, info: dict | None = None):
        self.predict = predict
        self.threshold = threshold
        self.observed_threshold = observed_threshold
        self.min_likelihood = min_likelihood
        self.min_sentence = min_sentence
        self.n_features = n_features
        self.info_ = info or {}

    @classmethod
    def of(cls, restorer) -> CompiledRestorer | None:
        """The scoring form of a fitted restorer, or None when its model does not compile."""
        predict = getattr(restorer, "compiled_", None) or compile_classifier(restorer.model_)
        if predict is None:
            return None
        return cls(predict, restorer.threshold, restorer.observed_threshold, restorer.min_likelihood,
                   restorer.min_sentence, int(getattr(restorer.model_, "n_features_in_", len(ROW_NAMES))),
                   getattr(restorer, "info_", {}))

    def predict_proba(self, X) -> np.ndarray:
        p = self.predict(np.asarray(X, dtype=float))
        return np.column_stack([1.0 - p, p])


def is_observed(candidate: Candidate) -> bool:
    """Whether the user's own pairs (observed or curated) hold this candidate's pair and its
    spun side is not function words alone ("in", "so": common clean English that needs the
    stricter bar whatever the dictionary says)."""
    row = candidate.row
    return (row[COLUMN["observed"]] > 0 or row[COLUMN["curated"]] > 0) and not row[COLUMN["function_word"]]


class TrustingRestorer:
    """Replaces every dictionary match by its most frequent original (thesaurus proposals are
    ignored). Right for a curated list of tortured phrases, where every match is a known bad
    phrase; for a learned dictionary it is the naive baseline that :class:`Restorer` is
    measured against."""

    def decide(self, groups: CandidateTable | list[list[Candidate]]) -> list[tuple[Candidate, float]]:
        table = CandidateTable.of(groups)
        return [(table.candidate(k, g), 1.0) for g, k in enumerate(table.bounds[:-1]) if table.listed[k]]

    def acts_on(self, likelihood: float, probability: float) -> bool:
        """Everywhere: a trusted list is applied whatever the detector says."""
        return True


@lru_cache(maxsize=1)
def default_restorer() -> RestorerDecisions:
    """The restorer shipped in ``models/``, trained with the shipped dictionary (loaded once
    per process: no command overwrites it)."""
    path = importlib.resources.files("spinfix.models").joinpath(DEFAULT_RESTORER)
    return load_restorer(str(path))


def save_restorer(restorer: Restorer, path: str | os.PathLike[str]) -> None:
    """Write a fitted restorer atomically in the model-file envelope (:mod:`spinfix.model_files`),
    with its scoring form (:class:`CompiledRestorer`) as a second part."""
    save_model(restorer, "restorer", path, getattr(restorer, "info_", {}), CompiledRestorer.of(restorer))


def load_restorer(path: str, fitted: bool = False) -> RestorerDecisions:
    """Load a restorer: its scoring form where the file has one (no scikit-learn), else (or
    with ``fitted``) the scikit-learn restorer. A missing, damaged or incompatible file raises
    :class:`SpinfixError`."""
    rebuild = "rebuild it with `spinfix dict learn`"
    model = read_model(path, "restorer", rebuild)
    if len(model.parts) > 1 and not fitted:
        restorer = model.unpickle(1, CompiledRestorer)
        features = restorer.n_features
    else:
        from .restorer_model import Restorer

        restorer = model.unpickle(0, Restorer)
        features = getattr(restorer.model_, "n_features_in_", len(ROW_NAMES))
    if features != len(ROW_NAMES):
        raise SpinfixError(f"{path}: a restorer from another spinfix version ({features} features, this one uses "
                           f"{len(ROW_NAMES)}); {rebuild}")
    return restorer


def __getattr__(name: str):
    """``Restorer`` and its default booster live in :mod:`spinfix.restorer_model` (they need
    scikit-learn); model files written before it moved still name them here."""
    if name in ("Restorer", "DEFAULT_BOOSTER"):
        from . import restorer_model

        return getattr(restorer_model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def restore_with_dictionary(spun_text: str, dictionary: SubstitutionDictionary | None = None,
                            detector: Detector | None = None,
                            restorer: RestorerDecisions | TrustingRestorer | None = None,
                            only_dictionary: bool = False) -> Restoration:
    """Restore ``spun_text`` without its source.

    Draws on the user's ``dictionary`` (if any) *and* the shipped prior dictionary and thesaurus
    (``only_dictionary``: the user's alone; a :class:`TrustingRestorer` always uses the user's
    alone, since it applies every match). ``detector`` and ``restorer`` default to the shipped
    ones, exactly as ``spinfix restore`` does.
    """
    from .detecting import load_detector

    trusting = isinstance(restorer, TrustingRestorer)
    knowledge = knowledge_for(dictionary, only_dictionary or trusting)
    detector = detector if detector is not None else load_detector()
    restorer = restorer if restorer is not None else default_restorer()
    changes = []
    decided = (d for block in candidate_blocks(spun_text, knowledge, detector, restorer.acts_on)
               for d in restorer.decide(block))
    for cand, p in decided:
        spun = spun_text[cand.start:cand.end]
        changes.append(Change(spun, match_case(spun, cand.original), cand.start, cand.end, round(p, 3)))
    restored = apply_substitutions(spun_text, [Substitution(c.spun, c.original, c.start, c.end, 0, 0) for c in changes])
    return Restoration(restored, changes)
