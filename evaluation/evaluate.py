#!/usr/bin/env python3
"""Evaluate a spinfix checkout on data its features cannot flatter.

    python evaluation/evaluate.py --spinfix DIR --label NAME [--split dev|test] [--limit N]
                                  [--restore-limit N] [--only restore] [--out results/NAME-SPLIT.json] [--python PY]

Runs the spinfix at DIR (its own code, models and data, through evaluation/spinfix_launch.py:
``PYTHONPATH=DIR python -m spinfix`` with DIR's ``spinfix.models``/``spinfix.data``) on

* held-out clean prose (``python evaluation/build_clean.py`` builds it into the cache);
* the spun sets: each clean document spun by each independent spinner family
  (evaluation/spinners) at rates that put the share of words inside swaps in every band
  (evaluation/spun_sets.py, built here on first use);
* the hand-spun passages (evaluation/handspun/*.jsonl) and the tortured-phrase sentences
  (evaluation/tortured/sentences.jsonl, clean.jsonl), where present;

and writes JSON (``--out``, default evaluation/results/LABEL-SPLIT.json) with a markdown summary
beside it (.md) and a precision-recall plot (.png, when matplotlib is installed). Results are
cached by (label, text) under ~/.cache/spinfix-eval/runs/LABEL/: a rerun with the same label
costs nothing; give another label for another version. See evaluation/README.md for the protocol.
"""
from __future__ import annotations

import argparse
import datetime
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import spun_sets  # noqa: E402

WORD = re.compile(r"\S+")
FLAG_AT = 0.5  # a document is flagged when its likelihood is at least this
REPORT_BANDS = (("<3", 0.0, 0.03), ("3-5", 0.03, 0.05), ("5-10", 0.05, 0.10), (">=10", 0.10, 1.01))
DETAIL_BANDS = (("10-20", 0.10, 0.20), (">=20", 0.20, 1.01))
GENRES = ("news", "science", "readme", "product")
DEFAULT_CACHE = os.environ.get("SPINFIX_EVAL_CACHE", str(Path.home() / ".cache" / "spinfix-eval"))


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def split_of(key: str) -> str:
    return "test" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 5 < 3 else "dev"


# ============================================================================ adapters
# What each version's JSON calls things. A version that renames a field or adds one only needs
# its names added here (first name found wins); everything below reads the adapted shape.

SCORE_NAMES = {
    "likelihood": ("spin_likelihood", "likelihood", "spin_probability", "probability"),
    "sentences": ("sentences",),
    "sentence_flagged": ("flagged", "is_flagged"),
    "sentence_probability": ("probability", "spin_probability", "score"),
    "suspects": ("suspects", "words", "spans"),
    "verdict": ("verdict", "label"),
}
FLAGGING_VERDICTS = {"spun", "likely spun", "likely_spun", "flagged", "suspect"}
RESTORE_NAMES = {"restored": ("restored", "text", "output")}


def _first(obj: dict, names, default=None):
    for n in names:
        if n in obj:
            return obj[n]
    return default


def adapt_score(raw: dict) -> dict:
    """A score result as {likelihood, verdict, sentences: [{start, end, flagged, probability,
    suspects: [{start, end, word, original}]}]}."""
    sentences = []
    for s in _first(raw, SCORE_NAMES["sentences"], []) or []:
        flagged = _first(s, SCORE_NAMES["sentence_flagged"])
        if flagged is None:
            flagged = str(_first(s, SCORE_NAMES["verdict"], "")).lower() in FLAGGING_VERDICTS
        suspects = []
        for w in _first(s, SCORE_NAMES["suspects"], []) or []:
            suspects.append({"start": w.get("start"), "end": w.get("end"), "word": w.get("word", w.get("text")),
                             "original": _first(w, ("original", "proposed", "candidate"))})
        sentences.append({"start": s.get("start"), "end": s.get("end"), "flagged": bool(flagged),
                          "probability": _first(s, SCORE_NAMES["sentence_probability"]),
                          "suspects": suspects})
    return {"likelihood": float(_first(raw, SCORE_NAMES["likelihood"], float("nan"))),
            "verdict": _first(raw, SCORE_NAMES["verdict"]), "sentences": sentences}


def adapt_restore(raw: dict) -> str:
    return _first(raw, RESTORE_NAMES["restored"])


# ============================================================================ running spinfix

class Spinfix:
    """One spinfix checkout, run through the launcher, with results cached by (label, text)."""

    def __init__(self, directory: Path, label: str, cache: Path, python: str, chunk: int = 200, jobs: int = 1):
        self.dir, self.label, self.python, self.chunk, self.jobs = directory, label, python, chunk, jobs
        self.root = cache / "runs" / re.sub(r"[^\w.\-]+", "_", label)
        self.root.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                        PYTHONPATH=str(directory))
        self.commit = self._commit()
        meta = self.root / "meta.json"
        if meta.exists():
            old = json.loads(meta.read_text())
            if old.get("commit") != self.commit or old.get("dir") != str(directory):
                log(f"warning: label {label!r} was cached for {old.get('dir')} at {old.get('commit')}, "
                    f"now {directory} at {self.commit}: cached results are reused; use another label "
                    "for another version")
        else:
            meta.write_text(json.dumps({"dir": str(directory), "commit": self.commit}))
        self._scores = self._load("score.jsonl")
        self._restores = self._load("restore.jsonl")

    def _commit(self) -> str:
        try:
            head = subprocess.run(["git", "-C", str(self.dir), "rev-parse", "--short", "HEAD"],
                                  capture_output=True, text=True, check=True).stdout.strip()
            dirty = subprocess.run(["git", "-C", str(self.dir), "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True).stdout.strip()
            return head + ("+dirty" if dirty else "")
        except (subprocess.CalledProcessError, FileNotFoundError):
            return "unknown"

    def _load(self, name: str) -> dict:
        path = self.root / name
        out = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by an interrupted run
                if isinstance(rec["r"], dict) and "error" in rec["r"]:
                    continue  # a failed call (a checkout without its models) is tried again next run
                out[rec["h"]] = rec["r"]
        return out

    def _append(self, name: str, items: list[tuple[str, object]]) -> None:
        with open(self.root / name, "a", encoding="utf-8") as fh:
            for h, r in items:
                fh.write(json.dumps({"h": h, "r": r}, ensure_ascii=False) + "\n")

    def _cmd(self, *args: str) -> list[str]:
        return [self.python, str(HERE / "spinfix_launch.py"), str(self.dir), *args]

    def score(self, texts: list[str], what: str = "") -> list[dict]:
        """Adapted score results, in order; a text spinfix failed on gets None."""
        keys = [digest(t) for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts) if k not in self._scores}.items())
        if todo:
            log(f"  score {what}: {len(todo)} new of {len(texts)} ({len(texts) - len(todo)} cached)")
        t0, done = time.time(), 0
        for c in range(0, len(todo), self.chunk):
            part = todo[c:c + self.chunk]
            with tempfile.TemporaryDirectory(dir=self.root) as tmp:
                files = {}
                for k, t in part:
                    p = Path(tmp) / f"{k}.txt"
                    p.write_text(t, encoding="utf-8")
                    files[str(p)] = k
                proc = subprocess.run(self._cmd("score", "--json", "--jobs", str(self.jobs), *files), env=self.env,
                                      capture_output=True, text=True)
                got = []
                for line in proc.stdout.splitlines():
                    try:
                        raw = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    k = files.get(raw.get("file", ""))
                    if k is None:
                        continue
                    for s in raw.get("sentences", []) or []:
                        s.pop("text", None)  # the cache keeps offsets, not the text again
                    got.append((k, raw))
                missing = set(files.values()) - {k for k, _ in got}
                if missing:
                    log(f"    spinfix score gave no result for {len(missing)} files (rc {proc.returncode}): "
                        f"{proc.stderr.strip()[-300:]}")
                    got += [(k, {"error": proc.stderr.strip()[-300:]}) for k in sorted(missing)]
            self._append("score.jsonl", got)
            self._scores.update(got)
            done += len(part)
            rate = done / max(1e-9, time.time() - t0)
            log(f"    {done}/{len(todo)} scored ({rate:.1f} documents/s)")
        out = []
        for k in keys:
            raw = self._scores.get(k)
            out.append(None if raw is None or "error" in raw else adapt_score(raw))
        return out

    def restore(self, items: list[tuple[str, str | None]], what: str = "") -> list[str | None]:
        """Restored texts of (spun text, dictionary path or None) items, in order."""
        def key(text, dic):
            d = digest(Path(dic).read_text(encoding="utf-8")) if dic else "shipped"
            return digest(f"restore\0{d}\0{text}")
        keys = [key(t, d) for t, d in items]
        todo = {}
        for k, (t, d) in zip(keys, items):
            if k not in self._restores:
                todo[k] = (t, d)
        if todo:
            log(f"  restore {what}: {len(todo)} new of {len(items)}")
            with tempfile.TemporaryDirectory(dir=self.root) as tmp:
                calls, order = [], []
                for k, (t, d) in sorted(todo.items()):
                    p = Path(tmp) / f"{k}.txt"
                    p.write_text(t, encoding="utf-8")
                    calls.append(["restore", str(p), "--json"] + (["--dictionary", str(d)] if d else []))
                    order.append(k)
                results = self._batch(calls, tmp)
                got = []
                for k, res in zip(order, results):
                    restored = None
                    if res and res.get("rc") == 0:
                        try:
                            restored = adapt_restore(json.loads(res["stdout"]))
                        except (json.JSONDecodeError, TypeError):
                            restored = None
                    got.append((k, restored if restored is not None else {"error": (res or {}).get("stderr", "")}))
                self._append("restore.jsonl", got)
                self._restores.update(got)
        out = []
        for k in keys:
            r = self._restores.get(k)
            out.append(r if isinstance(r, str) else None)
        return out

    def _batch(self, calls: list[list[str]], tmp: str) -> list[dict | None]:
        cfile, ofile = Path(tmp) / "calls.json", Path(tmp) / "out.jsonl"
        cfile.write_text(json.dumps(calls))
        proc = subprocess.run(self._cmd("--batch", str(cfile), str(ofile)), env=self.env,
                              stdout=subprocess.PIPE, stderr=None, text=True)
        results: list[dict | None] = [None] * len(calls)
        if ofile.exists():
            for line in ofile.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                    results[rec["i"]] = rec
                except (json.JSONDecodeError, KeyError):
                    pass
        if proc.returncode != 0:
            log(f"    batch ended with rc {proc.returncode}")
        return results

    def learn(self, pairs: list[tuple[str, str]], name: str) -> Path:
        """A dictionary learned by this version's own command (``align SPUN CLEAN --dictionary D``)
        from spun/clean pairs; cached by the pairs' content."""
        d = self.root / "dicts" / f"{name}-{digest(''.join(s + c for s, c in pairs))[:12]}.tsv"
        if d.exists():
            return d
        d.parent.mkdir(parents=True, exist_ok=True)
        partial = d.with_suffix(".partial.tsv")
        partial.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(dir=self.root) as tmp:
            calls = []
            for k, (s, c) in enumerate(pairs):
                ps, pc = Path(tmp) / f"spun{k}.txt", Path(tmp) / f"clean{k}.txt"
                ps.write_text(s, encoding="utf-8")
                pc.write_text(c, encoding="utf-8")
                calls.append(["align", str(ps), str(pc), "--dictionary", str(partial)])
            results = self._batch(calls, tmp)
        if not partial.exists() or any(r is None or r.get("rc") != 0 for r in results):
            raise RuntimeError(f"learning a dictionary failed: {[r and r.get('stderr') for r in results]}")
        partial.replace(d)
        return d


def dictionary_pairs(path: Path) -> set[tuple[str, str]]:
    """(spun, original) pairs of a spinfix dictionary file (TSV with a spun/original header)."""
    pairs, cols = set(), None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if cols is None and "spun" in fields and "original" in fields:
            cols = (fields.index("spun"), fields.index("original"))
            continue
        a, b = cols or (0, 1)
        if len(fields) > max(a, b):
            pairs.add((norm(fields[a]), norm(fields[b])))
    return pairs


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip().lower())


# ============================================================================ data

def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def locate_swaps(original: str, spun: str, swaps: list[dict]) -> list[dict] | None:
    """Character spans of ordered {spun, original} swaps in both texts, with identical text
    between them (as evaluation/handspun/density.py checks); None when they do not fit."""
    co = cs = 0
    out = []
    for sw in swaps:
        o, s = sw["original"], sw["spun"]
        p = original.find(o, co)
        found = False
        while p >= 0:
            ps = cs + (p - co)
            if original[co:p] == spun[cs:ps] and spun[ps:ps + len(s)] == s:
                out.append({"start": ps, "end": ps + len(s), "spun": s, "original": o,
                            "orig_start": p, "orig_end": p + len(o)})
                co, cs, found = p + len(o), ps + len(s), True
                break
            p = original.find(o, p + 1)
        if not found:
            return None
    return out if original[co:] == spun[cs:] else None


def band_of(share: float, bands=REPORT_BANDS) -> str | None:
    for name, lo, hi in bands:
        if lo <= share < hi:
            return name
    return None


class Data:
    def __init__(self, cache: Path, split: str, limit: int | None, families: list[str] | None):
        self.split = split
        clean_all = spun_sets.load_clean(cache)
        self.clean = []
        for g in GENRES:
            docs = [d for d in clean_all if d["genre"] == g and d["split"] == split]
            self.clean += docs[:limit] if limit else docs
        ids = {d["id"] for d in self.clean}
        paths = spun_sets.build(cache, clean_all, families, log=log)  # all splits: one set, cached
        self.spun, self.stamps = {}, {}
        for fam, path in sorted(paths.items()):
            meta = path.with_suffix(".meta.json")
            self.stamps[fam] = json.loads(meta.read_text()) if meta.exists() else None
            recs = [r for r in read_jsonl(path) if r["split"] == split and r["source_id"] in ids]
            for r in recs:
                r["share"] = spun_sets.share(r["original"], r["spun"])
            self.spun[fam] = recs
        _check_clean_stamp({(s or {}).get("clean") for s in self.stamps.values()} - {None})
        self.handspun, self.handspun_problems = [], []
        for path in sorted((HERE / "handspun").glob("*.jsonl")):
            per_genre = 0
            for r in read_jsonl(path):
                sid = r.get("source_id") or r.get("id")
                if (r.get("split") or split_of(sid)) != split:
                    continue
                spans = locate_swaps(r["original"], r["spun"], r.get("swaps", []))
                if spans is None:
                    self.handspun_problems.append(r.get("id"))
                if limit and per_genre >= limit:
                    continue
                per_genre += 1
                self.handspun.append(dict(r, swaps=spans or [], share=spun_sets.share(r["original"], r["spun"]),
                                          swaps_ok=spans is not None))
        self.tortured, self.tortured_clean = [], []
        tdir = HERE / "tortured"
        if (tdir / "sentences.jsonl").exists():
            for k, r in enumerate(read_jsonl(tdir / "sentences.jsonl")):
                key = str(r.get("id") or r.get("source_id") or r.get("clean") or r["text"])
                if (r.get("split") or split_of(key)) == split:
                    self.tortured.append(r)
        if (tdir / "clean.jsonl").exists():
            for r in read_jsonl(tdir / "clean.jsonl"):
                key = str(r.get("id") or r.get("text"))
                if (r.get("split") or split_of(key)) == split:
                    self.tortured_clean.append(r)
        if limit:
            self.tortured, self.tortured_clean = self.tortured[:4 * limit], self.tortured_clean[:4 * limit]


def _check_clean_stamp(stamps: set[str]) -> None:
    """Warn when this clean set is one no committed result was measured on: the README genre
    follows the machine's installed Python distributions (see README.md, Sources)."""
    known = set()
    for path in (HERE / "results").glob("*.json"):
        try:
            known |= {(s or {}).get("clean") for s in json.loads(path.read_text()).get("data", {})
                      .get("spun_set_stamps", {}).values()}
        except (ValueError, AttributeError):
            continue
    if stamps and not stamps & known:
        log(f"warning: clean set {', '.join(sorted(stamps))} is not the one of any result in results/ "
            f"({', '.join(sorted(k for k in known if k))}): its documents may differ from theirs; check before "
            "comparing (README.md, on the README genre)")


# ============================================================================ metrics

def auc(pos: list[float], neg: list[float]) -> float | None:
    """ROC-AUC: the chance a positive scores above a negative (ties count half)."""
    if not pos or not neg:
        return None
    allv = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    i = 0
    rank_sum = 0.0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]:
            j += 1
        r = (i + j + 1) / 2  # average rank, 1-based
        rank_sum += r * sum(1 for _, y in allv[i:j] if y)
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def share_of(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def pr_curve(pos: list[float], neg: list[float], max_points: int = 120) -> dict:
    """Precision-recall points over likelihood thresholds (one per distinct likelihood, thinned).
    Each point also has the share of clean documents flagged (``fpr``) and the precision with
    spun and clean documents weighted as equally common (``balanced_precision``), since the raw
    precision reflects this evaluation's mix of spun and clean documents."""
    scored = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg], key=lambda x: -x[0])
    P, N = len(pos), len(neg)
    points, tp, fp, ap, prev_recall = [], 0, 0, 0.0, 0.0
    i = 0
    while i < len(scored):
        t = scored[i][0]
        while i < len(scored) and scored[i][0] == t:
            tp += scored[i][1]
            fp += 1 - scored[i][1]
            i += 1
        recall, fpr = (tp / P if P else 0.0), (fp / N if N else 0.0)
        precision = tp / (tp + fp)
        balanced = recall / (recall + fpr) if recall + fpr else None
        ap += precision * (recall - prev_recall)
        prev_recall = recall
        points.append({"threshold": round(t, 4), "precision": round(precision, 4),
                       "balanced_precision": None if balanced is None else round(balanced, 4),
                       "recall": round(recall, 4), "fpr": round(fpr, 4)})
    if len(points) > max_points:
        step = len(points) / max_points
        points = [points[int(k * step)] for k in range(max_points)] + [points[-1]]

    def at(th):
        tp_ = sum(v >= th for v in pos)
        fp_ = sum(v >= th for v in neg)
        r, f = (tp_ / P if P else None), (fp_ / N if N else None)
        return {"threshold": th, "precision": tp_ / (tp_ + fp_) if tp_ + fp_ else None, "recall": r, "fpr": f,
                "balanced_precision": r / (r + f) if r is not None and f is not None and r + f else None}
    return {"positives": P, "negatives": N, "average_precision": round(ap, 4), "auc": auc(pos, neg),
            "at_flag_threshold": at(FLAG_AT), "points": points}


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD.finditer(text)]


def _covering(spans: list[tuple[int, int]], a: int, b: int) -> set[int]:
    return {i for i, (x, y) in enumerate(spans) if x < b and a < y}


def restore_outcome(original: str, spun: str, restored: str, swaps: list[dict]) -> dict:
    """How a reference-free restore did, word by word (see evaluation/README.md):

    * changes: the non-equal opcodes of difflib's word-level diff of spun -> restored;
    * a swap is restored when the restore changed at least one of its spun words and every word
      of its original (its span in the original text) is in an equal block of the word-level diff
      of original -> restored, i.e. the restored text carries the original's words there exactly;
    * a change is correct when every spun word it rewrites lies inside swaps, every swap it
      touches is restored, and every word it writes is in an equal block of original -> restored;
    * a change is correct word by word when the first and last of these hold: it writes the
      original's words where a spinner swapped, though a swap of several words it touches may be
      left half spun ("climate allowing" -> "weather allowing" for "weather permitting").
    """
    ow, sw, rw = WORD.findall(original), WORD.findall(spun), WORD.findall(restored)
    osp, ssp = _word_spans(original), _word_spans(spun)
    o_match, r_match = set(), set()
    for a, b, size in difflib.SequenceMatcher(None, ow, rw, autojunk=False).get_matching_blocks():
        o_match.update(range(a, a + size))
        r_match.update(range(b, b + size))
    opcodes = difflib.SequenceMatcher(None, sw, rw, autojunk=False).get_opcodes()
    s_changed = set()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "equal":
            s_changed.update(range(i1, i2) if i2 > i1 else (i1 - 1, i1))
    restored_flags, s_word_swap = [], {}
    for k, s in enumerate(swaps):
        o_words = _covering(osp, s["orig_start"], s["orig_end"])
        s_words = _covering(ssp, s["start"], s["end"])
        restored_flags.append(bool(o_words) and o_words <= o_match and bool(s_words & s_changed))
        for i in s_words:
            s_word_swap.setdefault(i, []).append(k)
    changes = correct = by_word = 0
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        changes += 1
        touched = set()
        ok = all(i in s_word_swap for i in range(i1, i2))
        for i in range(i1, i2):
            touched.update(s_word_swap.get(i, []))
        if i1 == i2:  # a pure insertion: the swaps on either side
            touched.update(s_word_swap.get(i1 - 1, []))
            touched.update(s_word_swap.get(i1, []))
            ok = ok and bool(touched)
        writes_original = ok and all(j in r_match for j in range(j1, j2))
        correct += writes_original and all(restored_flags[k] for k in touched)
        by_word += writes_original
    return {"words": len(sw), "changes": changes, "correct": correct, "correct_by_word": by_word, "swaps": len(swaps),
            "restored": sum(restored_flags), "restored_flags": restored_flags}


def pool(outcomes: list[dict], held: list[list[bool]] | None = None) -> dict:
    changes = sum(o["changes"] for o in outcomes)
    correct = sum(o["correct"] for o in outcomes)
    swaps = sum(o["swaps"] for o in outcomes)
    restored = sum(o["restored"] for o in outcomes)
    by_word = sum(o["correct_by_word"] for o in outcomes)
    out = {"documents": len(outcomes), "words": sum(o["words"] for o in outcomes), "changes": changes,
           "correct_changes": correct, "swaps": swaps, "restored_swaps": restored,
           "precision": correct / changes if changes else None, "recall": restored / swaps if swaps else None,
           "correct_by_word": by_word, "precision_by_word": by_word / changes if changes else None}
    if held is not None:
        h = sum(sum(f) for f in held)
        hr = sum(sum(1 for f, r in zip(fl, o["restored_flags"]) if f and r) for fl, o in zip(held, outcomes))
        out.update({"held_swaps": h, "held_share": h / swaps if swaps else None, "restored_held": hr,
                    "recall_held": hr / h if h else None})
    out["changes_per_1000_words"] = 1000 * changes / out["words"] if out["words"] else None
    return out


# ============================================================================ the evaluation

def evaluate(sf: Spinfix, data: Data, restore_limit: int, only: str | None = None) -> dict:
    """Every measure of one version on one split (``only="restore"``: the reference-free
    restore alone, for a change that touches nothing else)."""
    res: dict = {"label": sf.label, "split": data.split, "spinfix_dir": str(sf.dir), "spinfix_commit": sf.commit,
                 "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                 "flag_threshold": FLAG_AT,
                 "data": {"clean": {g: sum(d["genre"] == g for d in data.clean) for g in GENRES},
                          "clean_digests": {g: digest("".join(digest(d["text"]) for d in data.clean if d["genre"] == g))[:12]
                                            for g in GENRES},
                          "spun": {f: len(r) for f, r in data.spun.items()},
                          "spun_set_stamps": data.stamps,
                          "handspun": len(data.handspun), "tortured": len(data.tortured),
                          "tortured_clean": len(data.tortured_clean)}}
    if only == "restore":
        res["restore"] = _restore(sf, data, restore_limit)
        return res
    # ---- clean prose
    log("clean prose")
    clean_scores = sf.score([d["text"] for d in data.clean], "clean prose")
    clean_by_id = {}
    res["clean"] = {}
    for g in GENRES + ("all",):
        rows = [(d, s) for d, s in zip(data.clean, clean_scores) if s and (g == "all" or d["genre"] == g)]
        sents = [x["flagged"] for _, s in rows for x in s["sentences"]]
        res["clean"][g] = {"documents": len(rows), "flagged_documents": share_of([s["likelihood"] >= FLAG_AT for _, s in rows]),
                           "sentences": len(sents), "flagged_sentences": share_of(sents),
                           "errors": sum(1 for d, s in zip(data.clean, clean_scores) if s is None and (g == "all" or d["genre"] == g))}
    for d, s in zip(data.clean, clean_scores):
        if s:
            clean_by_id[d["id"]] = s["likelihood"]

    # ---- spinner families
    res["families"] = {}
    all_pos = []
    for fam, recs in data.spun.items():
        log(f"family {fam}")
        scores = sf.score([r["spun"] for r in recs], f"family {fam}")
        rows = [(r, s) for r, s in zip(recs, scores) if s]
        res["families"][fam] = _band_table(rows, lambda r: clean_by_id.get(r["source_id"]))
        res.setdefault("families_by_genre", {})[fam] = {
            g: _band_table([(r, s) for r, s in rows if r["genre"] == g], lambda r: clean_by_id.get(r["source_id"]))
            for g in GENRES}
        all_pos += [(s["likelihood"], r["share"]) for r, s in rows]

    # ---- hand-spun passages
    res["handspun"] = {"problems": data.handspun_problems}
    hs_neg = []
    if data.handspun:
        log("hand-spun passages")
        scores = sf.score([r["spun"] for r in data.handspun], "hand-spun")
        orig_scores = sf.score([r["original"] for r in data.handspun], "hand-spun originals")
        orig_by_source = {}
        for r, s in zip(data.handspun, orig_scores):
            if s:
                orig_by_source[r.get("source_id") or r["id"]] = s["likelihood"]
        hs_neg = list(orig_by_source.values())
        for g in sorted({r["genre"] for r in data.handspun}) + ["all"]:
            rows = [(r, s) for r, s in zip(data.handspun, scores) if s and (g == "all" or r["genre"] == g)]
            res["handspun"][g] = _band_table(rows, lambda r: orig_by_source.get(r.get("source_id") or r["id"]))
        all_pos += [(s["likelihood"], r["share"]) for r, s in zip(data.handspun, scores) if s]
        res["handspun"]["originals_flagged"] = share_of([v >= FLAG_AT for v in hs_neg])

    # ---- precision-recall at document level
    negatives = list(clean_by_id.values()) + hs_neg
    res["pr_curve"] = {
        "definition": ("positives: the spun documents of this split (spinner families and hand-spun; 'all': every "
                       "band, '>=10': >= 10 % of words inside swaps); negatives: the held-out clean documents and "
                       "the hand-spun originals; a document is predicted spun at likelihood >= threshold; "
                       "balanced_precision weighs spun and clean documents as equally common"),
        "all": pr_curve([v for v, _ in all_pos], negatives),
        ">=10": pr_curve([v for v, sh in all_pos if sh >= 0.10], negatives)}

    # ---- tortured phrases
    res["tortured"] = _tortured(sf, data)

    # ---- reference-free restore
    res["restore"] = _restore(sf, data, restore_limit)
    return res


def _band_table(rows, clean_likelihood) -> dict:
    """Per band: documents, share flagged, ROC-AUC against the clean sources of those documents."""
    out = {}
    for name, lo, hi in REPORT_BANDS + DETAIL_BANDS:
        sel = [(r, s) for r, s in rows if lo <= r["share"] < hi]
        pos = [s["likelihood"] for _, s in sel]
        neg = {}
        for r, _ in sel:
            v = clean_likelihood(r)
            if v is not None:
                neg[r.get("source_id") or r["id"]] = v
        out[name] = {"documents": len(sel), "flagged": share_of([v >= FLAG_AT for v in pos]),
                     "auc": auc(pos, list(neg.values())),
                     "mean_share": sum(r["share"] for r, _ in sel) / len(sel) if sel else None}
    return out


def _phrase_span(text: str, phrase: str) -> tuple[int, int] | None:
    p = text.find(phrase)
    if p < 0:
        p = text.lower().find(phrase.lower())
    return (p, p + len(phrase)) if p >= 0 else None


def _tortured(sf: Spinfix, data: Data) -> dict:
    if not data.tortured and not data.tortured_clean:
        return {"sentences": 0, "note": "evaluation/tortured/ has no data"}
    log("tortured phrases")
    texts = [r["text"] for r in data.tortured]
    scores = sf.score(texts, "tortured sentences")
    on_phrase, anywhere, unplaced = [], [], 0
    for r, s in zip(data.tortured, scores):
        if not s:
            continue
        span = _phrase_span(r["text"], r.get("phrase", ""))
        flagged_any = any(x["flagged"] for x in s["sentences"])
        anywhere.append(flagged_any)
        if span is None:
            unplaced += 1
            on_phrase.append(False)
            continue
        a, b = span
        hit = any(x["flagged"] and any(w["start"] is not None and w["start"] < b and a < w["end"]
                                       for w in x["suspects"]) for x in s["sentences"])
        on_phrase.append(hit)
    clean_texts = [r["text"] for r in data.tortured_clean] + [r["clean"] for r in data.tortured if r.get("clean")]
    cscores = sf.score(clean_texts, "clean science sentences")
    cflags = [any(x["flagged"] for x in s["sentences"]) for s in cscores if s]
    pos = [s["likelihood"] for s in scores if s]
    neg = [s["likelihood"] for s in cscores if s]
    return {"sentences": len(on_phrase), "flagged_on_phrase": share_of(on_phrase),
            "flagged_anywhere": share_of(anywhere), "phrase_not_found": unplaced,
            "clean_sentences": len(cflags), "clean_flagged": share_of(cflags),
            "likely_spun": share_of([x >= 0.5 for x in pos]), "clean_likely_spun": share_of([x >= 0.5 for x in neg]),
            "sentence_auc": auc(pos, neg)}


def _by_hash(recs, key=lambda r: r["id"]):
    return sorted(recs, key=lambda r: digest(key(r)))


def _restore(sf: Spinfix, data: Data, limit: int) -> dict:
    out = {"learned": {}, "shipped_heavy": {}, "clean": {}, "learned_clean": {}}
    clean_docs = [d for g in GENRES for d in _by_hash([d for d in data.clean if d["genre"] == g])[:max(1, limit // 4)]]
    # (a) a dictionary learned from 3 spun/clean pairs of one family, restoring its other documents
    # learned from 3 documents of the >= 20 % band (as dense as a commercial spinner at 80 % of its
    # matches); the targets are the family's documents with >= 10 % inside swaps from other sources
    for fam, recs in data.spun.items():
        learners, seen = [], set()
        for r in _by_hash([r for r in recs if r["band"] == ">=20"]):
            if r["source_id"] not in seen and len(learners) < 3:
                learners.append(r)
                seen.add(r["source_id"])
        targets = _by_hash([r for r in recs if r["share"] >= 0.10 and r["source_id"] not in seen])[:limit]
        if len(learners) < 3 or not targets:
            continue
        log(f"restore with a dictionary learned from 3 pairs: {fam}")
        dic = sf.learn([(r["spun"], r["original"]) for r in learners], f"{fam}-{data.split}")
        pairs = dictionary_pairs(dic)
        restored = sf.restore([(r["spun"], str(dic)) for r in targets], f"{fam} with learned dictionary")
        outcomes, held = [], []
        for r, txt in zip(targets, restored):
            if txt is None:
                continue
            outcomes.append(restore_outcome(r["original"], r["spun"], txt, r["swaps"]))
            held.append([(norm(s["spun"]), norm(s["original"])) in pairs for s in r["swaps"]])
        out["learned"][fam] = dict(pool(outcomes, held), dictionary_pairs=len(pairs),
                                   learned_from=[r["id"] for r in learners])
        # (d) the same dictionary on clean prose: what a user's pairs change in text nobody spun
        restored = sf.restore([(d["text"], str(dic)) for d in clean_docs], f"clean prose with the {fam} dictionary")
        out["learned_clean"][fam] = pool([restore_outcome(d["text"], d["text"], t, [])
                                          for d, t in zip(clean_docs, restored) if t is not None])
    # (b) shipped knowledge only, heavy spin (>= 10 % of words inside swaps)
    groups = {fam: _by_hash([r for r in recs if r["share"] >= 0.10])[:limit] for fam, recs in data.spun.items()}
    groups["handspun"] = _by_hash([r for r in data.handspun if r["share"] >= 0.10 and r["swaps_ok"]])[:limit]
    all_outcomes = []
    for name, recs in groups.items():
        if not recs:
            continue
        restored = sf.restore([(r["spun"], None) for r in recs], f"{name} heavy, shipped knowledge")
        outcomes = [restore_outcome(r["original"], r["spun"], t, r["swaps"]) for r, t in zip(recs, restored) if t is not None]
        out["shipped_heavy"][name] = pool(outcomes)
        all_outcomes += outcomes
    out["shipped_heavy"]["all"] = pool(all_outcomes)
    # (c) changes made to clean prose
    all_outcomes = []
    for g in GENRES:
        docs = _by_hash([d for d in data.clean if d["genre"] == g])[:limit]
        if not docs:
            continue
        restored = sf.restore([(d["text"], None) for d in docs], f"clean {g}")
        outcomes = [restore_outcome(d["text"], d["text"], t, []) for d, t in zip(docs, restored) if t is not None]
        out["clean"][g] = pool(outcomes)
        all_outcomes += outcomes
    out["clean"]["all"] = pool(all_outcomes)
    return out


# ============================================================================ reporting

def pct(v, digits=0) -> str:
    return "—" if v is None else f"{100 * v:.{digits}f} %"


def num(v, digits=2) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def markdown(res: dict) -> str:
    L = [f"# spinfix evaluation: {res['label']} ({res['spinfix_commit']}), split {res['split']}", "",
         f"Run {res['created']} on {res['spinfix_dir']}. A document is flagged at likelihood >= {res['flag_threshold']}. "
         "Bands: share of the spun text's words inside swaps (word-level diff against the original). "
         "Protocol: evaluation/README.md.", ""]
    if "families" in res:
        L += _detection_markdown(res)
    L += _restore_markdown(res["restore"])
    if "pr_curve" in res:
        L += _pr_markdown(res)
    return "\n".join(L)


def _detection_markdown(res: dict) -> list[str]:
    L = []
    bands = [b[0] for b in REPORT_BANDS]
    L += ["## Spun documents flagged (AUC against their clean sources)", "",
          "| set | " + " | ".join(f"{b} %" for b in bands) + " |", "|---|" + "---|" * len(bands)]
    rows = [(f"family {f}", t) for f, t in res["families"].items()]
    rows += [(f"hand-spun {g}", t) for g, t in res["handspun"].items() if isinstance(t, dict) and "<3" in t]
    for name, t in rows:
        L.append(f"| {name} | " + " | ".join(
            f"{pct(t[b]['flagged'])} / {num(t[b]['auc'])} (n={t[b]['documents']})" if t[b]["documents"] else "—"
            for b in bands) + " |")
    L += ["", "Within >= 10 %: " + "; ".join(
        f"{name}: 10-20 % {pct(t['10-20']['flagged'])}, >= 20 % {pct(t['>=20']['flagged'])}" for name, t in rows), ""]
    if res["handspun"].get("originals_flagged") is not None:
        L += [f"Hand-spun originals flagged: {pct(res['handspun']['originals_flagged'])}.", ""]
    if res["handspun"].get("problems"):
        L += [f"Hand-spun passages whose swaps do not fit their texts: {', '.join(map(str, res['handspun']['problems']))}.", ""]
    L += ["## Held-out clean prose", "", "| genre | documents | flagged documents | sentences | flagged sentences |",
          "|---|---|---|---|---|"]
    for g, t in res["clean"].items():
        L.append(f"| {g} | {t['documents']} | {pct(t['flagged_documents'], 1)} | {t['sentences']} | {pct(t['flagged_sentences'], 1)} |")
    t = res["tortured"]
    L += ["", "## Tortured phrases", ""]
    if t.get("sentences"):
        L += [f"{t['sentences']} sentences with a tortured phrase: {pct(t['flagged_on_phrase'])} flagged with a suspect "
              f"on the phrase ({pct(t['flagged_anywhere'])} flagged at all); {t['clean_sentences']} clean science "
              f"sentences: {pct(t['clean_flagged'], 1)} flagged; each scored as a text of its own, likely spun "
              f"(its spin likelihood at 0.5 or more): {pct(t.get('likely_spun'))} of the tortured, "
              f"{pct(t.get('clean_likely_spun'), 1)} of the clean; sentence AUC {num(t['sentence_auc'])}.", ""]
    else:
        L += [t.get("note", "no data"), ""]
    return L


def _restore_markdown(r: dict) -> list[str]:
    L = ["## Reference-free restore", "",
          "| setting | documents | swaps | changes | precision | precision by word | recall | recall over held swaps (share held) | changes / 1,000 words |",
          "|---|---|---|---|---|---|---|---|---|"]
    for fam, p in r["learned"].items():
        L.append(f"| (a) {fam}, dictionary from 3 pairs | {p['documents']} | {p['swaps']} | {p['changes']} | "
                 f"{num(p['precision'])} | {num(p.get('precision_by_word'))} | {num(p['recall'])} | "
                 f"{num(p.get('recall_held'))} ({pct(p.get('held_share'))}) | {num(p['changes_per_1000_words'], 1)} |")
    for name, p in r["shipped_heavy"].items():
        L.append(f"| (b) {name}, shipped knowledge, >= 10 % | {p['documents']} | {p['swaps']} | {p['changes']} | "
                 f"{num(p['precision'])} | {num(p.get('precision_by_word'))} | {num(p['recall'])} | — | "
                 f"{num(p['changes_per_1000_words'], 1)} |")
    for g, p in r["clean"].items():
        L.append(f"| (c) clean {g} | {p['documents']} | — | {p['changes']} | — | — | — | — | {num(p['changes_per_1000_words'], 2)} |")
    for fam, p in r.get("learned_clean", {}).items():
        L.append(f"| (d) clean prose, {fam} dictionary from 3 pairs | {p['documents']} | — | {p['changes']} | — | — | — | — | "
                 f"{num(p['changes_per_1000_words'], 2)} |")
    return L + ["", "Precision by word also counts a change that writes the original's words where a swap of "
                "several words is left half spun (evaluation/README.md).", ""]


def _pr_markdown(res: dict) -> list[str]:
    L = ["## Precision-recall (documents)", "",
          "| positives | spun / clean | AUC | average precision | at 0.5: recall | clean flagged | precision | balanced precision |",
          "|---|---|---|---|---|---|---|---|"]
    for name in ("all", ">=10"):
        pr = res["pr_curve"][name]
        a = pr["at_flag_threshold"]
        L.append(f"| {name} | {pr['positives']} / {pr['negatives']} | {num(pr['auc'])} | {num(pr['average_precision'])} | "
                 f"{pct(a['recall'])} | {pct(a['fpr'], 1)} | {num(a['precision'])} | {num(a['balanced_precision'])} |")
    L += ["", "Points over all thresholds in the JSON (`pr_curve`); balanced precision weighs spun and clean "
          "documents as equally common.", ""]
    return L


def plot(res: dict, path: Path) -> bool:
    if "pr_curve" not in res:
        return False
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    for name, style in (("all", "-"), (">=10", "--")):
        pr = res["pr_curve"][name]
        pts = [p for p in pr["points"] if p["balanced_precision"] is not None]
        line, = ax.plot([p["recall"] for p in pts], [p["balanced_precision"] for p in pts], style, lw=1.5,
                        label=f"{'all bands' if name == 'all' else '>= 10 % inside swaps'} (AUC {num(pr['auc'])})")
        a = pr["at_flag_threshold"]
        if a["recall"] is not None and a["balanced_precision"] is not None:
            ax.plot([a["recall"]], [a["balanced_precision"]], "o", color=line.get_color())
    ax.legend(loc="lower left", fontsize=8, title=f"dots: likelihood >= {FLAG_AT}", title_fontsize=8)
    ax.set_xlabel("recall (spun documents)")
    ax.set_ylabel("precision (spun and clean equally common)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0.4, 1.02)
    ax.set_title(f"{res['label']} ({res['spinfix_commit']}), {res['split']}")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spinfix", required=True, help="the spinfix checkout to run")
    ap.add_argument("--label", required=True, help="names this version in the cache and the results")
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    ap.add_argument("--limit", type=int, default=None, help="at most N documents per genre (and per hand-spun file)")
    ap.add_argument("--restore-limit", type=int, default=30,
                    help="documents restored per family / genre / setting (default 30)")
    ap.add_argument("--families", default="", help="spinner families (default: all that spinners/ offers)")
    ap.add_argument("--out", default=None, help="default: evaluation/results/LABEL-SPLIT.json")
    ap.add_argument("--jobs", type=int, default=1, help="processes spinfix scores with (each holds its own judge)")
    ap.add_argument("--python", default=sys.executable, help="the interpreter that runs spinfix")
    ap.add_argument("--cache", default=DEFAULT_CACHE)
    ap.add_argument("--only", choices=("restore",), help="measure the reference-free restore alone")
    args = ap.parse_args(argv)
    cache = Path(args.cache).expanduser()
    directory = Path(args.spinfix).resolve()
    if not (directory / "spinfix" / "__init__.py").is_file():
        ap.error(f"{directory} is not a spinfix checkout")
    out = Path(args.out or HERE / "results" / f"{args.label}-{args.split}{'-' + args.only if args.only else ''}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    data = Data(cache, args.split, args.limit, [f for f in args.families.split(",") if f] or None)
    log(f"split {args.split}: {len(data.clean)} clean documents, "
        + ", ".join(f"{f} {len(r)} spun" for f, r in data.spun.items())
        + f", {len(data.handspun)} hand-spun, {len(data.tortured)} tortured + {len(data.tortured_clean)} clean sentences")
    sf = Spinfix(directory, args.label, cache, args.python, jobs=args.jobs)
    res = evaluate(sf, data, args.restore_limit, args.only)
    res["seconds"] = round(time.time() - t0, 1)
    res["limit"], res["restore_limit"] = args.limit, args.restore_limit
    out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(res) + "\n", encoding="utf-8")
    png = plot(res, out.with_suffix(".png"))
    log(f"wrote {out}, {out.with_suffix('.md')}" + (f", {out.with_suffix('.png')}" if png else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
