"""Word lists shipped in ``data/``, built by ``scripts/build_word_lists.py`` from registry
packages (so that scoring imports neither scikit-learn nor wordfreq; see the README for sources
and licences): English function words, and the words far more common today than in the 1990s
trigram model."""
from __future__ import annotations

import importlib.resources
from functools import lru_cache


def _read(name: str) -> frozenset[str]:
    text = importlib.resources.files("spinfix.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """English function words ("in", "so", "after", "all"): scikit-learn's stop-word list."""
    return _read("function_words.txt")


@lru_cache(maxsize=1)
def modern_words() -> frozenset[str]:
    """The trigram model's words that wordfreq finds far more frequent today ("trump")."""
    return _read("modern_words.txt")


def function_words_only(words: list[str]) -> bool:
    """Whether a phrase is made of function words alone ("in", "so", "after all"): common clean
    English, which spinners swap less and a restore must treat with care."""
    stop = function_words()
    return all(w in stop for w in words)


__all__ = ["function_words", "function_words_only", "modern_words"]
