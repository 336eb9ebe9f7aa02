"""Gemma 3 270M's forward pass in numpy, over the cached float32 weights.

Every architectural detail follows the GGUF's metadata and transformers' Gemma 3 code: 18 blocks
of width 640; four RMSNorms per block (stored as 1 + w) and RMSNorm on queries and keys over each
head's 256 dimensions; rotate-half RoPE with base 1e6 on the global layers (5, 11, 17) and 10,000
on the others, which attend to the previous 512 positions only; one key/value head shared by
four query heads; queries scaled by 1/16; a gelu-tanh gated MLP; embeddings scaled by sqrt(640)
and tied to the output layer, with no soft-capping.

Batches are packed: the rows of many sequences are stacked, so every matrix product sees the
whole batch, and only attention runs per sequence. A sequence may continue a cached prefix
(:class:`Prefix`), so alternatives for one span reuse the keys and values before it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .cache import GemmaFiles, release

GLOBAL_EVERY = 6  # layers 5, 11 and 17 attend globally
LOCAL_BASE = 10_000.0  # RoPE base of the sliding layers (not in the GGUF)
QUERY_BLOCK = 512  # query rows per attention block (bounds its memory)
VOCAB_CHUNK = 8192  # output-layer rows dequantized per step of the full normalizer
RELEASE_ROWS = 16_384  # vocabulary rows read (10 MB of the mapped embedding) before they are released


@dataclass
class Prefix:
    """The keys and values of a sequence's first ``length`` positions, per layer."""

    keys: list[np.ndarray]
    values: list[np.ndarray]

    @property
    def length(self) -> int:
        return int(self.keys[0].shape[0]) if self.keys else 0

    def head(self, n: int) -> Prefix:
        """The prefix of the first ``n`` positions."""
        return Prefix([k[:n] for k in self.keys], [v[:n] for v in self.values])


@dataclass
class Segment:
    """Rows ``start:start+length`` of a packed batch: one sequence, continuing ``prefix``."""

    start: int
    length: int
    prefix: Prefix | None = None


class GemmaModel:
    """The forward pass; ``hidden`` gives final normalized states, ``logprobs`` scores targets.

    Parameters
    ----------
    files : the opened weight cache (:func:`spinfix.judge.gemma.cache.load_files`).
    """

    def __init__(self, files: GemmaFiles):
        a = files.arrays
        c = files.config
        self.files = files
        self.layers = c["gemma3.block_count"]
        self.width = c["gemma3.embedding_length"]
        self.heads = c["gemma3.attention.head_count"]
        self.head_dim = c["gemma3.attention.key_length"]
        self.window = c["gemma3.attention.sliding_window"]
        self.eps = np.float32(c["rms_eps"])
        self.global_base = float(c["gemma3.rope.freq_base"])
        self.embed_q8 = a["embed_q8"]
        self.embed_scale = a["embed_scale"]
        self.vocab = self.embed_q8.shape[0]
        self.blocks = [{name: a[f"b{i}_{name}"] for name in (
            "qkv", "o", "gate_up", "down", "attn_norm", "attn_q_norm", "attn_k_norm",
            "post_attention_norm", "ffn_norm", "post_ffw_norm")} for i in range(self.layers)]
        self.output_norm = a["output_norm"]
        self._rope: dict[float, tuple[np.ndarray, np.ndarray]] = {}

    # -- the blocks ---------------------------------------------------------------------------

    def embed(self, ids: np.ndarray) -> np.ndarray:
        """Token embeddings (dequantized rows), scaled by sqrt(width) as Gemma does."""
        rows = self.embed_rows(ids)
        return rows * np.float32(math.sqrt(self.width))

    def embed_rows(self, ids: np.ndarray) -> np.ndarray:
        """Rows of the tied embedding, dequantized from Q8_0 exactly."""
        ids = np.asarray(ids, dtype=np.int64)
        q = self.embed_q8[ids].reshape(len(ids), -1, 32)
        return (q * self.embed_scale[ids][:, :, None]).reshape(len(ids), self.width).astype(np.float32, copy=False)

    def release_embedding(self, first: int = 0, last: int | None = None) -> None:
        """Let the kernel take back the pages of the mapped embedding's rows ``first:last`` (by
        default all) that a pass touched (the rows of every token read and every original
        proposed): over a long text they would add up to all of it."""
        last = self.vocab if last is None else last
        release(self.embed_q8, first, last)
        release(self.embed_scale, first, last)

    def embed_table(self, ids: np.ndarray, rows: int = RELEASE_ROWS) -> np.ndarray:
        """:meth:`embed_rows` of many ``ids`` (a table read once), ``rows`` of the vocabulary
        at a time, each stretch of the mapped embedding released once read: spread over the
        whole vocabulary, the ids would otherwise keep all of its 190 MB resident."""
        ids = np.asarray(ids, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        ordered = ids[order]
        out = np.empty((len(ids), self.width), dtype=np.float32)
        for lo in range(0, self.vocab, rows):
            a, b = np.searchsorted(ordered, [lo, lo + rows])
            if b > a:
                out[order[a:b]] = self.embed_rows(ordered[a:b])
                self.release_embedding(lo, lo + rows)
        return out

    def hidden(self, ids: np.ndarray, segments: list[Segment], keep: bool = False
               ) -> tuple[np.ndarray, list[Prefix] | None]:
        """Final normalized hidden states of a packed batch, and with ``keep`` each segment's
        keys and values (its prefix's included) for later continuation."""
        ids = np.asarray(ids, dtype=np.int64)
        positions = np.empty(len(ids), dtype=np.int64)
        for s in segments:
            p0 = s.prefix.length if s.prefix is not None else 0
            positions[s.start:s.start + s.length] = np.arange(p0, p0 + s.length)
        x = self.embed(ids)
        kept: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in segments]
        for layer in range(self.layers):
            x = self._block(layer, x, positions, segments, kept if keep else None)
        out = _rms(x, self.output_norm, self.eps)
        if not keep:
            return out, None
        return out, [Prefix([k for k, _ in kv], [v for _, v in kv]) for kv in kept]

    def _block(self, layer: int, x: np.ndarray, positions: np.ndarray, segments: list[Segment],
               kept: list[list[tuple[np.ndarray, np.ndarray]]] | None) -> np.ndarray:
        w = self.blocks[layer]
        n = len(x)
        hd = self.head_dim
        qkv = _rms(x, w["attn_norm"], self.eps) @ w["qkv"]
        q = _rms(qkv[:, :self.heads * hd].reshape(n, self.heads, hd), w["attn_q_norm"], self.eps)
        k = _rms(qkv[:, self.heads * hd:(self.heads + 1) * hd], w["attn_k_norm"], self.eps)
        v = np.ascontiguousarray(qkv[:, (self.heads + 1) * hd:])
        is_global = (layer + 1) % GLOBAL_EVERY == 0
        cos, sin = self._rope_at(self.global_base if is_global else LOCAL_BASE, positions)
        q = _rotate(q, cos[:, None, :], sin[:, None, :]) * np.float32(hd ** -0.5)  # query_pre_attn_scalar = 256
        k = _rotate(k, cos, sin)
        out = np.empty((n, self.heads, hd), dtype=np.float32)
        for i, s in enumerate(segments):
            rows = slice(s.start, s.start + s.length)
            keys, values = k[rows], v[rows]
            if s.prefix is not None and s.prefix.length:
                keys = np.concatenate([s.prefix.keys[layer], keys])
                values = np.concatenate([s.prefix.values[layer], values])
            if kept is not None:
                kept[i].append((keys, values))
            out[rows] = self._attend(q[rows], keys, values, keys.shape[0] - s.length,
                                     None if is_global else self.window)
        x = x + _rms(out.reshape(n, -1) @ w["o"], w["post_attention_norm"], self.eps)
        gu = _rms(x, w["ffn_norm"], self.eps) @ w["gate_up"]
        half = gu.shape[1] // 2
        act = _gelu_tanh(gu[:, :half]) * gu[:, half:]
        return x + _rms(act @ w["down"], w["post_ffw_norm"], self.eps)

    @staticmethod
    def _attend(q: np.ndarray, keys: np.ndarray, values: np.ndarray, offset: int, window: int | None) -> np.ndarray:
        """Causal attention of ``q`` (rows at positions offset..) over ``keys``/``values``
        (positions 0..), within ``window`` positions back where given."""
        rows = q.shape[0]
        out = np.empty_like(q)
        for lo in range(0, rows, QUERY_BLOCK):
            hi = min(lo + QUERY_BLOCK, rows)
            first = 0 if window is None else max(0, offset + lo - window + 1)
            last = offset + hi
            qi = np.ascontiguousarray(q[lo:hi].transpose(1, 0, 2))  # heads, rows, dim
            scores = qi @ keys[first:last].T  # heads, rows, keys
            pos = np.arange(offset + lo, offset + hi)[:, None]
            key = np.arange(first, last)[None, :]
            blocked = key > pos
            if window is not None:
                blocked |= pos - key >= window
            scores[:, blocked] = -np.inf
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            out[lo:hi] = (scores @ values[first:last]).transpose(1, 0, 2)
        return out

    def _rope_at(self, base: float, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """cos and sin for ``positions``, in float32 as transformers computes them (the
        frequencies' power in double precision, rounded; the angles and their cosines in float32)."""
        need = int(positions.max()) + 1 if len(positions) else 1
        table = self._rope.get(base)
        if table is None or table[0].shape[0] < need:
            size = max(need, 2048)
            exponents = np.arange(0, self.head_dim, 2, dtype=np.float32) / np.float32(self.head_dim)
            inv = np.float32(1.0) / (np.float64(base) ** exponents.astype(np.float64)).astype(np.float32)
            angles = np.arange(size, dtype=np.float32)[:, None] * inv[None, :]
            table = self._rope[base] = (np.cos(angles), np.sin(angles))
        return table[0][positions], table[1][positions]

    # -- the output layer ---------------------------------------------------------------------

    def logits_rows(self, hidden: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """The logit of token ``ids[i]`` at hidden row ``i``."""
        return np.einsum("ij,ij->i", hidden, self.embed_rows(ids))

    def log_normalizer(self, hidden: np.ndarray, rows: int = 256) -> tuple[np.ndarray, np.ndarray]:
        """log sum exp of every row's logits over the whole vocabulary (float64), and the largest
        logit, in one pass: a dequantized chunk of the output layer at a time, ``rows`` hidden rows
        at a time (so that each block of logits stays in cache while it is reduced)."""
        n = len(hidden)
        m, total = np.full(n, -np.inf), np.zeros(n)
        for lo in range(0, self.vocab, VOCAB_CHUNK):
            w = np.ascontiguousarray(self.embed_rows(np.arange(lo, min(lo + VOCAB_CHUNK, self.vocab))).T)
            for r in range(0, n, rows):
                logits = hidden[r:r + rows] @ w
                m_new = np.maximum(m[r:r + rows], logits.max(axis=1))
                logits -= m_new[:, None].astype(np.float32)
                np.exp(logits, out=logits)
                total[r:r + rows] = total[r:r + rows] * np.exp(m[r:r + rows] - m_new) + logits.sum(axis=1)
                m[r:r + rows] = m_new
        return m + np.log(total), m


def _rms(x: np.ndarray, weight: np.ndarray, eps: np.float32) -> np.ndarray:
    """RMSNorm over the last axis with the GGUF's (1 + w) weight."""
    scale = 1.0 / np.sqrt(np.mean(np.square(x), axis=-1, keepdims=True) + eps)
    return (x * scale.astype(np.float32)) * weight


def _rotate(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """Rotate-half RoPE: pairs (i, i + d/2)."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], axis=-1)


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    return np.float32(0.5) * x * (np.float32(1.0) + np.tanh(np.float32(math.sqrt(2.0 / math.pi))
                                                          * (x + np.float32(0.044715) * x * x * x)))
