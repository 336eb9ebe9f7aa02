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
    not overlapping (the order a spinner applies its table in). A phrase is words alone, so only
    the run of words from a token on is tried, each token's matching form read once."""
    words = [t.norm if t.is_word else None for t in tokens]
    found, i = [], 0
    while i < len(words):
        run = i
        while run < len(words) and run - i < MAX_PHRASE_WORDS and words[run] is not None:
            run += 1
        for end in range(run, i, -1):
            key = " ".join(words[i:end])
            if key in phrases:
                found.append((i, end, key))
                i = end
                break
        else:
            i += 1
    return found


__all__ = ["MAX_PHRASE_WORDS", "match_phrases", "phrase_key"]
