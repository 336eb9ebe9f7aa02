"""``spinfix index``, ``spinfix find-source`` and ``spinfix screen``: working on a collection.

Library modules are imported inside the commands: ``spinfix --help`` and the other commands
need not load them (start-up time).
"""
from __future__ import annotations

import argparse
import os
import sys
from itertools import chain

from ..errors import SpinfixError
from ..wording import plural
from .options import EXIT_SPUN, add_glob, positive_int
from .overwrites import find_source_outputs, model_files


def cmd_index(args: argparse.Namespace) -> None:
    from ..corpus.source_index import build_index, save_index  # start-up time

    skipped: list[str] = []
    index = build_index(args.sources, args.glob, sys.stderr.isatty(), skipped, args.max_bytes)
    for message in skipped:
        print(f"spinfix: skipped: {message}", file=sys.stderr)
    save_index(index, args.output)
    print(f"{args.output}: {plural(len(index), 'document')} indexed", file=sys.stderr)


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``NAME-2.EXT``, ``NAME-3.EXT``... when this run already wrote it."""
    stem, ext = os.path.splitext(name)
    k, out = 1, name
    while out in taken:
        k += 1
        out = f"{stem}-{k}{ext}"
    taken.add(out)
    return out


def cmd_find_source(args: argparse.Namespace) -> int:
    """Print each spun file's source; exit 1 when one has none in the index."""
    from ..corpus.batch import discover  # start-up time
    from ..corpus.source_index import find_source, load_index  # start-up time
    from ..persist.files import atomic_write, read_text  # start-up time

    index = load_index(args.index)
    if args.restore:
        _refuse_restoring_over_inputs(args, index)
        try:
            os.makedirs(args.restore, exist_ok=True)
        except OSError as exc:
            raise SpinfixError(f"{args.restore}: cannot create the directory ({exc.strerror})") from None
    missing, written = False, set()
    for found in discover(args.files, args.glob, "find the source of"):
        result = find_source(read_text(found.path, args.max_bytes), index, found.path, args.top,
                             args.restore is not None, args.max_bytes)
        missing |= not result.matches
        if result.restored is not None:
            name = _unique(os.path.basename(found.path) if found.path != "-" else "stdin.txt", written)
            atomic_write(os.path.join(args.restore, name), result.restored)
        print(result.format(is_json=args.json), flush=True)
    return EXIT_SPUN if missing else 0


def _refuse_restoring_over_inputs(args: argparse.Namespace, index) -> None:
    """``find-source --restore DIR`` writes each file's restoration under its own name in DIR: none
    of those may be a file the run reads (a spun file, the index, an indexed source)."""
    from ..corpus.batch import discover  # start-up time
    from ..persist.files import refuse_writing_over  # start-up time

    files = [f.path for f in discover(args.files, args.glob)]
    outputs = find_source_outputs(files, args.restore, _unique)
    refuse_writing_over(outputs, chain(files, model_files(args.index), (d.path for d in index.documents.values())))


def cmd_screen(args: argparse.Namespace) -> None:
    from ..corpus.screening import screen  # start-up time

    summary = screen(args.corpus, args.output, args.sources, args.scheduler, args.workers, args.model, args.glob,
                     progress=args.progress or sys.stderr.isatty(), max_bytes=args.max_bytes, judge=args.judge)
    for message in summary.skipped_files:
        print(f"spinfix: skipped: {message}", file=sys.stderr)
    print(summary.format(is_json=args.json))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="index a collection of possible sources (for find-source)")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="text files, directories, or JSONL files of {id, text}")
    p.add_argument("-o", "--output", required=True, metavar="INDEX",
                   help="where to write the index (a model file: INDEX.npz + INDEX.json)")
    add_glob(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("find-source", help="find the document each spun file was spun from, in an index")
    p.add_argument("files", nargs="+", metavar="FILE", help="spun text files or directories (- for stdin)")
    p.add_argument("--index", required=True, metavar="INDEX", help="an index written by `spinfix index`")
    p.add_argument("--top", type=positive_int, default=1, metavar="N", help="report up to N sources (default 1)")
    p.add_argument("--restore", metavar="DIR", help="also restore each file against its source, into DIR")
    add_glob(p)
    p.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    p.set_defaults(func=cmd_find_source)

    p = sub.add_parser("screen", help="score a collection, find each copy's source, restore, learn the dictionary")
    p.add_argument("corpus", nargs="+", metavar="CORPUS", help="text files, directories, or JSONL files of {id, text}")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="where the results go (a rerun finishes it)")
    p.add_argument("--sources", metavar="INDEX", help="also look for sources in this index (`spinfix index`)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on this Dask scheduler (`local`: start a LocalCluster); default: joblib on this machine")
    p.add_argument("--workers", type=positive_int, metavar="N", help="worker processes (default: all cores)")
    p.add_argument("--model", metavar="MODEL", help="detector model file (default: shipped)")
    add_glob(p)
    p.add_argument("--progress", action="store_true", help="show progress bars even when stderr is not a terminal")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=cmd_screen)


__all__ = ["cmd_find_source", "cmd_index", "cmd_screen", "register"]
