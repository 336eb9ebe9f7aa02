"""Reference-free restoration: the shipped dictionary and restorer, and user-made dictionaries."""
import numpy as np
import pytest

from conftest import seed
from spinfix import SubstitutionDictionary, align
from spinfix.corpora import split_documents, training_documents
from spinfix.detecting import load_detector
from spinfix.dictionary import import_phrase_list
from spinfix.evaluation import correct_changes, score_restoration
from spinfix.restoring import TrustingRestorer, default_dictionary, default_restorer, restore_with_dictionary
from spinfix.training import wilson_lower


@pytest.fixture(scope="module")
def detector():
    return load_detector()


@pytest.fixture(scope="module")
def held_out():
    return split_documents(training_documents())["test"][:6]


def test_shipped_dictionary_restores_held_out_spun_text(detector, held_out):
    dictionary = default_dictionary()
    assert len(dictionary) > 10_000
    learned = score_restoration(held_out, dictionary, detector, default_restorer(), seed=9)
    naive = score_restoration(held_out, dictionary, detector, TrustingRestorer(), seed=9)
    assert learned.changes > 0
    assert learned.precision >= 0.8 and learned.precision > 3 * naive.precision
    assert learned.recall >= 0.4
    assert "spinner_table" in default_restorer().info_["trained_on"]
    assert learned.clean_changes_per_1000_words <= 1.0 < naive.clean_changes_per_1000_words


def test_threshold_rule_keeps_a_margin_that_shrinks_with_evidence():
    bounds = wilson_lower(np.array([9, 90, 900]), np.array([10, 100, 1000]))
    assert np.all(bounds < 0.9) and bounds[0] < bounds[1] < bounds[2] and bounds[2] > 0.88


@pytest.mark.parametrize("prefix", ["001", "002", "004"])
def test_clean_seed_text_keeps_its_words(detector, prefix):
    text = seed(prefix)
    result = restore_with_dictionary(text, None, detector)
    assert len(result.substitutions) <= max(1, len(text.split()) // 1000)


def test_seed_pair_dictionary_restores_the_seed(detector, spun_seed, source_seed):
    alignment = align(spun_seed, source_seed)
    dictionary = SubstitutionDictionary()
    dictionary.add_alignment(alignment)
    result = restore_with_dictionary(spun_seed, dictionary, detector)
    truth = [type("Swap", (), {"start": s.spun_start, "end": s.spun_end, "original": s.original})
             for s in alignment.phrase_pairs]
    correct = correct_changes(result.substitutions, truth)
    assert result.substitutions, "the seed's own pairs should restore some of it"
    assert correct / len(result.substitutions) >= 0.7
    for change in result.substitutions:
        assert spun_seed[change.start:change.end] == change.spun
        assert 0.0 <= change.confidence <= 1.0


def test_imported_phrase_list_restores_tortured_phrases(detector):
    dictionary = import_phrase_list(
        "tortured phrase,expected phrase\ncounterfeit consciousness,artificial intelligence\n"
        "profound learning,deep learning\nirregular woodland,random forest\n", "tortured.csv")
    text = ("We trained a profound learning model and an irregular woodland classifier. "
            "Counterfeit consciousness is changing how we read the literature, and profound learning "
            "methods beat the irregular woodland baseline on every benchmark we tried this year.")
    result = restore_with_dictionary(text, dictionary, detector, TrustingRestorer())
    assert "deep learning model" in result.restored and "random forest classifier" in result.restored
    assert "Artificial intelligence is changing" in result.restored
    assert len(result.substitutions) == 5
