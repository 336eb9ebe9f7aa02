"""How alignment time grows with document size, against difflib.SequenceMatcher in the same run.

A long document is built from public-domain State of the Union addresses (the ``sotu`` package),
spun with spinfix's synthetic spinner, and aligned with its source at 10 kB, 100 kB and 1 MB.
The baseline is difflib.SequenceMatcher over the same token sequences (what a naive aligner
would run). Usage: ``python benchmarks/align_speed.py [--sizes 10000,100000,1000000]``.
"""
from __future__ import annotations

import argparse
import difflib
import json
import time

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
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    rows = []
    for size in map(int, args.sizes.split(",")):
        source = corpus(size)
        spun, _ = Spinner(0.25, seed=1).spin_document(source)
        t = time.perf_counter()
        alignment = align(spun, source)
        ours = time.perf_counter() - t
        a, b = [x.norm for x in tokenize(spun)], [x.norm for x in tokenize(source)]
        t = time.perf_counter()
        difflib.SequenceMatcher(None, a, b).get_opcodes()
        base = time.perf_counter() - t
        rows.append({"bytes": len(source.encode()), "tokens": len(b), "spinfix_s": round(ours, 3),
                     "difflib_s": round(base, 3), "difflib_over_spinfix": round(base / ours, 2),
                     "substitutions": len(alignment.substitutions)})
        print(json.dumps(rows[-1]), flush=True)
    if len(rows) > 1:
        growth = rows[-1]["spinfix_s"] / rows[0]["spinfix_s"]
        print(f"spinfix time grows {growth:.1f}x for {rows[-1]['bytes'] / rows[0]['bytes']:.0f}x the text; "
              f"difflib {rows[-1]['difflib_s'] / rows[0]['difflib_s']:.1f}x")


if __name__ == "__main__":
    main()
