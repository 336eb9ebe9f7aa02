"""The thesaurus's neighbours: each word's synonyms, then the heads that list it, made on demand."""
import pytest

from spinfix.text.thesaurus import Thesaurus, default_thesaurus


def test_neighbours_are_synonyms_then_the_heads_that_list_a_word():
    thesaurus = Thesaurus({"dirty": ["soiled", "filthy"], "soiled": ["dirty", "stained"], "grubby": ["soiled"]})
    n = thesaurus.neighbours
    assert n["soiled"] == ["dirty", "stained", "grubby"]  # its own, then dirty and grubby list it (dirty once)
    assert n["filthy"] == ["dirty"] and "stained" in n and "clean" not in n
    assert sorted(n) == ["dirty", "filthy", "grubby", "soiled", "stained"] and len(n) == 5
    assert n.get("clean") is None
    assert n.heads("soiled") == ["dirty", "grubby"] and n.heads("dirty") == ["soiled"] and n.heads("clean") == []
    with pytest.raises(KeyError):
        n["clean"]


def test_the_shipped_thesaurus_neighbours_agree_with_building_them_all_at_once():
    thesaurus = default_thesaurus()
    reverse = {}
    for head, syns in thesaurus.synonyms.items():
        for syn in syns:
            reverse.setdefault(syn, []).append(head)
    keys = set(thesaurus.synonyms) | set(reverse)
    assert set(thesaurus.neighbours) == keys and len(thesaurus.neighbours) == len(keys) > 40000
    for word in sorted(keys)[::97]:
        assert thesaurus.neighbours[word] == list(dict.fromkeys(thesaurus.synonyms.get(word, []) + reverse.get(word, [])))
    assert "dirty" in thesaurus.neighbours["soiled"] and thesaurus.max_phrase == 3
