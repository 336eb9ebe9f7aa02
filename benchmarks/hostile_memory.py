"""Peak memory and time of every command on every hostile input of the test suite
(``tests/hostile_inputs.py``: broken encodings, binary files, Unicode edge cases, a 2 MB line
without punctuation, 100,000 repetitions of one word...), each in a fresh process, against the
same command on one clean sentence in the same run.

``score``, a reference-free ``restore``, ``report`` (an HTML page, written to /dev/null), ``report
--restore``, and ``align`` against the clean sentence (most inputs share none with it: a one-line
error) and against the input itself run on each input, and on four inputs of 2 MB made here (one
repeated word, one line without punctuation, one-word lines, one repeated sentence: the largest
input the memory target covers); the report gives, per command, the clean baseline, the worst
input for memory and for time, every input's peak, and how many inputs ended in each exit status
(0 or 1 done, 2 a one-line error, 3 "cannot judge"). Usage:
``python benchmarks/hostile_memory.py [--json OUT] [--commands score ...] [--only NAME ...]``
(about 40 minutes; one core).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from large_input import measure
from output import emit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from hostile_inputs import SENTENCE, hostile_inputs  # noqa: E402

COMMANDS = {"score": ("score", [], True), "restore": ("restore", [], True),
            "report": ("report", ["-o", "/dev/null"], False),
            "report_restore": ("report", ["--restore", "-o", "/dev/null"], False),
            "align": ("align", ["{clean}"], True), "align_with_itself": ("align", ["{self}"], True)}
MB2 = 2_000_000


def big_inputs() -> list[tuple[str, bytes]]:
    """2 MB inputs of the hostile kinds that grow: the largest the memory target covers."""
    line = " ".join(["soiled", "bomb", "stated", "massive", "shut", "ally"] * (MB2 // 36 + 1))
    return [("2mb-repeated-word", ("soiled " * (MB2 // 7)).encode()), ("2mb-line", line[:MB2].encode()),
            ("2mb-one-word-lines", ("word\n" * (MB2 // 5)).encode()),
            ("2mb-repeated-sentence", ((SENTENCE + " ") * (MB2 // (len(SENTENCE) + 1))).encode())]


def run_all(tmp: Path, commands: list[str], only: list[str] | None = None) -> dict:
    """Every command on the clean sentence, then on every hostile input."""
    clean = tmp / "clean.txt"
    clean.write_text(SENTENCE + "\n", encoding="utf-8")
    paths = []
    for name, data in hostile_inputs() + big_inputs():
        if only and name not in only:
            continue
        path = tmp / f"{name}.txt"
        path.write_bytes(data)
        paths.append(path)
    report = {}
    for label in commands:
        command, more, json = COMMANDS[label]
        base = measure(clean, command, *[m.format(clean=clean, self=clean) for m in more], json=json)
        rows = {p.stem: measure(p, command, *[m.format(clean=clean, self=p) for m in more], codes=(0, 1, 2, 3),
                                json=json) for p in paths}
        worst_memory = max(rows, key=lambda n: rows[n]["peak_mb"])
        worst_time = max(rows, key=lambda n: rows[n]["seconds"])
        report[label] = {
            "clean_sentence": base,
            "inputs": len(rows),
            "exit_statuses": dict(Counter(str(r["exit"]) for r in rows.values())),
            "worst_memory": {"input": worst_memory, **rows[worst_memory],
                             "peak_mb_over_clean": round(rows[worst_memory]["peak_mb"] - base["peak_mb"], 1)},
            "worst_time": {"input": worst_time, **rows[worst_time],
                           "seconds_over_clean": round(rows[worst_time]["seconds"] - base["seconds"], 2)},
            "peak_mb": {name: row["peak_mb"] for name, row in rows.items()},
            "seconds": {name: row["seconds"] for name, row in rows.items()},
        }
        print(label, report[label], flush=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", help="also write the report here")
    parser.add_argument("--commands", nargs="+", default=list(COMMANDS), choices=list(COMMANDS))
    parser.add_argument("--only", nargs="+", help="only these inputs (by name)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = {"protocol": __doc__.split("\n\n")[0].replace("\n", " "),
                  **run_all(Path(tmp), args.commands, args.only)}
    emit(report, args.json)


if __name__ == "__main__":
    main()
