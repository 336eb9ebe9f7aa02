"""ftfy-style case files: tests/test-cases/*.json, including negatives and honest known failures."""
import json
from pathlib import Path

import pytest

from spinfix import align
from spinfix.detection.detector import load_detector
from spinfix.dictionary.substitutions import SubstitutionDictionary
from spinfix.restoration.decisions import TrustingRestorer
from spinfix.restoration.restorations import restore_without_reference as restore_with_dictionary
from spinfix.training.spinner import Spinner

CASES = Path(__file__).parent / "test-cases"


def load(name):
    return json.loads((CASES / name).read_text())["cases"]


def extracted(spun, source):
    return {(s.spun.strip().lower(), s.original.strip().lower()) for s in align(spun, source).phrase_pairs}


@pytest.mark.parametrize("case", load("alignment.json"), ids=lambda c: c["label"])
def test_alignment_cases(case):
    assert {tuple(p) for p in case["pairs"]} <= extracted(case["spun"], case["source"])


@pytest.mark.parametrize("sentence", load("negative.json"))
def test_negative_cases(sentence):
    detector = load_detector()
    scored = detector.score_text(sentence)
    assert not any(s.flagged for s in scored.sentences)
    assert scored.spin_likelihood < 0.5  # one sentence alone is not accused either
    assert restore_with_dictionary(sentence, None, detector).restored == sentence


@pytest.mark.parametrize("case", load("known-failures.json"), ids=lambda c: c["label"])
@pytest.mark.xfail(strict=True, reason="known failure, see tests/test-cases/known-failures.json")
def test_known_failures(case):
    if case["kind"] == "alignment":
        assert {tuple(p) for p in case["pairs"]} <= extracted(case["spun"], case["source"])
    elif case["kind"] == "spun-file":
        text = (Path(__file__).parents[1] / case["file"]).read_text(encoding="utf-8")
        spun = Spinner(case["rate"], seed=case["seed"]).spin_document(text)[0]
        assert load_detector().score_text(spun).spin_likelihood >= 0.5
    else:
        dictionary = SubstitutionDictionary()
        dictionary.add_pairs([tuple(p) for p in case["pairs"]], "case")
        assert restore_with_dictionary(case["text"], dictionary, None, TrustingRestorer()).restored == case["expected"]
