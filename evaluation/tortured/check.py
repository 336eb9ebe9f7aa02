#!/usr/bin/env python3
"""Validate the tortured-phrase test files and run the dictionary exclusion check.

    python evaluation/tortured/check.py

Checks sentences.jsonl (keys, split rule, exactly one occurrence of the phrase,
clean == text with the phrase replaced by the original, 15-40 words, at least
150 distinct phrases and 12 fields) and clean.jsonl (keys, split rule, no
tortured phrase of sentences.jsonl in any clean sentence). Then reports how
many tortured phrases appear as the spun side of a row of spinfix's shipped
dictionary (models/dictionary.tsv); those must be 0. As information only, it
also counts phrases with at least one aligned word pair (spun word, original
word) that the dictionary lists. Exit status 1 on any failure. Stdlib only.
"""
import collections
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DICT = os.path.join(ROOT, "models", "dictionary.tsv")


def split_of(i):
    return "test" if int(hashlib.sha1(i.encode()).hexdigest(), 16) % 5 < 3 else "dev"


def norm(s):
    return " ".join(s.lower().split())


def occurrences(phrase, text):
    return len(re.findall(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", text))


def main():
    errors = []
    sent = [json.loads(l) for l in open(os.path.join(HERE, "sentences.jsonl"), encoding="utf-8")]
    clean = [json.loads(l) for l in open(os.path.join(HERE, "clean.jsonl"), encoding="utf-8")]
    for r in sent:
        if list(r) != ["id", "split", "field", "text", "phrase", "original", "clean"]:
            errors.append("%s: keys" % r["id"])
        if r["split"] != split_of(r["id"]):
            errors.append("%s: split" % r["id"])
        if occurrences(r["phrase"], r["text"]) != 1:
            errors.append("%s: phrase not exactly once in text" % r["id"])
        if r["text"].replace(r["phrase"], r["original"], 1) != r["clean"]:
            errors.append("%s: clean is not text with the original term" % r["id"])
        if not 15 <= len(r["text"].split()) <= 40:
            errors.append("%s: %d words" % (r["id"], len(r["text"].split())))
    phrases = {norm(r["phrase"]) for r in sent}
    for r in clean:
        if list(r) != ["id", "split", "field", "text"]:
            errors.append("%s: keys" % r["id"])
        if r["split"] != split_of(r["id"]):
            errors.append("%s: split" % r["id"])
        low = r["text"].lower()
        for p in phrases:
            if occurrences(p, low):
                errors.append("%s: contains tortured phrase %r" % (r["id"], p))
    texts = [r["text"] for r in sent] + [r["text"] for r in clean]
    if len(set(texts)) != len(texts):
        errors.append("duplicate sentences")
    fields = collections.Counter(r["field"] for r in sent)
    if len(phrases) < 150:
        errors.append("only %d distinct phrases" % len(phrases))
    if len(fields) < 12:
        errors.append("only %d fields" % len(fields))

    # dictionary exclusion check: the spun side of spinfix's shipped dictionary
    spun_side, pairs = set(), set()
    with open(DICT, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or line.startswith("spun\t"):
                continue
            cols = line.rstrip("\n").split("\t")
            spun_side.add(norm(cols[0]))
            if len(cols) > 1:
                pairs.add((norm(cols[0]), norm(cols[1])))
    in_dict = sorted(r["phrase"] for r in sent if norm(r["phrase"]) in spun_side)
    word_pair = 0
    for r in sent:
        sw, ow = norm(r["phrase"]).split(), norm(r["original"]).split()
        if len(sw) == len(ow) and any((a, b) in pairs for a, b in zip(sw, ow) if a != b):
            word_pair += 1
    if in_dict:
        errors.append("%d phrase(s) on the dictionary's spun side: %s" % (len(in_dict), in_dict))

    print("sentences.jsonl: %d rows, %s" % (len(sent), dict(collections.Counter(r["split"] for r in sent))))
    print("clean.jsonl:     %d rows, %s" % (len(clean), dict(collections.Counter(r["split"] for r in clean))))
    print("distinct tortured phrases: %d; fields: %d; capitalised phrases: %d" % (
        len(phrases), len(fields), sum(r["phrase"][0].isupper() for r in sent)))
    print("phrases on the spun side of models/dictionary.tsv: %d" % len(in_dict))
    print("phrases with a word pair listed in the dictionary (information only): %d" % word_pair)
    for e in errors:
        print("ERROR:", e)
    print("ok" if not errors else "%d error(s)" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
