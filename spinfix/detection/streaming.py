"""Scoring a text too large to hold as objects, in two passes over its sentences, with the same
result as :meth:`~spinfix.detection.detector.Detector.score_text` byte for byte.

The first pass keeps a few numbers per sentence (probability, length, suspect count) and the
document's evidence bands, enough to revise each sentence in context and give the likelihood;
the second names the suspects of flagged sentences as the result is written. A reference-free
restore reads the same first pass, then the text block by block (:meth:`StreamedScore.blocks`).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TextIO

import numpy as np

from ..persist.files import json_text
from ..text.language import ProseCheck, prose_check
from ..text.tokens import Sentence, iter_sentences
from .detector import Detector, name_suspects_many
from .document_features import EvidenceSummary
from .features import WordEvidence
from .results import DocumentScore, SentenceScore
from .verdicts import Verdict, document_verdict

STREAM_CHARS = 200_000  # texts longer than this are scored in two streamed passes
BLOCK_SENTENCES = 2000  # sentences per model call ...
BLOCK_CHARS = 200_000  # ... and at most this many characters: the model's work (and memory) grows with a
# block's words, and a page without punctuation is cut into "sentences" of 1,000 characters, seven times
# the words of an ordinary sentence (a 2 MB line as 2,000 of them peaked at 680 MB; as blocks of 200, 210)
KEEP_EVIDENCE = 2000  # a text of at most this many sentences keeps its word evidence from the first pass


def _blocks(text: str, size: int, chars: int = BLOCK_CHARS) -> Iterator[list]:
    """The text's sentences, ``size`` at a time, a block cut sooner once it holds ``chars``
    characters (each sentence's result is the same whatever block it is scored in)."""
    block, held = [], 0
    for sentence in iter_sentences(text):
        block.append(sentence)
        held += len(sentence.text)
        if len(block) >= size or held >= chars:
            yield block
            block, held = [], 0
    if block:
        yield block


@dataclass
class StreamedScore:
    """A document's score whose sentences are computed when asked for (:meth:`sentences`),
    with everything else known up front: what :class:`~spinfix.detection.results.DocumentScore` holds,
    for a text too large to hold as one."""

    file: str
    spin_likelihood: float
    likelihood: float
    signature: str
    sentence_count: int
    flagged_count: int
    words: int
    text: str
    detector: Detector
    probabilities: np.ndarray
    flags: np.ndarray
    block: int = BLOCK_SENTENCES
    evidence: list[list[WordEvidence]] | None = None  # every sentence's, kept for a text of few sentences
    _named: int | None = None  # suspects named in the flagged sentences, once counted
    _check: ProseCheck | None = None

    @property
    def check(self) -> ProseCheck:
        """Whether the text is English prose spinfix can judge (:func:`~spinfix.text.language.prose_check`)."""
        if self._check is None:
            self._check = prose_check(self.text)
        return self._check

    @property
    def verdict(self) -> Verdict:
        """As :attr:`DocumentScore.verdict` (counting the named suspects takes a pass, unless
        :meth:`write` made it already)."""
        return document_verdict(self.spin_likelihood, self.flagged_count, self.sentence_count, self.named,
                                self.words, self.check)

    @property
    def named(self) -> int:
        """Suspects named in the flagged sentences (a pass over them, unless :meth:`write` counted them)."""
        if self._named is None:
            self._named = sum(len(s.suspects) for s in self.sentences() if s.flagged)
        return self._named

    @property
    def suspects_per_100_words(self) -> float:
        """As :attr:`DocumentScore.suspects_per_100_words`; counting the named suspects takes a
        pass over the flagged sentences, unless :meth:`write` made it already."""
        return round(100 * self.named / max(self.words, 1), 2)

    def blocks(self, flagged_only: bool = False) -> Iterator[tuple[list[Sentence], np.ndarray,
                                                                   list[list[WordEvidence]] | None]]:
        """The text a block of sentences at a time, with their revised probabilities and word
        evidence (None from a model without word evidence; with ``flagged_only``, empty for the
        sentences not flagged, which then cost nothing)."""
        k = 0
        for block in _blocks(self.text, self.block):
            wanted = [i for i in range(len(block)) if not flagged_only or self.flags[k + i]]
            if self.evidence is not None:
                evidence: list | None = self.evidence[k:k + len(block)]
            else:
                found = self.detector.sentence_evidence([block[i].text for i in wanted])[1] if wanted else []
                evidence = None if found is None else [[] for _ in block]
                for i, e in zip(wanted, found or []):
                    evidence[i] = e
            yield block, self.probabilities[k:k + len(block)], evidence
            k += len(block)

    def sentences(self) -> Iterator[SentenceScore]:
        """Every sentence's result in order, the flagged ones with their suspects."""
        k = 0
        for block, probabilities, evidence in self.blocks(flagged_only=True):
            flagged = [i for i in range(len(block)) if self.flags[k + i]] if evidence is not None else []
            named = dict(zip(flagged, name_suspects_many([block[i] for i in flagged], [evidence[i] for i in flagged])))
            for i, (s, p) in enumerate(zip(block, probabilities)):
                yield SentenceScore(s.text, s.start, s.end, round(float(p), 4), bool(self.flags[k + i]), named.get(i, []))
            k += len(block)

    def write(self, out: TextIO, is_json: bool = False) -> None:
        """Write the result as :meth:`DocumentScore.format` does, one sentence at a time."""
        if is_json:
            head = json_text({"file": self.file, "spin_likelihood": self.spin_likelihood})
            out.write(head[:-1] + ', "sentences": [')
            named = 0
            for k, s in enumerate(self.sentences()):
                named += len(s.suspects)
                out.write((", " if k else "") + json_text(asdict(s)))
            self._named = named
            tail = json_text({"signature": self.signature, "suspects_per_100_words": self.suspects_per_100_words,
                              "verdict": self.verdict.to_dict()})
            out.write("], " + tail[1:] + "\n")
            return
        out.write(DocumentScore.header(self.file, self.spin_likelihood, self.flagged_count, self.sentence_count) + "\n")
        named = 0
        for s in self.sentences():
            if s.flagged:
                named += len(s.suspects)
                out.write(s.marked() + "\n")
        self._named = named
        out.write(f"  verdict: {self.verdict.line}\n")

    def materialize(self) -> DocumentScore:
        """The whole :class:`~spinfix.detection.results.DocumentScore` (for a report that shows every sentence)."""
        return DocumentScore(self.file, self.spin_likelihood, list(self.sentences()), self.signature, self.check)


def score_streamed(detector: Detector, text: str, name: str = "-", threshold: float | None = None,
                   block: int = BLOCK_SENTENCES) -> StreamedScore:
    """Score ``text`` as :meth:`Detector.score_text` does, in bounded memory per sentence: the
    first pass over its sentences happens here, the second when the result is written."""
    threshold = detector.threshold if threshold is None else threshold
    own, lengths, summaries, kept = [], [], [], []
    for sentences in _blocks(text, block):
        texts = [s.text for s in sentences]
        p, evidence = detector.sentence_evidence(texts)
        if kept is not None and evidence is not None and len(kept) + len(evidence) <= KEEP_EVIDENCE:
            kept += evidence
        else:
            kept = None
        own.append(p)
        lengths.append(np.array([len(t.split()) for t in texts]))
        if evidence is not None:
            summaries.append(EvidenceSummary.of(evidence))
    probabilities = np.concatenate(own) if own else np.zeros(0)
    lengths_all = np.concatenate(lengths) if lengths else np.zeros(0)
    summary = EvidenceSummary.join(summaries) if summaries else None
    if probabilities.size:
        revised, likelihood = detector.revise(probabilities, lengths_all, summary)
    else:
        revised, likelihood = probabilities, 0.0
    explained = summary.suspects > 0 if summary is not None else np.ones(revised.size, bool)
    flags = (revised >= threshold) & explained
    return StreamedScore(name, round(likelihood, 4), likelihood, detector.signature(threshold), int(revised.size),
                         int(flags.sum()), int(lengths_all.sum()), text, detector, revised, flags, block, kept)


__all__ = ["BLOCK_SENTENCES", "KEEP_EVIDENCE", "STREAM_CHARS", "StreamedScore", "score_streamed"]
