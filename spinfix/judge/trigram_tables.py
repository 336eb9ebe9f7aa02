"""The trigram model as numpy arrays, answering n-gram queries by the hundred thousand at once.

The model's binary trie file (``en-us.lm.bin``, pocketsphinx's "Trie Language Model" format) is
read into arrays once, cached as memory-mapped ``.npy`` files under the user's cache directory
(named by the model file's size and time), and queried through open-addressing hash tables with
exactly pocketsphinx's integer scores (the same backoff arithmetic in 32-bit floats; tested).
"""
from __future__ import annotations

import os
import shutil
import struct
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..collector import pausing
from ..errors import SpinfixError
from ..persist.paths import user_cache_dir

HEADER = b"Trie Language Model"
QUANT_BITS = 16  # pocketsphinx quantizes bigram and trigram probabilities and backoffs to 16 bits
HASH = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing's multiplier
PROBES = 8  # slots a lookup reads from a key's home; keys placed farther go to a small sorted overflow
FORMAT = 2  # of the cached arrays (part of the cache's name)
ARRAYS = ("ug_prob", "ug_bo", "bi_table", "bi_slot", "bi_over", "bi_over_slot", "bi_prob", "bi_bo",
          "tri_table", "tri_slot", "tri_over", "tri_over_slot", "tri_prob")


def _bits(value: int) -> int:
    """Bits needed to hold ``value`` (pocketsphinx's ``bitarr_required_bits``)."""
    return max(int(value).bit_length(), 1) if value else 0


def _read_bits(buf: np.ndarray, offsets: np.ndarray, length: int) -> np.ndarray:
    """``length`` bits (at most 57) at each bit offset of a little-endian bit array."""
    first = offsets >> 3
    window = np.zeros(len(offsets), np.uint64)
    for k in range(8):
        window |= buf[first + k].astype(np.uint64) << np.uint64(8 * k)
    return (window >> (offsets & 7).astype(np.uint64)) & np.uint64((1 << length) - 1)


def _hash_table(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """An open-addressing table (linear probing, load under one half) of distinct ``keys``:
    ``table`` holds the keys (-1 for empty slots) and ``slot`` each one's index in ``keys``. A
    key not placed within :data:`PROBES` slots of its home goes to the overflow instead
    (``overflow`` sorted, ``overflow_slot`` their indices; about 1 % of them), so that a lookup
    reads a fixed number of slots."""
    bits = max(int(len(keys) * 2).bit_length(), 4)
    table = np.full(1 << bits, -1, dtype=np.int64)
    slot = np.zeros(1 << bits, dtype=np.int32)
    home = _home(keys, bits)
    todo = np.arange(len(keys))
    for step in range(PROBES):
        at = (home[todo] + step) & ((1 << bits) - 1)
        free = table[at] == -1
        _, first = np.unique(at[free], return_index=True)
        put, where = todo[free][first], at[free][first]
        table[where], slot[where] = keys[put], put
        placed = np.zeros(len(keys), bool)
        placed[put] = True
        todo = todo[~placed[todo]]
    order = np.argsort(keys[todo])
    return table, slot, keys[todo][order], todo[order].astype(np.int32)


def _home(keys: np.ndarray, bits: int) -> np.ndarray:
    return ((keys.astype(np.uint64) * HASH) >> np.uint64(64 - bits)).astype(np.int64)


def _find(table: np.ndarray, slot: np.ndarray, overflow: np.ndarray, overflow_slot: np.ndarray,
          keys: np.ndarray) -> np.ndarray:
    """The index of each key in the table's key array, or -1 where it is absent. A key's home
    slot settles most queries (the key is there, or the slot is empty: nothing is ever removed,
    so an absent key's first probe is often empty); the rest read the next slots, one step at a
    time, until they find their key or an empty slot, and only a key none of whose
    :data:`PROBES` slots is empty can be in the overflow."""
    mask = len(table) - 1
    at = _home(keys, mask.bit_length())
    seen = table[at]
    out = np.where(seen == keys, slot[at], -1).astype(np.int64)
    rest = np.flatnonzero((seen != keys) & (seen != -1))
    at = at[rest]
    for _ in range(1, PROBES):
        if not rest.size:
            return out
        at = (at + 1) & mask
        seen = table[at]
        hit = seen == keys[rest]
        out[rest[hit]] = slot[at[hit]]
        going = ~hit & (seen != -1)
        rest, at = rest[going], at[going]
    if rest.size and len(overflow):
        i = np.minimum(np.searchsorted(overflow, keys[rest]), len(overflow) - 1)
        match = overflow[i] == keys[rest]
        out[rest[match]] = overflow_slot[i[match]]
    return out


def build_arrays(path: str) -> tuple[dict[str, np.ndarray], list[str]]:
    """The arrays of a trigram model's binary trie file, and its words (index = word id).

    Bigram ``v w`` lives under unigram ``w`` as an entry of word ``v``; trigram ``u v w`` under
    that entry as one of word ``u`` (the trie is keyed newest context word first). Keys: a
    bigram entry is ``w * V + v``, a trigram entry ``bigram entry * V + u``."""
    raw = np.fromfile(path, dtype=np.uint8)
    if raw[:len(HEADER)].tobytes() != HEADER or raw[len(HEADER)] != 3:
        raise SpinfixError(f"{path}: not a trigram model in pocketsphinx's trie format; reinstall pocketsphinx")
    pos = len(HEADER) + 1
    n1, n2, n3 = struct.unpack("<3I", raw[pos:pos + 12].tobytes())
    pos += 12 + 4  # the counts, then a quantizer type nobody reads
    bins = np.frombuffer(raw[pos:pos + 3 * 4 * (1 << QUANT_BITS)].tobytes(), "<f4")
    bi_prob_bins, bi_bo_bins, tri_prob_bins = np.split(bins, 3)
    pos += bins.nbytes
    unigrams = np.frombuffer(raw[pos:pos + 12 * (n1 + 1)].tobytes(), np.dtype([("p", "<f4"), ("b", "<f4"), ("n", "<u4")]))
    pos += unigrams.nbytes
    word_bits, next_bits = _bits(n1), _bits(n3)
    middle_bits, longest_bits = word_bits + 2 * QUANT_BITS + next_bits, word_bits + QUANT_BITS
    middle = raw[pos:]
    pos += ((1 + n2) * middle_bits + 7) // 8 + 8
    longest = raw[pos:]
    pos += ((1 + n3) * longest_bits + 7) // 8 + 8
    (size,) = struct.unpack("<i", raw[pos:pos + 4].tobytes())
    words = raw[pos + 4:pos + 4 + size].tobytes().decode("utf-8").split("\0")[:-1]

    first_bigram = unigrams["n"].astype(np.int64)
    bigrams = int(first_bigram[-1])  # entries a unigram reaches (the count includes a few unused)
    at = np.arange(bigrams + 1, dtype=np.int64) * middle_bits
    bi_word = _read_bits(middle, at[:-1], word_bits).astype(np.int64)
    bi_bo = bi_bo_bins[_read_bits(middle, at[:-1] + word_bits, QUANT_BITS).astype(np.int64)]
    bi_prob = bi_prob_bins[_read_bits(middle, at[:-1] + word_bits + QUANT_BITS, QUANT_BITS).astype(np.int64)]
    first_trigram = _read_bits(middle, at + word_bits + 2 * QUANT_BITS, next_bits).astype(np.int64)
    trigrams = int(first_trigram[-1])
    at3 = np.arange(trigrams, dtype=np.int64) * longest_bits
    tri_word = _read_bits(longest, at3, word_bits).astype(np.int64)
    tri_prob = tri_prob_bins[_read_bits(longest, at3 + word_bits, QUANT_BITS).astype(np.int64)]
    bi_key = np.repeat(np.arange(n1, dtype=np.int64), np.diff(first_bigram[:n1 + 1])) * n1 + bi_word
    tri_key = np.repeat(np.arange(bigrams, dtype=np.int64), np.diff(first_trigram)) * n1 + tri_word
    bi = dict(zip(("bi_table", "bi_slot", "bi_over", "bi_over_slot"), _hash_table(bi_key)))
    tri = dict(zip(("tri_table", "tri_slot", "tri_over", "tri_over_slot"), _hash_table(tri_key)))
    arrays = {"ug_prob": unigrams["p"].copy(), "ug_bo": unigrams["b"].copy(), **bi, **tri,
              "bi_prob": bi_prob, "bi_bo": bi_bo, "tri_prob": tri_prob}
    return arrays, words


class LMTables:
    """Batched n-gram scores of a trigram model (see the module's docstring): the arrays of
    :func:`build_arrays`, its words and their ids."""

    def __init__(self, arrays: dict[str, np.ndarray], words: list[str]):
        for name in ARRAYS:
            setattr(self, name, arrays[name])
        self.words = words
        self.ids = {w: k for k, w in enumerate(words)}
        self.size = len(words)

    def _bigram(self, keys: np.ndarray) -> np.ndarray:
        return _find(self.bi_table, self.bi_slot, self.bi_over, self.bi_over_slot, keys)

    def bigrams(self, w: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The entry of bigram ``v w`` for arrays of word ids, -1 where it is absent or either id
        is -1: what :meth:`scores` takes to skip a lookup another query already made."""
        out = np.full(len(w), -1, dtype=np.int64)
        both = np.flatnonzero((v >= 0) & (w >= 0))
        out[both] = self._bigram(w[both] * self.size + v[both])
        return out

    def unigram_scores(self, w: np.ndarray) -> np.ndarray:
        """pocketsphinx's integer score of each word of ``w`` without context."""
        return self.ug_prob[w].astype(np.int32)

    def scores(self, w: np.ndarray, v: np.ndarray, u: np.ndarray,
               vw: np.ndarray | None = None, uv: np.ndarray | None = None) -> np.ndarray:
        """pocketsphinx's integer score (log base 1.0001) of word ``w`` after ``u v`` (``v`` the
        newest; -1: no such context word, and none older either), for arrays of word ids. Each
        n-gram is looked up only where the answer needs it, in the order pocketsphinx backs off:
        the bigram ``v w``; then the trigram ``u v w`` under it, or else the backoff of ``u v``.
        ``vw`` and ``uv``, where given, are the entries of those bigrams (:meth:`bigrams`)."""
        one = np.flatnonzero(v >= 0)
        if not one.size:
            return self.unigram_scores(w)
        out = self.ug_prob[w]
        w1, v1, u1 = w[one], v[one], u[one]
        bigram = self._bigram(w1 * self.size + v1) if vw is None else vw[one]
        found = bigram >= 0
        backed = out[one] + self.ug_bo[v1]  # P(w) + bo(v)
        result = np.where(found, self.bi_prob[np.maximum(bigram, 0)], backed)
        two = np.flatnonzero(u1 >= 0)
        if two.size:
            trigram = np.full(two.size, -1, dtype=np.int64)
            under = np.flatnonzero(found[two])
            trigram[under] = _find(self.tri_table, self.tri_slot, self.tri_over, self.tri_over_slot,
                                   bigram[two[under]] * self.size + u1[two[under]])
            missing = np.flatnonzero(trigram < 0)
            at = two[missing]
            context = self._bigram(v1[at] * self.size + u1[at]) if uv is None else uv[one[at]]
            bo_uv = np.where(context >= 0, self.bi_bo[np.maximum(context, 0)], np.float32(0))
            fallback = np.where(found[at], result[at] + bo_uv, backed[at] + bo_uv)  # P(w|v) + bo(uv), or P(w) + bo(v) + bo(uv)
            result[at] = fallback
            hit = np.flatnonzero(trigram >= 0)
            result[two[hit]] = self.tri_prob[trigram[hit]]
        out[one] = result
        return out.astype(np.int32)


def word_at(ids: np.ndarray, at: np.ndarray, lo: np.ndarray, hi: np.ndarray | int) -> np.ndarray:
    """``ids[at]`` where ``lo <= at < hi`` (within its sentence or phrase), else -1 (no such
    context word): how the n-gram windows of a batch are read from its word ids end to end."""
    return np.where((at >= lo) & (at < hi), ids[np.clip(at, 0, len(ids) - 1)], -1)


def _load_cached(directory: Path) -> LMTables | None:
    try:
        arrays = {name: np.asarray(np.load(directory / f"{name}.npy", mmap_mode="r")) for name in ARRAYS}
        words = (directory / "words.txt").read_text(encoding="utf-8").split("\n")
    except (OSError, ValueError):
        return None
    return LMTables(arrays, words)


def _save(directory: Path, arrays: dict[str, np.ndarray], words: list[str]) -> None:
    """Write the arrays into a fresh directory beside ``directory``, then rename it into place
    (a concurrent or killed build never leaves a half-written cache)."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=directory.name + ".", dir=directory.parent))
    try:
        for name, array in arrays.items():
            np.save(staging / f"{name}.npy", array)
        (staging / "words.txt").write_text("\n".join(words), encoding="utf-8")
        os.rename(staging, directory)
    except OSError:  # a full disk, or another process got there first
        shutil.rmtree(staging, ignore_errors=True)
        raise


@lru_cache(maxsize=2)
@pausing
def load_tables(path: str) -> LMTables:
    """The tables of the model file at ``path``, from the cache (built and cached on first use)."""
    stat = os.stat(path)
    directory = user_cache_dir() / f"lm-{Path(path).stem}-{stat.st_size}-{stat.st_mtime_ns}-v{FORMAT}"
    cached = _load_cached(directory)
    if cached is not None:
        return cached
    arrays, words = build_arrays(path)
    try:
        for stale in directory.parent.glob(f"lm-{Path(path).stem}-*"):  # damaged, or of another model file or format
            if stale.is_dir() and "." not in stale.name.removeprefix(f"lm-{Path(path).stem}"):
                shutil.rmtree(stale, ignore_errors=True)
        _save(directory, arrays, words)
    except OSError:
        pass  # nowhere to cache: these arrays serve this process
    return LMTables(arrays, words)


__all__ = ["LMTables", "build_arrays", "load_tables", "word_at"]
