"""Sentence alignment: each spun sentence finds its source sentences through an inverted index
of rare words, consecutive ones landing on the same source sentences form one block, and the
lines left between blocks are paired when their lengths, numbers and names agree."""
from __future__ import annotations

import bisect
import heapq
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, overload

from ..text.tokens import Sentence, Token, iter_sentences, sentence_tokens, token_offsets
from ..text.words import left_alone

MIN_CONTAINMENT = 0.4  # share of a spun sentence's word weight found in its source sentence(s)
MAX_ANCHOR_DF = 25  # a word in more source sentences than this is no anchor
MERGE_GAIN = 0.08  # how much a two-sentence source span must beat one sentence by


@dataclass(frozen=True, slots=True)
class Block:
    """Spun sentences ``spun[0]:spun[1]`` aligned with source sentences ``ref[0]:ref[1]``."""

    spun: tuple[int, int]
    ref: tuple[int, int]


class Span(NamedTuple):
    """Consecutive tokens of a text by their offsets alone: ``starts[k]:ends[k]`` is token k."""

    starts: array
    ends: array


class SentenceList(Sequence[Sentence]):
    """A text's sentences as two arrays of offsets, each :class:`~spinfix.text.tokens.Sentence`
    made when it is asked for: a page of 400,000 one-word lines would otherwise hold as many
    sentence objects, each with its own copy of its text."""

    def __init__(self, text: str, starts: array, ends: array):
        self.text, self.starts, self.ends = text, starts, ends

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, i: int) -> Sentence: ...

    @overload
    def __getitem__(self, i: slice) -> list[Sentence]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        start, end = self.starts[i], self.ends[i]
        return Sentence(self.text[start:end], start, end)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"SentenceList({len(self)} sentences)"


class Sentences:
    """A text's sentences as aligning needs them, held compactly: the sentences' offsets
    (:class:`SentenceList`), each sentence's key (the matching forms of its words, interned, one
    tuple for every sentence with the same words, so that equal keys are the same sentence) and
    every token's offsets in two arrays for the whole text (:func:`~spinfix.text.tokens.token_offsets`),
    not token objects, which would be most of an alignment's memory; the few lines that need
    their tokens again (the gaps between aligned blocks) are tokenized again.
    """

    def __init__(self, text: str):
        starts, ends, self.token_starts, self.token_ends = array("l"), array("l"), array("l"), array("l")
        self.first_token = array("l", [0])  # sentence i's tokens are first_token[i]:first_token[i + 1]
        self.keys: list[tuple[str, ...]] = []
        seen: dict[tuple[str, ...], tuple[str, ...]] = {}
        for sentence in iter_sentences(text):
            token_starts, token_ends, words = token_offsets(sentence.text, sentence.start)
            key = tuple(words)
            self.keys.append(seen.setdefault(key, key))
            starts.append(sentence.start)
            ends.append(sentence.end)
            self.token_starts += token_starts
            self.token_ends += token_ends
            self.first_token.append(len(self.token_starts))
        self.sentences = SentenceList(text, starts, ends)

    def __len__(self) -> int:
        return len(self.sentences)

    def tokens(self, i: int) -> list[Token]:
        """The tokens of sentence ``i``."""
        return sentence_tokens(self.sentences[i])

    def span(self, lo: int, hi: int) -> Span:
        """The tokens of sentences ``lo:hi``, one after the other."""
        a, b = self.first_token[lo], self.first_token[hi]
        return Span(self.token_starts[a:b], self.token_ends[a:b])


def counted(keys: list[tuple[str, ...]]) -> list[Counter]:
    """Each key's words counted, one :class:`~collections.Counter` for every equal key (read only)."""
    made: dict[tuple[str, ...], Counter] = {}
    return [made[key] if key in made else made.setdefault(key, Counter(key)) for key in keys]


class SentenceIndex:
    """Inverted index from rare source words to the source sentences that contain them."""

    def __init__(self, keys: list[tuple[str, ...]]):
        self.counts = counted(keys)
        self.idf_unknown = math.log(len(self.counts) + 1) + 0.1  # a word the source lacks
        self.exact: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for j, key in enumerate(keys):
            self.exact[key].append(j)
        df: Counter = Counter()
        for counts in self.counts:
            df.update(counts.keys())
        n = len(self.counts) + 1
        self.idf = {w: math.log(n / d) + 0.1 for w, d in df.items()}
        self.weights = [self.weight(counts) for counts in self.counts]
        self.postings: dict[str, list[int]] = defaultdict(list)
        for j, counts in enumerate(self.counts):
            for w in counts:
                if df[w] <= MAX_ANCHOR_DF:
                    self.postings[w].append(j)

    def weight(self, counts: Counter) -> float:
        """The idf weight of a sentence's words, a word the source lacks weighing the most."""
        idf, unknown, total = self.idf, self.idf_unknown, 0
        for w, c in counts.items():
            total += idf.get(w, unknown) * c
        return total

    def span_weight(self, span: tuple[int, int]) -> float:
        """The idf weight of the source sentences in ``span``."""
        return sum(self.weights[j] for j in range(*span))

    def overlap(self, counts: Counter, span: tuple[int, int]) -> float:
        """The idf weight of the words ``counts`` shares with the source sentences in ``span``,
        one sentence or two (what :func:`_match_sentence` proposes). Summed in ``counts``'
        order in a plain loop: this runs for every candidate span of every spun sentence."""
        idf, total, first = self.idf, 0.0, self.counts[span[0]]
        if span[1] - span[0] == 1:
            for w, c in counts.items():
                if w in first:
                    n = first[w]
                    total += idf[w] * (c if c < n else n)
            return total
        second = self.counts[span[0] + 1]
        for w, c in counts.items():
            n = first.get(w, 0) + second.get(w, 0)
            if n:
                total += idf[w] * (c if c < n else n)
        return total

    def candidates(self, counts: Counter, expected: int = 0, limit: int = 4) -> list[int]:
        """The ``limit`` source sentences sharing the most rare-word weight; among equals, the
        nearest to ``expected`` (a page repeats lines)."""
        votes: dict[int, float] = {}
        postings, idf = self.postings, self.idf
        for w in counts:
            if w in postings:
                weight = idf[w]
                for j in postings[w]:
                    votes[j] = votes.get(j, 0.0) + weight
        if len(votes) > limit:  # only those that can tie the limit-th best after rounding are ranked
            cutoff = heapq.nlargest(limit, votes.values())[-1] - 1e-9
            votes = {j: v for j, v in votes.items() if v >= cutoff}
        return heapq.nsmallest(limit, votes, key=lambda j: (-round(votes[j], 9), abs(j - expected)))


def _dice(index: SentenceIndex, counts: Counter, weight: float, span: tuple[int, int]) -> tuple[float, float]:
    """(Dice similarity, containment) of a spun sentence against a span of source sentences."""
    shared = index.overlap(counts, span)
    return 2 * shared / (weight + index.span_weight(span) or 1.0), shared / (weight or 1.0)


NEAR_TIE = 0.9  # candidates within this share of the best similarity count as equally good


def _match_sentence(index: SentenceIndex, counts: Counter, expected: int) -> tuple[int, int] | None:
    """The source span (one or two sentences) that best matches one spun sentence, if any.

    Of candidates about equally similar (a headline that a page repeats as its title), the one
    nearest the ``expected`` position (where the previous spun sentence landed) wins, since
    spinners keep the order of sentences.
    """
    weight = index.weight(counts)
    scored = []
    for j in index.candidates(counts, expected):
        dice, containment = _dice(index, counts, weight, (j, j + 1))
        if containment >= MIN_CONTAINMENT:
            scored.append((dice, j))
    if not scored:
        return None
    top = max(dice for dice, _ in scored)
    best_dice, j = min(((d, j) for d, j in scored if d >= NEAR_TIE * top), key=lambda dj: abs(dj[1] - expected))
    best = (j, j + 1)
    for span in ((j - 1, j + 1), (j, j + 2)):
        if span[0] >= 0 and span[1] <= len(index.counts) and _dice_bound(index, weight, span) > best_dice + MERGE_GAIN:
            dice, _ = _dice(index, counts, weight, span)
            if dice > best_dice + MERGE_GAIN:
                best, best_dice = span, dice
    return best


def _dice_bound(index: SentenceIndex, weight: float, span: tuple[int, int]) -> float:
    """The most :func:`_dice` can be for a spun sentence of ``weight`` against ``span``: as if
    it shared every word (the shared weight, a sum of terms each at most the sentence's own, is
    at most its weight in floats too), so a span that cannot win is never compared word by word."""
    return 2 * weight / (weight + index.span_weight(span) or 1.0)


SHORT_SENTENCE = 4  # spun sentences with fewer words than this only attach next to a neighbour


def _nearest(positions: list[int], expected: int) -> int:
    """The position nearest ``expected`` in a sorted list."""
    k = bisect.bisect_left(positions, expected)
    return min(positions[max(0, k - 1):k + 1], key=lambda j: abs(j - expected))


def _sentence_spans(index: SentenceIndex, spun_counts: list[Counter],
                    spun_keys: list[tuple[str, ...]]) -> list[tuple[int, int] | None]:
    """The source span of each spun sentence, or None for spinner additions.

    A sentence found unchanged in the source takes its copy nearest to where the previous one
    landed. Other long sentences are matched on their own. A short one ("BEIJING -", a dateline split
    off its sentence) has too few words to be matched alone, so it may only join the source
    sentences next to where its aligned neighbours landed.
    """
    spans: list[tuple[int, int] | None] = []
    expected = 0
    for key, counts in zip(spun_keys, spun_counts):
        same = index.exact.get(key) if key else None
        if same:  # a sentence left as it was: the nearest copy (a page repeats lines)
            j = _nearest(same, expected)
            span = (j, j + 1)
        else:
            span = _match_sentence(index, counts, expected) if sum(counts.values()) >= SHORT_SENTENCE else None
        spans.append(span)
        expected = span[1] if span else expected + 1  # an unmatched sentence likely stands for one source sentence
    _drop_conflicts(index, spun_counts, spans)
    for i, counts in enumerate(spun_counts):
        if spans[i] is not None or not counts:
            continue
        near = set()
        if i > 0 and spans[i - 1]:
            near.update({spans[i - 1][1] - 1, spans[i - 1][1]})
        if i + 1 < len(spans) and spans[i + 1]:
            near.update({spans[i + 1][0] - 1, spans[i + 1][0]})
        weight = index.weight(counts)
        scored = [(_dice(index, counts, weight, (j, j + 1)), j) for j in near if 0 <= j < len(index.counts)]
        scored = [(dc[1], j) for dc, j in scored if dc[1] >= MIN_CONTAINMENT]
        if scored:
            j = max(scored)[1]
            spans[i] = (j, j + 1)
    return spans


def _drop_conflicts(index: SentenceIndex, spun_counts: list[Counter], spans: list[tuple[int, int] | None]) -> None:
    """A source sentence claimed by two spun sentences that are not neighbours (a spinner splits
    a sentence into consecutive ones, never into distant ones) keeps its best-matching claim;
    the other spun sentence is left for the gap filling to place."""
    claims: dict[int, list[int]] = defaultdict(list)
    for i, span in enumerate(spans):
        for j in range(*span) if span else ():
            claims[j].append(i)
    for claimants in claims.values():
        if len(claimants) > 1 and claimants[-1] - claimants[0] >= len(claimants):
            dice = {i: _dice(index, spun_counts[i], index.weight(spun_counts[i]), spans[i])[0]
                    for i in claimants if spans[i]}
            if dice:
                best = max(dice, key=dice.get)
                for i in dice:
                    if abs(i - best) > 1:
                        spans[i] = None


GAP_LINES = 3  # unaligned lines on each side of a gap between blocks that may be paired whole
LENGTH_RATIO = 2.5  # a gap line pairs with a source line at most this many times longer or shorter


def _left_alone(lines: list[list[Token]]) -> Counter:
    """The words of ``lines`` that spinners leave alone (:func:`~spinfix.text.words.left_alone`:
    numbers and names; a line's first word opens its sentence), counted."""
    return Counter(t.norm for toks in lines for k, t in enumerate(toks) if t.is_word and left_alone(t.text, k == 0, t.norm))


def _plausible(spun_text: Sentences, ref_text: Sentences, spun: range, ref: range) -> bool:
    """Whether spun lines ``spun`` could be a rewording of source lines ``ref``: lengths alike,
    and the same numbers and names (a spinner changes words, not those), so that a copy's own
    addition is not taken for the rewording of a dateline or a byline."""
    a = sum(len(spun_text.keys[i]) for i in spun)
    b = sum(len(ref_text.keys[j]) for j in ref)
    return (a > 0 and b > 0 and 1 / LENGTH_RATIO <= a / b <= LENGTH_RATIO
            and _left_alone([spun_text.tokens(i) for i in spun]) == _left_alone([ref_text.tokens(j) for j in ref]))


def _fill_gaps(blocks: list[Block], spun_text: Sentences, ref_text: Sentences) -> list[Block]:
    """Pair the lines left between aligned blocks with the source lines in the same gap.

    A heavily spun short line ("Your e mail deal with is not going to be printed") shares too
    few words with its source to be matched alone, but when the blocks before and after it are
    aligned, the source lines between them are where it came from. Gaps of equal size are
    paired line by line, small gaps of different sizes as one block, either way only lines that
    :func:`_plausible` finds alike. Before the first block and after the last, lines are paired
    outward from the alignment one by one while they are alike (a scraped source has furniture
    that the copy lacks, and a copy additions that the source lacks).
    """
    if not blocks:  # nothing matched on its own: a short text spun beyond its words, or another text
        n = len(spun_text)
        if n and n == len(ref_text) and all(
                _plausible(spun_text, ref_text, range(i, i + 1), range(i, i + 1)) for i in range(n)):
            return [Block((i, i + 1), (i, i + 1)) for i in range(n)]
        return blocks
    out: list[Block] = []
    bounds = [Block((0, 0), (0, 0))] + blocks + [Block((len(spun_text),) * 2, (len(ref_text),) * 2)]
    for before, after in zip(bounds, bounds[1:]):
        spun_gap = range(before.spun[1], after.spun[0])
        ref_gap = range(before.ref[1], after.ref[0])
        if before is not bounds[0]:
            out.append(before)
        if not spun_gap or not ref_gap:
            continue
        if before is bounds[0] or after is bounds[-1]:
            pairs = zip(reversed(spun_gap), reversed(ref_gap)) if before is bounds[0] else zip(spun_gap, ref_gap)
            edge = []
            for i, j in pairs:
                if not _plausible(spun_text, ref_text, range(i, i + 1), range(j, j + 1)):
                    break
                edge.append(Block((i, i + 1), (j, j + 1)))
            out.extend(sorted(edge, key=lambda b: b.spun))
        elif len(spun_gap) == len(ref_gap):
            out.extend(Block((i, i + 1), (j, j + 1)) for i, j in zip(spun_gap, ref_gap)
                       if _plausible(spun_text, ref_text, range(i, i + 1), range(j, j + 1)))
        elif len(spun_gap) <= GAP_LINES and len(ref_gap) <= GAP_LINES and _plausible(
                spun_text, ref_text, spun_gap, ref_gap):
            out.append(Block((spun_gap.start, spun_gap.stop), (ref_gap.start, ref_gap.stop)))
    return out


def align_sentences(spun_text: Sentences, ref_text: Sentences) -> list[Block]:
    """Blocks of consecutive spun sentences aligned with overlapping source sentence spans,
    then the lines between them paired (:func:`_fill_gaps`)."""
    index = SentenceIndex(ref_text.keys)
    blocks: list[Block] = []
    spans = _sentence_spans(index, counted(spun_text.keys), spun_text.keys)
    for i, span in enumerate(spans):
        if span is None:
            continue
        last = blocks[-1] if blocks else None
        if last and last.spun[1] == i and span[0] < last.ref[1] and span[1] > last.ref[0]:
            blocks[-1] = Block((last.spun[0], i + 1), (min(last.ref[0], span[0]), max(last.ref[1], span[1])))
        else:
            blocks.append(Block((i, i + 1), span))
    return _fill_gaps(blocks, spun_text, ref_text)


__all__ = ["Block", "SentenceIndex", "SentenceList", "Sentences", "Span", "align_sentences", "counted"]
