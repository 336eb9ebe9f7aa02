"""Gemma's SentencePiece tokenizer, rebuilt from the vocabulary in the GGUF.

SentencePiece's BPE: spaces become "▁" (no dummy prefix), user-defined pieces (runs of
spaces, newlines and tabs, a few HTML tags) are matched first and never merged, then adjacent
symbols are merged by the score of the merged piece, best first and leftmost on ties, and a
symbol the vocabulary lacks falls back to its UTF-8 bytes. No piece but one ("">▁</"") holds a
"▁" after its start, so the text is cut before every "▁" and each word is encoded once and
memoized. Every token keeps the character span it came from.
"""
from __future__ import annotations

import heapq
import re
from collections.abc import Sequence

import numpy as np

NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
SPACE = "\u2581"
MEMO_LIMIT = 200_000  # words kept encoded before the memo starts over


class GemmaTokenizer:
    """Text to token ids with character spans, for Gemma 3's vocabulary.

    Parameters
    ----------
    pieces, scores, types : the GGUF's ``tokenizer.ggml.tokens``, ``scores`` and ``token_type``.
    bos : the id put before every text.
    """

    def __init__(self, pieces: Sequence[str], scores: np.ndarray, types: np.ndarray, bos: int = 2):
        types = np.asarray(types)
        self.pieces = pieces
        self.bos = bos
        kinds = types.tolist()
        self._score = {p: float(s) for p, s, t in zip(pieces, np.asarray(scores).tolist(), kinds) if t == NORMAL}
        self._id: dict[str, int] = {}
        for i, (p, t) in enumerate(zip(pieces, kinds)):
            if t == NORMAL:
                self._id[p] = i
            elif t == USER_DEFINED:
                self._id[p.replace(" ", SPACE)] = i  # the GGUF writes space runs with spaces
        user = sorted((p.replace(" ", SPACE) for p, t in zip(pieces, kinds) if t == USER_DEFINED),
                      key=len, reverse=True)
        self._user = re.compile("(" + "|".join(re.escape(p) for p in user) + ")")
        byte_ids = {p: i for i, (p, t) in enumerate(zip(pieces, kinds)) if t == BYTE}
        self._byte = [byte_ids[f"<0x{b:02X}>"] for b in range(256)]
        self._byte_value = {i: b for b, i in enumerate(self._byte)}
        self._text = {i: p for p, i in self._id.items()}
        self._memo: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def encode(self, text: str, bos: bool = True) -> list[int]:
        """The token ids of ``text`` (BOS first unless ``bos`` is false)."""
        return self.encode_with_spans(text, bos)[0]

    def encode_with_spans(self, text: str, bos: bool = True) -> tuple[list[int], list[tuple[int, int]]]:
        """Token ids and each token's ``(start, end)`` character span in ``text``; BOS spans (0, 0)."""
        ids: list[int] = [self.bos] if bos else []
        spans: list[tuple[int, int]] = [(0, 0)] if bos else []
        normalized = text.replace(" ", SPACE)
        at = 0
        for k, part in enumerate(self._user.split(normalized)):
            if k % 2:
                ids.append(self._id[part])
                spans.append((at, at + len(part)))
            else:
                for start, word in _words(part):
                    word_ids, ends = self._word(word)
                    lo = at + start
                    for token, (a, b) in zip(word_ids, _pairs(ends)):
                        ids.append(token)
                        spans.append((lo + a, lo + b))
            at += len(part)
        return ids, spans

    def decode(self, ids: Sequence[int]) -> str:
        """The text of ``ids`` (control tokens dropped, bytes joined)."""
        out = bytearray()
        for i in ids:
            if i in self._byte_value:
                out.append(self._byte_value[i])
            elif i in self._text:
                out.extend(self._text[i].replace(SPACE, " ").encode("utf-8"))
        return out.decode("utf-8", errors="replace")

    def _word(self, word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """A word's ids and the end offset (in the word) of each, memoized."""
        hit = self._memo.get(word)
        if hit is None:
            if len(self._memo) > MEMO_LIMIT:
                self._memo.clear()
            hit = self._memo[word] = self._bpe(word)
        return hit

    def _bpe(self, word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        symbols = list(word)
        n = len(symbols)
        nxt = list(range(1, n + 1))
        prv = list(range(-1, n - 1))
        alive = [True] * n
        heap: list[tuple[float, int, str, str]] = []
        score = self._score

        def push(left: int) -> None:
            right = nxt[left]
            if right < n:
                merged = symbols[left] + symbols[right]
                s = score.get(merged)
                if s is not None:
                    heapq.heappush(heap, (-s, left, symbols[left], symbols[right]))

        for i in range(n - 1):
            push(i)
        while heap:
            _, left, a, b = heapq.heappop(heap)
            right = nxt[left] if alive[left] else n
            if right >= n or symbols[left] != a or symbols[right] != b:
                continue  # stale: one side was merged since
            symbols[left] = a + b
            alive[right] = False
            nxt[left] = nxt[right]
            if nxt[left] < n:
                prv[nxt[left]] = left
            if prv[left] >= 0:
                push(prv[left])
            push(left)
        ids: list[int] = []
        ends: list[int] = []
        end = 0
        i = 0
        while i < n:
            piece = symbols[i]
            end += len(piece)
            token = self._id.get(piece)
            if token is not None:
                ids.append(token)
                ends.append(end)
            else:
                start = end - len(piece)
                for k, ch in enumerate(piece):
                    for byte in ch.encode("utf-8"):
                        ids.append(self._byte[byte])
                        ends.append(start + k + 1)
            i = nxt[i]
        return tuple(ids), tuple(ends)


def _words(part: str) -> list[tuple[int, str]]:
    """``part`` cut before each "▁" (keeping ">▁</" whole), with each word's start."""
    cuts = [0] + [m.start() for m in re.finditer(SPACE, part) if m.start() > 0
                  and not (part[m.start() - 1] == ">" and part.startswith("</", m.start() + 1))]
    return [(a, part[a:b]) for a, b in zip(cuts, cuts[1:] + [len(part)]) if b > a]


def _pairs(ends: Sequence[int]) -> list[tuple[int, int]]:
    """Spans from consecutive end offsets; byte tokens of one character share its span."""
    spans = []
    prev = 0
    for end in ends:
        start = min(prev, end - 1) if end > 0 else 0
        spans.append((start, end))
        prev = end
    return spans
