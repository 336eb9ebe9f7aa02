"""Text: sentences and tokens with offsets, word lists and the rule for words a spinner leaves alone, spellings, phrases, the thesaurus."""
