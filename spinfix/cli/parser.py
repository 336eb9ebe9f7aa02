"""The ``spinfix`` command: one argparse parser over the command groups (one module each), every
failure one line on stderr with exit code 2, outputs written atomically."""
from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Sequence

from .._version import __version__
from ..errors import SpinfixError
from ..judge import JUDGES
from ..persist.files import MAX_BYTES
from ..persist.paths import refuse_shipped
from . import corpus, dictionaries, restoration, scoring, training
from .overwrites import refuse_overwrites
from .options import EXIT_ERROR, positive_int, resolve_deprecated


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line, like every other spinfix error."""

    def error(self, message: str):
        self.exit(EXIT_ERROR, f"spinfix: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    parser = _Parser(prog="spinfix", description="Find and undo article spinning.")
    parser.add_argument("--version", action="version", version=f"spinfix {__version__}")
    parser.add_argument("--max-bytes", type=positive_int, default=MAX_BYTES, metavar="N",
                        help=f"refuse inputs larger than N bytes (default: {MAX_BYTES:,})")
    parser.add_argument("--judge", choices=JUDGES,
                        help="the language model that judges: neural (Gemma 3 270M, the default) or trigram "
                             "(CMU's trigram model: fast, weaker on real spin); $SPINFIX_JUDGE sets the default")
    parser.add_argument("--debug", action="store_true", help="show the stack of an unexpected error")
    sub = parser.add_subparsers(dest="command", required=True)
    restoration.register(sub)  # align, restore
    scoring.register(sub)  # score, report
    corpus.register(sub)  # index, find-source, screen
    training.register(sub)  # train
    dictionaries.register(sub)  # dict show/merge/import/learn
    return parser


def _fail(message: str) -> int:
    """One line on stderr (if stderr still takes it) and the error exit code."""
    try:
        print(f"spinfix: error: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code. Every failure is one line on stderr;
    ``--debug`` shows the stack of an unexpected one."""
    args = build_parser().parse_args(argv)
    resolve_deprecated(args)
    logging.basicConfig(level=logging.INFO, format="spinfix: %(message)s")  # one-time notes (a judge converted)
    # the models predict small batches, where OpenMP threads only cost (and stall badly when
    # another process keeps the cores busy); parallel work is done by worker processes instead
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        for path in _written(args):
            refuse_shipped(path)  # before any work, not after minutes of it
        refuse_overwrites(args)  # no output may be one of the run's inputs, by any name
        code = args.func(args) or 0
        sys.stdout.flush()
        gc.freeze()  # the process ends here: the collection at exit need not walk the models' objects
        return code
    except SpinfixError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OSError as exc:  # standard output full, gone or refused; or a file a step did not expect to fail
        _silence_stdout()
        reason = exc.strerror or type(exc).__name__
        if exc.filename is not None:  # every path error names its path
            return _fail(f"{exc.filename}: {reason}")
        return _fail(f"cannot write the output ({reason})")
    except Exception as exc:
        if args.debug:
            raise
        return _fail(f"internal error ({type(exc).__name__}: {str(exc)[:200]}); "
                     "rerun with --debug for the details and please report it")


def _written(args: argparse.Namespace) -> list[str]:
    """The files this command will write."""
    paths = [getattr(args, name, None) for name in ("output", "restorer_output", "html", "save_pairs")]
    if args.command == "restore" and args.reference and not args.save_pairs:
        paths.append(args.dictionary)  # grown with the aligned pairs (its deprecated meaning there)
    return [p for p in paths if p and p != "-"]


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush cannot fail."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


__all__ = ["build_parser", "main"]
