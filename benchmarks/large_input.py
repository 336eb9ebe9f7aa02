"""Time and peak memory of ``spinfix score --json`` on one file of 1, 10 and 100 MB, and of a
reference-free ``spinfix restore`` on one of 0.2 and 2 MB, against an empty file in the same run
(the cost of starting and loading the models).

The files are held-out test documents of the training corpora, spun by a ``test`` table shape
at 50 % of its matches and repeated to the size asked for, so every sentence has work in it.
Growth is linear when 10 times the text costs about 10 times the time and the memory above the
empty file's. Usage: ``python benchmarks/large_input.py [--sizes 1 10 100] [--restore-sizes 0.2 2]
[--json OUT]`` (about 13 minutes for the default sizes; one core).
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
from spinfix.corpora import split_documents, training_documents
from spinfix.spinner_tables import build_table, shapes
from spinfix.spinning import Spinner

MB = 1_000_000


def spun_text(size: int) -> str:
    """At least ``size`` characters of spun held-out text (whole documents, repeated)."""
    docs = split_documents(training_documents())["test"]
    table = build_table(shapes("test")[0])
    piece = "\n\n".join(Spinner(0.5, seed=k, thesaurus=table).spin_document(d.text)[0] for k, d in enumerate(docs))
    return (piece + "\n\n") * (size // len(piece) + 1)


def measure(path: Path, command: str = "score", *more: str, codes: tuple[int, ...] = (0, 1)) -> dict:
    """Wall time, peak resident memory and exit status of ``spinfix COMMAND --json PATH [MORE...]``
    in a fresh process, the output discarded; an exit status outside ``codes`` stops the benchmark."""
    started = time.perf_counter()
    run = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "spinfix", "--max-bytes",
                          str(400 * MB), command, "--json", str(path), *more], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    seconds = time.perf_counter() - started
    if run.returncode not in codes:
        raise SystemExit(f"spinfix {command} failed on {path}: {run.stderr.strip()}")
    return {"seconds": round(seconds, 2), "peak_mb": round(int(run.stderr.strip().splitlines()[-1]) / 1000, 1),
            "exit": run.returncode}


def series(command: str, sizes: list[float], text: str, tmp: str) -> list[dict]:
    """One row per size: time and peak memory, beside the empty file's and against the previous size."""
    empty = Path(tmp, "empty.txt")
    empty.write_text("One sentence, so that the models load.\n")
    base = measure(empty, command)
    rows = [{"mb": 0, **base}]
    for size in sizes:
        path = Path(tmp, f"{size}mb.txt")
        path.write_text(text[:int(size * MB)].rsplit(" ", 1)[0], encoding="utf-8")
        row = {"mb": size, **measure(path, command)}
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
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 100], help="score: file sizes in MB")
    parser.add_argument("--restore-sizes", type=float, nargs="+", default=[0.2, 2], help="restore: file sizes in MB")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    text = spun_text(int(max(args.sizes + args.restore_sizes) * MB))
    with tempfile.TemporaryDirectory() as tmp:
        report = {"protocol": __doc__.split("\n\n")[0].replace("\n", " "),
                  "score": series("score", args.sizes, text, tmp),
                  "restore": series("restore", args.restore_sizes, text, tmp)}
    emit(report, args.json)


if __name__ == "__main__":
    main()
