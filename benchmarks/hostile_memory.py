"""Peak memory and time of every command on every hostile input of the test suite
(``tests/hostile_inputs.py``: broken encodings, binary files, Unicode edge cases, a 2 MB line
without punctuation, 100,000 repetitions of one word...), each in a fresh process, against the
same command on one clean sentence in the same run.

``score``, a reference-free ``restore``, and ``align`` against the clean sentence (most inputs
share none with it: a one-line error) and against the input itself run on each input; the
report gives, per command, the clean baseline, the worst input for memory and for time, and
how many inputs ended in each exit status (0 or 1 done, 2 a one-line error). Usage:
``python benchmarks/hostile_memory.py [--json OUT]`` (about 10 minutes; one core).
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

COMMANDS = {"score": ("score", []), "restore": ("restore", []), "align": ("align", ["{clean}"]),
            "align_with_itself": ("align", ["{self}"])}


def run_all(tmp: Path) -> dict:
    """Every command on the clean sentence, then on every hostile input."""
    clean = tmp / "clean.txt"
    clean.write_text(SENTENCE + "\n", encoding="utf-8")
    paths = []
    for name, data in hostile_inputs():
        path = tmp / f"{name}.txt"
        path.write_bytes(data)
        paths.append(path)
    report = {}
    for label, (command, more) in COMMANDS.items():
        base = measure(clean, command, *[m.format(clean=clean, self=clean) for m in more])
        rows = {p.stem: measure(p, command, *[m.format(clean=clean, self=p) for m in more], codes=(0, 1, 2))
                for p in paths}
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
        }
        print(label, report[label], flush=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = {"protocol": __doc__.split("\n\n")[0].replace("\n", " "), **run_all(Path(tmp))}
    emit(report, args.json)


if __name__ == "__main__":
    main()
