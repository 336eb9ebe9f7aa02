"""``spinfix dict``: show, merge and import substitution dictionaries, and learn the prior
dictionary and the restorer from synthetic spinners.

Library modules are imported inside the commands: ``spinfix --help`` and the other commands
need not load them (start-up time).
"""
from __future__ import annotations

import argparse
import sys

from ..wording import plural
from .options import positive_int, print_json


def cmd_dict_show(args: argparse.Namespace) -> None:
    """The most frequent pairs of a dictionary file, by default of the shipped prior dictionary."""
    from ..dictionary.storage import default_dictionary_path, load_dictionary  # start-up time

    path = args.file or default_dictionary_path()
    dictionary = load_dictionary(path, args.max_bytes)
    rows = dictionary.top(args.top)
    sources = dict(dictionary.sources())
    if args.json:
        print_json({"entries": len(dictionary), "documents": len(dictionary.documents), "sources": sources,
                    "top": [{"spun": s, "original": o, "source": src, "count": e.count, "documents": e.documents}
                            for s, o, src, e in rows]})
        return
    by_source = ", ".join(f"{n} {src}" for src, n in sorted(sources.items()))
    if not args.file:
        print(f"the shipped dictionary ({path}):")
    print(f"{plural(len(dictionary), 'entry', 'entries')} ({by_source}) from {plural(len(dictionary.documents), 'document')}")
    for spun, original, source, entry in rows:
        print(f"{entry.count:6d} {entry.documents:5d}  {source:8s}  {spun} -> {original}")


def cmd_dict_merge(args: argparse.Namespace) -> None:
    from ..dictionary.storage import load_dictionary, locked, save_dictionary  # start-up time

    with locked(args.output):
        merged = load_dictionary(args.first, args.max_bytes).merge(load_dictionary(args.second, args.max_bytes))
        save_dictionary(merged, args.output)
    print(f"{args.output}: {plural(len(merged), 'entry', 'entries')} from {plural(len(merged.documents), 'document')}",
          file=sys.stderr)


def cmd_dict_import(args: argparse.Namespace) -> None:
    from ..dictionary.storage import update_dictionary  # start-up time
    from ..dictionary.substitutions import import_phrase_list  # start-up time
    from ..persist.files import read_text  # start-up time

    imported = import_phrase_list(read_text(args.file, args.max_bytes, "a CSV/TSV phrase list"), args.file)
    result = update_dictionary(args.output, lambda d: d.merge(imported))
    print(f"{args.output}: imported {plural(len(imported), 'phrase')} ({plural(len(result), 'entry', 'entries')})",
          file=sys.stderr)


def cmd_dict_learn(args: argparse.Namespace) -> None:
    from ..detection.detector import load_detector  # start-up time
    from ..dictionary.storage import save_dictionary  # start-up time
    from ..persist.paths import user_path  # start-up time
    from ..training.corpora import split_documents, training_documents  # scikit-learn loads in a second: start-up time
    from ..training.restorer_trainer import learn_restoration  # start-up time

    args.output = args.output or user_path("dictionary.tsv")
    args.restorer_output = args.restorer_output or user_path("restorer")
    dictionary, restorer = learn_restoration(split_documents(training_documents()), load_detector(args.model),
                                             args.max_docs, args.restorer_docs, args.seed, sys.stderr.isatty())
    save_dictionary(dictionary, args.output)
    print(f"{args.output}: {plural(len(dictionary), 'prior entry', 'prior entries')} from "
          f"{plural(len(dictionary.documents), 'spun document')}",
          file=sys.stderr)
    restorer.save(args.restorer_output)
    print(f"{args.restorer_output}: restorer threshold {restorer.threshold:.3f}", file=sys.stderr)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dict", help="show, merge and import substitution dictionaries")
    dsub = p.add_subparsers(dest="dict_command", required=True)
    q = dsub.add_parser("show", help="list the most frequent pairs")
    q.add_argument("file", nargs="?", help="a dictionary file (default: the shipped prior dictionary)")
    q.add_argument("-n", "--top", type=positive_int, default=20)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_dict_show)
    q = dsub.add_parser("merge", help="merge two dictionaries into a third")
    q.add_argument("first")
    q.add_argument("second")
    q.add_argument("-o", "--output", required=True)
    q.set_defaults(func=cmd_dict_merge)
    q = dsub.add_parser("import", help="import a CSV/TSV list of 'spun phrase, expected phrase' with a header")
    q.add_argument("file")
    q.add_argument("-o", "--output", required=True, help="dictionary to create or add to")
    q.set_defaults(func=cmd_dict_import)
    q = dsub.add_parser("learn", help="learn the prior dictionary and the restorer from synthetic spinners "
                                      "of many table shapes (what spinfix ships)")
    q.add_argument("-o", "--output", help="where to write the dictionary (default: dictionary.tsv in the "
                   "user data directory)")
    q.add_argument("--restorer-output", metavar="MODEL", help="where to write the restorer (a model file: "
                   "MODEL.npz + MODEL.json; default: restorer in the user data directory)")
    q.add_argument("--restorer", dest="restorer_output", help=argparse.SUPPRESS)  # its earlier spelling
    q.add_argument("--max-docs", type=positive_int, help="use only the first N training documents")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--restorer-docs", type=positive_int, default=200, help="validation documents to fit it on (as many to tune)")
    q.add_argument("--model", help="detector the restorer works with (default: shipped)")
    q.set_defaults(func=cmd_dict_learn)


__all__ = ["cmd_dict_import", "cmd_dict_learn", "cmd_dict_merge", "cmd_dict_show", "register"]
