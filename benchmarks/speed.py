"""Speed on one core, against the floor of merely splitting and tokenizing the same text.

Held-out BBC test documents are the input: half scored one per call, the other half 16 per
call (as ``spinfix score`` does with many files), each of the two and the floor timed in turn
three times, the fastest round of each kept (so a busy moment of the machine does not skew the
ratio; the word memos are warm after the first round, as in any run over many files);
held-out test documents spun by a ``test`` table shape are restored without their source, one
per call, in one pass after one warm-up call; the CLI is timed in fresh processes (the median
of three) for ``--help`` and for ``score`` of the 12-sentence example file; and ``spinfix score
--jobs 1`` and ``--jobs 2`` score 64 files while the proportional memory (PSS) of the whole
process tree is sampled, for the memory each worker adds. Usage: ``taskset -c 0 python
benchmarks/speed.py [--docs 200] [--json OUT]`` (alone on the machine; about three minutes).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from output import emit  # noqa: E402
from spinfix.training.corpora import bbc_documents, split_documents, training_documents  # noqa: E402
from spinfix.detection.detector import load_detector  # noqa: E402
from spinfix.text.tokens import sentence_tokens, split_sentences  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "spinfix" / "data" / "example_spun.txt"


def scoring(docs: list[str], rounds: int = 3) -> dict:
    """Sentences per second, batched and one document per call, beside the tokenize floor.

    The three are timed in turn, ``rounds`` times, and each keeps its fastest round: a busy
    machine slows some rounds, and the ratio to the floor is then of like with like."""
    t = time.perf_counter()
    detector = load_detector()
    detector.score_text("A warm-up sentence loads the language model and the thesaurus.")
    load = time.perf_counter() - t
    half = len(docs) // 2
    n = sum(len(split_sentences(d)) for d in docs)
    n_single = sum(len(split_sentences(d)) for d in docs[:half])
    floor = single = batched = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for d in docs:
            [sentence_tokens(s) for s in split_sentences(d)]
        floor = min(floor, time.perf_counter() - t)
        t = time.perf_counter()
        for d in docs[:half]:
            detector.score_text(d)
        single = min(single, time.perf_counter() - t)
        t = time.perf_counter()
        for k in range(half, len(docs), 16):
            detector.score_texts(docs[k:k + 16])
        batched = min(batched, time.perf_counter() - t)
    return {"documents": len(docs), "sentences": n, "rounds": rounds, "model_load_s": round(load, 2),
            "tokenize_only_sentences_per_s": round(n / floor),
            "sentences_per_s_16_documents_per_call": round((n - n_single) / batched),
            "sentences_per_s_one_document_per_call": round(n_single / single),
            "scoring_over_tokenizing_time": round((batched / (n - n_single)) / (floor / n), 1),
            "peak_memory_mb": _peak_mb()}


def restoring(count: int) -> dict:
    """Reference-free restore words per second, one spun held-out document per call."""
    from spinfix.training.restorer_trainer import spin
    from spinfix.restoration.restorations import restore_without_reference as restore_with_dictionary
    from spinfix.training.spinner_tables import shapes
    from spinfix.training.labelling import names_in

    docs = split_documents(training_documents())["test"][20:20 + count]
    names = names_in(docs)
    spun = [spin(d, shapes("test")[0], k, names)[0] for k, d in enumerate(docs)]
    restore_with_dictionary(spun[0])
    t = time.perf_counter()
    for s in spun:
        restore_with_dictionary(s)
    seconds = time.perf_counter() - t
    words = sum(len(s.split()) for s in spun)
    return {"documents": len(spun), "words": words, "words_per_s": round(words / seconds),
            "seconds_per_500_words": round(500 * seconds / words, 3), "peak_memory_mb": _peak_mb()}


def _peak_mb() -> int:
    """This process's peak resident memory so far."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def cli(*argv: str) -> float:
    """Median wall time of ``spinfix ARGV`` in a fresh process, over three runs."""
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "spinfix", *argv], stdout=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
    return round(statistics.median(times), 2)


def _tree_pss_mb(pid: int) -> float:
    """Proportional resident memory of a process and all its descendants (Linux ``/proc``)."""
    pids, k, total = [pid], 0, 0
    while k < len(pids):
        try:
            for tid in os.listdir(f"/proc/{pids[k]}/task"):
                pids += [int(c) for c in Path(f"/proc/{pids[k]}/task/{tid}/children").read_text().split()]
        except OSError:
            pass
        k += 1
    for p in pids:
        try:
            total += next(int(line.split()[1]) for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()
                          if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def workers_memory(docs: list[str]) -> dict:
    """Peak memory of the process tree of ``spinfix score --jobs N`` on the documents as files:
    ``--jobs 1`` scores in the main process, ``--jobs 2`` in two workers beside it."""
    peaks = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for k, doc in enumerate(docs):
            files.append(str(Path(tmp, f"{k:03d}.txt")))
            Path(files[-1]).write_text(doc, encoding="utf-8")
        for jobs in (1, 2):
            run = subprocess.Popen([sys.executable, "-m", "spinfix", "score", "--summary", "--jobs", str(jobs), *files],
                                   stdout=subprocess.DEVNULL)
            peak = 0.0
            while run.poll() is None:
                peak = max(peak, _tree_pss_mb(run.pid))
                time.sleep(0.05)
            peaks[jobs] = round(peak)
    return {"files": len(docs), "peak_pss_mb_jobs_1": peaks[1], "peak_pss_mb_jobs_2": peaks[2],
            "mb_per_worker": round((peaks[2] - peaks[1]) / 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=200, help="scoring: held-out documents")
    parser.add_argument("--restore-docs", type=int, default=40, help="restore: held-out documents")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    docs = [d.text for d in split_documents(bbc_documents())["test"][:args.docs]]
    report = {"protocol": __doc__.split("\n\n")[0].replace("\n", " "),
              "score": scoring(docs), "restore": restoring(args.restore_docs),
              "cli_seconds": {"help": cli("--help"), "score_example_file": cli("score", str(EXAMPLE))},
              "workers": workers_memory(docs[:64])}
    emit(report, args.json)


if __name__ == "__main__":
    main()
