import pytest

from spinfix import SpinfixError, SubstitutionDictionary, align, load_dictionary, save_dictionary
from spinfix.dictionary.substitutions import MAGIC, MAGIC_V1, import_phrase_list


@pytest.fixture()
def seed_dictionary(spun_seed, source_seed):
    d = SubstitutionDictionary()
    d.add_alignment(align(spun_seed, source_seed))
    return d


def test_round_trip_keeps_every_entry(tmp_path, seed_dictionary):
    path = tmp_path / "d.tsv"
    save_dictionary(seed_dictionary, path)
    again = load_dictionary(path)
    assert again.entries == seed_dictionary.entries
    assert again.documents == seed_dictionary.documents
    assert again.kept == seed_dictionary.kept and seed_dictionary.kept
    assert path.read_text().startswith(MAGIC)
    assert again.entries[("stated", "said", "observed")].count == 4 == again.count("stated", "said")


def test_same_document_is_never_counted_twice(spun_seed, source_seed, seed_dictionary):
    before = {k: v.count for k, v in seed_dictionary.entries.items()}
    assert seed_dictionary.add_alignment(align(spun_seed, source_seed)) == 0
    assert {k: v.count for k, v in seed_dictionary.entries.items()} == before
    with pytest.raises(SpinfixError, match="count it twice"):
        seed_dictionary.merge(seed_dictionary)


SOURCE = "The minister said the report was dirty and late. Critics stated their case at length."
SPUN = "The minister stated the report was soiled and late. Critics stated their case at length."


def test_phrases_left_as_written_are_counted_as_kept():
    d = SubstitutionDictionary()
    assert d.add_alignment(align(SPUN, SOURCE)) == 2
    assert d.count("stated", "said") == 1 and d.count("soiled", "dirty") == 1
    assert d.kept_count("stated") == 1  # the critics' "stated" is the source's own word
    assert d.kept_count("soiled") == 0
    assert "stated\tstated\t1\t1\tobserved" in d.to_tsv()


def test_a_batch_counts_kept_phrases_against_every_pair_it_taught():
    unchanged = "Critics stated their case at length. The minister was late."
    one_by_one = SubstitutionDictionary()
    one_by_one.add_alignment(align(unchanged, unchanged))
    one_by_one.add_alignment(align(SPUN, SOURCE))
    batch = SubstitutionDictionary()
    batch.add_alignments([align(unchanged, unchanged), align(SPUN, SOURCE)])
    assert batch.entries == one_by_one.entries
    assert batch.kept_count("stated") == 2 > one_by_one.kept_count("stated") == 1


def test_merge_adds_counts_and_drops_nothing(seed_dictionary):
    other = import_phrase_list("spun,original\nstated,said\nbosom peril,breast cancer\n", "list.csv")
    mine = SubstitutionDictionary()
    mine.add_alignment(align(SPUN, SOURCE))
    assert seed_dictionary.merge(mine).kept_count("stated") == seed_dictionary.kept_count("stated") + 1
    merged = seed_dictionary.merge(other)
    assert set(merged.entries) == set(seed_dictionary.entries) | set(other.entries)
    assert merged.entries[("stated", "said", "observed")].count == 4
    assert merged.entries[("stated", "said", "curated")].count == 1
    assert merged.count("stated", "said") == 5
    assert merged.entries[("bosom peril", "breast cancer", "curated")].count == 1


HEAD = MAGIC + "\nspun\toriginal\tcount\tdocuments\tsource\n"


@pytest.mark.parametrize("text, message", [
    ("spun\toriginal\tcount\tdocuments\n", "not a spinfix dictionary"),
    (MAGIC + "\nspun\toriginal\n", "expected the header"),
    (HEAD + "soiled\tdirty\tmany\t1\tobserved\n", "line 3: corrupt entry"),
    (HEAD + "soiled\tdirty\t1\t1\tobserved\nsoiled\tdirty\t2\t1\tobserved\n", "duplicate"),
    (HEAD + "soiled\tdirty\t1\tobserved\n", "corrupt entry"),
    (HEAD + "soiled\tdirty\t1\t1\tguessed\n", "corrupt entry"),
])
def test_corrupt_files_name_the_problem(text, message):
    with pytest.raises(SpinfixError, match=message):
        SubstitutionDictionary.from_tsv(text, "d.tsv")


def test_import_needs_two_columns():
    with pytest.raises(SpinfixError, match="two"):
        import_phrase_list("just one column\nfoo\n", "x.csv")
    tsv = import_phrase_list("tortured\texpected\ncounterfeit consciousness\tartificial intelligence\n", "x.tsv")
    assert ("counterfeit consciousness", "artificial intelligence", "curated") in tsv.entries


def test_format_1_files_still_load_as_observed_pairs():
    old = MAGIC_V1 + "\n# doc 0123456789abcdef\nspun\toriginal\tcount\tdocuments\nsoiled\tdirty\t3\t2\nstated\tstated\t2\t1\n"
    d = SubstitutionDictionary.from_tsv(old, "old.tsv")
    assert d.count("soiled", "dirty", "observed") == 3 and d.kept_count("stated", "observed") == 2
    assert d.documents == {"0123456789abcdef"}
    again = SubstitutionDictionary.from_tsv(d.to_tsv())
    assert again.entries == d.entries and again.to_tsv().startswith(MAGIC)


def test_provenance_survives_relabel_and_merge(seed_dictionary):
    prior = seed_dictionary.relabel("prior")
    assert prior.count("stated", "said", "prior") == 4 and prior.count("stated", "said", "observed") == 0
    assert prior.kept_count("stated", "prior") == seed_dictionary.kept_count("stated", "observed")
    mine = SubstitutionDictionary()
    mine.add_alignment(align(SPUN, SOURCE))
    both = prior.merge(mine)
    assert both.count("stated", "said") == 5 and both.sources() == {"prior": len(prior), "observed": len(mine)}
