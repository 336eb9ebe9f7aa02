"""spinfix: find and undo article spinning.

The public API is a few plain functions and small classes; the command line calls the same ones.
"""
__version__ = "0.1.0"

from .aligning import Alignment, Substitution, align  # noqa: E402
from .dictionary import SubstitutionDictionary, load_dictionary, save_dictionary  # noqa: E402
from .errors import SpinfixError  # noqa: E402
from .restoring import Restoration, restore_with_reference  # noqa: E402

__all__ = [
    "Alignment", "Restoration", "SpinfixError", "Substitution", "SubstitutionDictionary",
    "align", "load_dictionary", "restore_with_reference", "save_dictionary",
]
