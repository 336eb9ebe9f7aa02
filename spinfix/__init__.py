"""spinfix: find and undo article spinning.

The public API is a few plain functions and small classes; the command line calls the same ones::

    import spinfix
    spinfix.score_text(text).spin_likelihood          # calibrated, 0-1
    spinfix.restore_with_reference(spun, source).restored
    spinfix.restore_with_dictionary(spun).restored    # no source: shipped knowledge, detector, restorer

Names are imported on first use (PEP 562), so ``import spinfix`` and ``spinfix --help`` stay fast.
"""
from __future__ import annotations

import importlib

from ._version import __version__

_EXPORTS = {
    "Alignment": "aligning", "Substitution": "aligning", "align": "aligning",
    "SubstitutionDictionary": "dictionary", "load_dictionary": "dictionary", "save_dictionary": "dictionary",
    "SpinfixError": "errors",
    "Restoration": "restoring", "restore_with_dictionary": "restoring", "restore_with_reference": "restoring",
}


def score_text(text: str, model: str | None = None, threshold: float | None = None):
    """Score one document with the shipped detector (or the model file ``model``): a
    :class:`spinfix.detecting.DocumentScore` with the spin likelihood and flagged sentences."""
    from .detecting import load_detector

    return load_detector(model).score_text(text, threshold=threshold)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'spinfix' has no attribute {name!r}")


__all__ = ["__version__", "score_text", *_EXPORTS]
