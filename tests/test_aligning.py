import difflib
import random

import pytest

from conftest import article_body
from spinfix import SpinfixError, align, restore_with_reference
from spinfix.text.tokens import split_sentences, tokenize


def _norms(text):
    return [t.norm for t in tokenize(text)]


def test_restore_seed_gives_source_body(spun_seed, source_seed):
    restored = restore_with_reference(spun_seed, source_seed).restored
    body = _norms(article_body(source_seed))
    out = _norms(restored)
    matched = sum(b.size for b in difflib.SequenceMatcher(None, out, body, autojunk=False).get_matching_blocks())
    assert matched / len(out) >= 0.99  # tokens of the restored text that match the source body


def test_seed_pairs_cover_the_changed_spans(spun_seed, source_seed):
    alignment = align(spun_seed, source_seed)
    pairs = {(s.spun.strip().lower(), s.original.strip().lower()) for s in alignment.phrase_pairs}
    for expected in [("soiled", "dirty"), ("month-to-month", "monthly"), ("change", "exchange"),
                     ("stated", "said"), ("shut", "close")]:
        assert expected in pairs
    # the token diff against the body: each changed span must be covered by an extracted pair
    body = article_body(source_seed)
    a, b = tokenize(spun_seed), tokenize(body)
    ops = [op for op in difflib.SequenceMatcher(None, [t.norm for t in a], [t.norm for t in b],
                                                autojunk=False).get_opcodes() if op[0] != "equal"]
    spans = [(a[i1].start if i1 < len(a) else len(spun_seed), a[i2 - 1].end if i2 > i1 else a[i1].start)
             for _, i1, i2, _, _ in ops]
    covered = sum(any(s.spun_start <= hi and lo <= s.spun_end for s in alignment.substitutions) for lo, hi in spans)
    assert len(spans) >= 60
    assert covered >= 60


def test_restoring_a_text_against_itself_changes_nothing(source_seed):
    result = restore_with_reference(source_seed, source_seed)
    assert result.substitutions == []
    assert result.restored == source_seed


@pytest.mark.parametrize("how", ["shuffle", "split", "merge"])
def test_restores_shuffled_split_and_merged_sentences(spun_seed, source_seed, how):
    body = article_body(source_seed)
    sents = [s.text for s in split_sentences(spun_seed)]
    if how == "shuffle":
        random.Random(3).shuffle(sents)
        text = "\n".join(sents)
    elif how == "split":  # cut every long sentence at its first comma
        text = "\n".join(s.replace(", ", ".\n", 1) if len(s) > 80 else s for s in sents)
    else:  # glue pairs of sentences into one line
        text = "\n".join(" ".join(sents[i:i + 2]) for i in range(0, len(sents), 2))
    restored = restore_with_reference(text, source_seed).restored
    for word in ["dirty bomb", "monthly briefing", "exchange views", "close U.S. ally", "foreign policies"]:
        assert word in restored
    assert "soiled" not in restored and "month-to-month" not in restored
    out, ref = _norms(restored), set(_norms(body))
    assert sum(t in ref for t in out) / len(out) > 0.97


def test_spinner_additions_stay_and_unrelated_reference_fails(spun_seed, source_seed):
    added = "Readers should subscribe to our newsletter for more geopolitical coverage today."
    result = restore_with_reference(added + "\n" + spun_seed, source_seed)
    assert result.restored.startswith(added)
    with pytest.raises(SpinfixError, match="shares no sentence"):
        align(spun_seed, "Completely different text about gardening and tomatoes in spring.")


def test_json_is_written_as_one_dumps_would(spun_seed, source_seed):
    """align's and restore's JSON, written one substitution at a time, is the text that one
    json.dumps of the whole result gives (what the CLI printed before it streamed)."""
    import io
    import json

    added = "\n\nSubscribe to our newsletter for “gardening” tips, every Tuesday.\n"
    result = restore_with_reference(spun_seed + added, source_seed)
    alignment = result.alignment
    assert alignment.substitutions and alignment.unaligned_spun  # the added line has no source
    out = io.StringIO()
    alignment.write_json(out)
    expected = {"substitutions": [s.to_dict() for s in alignment.substitutions],
                "unaligned_sentences": [alignment.spun_sentences[i].text for i in alignment.unaligned_spun]}
    assert out.getvalue() == json.dumps(expected, ensure_ascii=False)
    out = io.StringIO()
    result.write_json(out)
    assert out.getvalue() == json.dumps(result.to_dict(), ensure_ascii=False)


def test_word_alignment_is_difflibs(spun_seed, source_seed):
    """Words are aligned with cydifflib for speed; its opcodes must be difflib's own, on every
    block of the seed pair and on a block of repeated words (where ties decide)."""
    import cydifflib

    from spinfix.text.tokens import normalize

    alignment = align(spun_seed, source_seed)
    lines = [([normalize(t.text) for s in alignment.spun_sentences[slice(*b.spun)] for t in tokenize(s.text)],
              [normalize(t.text) for s in alignment.ref_sentences[slice(*b.ref)] for t in tokenize(s.text)])
             for b in alignment.blocks]
    lines.append(("the the a the b the".split(), "a the the b the the".split()))
    assert len(lines) > 10
    for a, b in lines:
        ours = cydifflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        assert [tuple(op) for op in ours] == difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
