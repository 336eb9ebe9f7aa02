"""``spinfix train``: train the detector from the corpora, plus a user's spun/clean pairs.

Library modules are imported inside the command: ``spinfix --help`` and the other commands need
not load them (training loads scikit-learn: start-up time).
"""
from __future__ import annotations

import argparse
import json
import sys

from ..wording import plural
from .options import add_deprecated, positive_int


def cmd_train(args: argparse.Namespace) -> None:
    if args.judge == "neural":
        return cmd_train_neural(args)
    from tqdm import tqdm  # start-up time

    from ..alignment.aligner import align  # start-up time
    from ..dictionary.storage import add_alignments_to_file  # start-up time
    from ..persist.files import atomic_write  # start-up time
    from ..persist.paths import user_path  # start-up time
    from ..training.corpora import load_pairs  # start-up time
    from ..training.detector_trainer import train  # scikit-learn loads in a second: start-up time

    output = args.output or user_path("detector")
    pairs = load_pairs(args.pairs, args.max_bytes) if args.pairs else None
    if pairs and args.save_pairs:
        alignments = [align(p.spun, p.clean) for p in tqdm(pairs, desc="aligning pairs", unit="pair",
                                                            disable=not sys.stderr.isatty())]
        added, dictionary = add_alignments_to_file(args.save_pairs, alignments)
        print(f"{args.save_pairs}: added {plural(added, 'pair')} from {plural(len(pairs), 'document')} "
              f"({plural(len(dictionary), 'entry', 'entries')})",
              file=sys.stderr)
    detector, report = train(pairs=pairs, seed=args.seed, max_docs=args.max_docs,
                             baselines=not args.no_baselines, progress=sys.stderr.isatty())
    detector.save(output)
    summary = {"model": output, "data": report.data, "metrics": report.metrics, "threshold": detector.threshold}
    if args.report:
        atomic_write(args.report, json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


def cmd_train_neural(args: argparse.Namespace) -> None:
    """Train the neural detector: the corpora's documents spun and read by the neural judge."""
    from ..persist.paths import user_path  # start-up time
    from ..training.corpora import load_pairs  # start-up time
    from ..training.neural_training import TRAIN_DOCUMENTS, corpus_documents, train_neural, validation_share  # sklearn

    output = args.output or user_path("neural-detector")
    pairs = load_pairs(args.pairs, args.max_bytes) if args.pairs else []
    train_docs, validation_docs = corpus_documents(args.max_docs or TRAIN_DOCUMENTS, validation_share(args.max_docs),
                                                   args.seed)
    say = (lambda part, k, n: print(f"\r{part}: {k} of {n} documents read", end="" if k < n else "\n",
                                    file=sys.stderr)) if sys.stderr.isatty() else None
    detector = train_neural(train_docs, validation_docs, pairs, args.seed, args.cache, say)
    sha256 = detector.save(output)
    summary = {"model": output, "sha256": sha256, "judge": "neural", "trained_on": dict(detector.info["trained_on"]),
               "thresholds": {"compare_from": detector.compare_from, "suspect_from": detector.suspect_from,
                              "sentence": detector.threshold, "document_offset": detector.offset,
                              "share_offset": detector.share_offset}}
    print(json.dumps(summary, indent=2))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train the detector (from the corpora, plus your own spun/clean pairs)")
    p.add_argument("--pairs", metavar="DIR", help="directory of NAME.spun.txt + NAME.clean.txt pairs")
    p.add_argument("-o", "--output", metavar="MODEL",
                   help="where to write the model (a model file: MODEL.npz + MODEL.json; default: detector in the "
                        "user data directory)")
    p.add_argument("--save-pairs", metavar="FILE", help="also add the pairs' aligned substitutions to this dictionary file")
    add_deprecated(p, "--dictionary", "save_pairs", "--save-pairs")
    p.add_argument("--max-docs", type=positive_int, metavar="N",
                   help="use only N corpus documents (quick runs; with --judge neural: N training documents, "
                        "default 240, about 10 s each on one core, and validation documents in proportion)")
    p.add_argument("--cache", metavar="DIR", help="with --judge neural: keep the judge's readings here and reuse them")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-baselines", action="store_true", help="skip training the two baselines")
    p.add_argument("--report", metavar="FILE", help="also write the metrics as JSON here")
    p.set_defaults(func=cmd_train)


__all__ = ["cmd_train", "register"]
