"""Run the spinfix CLI in-process over the 200 proof documents and write every output under
OUT: score (--json, plain, --summary), restore without a reference (--json), restore
--reference (both directions), align --json (both directions), score/restore with user
dictionaries and a curated list, index + find-source, a small screen, report HTML.
Usage: PYTHONPATH=TREE python3 run_outputs.py OUT   (documents and work files under $SPINFIX_PROOF)."""
import contextlib, io, os, shutil, sys
from pathlib import Path
os.environ.setdefault("OMP_NUM_THREADS", "1")
from spinfix.cli import main
PROOF = os.environ.get("SPINFIX_PROOF", "/tmp/house/proof")  # the documents and outputs; BASE: a checkout of b2cb2e4
BASE = os.environ.get("SPINFIX_BASE", "/tmp/house/base")


OUT = Path(sys.argv[1]); OUT.mkdir(parents=True, exist_ok=True)
os.chdir(PROOF)
docs = sorted(str(p) for p in Path("docs").glob("*.txt"))
pairs = [(f"docs/{k:03d}.spun.txt", f"docs/{k:03d}.clean.txt") for k in range(100)]

def run(name, *argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(list(argv))
    (OUT / name).parent.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_text(f"exit {code}\n" + out.getvalue(), encoding="utf-8")
    if code not in (0, 1):
        print(name, code, err.getvalue()[:300], file=sys.stderr)

run("score.jsonl", "score", "--json", "--jobs", "1", *docs)
run("score.txt", "score", "--jobs", "1", *docs)
run("score.summary.tsv", "score", "--summary", "--jobs", "1", *docs)
run("score.t07.jsonl", "score", "--json", "--jobs", "1", "--threshold", "0.7", *docs[:40])
for d in docs:
    run(f"restore/{Path(d).stem}.json", "restore", "--json", d)
for spun, clean in pairs:
    k = Path(spun).stem[:3]
    run(f"restore-ref/{k}.spun.json", "restore", "--json", spun, "--reference", clean)
    run(f"restore-ref/{k}.clean.json", "restore", "--json", clean, "--reference", spun)
    run(f"align/{k}.spun.json", "align", "--json", spun, clean)
    run(f"align/{k}.clean.json", "align", "--json", clean, spun)
    run(f"align/{k}.spun.txt", "align", spun, clean)
work = Path(PROOF + "/work"); shutil.rmtree(work, ignore_errors=True); work.mkdir()
for spun, clean in pairs[:6]:
    run("dict/align-grow.txt", "align", spun, clean, "--dictionary", str(work / "mine.tsv"))
shutil.copy(work / "mine.tsv", OUT / "dict" / "mine.tsv")
(work / "tortured.csv").write_text("tortured phrase,expected phrase\nstated,said\nsoiled bomb,dirty bomb\n"
                                   "month-to-month briefing,monthly briefing\nirregular backwoods,random forest\n")
run("dict/import.txt", "dict", "import", str(work / "tortured.csv"), "-o", str(work / "list.tsv"))
shutil.copy(work / "list.tsv", OUT / "dict" / "list.tsv")
run("dict/show.json", "dict", "show", "--json", str(work / "mine.tsv"))
run("dict/show.txt", "dict", "show", str(work / "mine.tsv"))
run("score.phrases.jsonl", "score", "--json", "--jobs", "1", "--dictionary", str(work / "list.tsv"), *docs[:40])
for d in docs[:30]:
    run(f"restore-mine/{Path(d).stem}.json", "restore", "--json", d, "--dictionary", str(work / "mine.tsv"))
    run(f"restore-only/{Path(d).stem}.json", "restore", "--json", d, "--dictionary", str(work / "mine.tsv"), "--only-dictionary")
    run(f"restore-trust/{Path(d).stem}.json", "restore", "--json", d, "--dictionary", str(work / "list.tsv"), "--trust")
clean_dir = work / "sources"; clean_dir.mkdir()
for k in range(0, 100, 2):
    shutil.copy(f"docs/{k:03d}.clean.txt", clean_dir)
run("index.txt", "index", str(clean_dir), "-o", str(work / "sources.index"))
run("find-source.jsonl", "find-source", "--json", "--top", "3", "--index", str(work / "sources.index"),
    "--restore", str(work / "found"), *docs)
run("find-source.txt", "find-source", "--index", str(work / "sources.index"), *docs[:50])
for p in sorted((work / "found").iterdir()):
    (OUT / "found").mkdir(exist_ok=True); shutil.copy(p, OUT / "found" / p.name)
corpus = work / "corpus"; corpus.mkdir()
for k in range(24):
    shutil.copy(f"docs/{k:03d}.spun.txt", corpus)
for k in range(24, 36):
    shutil.copy(f"docs/{k:03d}.clean.txt", corpus)
for k in range(12, 18):  # a copy and its source both inside
    shutil.copy(f"docs/{k:03d}.clean.txt", corpus)
run("screen.json", "screen", "--json", "--workers", "1", str(corpus), "-o", str(work / "screen"),
    "--sources", str(work / "sources.index"))
shutil.copytree(work / "screen", OUT / "screen")
run("report.txt", "report", "-o", str(OUT / "report.html"), *docs[:6])
run("report-restore.txt", "report", "--restore", "--dictionary", str(work / "mine.tsv"), "-o", str(OUT / "report-restore.html"), *docs[:4])
run("report-ref.txt", "report", "--reference", pairs[3][1], "-o", str(OUT / "report-ref.html"), pairs[3][0])
print("done", len(list(OUT.rglob("*"))), "files")
