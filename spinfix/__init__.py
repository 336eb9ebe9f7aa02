"""spinfix: find and undo article spinning.

The public API is a few plain functions and small classes; the command line calls the same ones::

    import spinfix
    spinfix.score_text(text).spin_likelihood          # calibrated, 0-1
    spinfix.restore_with_reference(spun, source).restored
    spinfix.restore_with_dictionary(spun).restored    # shipped dictionary, no source needed
"""
__version__ = "0.1.0"

from .aligning import Alignment, Substitution, align  # noqa: E402
from .dictionary import SubstitutionDictionary, load_dictionary, save_dictionary  # noqa: E402
from .errors import SpinfixError  # noqa: E402
from .restoring import Restoration, restore_with_dictionary, restore_with_reference  # noqa: E402


def score_text(text: str, model: str | None = None, threshold: float | None = None):
    """Score one document with the shipped detector (or the model file ``model``): a
    :class:`spinfix.detecting.DocumentScore` with the spin likelihood and flagged sentences."""
    from .detecting import load_detector

    return load_detector(model).score_text(text, threshold=threshold)


__all__ = [
    "Alignment", "Restoration", "SpinfixError", "Substitution", "SubstitutionDictionary",
    "align", "load_dictionary", "restore_with_dictionary", "restore_with_reference", "save_dictionary",
    "score_text",
]
