"""Scoring many files: finding them (directories walked for a glob), reading them (a file named
on the command line that cannot be read is an error, one found by a walk is reported and
skipped), and scoring them in chunks, one pass of the models per chunk, in parallel workers."""
from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from multiprocessing.context import BaseContext
from pathlib import Path

from ..detection.detector import Detector
from ..detection.loading import load_scorer
from ..detection.neural_detector import NeuralDetector
from ..detection.phrase_evidence import load_phrase_list
from ..detection.results import DocumentScore
from ..detection.streaming import STREAM_CHARS, StreamedScore, score_streamed
from ..errors import SpinfixError
from ..persist.files import STDIN, read_text

SCORE_CHUNK = 16  # files scored together in one pass of the models
DEFAULT_GLOB = "*.txt"


@dataclass(frozen=True)
class InputFile:
    """A file to score, and whether the user named it (rather than a directory walk finding it)."""

    path: str
    named: bool = True


@dataclass(frozen=True)
class FileError:
    """A file that could not be scored, and why."""

    file: str
    message: str
    named: bool


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long, a loop of links: read_text says what is wrong
        return False


def discover(paths: list[str], glob: str = DEFAULT_GLOB, purpose: str = "score") -> list[InputFile]:
    """The files to score: named files as they are, directories walked for ``glob`` (hidden
    files and folders skipped); ``-`` stays standard input. A directory with no such file is an
    error that says what its files were for (``purpose``: "score", "index"...)."""
    out = []
    for path in paths:
        p = Path(path)
        if path != STDIN and _is_dir(p):
            found = sorted(f for f in p.rglob(glob) if f.is_file()
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                raise SpinfixError(f"{path}: directory has no files matching {glob!r} to {purpose} (see --glob)")
            out.extend(InputFile(str(f), named=False) for f in found)
        else:
            out.append(InputFile(path))
    return out


def _detector(model: str | None, phrases: str | None, max_bytes: int | None = None,
              judge: str | None = None) -> Detector | NeuralDetector:
    """The detector of ``judge`` at ``model`` (default: shipped), counting the phrase list of
    the dictionary file ``phrases`` as evidence when one is given
    (:mod:`spinfix.detection.phrase_evidence`)."""
    if phrases is None:
        return load_scorer(model, judge)
    return load_scorer(model, judge).with_phrases(load_phrase_list(phrases, max_bytes))


def _score_chunk(files: list[InputFile], model: str | None, threshold: float | None,
                 stdin_text: str | None, max_bytes: int | None, phrases: str | None = None,
                 judge: str | None = None) -> list[dict | FileError]:
    """Score a chunk of files in one worker and one pass of the models."""
    texts: dict[int, str] = {}
    results: list[dict | FileError] = []
    for k, f in enumerate(files):
        try:
            texts[k] = stdin_text if f.path == STDIN else read_text(f.path, max_bytes)
            results.append({})
        except SpinfixError as exc:
            results.append(FileError(f.path, str(exc), f.named))
    names = ["<stdin>" if files[k].path == STDIN else files[k].path for k in texts]
    detector = _detector(model, phrases, max_bytes, judge)
    for k, score in zip(texts, detector.score_texts(list(texts.values()), names, threshold)):
        results[k] = score.to_dict()
    return results


def _is_large(f: InputFile, stdin_text: str | None) -> bool:
    """Whether a file is scored streamed (:mod:`spinfix.detection.streaming`) rather than in a chunk."""
    if f.path == STDIN:
        return stdin_text is not None and len(stdin_text) > STREAM_CHARS
    try:
        return os.stat(f.path).st_size > STREAM_CHARS
    except OSError:  # reading it will say what is wrong
        return False


def _score_large(f: InputFile, model: str | None, threshold: float | None, stdin_text: str | None,
                 max_bytes: int | None, phrases: str | None,
                 judge: str | None = None) -> DocumentScore | StreamedScore | FileError:
    try:
        text = stdin_text if f.path == STDIN else read_text(f.path, max_bytes)
    except SpinfixError as exc:
        return FileError(f.path, str(exc), f.named)
    detector = _detector(model, phrases, max_bytes, judge)
    name = "<stdin>" if f.path == STDIN else f.path
    if isinstance(detector, NeuralDetector):  # reads a block of sentences at a time anyway
        return detector.score_text(text, name, threshold)
    return score_streamed(detector, text, name, threshold)


def score_files(files: list[InputFile], model: str | None = None, threshold: float | None = None,
                jobs: int = -1, max_bytes: int | None = None, phrases: str | None = None,
                judge: str | None = None) -> Iterator[DocumentScore | StreamedScore | FileError]:
    """Score files in input order, in chunks spread over ``jobs`` workers (-1: all cores),
    reading at most ``max_bytes`` of each (default :data:`spinfix.persist.files.MAX_BYTES`). A
    file over :data:`~spinfix.detection.streaming.STREAM_CHARS` is scored alone in this process
    and comes back as a :class:`~spinfix.detection.streaming.StreamedScore`, whose sentences are
    computed as it is written. ``phrases``: a dictionary file whose curated phrases count as
    evidence (``score --phrase-list``); ``judge``: whose detector scores."""
    _detector(model, phrases, max_bytes, judge)  # a bad model or phrase list fails once, up front
    stdin_text = read_text(STDIN, max_bytes) if any(f.path == STDIN for f in files) else None
    small: list[InputFile] = []
    for f in files:
        if _is_large(f, stdin_text):
            yield from _score_small(small, model, threshold, jobs, stdin_text, max_bytes, phrases, judge)
            small = []
            yield _score_large(f, model, threshold, stdin_text, max_bytes, phrases, judge)
        else:
            small.append(f)
    yield from _score_small(small, model, threshold, jobs, stdin_text, max_bytes, phrases, judge)


def _score_small(files: list[InputFile], model: str | None, threshold: float | None, jobs: int,
                 stdin_text: str | None, max_bytes: int | None,
                 phrases: str | None, judge: str | None = None) -> Iterator[DocumentScore | FileError]:
    chunks = [files[k:k + SCORE_CHUNK] for k in range(0, len(files), SCORE_CHUNK)]
    work = partial(_score_chunk, model=model, threshold=threshold, stdin_text=stdin_text, max_bytes=max_bytes,
                   phrases=phrases, judge=judge)
    n_jobs = 1 if len(chunks) < 2 else _effective_jobs(jobs)
    if n_jobs == 1:
        yield from _unpack(map(work, chunks))
        return
    pool = ProcessPoolExecutor(min(n_jobs, len(chunks)), mp_context=_worker_context(model, phrases, max_bytes, judge))
    try:
        yield from _unpack(pool.map(work, chunks))
    finally:
        pool.shutdown(cancel_futures=True)


def _effective_jobs(jobs: int) -> int:
    """joblib's reading of ``jobs`` (-1: all cores)."""
    from joblib import effective_n_jobs  # imported only when there is parallel work: start-up time

    return effective_n_jobs(jobs)


def _unpack(chunk_results: Iterator[list[dict | FileError]]) -> Iterator[DocumentScore | FileError]:
    for results in chunk_results:
        for result in results:
            yield result if isinstance(result, FileError) else DocumentScore.from_dict(result)


def _worker_context(model: str | None, phrases: str | None, max_bytes: int | None,
                    judge: str | None = None) -> BaseContext:
    """How worker processes start: forked after the models are loaded here, so that they share
    them copy-on-write (``gc.freeze`` keeps the collector from touching, and so copying, them);
    spawned with more than one OpenMP thread or off Linux, since GNU OpenMP hangs in a child
    forked after it started threads."""
    from threadpoolctl import threadpool_info  # imported only when there is parallel work: start-up time

    threads = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "openmp"]
    if not sys.platform.startswith("linux") or any(n > 1 for n in threads):
        return multiprocessing.get_context("spawn")
    _detector(model, phrases, max_bytes, judge).score_text("A sentence that loads the language model and the word lists.")
    gc.collect()
    gc.freeze()
    return multiprocessing.get_context("fork")


def summary_line(score: DocumentScore | StreamedScore, separator: str = "\t") -> str:
    """One line for a table of many files: file, likelihood, flagged sentences, suspects per 100
    words, and the verdict's label ("likely spun", "unlikely spun", "cannot judge")."""
    return separator.join([score.file, f"{score.spin_likelihood:.4f}", str(score.flagged_count),
                           f"{score.suspects_per_100_words:.2f}", score.verdict.label])


SUMMARY_HEADER = ["file", "spin_likelihood", "flagged_sentences", "suspects_per_100_words", "verdict"]


__all__ = ["DEFAULT_GLOB", "FileError", "InputFile", "SUMMARY_HEADER", "discover", "score_files", "summary_line"]
