"""Reading user text safely and writing files atomically.

Every input passes through :func:`read_text`, so missing, empty, binary and non-UTF-8 files
all fail the same way, with a message that names the file. Every output goes through
:func:`atomic_write`, so a failed run never leaves a half-written file behind.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import SpinfixError

STDIN = "-"


def decode_text(data: bytes, name: str) -> str:
    """Decode ``data`` as UTF-8 text, refusing binary and empty input."""
    if b"\x00" in data[:8192]:
        raise SpinfixError(f"{name}: looks like a binary file, not text; give a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpinfixError(
            f"{name}: not valid UTF-8 (byte {exc.start}); convert it first, e.g. "
            f"`iconv -f latin1 -t utf-8 {name}`"
        ) from None
    if not text.strip():
        raise SpinfixError(f"{name}: the file is empty; nothing to do")
    return text


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file (``-`` reads standard input) or raise :class:`SpinfixError`."""
    name = str(path)
    if name == STDIN:
        return decode_text(sys.stdin.buffer.read(), "<stdin>")
    p = Path(path)
    if p.is_dir():
        raise SpinfixError(f"{name}: is a directory, expected a text file")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise SpinfixError(f"{name}: no such file") from None
    except OSError as exc:
        raise SpinfixError(f"{name}: cannot read ({exc.strerror})") from None
    return decode_text(data, name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Readers see either the old file or the complete new one, never a partial write.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise SpinfixError(f"{target}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
