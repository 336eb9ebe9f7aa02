"""The ``spinfix`` command: a thin argparse layer over the library.

Every command reads ``-`` as standard input, prints plain text for people or one JSON object
per input with ``--json``, and turns a :class:`SpinfixError` into one line on stderr and exit
code 2. Output files are written atomically, so a failed run leaves earlier ones intact.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence

from tqdm import tqdm

from ._version import __version__
from .errors import SpinfixError
from . import textio
from .paths import refuse_shipped
from .textio import atomic_write, read_text

EXIT_ERROR = 2
EXIT_SPUN = 1  # score --fail-over: a document reached the given likelihood


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line, like every other spinfix error."""

    def error(self, message: str):
        self.exit(EXIT_ERROR, f"spinfix: error: {message} (see `{self.prog} --help`)\n")


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


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _grow_dictionary(path: str | None, alignment) -> str:
    """Add an alignment's pairs to the dictionary at ``path`` (locked); a line saying what happened."""
    from .dictionary import add_alignments_to_file
    if not path:
        return ""
    added, dictionary = add_alignments_to_file(path, [alignment])
    if not added:
        return f"{path}: this pair was already counted; dictionary unchanged ({len(dictionary)} entries)"
    return f"{path}: added {added} pairs ({len(dictionary)} entries)"


def cmd_align(args: argparse.Namespace) -> None:
    from .aligning import align

    alignment = align(read_text(args.spun), read_text(args.reference))
    note = _grow_dictionary(args.dictionary, alignment)
    if args.json:
        alignment.write_json(sys.stdout)
        print()
    else:
        for s in alignment.substitutions:
            print(f"{s.spun_start}-{s.spun_end}\t{s.spun!r} -> {s.original!r}")
        print(f"{len(alignment.substitutions)} substitutions in {len(alignment.blocks)} aligned blocks; "
              f"{len(alignment.unaligned_spun)} spun sentences have no source", file=sys.stderr)
    if note:
        print(note, file=sys.stderr)


def _refuse_overwriting_inputs(output: str | None, inputs: list[str | None]) -> None:
    """``-o`` may not name a file the same run reads."""
    if not output or output == "-":
        return
    for path in inputs:
        if path and path != "-" and os.path.exists(path) and os.path.exists(output) and os.path.samefile(path, output):
            raise SpinfixError(f"{output}: is also an input of this run ({path}); write the output elsewhere")


def cmd_restore(args: argparse.Namespace) -> None:
    from .dictionary import load_dictionary
    from .restoring import restore_with_dictionary, restore_with_reference

    _refuse_overwriting_inputs(args.output, [args.spun, args.reference, args.dictionary])
    spun = read_text(args.spun)
    if args.reference:
        result = restore_with_reference(spun, read_text(args.reference))
        note = _grow_dictionary(args.dictionary, result.alignment)
    else:
        from .detecting import load_detector
        from .restoring import TrustingRestorer, load_restorer
        dictionary = load_dictionary(args.dictionary) if args.dictionary else None
        restorer = TrustingRestorer() if args.trust else load_restorer(args.restorer) if args.restorer else None
        result = restore_with_dictionary(spun, dictionary, load_detector(args.model), restorer, args.only_dictionary)
        note = ""
    if args.output:
        atomic_write(args.output, result.restored)
    if args.json:
        result.write_json(sys.stdout)
        print()
    elif not args.output:
        sys.stdout.write(result.restored)
    print(f"restored {len(result.substitutions)} spans" + (f"; wrote {args.output}" if args.output else ""),
          file=sys.stderr)
    if note:
        print(note, file=sys.stderr)


def cmd_score(args: argparse.Namespace) -> int:
    """Print each document's score (or a summary line); exit 1 when one reaches ``--fail-over``,
    2 when a named file could not be scored."""
    from .batch import SUMMARY_HEADER, FileError, discover, score_files, summary_line
    from .detecting import DocumentScore

    files = discover(args.files, args.glob)
    bar = tqdm(total=len(files), unit="file", disable=not (args.progress or (len(files) > 1 and sys.stderr.isatty())))
    if args.summary:
        print("\t".join(SUMMARY_HEADER))
    failed = spun = False
    scored = []
    for result in score_files(files, args.model, args.threshold, args.jobs, args.max_bytes, args.dictionary):
        bar.update()
        if isinstance(result, FileError):
            failed |= result.named
            bar.write(f"spinfix: {'error' if result.named else 'skipped'}: {result.message}", file=sys.stderr)
            continue
        spun |= args.fail_over is not None and result.spin_likelihood >= args.fail_over
        if args.summary:
            print(summary_line(result), flush=True)
        else:
            result.write(sys.stdout, is_json=args.json)
            sys.stdout.flush()
        if args.html and result.file != "<stdin>":
            scored.append(result if isinstance(result, DocumentScore) else result.materialize())
    bar.close()
    if args.html:
        from .report import ReportDocument, render_report
        atomic_write(args.html, render_report([ReportDocument(s, read_text(s.file, args.max_bytes)) for s in scored]))
    return EXIT_ERROR if failed else EXIT_SPUN if spun else 0


def cmd_report(args: argparse.Namespace) -> None:
    from .report import render_report, report_documents

    if args.reference and len(args.files) != 1:
        raise SpinfixError("--reference goes with one file; give one spun file and its source")
    _refuse_overwriting_inputs(args.output, [*args.files, args.reference, args.dictionary])
    documents = report_documents(args.files, args.reference, args.restore, args.dictionary, args.model, args.threshold)
    atomic_write(args.output, render_report(documents))
    print(f"{args.output}: report of {len(documents)} documents", file=sys.stderr)


def cmd_train(args: argparse.Namespace) -> None:
    from .dictionary import add_alignments_to_file
    from .corpora import load_pairs
    from .paths import user_path
    from .training import train

    output = args.output or user_path("detector.joblib")
    pairs = load_pairs(args.pairs) if args.pairs else None
    if pairs and args.dictionary:
        from .aligning import align
        alignments = [align(p.spun, p.clean) for p in tqdm(pairs, desc="aligning pairs", unit="pair",
                                                            disable=not sys.stderr.isatty())]
        added, dictionary = add_alignments_to_file(args.dictionary, alignments)
        print(f"{args.dictionary}: added {added} pairs from {len(pairs)} documents ({len(dictionary)} entries)",
              file=sys.stderr)
    detector, report = train(pairs=pairs, seed=args.seed, max_docs=args.max_docs,
                             baselines=not args.no_baselines, progress=sys.stderr.isatty())
    detector.save(output)
    summary = {"model": output, "data": report.data, "metrics": report.metrics, "threshold": detector.threshold}
    if args.report:
        atomic_write(args.report, json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


def cmd_dict_show(args: argparse.Namespace) -> None:
    from .dictionary import load_dictionary
    dictionary = load_dictionary(args.file)
    rows = dictionary.top(args.top)
    sources = dict(dictionary.sources())
    if args.json:
        _print_json({"entries": len(dictionary), "documents": len(dictionary.documents), "sources": sources,
                     "top": [{"spun": s, "original": o, "source": src, "count": e.count, "documents": e.documents}
                             for s, o, src, e in rows]})
        return
    by_source = ", ".join(f"{n} {src}" for src, n in sorted(sources.items()))
    print(f"{len(dictionary)} entries ({by_source}) from {len(dictionary.documents)} documents")
    for spun, original, source, entry in rows:
        print(f"{entry.count:6d} {entry.documents:5d}  {source:8s}  {spun} -> {original}")


def cmd_dict_merge(args: argparse.Namespace) -> None:
    from .dictionary import load_dictionary, locked, save_dictionary
    with locked(args.output):
        merged = load_dictionary(args.first).merge(load_dictionary(args.second))
        save_dictionary(merged, args.output)
    print(f"{args.output}: {len(merged)} entries from {len(merged.documents)} documents", file=sys.stderr)


def cmd_dict_import(args: argparse.Namespace) -> None:
    from .dictionary import import_phrase_list, update_dictionary
    imported = import_phrase_list(read_text(args.file), args.file)
    result = update_dictionary(args.output, lambda d: d.merge(imported))
    print(f"{args.output}: imported {len(imported)} phrases ({len(result)} entries)", file=sys.stderr)


def cmd_dict_learn(args: argparse.Namespace) -> None:
    from .dictionary import save_dictionary
    from .corpora import split_documents, training_documents
    from .detecting import load_detector
    from .paths import user_path
    from .restorer_training import learn_restoration
    from .restoring import save_restorer

    args.output = args.output or user_path("dictionary.tsv")
    args.restorer = args.restorer or user_path("restorer.joblib")
    dictionary, restorer = learn_restoration(split_documents(training_documents()), load_detector(args.model),
                                             args.max_docs, args.restorer_docs, args.seed, sys.stderr.isatty())
    save_dictionary(dictionary, args.output)
    print(f"{args.output}: {len(dictionary)} prior entries from {len(dictionary.documents)} spun documents",
          file=sys.stderr)
    save_restorer(restorer, args.restorer)
    print(f"{args.restorer}: restorer threshold {restorer.threshold:.3f}", file=sys.stderr)


def cmd_index(args: argparse.Namespace) -> None:
    from .indexing import build_index, save_index

    skipped: list[str] = []
    index = build_index(args.sources, args.glob, sys.stderr.isatty(), skipped)
    for message in skipped:
        print(f"spinfix: skipped: {message}", file=sys.stderr)
    save_index(index, args.output)
    print(f"{args.output}: {len(index)} documents indexed", file=sys.stderr)


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
    from .batch import discover
    from .indexing import find_source, load_index

    index = load_index(args.index)
    if args.restore:
        try:
            os.makedirs(args.restore, exist_ok=True)
        except OSError as exc:
            raise SpinfixError(f"{args.restore}: cannot create the directory ({exc.strerror})") from None
    missing, written = False, set()
    for found in discover(args.files, args.glob):
        result = find_source(read_text(found.path), index, found.path, args.top, args.restore is not None)
        missing |= not result.matches
        if result.restored is not None:
            name = _unique(os.path.basename(found.path) if found.path != "-" else "stdin.txt", written)
            atomic_write(os.path.join(args.restore, name), result.restored)
        print(result.format(is_json=args.json), flush=True)
    return EXIT_SPUN if missing else 0


def cmd_screen(args: argparse.Namespace) -> None:
    from .screening import screen

    summary = screen(args.corpus, args.output, args.sources, args.scheduler, args.workers, args.model, args.glob,
                     progress=args.progress or sys.stderr.isatty())
    for message in summary.skipped_files:
        print(f"spinfix: skipped: {message}", file=sys.stderr)
    print(summary.format(is_json=args.json))


def _add_glob(p: argparse.ArgumentParser) -> None:
    p.add_argument("--glob", default="*.txt", metavar="PATTERN", help="files to take from directories (default: *.txt)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="spinfix", description="Find and undo article spinning.")
    parser.add_argument("--version", action="version", version=f"spinfix {__version__}")
    parser.add_argument("--max-bytes", type=positive_int, default=textio.MAX_BYTES, metavar="N",
                        help=f"refuse inputs larger than N bytes (default: {textio.MAX_BYTES:,})")
    parser.add_argument("--debug", action="store_true", help="show the stack of an unexpected error")
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
    p.add_argument("--restorer", metavar="MODEL", help="restorer model for reference-free restoring (default: shipped)")
    p.add_argument("--trust", action="store_true",
                   help="apply every match of --dictionary as listed (for curated tortured-phrase lists)")
    p.add_argument("--only-dictionary", action="store_true",
                   help="restore from --dictionary alone, without the shipped prior dictionary and thesaurus")
    p.add_argument("-o", "--output", metavar="OUT", help="write the restored text here")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("score", help="spin likelihood of documents, with the flagged sentences")
    p.add_argument("files", nargs="+", metavar="FILE", help="text files or directories (- for stdin)")
    p.add_argument("--json", action="store_true", help="one JSON object per input, one per line")
    p.add_argument("--summary", action="store_true",
                   help="one TSV line per file: file, likelihood, flagged sentences, suspects per 100 words")
    _add_glob(p)
    p.add_argument("--fail-over", type=probability, metavar="P",
                   help="exit 1 when a document's likelihood is at least P (0: none, 2: errors)")
    p.add_argument("--threshold", type=probability, metavar="T", help="flag sentences at or above T (default: the model's)")
    p.add_argument("--jobs", type=jobs, default=-1, metavar="N", help="parallel workers for many files (default: all cores)")
    p.add_argument("--model", metavar="MODEL", help="detector model file (default: shipped)")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when stderr is not a terminal")
    p.add_argument("--dictionary", metavar="LIST",
                   help="count the curated phrases of this dictionary (`spinfix dict import`) as evidence")
    p.add_argument("--html", metavar="OUT", help="also write an HTML report of the scored files (see `spinfix report`)")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("report", help="a self-contained HTML page: highlighted suspects, restore diffs, an index")
    p.add_argument("files", nargs="+", metavar="FILE", help="text files (- for stdin)")
    p.add_argument("-o", "--output", required=True, metavar="HTML", help="where to write the page")
    p.add_argument("--reference", metavar="REF", help="also restore the (one) file against its source, shown as a diff")
    p.add_argument("--restore", action="store_true", help="also restore each file without a reference, shown as a diff")
    p.add_argument("--dictionary", metavar="FILE", help="phrases counted as evidence (as `score --dictionary`); with --restore, also restored from, beside the shipped knowledge")
    p.add_argument("--threshold", type=probability, metavar="T", help="flag sentences at or above T (default: the model's)")
    p.add_argument("--model", metavar="MODEL", help="detector model file (default: shipped)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("index", help="index a collection of possible sources (for find-source)")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="text files, directories, or JSONL files of {id, text}")
    p.add_argument("-o", "--output", required=True, metavar="INDEX", help="where to write the index")
    _add_glob(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("find-source", help="find the document each spun file was spun from, in an index")
    p.add_argument("files", nargs="+", metavar="FILE", help="spun text files or directories (- for stdin)")
    p.add_argument("--index", required=True, metavar="INDEX", help="an index written by `spinfix index`")
    p.add_argument("--top", type=positive_int, default=1, metavar="N", help="report up to N sources (default 1)")
    p.add_argument("--restore", metavar="DIR", help="also restore each file against its source, into DIR")
    _add_glob(p)
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
    _add_glob(p)
    p.add_argument("--progress", action="store_true", help="show progress bars even when stderr is not a terminal")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=cmd_screen)

    p = sub.add_parser("train", help="train the detector (from the corpora, plus your own spun/clean pairs)")
    p.add_argument("--pairs", metavar="DIR", help="directory of NAME.spun.txt + NAME.clean.txt pairs")
    p.add_argument("-o", "--output", metavar="MODEL",
                   help="where to write the model (default: detector.joblib in the user data directory)")
    p.add_argument("--dictionary", metavar="DICT", help="also add the pairs' substitutions to this dictionary")
    p.add_argument("--max-docs", type=positive_int, metavar="N", help="use only N corpus documents (quick runs)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-baselines", action="store_true", help="skip training the two baselines")
    p.add_argument("--report", metavar="FILE", help="also write the metrics as JSON here")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("dict", help="show, merge and import substitution dictionaries")
    dsub = p.add_subparsers(dest="dict_command", required=True)
    q = dsub.add_parser("show", help="list the most frequent pairs")
    q.add_argument("file")
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
    q.add_argument("--restorer", help="where to write the restorer (default: restorer.joblib in the user data directory)")
    q.add_argument("--max-docs", type=positive_int, help="use only the first N training documents")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--restorer-docs", type=positive_int, default=200, help="validation documents to fit it on (as many to tune)")
    q.add_argument("--model", help="detector the restorer works with (default: shipped)")
    q.set_defaults(func=cmd_dict_learn)
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
    # the models predict small batches, where OpenMP threads only cost (and stall badly when
    # another process keeps the cores busy); parallel work is done by worker processes instead
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    textio.MAX_BYTES = args.max_bytes
    try:
        for path in _written(args):
            refuse_shipped(path)  # before any work, not after minutes of it
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
    except OSError as exc:  # standard output full, gone or refused
        _silence_stdout()
        return _fail(f"cannot write the output ({exc.strerror or type(exc).__name__})")
    except Exception as exc:
        if args.debug:
            raise
        return _fail(f"internal error ({type(exc).__name__}: {str(exc)[:200]}); "
                     "rerun with --debug for the details and please report it")


def _written(args: argparse.Namespace) -> list[str]:
    """The files this command will write."""
    paths = [getattr(args, name, None) for name in ("output", "restorer", "html")]
    if args.command == "align" or args.command == "train" or (args.command == "restore" and args.reference):
        paths.append(args.dictionary)  # grown with the aligned pairs
    return [p for p in paths if p and p != "-"]


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush cannot fail."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
