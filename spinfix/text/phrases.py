"""Phrases in matching form, and known phrases found in a sentence's tokens the way a spinner
applies its table: longest first, left to right."""
from __future__ import annotations

from .tokens import Token, tokenize

MAX_PHRASE_WORDS = 5  # the longest phrase a dictionary keeps


def phrase_key(text: str) -> str:
    """The matching form of a phrase, without punctuation at either end.

    Examples
    --------
    >>> phrase_key("“Soiled bomb,”")
    'soiled bomb'
    """
    tokens = tokenize(text)
    while tokens and not tokens[0].is_word:
        tokens.pop(0)
    while tokens and not tokens[-1].is_word:
        tokens.pop()
    return " ".join(t.norm for t in tokens)


def match_phrases(tokens: list[Token], phrases: set[str] | dict) -> list[tuple[int, int, str]]:
    """Known phrases in a sentence's tokens as ``(i, j, phrase)``: longest first, left to right,
    not overlapping (the order a spinner applies its table in)."""
    found, i = [], 0
    while i < len(tokens):
        for n in range(min(MAX_PHRASE_WORDS, len(tokens) - i), 0, -1):
            span = tokens[i:i + n]
            key = " ".join(t.norm for t in span)
            if all(t.is_word for t in span) and key in phrases:
                found.append((i, i + n, key))
                i += n
                break
        else:
            i += 1
    return found


__all__ = ["MAX_PHRASE_WORDS", "match_phrases", "phrase_key"]
