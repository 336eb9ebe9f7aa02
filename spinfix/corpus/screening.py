"""Screening a collection: score every document, find each copy's source, restore it, and learn
the spinners' dictionary from what was found, on one machine (joblib) or on a Dask cluster.

Every step writes one file per partition of :data:`PARTITION` documents, atomically, so a run
killed at any moment and run again redoes nothing twice (the steps and their files:
``docs/architecture.md``); the same inputs give the same files on either scheduler.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from .._version import __version__
from ..alignment.aligner import align
from ..alignment.substitutions import apply_substitutions
from ..detection.loading import load_scorer
from ..judge import default_judge
from ..dictionary.storage import load_dictionary, save_dictionary
from ..dictionary.substitutions import SubstitutionDictionary
from ..errors import SpinfixError
from ..persist.files import atomic_write, json_text
from ..persist.model_files import model_exists, read_model, save_model
from ..restoration.restorations import restore_without_reference
from ..restoration.restorer import default_restorer
from ..wording import plural
from .source_index import SourceIndex, immutables, iter_sources, load_index, read_document, read_source, save_index, shingles

PARTITION = 32  # documents per partition: the unit of work and of restarting
SPUN = 0.5  # spin likelihood from which a document without a source is restored from the dictionary
UNSOURCED_THRESHOLD = 0.7  # the restorer's probability from which such a document is changed: its own
# thresholds were set for a user with up to ten aligned pairs; a screen's dictionary holds hundreds,
# and on a validation collection 0.7 kept precision above 0.9 (0.935; recall 0.24 against 0.44)


@dataclass(frozen=True)
class DocumentRef:
    """Where a document of the collection lives (see :func:`spinfix.corpus.source_index.iter_sources`)."""

    doc_id: str
    path: str
    offset: int | None


@dataclass
class ScreenSummary:
    """What a screen found, for people (:meth:`format`) and for JSON (:meth:`to_dict`).

    Examples
    --------
    >>> ScreenSummary("out", 3, 1, {"sources": 1}, 0, 12, 1, 0, []).format()
    'out: 3 documents, 1 at spin likelihood >= 0.5; sources found: 1 in sources; 0 spun documents without a source restored from the learned dictionary (12 entries); 1 partition (0 already done)'
    """

    output: str
    documents: int
    spun: int
    sourced: dict
    unsourced_restored: int
    dictionary_entries: int
    partitions: int
    skipped_partitions: int
    skipped_files: list[str]
    judged: int | None = None  # documents the judge read (the others: cannot judge, or unreadable)
    seconds: float | None = None  # this run's time

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return asdict(self)

    def format(self, is_json: bool = False) -> str:
        """The summary for programs (one JSON line) or for people (one line of text)."""
        if is_json:
            return json_text(self.to_dict())
        sources = ", ".join(f"{n} in {where}" for where, n in sorted(self.sourced.items())) or "none"
        return (f"{self.output}: {plural(self.documents, 'document')}, {self.spun} at spin likelihood >= {SPUN}; "
                f"sources found: {sources}; {plural(self.unsourced_restored, 'spun document')} without a source "
                f"restored from the learned dictionary ({plural(self.dictionary_entries, 'entry', 'entries')}); "
                f"{plural(self.partitions, 'partition')} ({self.skipped_partitions} already done)"
                + (f"; {plural(len(self.skipped_files), 'unreadable file')} skipped" if self.skipped_files else "")
                + (f"; {self.judged} of {plural(self.documents, 'document')} read by the judge" if self.judged is not None
                   else "")
                + (f"; {self.seconds:.1f} s" + (f", {self.documents / self.seconds:.2f} documents/s"
                                                if not self.skipped_partitions and self.seconds > 0 else "")
                   if self.seconds is not None else ""))


def plan(paths: list[str], glob: str = "*.txt", skipped: list[str] | None = None,
         max_bytes: int | None = None) -> list[DocumentRef]:
    """Every document of the collection, in a fixed order (ids must be unique); walked files
    that cannot be read are listed in ``skipped``."""
    refs, seen = [], set()
    for doc_id, _, path, offset in iter_sources(paths, glob, skipped, max_bytes, "screen"):
        if doc_id in seen:
            raise SpinfixError(f"{doc_id}: two documents of the collection have this id")
        seen.add(doc_id)
        refs.append(DocumentRef(doc_id, path, offset))
    if not refs:
        raise SpinfixError("no documents to screen")
    return refs


def _read(ref: DocumentRef, max_bytes: int | None = None) -> str:
    return read_document(ref.path, ref.offset, max_bytes)


@lru_cache(maxsize=4)
def _index(path: str) -> SourceIndex:
    """An index, loaded once per worker process."""
    return load_index(path)


def _save_scores(path: str, scores: list[dict], hashes: list[np.ndarray]) -> None:
    """A partition's scores (JSON) and shingle hashes (arrays), as a pair of files (``path`` is
    their stem: ``.json`` written last, so its presence marks the partition scored)."""
    save_model(path, "screen-scores", {"scores": scores}, {
        "hashes": np.concatenate(hashes).astype(np.uint64) if hashes else np.zeros(0, np.uint64),
        "bounds": np.cumsum([0] + [len(h) for h in hashes]).astype(np.int64)})


def _read_scores(path: str) -> tuple[list[dict], list[np.ndarray]]:
    """What :func:`_save_scores` wrote."""
    file = read_model(path, "screen-scores", "delete it and screen again")
    bounds, hashes = file.arrays["bounds"], file.arrays["hashes"]
    return list(file.record["scores"]), [hashes[bounds[k]:bounds[k + 1]] for k in range(len(bounds) - 1)]


def score_partition(refs: list[DocumentRef], path: str, model: str | None, max_bytes: int | None = None,
                    judge: str | None = None) -> None:
    """Step 1 for one partition: scores and shingle hashes."""
    texts = [_read(r, max_bytes) for r in refs]
    scores = load_scorer(model, judge).score_texts(texts, [r.doc_id for r in refs])
    _save_scores(path, [{"spin_likelihood": s.spin_likelihood, "flagged_sentences": len(s.flagged),
                         "suspects_per_100_words": s.suspects_per_100_words, "signature": s.signature,
                         "verdict": s.verdict.to_dict()} for s in scores],
                 [shingles(immutables(t)) for t in texts])


@lru_cache(maxsize=4)
def _likelihoods(path: str) -> dict[str, float]:
    """Every document's spin likelihood, loaded once per worker process."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _source(ref: DocumentRef, text: str, likelihood: dict[str, float], sources: str | None, corpus: str):
    """The best source of one document: from the sources index, else a less spun document of
    the collection; with where it was found."""
    if sources:
        found = _index(sources).query(text)
        if found:
            return found[0], "sources"
    for match in _index(corpus).query(text, top=5, exclude=ref.doc_id):
        if likelihood[match.doc_id] < likelihood[ref.doc_id]:
            return match, "collection"
    return None, None


def restore_partition(refs: list[DocumentRef], scores_path: str, path: str, dictionary_path: str,
                      likelihood_path: str, sources: str | None, corpus: str, max_bytes: int | None = None) -> None:
    """Step 3 for one partition: sources, restorations and the partition's dictionary (written
    before the results, whose presence marks the partition done)."""
    scores, _ = _read_scores(scores_path)
    likelihood = _likelihoods(likelihood_path)
    lines, alignments = [], []
    for ref, score in zip(refs, scores):
        text = _read(ref, max_bytes)
        match, where = _source(ref, text, likelihood, sources, corpus)
        record = {"id": ref.doc_id, "path": ref.path, "offset": ref.offset, **score, "source": match.to_dict() if match else None,
                  "source_in": where, "restored": None, "substitutions": [], "error": None}
        if match:
            try:
                alignment = align(text, read_source(match, max_bytes))
            except SpinfixError as exc:  # found by its words, but no sentence aligns: reported, not restored
                record["error"] = str(exc)
            else:
                alignments.append(alignment)
                record["restored"] = apply_substitutions(text, alignment.substitutions)
                record["substitutions"] = [s.to_dict() for s in alignment.substitutions]
        lines.append(json_text(record, sort_keys=True))
    dictionary = SubstitutionDictionary()
    dictionary.add_alignments(alignments, "observed")
    save_dictionary(dictionary, dictionary_path)
    atomic_write(path, "\n".join(lines) + "\n")


def restore_unsourced(refs: list[DocumentRef], results_path: str, path: str, dictionary_path: str,
                      max_bytes: int | None = None, model: str | None = None, judge: str | None = None) -> None:
    """Step 5 for one partition: spun documents with no source, restored from the learned
    dictionary (with the neural judge: the learned pairs beside the shipped knowledge, the judge
    deciding)."""
    dictionary = load_dictionary(dictionary_path)
    shipped = default_restorer()
    restorer = shipped.with_thresholds(max(shipped.threshold, UNSOURCED_THRESHOLD),
                                       max(shipped.observed_threshold, UNSOURCED_THRESHOLD))
    records = [json.loads(line) for line in Path(results_path).read_text(encoding="utf-8").splitlines()]
    lines = []
    for ref, record in zip(refs, records):
        if record["source"] is None and record["spin_likelihood"] >= SPUN:
            if judge == "neural":
                result = restore_without_reference(_read(ref, max_bytes), dictionary, load_scorer(model, judge))
            else:
                result = restore_without_reference(_read(ref, max_bytes), dictionary, restorer=restorer,
                                                   only_dictionary=True)
            lines.append(json_text({"id": ref.doc_id, "restored": result.restored,
                                     "substitutions": [c.to_dict() for c in result.substitutions]},
                                    sort_keys=True))
    atomic_write(path, "".join(line + "\n" for line in lines))


class Runner:
    """Runs one function over many argument tuples, in joblib processes or on Dask."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None, progress: bool = False):
        self.scheduler = scheduler
        self.workers = workers
        self.progress = progress
        self._client = self._cluster = None

    def __enter__(self) -> Runner:
        if self.scheduler:
            from distributed import Client, LocalCluster  # Dask loads in seconds: only when asked for

            if self.scheduler == "local":
                self._cluster = LocalCluster(n_workers=self.workers or os.cpu_count(), threads_per_worker=1,
                                             processes=True, dashboard_address=None)
                self._client = Client(self._cluster)
            else:
                try:
                    self._client = Client(self.scheduler, timeout="20s")
                except OSError as exc:
                    raise SpinfixError(f"{self.scheduler}: cannot reach the Dask scheduler ({exc})") from None
        return self

    def __exit__(self, *exc) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, func: Callable, tasks: list[tuple], desc: str) -> None:
        """Run ``func(*task)`` for every task; the first error is raised."""
        from tqdm import tqdm  # a progress bar costs start-up time: only where one is drawn

        bar = tqdm(total=len(tasks), desc=desc, unit="part", disable=not self.progress)
        if self._client is None:
            from joblib import Parallel, delayed  # joblib's processes cost start-up time: only where they run

            for _ in Parallel(n_jobs=self.workers or -1, return_as="generator_unordered")(
                    delayed(func)(*task) for task in tasks):
                bar.update()
        else:
            from distributed import as_completed  # Dask loads in seconds: only when asked for

            futures = [self._client.submit(func, *task, pure=False) for task in tasks]
            for future in as_completed(futures):
                future.result()
                bar.update()
        bar.close()


def _manifest(refs: list[DocumentRef], sources: str | None, model: str | None, judge: str | None = None) -> dict:
    """What the outputs depend on: the documents, the sources index, the model, the partitioning."""
    digest = hashlib.sha256("\n".join(f"{r.doc_id}\t{r.path}\t{r.offset}" for r in refs).encode()).hexdigest()
    sources_hash = read_model(sources, "source-index", "rebuild it with `spinfix index`").sha256 if sources else None
    return {"spinfix": __version__, "documents": len(refs), "documents_sha256": digest, "partition": PARTITION,
            "sources_sha256": sources_hash, "model": load_scorer(model, judge).signature()}


def _check_manifest(out: Path, manifest: dict) -> None:
    path = out / "manifest.json"
    if path.exists():
        if json.loads(path.read_text()) != manifest:
            raise SpinfixError(f"{out}: holds a screen of other documents or settings; screen into another directory")
    else:
        atomic_write(path, json.dumps(manifest, indent=1) + "\n")


def screen(paths: list[str], output: str, sources: str | None = None, scheduler: str | None = None,
           workers: int | None = None, model: str | None = None, glob: str = "*.txt",
           progress: bool = False, max_bytes: int | None = None, judge: str | None = None) -> ScreenSummary:
    """Screen the collection under ``paths`` into the directory ``output`` (see the module
    docstring); a rerun finishes an interrupted one."""
    judge = judge or default_judge()
    start = time.perf_counter()
    skipped: list[str] = []
    refs = plan(paths, glob, skipped, max_bytes)
    out = Path(output)
    (out / "scores").mkdir(parents=True, exist_ok=True)
    _check_manifest(out, _manifest(refs, sources, model, judge))
    parts = [refs[k:k + PARTITION] for k in range(0, len(refs), PARTITION)]
    names = [f"{k:05d}" for k in range(len(parts))]
    score_files = [str(out / "scores" / f"part-{n}") for n in names]  # each the stem of a .npz + .json pair
    result_files = [str(out / f"part-{n}.jsonl") for n in names]
    dict_files = [str(out / f"part-{n}.dict.tsv") for n in names]
    unsourced_files = [str(out / f"unsourced-{n}.jsonl") for n in names]
    done = sum(os.path.exists(f) for f in unsourced_files)
    with Runner(scheduler, workers, progress) as runner:
        runner.map(score_partition, [(p, f, model, max_bytes, judge) for p, f in zip(parts, score_files)
                                     if not model_exists(f)],
                   "scoring")
        likelihood, index = {}, SourceIndex()
        for part, path in zip(parts, score_files):
            scores, hashes_of = _read_scores(path)
            for ref, score, hashes in zip(part, scores, hashes_of):
                likelihood[ref.doc_id] = score["spin_likelihood"]
                index.add_hashes(ref.doc_id, hashes, ref.path, ref.offset)
        corpus, likelihood_path = str(out / "corpus.index"), str(out / "likelihood.json")
        if not model_exists(corpus):
            save_index(index, corpus)
        atomic_write(likelihood_path, json.dumps(likelihood, ensure_ascii=False))
        runner.map(restore_partition, [(p, s, r, d, likelihood_path, sources, corpus, max_bytes)
                                       for p, s, r, d in zip(parts, score_files, result_files, dict_files)
                                       if not os.path.exists(r)], "restoring")
        merged = SubstitutionDictionary()
        for path in dict_files:
            merged = merged.merge(load_dictionary(path))
        dictionary = str(out / "dictionary.tsv")
        save_dictionary(merged, dictionary)
        runner.map(restore_unsourced, [(p, r, u, dictionary, max_bytes, model, judge)
                                       for p, r, u in zip(parts, result_files, unsourced_files)
                                       if not os.path.exists(u)], "restoring unsourced")
    write_restored(out, refs, result_files, unsourced_files)
    summary = _summarize(out, result_files, unsourced_files, len(refs), len(merged), done, skipped)
    return replace(summary, seconds=round(time.perf_counter() - start, 2))


def restored_names(refs: list[DocumentRef]) -> dict[str, str]:
    """Each document's file name under ``restored/``, in the collection's order: a text file's own
    name, a JSONL document's id (made safe as a file name) with ``.txt``; ``NAME-2.txt`` for a
    second document of that name, as ``find-source --restore`` names them."""
    names, taken = {}, set()
    for ref in refs:
        base = os.path.basename(ref.path) if ref.offset is None else re.sub(r"[^\w.-]+", "_", ref.doc_id)[:100] + ".txt"
        stem, ext = os.path.splitext(base.lstrip(".") or "document.txt")
        name, k = stem + ext, 1
        while name in taken:
            k += 1
            name = f"{stem}-{k}{ext}"
        taken.add(name)
        names[ref.doc_id] = name
    return names


def write_restored(out: Path, refs: list[DocumentRef], result_files: list[str], unsourced_files: list[str]) -> None:
    """Step 6: every restored text as a file, ``restored/NAME.txt`` (:func:`restored_names`): the
    copies restored against their source, and the spun documents without one restored from the
    learned dictionary. A file already holding that text is left as it is (a rerun writes nothing)."""
    names = restored_names(refs)
    inputs = {os.path.realpath(ref.path) for ref in refs if ref.offset is None}
    folder = out / "restored"
    folder.mkdir(exist_ok=True)
    for path in [*result_files, *unsourced_files]:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record.get("restored") is None:
                    continue
                target = folder / names[record["id"]]
                if os.path.realpath(target) in inputs:
                    raise SpinfixError(f"{target}: is a document of the collection; screen into another directory")
                try:
                    if target.read_text(encoding="utf-8") == record["restored"]:
                        continue
                except OSError:
                    pass
                atomic_write(str(target), record["restored"])


def _summarize(out: Path, result_files: list[str], unsourced_files: list[str], documents: int,
               entries: int, done: int, skipped: list[str]) -> ScreenSummary:
    records = [json.loads(line) for f in result_files for line in Path(f).read_text(encoding="utf-8").splitlines()]
    sourced: dict[str, int] = {}
    for r in records:
        if r["source_in"]:
            sourced[r["source_in"]] = sourced.get(r["source_in"], 0) + 1
    restored = sum(1 for f in unsourced_files for _ in Path(f).read_text(encoding="utf-8").splitlines())
    judged = sum(1 for r in records if not r["error"] and (r.get("verdict") or {}).get("label") != "cannot judge")
    return ScreenSummary(str(out), documents, int(np.sum([r["spin_likelihood"] >= SPUN for r in records])),
                         sourced, restored, entries, len(result_files), done, skipped, judged)


__all__ = ["DocumentRef", "Runner", "ScreenSummary", "plan", "screen"]
