"""Compare the proof outputs of b2cb2e4 (before) and the refactor (after): every file byte for
byte, after replacing the old model signature's `model:NAME+SHA|format:3` with the new one's;
the screen's intermediate pickles against their array/JSON pairs by content."""
import os
import json, re, sys
from pathlib import Path

PROOF = os.environ.get("SPINFIX_PROOF", "/tmp/house/proof")  # the documents and outputs; BASE: a checkout of b2cb2e4
BASE = os.environ.get("SPINFIX_BASE", "/tmp/house/base")

before, after = Path(sys.argv[1]), Path(sys.argv[2])
SIG = re.compile(r"model:([^|\"]+)\+([0-9a-f]{12})\|format:(\d)")
def normalize(text):
    return SIG.sub(lambda m: f"model:{m.group(1)}+SHA|format:F", text)
same = changed = 0
differ, sig_only, missing = [], [], []
for b in sorted(p for p in before.rglob("*") if p.is_file()):
    rel = b.relative_to(before)
    a = after / rel
    if rel.suffix in (".pkl", ".index") or rel.name == "corpus.index":
        continue  # compared below
    if not a.exists():
        missing.append(str(rel)); continue
    bt, at = b.read_bytes(), a.read_bytes()
    if bt == at:
        same += 1
    elif normalize(bt.decode()) == normalize(at.decode()):
        sig_only.append(str(rel))
    else:
        differ.append(str(rel))
print(f"{same} files byte-identical; {len(sig_only)} identical but for the model signature: {sig_only}")
print(f"differ: {differ}; missing after: {missing}")
# screen intermediates: pickles (before) against arrays + JSON (after)
sys.path.insert(0, BASE)
import joblib, numpy as np

sb, sa = before / "screen", after / "screen"
ok = True
for pkl in sorted((sb / "scores").glob("*.pkl")):
    old = joblib.load(pkl)
    record = json.loads((sa / "scores" / (pkl.stem + ".json")).read_text())
    with np.load(sa / "scores" / (pkl.stem + ".npz"), allow_pickle=False) as z:
        bounds, hashes = z["bounds"], z["hashes"]
    new_hashes = [hashes[bounds[k]:bounds[k + 1]] for k in range(len(bounds) - 1)]
    scores_same = [normalize(json.dumps(o)) == normalize(json.dumps(n)) for o, n in zip(old["scores"], record["scores"])]
    ok &= all(scores_same) and len(old["hashes"]) == len(new_hashes) and all(np.array_equal(x, y) for x, y in zip(old["hashes"], new_hashes))
old_l = joblib.load(sb / "likelihood.pkl"); new_l = json.loads((sa / "likelihood.json").read_text())
ok &= old_l == new_l
print("screen scores, shingle hashes and likelihoods equal:", ok)
mb, ma = json.loads((sb / "manifest.json").read_text()), json.loads((sa / "manifest.json").read_text())
print("manifest keys that differ:", sorted(k for k in mb if mb[k] != ma.get(k)))
