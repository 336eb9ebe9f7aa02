"""What each command writes and what it reads, so that no command writes over one of its own
inputs: the same file by any name (another spelling of the path, a symbolic link, a hard link) is
refused in one line before any work (:func:`refuse_overwrites`; the comparison is
:func:`spinfix.persist.files.refuse_writing_over`'s, by device and inode).

An output that does not exist yet cannot be an input, so the inputs (which may walk directories)
are only listed when some output exists already.
"""
from __future__ import annotations

import argparse
import glob
import os
from collections.abc import Iterable, Iterator
from itertools import chain

from ..errors import SpinfixError
from ..persist.files import refuse_writing_over

SCREEN_OUTPUTS = ("manifest.json", "likelihood.json", "dictionary.tsv", "corpus.index.npz", "corpus.index.json",
                  "part-*.jsonl", "part-*.dict.tsv", "unsourced-*.jsonl", "scores/part-*.npz", "scores/part-*.json")


def _stem(path: str) -> str:
    return path[:-len(".json")] if path.endswith(".json") else path[:-len(".npz")] if path.endswith(".npz") else path


def model_outputs(path: str | None) -> list[str]:
    """The two files a model written to ``path`` is: ``STEM.npz`` and ``STEM.json`` (as
    :func:`spinfix.persist.model_files.model_paths` names them, without loading numpy)."""
    return [_stem(path) + ".npz", _stem(path) + ".json"] if path else []


def model_files(path: str | None) -> list[str]:
    """The files reading the model ``path`` may open: its two files, and the name itself (an
    earlier version's single file)."""
    return list(dict.fromkeys([path, *model_outputs(path)])) if path else []


def walked(paths: list[str], pattern: str = "*.txt") -> Iterator[str]:
    """The files under ``paths`` as a command that walks directories reads them."""
    from ..corpus.batch import discover  # the library loads only when an output exists already: start-up time

    for path in paths:
        try:
            found = [f.path for f in discover([path], pattern)]
        except SpinfixError:  # a directory without such files: the command itself says so
            found = [path]
        yield from found


def screen_outputs(directory: str) -> list[str]:
    """The files a screen writes into ``directory`` that exist already (a rerun's)."""
    return [p for pattern in SCREEN_OUTPUTS for p in sorted(glob.glob(os.path.join(glob.escape(directory), pattern)))]


def pair_files(directory: str | None) -> list[str]:
    """The spun/clean pairs ``train --pairs DIR`` reads."""
    if not directory or not os.path.isdir(directory):
        return []
    return sorted(glob.glob(os.path.join(glob.escape(directory), "*.spun.txt"))
                  + glob.glob(os.path.join(glob.escape(directory), "*.clean.txt")))


def planned(args: argparse.Namespace) -> tuple[list[str], Iterable[str]]:
    """The files a command will write, and (lazily) the files it reads."""
    command = args.command
    get = lambda name: getattr(args, name, None)  # noqa: E731
    if command == "align":
        return [get("save_pairs")], [args.spun, args.reference]
    if command == "restore":
        written = [get("output"), get("save_pairs")]
        if args.reference and not get("save_pairs"):
            written.append(get("dictionary"))  # grown with the aligned pairs (its deprecated meaning there)
            read = [args.spun, args.reference]
        else:
            read = [args.spun, args.reference, get("dictionary")]
        return written, chain(read, model_files(get("model")), model_files(get("restorer")))
    if command == "score":
        return [get("html")], chain(walked(args.files, args.glob), [get("phrase_list")], model_files(get("model")))
    if command == "report":
        return [args.output], chain(args.files, [get("reference"), get("dictionary"), get("phrase_list")],
                                    model_files(get("model")))
    if command == "index":
        return model_outputs(args.output), walked(args.sources, args.glob)
    if command == "screen":
        return screen_outputs(args.output), chain(walked(args.corpus, args.glob), model_files(get("sources")),
                                                  model_files(get("model")))
    if command == "train":
        return [*model_outputs(get("output")), get("report"), get("save_pairs")], pair_files(get("pairs"))
    if command == "dict":
        sub = args.dict_command
        if sub == "merge":
            return [args.output], [args.first, args.second]
        if sub == "import":
            return [args.output], [args.file]
        if sub == "learn":
            return [get("output"), *model_outputs(get("restorer_output"))], model_files(get("model"))
    return [], []


def refuse_overwrites(args: argparse.Namespace) -> None:
    """Refuse a command whose outputs include one of its inputs, or that would write one file
    twice (``restore -o X --save-pairs X``), before it does any work."""
    outputs, inputs = planned(args)
    outputs = [str(p) for p in outputs if p and p != "-"]
    _refuse_twice(outputs)
    refuse_writing_over(outputs, inputs)


def _refuse_twice(outputs: list[str]) -> None:
    seen: dict[str, str] = {}
    for path in outputs:
        key = os.path.realpath(path)
        if key in seen:
            raise SpinfixError(f"{path}: named as two outputs of this run; give each its own file")
        seen[key] = path


def find_source_outputs(files: list[str], directory: str, unique) -> list[str]:
    """Where ``find-source --restore DIR`` writes each file's restoration (``unique`` names a
    second file of one name ``NAME-2.txt``, as the command does)."""
    taken: set[str] = set()
    return [os.path.join(directory, unique(os.path.basename(f) if f != "-" else "stdin.txt", taken)) for f in files]


__all__ = ["find_source_outputs", "model_files", "model_outputs", "planned", "refuse_overwrites", "screen_outputs", "walked"]
