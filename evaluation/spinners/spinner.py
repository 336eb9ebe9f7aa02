"""An article spinner for evaluation: swaps words and phrases from a synonym table.

It behaves like the commercial spinners described in shared/notes/field-notes.md: left to
right over the text's words, longest phrase first, each match swapped with probability
``rate`` for an alternative drawn at random (no sense disambiguation), case carried over,
names, numbers, URLs, e-mail addresses and code left alone. With ``artifacts`` a small
share of swaps come out the way real spinners damage words: hyphenated or split compounds,
invented derivations ("privacy" -> "privateness") and spelling variants ("inquiry" ->
"enquiry").

Its tables ("families") come from resources spinfix never reads (see README.md): a
hand-written commercial-style table, GCIDE's synonym paragraphs and Roget's Thesaurus
(1911). Only the standard library is used, and spinfix is never imported.

    from spinner import load_table, spin, families
    table = load_table("handwritten")
    spun, swaps = spin(text, table, rate=0.3, seed=1)

CLI: ``python spinner.py --family handwritten --rate 0.3 --seed 1 FILE [--json]``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

__all__ = ["load_table", "spin", "families", "cache_dir"]


# ---------------------------------------------------------------------------- tables

def cache_dir() -> Path:
    """Where built (not committed) tables go: $SPINFIX_EVAL_CACHE or ~/.cache/spinfix-eval."""
    return Path(os.environ.get("SPINFIX_EVAL_CACHE") or Path.home() / ".cache" / "spinfix-eval")


# family -> (file name, where it lives, builder module or None)
_FAMILIES = {
    "handwritten": ("handwritten.tsv", "here", None),
    "gcide": ("gcide.tsv", "cache", "build_gcide"),
    "roget": ("roget.tsv", "cache", "build_roget"),
}


def families() -> dict[str, Path]:
    """Every spinner family built here: name -> path of its table (built ones may not exist yet;
    ``load_table(name)`` builds them)."""
    out = {}
    for name, (filename, where, _builder) in _FAMILIES.items():
        out[name] = (HERE if where == "here" else cache_dir()) / filename
    return out


def _build(name: str) -> Path:
    builder = _FAMILIES[name][2]
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    module = __import__(builder)
    return Path(module.build(families()[name]))


def load_table(path_or_name) -> dict[str, list[str]]:
    """A table as ``{head: [alternatives]}``: lowercase heads (multi-word allowed).

    Accepts a family name from :func:`families` (a table built at evaluation time is built on
    first use) or the path of a ``head<TAB>alt1|alt2|...`` file (``#`` lines are comments).
    """
    name = str(path_or_name)
    if name in _FAMILIES:
        path = families()[name]
        if not path.exists():
            path = _build(name)
    else:
        path = Path(name)
    table: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#") or "\t" not in line:
                continue
            head, alts = line.split("\t", 1)
            head = " ".join(head.lower().replace("\u2019", "'").split())
            bucket = table.setdefault(head, [])
            for alt in alts.split("|"):
                alt = " ".join(alt.split())
                if alt and alt.lower() != head and alt not in bucket:
                    bucket.append(alt)
            if not bucket:
                del table[head]
    return table


# ---------------------------------------------------------------------------- artifacts
# Written by hand for this spinner (no word list read): US <-> British spellings.
_SPELLING_WORDS = {
    "inquiry": "enquiry", "inquiries": "enquiries", "inquire": "enquire", "gray": "grey",
    "program": "programme", "programs": "programmes", "catalog": "catalogue", "analog": "analogue",
    "dialog": "dialogue", "aging": "ageing", "judgment": "judgement", "judgments": "judgements",
    "acknowledgment": "acknowledgement", "mold": "mould", "plow": "plough", "skeptical": "sceptical",
    "skeptic": "sceptic", "jewelry": "jewellery", "maneuver": "manoeuvre", "percent": "per cent",
    "defense": "defence", "offense": "offence", "license": "licence", "pretense": "pretence",
    "center": "centre", "centers": "centres", "theater": "theatre", "meter": "metre",
    "liter": "litre", "fiber": "fibre", "somber": "sombre", "caliber": "calibre", "specter": "spectre",
    "pajamas": "pyjamas", "tire": "tyre", "curb": "kerb", "draft": "draught", "cozy": "cosy",
    "mustache": "moustache", "fulfill": "fulfil", "enroll": "enrol", "installment": "instalment",
    "cancellation": "cancelation", "traveler": "traveller", "toward": "towards", "among": "amongst",
    "while": "whilst", "learned": "learnt", "spelled": "spelt", "dreamed": "dreamt",
    "burned": "burnt", "leaped": "leapt", "airplane": "aeroplane", "aluminum": "aluminium",
    "anemia": "anaemia", "pediatric": "paediatric", "encyclopedia": "encyclopaedia",
    "estrogen": "oestrogen", "fetus": "foetus", "maneuvers": "manoeuvres",
}
_SPELLING_WORDS.update({v: k for k, v in list(_SPELLING_WORDS.items())})
_OUR_STEMS = ("col", "hon", "lab", "fav", "neighb", "behavi", "hum", "rum", "harb", "vig",
              "flav", "sav", "endeav", "arm", "od", "val", "vap", "rig", "parl", "clam",
              "cand", "tum", "ferv", "splend", "glam")
_IZE_EXCEPTIONS = {"size", "seize", "prize", "capsize", "baptize", "maize", "ize"}
_DOUBLE_L_STEMS = ("travel", "cancel", "label", "model", "fuel", "level", "signal", "total",
                   "counsel", "marvel", "channel", "tunnel", "funnel", "dial", "duel", "jewel",
                   "quarrel", "shovel", "panel")
# invented derivations: suffix -> replacement (a spinner "deriving" a form no dictionary has)
_MORPH_RULES = (
    ("acy", "ateness"), ("acies", "atenesses"), ("bility", "bleness"), ("ivity", "iveness"),
    ("osity", "ousness"), ("ality", "alness"), ("urity", "ureness"), ("ency", "entness"),
    ("ancy", "antness"), ("ence", "entness"), ("ance", "antness"), ("ically", "icly"),
    ("iety", "iousness"), ("ization", "izement"), ("ification", "ifiment"),
)
_MORPH_EXCEPTIONS = {"science", "balance", "finance", "fence", "hence", "whence", "thence",
                     "dance", "chance", "glance", "stance", "advance", "instance", "sentence",
                     "entrance", "romance", "france", "province", "commence", "licence", "pence"}
_PREFIXES = ("counter", "inter", "under", "multi", "super", "over", "anti", "post", "non",
             "pre", "sub", "mis", "out", "re", "co")
_COMPOUNDS = {  # compound -> where it splits
    "online": 2, "website": 3, "email": 1, "weekend": 4, "everyday": 5, "healthcare": 6,
    "nationwide": 6, "worldwide": 5, "workplace": 4, "lifetime": 4, "deadline": 4,
    "database": 4, "headline": 4, "homepage": 4, "newsletter": 4, "feedback": 4,
    "lifestyle": 4, "wildlife": 4, "teenager": 4, "someone": 4, "something": 4, "anyone": 3,
    "everyone": 5, "nowadays": 3, "however": 3, "nevertheless": 5, "nonetheless": 4,
    "meanwhile": 4, "notebook": 4, "smartphone": 5, "download": 4, "upload": 2, "login": 3,
    "offline": 3, "framework": 5, "network": 3, "software": 4, "hardware": 4, "keyboard": 3,
    "bookstore": 4, "classroom": 5, "countryside": 7, "throughout": 7, "whatever": 4,
    "anywhere": 3, "somewhere": 4, "overall": 4, "outcome": 3, "income": 2, "breakthrough": 5,
}


def _spelling_variant(word: str) -> str | None:
    low = word.lower()
    if low in _SPELLING_WORDS:
        return _SPELLING_WORDS[low]
    for us, uk in (("ization", "isation"), ("izing", "ising"), ("ized", "ised"), ("izes", "ises"),
                   ("ize", "ise"), ("yzed", "ysed"), ("yze", "yse")):
        if low.endswith(us) and len(low) > len(us) + 2 and low not in _IZE_EXCEPTIONS:
            return low[: -len(us)] + uk
    for stem in _OUR_STEMS:
        for end in ("or", "ors", "ored", "oring", "orful", "orable", "orhood", "orhoods",
                    "orly", "orless", "orite", "orites", "orious"):
            if low == stem + end:
                return stem + "our" + end[2:]
            uk_end = "our" + end[2:]
            if low == stem + uk_end:
                return stem + end
    for stem in _DOUBLE_L_STEMS:
        for end in ("ed", "ing", "er", "ers"):
            if low == stem + end:
                return stem + "l" + end
            if low == stem + "l" + end:
                return stem + end
    return None


def _morph_variant(word: str) -> str | None:
    low = word.lower()
    for suffix, repl in _MORPH_RULES:
        if low.endswith(suffix) and len(low) >= len(suffix) + 3 and low not in _MORPH_EXCEPTIONS:
            return low[: -len(suffix)] + repl
    return None


def _hyphen_variant(phrase: str, original: str = "", known=None) -> str | None:
    """A hyphenated or split form: "month to month" -> "month-to-month" (for a one-word
    original), "well-known" -> "well known", "online" -> "on-line", "reconsider" ->
    "re-consider" (only where the rest is itself a word the table knows)."""
    low = phrase.lower()
    words = low.split(" ")
    if 2 <= len(words) <= 4 and all(w.isalpha() for w in words):
        one_word = bool(original) and " " not in original.strip()
        compound = (len(words) == 2 and (len(words[0]) == 1 or "".join(words) in _COMPOUNDS)) or (
            len(words) >= 3 and all(w in _SMALL for w in words[1:-1]))
        return "-".join(words) if one_word and compound else None
    if "-" in low and " " not in low:
        return low.replace("-", " ")
    if low in _COMPOUNDS:
        cut = _COMPOUNDS[low]
        return low[:cut] + "-" + low[cut:]
    if low.isalpha() and known is not None:
        for prefix in _PREFIXES:
            rest = low[len(prefix):]
            if low.startswith(prefix) and len(rest) >= 4 and rest in known:
                return prefix + "-" + rest
    return None


def _artifact_options(alt: str, original: str, table) -> list[tuple[str, str]]:
    low = original.lower()
    options = [("hyphen", _hyphen_variant(alt, original, table)), ("morph", _morph_variant(alt)),
               ("spelling", _spelling_variant(alt))]
    return [(kind, v) for kind, v in options if v and v.lower() != low]
ARTIFACT_SHARE = 0.25  # of table swaps whose alternative comes out damaged
LOOSE_ARTIFACT_SHARE = 0.2  # times rate: unmatched words with a variant that get one


# ---------------------------------------------------------------------------- tokens

# a word, with its contraction ("don't", "we're"); a possessive "'s" stays outside ("mayor" + "'s")
_WORD_RE = re.compile(r"(?<![A-Za-z]['\u2019])[A-Za-z]+(?:['\u2019](?:t|re|ve|ll|d|m)(?![A-Za-z]))?")
_PROTECT_RES = (
    re.compile(r"```.*?```", re.S),
    re.compile(r"`[^`\n]+`"),
    re.compile(r"<[^>\n]+>"),
    re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"]+", re.I),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    re.compile(r"(?<![\w@])[@#][A-Za-z_]\w*"),
    # a run of non-space characters with a digit, an underscore, a slash, a backslash, an
    # equals sign or a dot between letters: numbers, identifiers, file names, paths, domains
    re.compile(r"\S*(?:\d|_|/|\\|=|[A-Za-z]\.[A-Za-z])\S*"),
)
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "col", "sen", "rep", "gov", "lt", "sgt",
                  "capt", "prof", "jr", "sr", "no", "vs", "etc", "inc", "co", "corp", "ltd",
                  "mt", "ft", "rev", "hon", "gov", "adm", "maj", "cmdr", "supt", "fig", "eq"}
# number words are numbers: never spun
_NUMBER_WORDS = set("""zero one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
eighty ninety hundred thousand million billion trillion dozen""".split())
_SMALL = {"a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "but", "at", "by",
          "with", "from", "as", "into", "nor", "per"}
_OPENERS = set("\"'\u201c\u2018([{*#>-\u2013\u2014\u2022 \t")


class _Token:
    __slots__ = ("start", "end", "text", "key", "protected", "start_of_sentence", "line")

    def __init__(self, match, line):
        self.start, self.end, self.text = match.start(), match.end(), match.group()
        self.key = self.text.lower().replace("\u2019", "'")
        self.protected = False
        self.start_of_sentence = False
        self.line = line


def _protected_mask(text: str) -> bytearray:
    mask = bytearray(len(text))
    for regex in _PROTECT_RES:
        for m in regex.finditer(text):
            mask[m.start(): m.end()] = b"\x01" * (m.end() - m.start())
    return mask


def _sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    saw_newline = 0
    while i >= 0 and (text[i] in _OPENERS or text[i] in "\r\n"):
        if text[i] == "\n":
            saw_newline += 1
        i -= 1
    if i < 0:
        return True
    ch = text[i]
    if saw_newline >= 2:
        return True
    if ch in ".!?":
        j = i - 1
        while j >= 0 and text[j] in "\"'\u201d\u2019)":
            j -= 1
        k = j
        while k >= 0 and text[k].isalpha():
            k -= 1
        word = text[k + 1: j + 1]
        if i > 0 and text[i - 1].isalpha() and (word.lower() in _ABBREVIATIONS
                                                 or (len(word) == 1 and word.isupper())):
            return False
        return True
    if ch in ":;\u201d\"" and text[i - 1: i] in ".!?":
        return True
    if ch == ":":
        return True
    if saw_newline:  # a new line after a line that does not end mid-sentence
        return not (ch.islower() or ch in ",;-")
    return False


def _line_kinds(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) for each line: "caps" (shouting), "title" (headline case) or ""."""
    out = []
    pos = 0
    for line in text.split("\n"):
        words = _WORD_RE.findall(line)
        kind = ""
        long_words = [w for w in words if len(w) >= 4]
        if len(words) >= 2 and sum(w.isupper() for w in words if len(w) > 1) >= 0.8 * max(
                1, sum(len(w) > 1 for w in words)):
            kind = "caps"
        elif (len(long_words) >= 2 and not line.rstrip().endswith((".", "?", "!", ",", ";", ":"))
              and sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words)
              and len(words) <= 16):
            kind = "title"
        out.append((pos, pos + len(line), kind))
        pos += len(line) + 1
    return out


def _tokens(text: str) -> list[_Token]:
    mask = _protected_mask(text)
    kinds = _line_kinds(text)
    tokens = []
    line_index = 0
    for m in _WORD_RE.finditer(text):
        while kinds[line_index][1] < m.start():
            line_index += 1
        tok = _Token(m, kinds[line_index][2])
        tok.protected = any(mask[tok.start: tok.end]) or tok.key in _NUMBER_WORDS
        tok.start_of_sentence = _sentence_start(text, tok.start)
        tokens.append(tok)
    # names: capitalised words that are not at a sentence start and not in a headline; every
    # capitalised occurrence of such a word is a name, at a sentence start or in a headline too
    names = set()
    for tok in tokens:
        if (not tok.protected and tok.text[0].isupper() and not tok.start_of_sentence
                and tok.line == ""):
            names.add(tok.key)
    for tok in tokens:
        if tok.protected or not tok.text[0].isupper():
            continue
        if tok.key in names or tok.text == "I":
            tok.protected = True
        elif tok.line == "" and not tok.start_of_sentence:
            tok.protected = True
    return tokens


def _gap(text: str, left: _Token, right: _Token) -> str | None:
    """The separator two words of one phrase may have: " " (spaces, one line break) or "-"."""
    between = text[left.end: right.start]
    if between == "-":
        return "-"
    if between and not between.strip(" \t\n") and between.count("\n") <= 1:
        return " "
    return None


def _carry_case(original_tokens: list[_Token], alternative: str) -> str:
    texts = [t.text for t in original_tokens]
    letters = [t for t in texts if len(t) > 1]
    if letters and all(t.isupper() for t in letters) and original_tokens[0].line == "caps":
        return alternative.upper()
    if letters and all(t.isupper() for t in letters) and len("".join(letters)) > 3:
        return alternative.upper()
    if texts[0][0].isupper():
        if original_tokens[0].line == "title" and all(
                t[0].isupper() for t in texts if t.lower() not in _SMALL):
            words = re.split(r"([ -])", alternative)
            out = []
            for i, w in enumerate(words):
                if w and w not in " -" and (i == 0 or w.lower() not in _SMALL):
                    w = w[0].upper() + w[1:]
                out.append(w)
            return "".join(out)
        return alternative[0].upper() + alternative[1:]
    return alternative


# ---------------------------------------------------------------------------- spinning

_MAX_WORDS_CACHE: dict[tuple[int, int], int] = {}


def _max_words(table) -> int:
    """The most words a head has (cached per table object and size)."""
    key = (id(table), len(table))
    if key not in _MAX_WORDS_CACHE:
        if len(_MAX_WORDS_CACHE) > 32:
            _MAX_WORDS_CACHE.clear()
        _MAX_WORDS_CACHE[key] = max((len(re.split(r"[ -]", h)) for h in table), default=1)
    return _MAX_WORDS_CACHE[key]


def spin(text: str, table, rate: float, seed: int, artifacts: bool = True
         ) -> tuple[str, list[dict]]:
    """Spin ``text`` with ``table`` at ``rate``; returns the spun text and its swaps.

    Left to right over the words, longest phrase first; each match is swapped with
    probability ``rate`` for an alternative drawn at random (a match not swapped is passed
    over whole). Each swap is ``{"start", "end", "spun", "original"}``: ``start``/``end``
    are character offsets of ``spun`` in the spun text, and the spun text differs from
    ``text`` only inside those spans (``orig_start``/``orig_end`` give the original's
    offsets in ``text``, ``kind`` is "table", or "hyphen"/"morph"/"spelling" for a damaged
    form). The same ``seed`` gives the same output.
    """
    rng = random.Random(seed)
    tokens = _tokens(text)
    max_words = _max_words(table)
    pieces: list[str] = []
    swaps: list[dict] = []
    cursor = 0  # in text
    out_len = 0
    i = 0
    n_tokens = len(tokens)

    def emit(start: int, end: int, replacement: str, kind: str) -> None:
        nonlocal cursor, out_len
        before = text[cursor:start]
        pieces.append(before)
        out_len += len(before)
        pieces.append(replacement)
        swaps.append({"start": out_len, "end": out_len + len(replacement), "spun": replacement,
                      "original": text[start:end], "orig_start": start, "orig_end": end,
                      "kind": kind})
        out_len += len(replacement)
        cursor = end

    while i < n_tokens:
        tok = tokens[i]
        if tok.protected:
            i += 1
            continue
        match_len, alternatives = 0, None
        for n in range(min(max_words, n_tokens - i), 0, -1):
            group = tokens[i: i + n]
            if any(t.protected for t in group[1:]):
                continue
            if n > 1 and any(t.text[0].isupper() and t.line == "" for t in group[1:]):
                continue
            parts = [group[0].key]
            ok = True
            for left, right in zip(group, group[1:]):
                gap = _gap(text, left, right)
                if gap is None:
                    ok = False
                    break
                parts.append(gap)
                parts.append(right.key)
            if not ok:
                continue
            key = "".join(parts)
            alts = table.get(key)
            if alts:
                match_len, alternatives = n, alts
                break
        if match_len:
            group = tokens[i: i + match_len]
            i += match_len
            if rng.random() >= rate:
                continue
            original = text[group[0].start: group[-1].end]
            low = original.lower()
            choices = [a for a in alternatives if a.lower() != low]
            if not choices:
                continue
            alt = rng.choice(choices)
            kind = "table"
            if artifacts and rng.random() < ARTIFACT_SHARE:
                options = _artifact_options(alt, original, table)
                if options:
                    kind, alt = rng.choice(options)
            emit(group[0].start, group[-1].end, _carry_case(group, alt), kind)
            continue
        # an unmatched word: now and then a spinner's own damage of it
        i += 1
        if artifacts and tok.key.isalpha() and len(tok.key) > 3:
            options = [(name, f(tok.key)) for name, f in (("spelling", _spelling_variant),
                                                         ("morph", _morph_variant))]
            options = [(name, v) for name, v in options if v and v != tok.key]
            if options and rng.random() < rate * LOOSE_ARTIFACT_SHARE:
                kind, alt = rng.choice(options)
                emit(tok.start, tok.end, _carry_case([tok], alt), kind)
    pieces.append(text[cursor:])
    return "".join(pieces), swaps


# ---------------------------------------------------------------------------- CLI

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="text file to spin ('-' for standard input)")
    parser.add_argument("--family", default="handwritten",
                        help=f"one of {', '.join(_FAMILIES)} or a table's path")
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-artifacts", action="store_true")
    parser.add_argument("--json", action="store_true", help="print {text, swaps} as JSON")
    args = parser.parse_args(argv)
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    table = load_table(args.family)
    spun, swaps = spin(text, table, args.rate, args.seed, artifacts=not args.no_artifacts)
    if args.json:
        json.dump({"text": spun, "swaps": swaps}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(spun)
    return 0


if __name__ == "__main__":
    sys.exit(main())
