"""Time and peak memory of ``spinfix score --json`` on one file of 1, 10 and 100 MB, of a
reference-free ``spinfix restore`` on one of 0.2 and 2 MB, and of ``spinfix align`` of a spun
file with its source at 1, 10 and 100 MB, against an empty file in the same run (the cost of
starting and loading the models).

The files are held-out test documents of the training corpora, spun by a ``test`` table shape
at 50 % of its matches and repeated to the size asked for, so every sentence has work in it
(align's source: the same documents unspun, repeated the same way). Growth is linear when 10
times the text costs about 10 times the time and the memory above the empty file's. Usage:
``python benchmarks/large_input.py [--sizes 1 10 100] [--restore-sizes 0.2 2]
[--align-sizes 1 10 100] [--json OUT]`` (about 20 minutes for the default sizes; one core; an
empty list skips that command).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from output import emit
from spinfix.training.corpora import split_documents, training_documents
from spinfix.training.spinner_tables import build_table, shapes
from spinfix.training.spinner import Spinner

MB = 1_000_000


def texts(size: int) -> tuple[str, str]:
    """At least ``size`` characters of spun held-out text (whole documents, repeated), and its
    source repeated the same way."""
    docs = split_documents(training_documents())["test"]
    table = build_table(shapes("test")[0])
    spun = "\n\n".join(Spinner(0.5, seed=k, thesaurus=table).spin_document(d.text)[0] for k, d in enumerate(docs))
    source = "\n\n".join(d.text for d in docs)
    repeats = size // len(spun) + 1
    return (spun + "\n\n") * repeats, (source + "\n\n") * repeats


def measure(path: Path, command: str = "score", *more: str, codes: tuple[int, ...] = (0, 1), json: bool = True) -> dict:
    """Wall time, peak resident memory and exit status of ``spinfix COMMAND --json PATH [MORE...]``
    (without ``--json`` where ``json`` is false) in a fresh process, the output discarded; an exit
    status outside ``codes`` stops the benchmark."""
    started = time.perf_counter()
    run = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "spinfix", "--max-bytes",
                          str(400 * MB), command, *(["--json"] if json else []), str(path), *more],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    seconds = time.perf_counter() - started
    if run.returncode not in codes:
        raise SystemExit(f"spinfix {command} failed on {path}: {run.stderr.strip()}")
    return {"seconds": round(seconds, 2), "peak_mb": round(int(run.stderr.strip().splitlines()[-1]) / 1000, 1),
            "exit": run.returncode}


def series(command: str, sizes: list[float], text: str, tmp: str, source: str | None = None) -> list[dict]:
    """One row per size: time and peak memory, beside the empty file's and against the previous
    size (with ``source``, each file's source of the same size is the command's second file)."""
    if not sizes:
        return []
    empty = Path(tmp, "empty.txt")
    empty.write_text("One sentence, so that the models load.\n")
    base = measure(empty, command, *([str(empty)] if source else []))
    rows = [{"mb": 0, **base}]
    for size in sizes:
        path, more = Path(tmp, f"{size}mb.txt"), []
        path.write_text(text[:int(size * MB)].rsplit(" ", 1)[0], encoding="utf-8")
        if source:
            more = [str(Path(tmp, f"{size}mb-source.txt"))]
            Path(more[0]).write_text(source[:int(size * MB)].rsplit(" ", 1)[0], encoding="utf-8")
        row = {"mb": size, **measure(path, command, *more)}
        row["seconds_over_empty"] = round(row["seconds"] - base["seconds"], 2)
        row["peak_mb_over_empty"] = round(row["peak_mb"] - base["peak_mb"], 1)
        rows.append(row)
        print(command, row, flush=True)
    for small, large in zip(rows[1:], rows[2:]):
        large["growth_vs_previous"] = {
            "size": round(large["mb"] / small["mb"], 1),
            "time": round(large["seconds_over_empty"] / max(small["seconds_over_empty"], 1e-9), 2),
            "memory": round(large["peak_mb_over_empty"] / max(small["peak_mb_over_empty"], 1e-9), 2)}
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="*", default=[1, 10, 100], help="score: file sizes in MB")
    parser.add_argument("--restore-sizes", type=float, nargs="*", default=[0.2, 2], help="restore: file sizes in MB")
    parser.add_argument("--align-sizes", type=float, nargs="*", default=[1, 10, 100], help="align: file sizes in MB")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    text, source = texts(int(max(args.sizes + args.restore_sizes + args.align_sizes) * MB))
    with tempfile.TemporaryDirectory() as tmp:
        report = {"protocol": __doc__.split("\n\n")[0].replace("\n", " "),
                  "score": series("score", args.sizes, text, tmp),
                  "restore": series("restore", args.restore_sizes, text, tmp),
                  "align": series("align", args.align_sizes, text, tmp, source)}
    emit(report, args.json)


if __name__ == "__main__":
    main()
