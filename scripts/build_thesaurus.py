"""Build the compact thesaurus that ships in ``spinfix/data/thesaurus.tsv.gz``.

Run ``SPINFIX_REBUILD=1 python scripts/build_thesaurus.py --wordnet /usr/share/wordnet --moby words.txt``
(a build script, outside the package like ftfy's: the package only reads its result). Its inputs:

* WordNet 3.0 (Princeton, WordNet 3.0 licence, a BSD-style licence) from Debian's
  ``wordnet-base``; NLTK reads it once it sits in an nltk_data layout with a ``lexnames`` file,
  which Debian lacks and this script writes.
* Moby Thesaurus II (Grady Ward, public domain) as ``words.txt`` from the npm package ``moby``.
* The unigram table of CMU's English trigram model (pocketsphinx, BSD-2-Clause) to keep common
  words only and to rank synonyms.
* ``lemminflect`` (MIT) to re-inflect lemma synonyms ("say -> state" gives "said -> stated").

Real spinners work from broad synonym tables with inflected and multi-word entries and no
sense disambiguation, so this keeps, for each common word, the synonyms that two sources agree
on or that WordNet lists among the word's main senses, ranked, re-inflected for every form.
"""
from __future__ import annotations

import argparse
import gzip
import re
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from spinfix.judge.trigram import LanguageModel
from spinfix.persist.files import atomic_write

LEXNAMES = """adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute
noun.body noun.cognition noun.communication noun.event noun.feeling noun.food noun.group
noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession
noun.process noun.quantity noun.relation noun.shape noun.state noun.substance noun.time
verb.body verb.change verb.cognition verb.communication verb.competition verb.consumption
verb.contact verb.creation verb.emotion verb.motion verb.perception verb.possession verb.social
verb.stative verb.weather adj.ppl""".split()
LEX_POS = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}
POS_TAGS = {"v": ("VBD", "VBG", "VBN", "VBZ"), "n": ("NNS",), "a": (), "r": ()}
UPOS = {"v": "VERB", "n": "NOUN", "a": "ADJ", "r": "ADV"}
MIN_UNIGRAM = -6.8  # log10 frequency floor: rarer words are no spinner output worth modelling
MAX_SYNONYMS = 12
FUNCTION_SWAP_UNIGRAM = -4.2  # every word of a function word's synonym at least this frequent
MIN_SCORE = 2.0
NEGATIONS = ("un", "in", "im", "il", "ir", "dis", "non")
PHRASE_RE = re.compile(r"^[a-z]+(?:[ -][a-z]+){0,2}$")


def open_wordnet(source: Path):
    """NLTK's WordNet reader over Debian's WordNet files, via a temporary nltk_data layout."""
    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    data_dir = Path(tempfile.mkdtemp(prefix="spinfix-nltk-data-"))
    nltk.data.path.insert(0, str(data_dir))  # NLTK 3.10 reads only inside its data dirs
    root = data_dir / "corpora" / "wordnet"
    shutil.copytree(source, root)
    lines = [f"{i:02d}\t{name}\t{LEX_POS[name.split('.')[0]]}" for i, name in enumerate(LEXNAMES)]
    (root / "lexnames").write_text("\n".join(lines) + "\n")

    class Reader(WordNetCorpusReader):
        def map_wn(self, version="wordnet"):
            """No mapping to another WordNet: NLTK 3.10 would build one from an ``index.sense``
            that Debian's files lack (they are WordNet 3.0 themselves)."""
            return None

    return Reader(str(root), None)


def read_moby(path: Path) -> dict[str, list[str]]:
    """Moby's ``head,syn,syn,...`` lines as a dict (lowercased)."""
    table: dict[str, list[str]] = {}
    with open(path, encoding="latin-1") as handle:
        for line in handle:
            head, *syns = line.rstrip("\n").lower().split(",")
            table[head] = syns
    return table


class Builder:
    """Scores, re-inflects and collects thesaurus entries."""

    def __init__(self, wordnet, moby: dict[str, list[str]], lm: LanguageModel):
        self.wn, self.moby, self.lm = wordnet, moby, lm
        self.moby_sets = {h: set(s) for h, s in moby.items()}

    def common(self, phrase: str) -> bool:
        """Every word of the phrase is a known, reasonably frequent word."""
        return all(self.lm.unigram(w) >= MIN_UNIGRAM for w in re.split(r"[ -]", phrase))

    def pos_of(self, word: str) -> set[str]:
        return {("a" if s.pos() == "s" else s.pos()) for s in self.wn.synsets(word.replace(" ", "_"))}

    def wordnet_synonyms(self, lemma: str) -> dict[str, float]:
        """WordNet synonyms of ``lemma`` weighted by how central the sense is (first senses most)."""
        found: dict[str, float] = {}
        key = lemma.replace(" ", "_")
        senses = [s for s in self.wn.synsets(key) if key in (n.lower() for n in s.lemma_names())]
        for rank, synset in enumerate(senses):  # not morphy's matches: "said" is no sense of "say"
            for name in synset.lemma_names():
                cand = name.replace("_", " ").lower()
                found[cand] = max(found.get(cand, 0.0), 3.0 if rank < 3 else 1.5)
        found.pop(lemma, None)
        return found

    def candidates(self, lemma: str) -> list[tuple[float, str]]:
        """The best synonyms of a lemma with their scores, best first."""
        function_word = lemma in ENGLISH_STOP_WORDS
        # WordNet knows function words only by odd noun senses ("in" -> "inch", "Indiana")
        scores = {} if function_word else self.wordnet_synonyms(lemma)
        for cand in self.moby.get(lemma, ()):
            scores[cand] = scores.get(cand, 0.0) + 1.0
        for cand in list(scores):
            if lemma in self.moby_sets.get(cand, ()):
                scores[cand] += 1.0
        ranked = []
        for cand, score in scores.items():
            if _same_stem(lemma, cand) or not PHRASE_RE.match(cand) or not self.common(cand):
                continue
            freq = min(max((self.lm.unigram(cand.split()[0]) + 6.0) / 3.0, 0.0), 1.0)
            if score >= MIN_SCORE and (not function_word or self.plain_function_swap(lemma, cand)):
                ranked.append((score + freq, cand))
        ranked.sort(key=lambda sc: (-sc[0], sc[1]))
        return ranked[:MAX_SYNONYMS]

    def plain_function_swap(self, lemma: str, cand: str) -> bool:
        """For a function word, only Moby's mutual synonyms made of everyday words
        ("against" -> "in opposition to", not "in" -> "a la mode")."""
        return lemma in self.moby_sets.get(cand, ()) and all(
            self.lm.unigram(w) >= FUNCTION_SWAP_UNIGRAM for w in cand.split())

    def inflect(self, phrase: str, pos: str, tag: str) -> str | None:
        """``phrase`` inflected for ``tag``: a verb phrase on its first word, a noun phrase on its last."""
        from lemminflect import getInflection

        words = phrase.split()
        k = 0 if pos == "v" else len(words) - 1
        forms = getInflection(words[k], tag=tag)
        if not forms:
            return None
        words[k] = forms[0]
        out = " ".join(words)
        return out if self.common(out) else None

    def shared_pos(self, head_pos: set[str], cand: str) -> set[str]:
        """Parts of speech a lemma and a candidate share (a phrase WordNet knows by its own)."""
        words = cand.split()
        if len(words) > 1 and self.pos_of(cand):
            return head_pos & self.pos_of(cand)
        return head_pos & self.pos_of(words[0 if "v" in head_pos else -1])

    def build(self) -> dict[str, list[str]]:
        """word form -> synonyms (same form), for every common lemma and its inflections."""
        table: dict[str, dict[str, float]] = defaultdict(dict)
        lemmas = {n.lower() for n in self.wn.all_lemma_names() if n.isalpha()} | {
            h for h in self.moby if PHRASE_RE.match(h)}
        for lemma in sorted(lemmas):
            if not self.common(lemma):
                continue
            head_pos = self.pos_of(lemma)
            for score, cand in self.candidates(lemma):
                _keep(table[lemma], cand, score)
                for pos in self.shared_pos(head_pos, cand):
                    for tag in POS_TAGS[pos]:
                        form, cform = self.inflect(lemma, pos, tag), self.inflect(cand, pos, tag)
                        if form and cform and form != lemma and form != cform:
                            _keep(table[form], cform, score)
        return {w: sorted(syns, key=lambda c: (-syns[c], c))[:MAX_SYNONYMS] for w, syns in table.items() if syns}


def _keep(scores: dict[str, float], cand: str, score: float) -> None:
    scores[cand] = max(scores.get(cand, 0.0), score)


def _same_stem(lemma: str, cand: str) -> bool:
    """A candidate that contains the word, shares its stem ("according"/"accord") or negates
    it ("possible"/"impossible") or abbreviates it ("october"/"oct") is a relative, not a synonym a spinner would swap in."""
    stem = lemma[:max(4, len(lemma) - 3)]
    words = cand.split()
    return (lemma in words or any(w.startswith(stem) for w in words) or lemma.startswith(cand)
            or cand in {p + lemma for p in NEGATIONS})


def write_thesaurus(table: dict[str, list[str]], path: Path) -> None:
    """``word<TAB>syn|syn|...`` lines, sorted, gzip-compressed with a fixed timestamp (reproducible)."""
    lines = "".join(f"{w}\t{'|'.join(s)}\n" for w, s in sorted(table.items()))
    header = "# spinfix thesaurus: WordNet 3.0 (WordNet licence) + Moby Thesaurus II (public domain)\n"
    atomic_write(path, gzip.compress((header + lines).encode(), mtime=0))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--moby", type=Path, required=True, help="words.txt from the npm package moby")
    parser.add_argument("-o", "--output", type=Path, default=Path("spinfix/data/thesaurus.tsv.gz"))
    args = parser.parse_args(argv)
    table = Builder(open_wordnet(args.wordnet), read_moby(args.moby), LanguageModel()).build()
    write_thesaurus(table, args.output)
    print(f"{args.output}: {len(table)} words, {sum(map(len, table.values()))} synonyms")


if __name__ == "__main__":
    main()
