"""The ``spinfix`` command: a thin argparse layer over the library.

Every command reads ``-`` as standard input, prints plain text for people or one JSON object
per input with ``--json``, and turns a :class:`SpinfixError` into one line on stderr and exit
code 2. Output files are written atomically, so a failed run leaves earlier ones intact.
"""
from __future__ import annotations

import argparse
import importlib.resources
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from joblib import Parallel, delayed
from tqdm import tqdm

from . import __version__
from .dictionary import (import_phrase_list, load_dictionary, load_or_new, save_dictionary)
from .errors import SpinfixError
from .textio import STDIN, atomic_write, read_text

EXIT_ERROR = 2
SCORE_CHUNK = 16  # files scored together in one pass of the models


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
        from .restoring import TrustingRestorer, load_restorer
        dictionary = load_dictionary(args.dictionary) if args.dictionary else None
        restorer = TrustingRestorer() if args.trust else load_restorer(args.restorer) if args.restorer else None
        result = restore_with_dictionary(spun, dictionary, load_detector(args.model), restorer)
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


def _inputs(paths: list[str]) -> list[str]:
    """Expand directories into the text files below them; ``-`` stays standard input."""
    out = []
    for path in paths:
        p = Path(path)
        if path != STDIN and p.is_dir():
            found = sorted(str(f) for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            if not found:
                raise SpinfixError(f"{path}: directory has no files to score")
            out.extend(found)
        else:
            out.append(path)
    return out


def _score_chunk(paths: list[str], model: str | None, threshold: float | None,
                 stdin_text: str | None) -> list[str | dict]:
    """Score a chunk of files in one worker and one pass of the models: per file, a
    DocumentScore dict, or the error message as a string."""
    from .detecting import load_detector
    texts: dict[int, str] = {}
    results: list[str | dict] = []
    for k, path in enumerate(paths):
        try:
            texts[k] = stdin_text if path == STDIN else read_text(path)
            results.append({})
        except SpinfixError as exc:
            results.append(str(exc))
    names = ["<stdin>" if paths[k] == STDIN else paths[k] for k in texts]
    for k, score in zip(texts, load_detector(model).score_texts(list(texts.values()), names, threshold)):
        results[k] = score.to_dict()
    return results


def cmd_score(args: argparse.Namespace) -> int:
    from .detecting import DocumentScore, SentenceScore, SuspectWord, load_detector

    load_detector(args.model)  # a bad model fails once, up front
    paths = _inputs(args.files)
    stdin_text = read_text(STDIN) if STDIN in paths else None
    chunks = [paths[k:k + SCORE_CHUNK] for k in range(0, len(paths), SCORE_CHUNK)]
    jobs = 1 if len(chunks) < 2 else args.jobs
    tasks = (delayed(_score_chunk)(chunk, args.model, args.threshold, stdin_text) for chunk in chunks)
    results = Parallel(n_jobs=jobs, return_as="generator")(tasks)
    bar = tqdm(total=len(paths), unit="file", disable=len(paths) < 2 or not sys.stderr.isatty())
    failures = 0
    for chunk_results in results:
        for result in chunk_results:
            bar.update()
            if isinstance(result, str):
                failures += 1
                bar.write(f"spinfix: error: {result}", file=sys.stderr)
                continue
            sentences = [SentenceScore(**{**s, "suspects": [SuspectWord(**w) for w in s["suspects"]]})
                         for s in result["sentences"]]
            score = DocumentScore(result["file"], result["spin_likelihood"], sentences, result["signature"])
            print(score.format(is_json=args.json), flush=True)
    bar.close()
    return EXIT_ERROR if failures else 0


def cmd_train(args: argparse.Namespace) -> None:
    from .corpora import load_pairs
    from .detecting import default_model_path
    from .training import train

    pairs = load_pairs(args.pairs) if args.pairs else None
    if pairs and args.dictionary:
        from .aligning import align
        dictionary = load_or_new(args.dictionary)
        added = dictionary.add_alignments([align(p.spun, p.clean) for p in tqdm(
            pairs, desc="aligning pairs", disable=not sys.stderr.isatty())])
        save_dictionary(dictionary, args.dictionary)
        print(f"{args.dictionary}: added {added} pairs from {len(pairs)} documents ({len(dictionary)} entries)",
              file=sys.stderr)
    detector, report = train(pairs=pairs, seed=args.seed, max_docs=args.max_docs,
                             baselines=not args.no_baselines, progress=sys.stderr.isatty())
    output = args.output or default_model_path()
    detector.save(output)
    summary = {"model": output, "data": report.data, "metrics": report.metrics, "threshold": detector.threshold}
    if args.report:
        atomic_write(args.report, json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


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


def cmd_dict_learn(args: argparse.Namespace) -> None:
    from .corpora import split_documents, training_documents
    from .detecting import load_detector
    from .restoring import DEFAULT_DICTIONARY, DEFAULT_RESTORER, save_restorer
    from .training import learn_dictionary, train_restorer

    splits = split_documents(training_documents())
    models = importlib.resources.files("spinfix.models")
    output = args.output or str(models.joinpath(DEFAULT_DICTIONARY))
    restorer_path = args.restorer or str(models.joinpath(DEFAULT_RESTORER))
    table = args.spinner == "table"
    dictionary = learn_dictionary(splits["train"][:args.max_docs], seed=args.seed, copies=args.copies,
                                  progress=sys.stderr.isatty(), table=table)
    save_dictionary(dictionary, output)
    print(f"{output}: {len(dictionary)} entries from {len(dictionary.documents)} spun documents", file=sys.stderr)
    validation = splits["validation"]
    half = min(args.restorer_docs, len(validation) // 2)
    restorer = train_restorer(validation[:half], validation[half:2 * half], dictionary, load_detector(args.model),
                              seed=args.seed, table=table)
    save_restorer(restorer, restorer_path)
    print(f"{restorer_path}: restorer trained on {half} documents, threshold {restorer.threshold:.3f}",
          file=sys.stderr)


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
    p.add_argument("--restorer", metavar="MODEL", help="restorer model for reference-free restoring (default: shipped)")
    p.add_argument("--trust", action="store_true",
                   help="apply every dictionary match (for curated tortured-phrase lists)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the restored text here")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("score", help="spin likelihood of documents, with the flagged sentences")
    p.add_argument("files", nargs="+", metavar="FILE", help="text files or directories (- for stdin)")
    p.add_argument("--json", action="store_true", help="one JSON object per input, one per line")
    p.add_argument("--threshold", type=float, metavar="T", help="flag sentences at or above T (default: the model's)")
    p.add_argument("--jobs", type=int, default=-1, metavar="N", help="parallel workers for many files (default: all cores)")
    p.add_argument("--model", metavar="MODEL", help="detector model file (default: shipped)")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("train", help="train the detector (from the corpora, plus your own spun/clean pairs)")
    p.add_argument("--pairs", metavar="DIR", help="directory of NAME.spun.txt + NAME.clean.txt pairs")
    p.add_argument("-o", "--output", metavar="MODEL", help="where to write the model (default: the shipped model)")
    p.add_argument("--dictionary", metavar="DICT", help="also add the pairs' substitutions to this dictionary")
    p.add_argument("--max-docs", type=int, metavar="N", help="use only N corpus documents (quick runs)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-baselines", action="store_true", help="skip training the two baselines")
    p.add_argument("--report", metavar="FILE", help="also write the metrics as JSON here")
    p.set_defaults(func=cmd_train)

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
    q = dsub.add_parser("learn", help="learn a dictionary from synthetic spun copies of the training corpora")
    q.add_argument("-o", "--output", help="where to write it (default: the shipped dictionary)")
    q.add_argument("--max-docs", type=int, help="use only the first N training documents")
    q.add_argument("--copies", type=int, default=2, help="spun copies per document")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--restorer", help="where to write the restorer model (default: the shipped one)")
    q.add_argument("--restorer-docs", type=int, default=200, help="validation documents to fit it on (as many to tune)")
    q.add_argument("--model", help="detector the restorer works with (default: shipped)")
    q.add_argument("--spinner", choices=["table", "thesaurus"], default="table",
                   help="spin with a commercial-like synonym table (default) or the whole thesaurus")
    q.set_defaults(func=cmd_dict_learn)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except SpinfixError as exc:
        print(f"spinfix: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
