"""Build the shipped neural detector (``spinfix/models/neural-detector``) as it was built: the
training corpora's documents spun by the project's spinner and read by the neural judge, in parts
that can run side by side (one core each), then fitted.

    python scripts/build_neural_detector.py spans 0 2 & python scripts/build_neural_detector.py spans 1 2
    python scripts/build_neural_detector.py validation 0 2 & python scripts/build_neural_detector.py validation 1 2
    python scripts/build_neural_detector.py fit --threshold 0.7 --suspect-from 0.7 --offset 0.15 --share-offset 1.05

The trainer chooses the thresholds and the two prior shifts on its validation documents (spun by
the project's spinner), where they came out strict on real spin; the shipped operating point
(the four options above) was chosen on the dev split of ``evaluation/`` (hand-spun passages,
the handwritten spinner family, held-out clean prose: the split meant for tuning; the test split
was never looked at) and is recorded in the model file's ``info``.

Reading takes about 10 s a document on one core (240 training and 114 validation documents:
about 20 and 10 minutes with two parts); fitting half a minute. The span rows go to ``--work``.
The shipped trigram detector is the first stage: its own likelihood is one more view of a document,
and the offsets count the validation documents it flags (validation parts read before 2026-12-06
do not carry its likelihood: the shipped model's offsets were chosen on dev with it).
No evaluation data is read: the hand-spun passages, the independent spinners and the seeds play
no part. ``spinfix --judge neural train`` does the same in one process (a different shuffle).
"""
from __future__ import annotations

import argparse
import datetime
import glob
import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from spinfix.detection.detector import load_detector  # noqa: E402
from spinfix.detection.judged import SpanReader  # noqa: E402
from spinfix.detection.neural_detector import shipped_originals  # noqa: E402
from spinfix.judge.neural import load_judge  # noqa: E402
from spinfix.training.neural_trainer import NeuralDetectorTrainer  # noqa: E402
from spinfix.training.neural_training import BROAD, TRAIN_DOCUMENTS, training_pool, validation_pool  # noqa: E402
from spinfix.training.span_data import SpanData, span_data  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "spinfix" / "models" / "neural-detector"


def training_documents(part: int, parts: int) -> list:
    return training_pool(random.Random(7))[:TRAIN_DOCUMENTS][part::parts]


def validation_documents(part: int, parts: int) -> list:
    return validation_pool(random.Random(11))[part::parts]


def read_part(kind: str, part: int, parts: int, work: Path) -> None:
    reader = SpanReader(load_judge(), shipped_originals(), **BROAD)
    start = time.time()

    def say(k: int, n: int) -> None:
        print(f"{kind} {part}: {k}/{n} documents, {time.time() - start:.0f} s", file=sys.stderr, flush=True)

    if kind == "spans":
        data = span_data(training_documents(part, parts), reader, seed=1000 + part, role="fit", progress=say)
    else:
        data = span_data(validation_documents(part, parts), reader, seed=5000 + part, role="tune", spun_share=0.5,
                         progress=say, first_stage=load_detector())
    work.mkdir(parents=True, exist_ok=True)
    data.save(work / f"{kind}-{part}.npz")


def fit(work: Path, out: str, point: dict[str, float]) -> None:
    train = SpanData.join([SpanData.load(p) for p in sorted(glob.glob(str(work / "spans-*.npz")))])
    validation = SpanData.join([SpanData.load(p) for p in sorted(glob.glob(str(work / "validation-*.npz")))])
    info = {"name": "neural-detector", "created": datetime.date.today().isoformat(),
            "command": "python scripts/build_neural_detector.py spans|validation|fit",
            "trained_on": {"documents": len(train.document_spun), "spans": len(train.labels),
                           "validation_documents": len(validation.document_spun),
                           "corpora": "spinfix.training.corpora train split (spun by spinfix's spinner); "
                                      "validation: train sources' validation split and out-of-domain sources"}}
    detector = NeuralDetectorTrainer(first_stage=load_detector()).fit(train, validation, info).detector_
    if point:
        fitted = {k: getattr(detector, k) for k in point}
        info["operating_point"] = {"fitted": fitted, "chosen": point,
                                   "chosen_on": "evaluation/ dev split (hand-spun, handwritten family, clean prose)"}
        detector = replace(detector, info={**detector.info, "operating_point": info["operating_point"]}, **point)
    print("saved", out, detector.save(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("step", choices=["spans", "validation", "fit"])
    ap.add_argument("part", nargs="?", type=int, default=0)
    ap.add_argument("parts", nargs="?", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path("build/neural-detector"), help="where the span rows go")
    ap.add_argument("-o", "--output", default=str(DEFAULT_OUT))
    ap.add_argument("--threshold", type=float, help="fit: the sentence threshold to ship instead of the fitted one")
    ap.add_argument("--suspect-from", type=float, help="fit: the suspect threshold to ship instead")
    ap.add_argument("--offset", type=float, help="fit: the document prior's shift to ship instead")
    ap.add_argument("--share-offset", type=float, help="fit: the share model's prior shift to ship instead")
    args = ap.parse_args()
    if args.step == "fit":
        point = {k: v for k, v in (("threshold", args.threshold), ("suspect_from", args.suspect_from),
                                   ("offset", args.offset), ("share_offset", args.share_offset)) if v is not None}
        fit(args.work, args.output, point)
    else:
        read_part(args.step, args.part, args.parts, args.work)


if __name__ == "__main__":
    main()
