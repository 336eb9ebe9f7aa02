"""Screening a collection: sources found inside and outside it, restorations, the learned
dictionary, the same files on joblib and on a real Dask LocalCluster, and a killed run finished."""
import filecmp
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spinfix.dictionary.storage import load_dictionary
from spinfix.dictionary.substitutions import SubstitutionDictionary
from spinfix.training.restoration_metrics import token_accuracy
from spinfix.corpus.source_index import build_index, save_index
from spinfix.corpus.screening import PARTITION, screen
from spinfix.training.spinner_tables import build_table, shapes
from spinfix.training.spinner import Spinner


@pytest.fixture(scope="module")
def collection(tmp_path_factory, tiny_corpus):
    """Sources (indexed), their spun copies, a document and its copy both inside, clean ones."""
    root = tmp_path_factory.mktemp("collection")
    (root / "sources").mkdir()
    (root / "corpus").mkdir()
    table = build_table(shapes("test")[0])
    truth = {}
    for k, doc in enumerate(tiny_corpus[:8]):
        spun = Spinner(0.8, seed=k, thesaurus=table).spin_document(doc.text)[0]
        (root / "corpus" / f"copy{k}.txt").write_text(spun)
        truth[str(root / "corpus" / f"copy{k}.txt")] = doc.text
        if k < 5:
            (root / "sources" / f"source{k}.txt").write_text(doc.text)
        else:
            (root / "corpus" / f"original{k}.txt").write_text(doc.text)
    for k, doc in enumerate(tiny_corpus[8:12]):
        (root / "corpus" / f"clean{k}.txt").write_text(doc.text)
    save_index(build_index([str(root / "sources")]), root / "sources.index")
    return root, truth


def records(out: Path) -> dict:
    return {r["id"]: r for p in sorted(out.glob("part-*.jsonl")) for r in map(json.loads, p.read_text().splitlines())}


def same_outputs(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir() if p.suffix in (".jsonl", ".tsv"))
    return names == sorted(p.name for p in b.iterdir() if p.suffix in (".jsonl", ".tsv")) and all(
        filecmp.cmp(a / n, b / n, shallow=False) for n in names)


@pytest.fixture(scope="module")
def joblib_run(collection, tmp_path_factory):
    root, _ = collection
    out = tmp_path_factory.mktemp("screen") / "joblib"
    return out, screen([str(root / "corpus")], str(out), str(root / "sources.index"), workers=2)


def test_screen_finds_sources_inside_and_outside_and_restores_the_copies(collection, joblib_run):
    root, truth = collection
    out, summary = joblib_run
    found = records(out)
    assert summary.documents == 8 + 3 + 4 and summary.sourced == {"sources": 5, "collection": 3}
    assert summary.judged == summary.documents and summary.seconds > 0  # every document English prose
    assert f"{summary.documents} of {summary.documents} documents read by the judge" in summary.format()
    for copy, source in truth.items():
        assert found[copy]["source"] is not None, copy
        assert token_accuracy(found[copy]["restored"], source) >= 0.99
    for k in range(5, 8):  # the original inside the collection is the source, not a copy of its copy
        assert found[str(root / "corpus" / f"original{k}.txt")]["source"] is None
    assert all(found[str(root / "corpus" / f"clean{k}.txt")]["source"] is None for k in range(4))
    learned = load_dictionary(out / "dictionary.tsv")
    assert len(learned.documents) == 8 and set(learned.sources()) == {"observed"}


def test_a_dask_local_cluster_gives_the_same_files(collection, joblib_run, tmp_path):
    pytest.importorskip("distributed")
    root, _ = collection
    out = tmp_path / "dask"
    summary = screen([str(root / "corpus")], str(out), str(root / "sources.index"), scheduler="local", workers=2)
    assert summary.sourced == joblib_run[1].sourced
    assert same_outputs(joblib_run[0], out)


def test_merging_the_partition_dictionaries_in_any_order_gives_the_same_counts(joblib_run, tiny_corpus):
    from spinfix.alignment.aligner import align

    parts = []
    for k, doc in enumerate(tiny_corpus[:4]):
        d = SubstitutionDictionary()
        d.add_alignments([align(Spinner(0.5, seed=k).spin_document(doc.text)[0], doc.text)])
        parts.append(d)
    forward, backward = SubstitutionDictionary(), SubstitutionDictionary()
    for d in parts:
        forward = forward.merge(d)
    for d in reversed(parts):
        backward = backward.merge(d)
    assert forward.to_tsv() == backward.to_tsv() and len(forward) > 0
    with pytest.raises(Exception, match="count it twice"):
        forward.merge(parts[0])


@pytest.mark.slow
def test_a_killed_screen_run_again_gives_the_same_files(collection, joblib_run, tmp_path, tiny_corpus):
    """SIGKILL while partitions are being written, then the same command again."""
    root, _ = collection
    big = tmp_path / "big"
    big.mkdir()
    for k in range(3 * PARTITION):  # enough partitions to be killed in the middle
        doc = tiny_corpus[k % len(tiny_corpus)]
        (big / f"doc{k:03d}.txt").write_text(Spinner(0.5, seed=k).spin_document(doc.text)[0] if k % 2 else doc.text)
    command = [sys.executable, "-m", "spinfix", "screen", str(big), "-o", str(tmp_path / "killed"), "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 240
    while time.time() < deadline and not list((tmp_path / "killed" / "scores").glob("part-00001.json")):
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (tmp_path / "killed" / "dictionary.tsv").exists()  # it was killed before the end
    assert subprocess.run(command, capture_output=True, timeout=600).returncode == 0
    whole = screen([str(big)], str(tmp_path / "whole"), workers=1)
    assert whole.documents == 3 * PARTITION
    assert same_outputs(tmp_path / "whole", tmp_path / "killed")


def test_a_screen_skips_an_unreadable_walked_file_and_says_so(tmp_path, tiny_corpus):
    folder = tmp_path / "crawl"
    folder.mkdir()
    for k, doc in enumerate(tiny_corpus[:3]):
        (folder / f"doc{k}.txt").write_text(doc.text)
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00garbage" * 40)
    summary = screen([str(folder)], str(tmp_path / "out"), workers=1)
    assert summary.documents == 3 and len(summary.skipped_files) == 1 and "broken.txt" in summary.skipped_files[0]


def test_screen_writes_each_restored_text_as_a_file_and_lists_its_substitutions(collection, joblib_run):
    """Issue 30: `part-K.jsonl` gives the substitutions themselves (as `align --json`), and every
    restored text is a file, `OUT/restored/NAME.txt`, as `find-source --restore` writes them."""
    root, truth = collection
    out, _ = joblib_run
    found = records(out)
    for copy in truth:
        record = found[copy]
        assert isinstance(record["substitutions"], list) and record["substitutions"], copy
        first = record["substitutions"][0]
        assert set(first) == {"spun", "original", "spun_start", "spun_end", "ref_start", "ref_end"}
        assert Path(copy).read_text()[first["spun_start"]:first["spun_end"]] == first["spun"]
        assert (out / "restored" / Path(copy).name).read_text() == record["restored"]
    unsourced = [json.loads(line) for p in sorted(out.glob("unsourced-*.jsonl")) for line in p.read_text().splitlines()]
    assert all((out / "restored" / Path(r["id"]).name).read_text() == r["restored"] for r in unsourced)
    restored = {p.name for p in (out / "restored").iterdir()}
    assert restored == {Path(r["id"]).name for r in found.values() if r["restored"] is not None} | {
        Path(r["id"]).name for r in unsourced}
    assert not any(found[str(root / "corpus" / f"clean{k}.txt")]["substitutions"] for k in range(4))
    assert all(r["verdict"]["label"] in ("likely spun", "unlikely spun", "cannot judge") for r in found.values())
