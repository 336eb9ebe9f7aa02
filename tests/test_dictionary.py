import pytest

from spinfix import SpinfixError, SubstitutionDictionary, align, load_dictionary, save_dictionary
from spinfix.dictionary import MAGIC, import_phrase_list


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
    assert path.read_text().startswith(MAGIC)
    assert again.entries[("stated", "said")].count == 4


def test_same_document_is_never_counted_twice(spun_seed, source_seed, seed_dictionary):
    before = {k: v.count for k, v in seed_dictionary.entries.items()}
    assert seed_dictionary.add_alignment(align(spun_seed, source_seed)) == 0
    assert {k: v.count for k, v in seed_dictionary.entries.items()} == before
    with pytest.raises(SpinfixError, match="count it twice"):
        seed_dictionary.merge(seed_dictionary)


def test_merge_adds_counts_and_drops_nothing(seed_dictionary):
    other = import_phrase_list("spun,original\nstated,said\nbosom peril,breast cancer\n", "list.csv")
    merged = seed_dictionary.merge(other)
    assert set(merged.entries) == set(seed_dictionary.entries) | set(other.entries)
    assert merged.entries[("stated", "said")].count == 5
    assert merged.entries[("stated", "said")].documents == 2
    assert merged.entries[("bosom peril", "breast cancer")].count == 1


@pytest.mark.parametrize("text, message", [
    ("spun\toriginal\tcount\tdocuments\n", "not a spinfix dictionary"),
    (MAGIC + "\nspun\toriginal\n", "expected the header"),
    (MAGIC + "\nspun\toriginal\tcount\tdocuments\nsoiled\tdirty\tmany\t1\n", "line 3: corrupt entry"),
    (MAGIC + "\nspun\toriginal\tcount\tdocuments\nsoiled\tdirty\t1\t1\nsoiled\tdirty\t2\t1\n", "duplicate"),
    (MAGIC + "\nspun\toriginal\tcount\tdocuments\nsoiled\tdirty\t1\n", "corrupt entry"),
])
def test_corrupt_files_name_the_problem(text, message):
    with pytest.raises(SpinfixError, match=message):
        SubstitutionDictionary.from_tsv(text, "d.tsv")


def test_import_needs_two_columns():
    with pytest.raises(SpinfixError, match="two"):
        import_phrase_list("just one column\nfoo\n", "x.csv")
    tsv = import_phrase_list("tortured\texpected\ncounterfeit consciousness\tartificial intelligence\n", "x.tsv")
    assert ("counterfeit consciousness", "artificial intelligence") in tsv.entries
