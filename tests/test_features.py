"""Sentence features: the language model's words and names, the spinner-vocabulary terms, and
feature rows built by name from the tables a model file keeps."""
import numpy as np
import pytest

from spinfix.detection.detector import load_detector
from spinfix.detection.features import (LM_FEATURES, NAME, SENTENCE_FEATURES, FeatureTables, lm_words, proper_nouns,
                                        spinner_terms)


def test_lm_words_keep_spans_split_hyphens_and_tell_names():
    sentence = "The month-to-month briefing in Taipei said: Officials met."
    words = lm_words(sentence)
    assert [w for w, *_ in words][:4] == ["the", "month", "to", "month"]
    assert all(sentence[a:b].lower() == w for w, a, b, _ in words)
    names = {w: is_name for w, _, _, is_name in words}
    assert names["taipei"] and not names["the"]  # capitalized inside a sentence; its first word says nothing
    assert not names["officials"]  # after a colon a capital opens a sentence
    assert [is_name for w, _, _, is_name in lm_words("Taipei said so.", frozenset({"taipei"}))][0]  # a known name


def test_proper_nouns_are_words_mostly_capitalized_inside_sentences():
    texts = ["They met China and its envoy.", "It angered China again.", "Aid to China grew.", "The china broke."]
    assert "china" in proper_nouns(texts, min_count=3)
    assert "envoy" not in proper_nouns(texts, min_count=1)


def test_spinner_terms_put_names_and_spellings_on_one_footing():
    terms = spinner_terms(lm_words("Our defence of Taipei held."))
    assert terms[:4] == ["our", "defense", "of", NAME]
    assert "defense of" in terms and len(spinner_terms(lm_words("a b"), pairs=False)) == 2


@pytest.fixture(scope="module")
def tables() -> FeatureTables:
    return load_detector().features


def test_a_swap_shows_as_a_gain_with_its_likelier_original(tables):
    rows, evidence = tables.transform_with_evidence(["The soiled bomb was found.", "The dirty bomb was found."])
    assert rows.shape == (2, len(SENTENCE_FEATURES))
    gain = SENTENCE_FEATURES.index("gain_max")
    assert rows[0, gain] > rows[1, gain] and rows[0, gain] > 1
    soiled = next(e for e in evidence[0] if e.word == "soiled")
    assert soiled.neighbour == "dirty" and "The soiled bomb was found."[soiled.start:soiled.end] == "soiled"
    assert soiled.reason == "likelier original"


def test_rows_are_built_by_column_name():
    with pytest.raises(ValueError, match="missing"):
        SENTENCE_FEATURES.row(log_length=1.0)
    assert list(LM_FEATURES) == list(SENTENCE_FEATURES)[:8]


def test_the_tables_round_trip_through_their_data_form_and_the_language_model_columns_stand_alone(tables):
    sentences = ["The soiled bomb was stated to be massive by the shut U.S. ally.", "A quiet day in the city."]
    again = FeatureTables.from_data(tables.to_data())
    assert np.array_equal(again.transform(sentences), tables.transform(sentences))
    lm_only = FeatureTables(tables.names_, tables.neighbours_, tables.vocabulary_, use_vocabulary=False)
    assert lm_only.transform(sentences).shape == (2, len(LM_FEATURES))
    assert np.array_equal(lm_only.transform(sentences), tables.transform(sentences)[:, :len(LM_FEATURES)])
