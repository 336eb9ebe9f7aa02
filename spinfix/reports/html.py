"""A self-contained HTML report (one file, no network): each document's spin likelihood, its
flagged sentences and suspect words highlighted, and where a restore was run, every change shown
beside its original; many documents get a sortable index."""
from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, field

from ..detection.detector import load_detector
from ..detection.phrase_evidence import PhraseList
from ..detection.results import DocumentScore
from ..dictionary.storage import load_dictionary
from ..persist.files import read_text
from ..restoration.restorations import Restoration, restore_with_reference, restore_without_reference


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
    from jinja2 import Environment, select_autoescape  # Jinja2 costs start-up time: only where a page is made

    template_text = importlib.resources.files("spinfix.reports").joinpath("templates", "report.html.j2").read_text()
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
                     threshold: float | None = None, max_bytes: int | None = None,
                     phrase_list: str | None = None) -> list[ReportDocument]:
    """Score the files (``-`` is standard input) and, with a ``reference`` (one file) or
    ``restore``, restore them (against the reference, or from the ``dictionary`` file and the
    shipped knowledge), as ``spinfix report`` does; the curated phrases of the ``phrase_list``
    file count as evidence in the scores, as with ``spinfix score --phrase-list``."""
    detector = load_detector(model)
    texts = [read_text(p, max_bytes) for p in paths]
    names = ["<stdin>" if p == "-" else p for p in paths]
    user = load_dictionary(dictionary, max_bytes) if dictionary else None
    ref_text = read_text(reference, max_bytes) if reference else None
    out = []
    scorer = detector.with_phrases(PhraseList(load_dictionary(phrase_list, max_bytes)) if phrase_list else None)
    for score, text in zip(scorer.score_texts(texts, names, threshold), texts):
        if ref_text is not None:
            out.append(ReportDocument(score, text, restore_with_reference(text, ref_text), "against the reference"))
        elif restore:
            out.append(ReportDocument(score, text, restore_without_reference(text, user, detector), "without a reference"))
        else:
            out.append(ReportDocument(score, text))
    return out


__all__ = ["ReportDocument", "render_report", "report_documents"]
