"""The HTML report: self-contained, highlights at the right offsets, rendered by a real browser."""
from __future__ import annotations

import html.parser
import shutil
import subprocess
from pathlib import Path

import pytest

from spinfix.reports.html import render_report, report_documents

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


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (CI installs Debian's chromium)")
def test_report_renders_in_headless_chromium(page, tmp_path):
    path, documents = page
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", path.as_uri()], capture_output=True, timeout=120)
    assert dom.returncode == 0, dom.stderr.decode()[-500:]
    parser = _Marks()
    parser.feed(dom.stdout.decode())
    spun = next(d for d in documents if d.score.file == EXAMPLE_SPUN)
    rendered = {(int(a["data-start"]), int(a["data-end"])): text for _, a, text in parser.marks if "data-start" in a}
    for w in (w for s in spun.score.flagged for w in s.suspects):
        assert rendered[(w.start, w.end)] == w.word
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1200,1600", path.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000  # a page with colour in it, not a blank one
