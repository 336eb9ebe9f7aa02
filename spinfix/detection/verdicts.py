"""A score's verdict in one line a user can act on: which side of the document line (0.5) the
spin likelihood is on, what crossed it, and where the sentence flags and the likelihood seem to
disagree, why.

The document line and the sentence threshold are two different things: a sentence is flagged
from the model's sentence threshold (about 0.61) on its own evidence, while the likelihood is the
document model's reading of how strongly and how densely the whole text is out of place (with
the neural judge, the largest of its views: that reading, its estimate of the share of words
swapped, and the fast first stage's own likelihood). A few
flagged sentences in a long text, or many sentences with weak suspects (old or technical prose),
leave the likelihood under the line; the verdict says so instead of leaving two numbers that
seem to contradict each other. With the trigram judge the line also gates a reference-free
restore, which changes nothing in a document under it; the neural judge's restore decides
sentence by sentence.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text.language import ProseCheck
from ..wording import plural

DOCUMENT_LINE = 0.5  # from this spin likelihood a document is likely spun (and a restore acts on it)
LIKELY, UNLIKELY, CANNOT_JUDGE = "likely spun", "unlikely spun", "cannot judge"
LABELS = (LIKELY, UNLIKELY, CANNOT_JUDGE)
FIRST_STAGE = "first_stage"  # the view of a neural detector's fast first stage (see its likelihood)
SHORT_TEXT = 100  # words: under this the first stage's word statistics are weak evidence (fitted on whole documents)


@dataclass(frozen=True)
class Verdict:
    """A document's verdict: ``label`` (:data:`LABELS`), the ``line`` a person reads, the
    document ``threshold`` it was judged against, and the ``reasons`` the line joins."""

    label: str
    line: str
    threshold: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"label": self.label, "line": self.line, "threshold": self.threshold, "reasons": list(self.reasons)}


def document_verdict(likelihood: float, flagged: int, sentences: int, suspects: int, words: int,
                     check: ProseCheck | None = None, threshold: float = DOCUMENT_LINE,
                     views: dict[str, float] | None = None) -> Verdict:
    """The verdict on a document of ``sentences`` sentences (``flagged`` of them flagged) and
    ``words`` words, whose flagged sentences name ``suspects`` suspect words, at spin
    ``likelihood``; ``check`` says whether the text is English prose at all; ``views``, the
    views whose largest the likelihood is, where a detector has several (the neural detector,
    whose restore is not gated by the line).

    Examples
    --------
    >>> document_verdict(0.91, 6, 6, 9, 180).line
    'likely spun: spin likelihood 0.910 is over the 0.5 line; 6 of 6 sentences flagged, 9 suspects in 180 words'
    >>> print(document_verdict(0.62, 0, 9, 0, 300, views={"suspects": 0.3, "share": 0.1, "first_stage": 0.62}).reasons[-1])
    the judge's own views keep it under the line (suspects 0.300, share 0.100), but the fast first stage's word statistics put it over (0.620): heavy spin of common words, each plausible on its own, reads like this; score with --judge trigram to see the sentences that carry it
    >>> print(document_verdict(0.57, 0, 2, 0, 31, views={"suspects": 0.1, "share": 0.04, "first_stage": 0.57}).reasons[-1])
    the judge's own views keep it under the line (suspects 0.100, share 0.040), but the fast first stage's word statistics put it over (0.570): in a text under 100 words they are weak evidence (alone they put clean paragraphs over the line as often as spun ones); read the sentences before deciding
    >>> print(document_verdict(0.439, 6, 6, 7, 400).reasons[-1])
    most sentences are flagged, yet the document model, which weighs how strongly words are out of place across the whole text, keeps it under the line: light spin, old or technical prose, or a short text reads like this; look at the flagged sentences before deciding (a restore without a reference changes nothing under the line)
    """
    what = f"{flagged} of {plural(sentences, 'sentence')} flagged"
    if flagged:
        what += f", {plural(suspects, 'suspect')} in {plural(words, 'word')}"
    if check is not None and not check.judgeable:
        reasons = (check.reason, f"spinfix reads English prose only, so its spin likelihood ({likelihood:.3f}) "
                                 "says nothing here, spun or not")
        return Verdict(CANNOT_JUDGE, f"{CANNOT_JUDGE}: " + "; ".join(reasons), threshold, reasons)
    if likelihood >= threshold:
        over = "over" if likelihood > threshold else "at"
        label, side = LIKELY, f"spin likelihood {likelihood:.3f} is {over} the {threshold:g} line"
    else:
        label, side = UNLIKELY, f"spin likelihood {likelihood:.3f} is under the {threshold:g} line"
    reasons = [side, what]
    if label == UNLIKELY and flagged:
        restore = "" if views else " (a restore without a reference changes nothing under the line)"
        if flagged < sentences / 2:
            reasons.append(f"sentences are flagged but suspects are few for the length "
                           f"({round(100 * suspects / max(words, 1), 1):g} per 100 words): light spin or a false "
                           f"alarm; look at the flagged sentences{restore}")
        else:
            reasons.append("most sentences are flagged, yet the document model, which weighs how strongly words are "
                           "out of place across the whole text, keeps it under the line: light spin, old or "
                           "technical prose, or a short text reads like this; look at the flagged sentences before "
                           f"deciding{restore}")
    elif label == LIKELY and views and _first_stage_alone(views, threshold):
        judged = ", ".join(f"{k} {v:.3f}" for k, v in views.items() if k != FIRST_STAGE)
        reasons.append(f"the judge's own views keep it under the line ({judged}), but the fast first stage's word "
                       f"statistics put it over ({views[FIRST_STAGE]:.3f}): "
                       + (f"in a text under {SHORT_TEXT} words they are weak evidence (alone they put clean "
                          "paragraphs over the line as often as spun ones); read the sentences before deciding"
                          if words < SHORT_TEXT else
                          "heavy spin of common words, each plausible on its own, reads like this; score with "
                          "--judge trigram to see the sentences that carry it"))
    elif label == LIKELY and not flagged:
        reasons.append("no single sentence reaches the sentence threshold: the evidence is spread thinly over "
                       "the text; score with a lower --threshold to see the sentences that carry it")
    return Verdict(label, f"{label}: " + "; ".join(reasons[:2]) + "".join(f". {r[0].upper()}{r[1:]}" for r in reasons[2:]),
                   threshold, tuple(reasons))


def _first_stage_alone(views: dict[str, float], threshold: float) -> bool:
    """Whether the first stage's view alone puts a document over the line."""
    return views.get(FIRST_STAGE, 0.0) >= threshold > max((v for k, v in views.items() if k != FIRST_STAGE), default=0.0)


__all__ = ["CANNOT_JUDGE", "DOCUMENT_LINE", "LABELS", "LIKELY", "UNLIKELY", "Verdict", "document_verdict"]
