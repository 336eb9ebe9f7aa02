"""Tests of the evaluation spinner: ``python -m pytest evaluation/spinners -q``."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_gcide  # noqa: E402
import build_roget  # noqa: E402
import spin_inflect  # noqa: E402
from spinner import families, load_table, spin  # noqa: E402

REPO = HERE.parent.parent
CLEAN = (REPO / "data" / "example_clean.txt").read_text(encoding="utf-8")
PASSAGES = [p.strip() + "\n" for p in
            (HERE / "clean_passages.txt").read_text(encoding="utf-8").split("\n---\n")]


@pytest.fixture(scope="module")
def handwritten():
    return load_table("handwritten")


def restore(spun: str, swaps: list[dict]) -> str:
    """The input again, from the spun text and its swaps (spans replaced right to left)."""
    for swap in sorted(swaps, key=lambda s: s["start"], reverse=True):
        spun = spun[: swap["start"]] + swap["original"] + spun[swap["end"]:]
    return spun


def check_spans(text: str, spun: str, swaps: list[dict]) -> None:
    previous_end = -1
    for swap in swaps:
        assert spun[swap["start"]: swap["end"]] == swap["spun"]
        assert text[swap["orig_start"]: swap["orig_end"]] == swap["original"]
        assert swap["start"] >= previous_end, "swaps overlap or are out of order"
        assert swap["spun"] != swap["original"]
        previous_end = swap["end"]
    assert restore(spun, swaps) == text  # the spun text differs only inside the spans


def test_handwritten_table_shape(handwritten):
    assert len(handwritten) >= 1500
    assert all(h == h.lower() for h in handwritten)
    assert all(alts for alts in handwritten.values())
    multi = sum(1 for h, alts in handwritten.items() if " " in h or any(" " in a for a in alts))
    assert multi / len(handwritten) > 0.2
    for head, alt in [("monthly", "month-to-month"), ("according to", "in accordance with"),
                      ("refer to", "seek advice from"), ("recently", "just lately"),
                      ("said", "stated"), ("becoming", "turning into"), ("dirty", "soiled"),
                      ("military", "navy"), ("policy", "coverage"), ("countries", "international locations"),
                      ("email address", "e mail deal with"),
                      ("will not be published", "is not going to be printed")]:
        assert alt in handwritten[head], (head, alt)


def test_families_listed():
    fams = families()
    assert {"handwritten", "gcide", "roget"} <= set(fams)
    assert fams["handwritten"].exists()


@pytest.mark.parametrize("rate", [0.1, 0.4, 0.8, 1.0])
@pytest.mark.parametrize("index", range(len(PASSAGES) + 1))
def test_spans_account_for_every_change(handwritten, rate, index):
    text = CLEAN if index == len(PASSAGES) else PASSAGES[index]
    spun, swaps = spin(text, handwritten, rate, seed=index)
    check_spans(text, spun, swaps)
    if rate >= 0.4:
        assert swaps and spun != text


def test_rate_zero_changes_nothing(handwritten):
    spun, swaps = spin(CLEAN, handwritten, 0.0, seed=3)
    assert spun == CLEAN and swaps == []


def test_deterministic_by_seed(handwritten):
    first = spin(CLEAN, handwritten, 0.5, seed=7)
    assert spin(CLEAN, handwritten, 0.5, seed=7) == first
    others = {spin(CLEAN, handwritten, 0.5, seed=s)[0] for s in range(8, 12)}
    assert len(others | {first[0]}) > 1


def test_rate_sets_how_much_is_spun(handwritten):
    def changed(rate):
        return sum(len(spin(t, handwritten, rate, seed=1)[1]) for t in PASSAGES)
    assert changed(0.1) < changed(0.4) < changed(0.9)


def test_names_numbers_urls_code_untouched():
    table = {"ruiz": ["ruse"], "ana": ["anna"], "million": ["mln"], "said": ["stated"], "two": ["deuce"],
             "council": ["board"], "help": ["assist"], "park": ["garden"], "example": ["instance"]}
    text = ("Council member Ana Ruiz said the park will cost $12 million in 2025. "
            "Ruiz said 3,400 people had signed in two days. Write to help@example.com or see "
            "https://example.com/park/said?help=1 and run `help --said` now.\n")
    spun, swaps = spin(text, table, 1.0, seed=1, artifacts=False)
    check_spans(text, spun, swaps)
    assert "Ana Ruiz" in spun and "Ruiz stated" in spun  # a name at a sentence start too
    for kept in ("$12", "2025", "3,400", "help@example.com",
                 "https://example.com/park/said?help=1", "`help --said`"):
        assert kept in spun
    assert spun.startswith("Board member")
    assert "two days" in spun
    assert {s["original"] for s in swaps} == {"Council", "said", "park"}


def test_case_carried_over():
    table = {"said": ["stated"], "recently": ["just lately"], "city council": ["metropolis authorities"],
             "approves": ["approves of"], "plan": ["scheme"], "warning": ["alert"]}
    text = "Recently, officials said so.\nCITY COUNCIL WARNING\n\nCity Council Approves Plan\n\nSaid plan is new.\n"
    spun, swaps = spin(text, table, 1.0, seed=1, artifacts=False)
    check_spans(text, spun, swaps)
    assert spun.startswith("Just lately, officials stated so.")
    assert "METROPOLIS AUTHORITIES ALERT" in spun
    assert "Metropolis Authorities Approves of Scheme" in spun
    assert "Stated scheme is new." in spun


def test_longest_phrase_first():
    table = {"according": ["as per"], "according to": ["in accordance with"], "to": ["towards"]}
    spun, swaps = spin("Costs rose, according to the report.", table, 1.0, seed=1, artifacts=False)
    assert spun == "Costs rose, in accordance with the report."
    assert [s["original"] for s in swaps] == ["according to"]


def test_phrase_never_crosses_punctuation_or_names():
    table = {"said to": ["told"], "new york": ["fresh york"]}
    text = "He said, to be fair, that New York is big.\n"
    spun, swaps = spin(text, table, 1.0, seed=1, artifacts=False)
    assert spun == text and swaps == []


def test_hyphenated_and_contracted_words():
    table = {"month-to-month": ["monthly"], "don't": ["do not"], "mayor": ["city manager"]}
    text = "A month-to-month fee, the mayor's office said. We don't know.\n"
    spun, swaps = spin(text, table, 1.0, seed=1, artifacts=False)
    check_spans(text, spun, swaps)
    assert spun == "A monthly fee, the city manager's office said. We do not know.\n"


def test_artifacts_appear_and_stay_inside_spans(handwritten):
    kinds = set()
    for seed in range(30):
        for text in PASSAGES + [CLEAN]:
            spun, swaps = spin(text, handwritten, 0.8, seed=seed)
            check_spans(text, spun, swaps)
            kinds |= {s["kind"] for s in swaps}
    assert {"table", "hyphen", "morph", "spelling"} <= kinds
    spun, swaps = spin(CLEAN, handwritten, 0.8, seed=1, artifacts=False)
    assert {s["kind"] for s in swaps} == {"table"}


def test_artifact_forms():
    from spinner import _hyphen_variant, _morph_variant, _spelling_variant
    assert _morph_variant("privacy") == "privateness"
    assert _spelling_variant("inquiry") == "enquiry"
    assert _spelling_variant("organized") == "organised"
    assert _hyphen_variant("month to month", "monthly") == "month-to-month"
    assert _hyphen_variant("e mail", "email") == "e-mail"
    assert _hyphen_variant("reconsider", "rethink", {"consider": ["think"]}) == "re-consider"


def test_load_table_from_path(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("# comment\nSaid\tstated|Said|mentioned\nsaid\tstated|declared\nempty\tempty\n")
    assert load_table(path) == {"said": ["stated", "mentioned", "declared"]}


def test_cli_json(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(PASSAGES[0])
    out = subprocess.run([sys.executable, str(HERE / "spinner.py"), "--family", "handwritten",
                          "--rate", "0.5", "--seed", "4", "--json", str(src)],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    check_spans(PASSAGES[0], data["text"], data["swaps"])
    plain = subprocess.run([sys.executable, str(HERE / "spinner.py"), "--family", "handwritten",
                            "--rate", "0.5", "--seed", "4", str(src)],
                           capture_output=True, text=True, check=True)
    assert plain.stdout == data["text"]


def test_engine_never_imports_spinfix():
    code = ("import sys; sys.path.insert(0, %r); import spinner; "
            "print(any(m == 'spinfix' or m.startswith('spinfix.') for m in sys.modules))" % str(HERE))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_inflection_rules():
    forms = spin_inflect.forms
    assert forms("stop", "v") == {"base": "stop", "3sg": "stops", "past": "stopped",
                                  "pp": "stopped", "ing": "stopping"}
    assert forms("refer to", "v")["past"] == "referred to"
    assert forms("write", "v")["pp"] == "written"
    assert forms("try", "v")["3sg"] == "tries"
    assert forms("country", "n")["pl"] == "countries"
    assert forms("bond of union", "n")["pl"] == "bonds of union"
    assert "pl" not in forms("troops", "n")
    pairs = spin_inflect.inflect_pairs("say", ["state", "speak"], "v")
    assert pairs["said"] == ["stated", "spoke"] and pairs["saying"] == ["stating", "speaking"]


def test_gcide_syn_paragraph_parsing():
    assert build_gcide.synonyms(
        "assert", "Syn. -- To affirm; aver; set forth. See Declare.", "v") == [
        "affirm", "aver", "set forth", "declare"]
    text = ("Syn. -- Anxiety; solicitude; concern. -- Care, Anxiety, Worry. These words "
            "express mental pain.")
    assert build_gcide.synonyms("care", text, "n") == ["anxiety", "solicitude", "concern", "worry"]


def test_roget_group_parsing():
    text = ("9. Relation -- N. relation, bearing, reference; analogy &c 17; affinity,\n"
            "homology, ens [Lat.].\n     link, tie, bond of union.\n"
            "V. relate to, refer to; bear upon, regard, concern.\n"
            "Phr. thereby hangs a tale [Taming of the Shrew].\n\n"
            "10. Irrelation -- N. irrelation, dissociation.\n")
    found = list(build_roget.groups(text))
    assert ("n", ["relation", "bearing", "reference"]) in found
    assert ("n", ["affinity", "homology"]) in found
    assert ("n", ["link", "tie", "bond of union"]) in found
    assert ("v", ["relate to", "refer to"]) in found
    assert ("n", ["irrelation", "dissociation"]) in found
    assert not any("tale" in " ".join(words) for _pos, words in found)


@pytest.mark.parametrize("name", ["gcide", "roget"])
def test_built_families_when_available(name):
    """Builds (or reads the cached) table; skipped where the package cannot be fetched."""
    try:
        table = load_table(name)
    except Exception as error:  # no registry access: the family cannot be built here
        pytest.skip(f"{name} could not be built: {error}")
    assert len(table) > 10000
    assert all(len(h) > 1 for h in table)
    spun, swaps = spin(PASSAGES[1], table, 0.8, seed=2)
    check_spans(PASSAGES[1], spun, swaps)
    assert swaps
