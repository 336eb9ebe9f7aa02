#!/usr/bin/env python3
"""Side-by-side markdown of evaluation results (evaluation/evaluate.py's JSON).

    python evaluation/compare.py evaluation/results/8a3fb2f-test.json evaluation/results/b2cb2e4-test.json [-o OUT.md]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BANDS = ("<3", "3-5", "5-10", ">=10", "10-20", ">=20")


def pct(v, d=0):
    return "—" if v is None else f"{100 * v:.{d}f} %"


def num(v, d=2):
    return "—" if v is None else f"{v:.{d}f}"


def table(results: list[dict]) -> str:
    names = [f"{r['label']}" for r in results]
    head = "| | " + " | ".join(names) + " |\n|---|" + "---|" * len(names)
    L = [f"Split **{results[0]['split']}**; cells: documents flagged (likelihood >= 0.5) / ROC-AUC "
         "against the clean sources; n = documents.", "", "### Spun documents, by share of words inside swaps", "", head]
    sets = [("families", f) for f in results[0]["families"]] + \
           [("handspun", g) for g, t in results[0]["handspun"].items() if isinstance(t, dict) and "<3" in t]
    for kind, name in sets:
        for b in BANDS:
            cells = []
            for r in results:
                t = r[kind].get(name, {}).get(b)
                cells.append("—" if not t or not t["documents"] else
                             f"{pct(t['flagged'])} / {num(t['auc'])} (n={t['documents']})")
            if all(c == "—" for c in cells):
                continue
            label = f"{'family' if kind == 'families' else 'hand-spun'} {name}, {b} %"
            L.append(f"| {label} | " + " | ".join(cells) + " |")
    if all("families_by_genre" in r for r in results):
        L += ["", "### Spun documents by genre of the clean source (all families pooled): flagged", "", head]
        for g in ("news", "science", "readme", "product"):
            for b in ("3-5", "5-10", "10-20", ">=20"):
                cells = []
                for r in results:
                    n = f = 0
                    for fam, by in r["families_by_genre"].items():
                        t = by.get(g, {}).get(b)
                        if t and t["documents"]:
                            n += t["documents"]
                            f += t["flagged"] * t["documents"]
                    cells.append(f"{pct(f / n) if n else '—'} (n={n})")
                L.append(f"| {g}, {b} % | " + " | ".join(cells) + " |")
    L += ["", "### Held-out clean prose: documents / sentences flagged", "", head]
    for g in results[0]["clean"]:
        L.append(f"| {g} | " + " | ".join(
            f"{pct(r['clean'][g]['flagged_documents'], 1)} / {pct(r['clean'][g]['flagged_sentences'], 1)} "
            f"(n={r['clean'][g]['documents']})" for r in results) + " |")
    L += ["", "### Tortured phrases", "", head]
    L.append("| sentences flagged with a suspect on the phrase | " + " | ".join(
        pct(r["tortured"].get("flagged_on_phrase")) for r in results) + " |")
    L.append("| clean science sentences flagged | " + " | ".join(
        pct(r["tortured"].get("clean_flagged"), 1) for r in results) + " |")
    L.append("| each sentence a text of its own, likely spun: tortured / clean | " + " | ".join(
        "—" if r["tortured"].get("likely_spun") is None else
        f"{pct(r['tortured']['likely_spun'])} / {pct(r['tortured']['clean_likely_spun'], 1)}" for r in results) + " |")
    L.append("| sentence AUC | " + " | ".join(num(r["tortured"].get("sentence_auc")) for r in results) + " |")
    L += ["", "### Reference-free restore: precision / recall (changes)", "", head]
    for fam in results[0]["restore"]["learned"]:
        L.append(f"| (a) {fam}, dictionary from 3 pairs: all swaps; held swaps (share held) | " + " | ".join(
            (lambda p: "—" if not p else f"{num(p['precision'])} / {num(p['recall'])} ({p['changes']}); "
             f"held {num(p.get('recall_held'))} ({pct(p.get('held_share'))})")(r["restore"]["learned"].get(fam))
            for r in results) + " |")
    for name in results[0]["restore"]["shipped_heavy"]:
        L.append(f"| (b) {name}, shipped knowledge, >= 10 % | " + " | ".join(
            (lambda p: "—" if not p else f"{num(p['precision'])} / {num(p['recall'])} ({p['changes']})")(
                r["restore"]["shipped_heavy"].get(name)) for r in results) + " |")
    L.append("| (c) clean prose, changes per 1,000 words | " + " | ".join(
        num(r["restore"]["clean"]["all"]["changes_per_1000_words"]) for r in results) + " |")
    for fam in sorted({f for r in results for f in r["restore"].get("learned_clean", {})}):
        L.append(f"| (d) clean prose with the {fam} dictionary, changes per 1,000 words | " + " | ".join(
            num(r["restore"].get("learned_clean", {}).get(fam, {}).get("changes_per_1000_words")) for r in results) + " |")
    L += ["", "### Documents: ROC-AUC, and at likelihood >= 0.5 recall / clean flagged / balanced precision", "", head]
    for name in ("all", ">=10"):
        L.append(f"| spun ({name}) vs clean | " + " | ".join(
            (lambda p: f"AUC {num(p['auc'])}; {pct(p['at_flag_threshold']['recall'])} / "
             f"{pct(p['at_flag_threshold']['fpr'], 1)} / {num(p['at_flag_threshold']['balanced_precision'])}")(
                r["pr_curve"][name]) for r in results) + " |")
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="+")
    ap.add_argument("-o", "--out")
    args = ap.parse_args(argv)
    results = [json.loads(Path(p).read_text(encoding="utf-8")) for p in args.results]
    text = table(results) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
