"""Where spinfix keeps what it ships (package resources, never written by a command) and where it
writes what a user builds: ``-o``, else ``$SPINFIX_HOME``, ``$XDG_DATA_HOME/spinfix`` or
``~/.local/share/spinfix``."""
from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

from ..errors import SpinfixError

SHIPPED_PACKAGES = ("spinfix.models", "spinfix.data")


def user_data_dir() -> Path:
    """The directory for models and dictionaries a user builds (created on first use)."""
    home = os.environ.get("SPINFIX_HOME")
    base = Path(home) if home else Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "spinfix"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpinfixError(f"{base}: cannot create the spinfix data directory ({exc.strerror}); "
                           "set SPINFIX_HOME or give -o") from None
    return base


def user_cache_dir() -> Path:
    """Where spinfix caches what it derives from installed files (rebuilt when missing):
    ``$XDG_CACHE_HOME/spinfix``, else ``~/.cache/spinfix``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "spinfix"


def pocketsphinx_file(*parts: str) -> Path:
    """A file of the English model that pocketsphinx installs (its trigram model, its
    pronouncing dictionary), where pocketsphinx itself looks for it."""
    try:
        from pocketsphinx import get_model_path  # importing pocketsphinx costs start-up time that scoring need not pay
    except ImportError:
        raise SpinfixError("pocketsphinx is not installed; reinstall pocketsphinx") from None
    return Path(get_model_path(), *parts)


def user_path(name: str) -> str:
    """``name`` inside :func:`user_data_dir`."""
    return str(user_data_dir() / name)


def shipped_dirs() -> list[Path]:
    """The package directories whose files spinfix ships."""
    return [Path(str(importlib.resources.files(p))).resolve() for p in SHIPPED_PACKAGES]


def refuse_shipped(path: str | os.PathLike[str]) -> None:
    """Raise :class:`SpinfixError` when ``path`` is a file the package ships, unless
    ``SPINFIX_REBUILD=1`` says that the shipped artifacts are being rebuilt on purpose."""
    if os.environ.get("SPINFIX_REBUILD") == "1":
        return
    target = Path(path).resolve()
    if any(target.parent == d for d in shipped_dirs()):
        raise SpinfixError(f"{path}: is a file spinfix ships and is never overwritten; write elsewhere "
                           "(or set SPINFIX_REBUILD=1 to rebuild the shipped artifacts on purpose)")
