"""The originals a spun word or phrase may stand for: what the dictionaries list for it and
what the thesaurus reaches from it, one or two steps away in either direction (a word a hyphen
splits through its join, an inflection the thesaurus lacks through its stem, a British spelling
through its US form, a spinner's invented derivation through the known words of its stem).

A spinner's table turns a word into one of its synonyms, so the likeliest originals of "soiled"
are the words that list "soiled" among their first synonyms ("dirty"); the rest of the
neighbourhood is kept as a set (:meth:`Originals.related`) that the neural judge's own
expectations at that place are matched against.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..dictionary.substitutions import SubstitutionDictionary
from ..text.spelling import us_forms
from ..text.thesaurus import Thesaurus
from ..text.words import dictionary_words, function_words

STEP1 = 12  # one-step originals proposed per phrase
FORWARD_RANKS = 4  # a word is proposed as the original of its synonyms of these first ranks
STEP2 = 4  # two-step originals proposed per phrase (through its first four neighbours)
MAX_LISTED = 8  # listed originals proposed per phrase, most frequent first
NOT_LISTED = 12  # the rank of a synonym an entry does not list
MEMO_LIMIT = 4_096  # phrases whose proposals are kept (a few kB each: a text of any vocabulary stays within 20 MB)
RELATED_LIMIT = 1_024  # phrases whose two-step neighbourhoods are kept (about 16 kB each)


def _consonant_y(word: str) -> bool:
    return word.endswith("y") and word[-2:-1] not in "aeiou"


def _plural(word: str) -> str:
    """"period" -> "periods", "box" -> "boxes", "city" -> "cities"."""
    if _consonant_y(word):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "z", "ch", "sh")) else "s")


def _past(word: str) -> str:
    """"move" -> "moved", "try" -> "tried", "start" -> "started" (regular verbs)."""
    if word.endswith("e"):
        return word + "d"
    return word[:-1] + "ied" if _consonant_y(word) else word + "ed"


def _gerund(word: str) -> str:
    """"move" -> "moving", "start" -> "starting"."""
    return (word[:-1] if word.endswith("e") and not word.endswith("ee") else word) + "ing"


# (ending, what replaces it to give the stem, how to give an original the same ending); a form
# the thesaurus does not know is never proposed, so a regular rule's misses cost nothing
INFLECTIONS = (("ies", "y", _plural), ("es", "", _plural), ("s", "", _plural), ("ied", "y", _past),
               ("ed", "e", _past), ("ed", "", _past), ("ing", "e", _gerund), ("ing", "", _gerund))
# derivational endings by the kind of word they make (general English morphology): a form no
# lexicon knows ("curiousness") is weighed against the known words of its kind that share its
# stem with another ending ("curiosity")
DERIVATIONS = {
    "noun": ("ness", "ity", "ment", "tion", "sion", "ance", "ence", "ancy", "ency", "acy", "ism",
             "ship", "hood"),
    "adjective": ("ous", "ive", "able", "ible", "ical", "ful", "ant", "ent", "ary", "ic", "al"),
}
KIN = 3  # known forms of a damaged word's stem proposed, the closest first
LONGEST_DERIVED = 30  # letters: a longer "word" is no derivation (and its one-letter edits cost its length squared)


@dataclass(frozen=True, slots=True)
class Proposal:
    """One original for a spun phrase and how it was reached: ``user`` and ``prior`` count the
    dictionaries' rows for the pair (the user's own, and the shipped one), ``step`` is the
    thesaurus distance (0: not reached), ``forward_rank`` the spun phrase's rank among the
    original's synonyms, which a spinner's table prefers; ``inflected`` marks an original made
    by inflecting one of the stem's (a guess at a form, so a restore names it but never writes it)."""

    original: str
    user: int = 0
    prior: int = 0
    step: int = 0
    forward_rank: int = NOT_LISTED
    inflected: bool = False

    @property
    def direct(self) -> bool:
        """Listed by a dictionary or one thesaurus step away: the originals a spinner's table
        most likely started from."""
        return bool(self.user or self.prior or self.step == 1)


class Originals:
    """Proposes originals from dictionaries and a thesaurus, indexed once.

    Parameters
    ----------
    thesaurus : the thesaurus (both directions are used).
    prior : the shipped dictionary, or None.
    user : the user's dictionaries (observed and curated rows count as ``user``).

    Attributes
    ----------
    own : the spun phrases the user's own dictionaries list.
    """

    def __init__(self, thesaurus: Thesaurus, prior: SubstitutionDictionary | None = None,
                 user: list[SubstitutionDictionary] = ()):
        self.thesaurus = thesaurus
        self._listed: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for dictionary, own in [(prior, False)] * (prior is not None) + [(u, True) for u in user]:
            for (spun, original, source), entry in dictionary.entries.items():
                counts = self._listed[spun].setdefault(original, [0, 0])
                counts[0 if own and source != "prior" else 1] += entry.count
        self.own = frozenset(spun for spun, by in self._listed.items() if any(c[0] for c in by.values()))
        stop = self.stop = function_words()
        self.keys = frozenset(k for k in thesaurus.neighbours if " " in k or k not in stop) | frozenset(self._listed)
        self.max_words = max((k.count(" ") + 1 for k in self.keys), default=1)
        self._memo: dict[str, tuple[Proposal, ...]] = {}
        self._related: dict[str, frozenset[str]] = {}
        self._stems: dict[str, list[str]] | None = None  # known words by their first four letters

    def propose(self, key: str) -> list[Proposal]:
        """The originals of the spun phrase ``key`` (matching form): listed ones first (the
        user's before the prior's), then the thesaurus's. A new list each time (a reading adds
        the judge's expectations at one place to it), from a memo that never changes."""
        hit = self._memo.get(key)
        if hit is None:
            if len(self._memo) > MEMO_LIMIT:
                self._memo.clear()
            hit = self._memo[key] = tuple(self._propose(key))
        return list(hit)

    def related(self, key: str) -> frozenset[str]:
        """Every word within two thesaurus steps of ``key``, either direction."""
        hit = self._related.get(key)
        if hit is None:
            if len(self._related) > RELATED_LIMIT:
                self._related.clear()
            neighbours = self.thesaurus.neighbours
            first = neighbours.get(key, [])
            out = set(first)
            for n in first:
                out.update(neighbours.get(n, ()))
            out.discard(key)
            hit = self._related[key] = frozenset(out)
        return hit

    def _propose(self, key: str) -> list[Proposal]:
        reach = self._reach(key)
        listed = sorted(self._listed.get(key, {}).items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        out = [Proposal(o, u, p, *reach.get(o, (0, NOT_LISTED))) for o, (u, p) in listed[:MAX_LISTED]]
        seen = {p.original for p in out} | {key}
        out += [Proposal(o, 0, 0, 1) for o in self._forms(key) if o not in seen]
        seen.update(p.original for p in out)
        out += [Proposal(o, 0, 0, *how) for o, how in reach.items() if o not in seen]
        seen.update(p.original for p in out)
        out += [p for p in self._joined_originals(key) + self._us_originals(key) if p.original not in seen]
        return out or self._inflected_originals(key) or self._repaired_originals(key)

    def _joined_originals(self, key: str) -> list[Proposal]:
        """The originals of the word a hyphen splits ("re-marked": those of "remarked"), for a
        spinner that damages the synonym it swapped in: "said" -> "remarked" -> "re-marked"."""
        return [] if " " in key or "-" not in key else self._known_form_originals([key.replace("-", "")])

    def _us_originals(self, key: str) -> list[Proposal]:
        """The originals of a British-spelled word's US form ("utilise": those of "utilize"), since
        the thesaurus spells the US way; the US form itself is not proposed (a spelling says where
        a text was written, not that it was spun)."""
        return [] if " " in key else self._known_form_originals(us_forms(key))

    def _known_form_originals(self, forms: list[str]) -> list[Proposal]:
        """The first one-step originals of the first of ``forms`` the thesaurus knows."""
        form = next((f for f in forms if f in self.keys), None)
        return [] if form is None else self.propose(form)[:STEP1]

    def _repaired_originals(self, key: str) -> list[Proposal]:
        """For a derived form no lexicon knows, a spinner's invention ("consequentness",
        "secureness"), the known words of its kind that share its stem with another ending
        ("consequence", "security"), each followed by its own originals. A real word
        ("quadratic", which the thesaurus lacks) and a typo (one letter from a known word,
        "independance", or a known word's ending kept, "capabable") are not a spinner's
        derivations and are left alone."""
        if not key.isalpha() or len(key) > LONGEST_DERIVED or key in self.keys:
            return []
        kind, ending = next(((kind, e) for kind, endings in DERIVATIONS.items() for e in endings
                             if key.endswith(e) and len(key) - len(e) >= 5), (None, ""))
        # the word list is read, and the edits made, only for a word with a derivational ending
        if kind is None or key in dictionary_words() or self._one_edit_from_known(key):
            return []
        forms = self._kin(key[:-len(ending)], kind, ending)
        out = {f: Proposal(f, 0, 0, 1) for f in forms}
        for f in forms:
            out.update((p.original, p) for p in self.propose(f)[:STEP1 // 2] if p.original not in out)
        out.pop(key, None)
        return list(out.values())

    def _one_edit_from_known(self, word: str) -> bool:
        """Whether one deleted, inserted, changed or swapped letter makes ``word`` a known word."""
        letters = "abcdefghijklmnopqrstuvwxyz"
        cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        edits = ([a + b[1:] for a, b in cuts if b] + [a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1]
                 + [a + c + b[1:] for a, b in cuts if b for c in letters] + [a + c + b for a, b in cuts for c in letters])
        return any(e != word and e in self.keys for e in edits)

    def _kin(self, stem: str, kind: str, ending: str) -> list[str]:
        """Known one-word forms with another ending of ``kind`` than ``ending`` that begin as
        ``stem`` does (all but its last two letters, at least five), the longest shared
        beginning first."""
        if self._stems is None:
            self._stems = defaultdict(list)
            for k in self.keys:
                if k.isalpha() and k not in self.stop and len(k) >= 5:
                    self._stems[k[:4]].append(k)
        head = stem[:max(5, len(stem) - 2)]
        kin = [k for k in self._stems.get(stem[:4], ()) if k.startswith(head) and k.endswith(DERIVATIONS[kind])
               and not k.endswith(ending)]

        def shared(k: str) -> int:
            return next((i for i, (a, b) in enumerate(zip(k, stem)) if a != b), min(len(k), len(stem)))
        return sorted(kin, key=lambda k: (-shared(k), len(k), k))[:KIN]

    def _inflected_originals(self, key: str) -> list[Proposal]:
        """For an inflected word the thesaurus lacks ("durations", "incited"), the originals of
        its stem inflected the same way, where the thesaurus knows that form ("duration":
        "lengths", "periods"; "incite": "instigated", "moved")."""
        if " " in key or "-" in key:
            return []
        for ending, stem_end, inflect in INFLECTIONS:
            stem = key[:-len(ending)] + stem_end
            if not key.endswith(ending) or len(stem) < 3 or stem not in self.keys or stem in self.stop:
                continue
            out = {}
            for p in self.propose(stem)[:STEP1]:
                form = None if " " in p.original else inflect(p.original)  # one-word originals only
                if form and form != key and form in self.keys and form not in self.stop and form not in out:
                    out[form] = Proposal(form, 0, 0, p.step, p.forward_rank, inflected=True)
            return list(out.values())
        return []

    def _forms(self, key: str) -> list[str]:
        """Known words a spinner makes hyphenated compounds of, which no thesaurus lists:
        "month-to-month" for "monthly", "e-mail" for "email"."""
        parts = key.split("-")
        if len(parts) < 2 or " " in key:
            return []
        forms = ["".join(parts)]
        if len(parts) == 3 and parts[1] == "to" and parts[0] == parts[2]:
            forms += [parts[0] + "ly", parts[0][:-1] + "ily"]
        return [f for f in forms if f in self.keys]

    def _reach(self, key: str) -> dict[str, tuple[int, int]]:
        """Originals one step away (the heads listing ``key`` among their first synonyms, then
        ``key``'s own first neighbours) and two steps away: (step, forward rank)."""
        synonyms = self.thesaurus.synonyms
        neighbours = self.thesaurus.neighbours
        first = neighbours.get(key, [])
        heads = sorted((rank, head) for head in dict.fromkeys(neighbours.heads(key))
                       for rank, s in enumerate(synonyms.get(head, [])[:FORWARD_RANKS]) if s == key)
        reach: dict[str, tuple[int, int]] = {}
        for o in list(dict.fromkeys([h for _, h in heads][:STEP1] + first[:STEP1 // 2]))[:STEP1]:
            ranks = synonyms.get(o, [])
            reach[o] = (1, ranks.index(key) if key in ranks else NOT_LISTED)
        second = [o for n in first[:4] for o in neighbours.get(n, [])[:4] if o != key and o not in reach]
        for o in list(dict.fromkeys(second))[:STEP2]:
            reach[o] = (2, NOT_LISTED)
        return reach


__all__ = ["Originals", "Proposal"]
