"""How often "cannot judge" refuses English prose (false refusals), and what it refuses.

English of every genre: the hand-spun set's originals and spun copies (news, science abstracts,
READMEs with code blocks, product pages; ``evaluation/handspun``), the held-out clean prose of
the evaluation harness where it was built (``~/.cache/spinfix-eval/clean/*.jsonl``:
Reuters-21578 and ABC news, Bioconductor vignettes, PyPI and Debian READMEs, Debian product
descriptions; ``evaluation/build_clean.py``), and every document of the training and
out-of-domain corpora that ``setup.sh`` installs (BBC 2004-05, State of the Union 1790-,
Brown Corpus, FOLDOC). Text it should refuse: the test suite's samples (German, Chinese, Python,
JavaScript, numbers, a CSV table, random bytes), and, where present on this machine, Python, C
and JavaScript source with its comments and docstrings removed (``/usr/lib/python3*``,
``/usr/include``, ``/usr/share``: code, not prose).

Usage: ``python benchmarks/cannot_judge.py [--json OUT] [--no-corpora]``
"""
from __future__ import annotations

import argparse
import glob
import io
import json
import random
import re
import sys
import time
import tokenize
from collections import Counter
from pathlib import Path

from output import emit
from spinfix.text.language import prose_check

ROOT = Path(__file__).resolve().parents[1]


def _jsonl(pattern: str, *fields: str) -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    for path in sorted(glob.glob(pattern)):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            for name in fields:
                sets.setdefault(f"{Path(path).stem}/{name}", []).append(record[name])
    return sets


def english_sets(corpora: bool) -> dict[str, list[str]]:
    sets = {}
    handspun = _jsonl(str(ROOT / "evaluation" / "handspun" / "*.jsonl"), "original", "spun")
    for name, texts in handspun.items():
        sets[f"handspun/{name}"] = list(dict.fromkeys(texts))  # an original is listed once per spun copy
    for name, texts in _jsonl(str(Path.home() / ".cache" / "spinfix-eval" / "clean" / "*.jsonl"), "text").items():
        sets[f"clean/{name.split('/')[0]}"] = texts
    if corpora:
        from spinfix.training.corpora import SOURCES

        for source in SOURCES:
            try:
                sets[f"corpus/{source.name}"] = [d.text for d in source.load()]
            except Exception as exc:  # a corpus not installed on this machine
                print(f"{source.name}: skipped ({exc})", file=sys.stderr)
    return sets


def _python_code(limit: int) -> list[str]:
    out = []
    for path in sorted(glob.glob("/usr/lib/python3*/**/*.py", recursive=True))[::7]:
        try:
            source = Path(path).read_text(encoding="utf-8")
            tokens, previous = [], None
            for t in tokenize.generate_tokens(io.StringIO(source).readline):
                if t.type == tokenize.COMMENT:
                    continue
                if t.type == tokenize.STRING and previous in (tokenize.INDENT, tokenize.NEWLINE, tokenize.DEDENT, None):
                    t = t._replace(string='""')  # a docstring: prose, not code
                tokens.append(t)
                previous = t.type
            code = tokenize.untokenize(tokens)
        except (OSError, UnicodeDecodeError, SyntaxError, tokenize.TokenError, IndentationError, ValueError):
            continue
        if len(code) >= 1500:
            out.append(code[:6000])
        if len(out) >= limit:
            break
    return out


def _braced_code(pattern: str, limit: int) -> list[str]:
    out = []
    for path in sorted(glob.glob(pattern, recursive=True))[::5]:
        try:
            source = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        code = re.sub(r"(?m)^\s*//.*$", "", re.sub(r"/\*.*?\*/", "", source, flags=re.S))
        if len(code) >= 1500 and code.count("\n") >= 20:
            out.append(code[:6000])
        if len(out) >= limit:
            break
    return out


def refusable_sets() -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_verdicts import NOT_ENGLISH

    sets = {f"samples/{name}": [text] for name, (text, _) in NOT_ENGLISH.items()}
    for name, texts in (("code/python", _python_code(60)), ("code/c", _braced_code("/usr/include/**/*.h", 60)),
                        ("code/javascript", _braced_code("/usr/share/**/*.js", 60))):
        if texts:
            sets[name] = texts
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument("--no-corpora", action="store_true", help="leave out the training corpora (minutes)")
    args = parser.parse_args()
    random.seed(0)
    started = time.monotonic()
    report: dict = {"english": {}, "refusable": {}}
    refused_total = english_total = 0
    for name, texts in english_sets(not args.no_corpora).items():
        refused = [t[:120] for t in texts if not prose_check(t).judgeable]
        report["english"][name] = {"documents": len(texts), "refused": len(refused), "examples": refused[:3]}
        refused_total += len(refused)
        english_total += len(texts)
    report["false_refusal_rate"] = {"refused": refused_total, "documents": english_total,
                                    "rate": round(refused_total / max(english_total, 1), 5)}
    for name, texts in refusable_sets().items():
        kinds = Counter(prose_check(t).kind for t in texts)
        report["refusable"][name] = {"documents": len(texts), "refused": len(texts) - kinds.pop("english", 0),
                                     "kinds": dict(kinds)}
    report["seconds"] = round(time.monotonic() - started, 1)
    emit(report, args.json)


if __name__ == "__main__":
    main()
