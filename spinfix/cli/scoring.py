"""``spinfix score`` and ``spinfix report``: spin likelihoods with the flagged sentences, as text,
JSON, a summary table or an HTML page.

Library modules are imported inside the commands: ``spinfix --help`` and the other commands
need not load them (start-up time).
"""
from __future__ import annotations

import argparse
import sys

from ..errors import SpinfixError
from ..wording import plural
from .options import (EXIT_ERROR, EXIT_SPUN, EXIT_UNJUDGED, add_deprecated, add_glob, jobs, probability,
                      refuse_overwriting_inputs)

THRESHOLD_HELP = ("flag sentences at or above T, naming suspects from T where it is under the model's suspect line "
                  "(default: the model's threshold); the spin likelihood stays the model's own")


def cmd_score(args: argparse.Namespace) -> int:
    """Print each document's score (or a summary line) and, in text, the signature once at the end;
    exit 1 when one reaches ``--fail-over``, 2 when a named file could not be scored, 3 when no
    document could be judged (each one "cannot judge": not English prose)."""
    from tqdm import tqdm  # start-up time

    from ..corpus.batch import SUMMARY_HEADER, FileError, discover, score_files, summary_line  # start-up time
    from ..detection.results import DocumentScore  # start-up time
    from ..detection.verdicts import CANNOT_JUDGE  # start-up time
    from ..persist.files import atomic_write, read_text  # start-up time

    files = discover(args.files, args.glob)
    bar = tqdm(total=len(files), unit="file", disable=not (args.progress or (len(files) > 1 and sys.stderr.isatty())))
    if args.summary:
        print("\t".join(SUMMARY_HEADER))
    failed = spun = False
    scored, signatures, judged, unjudged = [], [], 0, 0
    for result in score_files(files, args.model, args.threshold, args.jobs, args.max_bytes, args.phrase_list, args.judge):
        bar.update()
        if isinstance(result, FileError):
            failed |= result.named
            bar.write(f"spinfix: {'error' if result.named else 'skipped'}: {result.message}", file=sys.stderr)
            continue
        spun |= args.fail_over is not None and result.spin_likelihood >= args.fail_over
        if result.signature not in signatures:
            signatures.append(result.signature)
        if result.verdict.label == CANNOT_JUDGE:
            unjudged += 1
        else:
            judged += 1
        if args.summary:
            print(summary_line(result), flush=True)
        else:
            result.write(sys.stdout, is_json=args.json)
            sys.stdout.flush()
        if args.html and result.file != "<stdin>":
            scored.append(result if isinstance(result, DocumentScore) else result.materialize())
    bar.close()
    if not (args.json or args.summary):
        for signature in signatures:
            print(f"signature: {signature}")
    if args.html and scored and not failed:
        from ..reports.html import ReportDocument, render_report  # start-up time

        atomic_write(args.html, render_report([ReportDocument(s, read_text(s.file, args.max_bytes)) for s in scored]))
    elif args.html:  # a report of part of what was asked for, or of nothing, would pass for the whole
        why = "a named file could not be scored" if failed else "no file to report (standard input is not kept)"
        print(f"spinfix: error: {args.html}: not written, since {why}; an earlier report there is unchanged",
              file=sys.stderr)
        failed = True
    return EXIT_ERROR if failed else EXIT_SPUN if spun else EXIT_UNJUDGED if unjudged and not judged else 0


def cmd_report(args: argparse.Namespace) -> None:
    from ..persist.files import atomic_write  # start-up time
    from ..reports.html import render_report, report_documents  # start-up time

    if args.reference and len(args.files) != 1:
        raise SpinfixError("--reference goes with one file; give one spun file and its source")
    if args.dictionary and not (args.restore or args.reference) and not args.phrase_list:  # its earlier meaning
        print("spinfix: warning: `report --dictionary FILE` without --restore is deprecated; use --phrase-list FILE",
              file=sys.stderr)
        args.phrase_list, args.dictionary = args.dictionary, None
    refuse_overwriting_inputs(args.output, [*args.files, args.reference, args.dictionary, args.phrase_list])
    documents = report_documents(args.files, args.reference, args.restore, args.dictionary, args.model, args.threshold,
                                 args.max_bytes, args.phrase_list, args.judge)
    atomic_write(args.output, render_report(documents))
    print(f"{args.output}: report of {plural(len(documents), 'document')}", file=sys.stderr)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="spin likelihood of documents, with the flagged sentences")
    p.add_argument("files", nargs="+", metavar="FILE", help="text files or directories (- for stdin)")
    p.add_argument("--json", action="store_true", help="one JSON object per input, one per line")
    p.add_argument("--summary", action="store_true",
                   help="one TSV line per file: file, likelihood, flagged sentences, suspects per 100 words")
    add_glob(p)
    p.add_argument("--fail-over", type=probability, metavar="P",
                   help="exit 1 when a document's likelihood is at least P (0: none, 2: errors)")
    p.add_argument("--threshold", type=probability, metavar="T", help=THRESHOLD_HELP)
    p.add_argument("--jobs", type=jobs, default=-1, metavar="N", help="parallel workers for many files (default: all cores)")
    p.add_argument("--model", metavar="MODEL", help="detector model file (default: shipped)")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a terminal")
    p.add_argument("--phrase-list", metavar="FILE",
                   help="count the curated phrases of this dictionary file (`spinfix dict import`) as evidence")
    add_deprecated(p, "--dictionary", "phrase_list", "--phrase-list")
    p.add_argument("--html", metavar="OUT", help="also write an HTML report of the scored files (see `spinfix report`)")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("report", help="a self-contained HTML page: highlighted suspects, restore diffs, an index")
    p.add_argument("files", nargs="+", metavar="FILE", help="text files (- for stdin)")
    p.add_argument("-o", "--output", required=True, metavar="HTML", help="where to write the page")
    p.add_argument("--reference", metavar="REF", help="also restore the (one) file against its source, shown as a diff")
    p.add_argument("--restore", action="store_true", help="also restore each file without a reference, shown as a diff")
    p.add_argument("--dictionary", metavar="FILE",
                   help="with --restore: a substitution dictionary to restore with, beside the shipped knowledge")
    p.add_argument("--phrase-list", metavar="FILE", help="count the curated phrases of this dictionary file as evidence")
    p.add_argument("--threshold", type=probability, metavar="T", help=THRESHOLD_HELP)
    p.add_argument("--model", metavar="MODEL", help="detector model file (default: shipped)")
    p.set_defaults(func=cmd_report)


__all__ = ["cmd_report", "cmd_score", "register"]
