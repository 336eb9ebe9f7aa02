"""``spinfix align`` and ``spinfix restore``: a spun text against its source, or restored without it.

Library modules are imported inside the commands: ``spinfix --help`` and the other commands
need not load them (start-up time).
"""
from __future__ import annotations

import argparse
import sys

from .options import add_deprecated, grow_dictionary, refuse_overwriting_inputs


def cmd_align(args: argparse.Namespace) -> None:
    from ..alignment.aligner import align  # start-up time
    from ..persist.files import read_text  # start-up time

    alignment = align(read_text(args.spun, args.max_bytes), read_text(args.reference, args.max_bytes))
    note = grow_dictionary(args.save_pairs, [alignment])
    if args.json:
        alignment.write_json(sys.stdout)
        print()
    else:
        text = alignment.format()
        if text:
            print(text)
        print(f"{len(alignment.substitutions)} substitutions in {len(alignment.blocks)} aligned blocks; "
              f"{len(alignment.unaligned_spun)} spun sentences have no source", file=sys.stderr)
    if note:
        print(note, file=sys.stderr)


def cmd_restore(args: argparse.Namespace) -> None:
    from ..persist.files import atomic_write, read_text  # start-up time

    if args.reference and args.dictionary and not args.save_pairs:  # the meaning --dictionary had with --reference
        print("spinfix: warning: `restore --reference REF --dictionary FILE` is deprecated; use --save-pairs FILE",
              file=sys.stderr)
        args.save_pairs, args.dictionary = args.dictionary, None
    refuse_overwriting_inputs(args.output, [args.spun, args.reference, args.dictionary, args.save_pairs])
    spun = read_text(args.spun, args.max_bytes)
    if args.reference:
        from ..restoration.restorations import restore_with_reference  # start-up time

        result = restore_with_reference(spun, read_text(args.reference, args.max_bytes))
        note = grow_dictionary(args.save_pairs, [result.alignment])
    else:
        from ..detection.loading import load_scorer  # start-up time
        from ..dictionary.storage import load_dictionary  # start-up time
        from ..restoration.decisions import TrustingRestorer  # start-up time
        from ..restoration.restorations import restore_without_reference  # start-up time
        from ..restoration.restorer import load_restorer  # start-up time

        dictionary = load_dictionary(args.dictionary, args.max_bytes) if args.dictionary else None
        restorer = TrustingRestorer() if args.trust else load_restorer(args.restorer) if args.restorer else None
        judge = "trigram" if args.trust or args.only_dictionary else args.judge  # the dictionary alone: no judge
        result = restore_without_reference(spun, dictionary, load_scorer(args.model, judge), restorer, args.only_dictionary)
        note = ""
    if args.output:
        atomic_write(args.output, result.restored)
    if args.json:
        result.write_json(sys.stdout)
        print()
    elif not args.output:
        sys.stdout.write(result.restored)
    print(result.summary() + (f"; wrote {args.output}" if args.output else ""), file=sys.stderr)
    if args.review:
        for line in result.review(spun):
            print("  " + line, file=sys.stderr)
    if note:
        print(note, file=sys.stderr)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("align", help="align a spun text with its clean source and list the substitutions")
    p.add_argument("spun", help="the spun text (- for stdin)")
    p.add_argument("reference", help="its clean source")
    p.add_argument("--save-pairs", metavar="FILE", help="add the aligned pairs to this dictionary file")
    add_deprecated(p, "--dictionary", "save_pairs", "--save-pairs")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("restore", help="undo the spinning: against a reference, or from what spinfix knows")
    p.add_argument("spun", help="the spun text (- for stdin)")
    p.add_argument("--reference", metavar="REF", help="the clean source; without it, restore from a dictionary, "
                   "the shipped prior dictionary and the thesaurus")
    p.add_argument("--dictionary", metavar="FILE",
                   help="without --reference: a substitution dictionary to restore with, beside the shipped knowledge")
    p.add_argument("--save-pairs", metavar="FILE", help="with --reference: add the aligned pairs to this dictionary file")
    p.add_argument("--model", metavar="MODEL", help="detector model for reference-free restoring (default: shipped)")
    p.add_argument("--restorer", metavar="MODEL", help="restorer model for reference-free restoring (default: shipped)")
    p.add_argument("--trust", action="store_true",
                   help="apply every match of --dictionary as listed (for curated tortured-phrase lists)")
    p.add_argument("--only-dictionary", action="store_true",
                   help="restore from --dictionary alone, without the shipped prior dictionary and thesaurus")
    p.add_argument("-o", "--output", metavar="OUT", help="write the restored text here")
    p.add_argument("--review", action="store_true",
                   help="after the summary, list each change and each suspect left as written (line:column, the "
                        "originals weighed there, why) on stderr")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_restore)


__all__ = ["cmd_align", "cmd_restore", "register"]
