"""A self-contained HTML report: scores with highlighted suspects, and restorations as diffs.

People would rather look at a page than read JSON: each document's spin likelihood, its flagged
sentences highlighted, each suspect word marked (its likelier original on hover), and where a
restore was run, the text with every change shown as ``spun`` struck through beside the
original. Many documents get an index table, sortable by likelihood. One file, no network, no
external assets; rendered with Jinja2 (autoescaped), from ``spinfix/templates/``.
"""
from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, field

from .detecting import DocumentScore
from .restoring import Restoration


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


def _restored_parts(restoration: Restoration, text: str) -> list[_Part]:
    """The spun text with each change as (spun, original), in order."""
    parts, pos = [], 0
    for start, end, original in sorted((c.start, c.end, c.original) for c in restoration.substitutions):
        if start < pos:
            continue
        parts += [_Part("plain", text[pos:start]), _Part("change", spun=text[start:end], original=original)]
        pos = end
    parts.append(_Part("plain", text[pos:]))
    return parts


def render_report(documents: list[ReportDocument]) -> str:
    """The HTML page for ``documents``, most spun first."""
    from jinja2 import Environment, select_autoescape

    template_text = importlib.resources.files("spinfix.templates").joinpath("report.html.j2").read_text()
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True)
    ordered = sorted(documents, key=lambda d: -d.score.spin_likelihood)
    view = [{
        "name": d.score.file, "likelihood": d.score.spin_likelihood, "flagged": len(d.score.flagged),
        "sentences": len(d.score.sentences), "density": d.score.suspects_per_100_words,
        "signature": d.score.signature, "pieces": _scored_pieces(d.score, d.text),
        "restoration": None if d.restoration is None else {
            "how": d.how, "changes": len(d.restoration.substitutions), "parts": _restored_parts(d.restoration, d.text)},
    } for d in ordered]
    return env.from_string(template_text).render(documents=view,
                                                 any_restoration=any(d.restoration for d in documents))


def report_documents(paths: list[str], reference: str | None = None, restore: bool = False,
                     dictionary: str | None = None, model: str | None = None,
                     threshold: float | None = None) -> list[ReportDocument]:
    """Score the files (``-`` is standard input) and, with a ``reference`` (one file) or
    ``restore``, restore them (against the reference, or from ``dictionary`` and the shipped
    knowledge), as ``spinfix report`` does; the ``dictionary``'s phrases also count as evidence
    in the scores, as with ``spinfix score --dictionary``."""
    from .detecting import load_detector
    from .dictionary import load_dictionary
    from .phrase_lists import PhraseList
    from .restoring import restore_with_dictionary, restore_with_reference
    from .textio import read_text

    detector = load_detector(model)
    texts = [read_text(p) for p in paths]
    names = ["<stdin>" if p == "-" else p for p in paths]
    user = load_dictionary(dictionary) if dictionary else None
    ref_text = read_text(reference) if reference else None
    out = []
    scorer = detector.with_phrases(PhraseList(user) if user is not None else None)
    for score, text in zip(scorer.score_texts(texts, names, threshold), texts):
        if ref_text is not None:
            out.append(ReportDocument(score, text, restore_with_reference(text, ref_text), "against the reference"))
        elif restore:
            out.append(ReportDocument(score, text, restore_with_dictionary(text, user, detector), "without a reference"))
        else:
            out.append(ReportDocument(score, text))
    return out


__all__ = ["ReportDocument", "render_report", "report_documents"]
