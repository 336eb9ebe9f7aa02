"""The neural judge: Gemma 3 270M reads texts and compares alternatives for a span.

Two questions, asked in batches: how likely is each token of a text given what precedes it
(:meth:`NeuralJudge.read`), and how much likelier does a text become with a span replaced by
each of several candidates (:meth:`NeuralJudge.compare`). A comparison reuses the keys and values
of the text before the span and scores only the candidate's tokens and a few words after it,
so ten candidates cost little more than reading the sentence again.

The normalizer of each prediction is the full 262,144-token vocabulary, or (the default) the
32,768 tokens that carry most of the probability on English prose plus the target's own logit
(``data/gemma_vocabulary.json``, built by ``scripts/build_judge_vocabulary.py``).
"""
from __future__ import annotations

import importlib.resources
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..errors import SpinfixError
from .gemma.cache import GemmaFiles, load_files
from .gemma.model import GemmaModel, Prefix, Segment
from .gemma.tokenizer import SPACE, GemmaTokenizer

MAX_ROWS = 2048  # token rows per forward call: large enough to keep the core busy
MAX_TOKENS = 4096  # a text longer than this is read in pieces of this many tokens
PREDICT_ROWS = 256  # token rows whose restricted-normalizer logits are held at once
WINDOW = 4  # words after a span that a comparison scores
VOCABULARY_FILE = "gemma_vocabulary.json"
_BREAK = re.compile(r"[ \n\t]*[^ \n\t]+")


@dataclass
class Reading:
    """One text as the judge read it: tokens, their character spans and log-probabilities.

    ``logp[i]`` is log P(token i | tokens before it) in nats (NaN for BOS); ``best[i]`` the
    log-probability of the likeliest token at that place, so ``best - logp`` is how far the
    text fell below what its context predicted.
    """

    text: str
    ids: np.ndarray
    spans: np.ndarray
    logp: np.ndarray
    best: np.ndarray
    prefix: Prefix | None = field(default=None, repr=False)
    hidden: np.ndarray | None = field(default=None, repr=False)

    def span_logp(self, start: int, end: int) -> float:
        """Total log-probability of the tokens that overlap characters ``start:end``."""
        mask = (self.spans[:, 1] > start) & (self.spans[:, 0] < end)
        mask[0] = False
        return float(np.nansum(self.logp[mask]))


@dataclass(frozen=True)
class Swap:
    """A question for :meth:`NeuralJudge.compare`: characters ``start:end`` of text
    ``reading`` (an index into the readings given) replaced by each of ``candidates``."""

    reading: int
    start: int
    end: int
    candidates: tuple[str, ...]


class NeuralJudge:
    """Gemma 3 270M as a judge of fit, run in numpy.

    Parameters
    ----------
    files : an opened weight cache; by default the user cache, converted on first use.
    normalizer : ``"subset"`` (default) or ``"full"`` vocabulary in each prediction's normalizer.
    window : words after a span that :meth:`compare` scores (``None``: to the end of the text).
    """

    name = "neural"

    def __init__(self, files: GemmaFiles | None = None, normalizer: str = "subset", window: int | None = WINDOW):
        if normalizer not in ("subset", "full"):
            raise SpinfixError(f"unknown normalizer {normalizer!r}: use 'subset' or 'full'")
        self.files = files if files is not None else load_files()
        self.normalizer = normalizer
        self.window = window
        self.model = GemmaModel(self.files)
        a = self.files.arrays
        self.tokenizer = GemmaTokenizer(self.files.pieces, a["scores"], a["types"], self.files.config["bos"])
        self._subset: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def signature(self) -> str:
        """Names the judge: the model's weights and the normalizer."""
        return f"{self.files.signature}/{self.normalizer}"

    # -- reading ------------------------------------------------------------------------------

    def read(self, texts: list[str], keep: bool = False) -> list[Reading]:
        """Each text's tokens with their log-probabilities; with ``keep``, the keys, values and
        hidden states too, so that :meth:`compare` and :meth:`propose` can continue them."""
        encoded = [self.tokenizer.encode_with_spans(t) for t in texts]
        for ids, _ in encoded:
            if keep and len(ids) > MAX_TOKENS:
                raise SpinfixError(f"a text of {len(ids)} tokens is too long to keep (at most {MAX_TOKENS})")
        out: list[Reading | None] = [None] * len(texts)
        pieces = [(i, lo) for i, (ids, _) in enumerate(encoded) for lo in range(0, max(len(ids) - 1, 1), MAX_TOKENS - 1)]
        results: dict[int, list[tuple[int, tuple]]] = {i: [] for i in range(len(texts))}  # text -> (start, piece)
        for batch in _batches(pieces, lambda p: min(MAX_TOKENS, len(encoded[p[0]][0]) - p[1])):
            seqs = []
            for i, lo in batch:
                ids = encoded[i][0]
                seqs.append(ids[:1] + ids[lo + 1:lo + MAX_TOKENS] if lo else ids[:MAX_TOKENS])
            flat, segments = _pack(seqs)
            hidden, kept = self.model.hidden(flat, segments, keep=keep)
            targets = np.full(len(flat), -1)
            for s in segments:
                targets[s.start:s.start + s.length - 1] = flat[s.start + 1:s.start + s.length]
            rows = targets >= 0
            lp, best = self.predict(hidden[rows], targets[rows])
            logp = np.full(len(flat), np.nan)
            top = np.full(len(flat), np.nan)
            logp[np.flatnonzero(rows) + 1] = lp
            top[np.flatnonzero(rows) + 1] = best
            for k, ((i, lo), s) in enumerate(zip(batch, segments)):
                rows_of = slice(s.start, s.start + s.length)
                results[i].append((lo, (logp[rows_of], top[rows_of], kept[k] if keep else None,
                                        hidden[rows_of] if keep else None)))
        for i, (ids, spans) in enumerate(encoded):
            parts = sorted(results[i], key=lambda part: part[0])
            logp = np.concatenate([parts[0][1][0]] + [r[0][1:] for _, r in parts[1:]])
            best = np.concatenate([parts[0][1][1]] + [r[1][1:] for _, r in parts[1:]])
            first = parts[0][1]
            out[i] = Reading(texts[i], np.asarray(ids), np.asarray(spans, dtype=np.int64).reshape(-1, 2),
                             logp, best, first[2], first[3])
        return out  # type: ignore[return-value]

    def predict(self, hidden: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each hidden row: log P(target) and the log-probability of the likeliest token."""
        if not len(targets):
            return np.zeros(0), np.zeros(0)
        target = self.model.logits_rows(hidden, targets).astype(np.float64)
        if self.normalizer == "full":
            lse, top = self.model.log_normalizer(hidden)
            return target - lse, top - lse
        _, embed, member = self.subset()
        lp, best = np.empty(len(targets)), np.empty(len(targets))
        for r in range(0, len(targets), PREDICT_ROWS):
            rows = slice(r, r + PREDICT_ROWS)
            lp[rows], best[rows] = _subset_predict(hidden[rows], target[rows], ~member[targets[rows]], embed)
        return lp, best

    def subset(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The restricted normalizer's token ids, their float32 output rows, and a membership mask."""
        if self._subset is None:
            ids = np.asarray(_subset_ids(self.files.config["gguf_sha256"]), dtype=np.int64)
            member = np.zeros(self.model.vocab, dtype=bool)
            member[ids] = True
            self._subset = (ids, self.model.embed_table(ids), member)
        return self._subset

    def release(self) -> None:
        """Give back the pages of the mapped weights that a pass touched and will not need soon
        (the embedding rows of the tokens and candidates read): called between blocks of a long
        text, it keeps a process's memory from growing with the text."""
        self.model.release_embedding()

    # -- comparing alternatives ---------------------------------------------------------------

    def compare(self, readings: list[Reading], swaps: list[Swap]) -> list[np.ndarray]:
        """For each swap, log P(text with the candidate) - log P(text as written), in nats, over
        the span and ``window`` words after it (the text before the span is the same in both).

        ``readings`` must come from :meth:`read` with ``keep=True``.
        """
        plans = [self._plan(readings[s.reading], s) for s in swaps]
        jobs = [(k, c) for k, plan in enumerate(plans) for c in range(len(plan["tails"]))]
        totals = [np.zeros(len(p["tails"])) for p in plans]
        for batch in _batches(jobs, lambda j: max(len(plans[j[0]]["tails"][j[1]]) - 1, 1)):
            seqs, segments, flat = [], [], []
            for k, c in batch:
                tail = plans[k]["tails"][c]
                seqs.append(tail[:-1] if len(tail) > 1 else tail[:1])
            flat, segments = _pack(seqs)
            for (k, _), seg in zip(batch, segments):
                seg.prefix = plans[k]["prefix"]
            hidden, _ = self.model.hidden(flat, segments)
            rows, targets, owners = [], [], []
            for (k, c), seg in zip(batch, segments):
                tail = plans[k]["tails"][c]
                rows.append(plans[k]["last"][None, :])
                targets.append(tail[0])
                owners.append((k, c))
                for j in range(1, len(tail)):
                    rows.append(hidden[seg.start + j - 1][None, :])
                    targets.append(tail[j])
                    owners.append((k, c))
            lp, _ = self.predict(np.concatenate(rows), np.asarray(targets))
            for (k, c), value in zip(owners, lp):
                totals[k][c] += value
        return [t[1:] - t[0] for t in totals]

    def _plan(self, reading: Reading, swap: Swap) -> dict:
        """The shared prefix and each variant's scored tokens (the text as written first)."""
        if reading.prefix is None:
            raise SpinfixError("compare needs readings made with keep=True")
        text, spans = reading.text, reading.spans
        k = _token_at(spans, _chunk_start(text, swap.start))
        p = int(spans[k, 0])
        end = _window_end(text, swap.end, self.window)
        variants = [text[swap.start:swap.end], *swap.candidates]
        tails = []
        for v in variants:
            tail_text = text[p:swap.start] + v + text[swap.end:end]
            tails.append(np.asarray(self.tokenizer.encode(tail_text, bos=False), dtype=np.int64))
        return {"prefix": reading.prefix.head(k), "last": reading.hidden[k - 1], "tails": tails}

    # -- proposals ----------------------------------------------------------------------------

    def propose(self, reading: Reading, at: int, k: int = 20) -> list[str]:
        """The ``k`` likeliest next words at character ``at`` (a word's start) of a kept
        reading, from the left context alone (single-token words of the restricted vocabulary)."""
        if reading.hidden is None:
            raise SpinfixError("propose needs a reading made with keep=True")
        j = _token_at(reading.spans, _chunk_start(reading.text, at))
        ids, embed, _ = self.subset()
        logits = embed @ reading.hidden[j - 1]
        words = []
        for i in np.argsort(-logits):
            piece = self.tokenizer.pieces[int(ids[i])]
            if piece.startswith(SPACE) and piece[1:].isalpha():
                words.append(piece[1:])
                if len(words) == k:
                    break
        return words


def _subset_predict(hidden: np.ndarray, target: np.ndarray, outside: np.ndarray,
                    embed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`NeuralJudge.predict` over the restricted normalizer for a block of rows (its logits
    reduced in place: a block of tokens costs PREDICT_ROWS x 32,768 floats, not the batch's)."""
    logits = hidden @ embed.T
    top = logits.max(axis=1).astype(np.float64)
    m = np.maximum(top, target)
    logits -= m[:, None].astype(np.float32)
    np.exp(logits, out=logits)
    total = logits.sum(axis=1, dtype=np.float64)
    total[outside] += np.exp(target[outside] - m[outside])
    lse = m + np.log(total)
    return target - lse, m - lse


def load_judge(normalizer: str = "subset") -> NeuralJudge:
    """The neural judge with the user cache's weights (converted on first use)."""
    return _cached_judge(normalizer)


@lru_cache(maxsize=2)
def _cached_judge(normalizer: str) -> NeuralJudge:
    return NeuralJudge(normalizer=normalizer)


@lru_cache(maxsize=1)
def _subset_ids(gguf_sha256: str) -> list[int]:
    try:
        record = json.loads(importlib.resources.files("spinfix.data").joinpath(VOCABULARY_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        raise SpinfixError(f"{VOCABULARY_FILE}: the neural judge's vocabulary is missing; reinstall spinfix "
                           "or use normalizer='full'") from None
    if record.get("gguf_sha256") != gguf_sha256:
        raise SpinfixError(f"{VOCABULARY_FILE} was built for another Gemma file; rebuild it with "
                           "scripts/build_judge_vocabulary.py")
    return record["ids"]


def _pack(seqs: list) -> tuple[np.ndarray, list[Segment]]:
    segments, at = [], 0
    for s in seqs:
        segments.append(Segment(at, len(s)))
        at += len(s)
    return np.concatenate([np.asarray(s, dtype=np.int64) for s in seqs]), segments


def _batches(items: list, size) -> list[list]:
    """``items`` in consecutive groups of at most MAX_ROWS rows (``size(item)`` rows each)."""
    out, current, rows = [], [], 0
    for item in items:
        n = size(item)
        if current and rows + n > MAX_ROWS:
            out.append(current)
            current, rows = [], 0
        current.append(item)
        rows += n
    if current:
        out.append(current)
    return out


def _chunk_start(text: str, at: int) -> int:
    """The tokenizer's chunk boundary at or before ``at``: the single space that starts the
    word, or the word's start after a line break, a tab, a run of spaces or the text's start."""
    p = at
    while p > 0 and text[p - 1] not in " \n\t":
        p -= 1
    if p > 0 and text[p - 1] == " " and (p < 2 or text[p - 2] != " "):
        p -= 1
    return p


def _token_at(spans: np.ndarray, p: int) -> int:
    """The index of the token (after BOS) whose span holds character ``p``."""
    return max(1, int(np.searchsorted(spans[1:, 1], p, side="right")) + 1)


def _window_end(text: str, end: int, window: int | None) -> int:
    """Where the scored region ends: after ``window`` words following ``end``, at a break."""
    if window is None:
        return len(text)
    stop = end
    m = re.match(r"[^ \n\t]*", text[end:])
    stop += m.end() if m else 0
    for _ in range(window):
        m = _BREAK.match(text, stop)
        if not m:
            break
        stop = m.end()
    return stop
