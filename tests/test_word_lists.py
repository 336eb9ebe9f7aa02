"""The word lists in data/ are what scripts/build_word_lists.py makes from their sources."""
import sys
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from spinfix.judge.trigram import default_lm
from spinfix.text.words import function_words, function_words_only, modern_words


def test_function_words_are_scikit_learns_stop_words():
    assert function_words() == ENGLISH_STOP_WORDS
    assert function_words_only(["after", "all"]) and not function_words_only(["after", "bomb"])


def test_the_modern_word_list_is_what_the_build_script_makes_from_wordfreq():
    pytest.importorskip("wordfreq", reason="wordfreq is a build dependency (pip install -e '.[build]')")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from build_word_lists import modern_words as build

    built = build(default_lm())
    assert frozenset(built) == modern_words()
    assert "trump" in modern_words() and not {"said", "dirty", "online"} & modern_words()
