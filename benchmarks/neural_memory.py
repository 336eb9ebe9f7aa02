"""Peak memory and time of ``spinfix score --json`` with the neural judge on spun held-out text
of growing size (an article of about 4,000 characters, then 20,000 and 120,000), and of a
reference-free ``restore`` of the article, each in a fresh process, against the same command on
one clean sentence in the same run (what loading the judge and the models costs). Growth between
the two largest sizes says whether memory stays bounded on longer texts. Usage:
``python benchmarks/neural_memory.py [--json OUT] [--sizes 4000 20000 120000]`` (about 6 minutes;
one core).
"""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from large_input import measure, texts
from output import emit

SENTENCE = "The council voted on Tuesday to approve a plan that will add bus lanes to two busy streets downtown."


def cut(text: str, size: int) -> str:
    """The first ``size`` characters of ``text``, ending at a word."""
    return text[:size].rsplit(" ", 1)[0] + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[4000, 20000, 120000], help="characters of spun text")
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args()
    os.environ["SPINFIX_JUDGE"] = "neural"
    spun, _ = texts(max(args.sizes))
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "sentence.txt"
        clean.write_text(SENTENCE + "\n", encoding="utf-8")
        report: dict = {"protocol": __doc__.split("\n\n")[0].replace("\n", " "),
                        "score": {"sentence": measure(clean)}, "restore": {"sentence": measure(clean, "restore")}}
        base = report["score"]["sentence"]["peak_mb"]
        for size in args.sizes:
            path = Path(tmp) / f"spun-{size}.txt"
            path.write_text(cut(spun, size), encoding="utf-8")
            row = measure(path)
            row["peak_over_sentence"] = round(row["peak_mb"] / base, 2)
            report["score"][str(size)] = row
            if size == min(args.sizes):
                row = measure(path, "restore")
                row["peak_over_sentence"] = round(row["peak_mb"] / report["restore"]["sentence"]["peak_mb"], 2)
                report["restore"][str(size)] = row
    emit(report, args.json)


if __name__ == "__main__":
    main()
