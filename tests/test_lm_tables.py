"""The language model as arrays gives pocketsphinx's very scores, and its cache heals."""
import random

import numpy as np

from spinfix.judge import trigram_tables as lm_tables
from spinfix.judge.trigram import BOS, default_lm, default_tables
from spinfix.text.tokens import tokenize


def _reference(words: list[str]) -> int:
    return default_lm()._model.prob(words)


def test_scores_are_pocketsphinx_scores_on_real_and_random_ngrams():
    tables = default_tables()
    text = ("The city council voted on Tuesday to approve a plan that would turn an old industrial site "
            "along the river into a public park, officials said. Residents have asked for more green space.")
    words = [BOS] + [t.norm for t in tokenize(text) if t.is_word and t.norm in tables.ids] + ["</s>"]
    rng = random.Random(7)
    queries = [(words[k], words[k - 1], words[k - 2]) for k in range(2, len(words))]
    queries += [(words[k], words[k - 1], None) for k in range(1, len(words))] + [(w, None, None) for w in words]
    vocabulary = tables.words
    queries += [tuple(rng.choice(vocabulary) for _ in range(3)) for _ in range(5000)]
    queries += [(rng.choice(words), rng.choice(words), rng.choice(words)) for _ in range(5000)]
    queries += [(rng.choice(vocabulary), rng.choice(vocabulary), None) for _ in range(2000)]
    ids = lambda ws: np.array([-1 if w is None else tables.ids[w] for w in ws])
    w, v, u = (ids([q[k] for q in queries]) for k in range(3))
    expected = [_reference([x for x in q if x is not None]) for q in queries]
    assert tables.scores(w, v, u).tolist() == expected
    # the same with the bigram entries looked up beforehand, as swap gains share them
    assert tables.scores(w, v, u, tables.bigrams(w, v), tables.bigrams(v, u)).tolist() == expected


def test_a_damaged_cache_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = default_lm().path
    lm_tables.load_tables.cache_clear()
    try:
        first = lm_tables.load_tables(path)
        [cache] = (tmp_path / "spinfix").iterdir()
        (cache / "bi_table.npy").write_bytes(b"not an array")
        lm_tables.load_tables.cache_clear()
        again = lm_tables.load_tables(path)
        assert np.array_equal(again.bi_table, first.bi_table)
        assert np.load(cache / "bi_table.npy").shape == first.bi_table.shape  # rewritten, not left damaged
    finally:
        lm_tables.load_tables.cache_clear()


def test_a_file_that_is_no_trie_model_is_a_one_line_error(tmp_path):
    import pytest

    from spinfix.errors import SpinfixError

    bogus = tmp_path / "en-us.lm.bin"
    bogus.write_bytes(b"ARPA text, not a trie" * 10)
    with pytest.raises(SpinfixError, match="not a trigram model"):
        lm_tables.build_arrays(str(bogus))


def test_phrase_unigrams_from_the_arrays_are_pocketsphinxs():
    from spinfix.judge.trigram import phrase_unigram

    lm = default_lm()
    rng = random.Random(11)
    phrases = [tuple(rng.choice(default_tables().words) for _ in range(rng.randint(1, 3))) for _ in range(2000)]
    phrases += [("dirty", "bomb"), ("monthly",), ("qwxzzy",), ("close", "qwxzzy")]
    for words in phrases:
        expected = sum(lm.unigram(w) for w in words) if all(lm.known(w) for w in words) else None
        assert phrase_unigram(words) == expected
