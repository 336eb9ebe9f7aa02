"""Word lists (shipped in ``spinfix/data``, built by ``scripts/build_word_lists.py``) and the one
rule for the words a spinner leaves alone.

A spinner swaps what its table lists and leaves alone numbers and names (a capitalized word
inside a sentence, or a known name opening one): :func:`left_alone`, which aligning, restoring,
scoring and the synthetic spinner all apply. Of a text's words, those no thesaurus-driven
spinner can swap at all are DSpin's "immutables" (:func:`unswappable`), which finding a
copy's source matches on.
"""
from __future__ import annotations

import importlib.resources
import re
from collections.abc import Container
from functools import lru_cache

from ..errors import SpinfixError
from ..persist.paths import pocketsphinx_file


def _read(name: str) -> frozenset[str]:
    text = importlib.resources.files("spinfix.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """English function words ("in", "so", "after", "all"): scikit-learn's stop-word list.

    Examples
    --------
    >>> "after" in function_words(), "bomb" in function_words()
    (True, False)
    """
    return _read("function_words.txt")


@lru_cache(maxsize=1)
def modern_words() -> frozenset[str]:
    """The trigram model's words that wordfreq finds far more frequent today ("trump")."""
    return _read("modern_words.txt")


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """The 126,000 words of the CMU Pronouncing Dictionary (BSD-2-Clause), as pocketsphinx
    installs it: real English words ("quadratic"), which a spinner's inventions ("curiousness")
    are not. Read on first use (about 0.2 s)."""
    path = pocketsphinx_file("en-us", "cmudict-en-us.dict")
    if not path.is_file():
        raise SpinfixError("the CMU Pronouncing Dictionary is missing; reinstall pocketsphinx")
    with open(path, encoding="utf-8") as f:
        return frozenset(re.sub(r"\(\d+\)$", "", line.split(" ", 1)[0]) for line in f if line.strip())


def function_words_only(words: list[str]) -> bool:
    """Whether a phrase is made of function words alone ("in", "so", "after all"): common clean
    English, which spinners swap less and a restore must treat with care."""
    stop = function_words()
    return all(w in stop for w in words)


def is_number(text: str) -> bool:
    """Whether a word holds a digit."""
    return not text.isalpha() and any(c.isdigit() for c in text)  # letters alone, the most words, hold none


_CONTRACTION = re.compile(r"[a-z]+(n't|'re|'ll|'ve|'m|'d)|(it|that|there|here|what|where|who|how|he|she|let)'s")


def is_contraction(norm: str) -> bool:
    """Whether a normalized word is a contraction ("didn't", "you're", "it's", not the
    possessive "project's"): the same words as its expansion, so never a wrong-sense swap.

    Examples
    --------
    >>> is_contraction("you're"), is_contraction("it's"), is_contraction("project's")
    (True, True, False)
    """
    return _CONTRACTION.fullmatch(norm) is not None


def is_name(text: str, opens_sentence: bool, norm: str, names: Container[str] = frozenset()) -> bool:
    """Whether a word as written is a name: capitalized inside a sentence, or capitalized where
    it opens one and known as a name (``names``, its matching form ``norm``), since a sentence's
    first word is capitalized whatever it is."""
    return text[:1].isupper() and (not opens_sentence or norm in names)


def left_alone(text: str, opens_sentence: bool, norm: str, names: Container[str] = frozenset()) -> bool:
    """Whether a spinner leaves this word alone wherever it stands: a number or a name.

    Examples
    --------
    >>> left_alone("Taiwan", False, "taiwan"), left_alone("Taiwan", True, "taiwan")
    (True, False)
    >>> left_alone("Taiwan", True, "taiwan", {"taiwan"}), left_alone("1987", True, "1987")
    (True, True)
    """
    return ((text[:1].isupper() and (not opens_sentence or norm in names))  # is_name and is_number, inlined:
            or (not text.isalpha() and any(c.isdigit() for c in text)))  # this runs for every word of a text


def unswappable(word: str, table: Container[str], stop: Container[str]) -> bool:
    """Whether no spinner with the thesaurus ``table`` can swap the lowercase ``word``: a
    number, or a word longer than one letter that is neither a head of ``table`` nor a function
    word (``stop``)."""
    return word[:1].isdigit() or (len(word) > 1 and word not in stop and word not in table)


def unswappable_words(words: list[str], table: Container[str], stop: Container[str]) -> list[str]:
    """The ``words`` that are :func:`unswappable`, in order (the rule applied to a whole text at
    C speed: a text has thousands of words)."""
    return [w for w in words if w[:1].isdigit() or (len(w) > 1 and w not in stop and w not in table)]


__all__ = ["dictionary_words", "function_words", "function_words_only", "is_contraction", "is_name", "is_number",
           "left_alone", "modern_words", "unswappable", "unswappable_words"]
