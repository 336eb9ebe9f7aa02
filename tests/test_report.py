"""The HTML report: self-contained, highlights at the right offsets, rendered by a real browser."""
from __future__ import annotations

import html
import html.parser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from spinfix.reports.html import CONTEXT_CHARS, render_report, report_documents

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_SPUN = str(ROOT / "spinfix" / "data" / "example_spun.txt")
EXAMPLE_CLEAN = str(ROOT / "spinfix" / "data" / "example_clean.txt")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Marks(html.parser.HTMLParser):
    """Collects the text and attributes of <mark class="suspect"> and <del>/<ins> elements."""

    def __init__(self):
        super().__init__()
        self.marks, self.changes, self._in, self.external = [], [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "mark":
            self._in = ("mark", attrs, [])
        elif tag in ("del", "ins"):
            self._in = (tag, attrs, [])
        if tag in ("link", "img", "script") and (attrs.get("src") or attrs.get("href")):
            self.external.append(attrs)

    def handle_data(self, data):
        if self._in:
            self._in[2].append(data)

    def handle_endtag(self, tag):
        if self._in and tag == self._in[0]:
            kind, attrs, text = self._in
            (self.marks if kind == "mark" else self.changes).append((kind, attrs, "".join(text)))
            self._in = None


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    documents = report_documents([EXAMPLE_SPUN, EXAMPLE_CLEAN], restore=True)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(documents))
    return path, documents


def test_report_marks_every_suspect_at_its_offsets(page):
    path, documents = page
    parser = _Marks()
    parser.feed(path.read_text())
    spun = next(d for d in documents if d.score.file == EXAMPLE_SPUN)
    suspects = [w for s in spun.score.flagged for w in s.suspects]
    assert suspects, "the spun example has suspects"
    marked = {(int(a["data-start"]), int(a["data-end"])): text for _, a, text in parser.marks if "data-start" in a}
    for w in suspects:
        assert marked[(w.start, w.end)] == spun.text[w.start:w.end] == w.word
    assert not parser.external, "the page loads nothing from elsewhere"
    changes = [c for c in spun.restoration.substitutions]
    assert len([c for c in parser.changes if c[0] == "del"]) >= len(changes)


def test_report_escapes_what_it_shows(tmp_path):
    hostile = tmp_path / "x.txt"
    hostile.write_text('The <script>alert("x")</script> soiled bomb was stated & shut.\n')
    text = render_report(report_documents([str(hostile)]))
    assert "<script>alert" not in text and "&lt;script&gt;" in text


def test_report_states_the_verdict_and_shows_only_what_a_restore_changed(page):
    path, documents = page
    text = path.read_text()
    assert "likely spun</strong> from a spin likelihood of <strong>0.5</strong>" in text  # the line, stated once
    for d in documents:
        assert d.score.verdict.line in text
        assert f'<span class="label {d.score.verdict.label.replace(" ", "-")}">{d.score.verdict.label}</span>' in text
        assert d.restoration.summary() in text
    clean = next(d for d in documents if d.score.file == EXAMPLE_CLEAN)
    assert not clean.restoration.substitutions
    for line in filter(None, clean.text.splitlines()):
        assert html.unescape(text).count(line.split(". ")[0]) == 1, line  # the text once: no restored copy of it


def test_a_restored_section_shows_each_change_in_its_context_only(tmp_path):
    spun = tmp_path / "spun.txt"
    spun.write_text("The soiled bomb was stated to be massive by the shut U.S. ally on Thursday. Officials alleged "
                    "the maximum harm was done to the lovers of the club.\n")
    documents = report_documents([str(spun)], restore=True)
    changes = documents[0].restoration.substitutions
    assert changes
    page = render_report(documents)
    parser = _Marks()
    parser.feed(page)
    assert [t for k, _, t in parser.changes if k == "del"] == ["spun"] + [c.spun for c in changes]  # the legend's first
    assert [t for k, _, t in parser.changes if k == "ins"] == ["restored"] + [c.original for c in changes]
    items = page.split('<ol class="changes">')[1].split("</ol>")[0].split("<li>")[1:]
    assert len(items) == len(changes)
    context = [re.sub(r'<span class="weighed">.*?</span>', "", item) for item in items]
    assert all(len(re.sub(r"<[^>]+>", "", item)) <= 2 * CONTEXT_CHARS + 40 for item in context)  # context, not the text
    for item, c in zip(items, changes):  # and what each change won against, where the judge weighed it
        assert all(f"{html.escape(o)} {d:+.1f}" in item for o, d in getattr(c, "originals", ()))
    assert page.count('data-role="scored"') == 1


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (CI installs Debian's chromium)")
def test_report_renders_in_headless_chromium(page, tmp_path):
    """At 1280 px a screenshot with colour in it, and in print (the page as PDF, where pdftotext
    is installed; else the page as the browser built it) every suspect's likelier original beside
    it, "former → old", and each verdict."""
    path, documents = page
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", path.as_uri()], capture_output=True, timeout=120)
    assert dom.returncode == 0, dom.stderr.decode()[-500:]
    parser = _Marks()
    parser.feed(dom.stdout.decode())
    spun = next(d for d in documents if d.score.file == EXAMPLE_SPUN)
    rendered = {(int(a["data-start"]), int(a["data-end"])): text for _, a, text in parser.marks if "data-start" in a}
    suspects = [w for s in spun.score.flagged for w in s.suspects]
    for w in suspects:
        assert rendered[(w.start, w.end)] == w.word
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1280,2000", path.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and _png_size(shot) == (1280, 2000)
    assert shot.stat().st_size > 60_000  # a page with text and colour in it, not a blank one
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        pdf = tmp_path / "report.pdf"
        subprocess.run([CHROMIUM, *flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri()],
                       capture_output=True, timeout=120)
        printed = " ".join(subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True,
                                          timeout=60).stdout.split())
    else:  # the page's text as the browser built it, tags dropped
        printed = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", dom.stdout.decode())).split())
    originals = [f"{w.word} → {w.original}" for w in suspects if w.original]
    assert originals and all(o in printed for o in originals), (originals, printed[:2000])
    assert all(d.score.verdict.label in printed for d in documents) and "0.5" in printed


def test_a_change_the_judge_weighed_shows_what_it_won_against():
    """Under a change, the originals the neural judge weighed there, and a word to check it first
    where another fits better (the default test judge, trigram, weighs none)."""
    from spinfix.reports.html import _changes
    from spinfix.restoration.results import Change, Restoration

    text = "The navy drive was sent. A shut ally."
    restoration = Restoration(text, [Change("navy", "line", 4, 8, 0.75, (("school", 10.7), ("line", 9.9))),
                                     Change("shut", "close", 27, 31, 0.86, (("close", 11.8),))], suspects=2)
    shown = _changes(restoration, text)
    assert [c["weighed"] for c in shown] == ["school +10.7, line +9.9 (check: school fits better)", "close +11.8"]
