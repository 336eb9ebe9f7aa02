"""Labelled data for the detector: clean and spun copies labelled sentence by sentence, the
user's pairs labelled by aligning them, and example pairs in the layout `train --pairs` reads."""
import numpy as np

from conftest import EXAMPLE_CLEAN, EXAMPLE_SPUN
from spinfix.text.thesaurus import default_thesaurus
from spinfix.training.corpora import Document, Pair, load_pairs
from spinfix.training.labelling import (flatten, labelled_pairs, labelled_user_pairs, names_in, spinner_tables,
                                        write_example_pairs)


def test_each_document_gives_a_clean_copy_and_a_spun_one_labelled_by_its_swaps(tiny_corpus):
    docs = tiny_corpus[:6]
    labelled = labelled_pairs(docs, seed=3)
    assert len(labelled) == 2 * len(docs)
    for clean, spun in zip(labelled[::2], labelled[1::2]):
        assert clean.spun == 0 and set(clean.labels) == {0} and spun.spun == 1
        assert len(spun.sentences) == len(spun.labels) == len(clean.sentences)
        for a, b, label in zip(clean.sentences, spun.sentences, spun.labels):
            assert label == 0 or a != b  # a positive sentence was changed
    assert [d.sentences for d in labelled_pairs(docs, seed=3)] == [d.sentences for d in labelled]  # reproducible
    sentences, labels = flatten(labelled)
    assert len(sentences) == len(labels) and labels.dtype.kind == "i" and 0 < labels.mean() < 0.5


def test_a_fixed_rate_spins_with_the_whole_thesaurus_and_tables_come_by_role(tiny_corpus):
    assert spinner_tables("test")[0] is default_thesaurus() and len(spinner_tables("fit")) == 5
    heavy = labelled_pairs(tiny_corpus[:4], seed=1, rate=0.9)
    assert np.mean([y for d in heavy[1::2] for y in d.labels]) > 0.5


def test_a_user_pair_is_labelled_by_aligning_it():
    pair = Pair("example", EXAMPLE_SPUN.read_text(), EXAMPLE_CLEAN.read_text())
    spun, source = labelled_user_pairs([pair])
    assert spun.spun == 1 and source.spun == 0 and set(source.labels) == {0}
    assert sum(spun.labels) >= len(spun.labels) // 2  # the example is spun throughout
    assert "City college goes in for new programme as long as run park" in spun.sentences


def test_example_pairs_are_written_as_train_pairs_reads_them(tmp_path, tiny_corpus):
    written = write_example_pairs(tmp_path, tiny_corpus[:3], seed=2)
    pairs = load_pairs(tmp_path)
    assert len(written) == len(pairs) == 3 and all(p.spun != p.clean for p in pairs)
    assert names_in([Document("d", "They met Mr Smith. Smith left. Later Smith spoke. So did Smith.")]) >= {"smith"}
