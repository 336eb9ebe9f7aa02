"""The substitution dictionary: ``spun phrase -> original phrase`` pairs with counts, and its file
format, a TSV that people can read and diff::

    # spinfix substitution dictionary, format 2
    # sha256 <hash of everything below>
    # doc 3f2a9c1e0b7d4a11
    spun<TAB>original<TAB>count<TAB>documents<TAB>source
    soiled<TAB>dirty<TAB>3<TAB>2<TAB>observed
    stated<TAB>stated<TAB>5<TAB>4<TAB>observed

``source`` is what kind of evidence a row is (:data:`SOURCES`: ``observed`` in aligned text,
``prior`` from synthetic spinners, ``curated`` from a published list); a row whose original is
its spun phrase counts how often the phrase was seen left as written; ``# doc`` lines are the
fingerprints of the pairs counted, so that no pair is ever counted twice. Format 1 files (no
``source`` column) are read as ``observed``.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..collector import pausing
from ..errors import SpinfixError
from ..text.phrases import MAX_PHRASE_WORDS, match_phrases, phrase_key
from ..text.tokens import sentence_tokens

if TYPE_CHECKING:  # for annotations only: an alignment is read by its attributes
    from ..alignment.aligner import Alignment

MAGIC = "# spinfix substitution dictionary, format 2"
MAGIC_V1 = "# spinfix substitution dictionary, format 1"
HEADER = ["spun", "original", "count", "documents", "source"]
SOURCES = ("observed", "prior", "curated")
CHECKSUM = "# sha256 "
DOC_RE = re.compile(r"[0-9a-f]{16}")


def fingerprint(spun_text: str, ref_text: str) -> str:
    """A short stable identifier of one spun/source document pair."""
    return hashlib.sha256(f"{spun_text}\x00{ref_text}".encode()).hexdigest()[:16]


@dataclass
class Entry:
    """How often a pair was seen, and in how many documents."""

    count: int = 0
    documents: int = 0


@dataclass
class SubstitutionDictionary:
    """Phrase pairs learned from alignments (or imported from a phrase list), with counts.

    ``entries`` are keyed by ``(spun, original, source)`` and ``kept`` (how often a known spun
    phrase was seen left as written) by ``(spun, source)``; ``source`` is one of :data:`SOURCES`.

    Examples
    --------
    >>> mine = SubstitutionDictionary()
    >>> mine.add_pairs([("soiled", "dirty"), ("stated", "said")], "doc-1")
    2
    >>> mine.count("soiled", "dirty"), mine.add_pairs([("soiled", "dirty")], "doc-1")  # a document counts once
    (1, 0)
    """

    entries: dict[tuple[str, str, str], Entry] = field(default_factory=dict)
    documents: set[str] = field(default_factory=set)
    kept: dict[tuple[str, str], Entry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def add_pairs(self, pairs: list[tuple[str, str]], document: str, source: str = "observed") -> int:
        """Count ``(spun, original)`` phrase pairs seen in one document; returns how many.

        A document already counted (same fingerprint) adds nothing, so re-running an alignment
        never inflates the counts.
        """
        _check_source(source)
        if document in self.documents:
            return 0
        self.documents.add(document)
        seen = Counter()
        for spun, original in pairs:
            key = (phrase_key(spun), phrase_key(original))
            if key[0] and key[1] and key[0] != key[1] and max(len(k.split()) for k in key) <= MAX_PHRASE_WORDS:
                seen[key] += 1
        for (spun, original), n in seen.items():
            entry = self.entries.setdefault((spun, original, source), Entry())
            entry.count += n
            entry.documents += 1
        return sum(seen.values())

    def add_alignment(self, alignment: Alignment, source: str = "observed") -> int:
        """Count the phrase pairs of one alignment; returns how many were added."""
        return self.add_alignments([alignment], source)

    def add_alignments(self, alignments: list[Alignment], source: str = "observed") -> int:
        """Count the phrase pairs of many alignments, then how often each known spun phrase was
        left as written in them; returns how many pairs were added.

        Adding alignments together counts the kept phrases against every pair they taught, so a
        batch is better added at once than one by one.
        """
        fresh = {}
        for alignment in alignments:
            fresh.setdefault(fingerprint(alignment.spun_text, alignment.ref_text), alignment)
        fresh = {doc: a for doc, a in fresh.items() if doc not in self.documents}
        added = sum(self.add_pairs([(s.spun, s.original) for s in a.phrase_pairs], doc, source)
                    for doc, a in fresh.items())
        spun_forms = self.spun_forms(source)
        for alignment in fresh.values():
            self._count_kept(alignment, spun_forms, source)
        return added

    def _count_kept(self, alignment: Alignment, spun_forms: set[str], source: str) -> None:
        """Count the known spun phrases that an alignment shows unchanged from the source."""
        changed = [(s.spun_start, s.spun_end) for s in alignment.substitutions]
        seen: Counter = Counter()
        for block in alignment.blocks:
            for sentence in alignment.spun_sentences[block.spun[0]:block.spun[1]]:
                tokens = sentence_tokens(sentence)
                for i, j, key in match_phrases(tokens, spun_forms):
                    start, end = tokens[i].start, tokens[j - 1].end
                    if not any(a < end and start < b for a, b in changed):
                        seen[key] += 1
        for key, n in seen.items():
            entry = self.kept.setdefault((key, source), Entry())
            entry.count += n
            entry.documents += 1

    def spun_forms(self, source: str | None = None) -> set[str]:
        """Every phrase the dictionary knows as a spinner's output (from one ``source``, or all)."""
        return {spun for spun, _, src in self.entries if source in (None, src)}

    def count(self, spun: str, original: str, source: str | None = None) -> int:
        """How often ``spun`` was seen for ``original`` (from one ``source``, or all)."""
        return sum(self.entries[(spun, original, s)].count for s in SOURCES
                   if source in (None, s) and (spun, original, s) in self.entries)

    def kept_count(self, spun: str, source: str | None = None) -> int:
        """How often ``spun`` was seen left as written in spun text (one ``source``, or all)."""
        return sum(self.kept[(spun, s)].count for s in SOURCES if source in (None, s) and (spun, s) in self.kept)

    def sources(self) -> Counter:
        """How many rows each source has."""
        return Counter(src for _, _, src in self.entries)

    def relabel(self, source: str) -> SubstitutionDictionary:
        """A copy whose rows all count as ``source`` (a synthetic dictionary made a ``prior``)."""
        _check_source(source)
        entries: dict = {}
        for (spun, original, _), entry in self.entries.items():
            _add_entry(entries, (spun, original, source), entry)
        kept: dict = {}
        for (spun, _), entry in self.kept.items():
            _add_entry(kept, (spun, source), entry)
        return SubstitutionDictionary(entries, set(self.documents), kept)

    def merge(self, other: SubstitutionDictionary) -> SubstitutionDictionary:
        """A new dictionary holding the entries of both, counts added.

        Refuses when both already counted the same document, since adding would count it twice.
        """
        shared = self.documents & other.documents
        if shared:
            raise SpinfixError(
                f"both dictionaries counted document {sorted(shared)[0]} ({len(shared)} shared); "
                "merging would count it twice: rebuild one of them without those pairs"
            )
        return SubstitutionDictionary(_sum_entries(self.entries, other.entries),
                                      set(self.documents) | other.documents, _sum_entries(self.kept, other.kept))

    def top(self, n: int = 20) -> list[tuple[str, str, str, Entry]]:
        """The ``n`` most frequent rows as ``(spun, original, source, entry)``, most frequent first."""
        ranked = sorted(self.entries.items(), key=lambda kv: (-kv[1].count, -kv[1].documents, kv[0]))
        return [(*key, entry) for key, entry in ranked[:n]]

    def originals(self) -> dict[str, list[tuple[str, Entry]]]:
        """For each spun phrase, its originals with their counts over every source, most frequent first."""
        table: dict[str, dict[str, Entry]] = {}
        for (spun, original, _), entry in self.entries.items():
            _add_entry(table.setdefault(spun, {}), original, entry)
        return {spun: sorted(options.items(), key=lambda oe: (-oe[1].count, oe[0])) for spun, options in table.items()}

    def to_tsv(self) -> str:
        """The dictionary in its file format, entries sorted so that diffs stay small, with a
        checksum of everything below it so that damage is found on loading."""
        body = self._body()
        return f"{MAGIC}\n{CHECKSUM}{_sha256(body)}\n{body}"

    def content_hash(self) -> str:
        """The sha256 of the dictionary's rows and documents (its file's checksum line): the
        same for the same content, whatever the file is called."""
        return _sha256(self._body())

    def _body(self) -> str:
        out = io.StringIO()
        for doc in sorted(self.documents):
            out.write(f"# doc {doc}\n")
        writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(HEADER)
        rows = [((spun, original, src), e) for (spun, original, src), e in self.entries.items()]
        rows += [((spun, spun, src), e) for (spun, src), e in self.kept.items()]
        for (spun, original, src), entry in sorted(rows):
            writer.writerow([spun, original, entry.count, entry.documents, src])
        return out.getvalue()

    @classmethod
    @pausing
    def from_tsv(cls, text: str, name: str = "dictionary") -> SubstitutionDictionary:
        """Parse the file format (2, or 1 whose rows count as ``observed``); a corrupt file
        raises :class:`SpinfixError` naming the line."""
        lines = text.splitlines()
        first = lines[0].strip() if lines else ""
        if first not in (MAGIC, MAGIC_V1):
            raise SpinfixError(f"{name}: not a spinfix dictionary (first line should be '{MAGIC}')")
        if len(lines) > 1 and lines[1].startswith(CHECKSUM):
            body = text.split("\n", 2)[2] if text.count("\n") >= 2 else ""
            if _sha256(body) != lines[1][len(CHECKSUM):].strip():
                raise SpinfixError(f"{name}: checksum mismatch: the file is damaged (or was edited by hand: "
                                   "then delete its line 2 to accept the edit)")
        header = HEADER if first == MAGIC else HEADER[:4]
        result = cls()
        body_start = 1
        while body_start < len(lines) and lines[body_start].startswith("#"):
            line = lines[body_start]
            if line.startswith("# doc "):
                doc = line[6:].strip()
                if not DOC_RE.fullmatch(doc):
                    raise SpinfixError(f"{name}: line {body_start + 1}: corrupt document fingerprint {doc!r}")
                result.documents.add(doc)
            body_start += 1
        rows = csv.reader(lines[body_start:], delimiter="\t")
        if next(rows, None) != header:
            raise SpinfixError(f"{name}: line {body_start + 1}: expected the header {' '.join(header)}")
        try:
            result._read_rows(rows, body_start + 2, len(header), name)
        except csv.Error as exc:
            raise SpinfixError(f"{name}: line {rows.line_num + body_start}: unreadable ({exc})") from None
        return result

    def _read_rows(self, rows, first_line: int, columns: int, name: str) -> None:
        result = self
        for lineno, row in enumerate(rows, start=first_line):
            if not row:
                continue
            try:
                spun, original, count, documents, source = row if columns == 5 else [*row, "observed"]
                entry = Entry(int(count), int(documents))
            except ValueError:
                raise SpinfixError(f"{name}: line {lineno}: corrupt entry {row!r}; fix or remove it") from None
            if (not spun or not original or entry.count < 1 or not 0 <= entry.documents <= entry.count
                    or source not in SOURCES):
                raise SpinfixError(f"{name}: line {lineno}: corrupt entry {row!r}; fix or remove it")
            table, key = (result.kept, (spun, source)) if spun == original else (result.entries, (spun, original, source))
            if key in table:
                raise SpinfixError(f"{name}: line {lineno}: duplicate entry {spun!r} -> {original!r} ({source})")
            table[key] = entry


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise SpinfixError(f"unknown dictionary source {source!r}; one of {', '.join(SOURCES)}")


def _add_entry(table: dict, key, entry: Entry) -> None:
    """Add ``entry``'s counts to ``table[key]`` (a new :class:`Entry` when absent)."""
    target = table.setdefault(key, Entry())
    target.count += entry.count
    target.documents += entry.documents


def _sum_entries(a: dict, b: dict) -> dict:
    """Two count tables added key by key (new :class:`Entry` objects, inputs untouched)."""
    out = {k: Entry(e.count, e.documents) for k, e in a.items()}
    for key, entry in b.items():
        _add_entry(out, key, entry)
    return out


def import_phrase_list(text: str, name: str = "phrase list") -> SubstitutionDictionary:
    """A dictionary from a two-column CSV/TSV list ``spun phrase, expected phrase`` with a header.

    This is how the research-integrity community publishes tortured phrases ("bosom peril" ->
    "breast cancer"). Its rows are ``curated``: trusted as listed. Each row counts once; the
    file's own fingerprint stands for its document.

    Examples
    --------
    >>> listed = import_phrase_list("spun,original\\nbosom peril,breast cancer\\n", "list.csv")
    >>> listed.count("bosom peril", "breast cancer", "curated")
    1
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise SpinfixError(f"{name}: empty; expected two columns (spun phrase, expected phrase) with a header row")
    dialect = "excel-tab" if "\t" in lines[0] else "excel"
    try:
        rows = list(csv.reader(lines, dialect=dialect))
    except csv.Error as exc:
        raise SpinfixError(f"{name}: unreadable ({exc})") from None
    if len(rows[0]) < 2:
        raise SpinfixError(f"{name}: expected two columns (spun phrase, expected phrase) with a header row")
    pairs = []
    for lineno, row in enumerate(rows[1:], start=2):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise SpinfixError(f"{name}: line {lineno}: expected two non-empty columns, got {row!r}")
        pairs.append((row[0], row[1]))
    result = SubstitutionDictionary()
    result.add_pairs(pairs, fingerprint(text, name), "curated")
    return result


__all__ = ["CHECKSUM", "HEADER", "MAGIC", "MAGIC_V1", "SOURCES", "Entry", "SubstitutionDictionary", "fingerprint",
           "import_phrase_list"]
