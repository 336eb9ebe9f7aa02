"""Align a spun text with its clean source: sentences first, then words, then phrase pairs.

Sentence alignment is near-linear: each spun sentence looks up candidate source sentences
through an inverted index of its *rare* words (DSpin's "immutables": words a spinner leaves
alone, such as names and numbers), so a word found in many sentences never costs a scan.
Spinners keep the order of sentences but may split, merge, drop or add them, and a scraped
source carries page furniture; consecutive spun sentences that land on the same source
sentences are aligned as one block, and a spun sentence that covers two source sentences takes
both. Inside a block, words are aligned with :class:`difflib.SequenceMatcher` (blocks are a few
sentences long, so its quadratic worst case never applies to a whole document). Phrase pairs
are the edits between aligned words, which makes them consistent with the word alignment in
the sense of statistical MT's phrase extraction: no word inside a pair is aligned outside it.
"""
from __future__ import annotations

import difflib
import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

from .errors import SpinfixError
from .tokenizing import Sentence, Token, sentence_tokens, split_sentences

MIN_CONTAINMENT = 0.4  # share of a spun sentence's word weight found in its source sentence(s)
MAX_ANCHOR_DF = 25  # a word in more source sentences than this is no anchor
MERGE_GAIN = 0.08  # how much a two-sentence source span must beat one sentence by


@dataclass(frozen=True)
class Substitution:
    """One edit: ``spun`` text at ``spun_start:spun_end`` stands for ``original`` in the source.

    An empty ``spun`` is a word the spinner dropped; an empty ``original`` one it added.
    """

    spun: str
    original: str
    spun_start: int
    spun_end: int
    ref_start: int
    ref_end: int

    @property
    def is_phrase_pair(self) -> bool:
        """True for a word-for-word or phrase-for-phrase swap worth a dictionary entry."""
        return any(c.isalnum() for c in self.spun) and any(c.isalnum() for c in self.original)

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class Block:
    """Spun sentences ``spun[0]:spun[1]`` aligned with source sentences ``ref[0]:ref[1]``."""

    spun: tuple[int, int]
    ref: tuple[int, int]


@dataclass
class Alignment:
    """The result of aligning a spun text with its source."""

    spun_text: str
    ref_text: str
    spun_sentences: list[Sentence]
    ref_sentences: list[Sentence]
    blocks: list[Block]
    substitutions: list[Substitution]

    @property
    def unaligned_spun(self) -> list[int]:
        """Indexes of spun sentences with no counterpart in the source (spinner additions)."""
        covered = {i for b in self.blocks for i in range(*b.spun)}
        return [i for i in range(len(self.spun_sentences)) if i not in covered]

    @property
    def phrase_pairs(self) -> list[Substitution]:
        """The substitutions that are real word or phrase swaps, not punctuation or additions."""
        return [s for s in self.substitutions if s.is_phrase_pair]


def _word_counts(tokens: list[Token]) -> Counter:
    return Counter(t.norm for t in tokens if t.is_word)


class _SourceIndex:
    """Inverted index from rare source words to the source sentences that contain them."""

    def __init__(self, ref_tokens: list[list[Token]]):
        self.counts = [_word_counts(toks) for toks in ref_tokens]
        df: Counter = Counter()
        for counts in self.counts:
            df.update(counts.keys())
        n = len(self.counts) + 1
        self.idf = {w: math.log(n / d) + 0.1 for w, d in df.items()}
        self.postings: dict[str, list[int]] = defaultdict(list)
        for j, counts in enumerate(self.counts):
            for w in counts:
                if df[w] <= MAX_ANCHOR_DF:
                    self.postings[w].append(j)

    def weight(self, counts: Counter) -> float:
        return sum(self.idf.get(w, self.idf_unknown) * c for w, c in counts.items())

    @property
    def idf_unknown(self) -> float:
        return math.log(len(self.counts) + 1) + 0.1

    def overlap(self, counts: Counter, span: tuple[int, int]) -> float:
        joint: Counter = Counter()
        for j in range(*span):
            joint.update(self.counts[j])
        return sum(self.idf.get(w, 0.0) * min(c, joint[w]) for w, c in counts.items())

    def candidates(self, counts: Counter, limit: int = 4) -> list[int]:
        votes: Counter = Counter()
        for w in counts:
            for j in self.postings.get(w, ()):
                votes[j] += self.idf[w]
        return [j for j, _ in votes.most_common(limit)]


def _dice(index: _SourceIndex, counts: Counter, weight: float, span: tuple[int, int]) -> tuple[float, float]:
    """(Dice similarity, containment) of a spun sentence against a span of source sentences."""
    ref_weight = sum(index.weight(index.counts[j]) for j in range(*span))
    shared = index.overlap(counts, span)
    return 2 * shared / (weight + ref_weight or 1.0), shared / (weight or 1.0)


def _match_sentence(index: _SourceIndex, counts: Counter) -> tuple[int, int] | None:
    """The source span (one or two sentences) that best matches one spun sentence, if any."""
    weight = index.weight(counts)
    best, best_dice = None, 0.0
    for j in index.candidates(counts):
        dice, containment = _dice(index, counts, weight, (j, j + 1))
        if containment >= MIN_CONTAINMENT and dice > best_dice:
            best, best_dice = (j, j + 1), dice
    if best is None:
        return None
    j = best[0]
    for span in ((j - 1, j + 1), (j, j + 2)):
        if span[0] >= 0 and span[1] <= len(index.counts):
            dice, _ = _dice(index, counts, weight, span)
            if dice > best_dice + MERGE_GAIN:
                best, best_dice = span, dice
    return best


SHORT_SENTENCE = 4  # spun sentences with fewer words than this only attach next to a neighbour


def _sentence_spans(index: _SourceIndex, spun_counts: list[Counter]) -> list[tuple[int, int] | None]:
    """The source span of each spun sentence, or None for spinner additions.

    Long sentences are matched first, on their own. A short one ("BEIJING -", a dateline split
    off its sentence) has too few words to be matched alone, so it may only join the source
    sentences next to where its aligned neighbours landed.
    """
    spans: list[tuple[int, int] | None] = [
        _match_sentence(index, counts) if sum(counts.values()) >= SHORT_SENTENCE else None
        for counts in spun_counts
    ]
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


def align_sentences(spun_tokens: list[list[Token]], ref_tokens: list[list[Token]]) -> list[Block]:
    """Blocks of consecutive spun sentences aligned with overlapping source sentence spans."""
    index = _SourceIndex(ref_tokens)
    blocks: list[Block] = []
    spans = _sentence_spans(index, [_word_counts(toks) for toks in spun_tokens])
    for i, span in enumerate(spans):
        if span is None:
            continue
        last = blocks[-1] if blocks else None
        if last and last.spun[1] == i and span[0] < last.ref[1] and span[1] > last.ref[0]:
            blocks[-1] = Block((last.spun[0], i + 1), (min(last.ref[0], span[0]), max(last.ref[1], span[1])))
        else:
            blocks.append(Block((i, i + 1), span))
    return blocks


def _gap_before(text: str, toks: list[Token], k: int) -> str:
    return text[toks[k - 1].end:toks[k].start] if 0 < k < len(toks) else ""


def _edit(spun_text: str, ref_text: str, a: list[Token], b: list[Token],
          i1: int, i2: int, j1: int, j2: int) -> Substitution:
    """The substitution for spun tokens ``a[i1:i2]`` against source tokens ``b[j1:j2]``.

    A replacement spans its tokens exactly, unless the spacing next to it differs between the
    texts (``bomb,"' in`` against ``bomb,'" according``): then the span takes that space in,
    so that applying it gives the source's spacing. An insertion or deletion takes the space
    after it (or before it, at the end of a block) for the same reason.
    """
    s0 = a[i1].start if i1 < len(a) else a[-1].end
    s1 = a[i2 - 1].end if i1 < i2 else s0
    r0 = b[j1].start if j1 < len(b) else b[-1].end
    r1 = b[j2 - 1].end if j1 < j2 else r0
    if i1 < i2 and j1 < j2:
        if _gap_before(spun_text, a, i1) != _gap_before(ref_text, b, j1):
            s0, r0 = a[i1 - 1].end, b[j1 - 1].end
        if _gap_before(spun_text, a, i2) != _gap_before(ref_text, b, j2):
            s1, r1 = a[i2].start, b[j2].start
    elif i2 < len(a) and j2 < len(b):
        s1, r1 = a[i2].start, b[j2].start
    else:
        s0 = a[i1 - 1].end if i1 > 0 and i1 < i2 else s0
        r0 = b[j1 - 1].end if j1 > 0 and j1 < j2 else r0
    return Substitution(spun_text[s0:s1], ref_text[r0:r1], s0, s1, r0, r1)


def align_words(spun_text: str, ref_text: str, a: list[Token], b: list[Token]) -> list[Substitution]:
    """Edits between two aligned token sequences, as minimal phrase pairs.

    Adjacent edits are one phrase ("overseas insurance" -> "foreign"); a replacement of equal
    length on both sides is split word for word ("additional particulars" -> "further details"
    gives two pairs), since a spinner swaps words one at a time. (That is wrong for the rare
    rewording of equal length, "the reason we're" -> "why we are": it restores the same text
    but adds weak pairs, which the dictionary's counts keep below the well-attested ones.)
    """
    matcher = difflib.SequenceMatcher(None, [t.norm for t in a], [t.norm for t in b], autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1 > 1:
            edits.extend(_edit(spun_text, ref_text, a, b, i1 + k, i1 + k + 1, j1 + k, j1 + k + 1)
                         for k in range(i2 - i1))
        else:
            edits.append(_edit(spun_text, ref_text, a, b, i1, i2, j1, j2))
    return edits


def align(spun_text: str, ref_text: str) -> Alignment:
    """Align ``spun_text`` with its clean source ``ref_text``.

    Raises :class:`SpinfixError` when no sentence of the two texts corresponds, which means
    the reference is not the source of the spun text.
    """
    spun_sents, ref_sents = split_sentences(spun_text), split_sentences(ref_text)
    spun_tokens = [sentence_tokens(s) for s in spun_sents]
    ref_tokens = [sentence_tokens(s) for s in ref_sents]
    blocks = align_sentences(spun_tokens, ref_tokens)
    if not blocks:
        raise SpinfixError("the reference shares no sentence with the spun text; is it really its source?")
    substitutions = []
    for block in blocks:
        a = [t for toks in spun_tokens[block.spun[0]:block.spun[1]] for t in toks]
        b = [t for toks in ref_tokens[block.ref[0]:block.ref[1]] for t in toks]
        substitutions.extend(align_words(spun_text, ref_text, a, b))
    return Alignment(spun_text, ref_text, spun_sents, ref_sents, blocks, substitutions)


def apply_substitutions(text: str, substitutions: list[Substitution]) -> str:
    """``text`` with each substitution's spun span replaced by its original text."""
    out, pos = [], 0
    for sub in sorted(substitutions, key=lambda s: (s.spun_start, s.spun_end)):
        if sub.spun_start < pos:
            continue  # overlapping edits from two blocks: keep the first
        out.append(text[pos:sub.spun_start])
        out.append(sub.original)
        pos = sub.spun_end
    out.append(text[pos:])
    return "".join(out)
