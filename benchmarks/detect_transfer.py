"""Does detection hold outside its training world? Several detectors side by side, one run.

For each model: false alarms on the test half of every out-of-domain clean source (never
trained on; the other half set the threshold and calibration), the share of held-out documents
caught at spin likelihood >= 0.5 by share of words inside swaps of a spinner table shape never
trained on (the ``test`` shapes), the seeds (evaluation only, read in place) and the scoring
speed on one core. Usage:

    python benchmarks/detect_transfer.py --model new=spinfix/models/detector --model old=OLD \
        --json benchmarks/detect_transfer.json
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from output import emit  # noqa: E402

from spinfix.training.corpora import ood_splits, source_documents, split_documents  # noqa: E402
from spinfix.detection.detector import load_detector  # noqa: E402
from spinfix.training.detection_metrics import transfer_report  # noqa: E402

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seed_figures(detector) -> dict:
    """Each seed's spin likelihood and the flagged share of its sentences (evaluation only)."""
    out = {}
    for path in sorted(SEEDS.glob("0*.txt")):
        score = detector.score_text(path.read_text(encoding="utf-8"), path.name)
        out[path.name[:3]] = {"likelihood": score.spin_likelihood,
                              "flagged": f"{len(score.flagged)}/{len(score.sentences)}"}
    return out


def speed(detector, texts: list[str]) -> float:
    """Sentences per second, 16 documents per call (as `spinfix score` does with many files)."""
    detector.score_texts(texts[:4])
    start, sentences = time.perf_counter(), 0
    for k in range(0, len(texts), 16):
        sentences += sum(len(s.sentences) for s in detector.score_texts(texts[k:k + 16]))
    return round(sentences / (time.perf_counter() - start), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", action="append", required=True, metavar="NAME=PATH")
    parser.add_argument("--docs", type=int, default=120, help="held-out documents per source (default 120)")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    ood_test = {k: v[:args.docs] for k, v in ood_splits(source_documents("ood"))["test"].items()}
    held_out = [d for docs in source_documents("train").values() for d in split_documents(docs)["test"][:args.docs]]
    held_out += [d for docs in ood_test.values() for d in docs]
    results = {"protocol": {"ood_test_documents": {k: len(v) for k, v in ood_test.items()},
                            "held_out_documents": len(held_out)}}
    for spec in args.model:
        name, path = spec.split("=", 1)
        detector = load_detector(path)
        start = time.perf_counter()
        results[name] = {"signature": detector.signature(),
                         **transfer_report(detector, ood_test, held_out, seed=11),
                         "seeds": seed_figures(detector),
                         "sentences_per_second": speed(detector, [d.text for d in held_out[:200]])}
        print(f"{name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    emit(results, args.json)


if __name__ == "__main__":
    main()
