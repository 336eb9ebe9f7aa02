"""Build the neural judge's restricted normalizer: the Gemma tokens that carry most of the
probability the model predicts on English prose (the Brown Corpus and FOLDOC, the corpora
setup.sh fetches), written to spinfix's data as JSON.

    python scripts/build_judge_vocabulary.py [--tokens 40000] [--size 32768] [-o PATH]

The model's full distribution at every position of the sample is summed; the ``--size``
tokens with the most mass are kept, in id order. The judge always adds the target token's own
logit, so a token outside the set is still scored, and only the normalizer is approximated.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from spinfix.training.corpora import brown_documents, foldoc_documents
from spinfix.judge.gemma.cache import load_files
from spinfix.judge.gemma.model import VOCAB_CHUNK, GemmaModel, Segment
from spinfix.judge.gemma.tokenizer import GemmaTokenizer

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "spinfix" / "data" / "gemma_vocabulary.json"


def texts(limit_tokens: int, tokenizer: GemmaTokenizer) -> list[list[int]]:
    """Chunks of at most 256 tokens from Brown (every genre, in turn) and FOLDOC."""
    docs = brown_documents("abcdefghjklmnpr")
    docs = docs[::max(1, len(docs) // 120)] + foldoc_documents()[::200]
    out, total = [], 0
    for d in docs:
        ids = tokenizer.encode(d.text)
        for lo in range(1, len(ids), 255):
            chunk = [tokenizer.bos] + ids[lo:lo + 255]
            out.append(chunk)
            total += len(chunk) - 1
            if total >= limit_tokens:
                return out
    return out


def mass(model: GemmaModel, chunks: list[list[int]], say) -> np.ndarray:
    """The model's predicted probability summed over every position, per token id."""
    total = np.zeros(model.vocab)
    for n, chunk in enumerate(chunks):
        ids = np.array(chunk)
        hidden, _ = model.hidden(ids, [Segment(0, len(ids))])
        lse, _ = model.log_normalizer(hidden)
        for lo in range(0, model.vocab, VOCAB_CHUNK):
            rows = np.arange(lo, min(lo + VOCAB_CHUNK, model.vocab))
            logits = hidden @ model.embed_rows(rows).T
            total[rows] += np.exp(logits - lse[:, None]).sum(axis=0)
        if n % 10 == 0:
            say(f"{n + 1} of {len(chunks)} chunks")
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tokens", type=int, default=40_000, help="positions to sum over")
    ap.add_argument("--size", type=int, default=32_768, help="tokens to keep")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    started = time.time()
    files = load_files()
    tokenizer = GemmaTokenizer(files.pieces, files.arrays["scores"], files.arrays["types"], files.config["bos"])
    model = GemmaModel(files)
    chunks = texts(args.tokens, tokenizer)
    positions = sum(len(c) for c in chunks)
    totals = mass(model, chunks, lambda m: print(f"{time.time() - started:.0f} s  {m}", file=sys.stderr))
    keep = np.sort(np.argsort(-totals, kind="stable")[:args.size])
    covered = float(totals[keep].sum() / totals.sum())
    record = {"format": 1, "what": "Gemma token ids of the judge's restricted normalizer",
              "gguf_sha256": files.config["gguf_sha256"], "corpus": "Brown Corpus (every genre) and FOLDOC",
              "positions": positions, "size": int(args.size), "mass_covered": round(covered, 6),
              "ids": keep.tolist()}
    args.output.write_text(json.dumps(record, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{args.output}: {args.size} tokens carry {covered:.4f} of the mass over {positions} positions "
          f"({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
