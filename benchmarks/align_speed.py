"""How alignment time grows with document size, against difflib.SequenceMatcher in the same run.

A long document is built from public-domain State of the Union addresses (the ``sotu`` package),
spun with spinfix's synthetic spinner, and aligned with its source at 10 kB, 100 kB, 1 MB and
10 MB. The baseline is difflib.SequenceMatcher over the same token sequences (what a naive
aligner would run), up to ``--difflib-max`` bytes (it is quadratic: 10 MB would take hours).
Usage: ``python benchmarks/align_speed.py [--sizes 10000,100000,1000000,10000000] [--json OUT]``
(about two minutes).
"""
from __future__ import annotations

import argparse
import difflib
import json
import time

from output import emit

from spinfix.aligning import align
from spinfix.corpora import sotu_documents
from spinfix.spinning import Spinner
from spinfix.tokenizing import tokenize


def corpus(size: int) -> str:
    text, docs = [], sotu_documents(since=1790)
    total = 0
    for doc in docs:
        text.append(doc.text)
        total += len(doc.text) + 2
        if total >= size:
            break
    return "\n\n".join(text)[:size]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000,10000000")
    parser.add_argument("--difflib-max", type=int, default=1_000_000, help="largest size difflib is run on")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    rows = []
    for size in map(int, args.sizes.split(",")):
        source = corpus(size)
        spun, _ = Spinner(0.25, seed=1).spin_document(source)
        t = time.perf_counter()
        alignment = align(spun, source)
        ours = time.perf_counter() - t
        row = {"bytes": len(source.encode()), "tokens": len(tokenize(source)), "spinfix_s": round(ours, 3),
               "substitutions": len(alignment.substitutions)}
        if size <= args.difflib_max:
            a, b = [x.norm for x in tokenize(spun)], [x.norm for x in tokenize(source)]
            t = time.perf_counter()
            difflib.SequenceMatcher(None, a, b).get_opcodes()
            row["difflib_s"] = round(time.perf_counter() - t, 3)
            row["difflib_over_spinfix"] = round(row["difflib_s"] / ours, 2)
        if rows:
            row["time_growth_vs_previous"] = round(ours / rows[-1]["spinfix_s"], 1)
            row["size_growth_vs_previous"] = round(row["bytes"] / rows[-1]["bytes"], 1)
        rows.append(row)
        print(json.dumps(row), flush=True)
    emit({"protocol": __doc__.split("\n\n")[0].replace("\n", " "), "sizes": rows}, args.json)


if __name__ == "__main__":
    main()
