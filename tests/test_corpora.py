"""The clean sources: read from the registry packages, whole documents, disjoint halves."""
from spinfix.training.corpora import (SOURCES, brown_detokenize, chunked, foldoc_documents, ood_splits, source_documents,
                             split_of)
from spinfix.text.words import modern_words


def test_brown_sentences_read_as_plain_text():
    tagged = ("``/`` Only/rb a/at relative/jj handful/nn of/in such/jj reports/nns was/bedz received/vbn ''/'' ,/, "
              "the/at jury/nn said/vbd (/( in/in part/nn )/) ./.")
    assert brown_detokenize(tagged) == '"Only a relative handful of such reports was received", the jury said (in part).'


def test_every_source_loads_as_documents_of_real_prose():
    for role in ("train", "ood"):
        for name, docs in source_documents(role).items():
            assert len(docs) >= 300, name
            words = [len(d.text.split()) for d in docs]
            assert sorted(words)[len(words) // 2] >= 300, name  # article-sized
            assert len({d.name for d in docs}) == len(docs), name
    assert {s.role for s in SOURCES} == {"train", "ood"}
    assert len([s for s in SOURCES if s.role == "ood"]) >= 3


def test_foldoc_prose_is_unwrapped_without_markup():
    text = foldoc_documents()[10].text
    assert "{" not in text and "http" not in text
    assert all(len(p.split()) >= 12 for p in text.split("\n\n"))


def test_out_of_domain_halves_are_disjoint_and_keep_a_sample_together():
    halves = ood_splits(source_documents("ood"))
    for name in halves["test"]:
        test = {d.name for d in halves["test"][name]}
        validation = {d.name for d in halves["validation"][name]}
        assert test and validation and not test & validation
        if name.startswith("brown"):  # chunks of one Brown sample never straddle the halves
            assert not {n.rsplit("/", 1)[0] for n in test} & {n.rsplit("/", 1)[0] for n in validation}
    assert split_of("brown/news/ca01/0", 0.0, 0.5) == split_of("brown/news/ca01/3", 0.0, 0.5)


def test_chunks_are_whole_paragraphs_of_at_least_the_minimum():
    docs = chunked("x", ["one two three"] * 10, min_words=7)
    assert [d.text.count("\n\n") + 1 for d in docs] == [3, 3, 3, 1]


def test_a_word_far_more_common_today_than_in_the_language_model_is_new_usage():
    assert "trump" in modern_words()
    assert "said" not in modern_words() and "dirty" not in modern_words()
