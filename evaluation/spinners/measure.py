"""Measure each spinner family: size, how much of a text it spins, how independent it is.

    python evaluation/spinners/measure.py [--families handwritten gcide roget] [--seeds 5]

* size: heads, pairs (head, alternative), share of pairs multi-word on one side or both,
  share of heads that are multi-word or have a multi-word alternative;
* spin density: share of the words of clean texts that end up inside swaps, at rates 0.1,
  0.2, 0.4, 0.8 (mean over seeds), plus the share of swaps that are multi-word and the share
  that are damaged forms (artifacts). Texts: /work/main/data/example_clean.txt and the
  passages of clean_passages.txt (written for this folder), never the seed documents;
* independence: the share of the family's single-word pairs (head, alternative) whose
  alternative is among the head's synonyms in spinfix's thesaurus (data/thesaurus.tsv.gz,
  read here and nowhere else), and the share found in either direction.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from spinner import _WORD_RE, families, load_table, spin  # noqa: E402

REPO = HERE.parent.parent
RATES = (0.1, 0.2, 0.4, 0.8)


def texts() -> list[tuple[str, str]]:
    out = [("example_clean", (REPO / "data" / "example_clean.txt").read_text(encoding="utf-8"))]
    passages = (HERE / "clean_passages.txt").read_text(encoding="utf-8").split("\n---\n")
    out += [(f"passage{i + 1}", p.strip() + "\n") for i, p in enumerate(passages)]
    return out


def size(table: dict[str, list[str]]) -> dict:
    pairs = [(h, a) for h, alts in table.items() for a in alts]
    multi = sum(1 for h, a in pairs if " " in h or " " in a)
    heads_multi = sum(1 for h, alts in table.items() if " " in h or any(" " in a for a in alts))
    return {"heads": len(table), "pairs": len(pairs), "multiword_pair_share": multi / len(pairs),
            "multiword_entry_share": heads_multi / len(table)}


def density(table, seeds: int) -> dict:
    out = {}
    for rate in RATES:
        inside = words = swaps_total = multi = damaged = 0
        for _name, text in texts():
            spans = [m.span() for m in _WORD_RE.finditer(text)]
            for seed in range(seeds):
                _spun, swaps = spin(text, table, rate, seed)
                marks = [(s["orig_start"], s["orig_end"]) for s in swaps]
                words += len(spans)
                inside += sum(1 for a, b in spans if any(a < e and s < b for s, e in marks))
                swaps_total += len(swaps)
                multi += sum(1 for s in swaps if " " in s["original"].strip()
                             or " " in s["spun"].strip())
                damaged += sum(1 for s in swaps if s["kind"] != "table")
        out[str(rate)] = {"words_in_swaps": inside / words,
                          "multiword_swap_share": multi / max(1, swaps_total),
                          "artifact_swap_share": damaged / max(1, swaps_total),
                          "swaps_per_100_words": 100 * swaps_total / words}
    return out


def spinfix_thesaurus() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    with gzip.open(REPO / "data" / "thesaurus.tsv.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or "\t" not in line:
                continue
            head, syns = line.rstrip("\n").split("\t", 1)
            table[head.lower()] = {s.lower() for s in syns.split("|")}
    return table


def independence(table, thesaurus) -> dict:
    pairs = [(h, a.lower()) for h, alts in table.items() for a in alts
             if " " not in h and " " not in a and "-" not in h and "-" not in a]
    forward = sum(1 for h, a in pairs if a in thesaurus.get(h, ()))
    either = sum(1 for h, a in pairs if a in thesaurus.get(h, ()) or h in thesaurus.get(a, ()))
    known = [(h, a) for h, a in pairs if h in thesaurus]
    known_either = sum(1 for h, a in known if a in thesaurus[h] or h in thesaurus.get(a, ()))
    return {"single_word_pairs": len(pairs), "in_thesaurus": forward / max(1, len(pairs)),
            "in_thesaurus_either_direction": either / max(1, len(pairs)),
            "head_in_thesaurus": len(known) / max(1, len(pairs)),
            "either_direction_where_head_known": known_either / max(1, len(known))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", nargs="*", default=list(families()))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    thesaurus = spinfix_thesaurus()
    results = {}
    n_words = sum(len(_WORD_RE.findall(t)) for _n, t in texts())
    print(f"texts: {len(texts())} clean texts, {n_words} words; {args.seeds} seeds per rate")
    for name in args.families:
        table = load_table(name)
        result = {"size": size(table), "density": density(table, args.seeds),
                  "independence": independence(table, thesaurus)}
        results[name] = result
        s, ind = result["size"], result["independence"]
        print(f"\n{name}: {s['heads']} heads, {s['pairs']} pairs, multi-word pairs "
              f"{s['multiword_pair_share']:.1%}, entries with a multi-word side "
              f"{s['multiword_entry_share']:.1%}")
        for rate, d in result["density"].items():
            print(f"  rate {rate}: words in swaps {d['words_in_swaps']:.1%}, "
                  f"multi-word swaps {d['multiword_swap_share']:.1%}, "
                  f"damaged forms {d['artifact_swap_share']:.1%}")
        flag = "  <- above 60 %: not independent enough" if ind["in_thesaurus_either_direction"] > 0.6 else ""
        print(f"  single-word pairs {ind['single_word_pairs']}: alternative among the head's "
              f"spinfix synonyms {ind['in_thesaurus']:.1%}, either direction "
              f"{ind['in_thesaurus_either_direction']:.1%} (head known to spinfix "
              f"{ind['head_in_thesaurus']:.1%}; either direction among those "
              f"{ind['either_direction_where_head_known']:.1%}){flag}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
