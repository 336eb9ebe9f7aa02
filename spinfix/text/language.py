"""Whether a text is English prose, the only text spinfix can judge: a cheap check of its script,
its function words and its sentences, so that German, Chinese, code, a table of numbers or
decoded random bytes get "cannot judge" instead of a clean bill.

The detector's evidence is an English language model's: in any other text every word is
"unusual" or unknown, and the likelihood it gives means nothing either way. The check looks at

1. the script: most letters outside the Latin alphabet (Chinese, Cyrillic, Arabic...);
2. words at all: no word of two letters (a page of numbers, punctuation);
3. the language: more function words of a common European language than of English
   (German "und", "nicht"; French "les", "dans"...);
4. prose: among the text's line and sentence pieces, those that read as English sentences (four
   or more tokens, mostly plain words, some of them English function words, most of the others
   English words), where the rest looks like code (brackets, ``=``, calls) or like data (few
   plain words at all).

English of every genre passes: on the held-out clean prose of ``evaluation/`` (news, science
abstracts, READMEs with code blocks, product pages) none is refused (``benchmarks/cannot_judge.py``).
"""
from __future__ import annotations

import gzip
import importlib.resources
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .words import function_words

CHECK_CHARS = 60_000  # a longer text is checked on evenly spaced windows of this many characters in all
WINDOWS = 8

# Common function words of the European languages most often met in place of English (hand-written;
# words that are also common English words, such as German "die" or Dutch "door", are left out).
FOREIGN_FUNCTION_WORDS = {
    "German": "der und nicht ist ein eine einen einem mit sich auf dem des von zu das sie es für auch werden "
              "wird bei nach aus oder wie wir ihr sind wurde nur noch über unter durch gegen zwischen diese "
              "dieser dieses kann können muss soll haben ich du uns ihnen sehr schon immer dann wenn weil dass als um",
    "French": "le les et une des du dans qui que sur avec aux sont ce cette il elle vous ils elles leur leurs "
              "mais ou donc où être avoir été fait comme tous très sans sous entre chez aussi ses pas nous est la",
    "Spanish": "el los las es del por una que su sus lo como más pero muy sobre entre también está están "
               "fue han ser este esta estos estas ese esa todo todos cuando donde porque yo",
    "Italian": "il di che è la una sono della del delle dei degli alla alle nel nella nei gli lo anche "
               "più hanno questo questa sul sulla tra essere stato molto perché",
    "Dutch": "het een en dat niet op voor zijn maar ook bij naar om wordt aan worden deze dit geen nog "
             "wel kan heeft hebben werd zou uit onder tussen als dan zo ik je jij hij zij wij",
    "Portuguese": "os um uma não em da dos das que com por seu sua são foi ser está mais muito também "
                  "como ao à pelo pela nos nas este esta isso isto ele ela eles",
}
_SHARED = frozenset("de con un per in is was so an am also over will me via".split())  # English function words, also theirs

_WORD = re.compile(r"[^\W\d_]{2,}")  # a word of two letters or more, in any script
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")  # web and mail addresses: not words of a language
_PLAIN = re.compile(r"[(\[\"'“‘*_]*([A-Za-z]+(?:['’\-][A-Za-z]+)*)[)\]\"'”’.,;:!?*_]*")  # a token that is a plain word
_PIECE = re.compile(r"(?<=[.!?:;])\s+|\n")  # lines, cut at sentence ends
_CODE_MARK = re.compile(r"[={}<>]|\w\(|\)\s*:?\s*$|\w\[")  # a piece with these reads as code, not prose
_CODE_CHARS = frozenset("{}();=[]<>")


def address_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Where ``text`` holds web and mail addresses (those :func:`prose_check` skips), shifted by
    ``offset``: their words are a link's, not prose a spinner rewrites (none of the evaluation's
    spinners, nor the hand-spun passages, swapped a word inside one).

    Examples
    --------
    >>> text = "Mail bug-grep@gnu.org or read https://lists.gnu.org/r/bug-grep/ today."
    >>> [text[a:b] for a, b in address_spans(text)]
    ['bug-grep@gnu.org', 'https://lists.gnu.org/r/bug-grep/']
    """
    return [(m.start() + offset, m.end() + offset) for m in _ADDRESS.finditer(text)]


@dataclass(frozen=True)
class ProseCheck:
    """Whether a text can be judged (``judgeable``) and if not, why (``reason``, one phrase a user
    can read: "mostly Han characters, not English"); ``kind`` names the test that refused it
    (``script``, ``no words``, ``language``, ``code``, ``data``; ``english`` when judgeable)."""

    judgeable: bool
    kind: str = "english"
    reason: str = ""

    @classmethod
    def refused(cls, kind: str, reason: str) -> ProseCheck:
        return cls(False, kind, reason)


ENGLISH = ProseCheck(True)


@lru_cache(maxsize=1)
def _foreign() -> dict[str, frozenset[str]]:
    stop = function_words()
    return {lang: frozenset(words.split()) - stop for lang, words in FOREIGN_FUNCTION_WORDS.items()}


@lru_cache(maxsize=1)
def english_lexicon() -> frozenset[str]:
    """English words: the shipped thesaurus's one-word heads and the function words (read from
    the thesaurus file without building the thesaurus: about 50 ms)."""
    raw = importlib.resources.files("spinfix.data").joinpath("thesaurus.tsv.gz").read_bytes()
    return frozenset(re.findall(r"^([a-z]+)\t", gzip.decompress(raw).decode(), re.M)) | function_words()


def _known(word: str, lexicon: frozenset[str]) -> bool:
    """An English word, or an inflection of one ("printers", "supported")."""
    return len(word) > 1 and (word in lexicon or word[:-1] in lexicon or word[:-2] in lexicon or word[:-3] in lexicon)


def _sample(text: str) -> str:
    """The text, or for a long one evenly spaced windows of it (cut at spaces), :data:`CHECK_CHARS` in all."""
    if len(text) <= CHECK_CHARS:
        return text
    size, step = CHECK_CHARS // WINDOWS, len(text) // WINDOWS
    parts = []
    for k in range(WINDOWS):
        window = text[k * step:k * step + size]
        a, b = window.find(" "), window.rfind(" ")
        parts.append(window[a + 1:b] if 0 <= a < b else window)
    return "\n".join(parts)


def _script(letters: list[str]) -> str:
    """The name of the script most of these (non-Latin) letters belong to ("Han", "Cyrillic")."""
    counts: dict[str, int] = {}
    for c in letters[:5000]:
        name = unicodedata.name(c, "OTHER").split()[0]
        counts[name] = counts.get(name, 0) + 1
    name = max(counts, key=counts.__getitem__)
    return {"CJK": "Han", "HIRAGANA": "Japanese kana", "KATAKANA": "Japanese kana", "HANGUL": "Hangul"}.get(
        name, name.title())


def prose_check(text: str) -> ProseCheck:
    """Whether ``text`` is English prose spinfix can judge (see the module docstring).

    Examples
    --------
    >>> prose_check("The soiled bomb was stated to be massive by the shut U.S. ally.").judgeable
    True
    >>> prose_check("Der Stadtrat hat am Dienstag beschlossen, das alte Gelände in einen Park umzuwandeln, "
    ...             "und die Arbeiten sollen im Frühjahr beginnen.").reason
    'reads as German (4 German function words, 0 English)'
    >>> prose_check("市议会周二晚上通过决定，将河边的旧工业用地改造成一个公共公园。").kind
    'script'
    """
    text = _sample(text)
    letters = [c for c in text if c.isalpha()]
    other = [c for c in letters if c >= "\u0250"]  # past Latin Extended-B: IPA, Greek, Cyrillic, CJK...
    if len(letters) >= 10 and len(other) > len(letters) / 2:
        return ProseCheck.refused("script", f"mostly {_script(other)} characters, not English")
    words = [w.lower() for w in _WORD.findall(_ADDRESS.sub(" ", text))]
    if not words:
        return ProseCheck.refused("no words", "no words to read, only numbers and marks")
    stop = function_words()
    foreign = _foreign()
    english = sum(w in stop and w not in _SHARED for w in words)
    counts = {lang: sum(w in found for w in words) for lang, found in foreign.items()}
    language = max(counts, key=counts.__getitem__)
    if counts[language] >= 3 and counts[language] > english:
        return ProseCheck.refused("language", f"reads as {language} ({counts[language]} {language} function words, "
                                              f"{english} English)")
    tokens = text.split()
    if len(tokens) < 20:
        return ENGLISH  # too short to tell prose from anything else: judged
    code_chars = sum(map(text.count, _CODE_CHARS))
    if english >= 0.3 * len(words) and code_chars < 0.05 * len(tokens):
        return ENGLISH  # plain running English: the common case, decided without the lexicon
    lexicon, prose = english_lexicon(), 0
    for piece in _PIECE.split(text):
        found = piece.split()
        if len(found) < 4 or _CODE_MARK.search(piece):
            continue
        plain = [m.group(1).lower() for t in found if (m := _PLAIN.fullmatch(t))]
        content = [w for w in plain if w not in stop]
        if (len(plain) >= 0.7 * len(found) and len(plain) - len(content) >= 0.1 * len(found)
                and sum(_known(w, lexicon) for w in content) >= 0.6 * len(content)):
            prose += len(found)
    if prose >= 0.25 * len(tokens) or (prose >= 60 and prose >= 0.1 * len(tokens)):
        return ENGLISH
    plain_share = sum(_PLAIN.fullmatch(t) is not None for t in tokens) / len(tokens)
    if plain_share < 0.15:
        return ProseCheck.refused("data", f"no prose: {round(100 * plain_share)} % of its tokens are words "
                                          "(numbers, a table, or bytes that are not text)")
    if code_chars >= 0.15 * len(tokens):
        return ProseCheck.refused("code", f"reads as code, not prose: {prose} of {len(tokens)} tokens "
                                          "in English sentences")
    return ENGLISH


__all__ = ["ENGLISH", "FOREIGN_FUNCTION_WORDS", "ProseCheck", "address_spans", "english_lexicon", "prose_check"]
