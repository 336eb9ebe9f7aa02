"""US and UK spellings (``spinfix/data/spelling_us_uk.tsv``): a spelling says where a text was
written, not that it was spun, so scoring puts both on one footing and the synthetic spinner
swaps them as real spinners do."""
from __future__ import annotations

import csv
import importlib.resources
from functools import lru_cache


@lru_cache(maxsize=1)
def spelling_pairs() -> tuple[tuple[str, str], ...]:
    """(US, UK) spelling pairs."""
    text = importlib.resources.files("spinfix.data").joinpath("spelling_us_uk.tsv").read_text()
    rows = csv.reader([ln for ln in text.splitlines() if ln and not ln.startswith("#")], delimiter="\t")
    return tuple((us, uk) for us, uk in list(rows)[1:])


@lru_cache(maxsize=1)
def spelling_table() -> dict[str, str]:
    """Each spelling to its other spelling, both ways."""
    return {a: b for us, uk in spelling_pairs() for a, b in ((us, uk), (uk, us))}


@lru_cache(maxsize=1)
def us_spelling() -> dict[str, str]:
    """Each spelling to its US form.

    Examples
    --------
    >>> us_spelling()["defence"]
    'defense'
    """
    return {w: us for us, uk in spelling_pairs() for w in (us, uk)}


__all__ = ["spelling_pairs", "spelling_table", "us_spelling"]
