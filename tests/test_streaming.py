"""Large texts are scored in two streamed passes, with exactly the result of scoring them whole."""
import io
import json
import subprocess
import sys

import pytest

from spinfix.corpus.batch import SUMMARY_HEADER
from spinfix.detection.detector import load_detector
from spinfix.detection.streaming import STREAM_CHARS, score_streamed


@pytest.fixture(scope="module")
def detector():
    return load_detector()


def test_streamed_score_equals_whole_score_in_small_blocks(detector, spun_seed, source_seed):
    text = "\n\n".join([spun_seed, source_seed, spun_seed])
    whole = detector.score_text(text, "doc.txt")
    assert whole.flagged_count > 5  # the test needs flagged sentences with suspects
    streamed = score_streamed(detector, text, "doc.txt", block=7)
    for is_json in (True, False):
        out = io.StringIO()
        streamed.write(out, is_json)
        assert out.getvalue() == whole.format(is_json) + "\n"
    assert streamed.materialize() == whole
    assert (streamed.flagged_count, streamed.suspects_per_100_words) == (whole.flagged_count,
                                                                          whole.suspects_per_100_words)


def test_streamed_threshold_and_empty_text(detector, spun_seed):
    strict = score_streamed(detector, spun_seed, "x", threshold=0.99, block=5).materialize()
    assert strict == detector.score_text(spun_seed, "x", threshold=0.99)
    empty = score_streamed(detector, "   \n", "x")
    assert (empty.sentence_count, empty.flagged_count, list(empty.sentences())) == (0, 0, [])


def test_cli_streams_a_large_file_with_the_same_result(tmp_path, detector, spun_seed):
    text = "\n\n".join([spun_seed] * (STREAM_CHARS // len(spun_seed) + 1))
    assert len(text) > STREAM_CHARS
    big, small = tmp_path / "big.txt", tmp_path / "small.txt"
    big.write_text(text, encoding="utf-8")
    small.write_text(spun_seed, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "spinfix", "score", "--json", str(small), str(big), str(small)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert [json.loads(line)["file"] for line in lines] == [str(small), str(big), str(small)]  # input order kept
    assert lines[1] == detector.score_text(text, str(big)).format(is_json=True)
    summary = subprocess.run([sys.executable, "-m", "spinfix", "score", "--summary", str(big)],
                             capture_output=True, text=True, timeout=600)
    header, row = summary.stdout.splitlines()
    assert header.split("\t") == SUMMARY_HEADER and row.split("\t")[0] == str(big)
    assert int(row.split("\t")[2]) == sum(s["flagged"] for s in json.loads(lines[1])["sentences"])
