"""Word evidence from the neural judge: for every word or known phrase of a document that a
spinner could have swapped, how it fits where it stands and whether an original fits better.

The judge reads the document once, a few sentences at a time, which gives every token's
log-probability and how far it fell below the likeliest token there (its *gap*); the word
after a swap falls too ("soiled *bomb*"). Originals are proposed for each span by the
dictionaries and the thesaurus (:mod:`~spinfix.detection.originals`) and by the judge's own
expectations at that place where the thesaurus relates them to the span; each is first rated
from the left context alone (one dot product), and the best few of the spans that look out of
place are then compared in full (the span and a few words after it, :meth:`NeuralJudge.compare`),
the direct originals (listed, or one thesaurus step away) always among them.
The rows (:data:`SPAN_ROW`) are what the detector's span model reads.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..judge.gemma.tokenizer import SPACE
from ..judge.neural import NeuralJudge, Reading, Swap
from ..judge.trigram import phrase_unigram
from ..schema import Schema
from ..text.language import address_spans
from ..text.phrases import match_phrases
from ..text.tokens import Sentence, Token, match_case, sentence_tokens
from ..text.words import function_words, is_contraction, is_number
from .originals import NOT_LISTED, Originals, Proposal

SPAN_ROW = Schema(
    "gap", "inner_gap", "next_gap", "top", "logp", "tokens", "words", "left_best", "left_count",
    "compared", "delta_best", "delta_second", "delta_expected", "delta_direct",
    "best_user", "best_prior", "best_step", "best_rank", "best_expected",
    "proposals", "capital", "title", "opens", "unigram", "function")
CHUNK_CHARS = 700  # a reading holds consecutive sentences of one paragraph up to about this many characters
BLOCK_CHARS = 6_000  # readings held at once (their keys and values): about 1,500 tokens, 55 MB
LEFT_ROWS = 4096  # proposals whose left-context logits are computed at once (10 MB of embedding rows)
EXPECTED = 100  # the judge's likeliest next words matched against a span's thesaurus neighbourhood
COMPARED = 3  # originals compared in full per span
DIRECT = 2  # of them, places kept for direct originals (listed, or one thesaurus step away) when a span has any
WINDOW = 2  # words after a span scored in a comparison
LEFT_MIN = 0.0  # a span is compared when an original's left-context score beats it by this (nats) ...
GAP_MIN = 3.0  # ... or when its first token fell this far below the likeliest one
NO_DELTA = -30.0  # a comparison not made
TITLE_SHARE = 0.6  # a sentence with at least this share of capitalized words is a title or heading
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


@dataclass
class Span:
    """One word or phrase a spinner could have swapped: its place, its evidence row, and the
    originals compared in full with how much each beats it (nats)."""

    start: int
    end: int
    text: str
    key: str
    sentence: int
    row: tuple
    originals: list[str] = field(default_factory=list)
    deltas: np.ndarray = field(default_factory=lambda: np.zeros(0))
    proposals: list[Proposal] = field(default_factory=list, repr=False)
    left: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    @property
    def best(self) -> tuple[str | None, float]:
        """The original that fits best, and by how much it beats the span (None if none does)."""
        if not len(self.deltas):
            return None, NO_DELTA
        k = int(np.argmax(self.deltas))
        return self.originals[k], float(self.deltas[k])

    @property
    def related(self) -> list[tuple[float, str]]:
        """The originals compared (all related to the span's words), each with how much it beats
        the span, best first."""
        return sorted(((float(d), o) for o, d in zip(self.originals, self.deltas)), reverse=True)

    @property
    def direct(self) -> list[tuple[float, str]]:
        """The related originals that are direct (listed, or one thesaurus step away), best first."""
        near = {q.original for q in self.proposals if q.direct}
        return [r for r in self.related if r[1] in near]

    @property
    def named(self) -> list[tuple[float, str]]:
        """The originals a suspect is named with and restored from, best first: the direct ones
        where one beats the span ("soiled": "dirty", not the two-step neighbour "small" that fits
        a bomb better), else every related one."""
        direct = self.direct
        return direct if direct and direct[0][0] > 0 else self.related


@dataclass
class _Pending:
    span: Span
    chunk: int
    at: int
    first: int
    last: int
    proposals: list[Proposal]
    cased: list[str]
    values: dict
    left: np.ndarray | None = None


class SpanReader:
    """Turns documents into :class:`Span` rows with the neural judge.

    Parameters
    ----------
    judge : the neural judge.
    originals : proposes originals (dictionaries and thesaurus).
    compared, window, left_min, gap_min : how many originals a span compares, over how many
        words, and which spans are compared at all.
    """

    def __init__(self, judge: NeuralJudge, originals: Originals, compared: int = COMPARED, window: int = WINDOW,
                 left_min: float = LEFT_MIN, gap_min: float = GAP_MIN):
        self.judge = judge
        self.originals = originals
        self.compared = compared
        self.window = window
        self.left_min = left_min
        self.gap_min = gap_min
        self.stop = function_words()
        self._expected_words: tuple[np.ndarray, list[str]] | None = None

    def read(self, text: str, sentences: Sequence[Sentence], select: Callable[[np.ndarray], np.ndarray] | None = None,
             exclude: Callable[[Span], str | None] | None = None,
             extend: Callable[[list[Span]], np.ndarray] | None = None, extended: int = 8,
             extended_window: int = 3) -> list[Span]:
        """The spans of ``sentences`` (of ``text``) with their evidence, a block of readings
        at a time (so memory stays bounded on any input). ``select`` says, from the rows
        before any comparison (their comparison columns empty), which spans to compare (by
        default those with an original preferred from the left or a large gap); ``extend``
        says, from the finished spans, which to compare again with ``extended`` originals
        over ``extended_window`` words (a restore's deeper look; the rows stay as they were);
        ``exclude`` (training only) names an original to leave out of a span's proposals."""
        out: list[Span] = []
        for block in _blocks(_chunks(text, sentences)):
            readings = self.judge.read([text[a:b] for a, b, _ in block], keep=True)
            pending = []
            for c, ((a, _, members), reading) in enumerate(zip(block, readings)):
                for s in members:
                    pending += self._spans(text, sentences[s], s, c, a, reading, exclude)
            self._left_scores(pending, readings)
            before = np.array([self._row(p, [], np.zeros(0)) for p in pending]).reshape(-1, len(SPAN_ROW))
            chosen = select(before) if select is not None else self._default_select(before)
            self._compare([p for p, c in zip(pending, chosen) if c], readings, self.compared, self.window)
            for p, c, row in zip(pending, chosen, before):
                if not c:
                    p.span.row = tuple(row)
            if extend is not None and pending:
                deeper = [p for p, d in zip(pending, extend([p.span for p in pending])) if d]
                self._compare(deeper, readings, extended, extended_window, keep_rows=True)
            out += [p.span for p in pending]
            self.judge.release()
        return out

    def _default_select(self, rows: np.ndarray) -> np.ndarray:
        return (rows[:, SPAN_ROW.index("left_best")] > self.left_min) | (rows[:, SPAN_ROW.index("gap")] > self.gap_min)

    # -- spans and their cheap evidence -------------------------------------------------------

    def _spans(self, text: str, sentence: Sentence, index: int, chunk: int, base: int, reading: Reading,
               exclude) -> list[_Pending]:
        tokens = sentence_tokens(sentence)
        words = [t for t in tokens if t.is_word]
        capitals = [t for t in words if t.text[:1].isupper()]
        title = len(words) >= 2 and len(capitals) >= TITLE_SHARE * len(words)
        phrases = {(i, j): key for i, j, key in match_phrases(tokens, self.originals.keys) if j - i > 1}
        links = address_spans(sentence.text, sentence.start)
        out = []
        i = 0
        opening = next((k for k, t in enumerate(tokens) if t.is_word), 0)
        while i < len(tokens):
            j = next((jj for (ii, jj) in phrases if ii == i), i + 1)
            piece = tokens[i:j]
            i = j
            first = piece[0]
            opens = first is tokens[opening]
            if not first.is_word or not _swappable(piece, title, opens, self.stop, self.originals.own) \
                    or any(a <= first.start < b for a, b in links):
                continue
            key = " ".join(t.norm for t in piece)
            out.append(self._pending(text, piece, key, index, chunk, base, reading, title, opens, exclude))
        return out

    def _pending(self, text: str, piece: list[Token], key: str, index: int, chunk: int, base: int,
                 reading: Reading, title: bool, opens: bool, exclude) -> _Pending:
        start, end = piece[0].start, piece[-1].end
        spans = reading.spans
        first = _token_at(spans, start - base)
        last = max(first, _token_at(spans, end - base - 1))
        gap = reading.best - reading.logp
        n = len(reading.ids)
        proposals = self.originals.propose(key)
        dropped = exclude(Span(start, end, text[start:end], key, index, ())) if exclude else None
        if dropped:
            proposals = [p for p in proposals if p.original != dropped]
        words = key.split()
        unigram = phrase_unigram(tuple(words))
        span = Span(start, end, text[start:end], key, index, (), proposals=proposals)
        values = dict(
            gap=float(gap[first]), inner_gap=float(np.max(gap[first + 1:last + 1])) if last > first else 0.0,
            next_gap=float(gap[last + 1]) if last + 1 < n else 0.0, top=float(reading.best[first]),
            logp=float(np.mean(reading.logp[first:last + 1])), tokens=float(last - first + 1),
            words=float(len(words)), capital=float(piece[0].text[:1].isupper()), title=float(title),
            opens=float(opens), unigram=-99.0 if unigram is None else float(unigram),
            function=float(all(w in self.stop for w in words)))
        return _Pending(span, chunk, start - base, first, last, proposals,
                        [match_case(piece[0].text, p.original) for p in proposals], values)

    def _expected(self) -> tuple[np.ndarray, list[str]]:
        """The judge's single-token lowercase words: their output rows and their text."""
        if self._expected_words is None:
            ids, embed, _ = self.judge.subset()
            pieces = self.judge.tokenizer.pieces
            rows, words = [], []
            for k, i in enumerate(ids.tolist()):
                p = pieces[i]
                if p.startswith(SPACE) and len(p) > 2 and p[1:].isalpha() and p[1:].islower():
                    rows.append(k)
                    words.append(p[1:])
            self._expected_words = (np.ascontiguousarray(embed[np.array(rows)]), words)
        return self._expected_words

    def _left_scores(self, pending: list[_Pending], readings: list[Reading]) -> None:
        """Each proposal's left-context score against the span (its first token's logit minus
        the span's), and the judge's expected words that the thesaurus relates to the span."""
        if not pending:
            return
        embed, words = self._expected()
        hidden = np.stack([readings[p.chunk].hidden[p.first - 1] for p in pending])
        top = _likeliest(hidden, embed)
        for k, p in enumerate(pending):
            related = self.originals.related(p.span.key)
            known = {q.original for q in p.proposals}
            for w in (words[i] for i in top[k]):
                if w in related and w not in known and w != p.span.key:
                    p.proposals.append(Proposal(w, 0, 0, 2, NOT_LISTED))
                    p.cased.append(match_case(p.span.text, w))
                    known.add(w)
            p.span.proposals = p.proposals
        firsts, owners = [], []
        for k, p in enumerate(pending):
            reading = readings[p.chunk]
            lead = " " if p.at > 0 and reading.text[p.at - 1] == " " else ""
            firsts.append(int(reading.ids[p.first]))
            owners.append(k)
            for c in p.cased:
                firsts.append(self.judge.tokenizer.encode(lead + c, bos=False)[0])
                owners.append(k)
        ids, rows = np.array(firsts), np.array(owners)
        logits = np.concatenate([np.einsum("ij,ij->i", self.judge.model.embed_rows(ids[r:r + LEFT_ROWS]),
                                           hidden[rows[r:r + LEFT_ROWS]]) for r in range(0, len(ids), LEFT_ROWS)])
        at = 0
        for k, p in enumerate(pending):
            own = logits[at]
            p.left = logits[at + 1:at + 1 + len(p.cased)] - own
            at += 1 + len(p.cased)

    # -- comparisons --------------------------------------------------------------------------

    def _compare(self, pending: list[_Pending], readings: list[Reading], compared: int, window: int,
                 keep_rows: bool = False) -> None:
        """Compare the best ``compared`` originals of each span (by their left-context score;
        those the user's dictionary lists always among them) over ``window`` words after it,
        and complete the spans' rows (unless ``keep_rows``)."""
        swaps, asked = [], []
        for p in pending:
            if len(p.left):
                ranked = [int(k) for k in np.argsort(-p.left)]
                order = _compared_order(p.proposals, ranked, compared)
                order += [k for k, q in enumerate(p.proposals) if q.user and k not in order][:2]
                swaps.append(Swap(p.chunk, p.at, p.at + len(p.span.text), tuple(p.cased[k] for k in order)))
                asked.append((p, order))
        saved = self.judge.window
        self.judge.window = window
        try:
            deltas = self.judge.compare(readings, swaps) if swaps else []
        finally:
            self.judge.window = saved
        compared = {id(p): (order, d) for (p, order), d in zip(asked, deltas)}
        for p in pending:
            order, d = compared.get(id(p), ([], np.zeros(0)))
            p.span.originals = [p.proposals[k].original for k in order]
            p.span.deltas = np.asarray(d, dtype=float)
            p.span.left = p.left[order] if len(order) else np.zeros(0)
            if not keep_rows:
                p.span.row = self._row(p, order, np.asarray(d, dtype=float))

    def _row(self, p: _Pending, order: list[int], deltas: np.ndarray) -> tuple:
        values = dict(p.values)
        left = p.left
        if len(deltas):
            ranked = np.argsort(-deltas)
            best = p.proposals[order[int(ranked[0])]]
            values.update(compared=1.0, delta_best=float(deltas[ranked[0]]),
                          delta_second=float(deltas[ranked[1]]) if len(ranked) > 1 else NO_DELTA)
            expected = [deltas[n] for n, k in enumerate(order) if p.proposals[k].step == 2 and not p.proposals[k].prior]
            values["delta_expected"] = float(max(expected)) if expected else NO_DELTA
            direct = [deltas[n] for n, k in enumerate(order) if p.proposals[k].direct]
            values["delta_direct"] = float(max(direct)) if direct else NO_DELTA
        else:
            best = p.proposals[int(np.argmax(left))] if len(left) else Proposal("")
            values.update(compared=0.0, delta_best=NO_DELTA, delta_second=NO_DELTA, delta_expected=NO_DELTA,
                          delta_direct=NO_DELTA)
        values.update(left_best=float(left.max()) if len(left) else NO_DELTA, left_count=float(np.sum(left > 0)),
                      best_user=float(best.user), best_prior=float(np.log1p(best.prior)), best_step=float(best.step),
                      best_rank=float(best.forward_rank), best_expected=float(best.step == 2 and not best.prior),
                      proposals=float(len(p.proposals)))
        return SPAN_ROW.row(**values)


def _likeliest(hidden: np.ndarray, embed: np.ndarray, rows: int = 128) -> np.ndarray:
    """For each hidden row, the :data:`EXPECTED` likeliest of the judge's expected words (their
    indexes, unordered), ``rows`` rows at a time (a block's spans times every word would hold
    hundreds of megabytes)."""
    top = []
    for r in range(0, len(hidden), rows):
        scores = hidden[r:r + rows] @ embed.T
        top.append(np.argpartition(-scores, EXPECTED, axis=1)[:, :EXPECTED])
    return np.concatenate(top)


def _compared_order(proposals: list[Proposal], ranked: list[int], compared: int) -> list[int]:
    """Which of a span's proposals to compare, best left-context score first: up to
    :data:`DIRECT` direct originals, the rest of the ``compared`` places from any, so the judge's
    related expectations ("police" for "shut") do not crowd out the synonyms ("close")."""
    direct = [k for k in ranked if proposals[k].direct][:DIRECT]
    rest = [k for k in ranked if k not in direct][:max(0, compared - len(direct))]
    return sorted(direct + rest, key=ranked.index)


def _swappable(piece: list[Token], title: bool, opens: bool, stop: Container[str], own: Container[str]) -> bool:
    """Whether a spinner could have swapped this span for another sense: a known phrase, or a
    word with a letter that is not a number, not a function word, not a contraction (which says
    what its expansion says, unless the user's dictionary ``own`` lists it: their spinner
    contracts) and not a name (in a title every word is capitalized, so capitals say nothing there)."""
    if len(piece) > 1:
        return True
    t = piece[0]
    if is_number(t.text) or t.norm in stop or (is_contraction(t.norm) and t.norm not in own) \
            or not WORD.fullmatch(t.text):
        return False
    return title or opens or not t.text[:1].isupper()


def _token_at(spans: np.ndarray, p: int) -> int:
    """The token (after BOS) whose span holds character ``p``."""
    return max(1, int(np.searchsorted(spans[1:, 1], p, side="right")) + 1)


def _chunks(text: str, sentences: Sequence[Sentence]) -> list[tuple[int, int, list[int]]]:
    """Consecutive sentences read together: within a paragraph (no blank line between them),
    up to :data:`CHUNK_CHARS`."""
    out: list[tuple[int, int, list[int]]] = []
    for k, s in enumerate(sentences):
        if out:
            a, b, members = out[-1]
            between = text[b:s.start]
            if s.end - a <= CHUNK_CHARS and between.count("\n") < 2:
                out[-1] = (a, s.end, members + [k])
                continue
        out.append((s.start, s.end, [k]))
    return out


def _blocks(chunks: list[tuple[int, int, list[int]]]) -> list[list[tuple[int, int, list[int]]]]:
    """Consecutive chunks in blocks of about :data:`BLOCK_CHARS` characters."""
    out: list[list] = []
    size = BLOCK_CHARS
    for chunk in chunks:
        if size + chunk[1] - chunk[0] > BLOCK_CHARS:
            out.append([])
            size = 0
        out[-1].append(chunk)
        size += chunk[1] - chunk[0]
    return out


__all__ = ["SPAN_ROW", "Span", "SpanReader"]
