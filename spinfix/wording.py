"""Words of the messages spinfix prints: a count with its noun in the right number."""
from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 document``, ``2 documents``, ``0 documents`` (``many``: an irregular plural).

    Examples
    --------
    >>> plural(1, "span"), plural(3, "entry", "entries")
    ('1 span', '3 entries')
    """
    return f"{n} {word if n == 1 else many or word + 's'}"


__all__ = ["plural"]
