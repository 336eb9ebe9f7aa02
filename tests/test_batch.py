"""Scoring many files: what a directory gives, what an unreadable file does, and results in
input order whether files are scored in chunks, alone or streamed."""
import pytest

import spinfix.corpus.batch as batch
from conftest import EXAMPLE_CLEAN, EXAMPLE_SPUN
from spinfix import SpinfixError
from spinfix.corpus.batch import FileError, InputFile, discover, score_files, summary_line
from spinfix.detection.detector import load_detector
from spinfix.detection.streaming import StreamedScore


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "a.txt").write_text(EXAMPLE_SPUN.read_text())
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(EXAMPLE_CLEAN.read_text())
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("hidden")
    (tmp_path / "notes.md").write_text("# not a text file of the glob")
    return tmp_path


def test_discover_walks_directories_for_the_glob_and_keeps_named_files(folder):
    found = discover([str(folder), str(folder / "notes.md"), "-"])
    assert found == [InputFile(str(folder / "a.txt"), False), InputFile(str(folder / "sub" / "b.txt"), False),
                     InputFile(str(folder / "notes.md"), True), InputFile("-", True)]
    assert [f.path for f in discover([str(folder)], "*.md")] == [str(folder / "notes.md")]
    with pytest.raises(SpinfixError, match="no files matching"):
        discover([str(folder / "sub")], "*.pdf")


def test_scores_come_in_input_order_with_unreadable_files_reported(folder):
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    files = discover([str(folder)]) + [InputFile(str(folder / "missing.txt"))]
    results = list(score_files(files, jobs=1))
    assert [r.file for r in results] == [str(folder / "a.txt"), str(folder / "broken.txt"), str(folder / "sub" / "b.txt"),
                                         str(folder / "missing.txt")]
    walked, named = results[1], results[3]
    assert isinstance(walked, FileError) and not walked.named and "binary" in walked.message
    assert isinstance(named, FileError) and named.named and "no such file" in named.message
    alone = load_detector().score_text(EXAMPLE_SPUN.read_text(), str(folder / "a.txt"))
    assert results[0].to_dict() == alone.to_dict()
    assert summary_line(results[0]).split("\t") == [
        alone.file, f"{alone.spin_likelihood:.4f}", str(alone.flagged_count), f"{alone.suspects_per_100_words:.2f}",
        alone.verdict.label]


def test_a_large_file_is_scored_streamed_with_the_same_result(folder, monkeypatch):
    expected = [r.to_dict() for r in score_files(discover([str(folder)]), jobs=1)]
    monkeypatch.setattr(batch, "STREAM_CHARS", 100)
    streamed = list(score_files(discover([str(folder)]), jobs=1))
    assert all(isinstance(r, StreamedScore) for r in streamed)
    assert [r.materialize().to_dict() for r in streamed] == expected


def test_chunks_scored_in_parallel_give_what_one_worker_gives(tmp_path, monkeypatch):
    for k in range(6):
        (tmp_path / f"{k}.txt").write_text((EXAMPLE_SPUN if k % 2 else EXAMPLE_CLEAN).read_text())
    monkeypatch.setattr(batch, "SCORE_CHUNK", 2)
    one = [r.to_dict() for r in score_files(discover([str(tmp_path)]), jobs=1)]
    two = [r.to_dict() for r in score_files(discover([str(tmp_path)]), jobs=2)]
    assert one == two and len(one) == 6
