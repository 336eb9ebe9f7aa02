"""Finding a spun copy's source in a collection through the words no spinner can swap (DSpin's
"immutables"): each document's shingles (those words and each consecutive pair) in MinHash LSH
(``datasketch``), each candidate verified by the share of the copy's shingles it holds, a weakly
held one confirmed by the aligner. An index holds each document's location and shingle hashes,
never its text, in a model file of arrays and JSON."""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .._version import __version__
from ..alignment.aligner import align
from ..errors import SpinfixError
from ..persist.files import MAX_BYTES, json_text, open_regular, read_line, read_text
from ..persist.model_files import read_model, save_model
from ..restoration.restorations import restore_with_reference
from ..text.thesaurus import Thesaurus, default_thesaurus
from ..text.words import function_words, unswappable_words
from .batch import discover

NUM_PERM = 64  # MinHash permutations per document
LSH_THRESHOLD = 0.2  # Jaccard similarity from which LSH proposes a candidate
MIN_CONTAINMENT = 0.6  # share of a copy's shingles that its source must hold to be reported ...
MIN_SIMILAR = 0.4  # ... or this share, with a Jaccard similarity of at least
MIN_JACCARD_RATIO = 0.7  # this times the containment (a copy is about as long as its source)
CONFIRM_BELOW = 0.8  # a candidate holding less of the copy than this is confirmed by the aligner ...
MIN_ALIGNED = 0.5  # ... which must align at least this share of the copy's sentences with it
MIN_SOURCE_SHARE = 0.5  # or: a candidate whose own shingles the copy holds this share of (every immutable
# word of a source kept with every pair of them broken by an inserted word still holds over half) ...
MIN_SHARED = 3  # ... and at least this many of them, confirmed by the aligner (a copy's spinner-made words
# are immutables of the copy alone, so a light copy holds its source whole but not the other way round)
STOP_SHARE = 0.005  # a shingle in more than this share of the documents (and more than STOP_MIN) proposes none
STOP_MIN = 100
MAX_HELD = 32  # candidates proposed by shared shingles, most shared first
SHINGLE_WORD_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-][^\W\d_])*|\d+(?:[.,]\d+)*")  # letters, or a number


def immutables(text: str, thesaurus: Thesaurus | None = None) -> list[str]:
    """The words of ``text``, lowercased and in order, that no spinner with the thesaurus can
    swap (:func:`~spinfix.text.words.unswappable`); a shingle's word is letters or a number
    (:data:`SHINGLE_WORD_RE`: "1,000,000" is one).

    Examples
    --------
    >>> immutables("The soiled bomb exploded near the Kaohsiung shipyard of Formosa Plastics on 12 May 1987.")
    ['kaohsiung', 'formosa', '12', '1987']
    """
    words = [m.group().lower().replace("’", "'") for m in SHINGLE_WORD_RE.finditer(text)]
    return unswappable_words(words, (thesaurus or default_thesaurus()).synonyms, function_words())


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "little")


def shingles(words: list[str]) -> np.ndarray:
    """The sorted, distinct 64-bit hashes of the immutables and of each consecutive pair."""
    items = set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}
    return np.unique(np.array([_hash(s) for s in items], dtype=np.uint64))


def _signature(hashes: np.ndarray) -> np.ndarray:
    """The MinHash signature of a set of shingle hashes (``datasketch``, :data:`NUM_PERM` values)."""
    from datasketch import MinHash  # datasketch loads in 0.3 s: only where an index is used

    m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)  # the shingle hashes are hashes already
    m.update_batch((hashes & np.uint64(0xFFFFFFFF)).tolist())
    return m.hashvalues


@lru_cache(maxsize=8)
def _band_ranges(threshold: float) -> list[tuple[int, int]]:
    """The bands of the signature that MinHash LSH compares at ``threshold`` (``datasketch``'s
    choice of bands and rows for :data:`NUM_PERM` permutations)."""
    from datasketch import MinHashLSH  # datasketch loads in 0.3 s: only where an index is used

    return MinHashLSH(threshold=threshold, num_perm=NUM_PERM).hashranges


class _Bands:
    """MinHash LSH over a matrix of signatures, on arrays: a document is a candidate of a query
    when any band of their signatures is equal (what ``datasketch``'s ``MinHashLSH`` keeps in one
    dictionary per band). Every document's bands, each prefixed with its band's number, are one
    sorted array of raw keys, so that a query's bands are found with two binary searches."""

    def __init__(self, signatures: np.ndarray, ranges: list[tuple[int, int]]):
        self.bands, self.rows_per_band = len(ranges), ranges[0][1] - ranges[0][0]
        assert ranges == [(k * self.rows_per_band, (k + 1) * self.rows_per_band) for k in range(self.bands)]
        self.size = len(signatures)
        keys = self._keys(signatures)
        order = np.argsort(keys, kind="stable")
        self.sorted = keys[order]
        self.document = order // self.bands  # the row of the signature each sorted key came from

    def _keys(self, signatures: np.ndarray) -> np.ndarray:
        """Each signature's bands as raw keys (band number, then the band's values)."""
        n, b, r = len(signatures), self.bands, self.rows_per_band
        keys = np.empty((n, b, r + 1), dtype=signatures.dtype)
        keys[:, :, 0] = np.arange(b, dtype=signatures.dtype)
        keys[:, :, 1:] = signatures[:, :b * r].reshape(n, b, r)
        return keys.view(np.dtype((np.void, (r + 1) * keys.itemsize))).reshape(n * b)

    def candidates(self, signature: np.ndarray) -> np.ndarray:
        """The rows sharing a band with ``signature``, in row order."""
        keys = self._keys(signature[None, :])
        low = np.searchsorted(self.sorted, keys, "left")
        counts = np.searchsorted(self.sorted, keys, "right") - low
        total = int(counts.sum())
        if not total:
            return np.zeros(0, np.intp)
        at = np.repeat(low - (np.cumsum(counts) - counts), counts) + np.arange(total)  # every matching key's place
        return np.unique(self.document[at])


class _Postings:
    """Every indexed document's shingle hashes in one sorted array, beside the row of the document
    each came from: which documents hold a query's shingles. This proposes the candidates MinHash
    LSH cannot: a source much smaller than its copy (a lightly spun copy whose spinner added words
    no thesaurus lists, each an immutable of the copy alone) has a low Jaccard similarity with it
    however wholly the copy holds it."""

    def __init__(self, hashes: list[np.ndarray]):
        self.size = len(hashes)
        lengths = np.fromiter((len(h) for h in hashes), np.int64, len(hashes))
        every = np.concatenate(hashes) if hashes else np.zeros(0, np.uint64)
        order = np.argsort(every, kind="stable")
        self.keys = every[order]
        self.rows = np.repeat(np.arange(len(hashes), dtype=np.int32), lengths)[order]
        self.stop = max(STOP_MIN, int(STOP_SHARE * len(hashes)))

    def holding(self, hashes: np.ndarray, least: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows holding at least ``least`` of ``hashes`` (leaving out hashes so common that
        they name no document), and how many each holds, most first."""
        low = np.searchsorted(self.keys, hashes, "left")
        counts = np.searchsorted(self.keys, hashes, "right") - low
        rare = (counts > 0) & (counts <= self.stop)
        low, counts = low[rare], counts[rare]
        total = int(counts.sum())
        if not total:
            return np.zeros(0, np.intp), np.zeros(0, np.intp)
        at = np.repeat(low - (np.cumsum(counts) - counts), counts) + np.arange(total)
        rows, held = np.unique(self.rows[at], return_counts=True)
        keep = held >= least
        rows, held = rows[keep], held[keep]
        order = np.argsort(-held, kind="stable")
        return rows[order], held[order]


@dataclass
class IndexedDocument:
    """Where an indexed document lives (a path, and a byte offset for a JSONL line), its id,
    and its shingle hashes."""

    doc_id: str
    path: str
    offset: int | None
    hashes: np.ndarray


@dataclass
class SourceMatch:
    """A copy's source: its id and location, the containment of the copy's shingles in it
    (``similarity``), their Jaccard similarity, and a few immutables they share."""

    doc_id: str
    path: str
    offset: int | None
    similarity: float
    jaccard: float
    shared: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SourceResult:
    """The sources found for one document, best first (empty: no indexed source)."""

    file: str
    matches: list[SourceMatch]
    restored: str | None = None

    def to_dict(self) -> dict:
        out = {"file": self.file, "matches": [m.to_dict() for m in self.matches]}
        return out | ({"restored": self.restored} if self.restored is not None else {})

    def format(self, is_json: bool = False) -> str:
        if is_json:
            return json_text(self.to_dict())
        if not self.matches:
            return f"{self.file}: no source found"
        best = self.matches[0]
        where = best.path + (f" (line at byte {best.offset})" if best.offset is not None else "")
        return (f"{self.file}: source {best.doc_id} [{where}] similarity {best.similarity:.3f} "
                f"(jaccard {best.jaccard:.3f}); shared: {', '.join(best.shared)}")


class SourceIndex:
    """MinHash LSH over the shingles of a collection's documents (see the module docstring).

    Examples
    --------
    >>> index = SourceIndex()
    >>> index.add("plant", "Officials in Taipei said the Kaohsiung plant of Formosa Plastics reopened on 12 May 1987.")
    >>> index.query("Officials in Taipei stated the Kaohsiung factory of Formosa Plastics reopened on 12 May 1987.")[0].doc_id
    'plant'
    """

    def __init__(self, threshold: float = LSH_THRESHOLD, min_containment: float = MIN_CONTAINMENT,
                 min_similar: float = MIN_SIMILAR, min_jaccard_ratio: float = MIN_JACCARD_RATIO,
                 confirm_below: float = CONFIRM_BELOW, min_aligned: float = MIN_ALIGNED,
                 min_source_share: float = MIN_SOURCE_SHARE, min_shared: int = MIN_SHARED):
        self.threshold = threshold
        self.min_containment = min_containment
        self.min_similar = min_similar
        self.min_jaccard_ratio = min_jaccard_ratio
        self.confirm_below = confirm_below
        self.min_aligned = min_aligned
        self.min_source_share = min_source_share
        self.min_shared = min_shared
        self.documents: dict[str, IndexedDocument] = {}
        self._order: list[str] = []  # the ids in the order they were added (the postings' rows)
        self._postings: _Postings | None = None  # the first documents' shingles as postings (a memo)
        self.signed: list[str] = []  # the documents with a signature (some shingle), in order ...
        self.signatures: list[np.ndarray] = []  # ... and their MinHash signatures
        self._bands: _Bands | None = None  # the first signatures banded (a memo; the rest are compared directly)

    def __len__(self) -> int:
        return len(self.documents)

    def add(self, doc_id: str, text: str, path: str = "", offset: int | None = None) -> None:
        """Index one document (an id seen before is refused: ids name documents)."""
        self.add_hashes(doc_id, shingles(immutables(text)), path, offset)

    def add_hashes(self, doc_id: str, hashes: np.ndarray, path: str = "", offset: int | None = None,
                   signature: np.ndarray | None = None) -> None:
        """Index one document by its shingle hashes (:func:`shingles`), computed elsewhere (and
        its signature, when an index file kept it)."""
        if doc_id in self.documents:
            raise SpinfixError(f"{doc_id}: already in the index (document ids must be unique)")
        self.documents[doc_id] = IndexedDocument(doc_id, path, offset, hashes)
        self._order.append(doc_id)
        if hashes.size:
            self.signed.append(doc_id)
            self.signatures.append(_signature(hashes) if signature is None else signature)

    def band(self, force: bool = True) -> int:
        """Band the signatures for queries (:class:`_Bands`), all of them (``force``), or only
        when many were added since they last were; returns how many are banded."""
        n, banded = len(self.signatures), self._bands.size if self._bands is not None else 0
        if n and n > banded and (force or n - banded > max(1024, banded // 8)):
            self._bands = _Bands(np.stack(self.signatures), _band_ranges(self.threshold))
            banded = n
        return banded

    def _candidates(self, signature: np.ndarray) -> list[str]:
        """The documents sharing a band of their signature with ``signature``: those banded
        through :class:`_Bands`, the ones added since compared band by band (the bands are made
        again once those are many, so that adding and querying in turn stays near-linear)."""
        n = len(self.signatures)
        if not n:
            return []
        banded = self.band(force=False)
        rows = self._bands.candidates(signature).tolist() if self._bands is not None else []
        if n > banded:
            ranges = _band_ranges(self.threshold)
            b, r = len(ranges), ranges[0][1] - ranges[0][0]
            recent = np.stack(self.signatures[banded:])[:, :b * r].reshape(n - banded, b, r)
            hits = (recent == signature[:b * r].reshape(b, r)).all(axis=2).any(axis=1)
            rows += (np.flatnonzero(hits) + banded).tolist()
        return [self.signed[k] for k in rows]

    def _held(self, hashes: np.ndarray) -> list[str]:
        """The documents holding at least ``min_shared`` of ``hashes`` (none of them common), most
        held first, at most :data:`MAX_HELD`: through :class:`_Postings` for the documents it
        covers, the ones added since compared directly (the postings are made again once those
        are many, as the bands are)."""
        n = len(self._order)
        covered = self._postings.size if self._postings is not None else 0
        if n > covered and n - covered > max(1024, covered // 8):
            self._postings = _Postings([self.documents[d].hashes for d in self._order])
            covered = n
        found: list[tuple[int, str]] = []
        if self._postings is not None:
            rows, held = self._postings.holding(hashes, self.min_shared)
            found += [(int(h), self._order[r]) for r, h in zip(rows[:MAX_HELD].tolist(), held[:MAX_HELD].tolist())]
        for doc_id in self._order[covered:]:
            h = int(np.isin(self.documents[doc_id].hashes, hashes, assume_unique=True).sum())
            if h >= self.min_shared:
                found.append((h, doc_id))
        found.sort(key=lambda f: -f[0])
        return [doc_id for _, doc_id in found[:MAX_HELD]]

    def query(self, text: str, top: int = 1, exclude: str | None = None,
              max_bytes: int | None = None) -> list[SourceMatch]:
        """The indexed documents ``text`` was most likely spun from, best first, each verified.

        A candidate MinHash LSH proposes is a source when it holds at least ``min_containment``
        of the copy's shingles, or ``min_similar`` with a Jaccard similarity of at least
        ``min_jaccard_ratio`` times that (confirmed by the aligner below ``confirm_below``). Any
        candidate, also one proposed because the copy holds its rarer shingles (:meth:`_held`), is
        a source when the copy holds ``min_source_share`` of the candidate's own shingles, at least
        ``min_shared`` of them, and the aligner confirms it: words a spinner made up are the copy's
        alone, so a light copy holds its source whole. ``exclude`` leaves out one id (a document
        of the collection searching the rest of it); ``max_bytes``: the largest source read to
        confirm a candidate."""
        words = immutables(text)
        hashes = shingles(words)
        if not hashes.size:
            return []
        verified = []
        by_lsh = self._candidates(_signature(hashes))
        proposed = set(by_lsh)
        for doc_id in dict.fromkeys(by_lsh + self._held(hashes)):
            if doc_id == exclude:
                continue
            doc = self.documents[doc_id]
            shared = np.intersect1d(hashes, doc.hashes, assume_unique=True)
            containment = shared.size / hashes.size
            jaccard = shared.size / (hashes.size + doc.hashes.size - shared.size)
            similar = doc_id in proposed and (containment >= self.min_containment or (
                containment >= self.min_similar and jaccard >= self.min_jaccard_ratio * containment))
            if similar and containment >= self.confirm_below:
                verified.append((containment, jaccard, doc, shared))
                continue
            held_whole = shared.size >= self.min_shared and shared.size >= self.min_source_share * doc.hashes.size
            if (similar or held_whole and doc.path) and self._aligns(text, doc, max_bytes):
                verified.append((containment, jaccard, doc, shared))
        verified.sort(key=lambda v: (-v[0], v[2].doc_id))
        return [SourceMatch(doc.doc_id, doc.path, doc.offset, round(c, 4), round(j, 4), _shared_words(words, shared))
                for c, j, doc, shared in verified[:top]]

    def _aligns(self, text: str, doc: IndexedDocument, max_bytes: int | None = None) -> bool:
        """Whether the aligner pairs enough of ``text``'s sentences with ``doc`` (a document
        indexed without a location cannot be read, and is taken on its shingles alone)."""
        return not doc.path or _aligned_share(text, read_document(doc.path, doc.offset, max_bytes)) >= self.min_aligned

    def settings(self) -> dict:
        """The thresholds it was built with."""
        return {"threshold": self.threshold, "min_containment": self.min_containment, "min_similar": self.min_similar,
                "min_jaccard_ratio": self.min_jaccard_ratio, "confirm_below": self.confirm_below,
                "min_aligned": self.min_aligned, "min_source_share": self.min_source_share,
                "min_shared": self.min_shared}


def _aligned_share(text: str, source: str) -> float:
    """The share of ``text``'s sentences that the aligner pairs with ``source``'s."""
    try:
        alignment = align(text, source)
    except SpinfixError:  # no sentence in common
        return 0.0
    return 1.0 - len(alignment.unaligned_spun) / max(len(alignment.spun_sentences), 1)


def _shared_words(words: list[str], shared: np.ndarray, limit: int = 8) -> list[str]:
    """Up to ``limit`` of the copy's immutables that its source holds, rarest-looking first
    (longest first, as a cheap proxy)."""
    held = set(shared.tolist())
    return sorted({w for w in words if _hash(w) in held}, key=lambda w: (-len(w), w))[:limit]


def iter_sources(paths: list[str], glob: str = "*.txt", skipped: list[str] | None = None,
                 max_bytes: int | None = None, purpose: str = "index"):
    """Yield ``(doc_id, text, path, offset)`` for every document under ``paths``: text files
    (directories walked for ``glob`` as ``spinfix score`` walks them; the id is the path) and
    JSONL files (one ``{"id": ..., "text": ...}`` object per line, at most ``max_bytes`` a line;
    the id is the object's). A file found by walking a directory that cannot be read is left
    out and its reason added to ``skipped`` (one binary file in a crawl does not stop the run);
    a named one raises."""
    for found in discover(paths, glob, purpose):
        if found.path.endswith(".jsonl"):
            yield from _jsonl_documents(Path(found.path), max_bytes)
            continue
        try:
            text = read_text(found.path, max_bytes)
        except SpinfixError as exc:
            if found.named or skipped is None:
                raise
            skipped.append(str(exc))
            continue
        yield found.path, text, found.path, None


JSONL = "a JSONL file of documents"


def _jsonl_documents(file: Path, max_bytes: int | None = None):
    """The documents of a JSONL file, a line at a time (a regular file only: a FIFO or a device
    named ``.jsonl`` is refused before it is opened, and a line over ``max_bytes`` is refused
    before it is held whole)."""
    limit = MAX_BYTES if max_bytes is None else max_bytes
    with open_regular(file, JSONL) as handle:
        offset, number = 0, 0
        while line := read_line(handle, f"{file}:{number + 1}", limit):
            number += 1
            start, offset = offset, offset + len(line)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                yield str(record["id"]), str(record["text"]), str(file), start
            except (ValueError, KeyError, TypeError):
                raise SpinfixError(f"{file}:{number}: not a JSON object with \"id\" and \"text\"") from None


def read_document(path: str, offset: int | None, max_bytes: int | None = None) -> str:
    """The text of a document where an index says it lives: a file, or a JSONL line (read from
    a regular file only, at most ``max_bytes`` of it)."""
    if offset is None:
        return read_text(path, max_bytes)
    limit = MAX_BYTES if max_bytes is None else max_bytes
    try:
        with open_regular(path, JSONL) as handle:
            handle.seek(offset)
            return str(json.loads(read_line(handle, f"{path} (byte {offset})", limit))["text"])
    except (OSError, ValueError, KeyError, TypeError):
        raise SpinfixError(f"{path}: no JSONL document at byte {offset} (has the file changed since it was indexed?)") from None


def read_source(match: SourceMatch, max_bytes: int | None = None) -> str:
    """The text of a matched source."""
    return read_document(match.path, match.offset, max_bytes)


def build_index(paths: list[str], glob: str = "*.txt", progress: bool = False,
                skipped: list[str] | None = None, max_bytes: int | None = None) -> SourceIndex:
    """An index of every document under ``paths`` (:func:`iter_sources`, which lists in
    ``skipped`` the walked files it could not read)."""
    from tqdm import tqdm  # a progress bar costs start-up time: only where one is drawn

    index = SourceIndex()
    for doc_id, text, path, offset in tqdm(iter_sources(paths, glob, skipped, max_bytes), desc="indexing", unit="doc",
                                           disable=not progress):
        index.add(doc_id, text, path, offset)
    if not len(index):
        raise SpinfixError("no documents to index")
    return index


def save_index(index: SourceIndex, path: str | os.PathLike[str]) -> str:
    """Write the index as a model file of arrays (offsets, shingle hashes, signatures) and JSON
    (ids, paths, settings); returns its hash."""
    docs = list(index.documents.values())
    hashes = [d.hashes for d in docs]
    record = {"settings": index.settings(), "ids": [d.doc_id for d in docs], "paths": [d.path for d in docs],
              "info": {"documents": len(index), "spinfix_version": __version__, "num_perm": NUM_PERM}}
    arrays = {"offsets": np.array([-1 if d.offset is None else d.offset for d in docs], dtype=np.int64),
              "bounds": np.cumsum([0] + [len(h) for h in hashes]).astype(np.int64),
              "hashes": np.concatenate(hashes).astype(np.uint64) if hashes else np.zeros(0, np.uint64),
              "signatures": np.stack(index.signatures) if index.signatures else np.zeros((0, NUM_PERM), np.uint32)}
    return save_model(path, "source-index", record, arrays)


def load_index(path: str | os.PathLike[str]) -> SourceIndex:
    """Load an index written by :func:`save_index` (checked like every model file); its LSH is
    built again from the shingle hashes."""
    rebuild = "rebuild it with `spinfix index`"
    file = read_model(path, "source-index", rebuild)
    record, arrays = file.record, file.arrays
    try:
        index = SourceIndex(**record["settings"])
        ids, paths, offsets, bounds, hashes = (record["ids"], record["paths"], arrays["offsets"].tolist(),
                                               arrays["bounds"], arrays["hashes"])
        if not len(ids) == len(paths) == len(offsets) == len(bounds) - 1 or \
                len(arrays["signatures"]) != int(np.count_nonzero(np.diff(bounds))):
            raise ValueError("the documents' columns differ in length")
    except (KeyError, TypeError, ValueError) as exc:
        raise SpinfixError(f"{path}: not an index this spinfix can read ({type(exc).__name__}: {exc}); {rebuild}") from None
    signatures = iter(arrays["signatures"])
    for k, (doc_id, doc_path, offset) in enumerate(zip(ids, paths, offsets)):
        doc_hashes = hashes[bounds[k]:bounds[k + 1]]
        index.add_hashes(doc_id, doc_hashes, doc_path, None if offset < 0 else offset,
                         next(signatures) if doc_hashes.size else None)
    index.band()  # ready for queries
    return index


def find_source(text: str, index: SourceIndex, name: str = "-", top: int = 1,
                restore: bool = False, max_bytes: int | None = None) -> SourceResult:
    """The sources of one spun text, best first; with ``restore``, also the text restored
    against the best one (aligned with it, every substitution put back)."""
    matches = index.query(text, top, max_bytes=max_bytes)
    restored = None
    if restore and matches:
        restored = restore_with_reference(text, read_source(matches[0], max_bytes)).restored
    return SourceResult(name, matches, restored)


__all__ = ["SourceIndex", "SourceMatch", "SourceResult", "build_index", "find_source", "immutables",
           "iter_sources", "load_index", "read_document", "read_source", "save_index", "shingles"]
