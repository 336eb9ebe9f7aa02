"""The shipped thesaurus (built by ``scripts/build_thesaurus.py``): word forms and their synonyms."""
from __future__ import annotations

import gzip
import importlib.resources
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .collector import pausing


@dataclass(eq=False)
class Thesaurus:
    """``synonyms[form]`` lists synonyms of a word form, best first; ``neighbours`` adds the
    reverse direction, which is what undoing a swap needs ("soiled" -> "dirty"). Compared and
    hashed by identity, so that indexes built from one can be cached."""

    synonyms: dict[str, list[str]]
    neighbours: dict[str, list[str]] = field(default_factory=dict)
    max_phrase: int = 3

    def __post_init__(self) -> None:
        if not self.neighbours:
            reverse: dict[str, list[str]] = defaultdict(list)
            for head, syns in self.synonyms.items():
                for syn in syns:
                    reverse[syn].append(head)
            keys = set(self.synonyms) | set(reverse)
            self.neighbours = {k: list(dict.fromkeys(self.synonyms.get(k, []) + reverse.get(k, []))) for k in keys}
        self.max_phrase = max((k.count(" ") + 1 for k in self.synonyms), default=1)


@pausing
def parse_thesaurus(text: str) -> Thesaurus:
    """Read ``word<TAB>syn|syn`` lines (``#`` lines are comments)."""
    table = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            head, _, syns = line.partition("\t")
            table[head] = syns.split("|")
    return Thesaurus(table)


@lru_cache(maxsize=1)
def default_thesaurus() -> Thesaurus:
    """The thesaurus shipped in ``spinfix/data/thesaurus.tsv.gz``, loaded once."""
    raw = importlib.resources.files("spinfix.data").joinpath("thesaurus.tsv.gz").read_bytes()
    return parse_thesaurus(gzip.decompress(raw).decode())
