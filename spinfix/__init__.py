"""spinfix: find and undo article spinning.

    >>> import spinfix
    >>> sf = spinfix.load()                                   # detector, restorer, judge
    >>> score = sf.score("The soiled bomb was stated to be massive by the shut U.S. ally.")
    >>> score.spin_likelihood > 0.5                           # calibrated, 0-1
    True
    >>> sf.restore("The soiled bomb.", reference="The dirty bomb.").restored
    'The dirty bomb.'

Also :func:`score`, :func:`restore`, :func:`align`, :func:`find_source`, :func:`screen`,
:func:`report`, :func:`train` and :func:`load_dictionary`; every result has ``to_dict()``. Names
are imported on first use (PEP 562), so ``import spinfix`` and ``spinfix --help`` stay fast.
"""
from __future__ import annotations

import importlib

from ._version import __version__

_EXPORTS = {
    "Spinfix": "api", "align": "api", "find_source": "api", "load": "api", "load_dictionary": "api",
    "load_pairs": "api", "report": "api", "restore": "api", "score": "api", "screen": "api", "train": "api",
    "example_pairs": "api", "cross_validate": "api", "held_out_predictions": "api",
    "Alignment": "alignment.aligner", "Substitution": "alignment.substitutions",
    "DocumentScore": "detection.results", "Detector": "detection.detector", "load_detector": "detection.detector",
    "SubstitutionDictionary": "dictionary.substitutions", "save_dictionary": "dictionary.storage",
    "SpinfixError": "errors",
    "Restoration": "restoration.restorations", "Change": "restoration.restorations",
    "SourceIndex": "corpus.source_index", "SourceResult": "corpus.source_index", "ScreenSummary": "corpus.screening",
}
_DEPRECATED = {  # the names of earlier versions: still importable, not listed
    "score_text": ("api", "score_text"), "restore_with_reference": ("restoration.restorations", "restore_with_reference"),
    "restore_with_dictionary": ("restoration.restorations", "restore_without_reference"),
}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    if name in _DEPRECATED:
        module, attribute = _DEPRECATED[name]
        return getattr(importlib.import_module(f".{module}", __name__), attribute)
    raise AttributeError(f"module 'spinfix' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = ["__version__", *_EXPORTS]
