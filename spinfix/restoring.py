"""Restoring spun text: against its known source, or from a substitution dictionary alone."""
from __future__ import annotations

from dataclasses import dataclass, field

from .aligning import Alignment, Substitution, align, apply_substitutions


@dataclass
class Restoration:
    """A restored text and the changes that produced it (offsets into the spun text)."""

    restored: str
    substitutions: list[Substitution]
    alignment: Alignment | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return {"restored": self.restored, "substitutions": [s.to_dict() for s in self.substitutions]}


def restore_with_reference(spun_text: str, ref_text: str) -> Restoration:
    """Put every aligned spun phrase back to its original; sentences with no source stay as written."""
    alignment = align(spun_text, ref_text)
    return Restoration(apply_substitutions(spun_text, alignment.substitutions), alignment.substitutions, alignment)
