"""The candidates of a reference-free restore: every match of a phrase the knowledge lists, and
for each original proposed for it a row of evidence (:data:`~spinfix.restoration.rows.CANDIDATE_ROW`),
a block of sentences at a time (:class:`CandidateTable`)."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from ..detection.detector import Detector
from ..detection.streaming import StreamedScore, score_streamed
from ..judge import Judge
from ..judge.loading import load_judge
from ..text.phrases import MAX_PHRASE_WORDS, match_phrases
from ..text.tokens import Token, iter_sentences, sentence_tokens
from ..text.words import function_words_only, left_alone
from .knowledge import OBSERVED_WEIGHT, Knowledge
from .rows import CANDIDATE_ROW, MATCH_COLUMNS, OPTION_COLUMNS

RESTORE_BLOCK = 50  # sentences whose candidates are held at once (about 400 per sentence, 248 bytes each)
PLANS_KEPT = 1024  # phrases whose plans (about 3 kB each) and option words a restore keeps at once
column = CANDIDATE_ROW.index


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
    tokens and words, its span, the words of each original proposed (one list per phrase,
    shared by its matches), and its context."""

    tokens: list[Token]
    words: list[str]
    i: int
    j: int
    key: str
    originals: list[tuple[str, ...]]
    ctx: MatchContext

    def request(self) -> tuple[list[str], list, list[str]]:
        """What :meth:`Judge.phrase_fits_many` scores: the spun phrase, then each option."""
        return self.words[:self.i], [self.words[self.i:self.j], *self.originals], self.words[self.j:]


@dataclass
class _PhrasePlan:
    """What every match of one spun phrase shares in one document, once the judge has fit the
    options ``kept``: their rows' option columns and shares of the listed counts, how often each
    original occurs in the document, the match columns that depend on the phrase alone, and
    the channel's prior weights (built once per phrase and document, not per match)."""

    kept: list[int]
    static: np.ndarray
    shares: np.ndarray
    in_document: list[float]
    log_weights: list[float]
    keep: float
    phrase_columns: dict[str, float]
    originals: list[str]
    listed: list[int]

    @classmethod
    def of(cls, match: _Match, kept: list[int], knowledge: Knowledge, judge: Judge) -> _PhrasePlan:
        ctx, table = match.ctx, knowledge.option_table(match.key, judge)
        spun, counts = match.words[match.i:match.j], ctx.phrase_counts
        originals = [table.options[k].original for k in kept]
        shares = np.zeros((len(kept), 2))
        for c, (listed, kept_count) in enumerate(((table.observed, ctx.kept[0]), (table.prior, ctx.kept[1]))):
            total = np.full(len(kept), sum(listed[k] for k in kept) + kept_count, dtype=float)
            shares[:, c] = np.divide([listed[k] for k in kept], total, out=np.zeros(len(kept)), where=total > 0)
        phrase_columns = dict(
            n_options=len(kept), observed_kept=math.log1p(ctx.kept[0]), prior_kept=math.log1p(ctx.kept[1]),
            own_unigram=judge.phrase_unigram(tuple(spun)) / len(spun), own_words=len(spun),
            function_word=float(function_words_only(spun)), spun_in_document=math.log1p(counts[" ".join(spun)] - 1))
        static = table.columns if len(kept) == len(table.options) else table.columns[kept]  # no copy of all
        return cls(kept, static, shares, [math.log1p(counts.get(o, 0)) for o in originals],
                   [math.log10(table.weights[k] + 1e-3) for k in kept], OBSERVED_WEIGHT * ctx.kept[0] + ctx.kept[1],
                   phrase_columns, originals, [table.options[k].listed for k in kept])


@dataclass
class CandidateTable:
    """A block's candidates as one matrix, so that the restorer scores them in one call and a
    restore never makes an object per candidate: row k of ``rows`` (:data:`CANDIDATE_ROW`)
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
        return cls(np.array([c.row for c in rows], dtype=float).reshape(len(rows), len(CANDIDATE_ROW)),
                   np.cumsum([0] + [len(g) for g in groups]).tolist(), [(g[0].start, g[0].end) for g in groups],
                   [c.original for c in rows], [c.listed for c in rows])


def _table(matches: list[_Match], fits: list[list[float | None]], knowledge: Knowledge, judge: Judge,
           plans: dict[tuple[str, tuple[int, ...]], _PhrasePlan]) -> CandidateTable:
    """Candidate rows (:data:`CANDIDATE_ROW`) for every original proposed for each match, from the
    judge's fits of its spun phrase and of each option (:meth:`Judge.phrase_fits_many`), built a
    column at a time for the whole block: what a phrase's matches share from its
    :class:`_PhrasePlan` (``plans``: this document's, filled as phrases come), the match's own
    columns once per match, and the columns that compare a match's options with one another
    (gains, shares, the noisy channel's posteriors: :func:`_channel`) over the block at once.

    A spinner swaps some occurrences of a word and leaves the rest, so an original that the
    document also uses elsewhere, for a phrase it uses nowhere else, is likely what was swapped.
    """
    chosen, owns, flat = [], [], []  # per match: it and its plan, its spun phrase's fit; every kept option's fit
    for match, (own, *fit) in zip(matches, fits):
        kept = [k for k, f in enumerate(fit) if f is not None]
        if not kept:
            continue
        plan = plans.get((match.key, tuple(kept)))
        if plan is None:
            if len(plans) >= PLANS_KEPT:
                plans.clear()  # a text of any vocabulary holds this many at most
            plan = plans[match.key, tuple(kept)] = _PhrasePlan.of(match, kept, knowledge, judge)
        chosen.append((match, plan))
        owns.append(own)
        flat += [fit[k] for k in kept]
    sizes = [len(plan.kept) for _, plan in chosen]
    bounds = np.cumsum([0] + sizes)
    rows = np.empty((len(flat), len(CANDIDATE_ROW)))
    if flat:
        starts, repeat = bounds[:-1], np.repeat(np.arange(len(sizes)), sizes)
        gain = np.array(flat) - np.array(owns)[repeat]
        best = np.maximum.reduceat(gain, starts)
        posterior, margin, with_keep, keep_posterior = _channel(chosen, gain, starts, repeat)
        rows[:, CANDIDATE_ROW.indices(OPTION_COLUMNS)] = np.concatenate([plan.static for _, plan in chosen])
        per_match = np.array([MATCH_COLUMNS.row(
            **plan.phrase_columns, sentence_probability=m.ctx.probability, document_likelihood=m.ctx.likelihood,
            word_evidence=m.ctx.evidence, keep_posterior=keep, document_spun_share=m.ctx.document_spun_share)
            for (m, plan), keep in zip(chosen, keep_posterior)])
        rows[:, CANDIDATE_ROW.indices(MATCH_COLUMNS)] = per_match[repeat]
        rows[:, column("gain")] = gain
        rows[:, column("gain_to_best")] = gain - best[repeat]
        rows[:, column("is_best_gain")] = gain == best[repeat]
        rows[:, column("option_rank")] = np.arange(len(flat)) - starts[repeat]
        rows[:, CANDIDATE_ROW.indices(("observed_share", "prior_share"))] = np.concatenate([p.shares for _, p in chosen])
        rows[:, column("posterior")] = posterior
        rows[:, column("posterior_margin")] = margin
        rows[:, column("posterior_with_keep")] = with_keep
        rows[:, column("original_in_document")] = [x for _, plan in chosen for x in plan.in_document]
    return CandidateTable(rows, bounds.tolist(), [(m.tokens[m.i].start, m.tokens[m.j - 1].end) for m, _ in chosen],
                          [o for _, plan in chosen for o in plan.originals],
                          [n for _, plan in chosen for n in plan.listed])


def listed_table(matches: list[tuple[list[Token], int, int, str]], knowledge: Knowledge) -> CandidateTable:
    """The candidates of matches of listed phrases (``(tokens, i, j, phrase)``) as a trusting
    restore reads them: one per original the dictionaries list for the phrase, most listed first,
    with no evidence in their rows (all zero)."""
    sizes, spans, originals, listed = [], [], [], []
    for tokens, i, j, key in matches:
        options = [o for o in knowledge.options(key) if o.listed]
        if options:
            sizes.append(len(options))
            spans.append((tokens[i].start, tokens[j - 1].end))
            originals += [o.original for o in options]
            listed += [o.listed for o in options]
    return CandidateTable(np.zeros((len(originals), len(CANDIDATE_ROW))), np.cumsum([0] + sizes).tolist(), spans,
                          originals, listed)


def _channel(chosen: list[tuple[_Match, _PhrasePlan]], gain: np.ndarray, starts: np.ndarray,
             repeat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[float]]:
    """Noisy-channel posteriors of each match's options (a block's options end to end, match
    ``repeat[k]`` owning option k): P(original | spun, context) ~ prior weight of the pair *
    10 ** gain in context; each option's margin over the best other (the best's over the
    runner-up); then the same with "keep" as one more option, weighing its ``keep`` (add-one)
    and fitting as the text fits now (gain 0), and what that leaves to "keep". Powers and sums
    are Python's, as a loop over each match's options computed them (numpy's may round
    otherwise); the rest is exact elementwise arithmetic."""
    channel = np.array([w for _, plan in chosen for w in plan.log_weights]) + gain
    top = np.maximum.reduceat(channel, starts)
    scaled = [10 ** c for c in (channel - top[repeat]).tolist()]
    ends = [*starts[1:].tolist(), len(scaled)]
    totals = [sum(scaled[a:b]) for a, b in zip(starts.tolist(), ends)]
    keeps = [total + (plan.keep + 1) * 10 ** -t for total, (_, plan), t in zip(totals, chosen, top.tolist())]
    posterior = np.array(scaled) / np.array(totals)[repeat]
    with_keep = np.array(scaled) / np.array(keeps)[repeat]
    peak = np.maximum.reduceat(posterior, starts)
    at = np.arange(len(posterior))
    first = np.minimum.reduceat(np.where(posterior == peak[repeat], at, len(at)), starts)  # each match's first best
    others = posterior.copy()
    others[first] = -np.inf
    runner_up = np.maximum.reduceat(others, starts)
    runner_up[runner_up == -np.inf] = 0.0  # a match of one option has none
    margin = posterior - peak[repeat]
    margin[first] = peak - runner_up
    kept = with_keep.tolist()
    return posterior, margin, with_keep, [1.0 - sum(kept[a:b]) for a, b in zip(starts.tolist(), ends)]


def phrase_counts(sentences: Iterable[list[Token]], is_phrase: Callable[[str], bool] = lambda _: True) -> Counter:
    """How often each word, and each phrase of several words (up to the dictionary's longest)
    that ``is_phrase`` accepts, occurs in a document."""
    counts: Counter = Counter()
    for tokens in sentences:
        run: list[str] = []  # the words since the last mark: a phrase never spans one
        for word in [t.norm if t.is_word else None for t in tokens] + [None]:
            if word is not None:
                run.append(word)
                continue
            counts.update(run)
            for n in range(2, min(len(run), MAX_PHRASE_WORDS) + 1):
                for k in range(len(run) - n + 1):
                    if is_phrase(key := " ".join(run[k:k + n])):
                        counts[key] += 1
            run = []
    return counts


def _left_alone(tokens: list[Token], i: int, names: frozenset[str]) -> bool:
    """Whether a spinner leaves token ``i`` of a sentence alone (:func:`~spinfix.text.words.left_alone`)."""
    return left_alone(tokens[i].text, i == 0, tokens[i].norm, names)


def find_candidates(spun_text: str, knowledge: Knowledge, detector: Detector | None,
                    acts_on: Callable[[float, float], bool] | None = None, judge: Judge | None = None) -> list[list[Candidate]]:
    """For each match of a known spun phrase in the text (longest first, left to right), the
    candidates for its original."""
    return [group for block in candidate_blocks(spun_text, knowledge, detector, acts_on, judge) for group in block.groups()]


def candidate_blocks(spun_text: str, knowledge: Knowledge, detector: Detector | None,
                     acts_on: Callable[[float, float], bool] | None = None,
                     judge: Judge | None = None, streamed: StreamedScore | None = None,
                     listed_only: bool = False) -> Iterator[CandidateTable]:
    """:func:`find_candidates` a block of sentences at a time, each block's candidates as one
    :class:`CandidateTable`, so that a text of any size needs the memory of one block's table
    (a row is 31 floats, and a megabyte of text has a million of them). The detector's view of
    the whole document comes first, from the streamed scorer's first pass
    (:mod:`spinfix.detection.streaming`); then the document's word and phrase counts
    (:func:`phrase_counts`); then the blocks.

    ``acts_on(likelihood, probability)`` (a restorer's :meth:`Restorer.acts_on`) says in which
    sentences a change may be made at all: candidates are only built there, since building them
    is most of a restore's time, and none at all in a document it rules out (training passes
    None, to see every candidate). ``judge`` (default: :func:`~spinfix.judge.load_judge`'s) says
    how well each phrase fits its context; ``streamed``, the detector's first pass over the text
    where the caller made it already (:func:`~spinfix.detection.streaming.score_streamed` with
    ``block=RESTORE_BLOCK``).

    ``listed_only`` is a trusting restore's (:class:`~spinfix.restoration.decisions.TrustingRestorer`):
    every match of a listed phrase comes with its listed originals, most listed first, whatever
    the judge knows of its words (a curated tortured phrase, "vaticination", "wi-fireless", is
    often outside any language model), and no row of evidence is computed (:func:`listed_table`)."""
    judge = judge if judge is not None else load_judge("trigram")
    if detector is not None:
        streamed = streamed if streamed is not None else score_streamed(detector, spun_text, block=RESTORE_BLOCK)
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
    if listed_only:
        for sentences, _, _ in blocks:
            yield listed_table([(tokens, i, j, key) for s in sentences if (tokens := sentence_tokens(s))
                                for i, j, key in match_phrases(tokens, knowledge.listed)], knowledge)
        return
    counts = phrase_counts((sentence_tokens(s) for s in iter_sentences(spun_text)), knowledge.is_phrase)
    plans: dict[tuple[str, tuple[int, ...]], _PhrasePlan] = {}
    originals: dict[str, list[tuple[str, ...]]] = {}  # each phrase's options' words, listed once
    for sentences, probabilities, evidence_of in blocks:
        waiting = []
        for k, sentence in enumerate(sentences):
            probability = float(probabilities[k])
            if acts_on is not None and not acts_on(likelihood, probability):
                continue
            tokens = sentence_tokens(sentence)
            matches = [(i, j, key) for i, j, key in match_phrases(tokens, knowledge.keys)
                       if key in knowledge.listed or not _left_alone(tokens, i, names)]
            suspicion = {sentence.start + e.start: e.score for e in (evidence_of[k] if evidence_of else [])}
            words = [t.norm for t in tokens]
            for i, j, key in matches:
                if judge.phrase_unigram(tuple(words[i:j])) is None:
                    continue  # a word the model lacks: no fit for it, so none for its options either
                evidence = max((suspicion.get(t.start, 0.0) for t in tokens[i:j]), default=0.0) if suspicion else 0.0
                ctx = MatchContext(knowledge.kept_counts(key), probability, likelihood, evidence, counts,
                                   document_spun_share)
                words_of = originals.get(key)
                if words_of is None:
                    if len(originals) >= PLANS_KEPT:
                        originals.clear()
                    words_of = originals[key] = [o.words for o in knowledge.options(key)]
                waiting.append(_Match(tokens, words, i, j, key, words_of, ctx))
        yield _table(waiting, judge.phrase_fits_many([m.request() for m in waiting]), knowledge, judge, plans)


__all__ = ["RESTORE_BLOCK", "Candidate", "CandidateTable", "MatchContext", "candidate_blocks", "find_candidates",
           "listed_table", "phrase_counts"]
