"""Spun sets for the evaluation: every held-out clean document spun by every independent spinner
family (evaluation/spinners/spinner.py) at rates chosen to put the share of words inside swaps in
each band, with the swaps recorded.

    python evaluation/spun_sets.py [--cache DIR] [--families a,b] [--force]

Writes ``DIR/spun/FAMILY.jsonl`` (default DIR ``~/.cache/spinfix-eval``), one line per document
and band: ``{"id", "family", "genre", "source_id", "split", "band", "rate", "seed", "share",
"original", "spun", "swaps"}``; ``split`` is the clean document's, so a source and all its spun
versions fall in the same split. A family whose table cannot reach a band on a document (too
few of its heads in the text) has no document there; the counts are printed.

Share of words inside swaps, as evaluation/handspun/density.py measures it: the word-level
difflib opcodes (``\\S+`` words, autojunk off) of original against spun; spun words in non-equal
opcodes over all spun words.
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORD = re.compile(r"\S+")

# generation bands: (name, low, high, target); a share s is in a band when low <= s < high
GEN_BANDS = (("<3", 0.0, 0.03, 0.02), ("3-5", 0.03, 0.05, 0.04), ("5-10", 0.05, 0.10, 0.075),
             ("10-20", 0.10, 0.20, 0.15), (">=20", 0.20, 1.01, 0.26))


def share(original: str, spun: str) -> float:
    ow, sw = WORD.findall(original), WORD.findall(spun)
    if not sw:
        return 0.0
    sm = difflib.SequenceMatcher(None, ow, sw, autojunk=False)
    changed = sum(j2 - j1 for tag, _i1, _i2, j1, j2 in sm.get_opcodes() if tag != "equal")
    return changed / len(sw)


def band_of(s: float, bands=GEN_BANDS) -> str | None:
    for name, lo, hi, _t in bands:
        if lo <= s < hi:
            return name
    return None


def _seed(*parts: str) -> int:
    return int(hashlib.sha1("|".join(parts).encode()).hexdigest()[:8], 16)


def spin_to_band(text: str, table, spin, band, seed: int, tries: int = 14):
    """Spin ``text`` so that the share falls in ``band``: rate searched by bisection from the
    share at rate 1 (the most this table can do on this text). Returns (spun, swaps, rate, share)
    or None when the band cannot be reached."""
    name, lo, hi, target = band
    spun, swaps = spin(text, table, 1.0, seed)
    top = share(text, spun) if swaps else 0.0
    if top < lo or top == 0.0:
        return None
    if lo <= top < hi and target >= top:
        return spun, swaps, 1.0, top
    low_r, high_r = 0.0, 1.0
    rate = min(1.0, max(0.002, target / top))
    for _ in range(tries):
        spun, swaps = spin(text, table, rate, seed)
        s = share(text, spun) if swaps else 0.0
        if swaps and lo <= s < hi:
            return spun, swaps, rate, s
        if s < lo or not swaps:
            low_r = rate
        else:
            high_r = rate
        rate = (low_r + high_r) / 2
    return None


def load_spinner():
    sys.path.insert(0, str(HERE / "spinners"))
    import spinner  # noqa: E402  (evaluation/spinners/spinner.py, another helper's engine)
    return spinner


def table_digest(spinner, name: str) -> str:
    path = spinner.families()[name]
    if not Path(path).exists():
        spinner.load_table(name)  # builds it
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()[:12]


def build(cache: Path, clean_docs: list[dict], families: list[str] | None = None, force: bool = False,
          log=print) -> dict[str, Path]:
    """Build (or reuse) the spun set of each family; returns family -> path."""
    spinner = load_spinner()
    names = families or sorted(spinner.families())
    engine = hashlib.sha1((HERE / "spinners" / "spinner.py").read_bytes()
                          + Path(__file__).read_bytes()).hexdigest()[:12]
    clean_key = hashlib.sha1("".join(d["id"] + d["text"] for d in clean_docs).encode()).hexdigest()[:12]
    out = {}
    (cache / "spun").mkdir(parents=True, exist_ok=True)
    for name in names:
        path = cache / "spun" / f"{name}.jsonl"
        stamp = {"engine": engine, "table": table_digest(spinner, name), "clean": clean_key}
        meta = path.with_suffix(".meta.json")
        if path.exists() and meta.exists() and not force and json.loads(meta.read_text()) == stamp:
            out[name] = path
            continue
        table = spinner.load_table(name)
        counts = {b[0]: 0 for b in GEN_BANDS}
        missing = {b[0]: 0 for b in GEN_BANDS}
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            for k, doc in enumerate(clean_docs):
                for band in GEN_BANDS:
                    got = None
                    for attempt in range(4):  # the share is not monotone in the rate: other seeds
                        seed = _seed(name, doc["id"], band[0], str(attempt))
                        got = spin_to_band(doc["text"], table, spinner.spin, band, seed)
                        if got is not None:
                            break
                    if got is None:
                        missing[band[0]] += 1
                        continue
                    spun, swaps, rate, s = got
                    counts[band[0]] += 1
                    rec = {"id": f"{name}/{doc['id']}/{band[0]}", "family": name, "genre": doc["genre"],
                           "source_id": doc["id"], "split": doc["split"], "band": band[0],
                           "rate": round(rate, 5), "seed": seed, "share": round(s, 5),
                           "original": doc["text"], "spun": spun,
                           "swaps": [{k2: sw[k2] for k2 in ("start", "end", "spun", "original", "orig_start",
                                                          "orig_end", "kind") if k2 in sw} for sw in swaps]}
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                if (k + 1) % 50 == 0:
                    log(f"  spun sets: {name} {k + 1}/{len(clean_docs)} documents")
        tmp.replace(path)
        meta.write_text(json.dumps(stamp))
        log(f"  spun set {name}: " + ", ".join(f"{b} {counts[b]} (unreachable {missing[b]})" for b in counts))
        out[name] = path
    return out


def load_clean(cache: Path) -> list[dict]:
    docs = []
    for genre in ("news", "science", "readme", "product"):
        path = cache / "clean" / f"{genre}.jsonl"
        if not path.exists():
            raise SystemExit(f"{path} is missing: run `python evaluation/build_clean.py` first")
        docs += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return docs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default=str(Path.home() / ".cache" / "spinfix-eval"))
    ap.add_argument("--families", default="")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args(argv)
    cache = Path(args.cache).expanduser()
    build(cache, load_clean(cache), [f for f in args.families.split(",") if f] or None, args.force,
          log=lambda m: print(m, file=sys.stderr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
