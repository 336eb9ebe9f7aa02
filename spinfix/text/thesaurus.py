"""The shipped thesaurus (built by ``scripts/build_thesaurus.py``): word forms and their synonyms."""
from __future__ import annotations

import gzip
import importlib.resources
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from ..collector import pausing


class Neighbours(Mapping[str, list[str]]):
    """Each word form's synonyms, then the heads that list it, without repeats: what
    :attr:`Thesaurus.neighbours` holds. A word's list is made when it is first asked for, since
    a restore asks for a few hundred of 47,000."""

    def __init__(self, synonyms: dict[str, list[str]]):
        self._synonyms = synonyms
        self._heads: dict[str, list[str]] = defaultdict(list)
        for head, syns in synonyms.items():
            for syn in syns:
                self._heads[syn].append(head)
        self._heads.default_factory = None
        self._made: dict[str, list[str]] = {}

    def __getitem__(self, word: str) -> list[str]:
        made = self._made.get(word)
        if made is None:
            if word not in self:
                raise KeyError(word)
            made = self._made[word] = list(dict.fromkeys(self._synonyms.get(word, []) + self._heads.get(word, [])))
        return made

    def heads(self, word: str) -> list[str]:
        """The heads whose synonyms list ``word`` (a head once for each time it does)."""
        return self._heads.get(word, [])

    def __contains__(self, word: object) -> bool:
        return word in self._synonyms or word in self._heads

    def __iter__(self) -> Iterator[str]:
        yield from self._synonyms
        yield from (w for w in self._heads if w not in self._synonyms)

    def __len__(self) -> int:
        return len(self._synonyms) + sum(w not in self._synonyms for w in self._heads)


@dataclass(eq=False)
class Thesaurus:
    """``synonyms[form]`` lists synonyms of a word form, best first; ``neighbours`` adds the
    reverse direction, which is what undoing a swap needs ("soiled" -> "dirty"). Compared and
    hashed by identity, so that indexes built from one can be cached."""

    synonyms: dict[str, list[str]]
    neighbours: Mapping[str, list[str]] = field(init=False, repr=False)
    max_phrase: int = field(init=False)

    def __post_init__(self) -> None:
        self.neighbours = Neighbours(self.synonyms)
        self.max_phrase = max((k.count(" ") + 1 for k in self.synonyms), default=1)


@pausing
def parse_thesaurus(text: str) -> Thesaurus:
    """Read ``word<TAB>syn|syn`` lines (``#`` lines are comments).

    Examples
    --------
    >>> parse_thesaurus("dirty\\tsoiled|filthy").neighbours["soiled"]
    ['dirty']
    """
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
