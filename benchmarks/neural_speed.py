"""The neural detector's speed on one core: scoring and reference-free restoring of ~600-word
articles, and how much of the judge's work the cascade spends where.

Articles are held-out Brown Corpus documents, two at a time, cut to 600 words, clean and spun by the
project's spinner (whole thesaurus, 30 % of matches). For each: seconds to score (judge loaded,
warm), seconds to restore without a source, the share of spans compared in full, and the share
of sentences holding a compared span; the trigram detector scores the same articles in the same
run as the baseline. Every time is the fastest of ``--rounds``.

    taskset -c 0 python benchmarks/neural_speed.py [--articles 6] [--json OUT]
"""
from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from output import emit, fastest  # noqa: E402
from spinfix.detection.detector import load_detector  # noqa: E402
from spinfix.detection.judged import SPAN_ROW  # noqa: E402
from spinfix.detection.neural_detector import load_neural_detector  # noqa: E402
from spinfix.restoration.judged import restore_judged  # noqa: E402
from spinfix.text.tokens import split_sentences  # noqa: E402
from spinfix.training.corpora import brown_documents, split_documents  # noqa: E402
from spinfix.training.spinner import Spinner  # noqa: E402


def articles(n: int, words: int = 600) -> list[tuple[str, str]]:
    """``n`` (kind, text) pairs: two held-out Brown documents at a time (one is shorter than
    600 words), cut to ``words`` words, clean and spun."""
    docs = split_documents(brown_documents("abcfghj"))["test"]
    out = []
    for k in range(n):
        text = " ".join(" ".join(d.text for d in docs[2 * k:2 * k + 2]).split()[:words])  # two documents: 600 words
        out.append(("clean" if k % 2 else "spun", text if k % 2 else Spinner(0.3, seed=k).spin_document(text)[0]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args()
    neural, trigram = load_neural_detector(), load_detector()
    neural.score_text("A sentence that loads the judge.")
    trigram.score_text("A sentence that loads the language model.")
    rows = []
    for kind, text in articles(args.articles):
        spans, _ = neural.spans(text, split_sentences(text))
        compared = np.array([s.row[SPAN_ROW.index("compared")] > 0 for s in spans])
        sentences = {s.sentence for s, c in zip(spans, compared) if c}
        rows.append({"kind": kind, "words": len(text.split()),
                     "score_s": round(fastest(lambda: neural.score_text(text), args.rounds), 2),
                     "restore_s": round(fastest(lambda: restore_judged(text, neural), 1), 2),
                     "trigram_score_s": round(fastest(lambda: trigram.score_text(text), args.rounds), 3),
                     "spans_compared": round(float(compared.mean()), 3),
                     "sentences_with_a_comparison": round(len(sentences) / max(1, len(split_sentences(text))), 3)})
    emit({"machine": os.uname().machine, "threads": os.environ.get("OMP_NUM_THREADS"),
          "per_article": rows,
          "median_score_s": float(np.median([r["score_s"] for r in rows])),
          "median_restore_s": float(np.median([r["restore_s"] for r in rows])),
          "median_trigram_score_s": float(np.median([r["trigram_score_s"] for r in rows]))}, args.json)


if __name__ == "__main__":
    main()
