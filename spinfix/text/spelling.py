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


# British endings and their US forms, tried in order; a caller keeps only a form its lexicon knows
# ("tour" -> "tor" is tried, and dropped there)
_US_ENDINGS = (("isation", "ization"), ("isations", "izations"), ("ise", "ize"), ("ised", "ized"),
               ("ises", "izes"), ("ising", "izing"), ("iser", "izer"), ("isers", "izers"),
               ("yse", "yze"), ("ysed", "yzed"), ("ysing", "yzing"), ("our", "or"), ("ours", "ors"),
               ("oured", "ored"), ("ouring", "oring"), ("ourite", "orite"), ("ourable", "orable"),
               ("ourful", "orful"), ("tre", "ter"), ("tres", "ters"), ("bre", "ber"),
               ("lled", "led"), ("lling", "ling"), ("ller", "ler"), ("llers", "lers"),
               ("ogue", "og"), ("ogues", "ogs"), ("ence", "ense"))


def us_forms(word: str) -> list[str]:
    """The US spellings a British-spelled word may have: the table's, then the regular endings'
    ("utilise" -> "utilize", "labour" -> "labor"); a guess to check against a lexicon.

    Examples
    --------
    >>> us_forms("optimisation")
    ['optimization']
    """
    forms = [us_spelling()[word]] if us_spelling().get(word, word) != word else []
    for uk, us in _US_ENDINGS:
        if word.endswith(uk) and len(word) >= len(uk) + 3:
            forms.append(word[:-len(uk)] + us)
    return list(dict.fromkeys(forms))


__all__ = ["spelling_pairs", "spelling_table", "us_forms", "us_spelling"]
