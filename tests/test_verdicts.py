"""Every score carries a verdict that explains itself (issue 30): the document line, what crossed
it, and where the sentence flags and the likelihood seem to disagree, why; text spinfix cannot
judge (not English, not prose) gets "cannot judge" and `score` exit 3, never a clean bill."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_CLEAN, EXAMPLE_SPUN
from spinfix.detection.detector import load_detector
from spinfix.detection.results import DocumentScore
from spinfix.detection.verdicts import CANNOT_JUDGE, LIKELY, UNLIKELY, document_verdict
from spinfix.text.language import prose_check

ROOT = Path(__file__).resolve().parents[1]

GERMAN = """Der Stadtrat hat am Dienstagabend mit knapper Mehrheit beschlossen, das alte Industriegelände am
Flussufer in einen öffentlichen Park umzuwandeln. Die Arbeiten sollen im kommenden Frühjahr beginnen und etwa
zwei Jahre dauern.

Anwohner hatten sich seit Jahren mehr Grünflächen in ihrem Viertel gewünscht. Nach Angaben der Verwaltung wird
das Projekt rund vier Millionen Euro kosten, von denen das Land die Hälfte übernimmt.
"""
CHINESE = """市议会周二晚上以微弱多数通过决定，将河边的旧工业用地改造成一个公共公园。工程预计明年春天开始，大约需要两年时间完成。

多年来，居民一直希望所在街区能有更多的绿地。据市政府介绍，该项目将花费约四百万欧元，其中一半由州政府承担。
"""
PYTHON = """import os
import sys
from collections import defaultdict


def walk(root, pattern=".txt"):
    out = defaultdict(list)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.endswith(pattern):
                out[dirpath].append(os.path.join(dirpath, name))
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    found = walk(argv[0] if argv else ".")
    total = 0
    for key, paths in sorted(found.items()):
        total += len(paths)
        print(f"{key}: {len(paths)}")
    return 0 if total else 1
"""
JAVASCRIPT = """const express = require("express");
const app = express();
const port = process.env.PORT || 3000;

app.get("/api/items/:id", async (req, res) => {
  const id = parseInt(req.params.id, 10);
  if (Number.isNaN(id)) {
    return res.status(400).json({ error: "bad id" });
  }
  const item = await db.items.findOne({ where: { id } });
  if (!item) return res.status(404).end();
  res.json(item);
});
"""
_rng = random.Random(3)
NUMBERS = "\n".join(" ".join(f"{_rng.uniform(0, 1000):.2f}" for _ in range(8)) for _ in range(40)) + "\n"
TABLE = "date,station,temp_c,rain_mm\n" + "".join(
    f"2021-01-{d:02d},A{d % 7},{_rng.uniform(-5, 30):.1f},{_rng.uniform(0, 40):.1f}\n" for d in range(1, 29))
RANDOM_BYTES = bytes(_rng.getrandbits(8) for _ in range(3000)).decode("latin-1")

NOT_ENGLISH = {"german": (GERMAN, "language"), "chinese": (CHINESE, "script"), "python": (PYTHON, "code"),
               "javascript": (JAVASCRIPT, "code"), "numbers": (NUMBERS, "no words"), "table": (TABLE, "data"),
               "random-bytes": (RANDOM_BYTES, "data")}


@pytest.mark.parametrize("name", sorted(NOT_ENGLISH))
def test_text_spinfix_cannot_read_is_refused_with_its_reason(name):
    text, kind = NOT_ENGLISH[name]
    check = prose_check(text)
    assert not check.judgeable and check.kind == kind and check.reason, check
    score = load_detector().score_text(text, name)
    assert score.verdict.label == CANNOT_JUDGE and check.reason in score.verdict.line


def _handspun_originals() -> list[str]:
    texts = {}
    for path in sorted((ROOT / "evaluation" / "handspun").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts[record["source_id"]] = record["original"]
            texts[record["id"]] = record["spun"]
    return list(texts.values())


def test_english_of_every_genre_is_judged():
    """News, science, READMEs with code blocks, product pages (the hand-spun set's originals and
    their spun copies), and the shipped examples."""
    texts = [EXAMPLE_SPUN.read_text(), EXAMPLE_CLEAN.read_text(), "The soiled bomb.", "soiled",
             "# Install\n\n```\npip install spinfix\nspinfix score a.txt\n```\n\nThen score your files with it."]
    texts += _handspun_originals()
    refused = [t[:80] for t in texts if not prose_check(t).judgeable]
    assert not refused, refused


@pytest.mark.parametrize("likelihood, flagged, sentences, suspects, words", [
    (0.439, 6, 6, 9, 180), (0.224, 2426, 2501, 5000, 60000), (0.443, 4, 12, 8, 192), (0.3, 1, 40, 1, 900),
    (0.7, 0, 12, 0, 200), (0.9, 6, 6, 9, 180), (0.01, 0, 12, 0, 200)])
def test_no_verdict_leaves_flags_and_likelihood_contradicting_without_a_reason(likelihood, flagged, sentences,
                                                                               suspects, words):
    verdict = document_verdict(likelihood, flagged, sentences, suspects, words)
    assert verdict.label == (LIKELY if likelihood >= 0.5 else UNLIKELY)
    assert f"{likelihood:.3f}" in verdict.line and "0.5 line" in verdict.line and "\n" not in verdict.line
    assert f"{flagged} of {sentences} sentence" in verdict.line
    disagree = (verdict.label == UNLIKELY and flagged > 0) or (verdict.label == LIKELY and flagged == 0)
    assert len(verdict.reasons) == (3 if disagree else 2)
    if disagree:
        assert verdict.reasons[2][1:] in verdict.line  # the why, in the same line
        assert "look at the flagged sentences" in verdict.line or "--threshold" in verdict.line


@pytest.mark.parametrize("words, says", [(31, "weak evidence"), (300, "heavy spin of common words")])
def test_the_first_stage_alone_is_weak_evidence_in_a_short_text(words, says):
    """On paragraphs under 100 words the first stage alone put clean and spun ones over the line
    about equally often (dev: 5.8 and 5.4 %), so there the verdict does not point to heavy spin."""
    verdict = document_verdict(0.57, 0, 2, 0, words, views={"suspects": 0.1, "share": 0.04, "first_stage": 0.57})
    assert verdict.label == LIKELY and says in verdict.line and len(verdict.reasons) == 3


def test_score_output_carries_the_verdict_in_text_and_json(tmp_path):
    german = tmp_path / "german.txt"
    german.write_text(GERMAN, encoding="utf-8")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "spinfix", *args], capture_output=True, text=True, timeout=120)

    text = run("score", str(EXAMPLE_SPUN), str(EXAMPLE_CLEAN))
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    verdicts = [line for line in lines if line.startswith("  verdict: ")]
    assert len(verdicts) == 2 and verdicts[1].startswith("  verdict: unlikely spun: spin likelihood 0.0")
    assert "Sentences are flagged but" in verdicts[0]  # 0.443 with 4 flagged sentences: says why
    assert sum("spinfix:" in line for line in lines) == 1 and lines[-1].startswith("signature: spinfix:")
    data = json.loads(run("score", "--json", str(EXAMPLE_SPUN)).stdout)
    assert set(data["verdict"]) == {"label", "line", "threshold", "reasons"} and data["verdict"]["threshold"] == 0.5
    assert DocumentScore.from_dict(data).to_dict() == data

    refused = run("score", str(german))
    assert refused.returncode == 3 and "verdict: cannot judge: reads as German" in refused.stdout, refused.stdout
    assert json.loads(run("score", "--json", str(german)).stdout)["verdict"]["label"] == CANNOT_JUDGE
    summary = run("score", "--summary", str(german), str(EXAMPLE_CLEAN))
    assert summary.returncode == 0  # one input could be judged
    assert [row.split("\t")[-1] for row in summary.stdout.splitlines()] == ["verdict", CANNOT_JUDGE, UNLIKELY]


SPUN_PAIRS = ("The soiled bomb was stated to be massive by the shut U.S. ally on Thursday. Officials alleged the "
              "maximum harm was done to the lovers of the club.\n")


def test_restore_says_what_it_did_and_did_not_do_and_why(tmp_path):
    """Every suspect that score names is either restored or left alone with a reason, and the
    summary line adds up; under the 0.5 line the line says that it gates a restore."""
    from spinfix.restoration.restorations import NO_BETTER, UNDER_THE_LINE, restore_without_reference

    detector = load_detector()
    for text, gated in ((SPUN_PAIRS, False), (EXAMPLE_SPUN.read_text(), True)):
        score = detector.score_text(text)
        named = [(w.start, w.end) for s in score.flagged for w in s.suspects]
        result = restore_without_reference(text, detector=detector)
        assert result.suspects == len(named) > 0
        assert {(w.start, w.end) for w in result.left_alone} <= set(named)
        restored = [n for n in named if any(c.start < n[1] and n[0] < c.end for c in result.substitutions)]
        assert len(restored) + len(result.left_alone) == len(named)
        line = result.summary()
        if gated:
            assert not result.substitutions and {w.reason for w in result.left_alone} == {UNDER_THE_LINE}
            assert line.startswith(f"restored nothing: spin likelihood {score.spin_likelihood:.3f} is under the 0.5 line")
            assert line.endswith(f"{len(named)} suspects left as written")
        else:
            assert line.startswith(f"restored {len(restored)} of {len(named)} suspects")
            assert all(w.reason for w in result.left_alone) and NO_BETTER in line
    path = tmp_path / "spun.txt"
    path.write_text(SPUN_PAIRS)
    cli = subprocess.run([sys.executable, "-m", "spinfix", "restore", str(path), "--json"], capture_output=True,
                         text=True, timeout=120)
    data = json.loads(cli.stdout)
    assert data["summary"] in cli.stderr and data["summary"].startswith("restored 3 of 6 suspects; 3 left")
    assert all(set(w) == {"word", "start", "end", "reason", "originals"} for w in data["left_alone"])
    reference = subprocess.run([sys.executable, "-m", "spinfix", "restore", str(path), "--reference", str(path)],
                               capture_output=True, text=True, timeout=120)
    assert "restored 0 spans against the reference" in reference.stderr


def test_real_scores_never_contradict_themselves_silently():
    """Over the hand-spun set (originals and three densities of spin, four genres) and the shipped
    examples: wherever sentences are flagged under the line, or none over it, the verdict's line
    says why."""
    texts = _handspun_originals() + [EXAMPLE_SPUN.read_text(), EXAMPLE_CLEAN.read_text()]
    scores = load_detector().score_texts(texts)
    disagreeing = 0
    for score in scores:
        verdict = score.verdict
        assert verdict.label in (LIKELY, UNLIKELY) and verdict.line.startswith(verdict.label)
        if (verdict.label == UNLIKELY and score.flagged) or (verdict.label == LIKELY and not score.flagged):
            disagreeing += 1
            assert len(verdict.reasons) == 3 and verdict.reasons[2][1:] in verdict.line, verdict.line
        else:
            assert len(verdict.reasons) == 2
        assert score.format().splitlines()[-1] == f"  verdict: {verdict.line}"
    assert disagreeing > 0  # the case the issue met is in the set
