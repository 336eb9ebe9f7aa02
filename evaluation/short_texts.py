#!/usr/bin/env python3
"""Short texts: what a version says of paragraphs of two to four sentences under 100 words, cut
from the evaluation's documents (a user pastes a paragraph, not an article).

    python evaluation/short_texts.py --spinfix DIR --label LABEL --split test --limit 16

Cuts: each document's sentences (split at a full stop, question or exclamation mark followed by
a space and a capital or quote) in consecutive windows of 2, 3 and 4 sentences from its start,
at most two windows of each size per document, kept when they hold 12 to 99 words. Clean cuts
come from the held-out clean documents and the hand-spun passages' originals; spun cuts from the
hand-spun passages and the handwritten spinner family's documents with at least 5 % of words
inside swaps, kept only when the cut holds a swap. Reported per word range: clean cuts likely
spun (likelihood >= 0.5), clean cuts with a flagged sentence, spun cuts likely spun, the ROC-AUC
of spun against clean, the spun cuts over the line where at most 1, 2 or 5 % of the clean cuts
are, and the verdicts that contradict the sentences (likely spun with no sentence flagged).
Scores are cached with evaluate.py's (same labels, same cache).
"""
from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import evaluate as ev  # noqa: E402

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
SIZES = (2, 3, 4)
PER_SIZE = 2
WORDS = (12, 100)
RANGES = (("<40", 0, 40), ("40-69", 40, 70), ("70-99", 70, 100), ("all", 0, 100))
BANDS = (("5-10", 0.05, 0.10), (">=10", 0.10, 1.01))  # of the document a spun cut was cut from
FAMILY = "handwritten"
MIN_SHARE = 0.05
CLEAN_SHARES = (0.01, 0.02, 0.05)  # spun cuts over the line that puts these shares of clean cuts over it


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``: paragraphs split at blank lines, then at sentence ends."""
    out = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start = para.start()
        for piece in SENTENCE_END.split(para.group()):
            at = text.index(piece, start)
            out.append((at, at + len(piece)))
            start = at + len(piece)
    return out


def cuts(text: str) -> list[tuple[int, int]]:
    """The windows of :data:`SIZES` consecutive sentences kept as short texts (their character spans)."""
    spans = sentences(text)
    out = []
    for size in SIZES:
        kept = 0
        for j in range(0, len(spans) - size + 1, size):
            a, b = spans[j][0], spans[j + size - 1][1]
            if WORDS[0] <= len(text[a:b].split()) < WORDS[1]:
                out.append((a, b))
                kept += 1
                if kept == PER_SIZE:
                    break
    return out


def items(data: ev.Data) -> list[dict]:
    """Every short text with its label (1: holds a swap) and where it was cut from."""
    out, seen = [], set()

    def add(text: str, label: int | None, source: str, swaps: list[tuple[int, int]] = (), share: float = 0.0) -> None:
        for a, b in cuts(text):
            held = any(x < b and a < y for x, y in swaps)
            if label == 1 and not held:
                continue
            out.append({"text": text[a:b], "label": label, "source": source, "words": len(text[a:b].split()),
                        "share": share})

    for d in data.clean:
        add(d["text"], 0, "clean " + d["genre"])
    for r in data.handspun:
        add(r["spun"], 1, "hand-spun " + r["genre"], [(s["start"], s["end"]) for s in r["swaps"]], r["share"])
        sid = r.get("source_id") or r["id"]
        if sid not in seen:
            seen.add(sid)
            add(r["original"], 0, "hand-spun original " + r["genre"])
    for r in data.spun.get(FAMILY, []):
        if r["share"] >= MIN_SHARE:
            add(r["spun"], 1, f"family {FAMILY}", [(s["start"], s["end"]) for s in r["swaps"]], r["share"])
    return out


def over_at(pos: list[float], neg: list[float], share: float) -> float | None:
    """The share of ``pos`` over the line that puts at most ``share`` of ``neg`` over it."""
    if not pos or not neg:
        return None
    ranked = sorted(neg, reverse=True)
    line = ranked[int(share * len(neg))] if int(share * len(neg)) < len(neg) else -1.0
    return sum(p > line for p in pos) / len(pos)


def _separation(pos: list[float], neg: list[float]) -> dict:
    """How spun likelihoods ``pos`` stand against clean ones ``neg``: counts, spun over the line,
    ROC-AUC, and spun over the line that puts each share of :data:`CLEAN_SHARES` of clean over it."""
    return {"spun": len(pos), "clean": len(neg), "spun_likely_spun": ev.share_of([v >= ev.FLAG_AT for v in pos]),
            "auc": ev.auc(pos, neg), "spun_over_at_clean": {f"{int(100 * a)}%": over_at(pos, neg, a) for a in CLEAN_SHARES}}


def report(rows: list[tuple[dict, dict]]) -> dict:
    res = {}
    for name, lo, hi in RANGES:
        sel = [(i, s) for i, s in rows if lo <= i["words"] < hi]
        neg = [s["likelihood"] for i, s in sel if i["label"] == 0]
        flagged = [any(x["flagged"] for x in s["sentences"]) for _, s in sel]
        likely = [s["likelihood"] >= ev.FLAG_AT for _, s in sel]
        res[name] = {**_separation([s["likelihood"] for i, s in sel if i["label"] == 1], neg),
                     "clean_likely_spun": ev.share_of([v >= ev.FLAG_AT for v in neg]),
                     "clean_sentence_flagged": ev.share_of([f for (i, _), f in zip(sel, flagged) if i["label"] == 0]),
                     "likely_without_flag": ev.share_of([lk and not f for lk, f in zip(likely, flagged)])}
    neg = [s["likelihood"] for i, s in rows if i["label"] == 0]
    for name, lo, hi in BANDS:
        res[f"from {name} % documents"] = _separation(
            [s["likelihood"] for i, s in rows if i["label"] == 1 and lo <= i["share"] < hi], neg)
    return res


def markdown(results: list[dict]) -> str:
    names = [r["label"] for r in results]
    lines = [f"Short texts (2-4 sentences, 12-99 words) cut from the **{results[0]['split']}** split's documents; "
             "see evaluation/short_texts.py.", "", "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for name, first in results[0]["ranges"].items():
        title = f"{name} words" if name in {n for n, _, _ in RANGES} else f"spun cuts {name}"
        lines.append(f"| **{title}** (spun {first['spun']}, clean {first['clean']}) |" + " |" * len(names))
        for key, label in (("clean_likely_spun", "clean likely spun"), ("clean_sentence_flagged", "clean with a flagged sentence"),
                           ("spun_likely_spun", "spun likely spun"), ("auc", "ROC-AUC"),
                           ("likely_without_flag", "likely spun with no sentence flagged")):
            if key not in first:
                continue
            cells = [r["ranges"][name][key] for r in results]
            lines.append(f"| {label} | " + " | ".join(ev.num(c) if key == "auc" else ev.pct(c, 1) for c in cells) + " |")
        for at in first["spun_over_at_clean"]:
            cells = [r["ranges"][name]["spun_over_at_clean"][at] for r in results]
            lines.append(f"| spun over the line at {at} clean | " + " | ".join(ev.pct(c, 1) for c in cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spinfix", help="the spinfix checkout to run")
    ap.add_argument("--label", help="names this version in the cache and the results")
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    ap.add_argument("--limit", type=int, default=None, help="at most N documents per genre (and per hand-spun file)")
    ap.add_argument("--python", default=sys.executable, help="the interpreter that runs spinfix")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--cache", default=ev.DEFAULT_CACHE)
    ap.add_argument("--out", default=None, help="default: evaluation/results/short-LABEL-SPLIT.json")
    ap.add_argument("--compare", nargs="+", metavar="JSON", help="only write the markdown of these results, side by side")
    args = ap.parse_args(argv)
    if args.compare:
        results = [json.loads(Path(p).read_text()) for p in args.compare]
        out = Path(args.out or HERE / "results" / f"short-compare-{results[0]['split']}.md")
        out.write_text(markdown(results) + "\n", encoding="utf-8")
        ev.log(f"wrote {out}")
        return 0
    if not args.spinfix or not args.label:
        ap.error("--spinfix and --label are needed (or --compare)")
    data = ev.Data(Path(args.cache).expanduser(), args.split, args.limit, [FAMILY])
    todo = items(data)
    ev.log(f"split {args.split}: {sum(i['label'] == 0 for i in todo)} clean and {sum(i['label'] == 1 for i in todo)} "
           "spun short texts")
    sf = ev.Spinfix(Path(args.spinfix).resolve(), args.label, Path(args.cache).expanduser(), args.python, jobs=args.jobs)
    scores = sf.score([i["text"] for i in todo], "short texts")
    rows = [(i, s) for i, s in zip(todo, scores) if s]
    res = {"label": args.label, "split": args.split, "limit": args.limit, "spinfix_commit": sf.commit,
           "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "spun_set_stamps": data.stamps, "texts": len(todo), "errors": len(todo) - len(rows),
           "ranges": report(rows)}
    out = Path(args.out or HERE / "results" / f"short-{args.label}-{args.split}.json")
    out.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown([res]) + "\n", encoding="utf-8")
    ev.log(f"wrote {out}, {out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
