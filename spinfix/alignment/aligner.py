"""Aligning a spun text with its clean source: sentences first (:mod:`~spinfix.alignment.sentences`),
then words inside each aligned block (:mod:`~spinfix.alignment.words`), whose edits are the
substitutions."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from ..collector import paused
from ..errors import SpinfixError
from ..persist.files import json_text, write_json_object
from ..text.tokens import Sentence
from .sentences import Block, Sentences, align_sentences
from .substitutions import Substitution
from .words import align_words


@dataclass
class Alignment:
    """The result of aligning a spun text with its source: both texts' sentences, the aligned
    blocks of sentences, and every substitution.

    Examples
    --------
    >>> alignment = align("The soiled bomb was found. Subscribe now!", "The dirty bomb was found.")
    >>> alignment.format()
    "4-10\\t'soiled' -> 'dirty'"
    >>> alignment.to_dict()["unaligned_sentences"]
    ['Subscribe now!']
    """

    spun_text: str
    ref_text: str
    spun_sentences: Sequence[Sentence]  # a SentenceList: each sentence made when asked for
    ref_sentences: Sequence[Sentence]
    blocks: list[Block]
    substitutions: list[Substitution]

    @property
    def unaligned_spun(self) -> list[int]:
        """Indexes of spun sentences with no counterpart in the source (spinner additions)."""
        covered = {i for b in self.blocks for i in range(*b.spun)}
        return [i for i in range(len(self.spun_sentences)) if i not in covered]

    @property
    def phrase_pairs(self) -> list[Substitution]:
        """The substitutions that are real word or phrase swaps, not punctuation or additions."""
        return [s for s in self.substitutions if s.is_phrase_pair]

    def to_dict(self) -> dict:
        """Plain data for JSON output: the substitutions and the spun sentences with no source."""
        return {"substitutions": [s.to_dict() for s in self.substitutions],
                "unaligned_sentences": [self.spun_sentences[i].text for i in self.unaligned_spun]}

    def format(self, is_json: bool = False) -> str:
        """For programs, :meth:`to_dict` as JSON; for people, one line per substitution
        (``start-end<TAB>'spun' -> 'original'``)."""
        if is_json:
            return json_text(self.to_dict())
        return "\n".join(f"{s.spun_start}-{s.spun_end}\t{s.spun!r} -> {s.original!r}" for s in self.substitutions)

    def write_json(self, out: TextIO) -> None:
        """Write :meth:`to_dict` as JSON (what ``spinfix align --json`` prints), one
        substitution at a time (:func:`~spinfix.persist.files.write_json_object`): the same text
        as :meth:`format`, without holding a large text's substitutions as one string."""
        write_json_object(out, {}, {"substitutions": (s.to_dict() for s in self.substitutions),
                                    "unaligned_sentences": (self.spun_sentences[i].text for i in self.unaligned_spun)})


def align(spun_text: str, ref_text: str) -> Alignment:
    """Align ``spun_text`` with its clean source ``ref_text``.

    Raises :class:`SpinfixError` when no sentence of the two texts corresponds, which means
    the reference is not the source of the spun text.

    Examples
    --------
    >>> [(s.spun, s.original) for s in align("The soiled bomb.", "The dirty bomb.").phrase_pairs]
    [('soiled', 'dirty')]
    """
    with paused():  # a few objects per token, freed by none: collecting was a third of a 1 MB alignment
        return _align(spun_text, ref_text)


def _align(spun_text: str, ref_text: str) -> Alignment:
    spun, ref = Sentences(spun_text), Sentences(ref_text)
    blocks = align_sentences(spun, ref)
    if not blocks:
        raise SpinfixError("the reference shares no sentence with the spun text; is it really its source?")
    substitutions = []
    for block in blocks:
        substitutions.extend(align_words(spun_text, ref_text, spun.span(*block.spun), ref.span(*block.ref)))
    return Alignment(spun_text, ref_text, spun.sentences, ref.sentences, blocks, substitutions)


__all__ = ["Alignment", "align"]
