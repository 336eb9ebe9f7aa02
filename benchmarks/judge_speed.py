"""The neural judge's speed on one core, as a share of the machine's float32 GEMM bound.

The bound is measured in the same run: the very matrix products one forward pass makes (the
judge's weight shapes, the batch's row count), timed alone. The judge then reads the same
sentences, batched, with the restricted normalizer (32,768 tokens) and with the full one
(262,144), and each figure is printed beside its bound. Also: comparing ten candidates for one
span of a sentence against reading the sentence once; loading in a fresh process (time and
peak memory); and how often the restricted normalizer flips a comparison's sign against the
full one, on pairs made by swapping a word of a Brown sentence for a thesaurus neighbour.

    taskset -c 0 python benchmarks/judge_speed.py [--sentences 96] [--json OUT]

Every timing keeps the fastest of ``--rounds`` runs, since a busy machine slows some.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from output import emit, fastest  # noqa: E402
from spinfix.training.corpora import brown_documents  # noqa: E402
from spinfix.judge.gemma.model import VOCAB_CHUNK  # noqa: E402
from spinfix.judge.neural import NeuralJudge, Swap  # noqa: E402

BLOCK_FLOP = 2 * (640 * 1536 + 1024 * 640 + 640 * 4096 + 2048 * 640) * 18


def sentences(n: int, lo: int = 18, hi: int = 40) -> list[str]:
    """``n`` Brown sentences (learned and press prose) of ``lo``-``hi`` words."""
    out = []
    for d in brown_documents("ajh"):
        for s in re.split(r"(?<=[.!?])\s+", d.text):
            if lo <= len(s.split()) <= hi and s[0].isupper():
                out.append(s.strip())
    random.Random(0).shuffle(out)
    return out[:n]


def gemm_bound(judge: NeuralJudge, rows: int, normalizer: str, rounds: int) -> float:
    """Seconds for the matrix products alone of one forward pass over ``rows`` tokens."""
    model = judge.model
    x640 = np.random.default_rng(0).standard_normal((rows, 640), dtype=np.float32)
    x1024 = np.random.default_rng(1).standard_normal((rows, 1024), dtype=np.float32)
    x2048 = np.random.default_rng(2).standard_normal((rows, 2048), dtype=np.float32)
    chunk = np.ascontiguousarray(model.embed_rows(np.arange(VOCAB_CHUNK)))
    _, subset, _ = judge.subset()

    def run() -> None:
        for w in model.blocks:
            x640 @ w["qkv"]
            x1024 @ w["o"]
            x640 @ w["gate_up"]
            x2048 @ w["down"]
        if normalizer == "full":
            for _ in range(0, model.vocab, VOCAB_CHUNK):
                x640 @ chunk.T
        else:
            x640 @ subset.T

    run()
    return fastest(run, rounds)


def reading(judge: NeuralJudge, texts: list[str], rounds: int) -> dict:
    tokens = sum(len(judge.tokenizer.encode(t)) for t in texts)
    judge.read(texts[:2])
    seconds = fastest(lambda: judge.read(texts), rounds)
    bound = gemm_bound(judge, tokens, judge.normalizer, rounds)
    flop = BLOCK_FLOP + 2 * 640 * (judge.model.vocab if judge.normalizer == "full" else len(judge.subset()[0]))
    return {"normalizer": judge.normalizer, "tokens": tokens, "seconds": round(seconds, 3),
            "tokens_per_s": round(tokens / seconds, 1), "gemm_bound_tokens_per_s": round(tokens / bound, 1),
            "gemm_gflops": round(flop * tokens / bound / 1e9, 1), "share_of_bound": round(bound / seconds, 3)}


def comparing(judge: NeuralJudge, texts: list[str], rounds: int) -> dict:
    """Ten candidates for one span against reading the sentence once: one sentence, and 32."""
    rng = random.Random(1)
    words = [w for t in texts for w in re.findall(r"[a-z]{4,}", t)]
    out = {}
    for n in (1, 32):
        batch = texts[:n]
        swaps = []
        for i, t in enumerate(batch):
            spans = [m.span() for m in re.finditer(r"\b[a-z]{4,}\b", t)]
            a, b = spans[len(spans) // 2]
            swaps.append(Swap(i, a, b, tuple(rng.sample(words, 10))))
        once = fastest(lambda: judge.read(batch), rounds)
        kept = judge.read(batch, keep=True)
        alone = fastest(lambda: judge.compare(kept, swaps), rounds)
        whole = fastest(lambda: judge.compare(judge.read(batch, keep=True), swaps), rounds)
        out[f"{n}_sentences"] = {"read_once_s": round(once, 4), "compare_s": round(alone, 4),
                                 "read_kept_and_compare_s": round(whole, 4),
                                 "compare_over_read": round(alone / once, 2),
                                 "read_and_compare_over_read": round(whole / once, 2)}
    return out


def flips(texts: list[str], n: int) -> dict:
    """Comparisons whose sign differs between the restricted and the full normalizer."""
    from spinfix.text.thesaurus import default_thesaurus

    neighbours = default_thesaurus().neighbours
    pairs = []
    for t in texts:
        for m in re.finditer(r"\b[a-z]{4,}\b", t):
            options = [w for w in neighbours.get(m.group(), [])[:3] if " " not in w]
            if options:
                pairs.append((t, m.start(), m.end(), m.group(), options[0]))
                break
        if len(pairs) == n:
            break
    verdicts = {}
    for normalizer in ("subset", "full"):
        judge = NeuralJudge(normalizer=normalizer)
        spun = [t[:a] + s + t[b:] for t, a, b, _, s in pairs]
        kept = judge.read([t for t, *_ in pairs] + spun, keep=True)
        swaps = [Swap(i, a, b, (s,)) for i, (t, a, b, _, s) in enumerate(pairs)]
        swaps += [Swap(len(pairs) + i, a, a + len(s), (w,)) for i, (t, a, b, w, s) in enumerate(pairs)]
        verdicts[normalizer] = np.array([d[0] for d in judge.compare(kept, swaps)])
    sub, full = verdicts["subset"], verdicts["full"]
    return {"comparisons": int(len(sub)), "sign_flips": int(np.sum(np.sign(sub) != np.sign(full))),
            "max_abs_difference_nats": round(float(np.max(np.abs(sub - full))), 4),
            "original_preferred_full": int(np.sum(full > 0))}


def cold_load() -> dict:
    """A fresh process: import, open the cached weights, read one sentence; time and peak RSS."""
    code = ("import time, resource; t = time.perf_counter(); from spinfix.judge.neural import NeuralJudge; "
            "j = NeuralJudge(); load = time.perf_counter() - t; j.read(['The judge reads one sentence.']); "
            "print(load, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(3)]
    load, first, rss = min(runs, key=lambda r: float(r[0]))
    return {"load_s": round(float(load), 3), "load_and_first_read_s": round(float(first), 3),
            "peak_rss_mb": round(int(rss) / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sentences", type=int, default=96)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()
    texts = sentences(args.sentences)
    report = {"machine": os.uname().machine, "threads": os.environ.get("OMP_NUM_THREADS"),
              "cold": cold_load()}
    for normalizer in ("subset", "full"):
        report[f"read_{normalizer}"] = reading(NeuralJudge(normalizer=normalizer), texts, args.rounds)
    report["compare_10_candidates"] = comparing(NeuralJudge(), texts, args.rounds)
    report["restricted_normalizer_effect"] = flips(sentences(400, 10, 30)[::2], 100)
    emit(report, args.json)


if __name__ == "__main__":
    main()
