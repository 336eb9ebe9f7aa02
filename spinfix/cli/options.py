"""Option types and helpers shared by the command groups (light: imported on every start)."""
from __future__ import annotations

import argparse
import os
import sys

from ..errors import SpinfixError
from ..persist.files import json_text
from ..wording import plural

EXIT_ERROR = 2
EXIT_SPUN = 1  # score --fail-over: a document reached the given likelihood; find-source: one has no source
EXIT_UNJUDGED = 3  # score: no document could be judged (each "cannot judge": not English prose)


def probability(text: str) -> float:
    """An option value between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def positive_int(text: str) -> int:
    """An option value that is a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not at least 1")
    return value


def jobs(text: str) -> int:
    """A worker count: at least 1, or -1 for all cores."""
    value = int(text) if text.lstrip("-").isdigit() else 0
    if value < 1 and value != -1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a worker count (1 or more, or -1 for all cores)")
    return value


def add_glob(p: argparse.ArgumentParser) -> None:
    """``--glob``: which files a directory gives."""
    p.add_argument("--glob", default="*.txt", metavar="PATTERN", help="files to take from directories (default: *.txt)")


def add_deprecated(p: argparse.ArgumentParser, old: str, dest: str, new: str) -> None:
    """``old`` as a deprecated spelling of the option ``new`` (stored in ``dest``; a warning on
    stderr when used)."""
    p.add_argument(old, dest=f"deprecated_{dest}", metavar="FILE", help=argparse.SUPPRESS)
    p.set_defaults(**{f"deprecated_for_{dest}": (old, new)})


def resolve_deprecated(args: argparse.Namespace) -> None:
    """Move each deprecated option's value to the option that replaced it, warning once."""
    for name in [n for n in vars(args) if n.startswith("deprecated_for_")]:
        dest = name[len("deprecated_for_"):]
        value = getattr(args, f"deprecated_{dest}", None)
        if value is None:
            continue
        old, new = getattr(args, name)
        if getattr(args, dest, None) is None:
            setattr(args, dest, value)
        print(f"spinfix: warning: `{args.command} {old}` is deprecated here; use {new}", file=sys.stderr)


def print_json(obj: object) -> None:
    """One JSON line on standard output."""
    print(json_text(obj))


def refuse_overwriting_inputs(output: str | None, inputs: list[str | None]) -> None:
    """``-o`` may not name a file the same run reads."""
    if not output or output == "-":
        return
    for path in inputs:
        if path and path != "-" and os.path.exists(path) and os.path.exists(output) and os.path.samefile(path, output):
            raise SpinfixError(f"{output}: is also an input of this run ({path}); write the output elsewhere")


def grow_dictionary(path: str | None, alignments: list) -> str:
    """Add aligned pairs to the dictionary file at ``path`` (locked); a line saying what happened."""
    from ..dictionary.storage import add_alignments_to_file  # loads the dictionary's code only when asked: start-up time

    if not path:
        return ""
    added, dictionary = add_alignments_to_file(path, alignments)
    if not added:
        return f"{path}: this pair was already counted; dictionary unchanged ({plural(len(dictionary), 'entry', 'entries')})"
    return f"{path}: added {plural(added, 'pair')} ({plural(len(dictionary), 'entry', 'entries')})"


__all__ = ["EXIT_ERROR", "EXIT_SPUN", "EXIT_UNJUDGED", "add_deprecated", "add_glob", "grow_dictionary", "jobs", "positive_int",
           "print_json", "probability", "refuse_overwriting_inputs", "resolve_deprecated"]
