"""What scoring finds: each sentence's probability and suspect words, a document's spin
likelihood, and the model signature that produced them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TextIO

import numpy as np

from ..persist.files import json_text
from ..text.language import ENGLISH, ProseCheck, prose_check
from .document_features import suspect_counts
from .features import WordEvidence
from .verdicts import CANNOT_JUDGE, Verdict, document_verdict

@dataclass
class SuspectWord:
    """A word that looks swapped in, with the likelier original when the model has one."""

    word: str
    start: int
    end: int
    original: str | None
    score: float
    reason: str = "likelier original"


@dataclass
class SentenceScore:
    """One sentence: its span in the input, its spin probability and its suspect words."""

    text: str
    start: int
    end: int
    probability: float
    flagged: bool
    suspects: list[SuspectWord] = field(default_factory=list)

    def marked(self) -> str:
        """The plain-text line of a flagged sentence: its probability, and its text with each
        suspect in brackets beside its likelier original ("[stated->said]")."""
        marked, pos = [], 0
        for w in sorted(self.suspects, key=lambda w: w.start):
            a, b = w.start - self.start, w.end - self.start
            marked.append(self.text[pos:a] + "[" + self.text[a:b] + (f"->{w.original}" if w.original else "") + "]")
            pos = b
        marked.append(self.text[pos:])
        return f"  {self.probability:.2f}  {''.join(marked)}"


@dataclass
class DocumentScore:
    """A document's spin likelihood, its sentences, the signature of the model that scored it, and
    its :attr:`verdict` (``check``: whether the text is English prose spinfix can judge; computed
    from the sentences when not given).

    Examples
    --------
    >>> score = DocumentScore("a.txt", 0.91, [SentenceScore("The soiled bomb.", 0, 16, 0.97, True,
    ...     [SuspectWord("soiled", 4, 10, "dirty", 3.2)])], "spinfix:0.1.0|...")
    >>> print(score.format())
    a.txt: spin likelihood 0.910 (1 of 1 sentence flagged)
      0.97  The [soiled->dirty] bomb.
      verdict: likely spun: spin likelihood 0.910 is over the 0.5 line; 1 of 1 sentence flagged, 1 suspect in 3 words
    >>> score.to_dict()["suspects_per_100_words"], score.verdict.label
    (33.33, 'likely spun')
    """

    file: str
    spin_likelihood: float
    sentences: list[SentenceScore]
    signature: str
    check: ProseCheck | None = field(default=None, repr=False, compare=False)
    views: dict[str, float] | None = field(default=None, compare=False)

    @property
    def flagged(self) -> list[SentenceScore]:
        return [s for s in self.sentences if s.flagged]

    @property
    def flagged_count(self) -> int:
        return len(self.flagged)

    @property
    def words(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences)

    @property
    def suspects_per_100_words(self) -> float:
        """Suspect words named in flagged sentences per 100 words of the document: how densely
        spun it looks (a few clear swaps among 500 words is light spin, not none)."""
        return round(100 * sum(len(s.suspects) for s in self.sentences) / max(self.words, 1), 2)

    @property
    def verdict(self) -> Verdict:
        """The verdict in one line (:func:`~spinfix.detection.verdicts.document_verdict`)."""
        if self.check is None:
            self.check = prose_check("\n".join(s.text for s in self.sentences))
        return document_verdict(self.spin_likelihood, self.flagged_count, len(self.sentences),
                                sum(len(s.suspects) for s in self.sentences), self.words, self.check, views=self.views)

    def to_dict(self) -> dict:
        return {"file": self.file, "spin_likelihood": self.spin_likelihood,
                "sentences": [asdict(s) for s in self.sentences], "signature": self.signature,
                "suspects_per_100_words": self.suspects_per_100_words, "verdict": self.verdict.to_dict(),
                **({"views": self.views} if self.views else {})}

    @classmethod
    def from_dict(cls, data: dict) -> DocumentScore:
        """The inverse of :meth:`to_dict` (what parallel workers send back)."""
        sentences = [SentenceScore(**{**s, "suspects": [SuspectWord(**w) for w in s["suspects"]]})
                     for s in data["sentences"]]
        return cls(data["file"], data["spin_likelihood"], sentences, data["signature"], check_of(data.get("verdict")),
                   data.get("views"))

    def format(self, is_json: bool = False) -> str:
        """The same result for programs (one JSON line) or for people (plain text: the header,
        the flagged sentences, the verdict; the signature is in the JSON, and the command line
        prints it once)."""
        if is_json:
            return json_text(self.to_dict())
        flagged = self.flagged
        return "\n".join([self.header(self.file, self.spin_likelihood, len(flagged), len(self.sentences))]
                         + [s.marked() for s in flagged] + [f"  verdict: {self.verdict.line}"])

    def write(self, out: TextIO, is_json: bool = False) -> None:
        """Write :meth:`format` and a line end (as :meth:`~spinfix.detection.streaming.StreamedScore.write` does)."""
        out.write(self.format(is_json) + "\n")

    @staticmethod
    def header(file: str, likelihood: float, flagged: int, sentences: int, signature: str | None = None) -> str:
        """The first line of the plain-text result (with the signature, where one is given)."""
        return (f"{file}: spin likelihood {likelihood:.3f} ({flagged} of {sentences} sentence"
                f"{'' if sentences == 1 else 's'} flagged)" + (f"  [{signature}]" if signature else ""))


def check_of(verdict: dict | None) -> ProseCheck | None:
    """The prose check a verdict's JSON records (None where there is none: computed again)."""
    if not verdict:
        return None
    if verdict.get("label") == CANNOT_JUDGE:
        return ProseCheck.refused("recorded", (verdict.get("reasons") or [""])[0])
    return ENGLISH


@dataclass
class Analysis:
    """One document's sentence probabilities (in context), each sentence's word evidence (None
    from a model that names no words, such as the character n-gram baseline), and the
    document's spin likelihood."""

    probabilities: np.ndarray
    evidence: list[list[WordEvidence]] | None
    likelihood: float

    def flags(self, threshold: float) -> np.ndarray:
        """Which sentences are flagged: probable enough, and with at least one suspect that
        explains the flag (a probability alone accuses no one; a model without word evidence
        flags on probability alone)."""
        explained = True if self.evidence is None else suspect_counts(self.evidence) > 0
        return (self.probabilities >= threshold) & explained


__all__ = ["Analysis", "DocumentScore", "SentenceScore", "SuspectWord", "check_of"]
