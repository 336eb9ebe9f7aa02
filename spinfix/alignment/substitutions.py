"""Substitutions between a spun text and its source, and putting them back."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Substitution:
    """One edit: ``spun`` text at ``spun_start:spun_end`` stands for ``original`` in the source.

    An empty ``spun`` is a word the spinner dropped; an empty ``original`` one it added.

    Examples
    --------
    >>> Substitution("soiled", "dirty", 4, 10, 4, 9).to_dict()
    {'spun': 'soiled', 'original': 'dirty', 'spun_start': 4, 'spun_end': 10, 'ref_start': 4, 'ref_end': 9}
    """

    spun: str
    original: str
    spun_start: int
    spun_end: int
    ref_start: int
    ref_end: int

    @property
    def start(self) -> int:
        """Where the spun side starts (as for a reference-free change)."""
        return self.spun_start

    @property
    def end(self) -> int:
        """Where the spun side ends."""
        return self.spun_end

    @property
    def is_phrase_pair(self) -> bool:
        """True for a word-for-word or phrase-for-phrase swap worth a dictionary entry."""
        return any(c.isalnum() for c in self.spun) and any(c.isalnum() for c in self.original)

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return asdict(self)


def apply_substitutions(text: str, substitutions: list[Substitution]) -> str:
    """``text`` with each substitution's spun span replaced by its original text (of two that
    overlap, the first).

    Examples
    --------
    >>> apply_substitutions("The soiled bomb.", [Substitution("soiled", "dirty", 4, 10, 4, 9)])
    'The dirty bomb.'
    """
    out, pos = [], 0
    for sub in sorted(substitutions, key=lambda s: (s.spun_start, s.spun_end)):
        if sub.spun_start < pos:
            continue  # overlapping edits from two blocks: keep the first
        out.append(text[pos:sub.spun_start])
        out.append(sub.original)
        pos = sub.spun_end
    out.append(text[pos:])
    return "".join(out)


__all__ = ["Substitution", "apply_substitutions"]
