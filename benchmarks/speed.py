"""Scoring throughput on one core, model load time and peak memory, against the floor: the time
to merely split and tokenize the same text. Held-out BBC test documents are the input: half
scored one per call, the other half 16 per call (as ``spinfix score`` does with many files).
Usage: ``taskset -c 0 python benchmarks/score_speed.py [--docs 200]`` (alone on the machine)."""
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
    half = len(docs) // 2
    t = time.perf_counter()
    n = sum(len([sentence_tokens(s) for s in split_sentences(d)]) for d in docs)
    floor = time.perf_counter() - t
    n_single = sum(len(split_sentences(d)) for d in docs[:half])
    t = time.perf_counter()
    for d in docs[:half]:
        detector.score_text(d)
    single = time.perf_counter() - t
    t = time.perf_counter()
    for k in range(half, len(docs), 16):
        detector.score_texts(docs[k:k + 16])
    batched = time.perf_counter() - t
    print(json.dumps({
        "documents": len(docs), "sentences": n, "model_load_s": round(load, 2),
        "tokenize_only_sentences_per_s": round(n / floor),
        "sentences_per_s_16_documents_per_call": round((n - n_single) / batched),
        "sentences_per_s_one_document_per_call": round(n_single / single),
        "scoring_over_tokenizing_time": round((batched / (n - n_single)) / (floor / n), 1),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))

if __name__ == "__main__":
    main()
