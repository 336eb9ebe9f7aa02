"""Build the two word lists that ship in ``spinfix/data/`` (so that scoring imports neither library):

* ``spinfix/data/function_words.txt``: scikit-learn's English stop words (``ENGLISH_STOP_WORDS``, from
  the Glasgow Information Retrieval Group's list; scikit-learn is BSD-3-Clause): the function
  words that spinners swap less and that restoration treats with care.
* ``spinfix/data/modern_words.txt``: the words of CMU's trigram model (pocketsphinx, BSD-2-Clause) that
  are far more common today, by wordfreq's Zipf frequency (wordfreq 3.x, data CC-BY-SA 4.0, so
  this list is CC-BY-SA 4.0 too), than in the model ("trump"): their 1990s contexts are no
  evidence either way (see :data:`spinfix.detection.features.MODERN_MARGIN`). The model's words are found in
  wordfreq's own list and in pocketsphinx's pronouncing dictionary (which holds the words with
  an apostrophe, "y'all", that wordfreq splits); a word in neither is never modern.

Run ``SPINFIX_REBUILD=1 python scripts/build_word_lists.py`` (a build script outside the package,
like ``build_thesaurus.py``; needs ``pip install -e ".[build]"``).
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from wordfreq import iter_wordlist, zipf_frequency

from spinfix.detection.features import MODERN_MARGIN
from spinfix.judge.trigram import LM_WORD_RE, LanguageModel
from spinfix.persist.files import atomic_write

ZIPF_OFFSET = 9.0  # Zipf frequency is log10 of occurrences per billion words: log10 P + 9


def modern_words(lm: LanguageModel) -> list[str]:
    """The words the trigram model knows that are at least :data:`MODERN_MARGIN` more frequent
    (Zipf) today than in the model."""
    from pocketsphinx import get_model_path

    with open(os.path.join(get_model_path(), "en-us", "cmudict-en-us.dict"), encoding="utf-8") as handle:
        pronounced = {line.split(" ", 1)[0].split("(")[0] for line in handle}
    words = {w for w in pronounced.union(iter_wordlist("en", "best")) if LM_WORD_RE.fullmatch(w) and lm.known(w)}
    return sorted(w for w in words if zipf_frequency(w, "en") - (lm.unigram(w) + ZIPF_OFFSET) > MODERN_MARGIN)


def write_list(path: Path, header: str, words: list[str]) -> None:
    atomic_write(path, ("".join(f"# {line}\n" for line in header.splitlines()) + "".join(f"{w}\n" for w in words)).encode())
    print(f"{path}: {len(words)} words")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("spinfix/data"))
    args = parser.parse_args(argv)
    write_list(args.data / "function_words.txt",
               "English function words: scikit-learn's ENGLISH_STOP_WORDS (BSD-3-Clause), from the Glasgow IR group's list.\n"
               "Built by scripts/build_word_lists.py.", sorted(ENGLISH_STOP_WORDS))
    write_list(args.data / "modern_words.txt",
               "Words of CMU's en-us trigram model far more frequent today (wordfreq Zipf) than in the model.\n"
               "Derived from wordfreq's data (CC-BY-SA 4.0) and pocketsphinx's model (BSD-2-Clause); CC-BY-SA 4.0.\n"
               "Built by scripts/build_word_lists.py.", modern_words(LanguageModel()))


if __name__ == "__main__":
    main()
