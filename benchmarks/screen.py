"""Screening a synthetic collection: quality of what it restores, and throughput on joblib and
on 1 and 2 Dask workers, as ratios in one run.

The collection (test documents of every corpus, never trained on): sources in
an index; spun copies of them in the collection; pairs of a document and its spun copy both in
the collection; unrelated clean documents; and spun copies whose source is nowhere (held back).
Every copy is spun by one spinner (a ``test`` table shape, which no part of spinfix was fit on)
at 50-90 % of its matches, as one spinner's output in one archive would be. Measured: token
accuracy of the copies restored against their found source; precision and recall of the
unsourced copies restored from the dictionary the screen learned (right: the spinner's original
put back at the place it replaced it); identical outputs across the three runs. Usage:

    python benchmarks/screen.py --docs 1600 --json benchmarks/screen.json
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from output import emit  # noqa: E402

from spinfix.training.corpora import ood_splits, source_documents, split_documents  # noqa: E402
from spinfix.training.restoration_metrics import correct_changes, token_accuracy  # noqa: E402
from spinfix.corpus.source_index import build_index, save_index  # noqa: E402
from spinfix.restoration.restorations import Change  # noqa: E402
from spinfix.corpus.screening import screen  # noqa: E402
from spinfix.training.spinner_tables import build_table, shapes  # noqa: E402
from spinfix.training.spinner import Spinner  # noqa: E402
from spinfix.training.labelling import names_in  # noqa: E402


def make_collection(root: Path, n: int, seed: int = 0) -> dict:
    """Write the collection under ``root``; returns the truth: each copy's source text, and
    each unsourced copy's swaps."""
    rng = random.Random(seed)
    docs = [d for docs in source_documents("train").values() for d in split_documents(docs)["test"]]
    docs += [d for docs in ood_splits(source_documents("ood"))["test"].values() for d in docs]
    docs = rng.sample(docs, min(n, len(docs)))
    names = names_in(docs)
    table = build_table(shapes("test")[0])
    (root / "sources").mkdir(parents=True)
    (root / "corpus").mkdir()
    truth = {"sourced": {}, "unsourced": {}}
    quarter = len(docs) // 4
    for k, doc in enumerate(docs):
        spun, _, swaps = Spinner(rng.uniform(0.5, 0.9), seed=seed * 1000 + k, names=names,
                                 thesaurus=table).spin_with_swaps(doc.text)
        kind = ("indexed", "inside", "clean", "absent")[min(k // quarter, 3)]
        copy = str(root / "corpus" / f"copy{k:04d}.txt")
        if kind == "clean":
            (root / "corpus" / f"clean{k:04d}.txt").write_text(doc.text)
            continue
        Path(copy).write_text(spun)
        if kind == "indexed":
            (root / "sources" / f"source{k:04d}.txt").write_text(doc.text)
        elif kind == "inside":
            (root / "corpus" / f"original{k:04d}.txt").write_text(doc.text)
        if kind == "absent":
            truth["unsourced"][copy] = swaps
        else:
            truth["sourced"][copy] = doc.text
    return truth


def outputs(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.suffix in (".jsonl", ".tsv"))


def quality(out: Path, truth: dict) -> dict:
    records = {}
    for path in sorted(out.glob("part-*.jsonl")):
        for line in path.read_text().splitlines():
            r = json.loads(line)
            records[r["id"]] = r
    accuracy = [token_accuracy(records[c]["restored"] or "", source) for c, source in truth["sourced"].items()]
    made, right, swaps = 0, 0, 0
    unsourced = {}
    for path in sorted(out.glob("unsourced-*.jsonl")):
        for line in path.read_text().splitlines():
            r = json.loads(line)
            unsourced[r["id"]] = [Change(**c) for c in r["substitutions"]]
    for copy, truth_swaps in truth["unsourced"].items():
        changes = unsourced.get(copy, [])
        made += len(changes)
        right += correct_changes(changes, truth_swaps)
        swaps += len(truth_swaps)
    return {"sourced_copies": len(accuracy), "sourced_found": sum(records[c]["source"] is not None for c in truth["sourced"]),
            "token_accuracy_mean": round(sum(accuracy) / len(accuracy), 4), "token_accuracy_worst": round(min(accuracy), 4),
            "unsourced_copies": len(truth["unsourced"]), "unsourced_restored": len(unsourced),
            "unsourced_precision": round(right / max(made, 1), 4), "unsourced_recall": round(right / max(swaps, 1), 4),
            "unsourced_changes": made}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1600)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        truth = make_collection(root, args.docs)
        save_index(build_index([str(root / "sources")]), root / "sources.index")
        runs = {}
        for label, scheduler, workers in (("joblib, 2 processes", None, 2), ("dask, 1 worker", "local", 1),
                                          ("dask, 2 workers", "local", 2)):
            out = root / label.replace(", ", "-").replace(" ", "")
            start = time.perf_counter()
            summary = screen([str(root / "corpus")], str(out), str(root / "sources.index"), scheduler, workers)
            runs[label] = {"seconds": round(time.perf_counter() - start, 1), "out": out, "summary": summary.__dict__}
        first = runs["joblib, 2 processes"]["out"]
        same = all(outputs(first) == outputs(r["out"]) and
                   all(filecmp.cmp(first / name, r["out"] / name, shallow=False) for name in outputs(first))
                   for r in runs.values())
        one = runs["dask, 1 worker"]["seconds"]
        report = {
            "protocol": __doc__.split("Usage:")[0].strip().replace("\n", " "),
            "documents": runs["joblib, 2 processes"]["summary"]["documents"],
            "quality": quality(first, truth),
            "identical_outputs": same,
            "seconds": {k: r["seconds"] for k, r in runs.items()},
            "speedup_2_dask_workers_over_1": round(one / runs["dask, 2 workers"]["seconds"], 2),
            "joblib_2_processes_over_dask_1_worker": round(one / runs["joblib, 2 processes"]["seconds"], 2),
            "summary": runs["joblib, 2 processes"]["summary"],
        }
    emit(report, args.json)


if __name__ == "__main__":
    sys.exit(main())
