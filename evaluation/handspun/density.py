#!/usr/bin/env python3
"""Check hand-spun evaluation passages (evaluation/handspun/GENRE.jsonl).

For every passage: the share of the SPUN text's words that lie inside the
word-level diff against the original, whether that share is inside its level's
band, and whether the listed swaps account for the diff exactly (applying them
to the original in order, with nothing else changed, gives the spun text).

    python evaluation/handspun/density.py evaluation/handspun/news.jsonl [more.jsonl ...]

Prints one line per passage (id, level, share, words, flags), a summary per
level, and warnings for swap pairs used in more than 3 passages in total.
Exit status 1 if any passage is flagged. Standard library only.
"""
import collections
import difflib
import hashlib
import json
import re
import sys

BANDS = {"light": (0.03, 0.05), "medium": (0.05, 0.10), "heavy": (0.12, 1.0)}
KEYS = ["id", "source_id", "genre", "split", "level", "original", "spun", "swaps"]
WORD = re.compile(r"\S+")


def words_with_spans(text):
    return [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]


def share(original, spun):
    """Share of spun words in non-equal opcodes, plus the changed word indices."""
    ow = [w for w, _, _ in words_with_spans(original)]
    sw = [w for w, _, _ in words_with_spans(spun)]
    sm = difflib.SequenceMatcher(None, ow, sw, autojunk=False)
    changed_o, changed_s = set(), set()
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            changed_o.update(range(i1, i2))
            changed_s.update(range(j1, j2))
    return (len(changed_s) / len(sw) if sw else 0.0), changed_o, changed_s


def bounded(text, a, b):
    """A swap starts and ends on word boundaries (it never cuts a word in two)."""
    left = a == 0 or not (text[a - 1].isalnum() and text[a].isalnum())
    right = b == len(text) or not (text[b - 1].isalnum() and text[b].isalnum())
    return left and right


def apply_swaps(original, spun, swaps):
    """Align the swaps, in order, to both texts with identical text between them.

    Returns (ok, message, original char spans, spun char spans)."""
    co = cs = 0
    ospans, sspans = [], []
    for k, sw in enumerate(swaps):
        o, s = sw["original"], sw["spun"]
        if not o or not s:
            return False, "swap %d has an empty side" % k, ospans, sspans
        found = False
        p = original.find(o, co)
        while p >= 0:
            gap = p - co
            ps = cs + gap
            if (original[co:p] == spun[cs:ps]
                    and spun[ps:ps + len(s)] == s
                    and bounded(original, p, p + len(o))
                    and bounded(spun, ps, ps + len(s))):
                ospans.append((p, p + len(o)))
                sspans.append((ps, ps + len(s)))
                co, cs = p + len(o), ps + len(s)
                found = True
                break
            p = original.find(o, p + 1)
        if not found:
            return False, "swap %d %r <- %r not found in order" % (k, s, o), ospans, sspans
    if original[co:] != spun[cs:]:
        return False, "text after the last swap differs", ospans, sspans
    return True, "", ospans, sspans


def covered(text, spans):
    idx = set()
    for i, (_, a, b) in enumerate(words_with_spans(text)):
        for x, y in spans:
            if a < y and x < b:
                idx.add(i)
                break
    return idx


def check(rec):
    flags = []
    if list(rec.keys()) != KEYS:
        flags.append("keys/order")
    sid = rec.get("source_id", "")
    want = "test" if int(hashlib.sha1(sid.encode()).hexdigest(), 16) % 5 < 3 else "dev"
    if rec.get("split") != want:
        flags.append("split should be " + want)
    if rec.get("id") != "%s-%s" % (sid, rec.get("level")):
        flags.append("id")
    original, spun, swaps = rec["original"], rec["spun"], rec["swaps"]
    sh, ch_o, ch_s = share(original, spun)
    lo, hi = BANDS.get(rec.get("level"), (0, 0))
    if not (lo <= sh <= hi):
        flags.append("share outside %s band %.0f-%.0f%%" % (rec.get("level"), lo * 100, hi * 100))
    for sw in swaps:
        if sw.get("spun") == sw.get("original"):
            flags.append("no-op swap %r" % sw.get("spun"))
    ok, msg, ospans, sspans = apply_swaps(original, spun, swaps)
    if not ok:
        flags.append(msg)
    else:
        extra_s = ch_s - covered(spun, sspans)
        extra_o = ch_o - covered(original, ospans)
        if extra_s or extra_o:
            sw_ = [w for w, _, _ in words_with_spans(spun)]
            ow_ = [w for w, _, _ in words_with_spans(original)]
            flags.append("diff outside swaps: spun %s original %s" % (
                [sw_[i] for i in sorted(extra_s)], [ow_[i] for i in sorted(extra_o)]))
    nwords = len(WORD.findall(original))
    return sh, nwords, flags


def main(paths):
    bad = 0
    per_level = collections.defaultdict(list)
    pair_uses = collections.defaultdict(set)
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                rec = json.loads(line)
                sh, nwords, flags = check(rec)
                per_level[rec.get("level")].append(sh)
                for sw in rec["swaps"]:
                    pair_uses[(sw["spun"].lower(), sw["original"].lower())].add(rec["id"])
                print("%-24s %-6s %5.1f%%  %3d words  %s" % (
                    rec.get("id"), rec.get("level"), 100 * sh, nwords,
                    "FLAG: " + "; ".join(flags) if flags else "ok"))
                bad += bool(flags)
    for level in ("light", "medium", "heavy"):
        v = per_level.get(level)
        if v:
            print("%-6s n=%d share min %.1f%% median %.1f%% max %.1f%%" % (
                level, len(v), 100 * min(v), 100 * sorted(v)[len(v) // 2], 100 * max(v)))
    reused = {p: ids for p, ids in pair_uses.items() if len(ids) > 3}
    for (s, o), ids in sorted(reused.items()):
        print("warning: pair %r <- %r in %d passages" % (s, o, len(ids)))
    print("%d passage(s) flagged" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
