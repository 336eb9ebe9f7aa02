"""A family of synthetic spinner tables of different shapes, to train and test across spinners:
``fit`` shapes train models (and the shipped prior dictionary), ``tune`` shapes set thresholds,
``test`` shapes only measure (leave-one-spinner-out), so that no figure is measured on the
spinner a model was fit to. All are cut from the shipped thesaurus (``docs/architecture.md``).
"""
from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from functools import lru_cache

from ..judge.trigram import default_lm
from ..text.thesaurus import Thesaurus, default_thesaurus


@dataclass(frozen=True)
class TableShape:
    """How one synthetic spinner's table is cut from the thesaurus.

    ``head_share`` of the heads are listed, chosen by a stable hash salted with ``salt``
    (``heads="hash"``) or the most frequent words first (``heads="common"``); each keeps
    ``alternatives`` synonyms, the best-ranked (``pick="best"``) or drawn at random from its
    twelve (``pick="random"``); ``phrases`` False drops multi-word entries, ``"prefer"`` puts
    multi-word alternatives first. A spinner with this table swaps a share of its matches drawn
    from ``rates`` per document.
    """

    name: str
    role: str
    head_share: float
    alternatives: int
    pick: str = "best"
    heads: str = "hash"
    phrases: bool | str = True
    rates: tuple[float, float] = (0.7, 0.9)
    salt: int = 0


SHAPES: tuple[TableShape, ...] = (
    TableShape("third-best2", "fit", 1 / 3, 2, "best", "hash", True, (0.7, 0.9), 0),
    TableShape("half-best1", "fit", 1 / 2, 1, "best", "hash", False, (0.2, 0.6), 1),
    TableShape("common-random4", "fit", 0.4, 4, "random", "common", True, (0.4, 0.9), 2),
    TableShape("quarter-best3-phrases", "fit", 1 / 4, 3, "best", "hash", "prefer", (0.3, 0.8), 3),
    TableShape("common-best2", "tune", 0.3, 2, "best", "common", True, (0.5, 0.9), 4),
    TableShape("fifth-random3", "tune", 1 / 5, 3, "random", "hash", True, (0.2, 0.9), 5),
    TableShape("third-random2-phrases", "test", 1 / 3, 2, "random", "hash", "prefer", (0.6, 0.9), 6),
    TableShape("common-best1-words", "test", 0.5, 1, "best", "common", False, (0.2, 0.9), 7),
)


def shapes(role: str) -> list[TableShape]:
    """The shapes with one role (``fit``, ``tune`` or ``test``)."""
    return [s for s in SHAPES if s.role == role]


def shape(name: str) -> TableShape:
    """The shape called ``name``."""
    for s in SHAPES:
        if s.name == name:
            return s
    raise KeyError(f"no spinner table shape {name!r}; known: {', '.join(s.name for s in SHAPES)}")


def _stable(text: str, salt: int) -> float:
    """A number in [0, 1) fixed by ``text`` and ``salt``, the same on every machine."""
    return zlib.crc32(f"{salt}:{text}".encode()) / 0xFFFFFFFF


def _heads(table: dict[str, list[str]], spec: TableShape) -> list[str]:
    if spec.heads == "common":
        lm = default_lm()
        ranked = sorted(table, key=lambda h: (-sum(lm.unigram(w) for w in h.split()) / len(h.split()), h))
        return ranked[:int(spec.head_share * len(ranked))]
    return [h for h in table if _stable(h, spec.salt) < spec.head_share]


def _alternatives(head: str, synonyms: list[str], spec: TableShape) -> list[str]:
    options = synonyms if spec.phrases else [s for s in synonyms if " " not in s]
    if spec.pick == "random":
        options = random.Random(zlib.crc32(f"{spec.salt}:{head}".encode())).sample(options, len(options))
    if spec.phrases == "prefer":
        options = sorted(options, key=lambda s: " " not in s)
    return options[:spec.alternatives]


@lru_cache(maxsize=16)
def build_table(spec: TableShape) -> Thesaurus:
    """The synonym table of one shape (cached: tables are reused across documents)."""
    synonyms = default_thesaurus().synonyms
    if not spec.phrases:
        synonyms = {h: s for h, s in synonyms.items() if " " not in h}
    table = {}
    for head in _heads(synonyms, spec):
        alternatives = _alternatives(head, synonyms[head], spec)
        if alternatives:
            table[head] = alternatives
    return Thesaurus(table)


__all__ = ["SHAPES", "TableShape", "build_table", "shape", "shapes"]
