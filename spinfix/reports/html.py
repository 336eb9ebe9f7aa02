"""A self-contained HTML report (one file, no network, printable): each document's verdict
against the 0.5 line, its flagged sentences shaded and each suspect word followed by its likelier
original, and where a restore was run, what it changed and what it left and why; many documents
get a sortable index."""
from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass, field

from .._version import __version__
from ..detection.detector import Detector
from ..detection.loading import load_scorer
from ..detection.neural_detector import NeuralDetector
from ..detection.phrase_evidence import PhraseList
from ..detection.results import DocumentScore
from ..detection.streaming import STREAM_CHARS, score_streamed
from ..detection.verdicts import DOCUMENT_LINE
from ..dictionary.storage import load_dictionary
from ..persist.files import read_text
from ..restoration.restorations import Restoration, restore_with_reference, restore_without_reference
from ..restoration.results import change_note


@dataclass
class ReportDocument:
    """One document of a report: its score, its text, and optionally a restoration of it."""

    score: DocumentScore
    text: str
    restoration: Restoration | None = None
    how: str = ""  # how the restoration was made ("reference", "dictionary")


@dataclass
class _Part:
    kind: str
    text: str = ""
    start: int = 0
    end: int = 0
    original: str | None = None
    spun: str = ""
    probability: float = 0.0
    parts: list = field(default_factory=list)


def _scored_pieces(score: DocumentScore, text: str) -> list[_Part]:
    """The text cut into plain stretches and flagged sentences, those cut at their suspects."""
    pieces, pos = [], 0
    for sentence in score.flagged:
        pieces.append(_Part("plain", text[pos:sentence.start]))
        parts, at = [], sentence.start
        for w in sorted(sentence.suspects, key=lambda w: w.start):
            parts += [_Part("plain", text[at:w.start]), _Part("suspect", text[w.start:w.end], w.start, w.end, w.original)]
            at = w.end
        parts.append(_Part("plain", text[at:sentence.end]))
        pieces.append(_Part("flagged", probability=sentence.probability, parts=parts))
        pos = sentence.end
    pieces.append(_Part("plain", text[pos:]))
    return pieces


CONTEXT_CHARS = 48  # of text shown either side of a restored change
MAX_LISTED = 40  # suspects listed beside a document's text (all of them are marked in it)


def _around(text: str, start: int, end: int) -> tuple[str, str]:
    """A few words of ``text`` before ``start`` and after ``end``, within the change's line (cut
    at spaces, "…" where the line goes on)."""
    before, after = text[max(0, start - CONTEXT_CHARS):start], text[end:end + CONTEXT_CHARS]
    if "\n" in before:
        before = before[before.rindex("\n") + 1:]
    elif start > CONTEXT_CHARS and " " in before:
        before = "…" + before[before.index(" "):]
    if "\n" in after:
        after = after[:after.index("\n")]
    elif end + CONTEXT_CHARS < len(text) and " " in after:
        after = after[:after.rindex(" ")] + " …"
    return before, after


def _changes(restoration: Restoration, text: str) -> list[dict]:
    """Each change of a restoration in order, with a little of the text around it (the rest of
    the text is unchanged, and is shown once, above)."""
    out, pos = [], 0
    for c in sorted(restoration.substitutions, key=lambda c: (c.start, c.end)):
        if c.start < pos:
            continue
        before, after = _around(text, c.start, c.end)
        out.append({"before": before, "spun": text[c.start:c.end], "original": c.original, "after": after,
                    "start": c.start, "weighed": change_note(c)})
        pos = c.end
    return out


def _sentence_threshold(signature: str) -> float | None:
    """The sentence threshold a score's signature names (``|threshold:0.608256``)."""
    found = re.search(r"\|threshold:([0-9.]+)", signature)
    return float(found.group(1)) if found else None


def _view(d: ReportDocument) -> dict:
    score, verdict = d.score, d.score.verdict
    suspects = [{"word": w.word, "original": w.original, "reason": w.reason, "start": w.start,
                 "probability": s.probability} for s in score.flagged for w in sorted(s.suspects, key=lambda w: w.start)]
    restoration = None
    if d.restoration is not None:
        restoration = {"how": d.how, "summary": d.restoration.summary(), "changes": _changes(d.restoration, d.text),
                       "count": len(d.restoration.substitutions)}
    return {"name": score.file, "likelihood": score.spin_likelihood, "flagged": score.flagged_count,
            "sentences": len(score.sentences), "density": score.suspects_per_100_words, "signature": score.signature,
            "label": verdict.label, "label_class": verdict.label.replace(" ", "-"), "verdict": verdict.line,
            "reasons": verdict.reasons, "line": verdict.threshold, "suspects": suspects,
            "pieces": _scored_pieces(score, d.text), "restoration": restoration}


def render_report(documents: list[ReportDocument]) -> str:
    """The HTML page for ``documents``, most spun first: each one's verdict against the 0.5
    line, its text with the flagged sentences shaded and each suspect followed by its likelier
    original ("soiled → dirty", in the page itself, so that it prints), and where a restore was
    run, what it changed (each change in a line of its context; nothing when it changed nothing)."""
    from jinja2 import Environment, select_autoescape  # Jinja2 costs start-up time: only where a page is made

    template_text = importlib.resources.files("spinfix.reports").joinpath("templates", "report.html.j2").read_text()
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True)
    ordered = sorted(documents, key=lambda d: -d.score.spin_likelihood)
    signatures = list(dict.fromkeys(d.score.signature for d in ordered))
    thresholds = {t for d in documents if (t := _sentence_threshold(d.score.signature)) is not None}
    return env.from_string(template_text).render(
        documents=[_view(d) for d in ordered], any_restoration=any(d.restoration for d in documents),
        line=DOCUMENT_LINE, sentence_threshold=min(thresholds) if len(thresholds) == 1 else None, version=__version__,
        signature=signatures[0] if len(signatures) == 1 else None, max_suspects=MAX_LISTED)


def report_documents(paths: list[str], reference: str | None = None, restore: bool = False,
                     dictionary: str | None = None, model: str | None = None,
                     threshold: float | None = None, max_bytes: int | None = None,
                     phrase_list: str | None = None, judge: str | None = None) -> list[ReportDocument]:
    """Score the files (``-`` is standard input) and, with a ``reference`` (one file) or
    ``restore``, restore them (against the reference, or from the ``dictionary`` file and the
    shipped knowledge), as ``spinfix report`` does; the curated phrases of the ``phrase_list``
    file count as evidence in the scores, as with ``spinfix score --phrase-list``."""
    detector = load_scorer(model, judge)
    texts = [read_text(p, max_bytes) for p in paths]
    names = ["<stdin>" if p == "-" else p for p in paths]
    user = load_dictionary(dictionary, max_bytes) if dictionary else None
    ref_text = read_text(reference, max_bytes) if reference else None
    out = []
    scorer = detector.with_phrases(PhraseList(load_dictionary(phrase_list, max_bytes)) if phrase_list else None)
    for score, text in zip(_scores(scorer, texts, names, threshold), texts):
        if ref_text is not None:
            out.append(ReportDocument(score, text, restore_with_reference(text, ref_text), "against the reference"))
        elif restore:
            out.append(ReportDocument(score, text, restore_without_reference(text, user, detector), "without a reference"))
        else:
            out.append(ReportDocument(score, text))
    return out


def _scores(scorer: Detector | NeuralDetector, texts: list[str], names: list[str], threshold: float | None) -> list[DocumentScore]:
    """Each text's score: the short ones in one pass of the models, a long one streamed, a block of
    sentences at a time (:func:`~spinfix.detection.streaming.score_streamed`; the same result),
    since one pass over all of its sentences at once holds them all (a 2 MB text of one-word lines
    peaked at 960 MB)."""
    if isinstance(scorer, NeuralDetector):  # reads a block of sentences at a time anyway
        return scorer.score_texts(texts, names, threshold)
    short = [k for k, text in enumerate(texts) if len(text) <= STREAM_CHARS]
    found = dict(zip(short, scorer.score_texts([texts[k] for k in short], [names[k] for k in short], threshold)))
    return [found[k] if k in found else score_streamed(scorer, text, names[k], threshold).materialize()
            for k, text in enumerate(texts)]


__all__ = ["ReportDocument", "render_report", "report_documents"]
