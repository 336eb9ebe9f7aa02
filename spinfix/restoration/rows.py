"""The layout of a candidate row: the evidence about one proposed original for one spun phrase,
named column by column (:data:`CANDIDATE_ROW`), and the blocks of it built together."""
from __future__ import annotations

from ..schema import Schema

CANDIDATE_ROW = Schema(
    "gain", "gain_to_best", "is_best_gain", "n_options", "option_rank",
    "observed", "observed_docs", "observed_share", "observed_kept",
    "prior", "prior_share", "prior_kept", "curated",
    "thesaurus_step", "forward_rank", "backward_rank",
    "own_unigram", "option_unigram", "own_words", "option_words", "function_word",
    "sentence_probability", "document_likelihood", "word_evidence",
    "posterior", "posterior_margin", "keep_posterior", "posterior_with_keep",
    "original_in_document", "spun_in_document", "document_spun_share",
)
OPTION_COLUMNS = Schema("observed", "observed_docs", "prior", "curated", "thesaurus_step", "forward_rank",
                        "backward_rank", "option_unigram", "option_words")  # an option's own, wherever its phrase is
MATCH_COLUMNS = Schema("n_options", "observed_kept", "prior_kept", "own_unigram", "own_words", "function_word",
                       "sentence_probability", "document_likelihood", "word_evidence", "keep_posterior",
                       "spun_in_document", "document_spun_share")  # one match's, shared by its options
assert set(OPTION_COLUMNS) <= set(CANDIDATE_ROW) and set(MATCH_COLUMNS) <= set(CANDIDATE_ROW)

__all__ = ["CANDIDATE_ROW", "MATCH_COLUMNS", "OPTION_COLUMNS"]
