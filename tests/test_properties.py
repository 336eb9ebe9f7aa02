"""Properties of the public API over generated text (hypothesis, bounded for CI)."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinfix import align, restore_with_reference
from spinfix.detection.detector import load_detector
from spinfix.training.spinner import Spinner
from spinfix.text.tokens import split_sentences, tokenize

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = ["the", "council", "said", "dirty", "bomb", "close", "ally", "monthly", "briefing", "İstanbul", "straße",
         "ﬁnance", "naïve", "👍🏽", "e\u0301", "U.S.", "didn't", "month-to-month", "42", "—", ",", ".", "\u200b", "\r\n"]
prose = st.lists(st.sampled_from(WORDS), min_size=1, max_size=60).map(" ".join)
anything = st.text(max_size=300)


@SETTINGS
@given(st.one_of(prose, anything))
def test_offsets_slice_the_input(text):
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text
    for t in tokenize(text):
        assert text[t.start:t.end] == t.text


@SETTINGS
@given(st.one_of(prose, anything))
def test_score_never_raises_and_its_json_round_trips(text):
    score = load_detector().score_text(text)
    assert 0.0 <= score.spin_likelihood <= 1.0
    data = json.loads(score.format(is_json=True))
    assert data["spin_likelihood"] == score.spin_likelihood
    for s in data["sentences"]:
        assert text[s["start"]:s["end"]] == s["text"]
        for w in s["suspects"]:
            assert text[w["start"]:w["end"]] == w["word"]


@SETTINGS
@given(prose.filter(lambda t: any(c.isalpha() for c in t)))
def test_aligning_a_text_with_itself_changes_nothing(text):
    alignment = align(text, text)
    assert not alignment.substitutions
    assert restore_with_reference(text, text).restored == text


@SETTINGS
@given(st.lists(st.sampled_from(["The council said the dirty bomb was a close call.",
                                 "A monthly briefing on the foreign policy of the city was held.",
                                 "Officials recently met to exchange views on the military force.",
                                 "Residents were told to refer to the details in the report."]),
                min_size=1, max_size=6), st.integers(0, 10_000))
def test_restoring_a_synthetic_spin_against_its_source_gives_the_source(sentences, seed):
    source = "\n".join(sentences) + "\n"
    spun, _ = Spinner(0.5, seed=seed).spin_document(source)
    assert restore_with_reference(spun, source).restored == source
