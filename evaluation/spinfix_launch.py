"""Run the spinfix checkout at DIR, whatever its version, with DIR's own models and data.

    python evaluation/spinfix_launch.py DIR score --json a.txt b.txt
    python evaluation/spinfix_launch.py DIR --batch CALLS.json OUT.jsonl

``PYTHONPATH=DIR python -m spinfix`` alone is not enough where spinfix is installed in editable
mode: the installed finder maps ``spinfix.models`` and ``spinfix.data`` (folders outside the
``spinfix`` package, named in ``[tool.setuptools.package-dir]``) to the installed tree, so an old
checkout would read today's models. This launcher puts DIR first on ``sys.path`` and a finder
ahead of every other that maps those subpackages to DIR's folders, then runs ``spinfix.cli.main``.

``--batch`` runs many command lines in one process (restore takes one file a call, and start-up
costs seconds): CALLS.json is a list of argument lists; OUT.jsonl gets one line per call,
``{"i": k, "rc": code, "stdout": text, "stderr": text}``, written as each call ends.
"""
from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import io
import json
import os
import sys
from pathlib import Path


def _package_dirs(root: Path) -> dict[str, str]:
    mapping = {"spinfix": str(root / "spinfix")}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            import tomllib
            conf = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            for name, rel in conf.get("tool", {}).get("setuptools", {}).get("package-dir", {}).items():
                if name:
                    mapping[name] = str(root / rel)
        except Exception:  # an unreadable pyproject: fall back to the usual layout
            pass
    for sub in ("models", "data"):
        if (root / sub).is_dir():  # older checkouts keep them beside the package; newer ones inside it
            mapping.setdefault(f"spinfix.{sub}", str(root / sub))
    return mapping


class _CheckoutFinder:
    """Finds spinfix's mapped subpackages in the checkout, ahead of an editable install."""

    def __init__(self, mapping: dict[str, str]):
        self.mapping = mapping

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self.mapping:
            folder = Path(self.mapping[fullname])
            init = folder / "__init__.py"
            if init.is_file():
                return importlib.util.spec_from_file_location(
                    fullname, init, submodule_search_locations=[str(folder)])
            spec = importlib.machinery.ModuleSpec(fullname, None, is_package=True)
            spec.submodule_search_locations = [str(folder)]
            return spec
        parent, _, _ = fullname.rpartition(".")
        if parent in self.mapping:
            return importlib.machinery.PathFinder.find_spec(fullname, [self.mapping[parent]])
        return None


def install(root: str | os.PathLike) -> None:
    root = Path(root).resolve()
    sys.path.insert(0, str(root))
    sys.meta_path.insert(0, _CheckoutFinder(_package_dirs(root)))


def _batch(calls_path: str, out_path: str) -> int:
    from spinfix import cli
    calls = json.loads(Path(calls_path).read_text(encoding="utf-8"))
    with open(out_path, "w", encoding="utf-8") as out:
        for k, argv in enumerate(calls):
            so, se = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
                try:
                    rc = cli.main(list(argv))
                except SystemExit as exc:
                    rc = exc.code if isinstance(exc.code, int) else 1
                except Exception as exc:  # one bad call must not end the batch
                    print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
                    rc = 99
            out.write(json.dumps({"i": k, "rc": rc, "stdout": so.getvalue(),
                                  "stderr": se.getvalue()[-2000:]}) + "\n")
            out.flush()
            print(f"\r  {k + 1}/{len(calls)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        sys.exit(__doc__)
    install(argv[0])
    if argv[1] == "--batch":
        return _batch(argv[2], argv[3])
    from spinfix import cli
    return cli.main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
