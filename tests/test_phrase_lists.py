"""Phrase lists as evidence in scoring (`spinfix score --phrase-list LIST`)."""
import json
from pathlib import Path

import pytest

from spinfix.detection.detector import load_detector
from spinfix.dictionary.storage import save_dictionary
from spinfix.dictionary.substitutions import SubstitutionDictionary, import_phrase_list
from spinfix.detection.phrase_evidence import PhraseList
from spinfix.detection.streaming import score_streamed
from test_cli import assert_one_line_error, run

TORTURED = ("spun,expected\ncounterfeit consciousness,artificial intelligence\nbosom peril,breast cancer\n"
            "irregular woodland,random forest\nprofound learning,deep learning\n")
PAPER = ("Recent advances in counterfeit consciousness have changed how clinicians screen for bosom peril. "
         "We trained an irregular woodland on the records of 4,000 patients. "
         "The profound learning model outperformed it on every measure. "
         "Our results suggest that counterfeit consciousness can support early diagnosis. "
         "The data were collected at three hospitals between 2015 and 2019. Patients gave written consent. "
         "The study was approved by the ethics board.\n")


@pytest.fixture(scope="module")
def tortured() -> PhraseList:
    return PhraseList(import_phrase_list(TORTURED, "tortured.csv"))


def test_a_paper_of_tortured_phrases_is_flagged_only_with_the_list(tortured):
    detector = load_detector()
    plain = detector.score_text(PAPER)
    listed = detector.with_phrases(tortured).score_text(PAPER)
    assert plain.spin_likelihood < 0.5 and plain.flagged_count == 0
    assert listed.spin_likelihood >= 0.8 and listed.flagged_count == 4
    named = {(w.word, w.original, w.reason) for s in listed.flagged for w in s.suspects}
    assert ("counterfeit consciousness", "artificial intelligence", "listed phrase (curated)") in named
    assert ("bosom peril", "breast cancer", "listed phrase (curated)") in named
    assert not listed.sentences[-1].flagged  # "The study was approved by the ethics board."
    assert detector.score_text(PAPER).to_dict() == plain.to_dict()  # the shipped detector is left as it was


def test_gated_pairs_count_only_when_asked_and_where_the_model_prefers_the_original():
    d = SubstitutionDictionary()
    d.add_pairs([("soiled", "dirty"), ("close", "shut"), ("in", "into")], "pair-1", "observed")
    d.add_pairs([("month-to-month briefing", "monthly briefing")], "pair-2", "prior")
    assert len(PhraseList(d)) == 0  # by default only curated rows count
    assert load_detector().with_phrases(PhraseList(d)).signature() == load_detector().signature()
    phrases = PhraseList(d, {"observed": 1.0})
    assert set(phrases.originals) == {"soiled", "close"}  # no function words, no prior rows
    [found] = phrases.evidence("Officials feared a soiled bomb in the capital.")
    assert (found.word, found.neighbour, found.source) == ("soiled", "dirty", "observed")
    assert phrases.evidence("He is a close U.S. ally of the president.") == []  # "a shut ally" fits worse
    assert phrases.evidence("The month-to-month briefing was cancelled.") == []


def test_signature_names_the_list_and_streamed_scoring_agrees(tortured):
    detector = load_detector()
    with_list = detector.with_phrases(tortured)
    other = detector.with_phrases(PhraseList(import_phrase_list(TORTURED + "bosom peril,breast tumour\n", "b.csv")))
    signatures = {detector.signature(), with_list.signature(), other.signature()}
    assert len(signatures) == 3 and f"phrases:{tortured.sha256[:12]}" in with_list.signature()
    streamed = score_streamed(with_list, PAPER * 3, block=2).materialize()
    assert streamed.to_dict() == with_list.score_text(PAPER * 3).to_dict()


def test_score_dictionary_from_the_command_line(tmp_path):
    paper, listed = tmp_path / "paper.txt", tmp_path / "tortured.tsv"
    paper.write_text(PAPER)
    save_dictionary(import_phrase_list(TORTURED, "tortured.csv"), listed)
    result = run("score", "--json", "--phrase-list", str(listed), "--fail-over", "0.5", str(paper))
    assert result.returncode == 1, result.stderr  # spun text found
    data = json.loads(result.stdout)
    assert data["spin_likelihood"] >= 0.8 and "|phrases:" in data["signature"]
    assert_one_line_error(run("score", "--phrase-list", str(tmp_path / "nope.tsv"), str(paper)), "no such file")
    observed = tmp_path / "observed.tsv"
    save_dictionary(import_phrase_list(TORTURED, "tortured.csv").relabel("observed"), observed)
    assert_one_line_error(run("score", "--phrase-list", str(observed), str(paper)), "no curated phrases")


def test_known_pairs_name_suspects_in_flagged_sentences_only(monkeypatch):
    """The shipped dictionary's pairs name suspects (with their originals) where the detector
    flags a sentence anyway; the likelihood and the flags are the word evidence's alone."""
    import spinfix.detection.detector as detector_module

    text = (Path(__file__).resolve().parents[1] / "spinfix" / "data" / "example_spun.txt").read_text(encoding="utf-8")
    detector = load_detector()
    score = detector.score_text(text)
    known = [w for s in score.flagged for w in s.suspects if w.reason == "known spinner pair"]
    assert known and all(w.original and w.original != w.word for w in known)
    assert all(s.suspects == [] for s in score.sentences if not s.flagged)
    assert "|pairs:" in score.signature
    none = PhraseList(SubstitutionDictionary(), {"prior": 1.0})
    monkeypatch.setattr(detector_module, "known_pairs", lambda: none)
    without = detector.score_text(text)
    assert [(s.probability, s.flagged) for s in without.sentences] == [(s.probability, s.flagged) for s in score.sentences]
    assert without.spin_likelihood == score.spin_likelihood
    assert not any(w.reason == "known spinner pair" for s in without.sentences for w in s.suspects)


def test_known_pairs_are_cached_and_a_damaged_cache_is_read_again(tmp_path, monkeypatch):
    import spinfix.detection.phrase_evidence as phrase_lists

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    phrase_lists.known_pairs.cache_clear()
    try:
        built = phrase_lists.known_pairs()
        [cached] = (tmp_path / "spinfix").glob("known-pairs-*.json")
        phrase_lists.known_pairs.cache_clear()
        assert phrase_lists.known_pairs().originals == built.originals
        cached.write_bytes(b"damaged")
        phrase_lists.known_pairs.cache_clear()
        assert phrase_lists.known_pairs().originals == built.originals
        cached.write_text('{"stated": ["said", "observed"]}')  # not a table of prior pairs
        phrase_lists.known_pairs.cache_clear()
        assert phrase_lists.known_pairs().originals == built.originals
        assert len(built) > 10_000 and built.sha256 == phrase_lists.default_dictionary_hash()
    finally:
        phrase_lists.known_pairs.cache_clear()
