"""How alignment time grows with document size, against difflib.SequenceMatcher in the same run.

A long document is built from public-domain State of the Union addresses (the ``sotu`` package),
spun with spinfix's synthetic spinner, and aligned with its source at 10 kB, 100 kB, 1 MB and
10 MB. The baseline is difflib.SequenceMatcher over the same token sequences (what a naive
aligner would run), up to ``--difflib-max`` bytes (it is quadratic: 10 MB would take hours).
Each size past the first is also aligned as ten pieces of itself: the whole's time over the
pieces' is the growth with size alone (the growth between sizes also carries the make-up of the
text: the later addresses in the larger sizes have more sentences per megabyte).
Each spinfix time is the fastest of ``--repeat`` rounds (3). Usage: ``taskset -c 0 python
benchmarks/align_speed.py [--sizes 10000,100000,1000000,10000000] [--json OUT]`` (about four
minutes).
"""
from __future__ import annotations

import argparse
import difflib
import json
import time

from output import emit

from spinfix.alignment.aligner import align
from spinfix.training.corpora import sotu_documents
from spinfix.training.spinner import Spinner
from spinfix.text.tokens import split_sentences, tokenize


def corpus(size: int) -> str:
    text, docs = [], sotu_documents(since=1790)
    total = 0
    for doc in docs:
        text.append(doc.text)
        total += len(doc.text) + 2
        if total >= size:
            break
    return "\n\n".join(text)[:size]


def fastest(pairs: list[tuple[str, str]], repeat: int) -> float:
    """The fastest of ``repeat`` rounds of aligning each ``(spun, source)`` pair (a busy moment
    of this machine slows a round by up to half)."""
    best = float("inf")
    for _ in range(repeat):
        seconds = 0.0
        kept = []  # freed after the round, as a caller would free an alignment once done with it
        for spun, source in pairs:
            t = time.perf_counter()
            kept.append(align(spun, source))
            seconds += time.perf_counter() - t
        best = min(best, seconds)
        del kept
    return best


def pieces(source: str, whole: float, repeat: int) -> dict:
    """The same text aligned in ten pieces (cut at paragraphs), against aligning it whole: the
    growth of the cost with size alone, whatever the text's make-up (later addresses have more,
    shorter sentences per megabyte than the first)."""
    cuts = [0] + [source.find("\n\n", k * len(source) // 10) for k in range(1, 10)] + [len(source)]
    seconds = fastest([(Spinner(0.25, seed=1).spin_document(source[a:b])[0], source[a:b])
                       for a, b in zip(cuts, cuts[1:])], repeat)
    return {"ten_pieces_s": round(seconds, 3), "whole_over_ten_pieces": round(whole / seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000,10000000")
    parser.add_argument("--difflib-max", type=int, default=1_000_000, help="largest size difflib is run on")
    parser.add_argument("--repeat", type=int, default=3, help="rounds timed per measure, the fastest kept")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    rows = []
    for size in map(int, args.sizes.split(",")):
        source = corpus(size)
        spun, _ = Spinner(0.25, seed=1).spin_document(source)
        ours = fastest([(spun, source)], args.repeat)
        row = {"bytes": len(source.encode()), "tokens": len(tokenize(source)),
               "sentences": len(split_sentences(source)), "spinfix_s": round(ours, 3),
               "substitutions": len(align(spun, source).substitutions)}
        if size <= args.difflib_max:
            a, b = [x.norm for x in tokenize(spun)], [x.norm for x in tokenize(source)]
            t = time.perf_counter()
            difflib.SequenceMatcher(None, a, b).get_opcodes()
            row["difflib_s"] = round(time.perf_counter() - t, 3)
            row["difflib_over_spinfix"] = round(row["difflib_s"] / ours, 2)
        if rows:
            row["time_growth_vs_previous"] = round(ours / rows[-1]["spinfix_s"], 1)
            row["size_growth_vs_previous"] = round(row["bytes"] / rows[-1]["bytes"], 1)
            row.update(pieces(source, ours, args.repeat))
        rows.append(row)
        print(json.dumps(row), flush=True)
    emit({"protocol": __doc__.split("\n\n")[0].replace("\n", " "), "sizes": rows}, args.json)


if __name__ == "__main__":
    main()
