from spinfix.text.tokens import normalize, split_sentences, tokenize


def test_sentences_keep_offsets_and_abbreviations(spun_seed):
    sentences = split_sentences(spun_seed)
    for s in sentences:
        assert spun_seed[s.start:s.end] == s.text
    texts = [s.text for s in sentences]
    # "U.S." and "Col." must not end sentences; a line break always does
    assert texts[0] == "BEIJING –"
    assert any("Col. Tan Kefei" in t for t in texts)
    assert "Taiwan has joined the U.S. and its allies in backing Ukraine." in texts


def test_tokens_point_back_into_the_text():
    text = "It didn’t say “soiled bomb,” month-to-month, US$56."
    tokens = tokenize(text)
    assert all(text[t.start:t.end] == t.text for t in tokens)
    assert [t.norm for t in tokens][:4] == ["it", "didn't", "say", '"']
    assert "month-to-month" in [t.text for t in tokens]


def test_normalize_is_for_matching_only():
    assert normalize("‘dirty’ — “bomb”") == "'dirty' - \"bomb\""


def test_token_offsets_are_tokenize_without_token_objects(spun_seed):
    """Aligning reads offsets and words from token_offsets; they must be tokenize's, for any
    script (its word test is TOKEN_RE's group, tokenize's is Token.is_word)."""
    from spinfix.text.tokens import token_offsets

    for text in (spun_seed, "İstanbul’s ﬁne café — naïve ₂ x\u0301y _id 3.5% «quoted» 東京 مرحبا 👍🏽 don't"):
        tokens = tokenize(text, 7)
        starts, ends, words = token_offsets(text, 7)
        assert list(starts) == [t.start for t in tokens] and list(ends) == [t.end for t in tokens]
        assert words == [t.norm for t in tokens if t.is_word]
