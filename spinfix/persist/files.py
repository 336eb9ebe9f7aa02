"""Reading user text safely and writing files atomically: every input fails the same way, with a
message naming the file, and a failed run never leaves a half-written output behind."""
from __future__ import annotations

import glob
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, TextIO

from ..errors import SpinfixError
from .paths import refuse_shipped

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


MAX_BYTES = 50 * 1024 * 1024  # the default size limit of an input (spinfix --max-bytes N)


def _read_limited(handle, name: str, limit: int) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise SpinfixError(f"{name}: larger than {limit:,} bytes; split it, or raise the limit with --max-bytes")
    return data


def read_text(path: str | os.PathLike[str], max_bytes: int | None = None, what: str | None = None) -> str:
    """Read a UTF-8 text file (``-`` reads standard input) or raise :class:`SpinfixError`.

    At most ``max_bytes`` (default :data:`MAX_BYTES`) are read, so an endless input such as
    ``/dev/zero`` fails at once with a clear message. Devices and directories are refused; a
    FIFO is read without waiting for a writer that never comes. ``what`` names a file that must
    be a regular one (a dictionary, a phrase list: :func:`open_regular`), where a FIFO or a
    socket is refused too, before anything is opened.
    """
    limit = MAX_BYTES if max_bytes is None else max_bytes
    name = str(path)
    if name == STDIN:
        try:
            return decode_text(_read_limited(sys.stdin.buffer, "<stdin>", limit), "<stdin>")
        except (AttributeError, ValueError, OSError):
            raise SpinfixError("<stdin>: standard input is closed or unreadable; give a file instead") from None
    if what is not None:
        return decode_text(read_regular(path, what, limit), name)
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise SpinfixError(f"{_short(name)}: is a directory, expected a text file")
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            raise SpinfixError(f"{_short(name)}: is a device, not a text file")
        if stat.S_ISSOCK(mode):
            raise SpinfixError(f"{_short(name)}: is a socket, not a text file")
        fd = os.open(path, os.O_RDONLY | (os.O_NONBLOCK if stat.S_ISFIFO(mode) else 0))
        if stat.S_ISFIFO(mode):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as handle:
            data = _read_limited(handle, name, limit)
    except FileNotFoundError:
        raise SpinfixError(f"{_short(name)}: no such file") from None
    except OSError as exc:
        raise SpinfixError(f"{_short(name)}: cannot read ({exc.strerror or type(exc).__name__})") from None
    return decode_text(data, name)


_SPECIAL = ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
            (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))


def _special(mode: int) -> str | None:
    """What a file of ``mode`` is when it is not a regular file (None for a regular one)."""
    return next((kind for test, kind in _SPECIAL if test(mode)), None if stat.S_ISREG(mode) else "not a regular file")


def check_regular(path: str | os.PathLike[str], what: str) -> os.stat_result:
    """Refuse ``path`` unless it is a regular file (links followed) where ``what`` belongs (an
    index, a model, a dictionary): a missing path, a directory, a device, a FIFO or a socket is
    a one-line :class:`SpinfixError` naming the path, found by ``os.stat`` alone (nothing opened,
    so ``/dev/zero`` is never read and a FIFO never waited on)."""
    name = _short(str(path))
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise SpinfixError(f"{name}: no such file (expected {what})") from None
    except OSError as exc:
        raise SpinfixError(f"{name}: cannot read ({exc.strerror or type(exc).__name__}; expected {what})") from None
    kind = _special(status.st_mode)
    if kind:
        raise SpinfixError(f"{name}: is {kind}, not {what}")
    return status


def open_regular(path: str | os.PathLike[str], what: str) -> BinaryIO:
    """Open the regular file ``path`` for reading in binary (:func:`check_regular` first; the
    open itself never blocks, and the opened file is checked again, so a file swapped for a
    FIFO or a device in between is refused too)."""
    check_regular(path, what)
    name = _short(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise SpinfixError(f"{name}: cannot read ({exc.strerror or type(exc).__name__})") from None
    try:
        kind = _special(os.fstat(fd).st_mode)
        if kind:
            raise SpinfixError(f"{name}: is {kind}, not {what}")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], what: str, limit: int) -> bytes:
    """The bytes of the regular file ``path`` (:func:`open_regular`), refused when it holds more
    than ``limit`` (at most ``limit + 1`` bytes are ever read)."""
    with open_regular(path, what) as handle:
        try:
            return _read_limited(handle, _short(str(path)), limit)
        except OSError as exc:
            raise SpinfixError(f"{_short(str(path))}: cannot read ({exc.strerror or type(exc).__name__})") from None


def read_line(handle: BinaryIO, name: str, limit: int) -> bytes:
    """One line of ``handle`` (with its end), at most ``limit`` bytes of it: a longer one (a
    JSONL "line" that never ends, such as a device's endless zeros) is refused."""
    line = handle.readline(limit + 1)
    if len(line) > limit:
        raise SpinfixError(f"{name}: a line longer than {limit:,} bytes; split it, or raise the limit with --max-bytes")
    return line


def _short(name: str, keep: int = 120) -> str:
    """A path short enough for a one-line message."""
    return name if len(name) <= keep else f"{name[:keep // 2]}...{name[-keep // 2:]}"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Readers see either the old file or the complete new one, never a partial write. A symbolic
    link is written through (its target is replaced, the link stays); a device such as
    ``/dev/stdout`` or ``/dev/null`` is written to directly. A file the package ships is never
    written (:func:`spinfix.persist.paths.refuse_shipped`). Every failure is a :class:`SpinfixError`.
    """
    refuse_shipped(path)
    payload = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    try:
        target = Path(os.path.realpath(path))
        if target.exists() and not target.is_file() and not target.is_dir():
            with open(target, "wb") as handle:  # a device or a FIFO: written through
                handle.write(payload)
            return
        if target.is_dir():
            raise SpinfixError(f"{_short(str(path))}: is a directory; give a file name to write")
        _replace(target, payload)
    except OSError as exc:
        raise SpinfixError(f"{_short(str(path))}: cannot write ({exc.strerror or type(exc).__name__}); "
                           "earlier contents are intact") from None


def _remove_stale_temporaries(target: Path) -> None:
    """Remove the temporary files a killed writer of ``target`` left (its process is gone)."""
    for tmp in target.parent.glob(f".{glob.escape(target.name[:100])}.*.tmp"):
        pid = tmp.name[len(target.name[:100]) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _replace(target: Path, payload: bytes) -> None:
    directory = target.parent
    if not directory.is_dir():
        raise SpinfixError(f"{target}: directory {directory} does not exist")
    _remove_stale_temporaries(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:100]}.{os.getpid()}.", suffix=".tmp", dir=directory)
    try:
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_text(value: object, **options) -> str:
    r"""``json.dumps(value, ensure_ascii=False)``, with the three characters that JSON leaves raw
    but ``str.splitlines()`` (and JavaScript before ES2019) breaks lines at, U+0085, U+2028 and
    U+2029, escaped too (JSON escapes the others, ``\x0b`` to ``\x1e``, itself): a JSON Lines
    record is one line for every reader.

    Examples
    --------
    >>> json_text({"text": "a\u2028b\x85c\x1cd"})
    '{"text": "a\\u2028b\\u0085c\\u001cd"}'
    >>> len(json_text(["\u2029\x0b\x0c\x1d\x1e"]).splitlines())
    1
    """
    return json.dumps(value, ensure_ascii=False, **options).translate(_LINE_BREAKS)


def file_identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """The device and inode of the regular file at ``path`` (links followed), or None when there
    is none: how two names of one file (a symbolic link, a hard link, another spelling of the
    path) are told to be the same file."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return (status.st_dev, status.st_ino) if stat.S_ISREG(status.st_mode) else None


def refuse_writing_over(outputs: Iterable[str | os.PathLike[str]], inputs: Iterable[str | os.PathLike[str] | None]) -> None:
    """Raise :class:`SpinfixError` when a file this run writes (``outputs``) is one it reads
    (``inputs``): the same file by any name (:func:`file_identity`). Only outputs that exist
    already can be an input, so ``inputs`` (which may walk a directory) is not even looked at
    when none does."""
    existing = {}
    for out in outputs:
        identity = file_identity(out) if out is not None and str(out) != STDIN else None
        if identity is not None:
            existing.setdefault(identity, str(out))
    if not existing:
        return
    for path in inputs:
        if path is None or str(path) == STDIN:
            continue
        out = existing.get(file_identity(path))
        if out is not None:
            same = "" if os.path.abspath(out) == os.path.abspath(path) else f" ({_short(str(path))})"
            raise SpinfixError(f"{_short(out)}: is also an input of this run{same}; write the output elsewhere")


def write_json_object(out: TextIO, fields: dict[str, object], lists: dict[str, Iterable[dict]]) -> None:
    """Write one JSON object, the same text as ``json_text({**fields, **lists})``, writing the
    items of each of ``lists`` one at a time: an alignment of a large text has millions of
    substitutions, which would otherwise be held as dictionaries and again as one string."""
    out.write("{")
    for k, (name, value) in enumerate(fields.items()):
        out.write(f"{', ' if k else ''}{json.dumps(name)}: {json_text(value)}")
    for k, (name, items) in enumerate(lists.items()):
        out.write(f"{', ' if k or fields else ''}{json.dumps(name)}: [")
        for n, item in enumerate(items):
            out.write((", " if n else "") + json_text(item))
        out.write("]")
    out.write("}")
