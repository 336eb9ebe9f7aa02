"""The neural judge against transformers on the same GGUF: token ids and log-probabilities.

``benchmarks/judge_reference_make.py`` (run where torch and transformers are installed) writes
the reference for a set of texts; this script scores the same texts with spinfix's numpy judge
(full normalizer, so nothing is approximated) and reports, per text and overall, whether the
token ids agree and the largest and mean absolute difference in nats per token.

    python benchmarks/judge_reference.py --reference DIR [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from output import emit  # noqa: E402
from spinfix.judge.neural import NeuralJudge  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", type=Path, required=True, help="the directory judge_reference_make.py wrote")
    ap.add_argument("--texts", type=Path, help="its texts.jsonl (default: beside the reference)")
    ap.add_argument("--json")
    args = ap.parse_args()
    texts = [json.loads(line) for line in (args.texts or args.reference / "texts.jsonl").open(encoding="utf-8")]
    ref = np.load(args.reference / "reference.npz")
    judge = NeuralJudge(normalizer="full")
    rows = []
    for k in range(0, len(texts), 16):
        for i, reading in enumerate(judge.read([t["text"] for t in texts[k:k + 16]]), start=k):
            ids, logp = ref[f"ids_{i}"], ref[f"logp_{i}"]
            same = list(map(int, ids)) == reading.ids.tolist()
            diff = np.abs(reading.logp[1:] - logp) if same else np.array([np.inf])
            rows.append({"id": texts[i]["id"], "kind": texts[i]["kind"], "tokens": int(len(ids)), "same_ids": same,
                         "max_abs": float(diff.max()), "mean_abs": float(diff.mean())})
    worst = max(rows, key=lambda r: r["max_abs"])
    emit({"texts": len(rows), "same_ids": sum(r["same_ids"] for r in rows),
          "longer_than_512_tokens": sum(r["tokens"] > 512 for r in rows),
          "max_abs_nats_per_token": worst["max_abs"], "worst_text": worst["id"],
          "mean_abs_nats_per_token": float(np.mean([r["mean_abs"] for r in rows])),
          "texts_within_1e-4": sum(r["max_abs"] <= 1e-4 for r in rows), "per_text": rows}, args.json)


if __name__ == "__main__":
    main()
