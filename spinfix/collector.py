"""Python's cyclic garbage collector paused while spinfix builds objects that live as long as the
process (models, vocabularies, the thesaurus, a long text's tokens): collecting them finds nothing
to free and only costs time."""
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
