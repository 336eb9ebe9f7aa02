"""What every benchmark ends with: its figures printed, and written as JSON where asked."""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path


def emit(report: dict, path: str | None, indent: int = 1) -> None:
    """Print ``report`` as JSON, and write it to ``path`` too (if given)."""
    text = json.dumps(report, indent=indent)
    print(text)
    if path:
        Path(path).write_text(text + "\n", encoding="utf-8")


def fastest(fn: Callable[[], object], rounds: int) -> float:
    """The fastest of ``rounds`` runs of ``fn``, in seconds (a busy machine slows some runs)."""
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best
