"""The ``spinfix`` command: a thin argparse layer over the library.

Every command reads ``-`` as standard input, prints plain text for people or one JSON object
per input with ``--json``, and turns a :class:`SpinfixError` into one line on stderr and exit
code 2. Output files are written atomically, so a failed run leaves earlier ones intact.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import __version__
from .dictionary import (import_phrase_list, load_dictionary, load_or_new, save_dictionary)
from .errors import SpinfixError
from .textio import atomic_write, read_text

EXIT_ERROR = 2


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _grow_dictionary(path: str | None, alignment) -> str:
    """Add an alignment's pairs to the dictionary at ``path``; a line saying what happened."""
    if not path:
        return ""
    dictionary = load_or_new(path)
    added = dictionary.add_alignment(alignment)
    save_dictionary(dictionary, path)
    if not added:
        return f"{path}: this pair was already counted; dictionary unchanged ({len(dictionary)} entries)"
    return f"{path}: added {added} pairs ({len(dictionary)} entries)"


def cmd_align(args: argparse.Namespace) -> None:
    from .aligning import align

    alignment = align(read_text(args.spun), read_text(args.reference))
    note = _grow_dictionary(args.dictionary, alignment)
    if args.json:
        _print_json({"substitutions": [s.to_dict() for s in alignment.substitutions],
                     "unaligned_sentences": [alignment.spun_sentences[i].text for i in alignment.unaligned_spun]})
    else:
        for s in alignment.substitutions:
            print(f"{s.spun_start}-{s.spun_end}\t{s.spun!r} -> {s.original!r}")
        print(f"{len(alignment.substitutions)} substitutions in {len(alignment.blocks)} aligned blocks; "
              f"{len(alignment.unaligned_spun)} spun sentences have no source", file=sys.stderr)
    if note:
        print(note, file=sys.stderr)


def cmd_restore(args: argparse.Namespace) -> None:
    from .restoring import restore_with_dictionary, restore_with_reference

    spun = read_text(args.spun)
    if args.reference:
        result = restore_with_reference(spun, read_text(args.reference))
        note = _grow_dictionary(args.dictionary, result.alignment)
    else:
        from .detecting import load_detector
        dictionary = load_dictionary(args.dictionary) if args.dictionary else None
        result = restore_with_dictionary(spun, dictionary, load_detector(args.model))
        note = ""
    if args.output:
        atomic_write(args.output, result.restored)
    if args.json:
        _print_json(result.to_dict())
    elif not args.output:
        sys.stdout.write(result.restored)
    print(f"restored {len(result.substitutions)} spans" + (f"; wrote {args.output}" if args.output else ""),
          file=sys.stderr)
    if note:
        print(note, file=sys.stderr)


def cmd_dict_show(args: argparse.Namespace) -> None:
    dictionary = load_dictionary(args.file)
    rows = dictionary.top(args.top)
    if args.json:
        _print_json({"entries": len(dictionary), "documents": len(dictionary.documents),
                     "top": [{"spun": s, "original": o, "count": e.count, "documents": e.documents}
                             for s, o, e in rows]})
        return
    print(f"{len(dictionary)} entries from {len(dictionary.documents)} documents")
    for spun, original, entry in rows:
        print(f"{entry.count:6d} {entry.documents:5d}  {spun} -> {original}")


def cmd_dict_merge(args: argparse.Namespace) -> None:
    merged = load_dictionary(args.first).merge(load_dictionary(args.second))
    save_dictionary(merged, args.output)
    print(f"{args.output}: {len(merged)} entries from {len(merged.documents)} documents", file=sys.stderr)


def cmd_dict_import(args: argparse.Namespace) -> None:
    imported = import_phrase_list(read_text(args.file), args.file)
    result = load_or_new(args.output).merge(imported)
    save_dictionary(result, args.output)
    print(f"{args.output}: imported {len(imported)} phrases ({len(result)} entries)", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spinfix", description="Find and undo article spinning.")
    parser.add_argument("--version", action="version", version=f"spinfix {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("align", help="align a spun text with its clean source and list the substitutions")
    p.add_argument("spun", help="the spun text (- for stdin)")
    p.add_argument("reference", help="its clean source")
    p.add_argument("--dictionary", metavar="FILE", help="add the extracted pairs to this dictionary file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("restore", help="undo the spinning: against a reference, or from a dictionary")
    p.add_argument("spun", help="the spun text (- for stdin)")
    p.add_argument("--reference", metavar="REF", help="the clean source; without it the dictionary restores")
    p.add_argument("--dictionary", metavar="FILE",
                   help="with --reference: add the pairs to it; without: restore from it (default: shipped)")
    p.add_argument("--model", metavar="MODEL", help="detector model for reference-free restoring (default: shipped)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the restored text here")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("dict", help="show, merge and import substitution dictionaries")
    dsub = p.add_subparsers(dest="dict_command", required=True)
    q = dsub.add_parser("show", help="list the most frequent pairs")
    q.add_argument("file")
    q.add_argument("-n", "--top", type=int, default=20)
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except SpinfixError as exc:
        print(f"spinfix: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
