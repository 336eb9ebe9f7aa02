"""find-source finds a lightly spun copy as reliably as a heavy one (issue 30).

A real spinner's table swaps words for ones no thesaurus lists ("privateness", "enquiry",
"month-to-month"): each is an immutable of the copy alone, so a light copy holds its source's
shingles whole while the source holds only part of the copy's. The index proposes and confirms
such a source too (the copy holds most of the source's shingles, and the aligner pairs their
sentences), and a document that merely shares a few words stays unmatched.
"""
from __future__ import annotations

import json

import pytest

from conftest import EXAMPLE_CLEAN, EXAMPLE_SPUN
from spinfix import cli
from spinfix.corpus.source_index import SourceIndex, build_index
from spinfix.text.thesaurus import default_thesaurus

SPINNER_MADE = ["privateness", "enquiry", "month-to-month", "e-mail", "whilst", "favour", "realise", "learnt",
                "colour", "privateness"]
OTHER = ("Residents of the northern district met on Tuesday with the mayor's staff to discuss the new bus routes. "
         "Ruiz said the changes would take effect in 12 weeks. ") * 3  # shares a few immutables, is no copy


def light_copy(text: str) -> str:
    """About one word in twelve, of those a thesaurus lists (which a spinner's table lists too),
    swapped for a spinner-made word: over 90 % of the words kept."""
    words, listed = text.split(" "), default_thesaurus().synonyms
    for k, at in enumerate(range(5, len(words), 12)):
        if words[at].isalpha() and words[at].lower() in listed:
            words[at] = SPINNER_MADE[k % len(SPINNER_MADE)]
    return " ".join(words)


@pytest.fixture()
def collection(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "park.txt").write_text(EXAMPLE_CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    (sources / "buses.txt").write_text(OTHER, encoding="utf-8")
    copies = tmp_path / "copies"
    copies.mkdir()
    (copies / "light.txt").write_text(light_copy(EXAMPLE_CLEAN.read_text(encoding="utf-8")), encoding="utf-8")
    (copies / "heavy.txt").write_text(light_copy(EXAMPLE_SPUN.read_text(encoding="utf-8")), encoding="utf-8")
    return tmp_path


def test_a_light_copy_is_found_as_a_heavy_one_is(collection, capsys):
    index = build_index([str(collection / "sources")])
    light = (collection / "copies" / "light.txt").read_text(encoding="utf-8")
    before = SourceIndex(**{**index.settings(), "min_shared": 10 ** 9})  # the rule before issue 30
    for doc in index.documents.values():
        before.add_hashes(doc.doc_id, doc.hashes, doc.path, doc.offset)
    assert before.query(light) == []  # the copy's own words made the source hold too little of it
    found = index.query(light)
    assert [m.doc_id for m in found] == [str(collection / "sources" / "park.txt")]
    assert found[0].similarity < 0.6  # found although the source holds little of the copy
    assert cli.main(["index", str(collection / "sources"), "-o", str(collection / "idx")]) == 0
    capsys.readouterr()
    code = cli.main(["find-source", "--json", "--index", str(collection / "idx"), str(collection / "copies")])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and all(r["matches"] and r["matches"][0]["doc_id"].endswith("park.txt") for r in lines), lines


def test_sharing_a_few_words_is_no_copy(collection):
    """A text holding the source's rarer words but none of its sentences: the aligner refuses it."""
    index = build_index([str(collection / "sources" / "park.txt")])
    words = "Tuesday 12 million mayor's office Ruiz safely"
    unrelated = (f"On Tuesday the team travelled north. The {words} list was read aloud. "
                 "Nothing else in this note comes from the park story, whose sentences it does not share. ") * 2
    assert index.query(unrelated) == []
