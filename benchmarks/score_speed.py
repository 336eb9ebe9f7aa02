"""Scoring throughput on one core, model load time and peak memory, against the floor: the time
to merely split and tokenize the same text. Held-out BBC test documents are the input.
Usage: ``python benchmarks/score_speed.py [--docs 200]`` (run it alone on the machine)."""
from __future__ import annotations

import argparse
import json
import os
import resource
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from spinfix.corpora import bbc_documents, split_documents  # noqa: E402
from spinfix.detecting import load_detector  # noqa: E402
from spinfix.tokenizing import sentence_tokens, split_sentences  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200)
    args = parser.parse_args()
    docs = [d.text for d in split_documents(bbc_documents())["test"][:args.docs]]
    t = time.perf_counter()
    detector = load_detector()
    detector.score_text("A warm-up sentence loads the language model and the thesaurus.")
    load = time.perf_counter() - t
    t = time.perf_counter()
    n = sum(len([sentence_tokens(s) for s in split_sentences(d)]) for d in docs)
    floor = time.perf_counter() - t
    t = time.perf_counter()
    flagged = sum(len(detector.score_text(d).flagged) for d in docs)
    scoring = time.perf_counter() - t
    print(json.dumps({
        "documents": len(docs), "sentences": n, "flagged": flagged,
        "model_load_s": round(load, 2),
        "sentences_per_s": round(n / scoring), "tokenize_only_sentences_per_s": round(n / floor),
        "scoring_over_tokenizing_time": round(scoring / floor, 1),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
