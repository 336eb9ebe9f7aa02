"""Python's cyclic garbage collector paused while spinfix builds what it keeps.

Loading a model, the language model's vocabulary, the thesaurus or a dictionary, and indexing
them for a restore, create a few million objects that live as long as the process and free
almost none; aligning a long text does the same for its tokens. Each full collection on the way
walks every one of them: with the collector running, a third of a cold ``spinfix restore`` (0.4
of 1.2 s) was spent collecting nothing. Whatever cycles a paused step leaves are collected
after it, as usual.
"""
from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def paused() -> Iterator[None]:
    """Pause the collector, as it was before afterwards (so pauses nest)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pausing(function: Callable[..., T]) -> Callable[..., T]:
    """``function`` run with the collector :func:`paused`."""
    @functools.wraps(function)
    def run(*args, **kwargs) -> T:
        with paused():
            return function(*args, **kwargs)
    return run


__all__ = ["paused", "pausing"]
