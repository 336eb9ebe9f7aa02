"""Dictionary files: reading and writing them (atomically, and under a lock for a
read-modify-write), and the shipped prior dictionary."""
from __future__ import annotations

import fcntl
import importlib.resources
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SpinfixError
from ..persist.files import atomic_write, read_text
from .substitutions import CHECKSUM, SubstitutionDictionary

if TYPE_CHECKING:  # for annotations only
    from ..alignment.aligner import Alignment

DEFAULT_DICTIONARY = "dictionary.tsv"  # the shipped prior, in spinfix/models


def load_dictionary(path: str | os.PathLike[str], max_bytes: int | None = None) -> SubstitutionDictionary:
    """Read a dictionary file (:mod:`spinfix.dictionary.substitutions` describes the format),
    at most ``max_bytes`` of it (default :data:`spinfix.persist.files.MAX_BYTES`).

    Parameters
    ----------
    path : str or PathLike
        A file written by ``spinfix align --save-pairs``, ``dict import`` or :func:`save_dictionary`.
    max_bytes : int, optional
        Refuse a file larger than this.

    Returns
    -------
    SubstitutionDictionary
        Its pairs and counts; a damaged file raises :class:`~spinfix.errors.SpinfixError`
        naming the line.

    Examples
    --------
    >>> shipped = load_dictionary(default_dictionary_path())
    >>> len(shipped) > 10_000
    True
    """
    return SubstitutionDictionary.from_tsv(read_text(path, max_bytes, "a dictionary file"), str(path))


def default_dictionary_path() -> str:
    """Where the shipped dictionary lives (inside the installed package)."""
    return str(importlib.resources.files("spinfix.models").joinpath(DEFAULT_DICTIONARY))


@lru_cache(maxsize=1)
def default_dictionary_hash() -> str:
    """The shipped dictionary's content hash (:meth:`SubstitutionDictionary.content_hash`), read
    from its checksum line: what a score signature names without loading it."""
    with open(default_dictionary_path(), encoding="utf-8") as f:
        f.readline()
        line = f.readline()
    return line[len(CHECKSUM):].strip() if line.startswith(CHECKSUM) else default_dictionary().content_hash()


def default_dictionary() -> SubstitutionDictionary:
    """The dictionary shipped in ``models/``: ``prior`` rows learned from synthetic spinners."""
    return load_dictionary(default_dictionary_path())


def load_or_new(path: str | os.PathLike[str]) -> SubstitutionDictionary:
    """The dictionary at ``path``, or an empty one if the file does not exist yet."""
    return load_dictionary(path) if Path(path).exists() else SubstitutionDictionary()


def save_dictionary(dictionary: SubstitutionDictionary, path: str | os.PathLike[str]) -> None:
    """Write a dictionary atomically (readers see the old file or the new one, never a part).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.tsv"
    >>> save_dictionary(SubstitutionDictionary(), path)
    >>> path.read_text().splitlines()[0]
    '# spinfix substitution dictionary, format 2'
    """
    atomic_write(path, dictionary.to_tsv())


@contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (through a hidden ``.NAME.lock`` beside it) for a
    read-modify-write, so that two processes growing one dictionary at once never lose each
    other's counts."""
    real = Path(os.path.realpath(path))
    lock = str(real.parent / f".{real.name}.lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise SpinfixError(f"{lock}: cannot lock the dictionary ({exc.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def add_alignments_to_file(path: str | os.PathLike[str], alignments: list[Alignment],
                           source: str = "observed") -> tuple[int, SubstitutionDictionary]:
    """Count ``alignments`` into the dictionary file at ``path`` (created if need be), under
    :func:`locked`; returns how many pairs were added and the dictionary as saved."""
    with locked(path):
        dictionary = load_or_new(path)
        added = dictionary.add_alignments(alignments, source)
        save_dictionary(dictionary, path)
    return added, dictionary


def update_dictionary(path: str | os.PathLike[str],
                      change: Callable[[SubstitutionDictionary], SubstitutionDictionary | None]) -> SubstitutionDictionary:
    """Load the dictionary at ``path`` (or a new one), apply ``change`` to it and save the
    result, under :func:`locked`; ``change`` may change it in place or return a new one."""
    with locked(path):
        dictionary = load_or_new(path)
        dictionary = change(dictionary) or dictionary
        save_dictionary(dictionary, path)
    return dictionary


__all__ = ["DEFAULT_DICTIONARY", "add_alignments_to_file", "default_dictionary", "default_dictionary_hash",
           "default_dictionary_path", "load_dictionary", "load_or_new", "locked", "save_dictionary",
           "update_dictionary"]
