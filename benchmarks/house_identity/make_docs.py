"""Make the 200 proof documents with today's (b2cb2e4) synthetic spinner: 99 clean held-out
documents of several sources, each spun by one table shape or the whole thesaurus, plus the
shipped example pair. Run with PYTHONPATH=$SPINFIX_BASE (a checkout of b2cb2e4 whose spinfix/models and spinfix/data link to its models/ and data/)."""
import os
import random, shutil
from pathlib import Path
from spinfix.corpora import split_documents, training_documents, source_documents
from spinfix.spinner_tables import build_table, SHAPES
from spinfix.spinning import Spinner
from spinfix.labelling import names_in
PROOF = os.environ.get("SPINFIX_PROOF", "/tmp/house/proof")  # the documents and outputs; BASE: a checkout of b2cb2e4
BASE = os.environ.get("SPINFIX_BASE", "/tmp/house/base")


out = Path(PROOF + "/docs"); out.mkdir(parents=True, exist_ok=True)
test = split_documents(training_documents())["test"]
ood = source_documents("ood")
docs = test[::max(1, len(test) // 60)][:60]
for name, ds in ood.items():
    docs += ds[::max(1, len(ds) // 10)][:10]
docs = docs[:99]
names = names_in(docs)
rng = random.Random(29)
for k, doc in enumerate(docs):
    table = None if k % 9 == 0 else build_table(SHAPES[k % len(SHAPES)])
    rate = rng.choice([0.05, 0.1, 0.25, 0.4, 0.8])
    spun = Spinner(rate, seed=k, names=names, thesaurus=table).spin_document(doc.text)[0]
    (out / f"{k:03d}.clean.txt").write_text(doc.text, encoding="utf-8")
    (out / f"{k:03d}.spun.txt").write_text(spun, encoding="utf-8")
root = Path(BASE) / "data"
shutil.copy(root / "example_clean.txt", out / "099.clean.txt")
shutil.copy(root / "example_spun.txt", out / "099.spun.txt")
print(len(list(out.glob("*.txt"))), "documents;", sum(1 for d in docs), "from", sorted({d.name.split('/')[0] for d in docs}))
