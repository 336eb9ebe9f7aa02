"""Finding a spun copy's source: immutables, the index, its file, and the two commands."""
import json
from pathlib import Path

import pytest

from conftest import ROOT
from spinfix import SpinfixError
from spinfix.corpus.source_index import SourceIndex, find_source, immutables, load_index, read_source, save_index
from spinfix.training.spinner_tables import build_table, shapes
from spinfix.training.spinner import Spinner
from spinfix.text.tokens import tokenize
from test_cli import assert_one_line_error, run

EXAMPLE_CLEAN = ROOT / "spinfix" / "data" / "example_clean.txt"
EXAMPLE_SPUN = ROOT / "spinfix" / "data" / "example_spun.txt"


def test_immutables_are_what_a_thesaurus_spinner_leaves_alone():
    words = immutables("Mayor Elena Ruiz said the $12 million park will open in 2026.")
    assert {"elena", "ruiz", "12", "2026"} <= set(words)
    assert not {"said", "the", "park", "open", "will", "in"} & set(words)  # thesaurus heads, function words


@pytest.fixture(scope="module")
def index(tiny_corpus):
    built = SourceIndex()
    for doc in tiny_corpus[:30]:
        built.add(doc.name, doc.text)
    return built


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.8])
def test_a_copy_spun_by_an_unseen_table_finds_its_source(index, tiny_corpus, rate):
    table = build_table(shapes("test")[0])
    for k, doc in enumerate(tiny_corpus[:10]):
        spun = Spinner(rate, seed=k, thesaurus=table).spin_document(doc.text)[0]
        assert spun != doc.text
        found = index.query(spun)
        assert found and found[0].doc_id == doc.name, (doc.name, found)
        assert found[0].similarity >= 0.7 and found[0].shared


def test_a_copy_whose_source_is_not_indexed_finds_nothing(index, tiny_corpus):
    for k, doc in enumerate(tiny_corpus[30:40]):
        assert index.query(Spinner(0.5, seed=k).spin_document(doc.text)[0]) == []


def test_ids_are_unique(index, tiny_corpus):
    with pytest.raises(SpinfixError, match="already in the index"):
        index.add(tiny_corpus[0].name, "anything")


def test_jsonl_sources_restore_a_copy_token_for_token(tmp_path):
    other = "An unrelated note about Ottoline Brackenbury and the 1911 Kettering regatta."
    lines = [json.dumps({"id": "other", "text": other}), json.dumps({"id": "park", "text": EXAMPLE_CLEAN.read_text()})]
    (tmp_path / "sources.jsonl").write_text("\n".join(lines) + "\n")
    from spinfix.corpus.source_index import build_index

    built = build_index([str(tmp_path / "sources.jsonl")])
    path = tmp_path / "index.bin"
    save_index(built, path)
    loaded = load_index(path)
    result = find_source(EXAMPLE_SPUN.read_text(), loaded, "spun", restore=True)
    assert result.matches[0].doc_id == "park" and result.matches[0].offset == len(lines[0]) + 1
    assert read_source(result.matches[0]) == EXAMPLE_CLEAN.read_text()
    assert tokenize(result.restored) == tokenize(EXAMPLE_CLEAN.read_text())


def test_cli_index_and_find_source(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "park.txt").write_text(EXAMPLE_CLEAN.read_text())
    (sources / "other.txt").write_text("Ottoline Brackenbury won the 1911 Kettering regatta by a length.\n")
    index = tmp_path / "index.bin"
    built = run("index", str(sources), "-o", str(index))
    assert built.returncode == 0 and b"2 documents indexed" in built.stderr
    found = run("find-source", str(EXAMPLE_SPUN), "--index", str(index), "--json", "--restore", str(tmp_path / "out"))
    assert found.returncode == 0, found.stderr
    record = json.loads(found.stdout)
    assert record["matches"][0]["path"] == str(sources / "park.txt")
    assert tokenize((tmp_path / "out" / "example_spun.txt").read_text()) == tokenize(EXAMPLE_CLEAN.read_text())
    (tmp_path / "again").mkdir()
    (tmp_path / "again" / "example_spun.txt").write_text(EXAMPLE_SPUN.read_text())
    both = run("find-source", str(EXAMPLE_SPUN), str(tmp_path / "again"), "--index", str(index), "--restore", str(tmp_path / "two"))
    assert both.returncode == 0 and sorted(p.name for p in (tmp_path / "two").iterdir()) == [
        "example_spun-2.txt", "example_spun.txt"]  # a second file of the same name does not overwrite the first
    missing = run("find-source", "-", "--index", str(index), stdin=b"Nothing here resembles any indexed text at all.\n")
    assert missing.returncode == 1 and b"no source found" in missing.stdout


def test_cli_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "fine"}\nnot json\n')
    assert_one_line_error(run("index", str(bad), "-o", str(tmp_path / "i.bin")), "bad.jsonl:2")
    assert_one_line_error(run("find-source", str(EXAMPLE_SPUN), "--index", str(EXAMPLE_CLEAN)), "not a spinfix model file")
    assert not Path(tmp_path / "i.bin").exists()


def test_a_candidate_held_weakly_is_confirmed_by_the_aligner(tmp_path, tiny_corpus):
    """Every candidate is confirmed here (``confirm_below=1``): the spun copy aligns with its
    source; the source's own rare words shuffled into other sentences, which share many of its
    shingles but none of its sentences, are refused."""
    import random

    from spinfix.corpus.source_index import immutables

    doc = tiny_corpus[3]
    (tmp_path / "s.jsonl").write_text(json.dumps({"id": "s", "text": doc.text}) + "\n")
    strict = SourceIndex(min_containment=0.3, min_similar=0.3, confirm_below=1.0)
    strict.add("s", doc.text, str(tmp_path / "s.jsonl"), 0)
    assert strict.query(Spinner(0.8, seed=1).spin_document(doc.text)[0])[0].doc_id == "s"
    words = immutables(doc.text)
    random.Random(0).shuffle(words)
    bag = ". ".join(" ".join(words[k:k + 4]).capitalize() for k in range(0, len(words), 4)) + "."
    loose = SourceIndex(min_containment=0.3, min_similar=0.3, confirm_below=0.0)
    loose.add("s", doc.text, str(tmp_path / "s.jsonl"), 0)
    assert loose.query(bag)  # on its shingles alone the bag passes for a copy
    assert strict.query(bag) == []


def test_an_unreadable_file_in_a_walked_directory_is_skipped_and_reported(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "park.txt").write_text(EXAMPLE_CLEAN.read_text())
    (folder / "broken.txt").write_bytes(b"\x00\x01PNG\x00" * 50)
    built = run("index", str(folder), "-o", str(tmp_path / "i.bin"))
    err = built.stderr.decode()
    assert built.returncode == 0 and "1 document indexed" in err, err
    assert "spinfix: skipped:" in err and "broken.txt" in err and "Traceback" not in err
    named = run("index", str(folder / "broken.txt"), str(folder / "park.txt"), "-o", str(tmp_path / "j.bin"))
    assert_one_line_error(named, "broken.txt")  # a file named on the command line must be readable


def test_the_banded_signatures_propose_what_datasketchs_lsh_proposes():
    """The index keeps MinHash LSH's bands as sorted arrays; the candidates of a query are
    exactly those of ``datasketch``'s MinHashLSH over the same signatures."""
    import numpy as np
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    from spinfix.corpus.source_index import NUM_PERM, SourceIndex, _signature

    rng = np.random.default_rng(3)
    base = [np.unique(rng.integers(0, 2 ** 63, size=120, dtype=np.uint64)) for _ in range(40)]
    docs = [np.unique(np.concatenate([b[:rng.integers(20, 120)], rng.integers(0, 2 ** 63, size=30, dtype=np.uint64)]))
            for b in base for _ in range(3)]
    index, lsh = SourceIndex(), MinHashLSH(threshold=0.2, num_perm=NUM_PERM)
    for k, hashes in enumerate(docs):
        index.add_hashes(str(k), hashes)
        m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)
        m.update_batch((hashes & np.uint64(0xFFFFFFFF)).tolist())
        lsh.insert(str(k), LeanMinHash(m))
    proposed = 0
    for query in base:
        m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)
        m.update_batch((query & np.uint64(0xFFFFFFFF)).tolist())
        expected = sorted(lsh.query(LeanMinHash(m)))
        assert sorted(index._candidates(_signature(query))) == expected
        proposed += len(expected)
    assert 40 < proposed < 40 * len(docs)  # neither nothing nor everything


def test_adding_and_querying_in_turn_finds_the_documents_added_since_the_bands_were_made(monkeypatch):
    import numpy as np

    from spinfix.corpus.source_index import SourceIndex

    rng = np.random.default_rng(5)
    index = SourceIndex()
    docs = [np.unique(rng.integers(0, 2 ** 63, size=100, dtype=np.uint64)) for _ in range(1200)]
    for k, hashes in enumerate(docs):
        index.add_hashes(str(k), hashes)
        if k % 150 == 0:
            assert index.query.__self__ is index and str(k) in index._candidates(index.signatures[-1])
    assert index._bands is not None and index._bands.size < len(docs)  # banded once, the rest compared directly
    for k in (0, 700, 1199):
        assert str(k) in index._candidates(index.signatures[k])
