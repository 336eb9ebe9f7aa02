"""Reference-free restoration: transfer to spinners it never saw, user dictionaries, references."""
import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import seed
from spinfix import SubstitutionDictionary, align, restore_with_reference
from spinfix.training.corpora import split_documents, training_documents
from spinfix.detection.detector import load_detector
from spinfix.dictionary.storage import default_dictionary
from spinfix.dictionary.substitutions import import_phrase_list
from spinfix.training.restoration_metrics import (clean_changes, correct_changes, reference_restore_accuracy, score_restoration)
from spinfix.training.restorer_trainer import SCENARIOS, labelled_candidates, user_dictionaries, wilson_lower
from spinfix.restoration.decisions import TrustingRestorer
from spinfix.restoration.knowledge import Knowledge
from spinfix.restoration.restorations import restore_without_reference as restore_with_dictionary
from spinfix.restoration.restorer import default_restorer
from spinfix.training.spinner_tables import shapes
from spinfix.text.thesaurus import default_thesaurus
from spinfix.training.labelling import names_in


@pytest.fixture(scope="module")
def detector():
    return load_detector()


@pytest.fixture(scope="module")
def held_out():
    """Held-out test documents to restore, and ten others as the user's own pairs."""
    test = split_documents(training_documents())["test"]
    return test[:8], test[-10:]


def _scenario(detector, held_out, k: int):
    docs, pairs = held_out
    spec = shapes("test")[0]  # a table shape that neither the prior nor the restorer saw
    names = names_in(docs + pairs)
    user = user_dictionaries(pairs, spec, 41, names)[k]
    knowledge = Knowledge([user, default_dictionary()], default_thesaurus())
    labelled = labelled_candidates(docs, spec, knowledge, detector, 5, names)
    restorer = default_restorer()
    clean = clean_changes(docs, knowledge, detector, restorer)
    return (score_restoration(labelled, restorer, clean, user),
            score_restoration(labelled, TrustingRestorer(), float("nan"), user))


def test_one_aligned_pair_restores_other_articles_of_an_unseen_spinner(detector, held_out):
    learned, naive = _scenario(detector, held_out, 1)
    shipped_only, _ = _scenario(detector, held_out, 0)
    assert learned.held_swaps > 20
    assert learned.precision >= 0.8 > 3 * naive.precision
    assert learned.recall_held_content >= 0.35 and learned.recall > shipped_only.recall
    assert learned.clean_changes_per_1000_words <= 1.0


def test_shipped_knowledge_alone_restores_some_of_an_unseen_spinner(detector, held_out):
    learned, _ = _scenario(detector, held_out, 0)
    assert learned.changes >= 10 and learned.precision >= 0.8 and learned.recall >= 0.05


def test_restorer_was_tuned_on_other_spinners_than_it_was_fit_on():
    info = default_restorer().info_
    assert all(s.name in info["trained_on"] for s in shapes("fit") + shapes("tune"))
    assert not any(s.name in info["trained_on"] for s in shapes("test"))


def test_threshold_rule_keeps_a_margin_that_shrinks_with_evidence():
    bounds = wilson_lower(np.array([9, 90, 900]), np.array([10, 100, 1000]))
    assert np.all(bounds < 0.9) and bounds[0] < bounds[1] < bounds[2] and bounds[2] > 0.88


@pytest.mark.parametrize("prefix", ["001", "002", "004"])
def test_clean_seed_text_keeps_its_words(detector, prefix):
    text = seed(prefix)
    result = restore_with_dictionary(text, None, detector)
    assert len(result.substitutions) <= max(1, len(text.split()) // 1000)


def test_seed_pair_dictionary_restores_the_seed(detector, spun_seed, source_seed):
    alignment = align(spun_seed, source_seed)
    dictionary = SubstitutionDictionary()
    dictionary.add_alignment(alignment)
    result = restore_with_dictionary(spun_seed, dictionary, detector)
    truth = [type("Swap", (), {"start": s.spun_start, "end": s.spun_end, "original": s.original})
             for s in alignment.phrase_pairs]
    correct = correct_changes(result.substitutions, truth)
    assert len(result.substitutions) >= 15, "pairs seen once in the user's own pair are enough to act on"
    assert correct / len(result.substitutions) >= 0.8
    for change in result.substitutions:
        assert spun_seed[change.start:change.end] == change.spun
        assert 0.0 <= change.confidence <= 1.0


@pytest.mark.parametrize("text", ["seed 000", "example"])
def test_every_default_restore_change_is_among_score_suspects(detector, spun_seed, text):
    """One opinion per word: what `spinfix restore` changes (no source, shipped defaults) is
    what `spinfix score` names, on the spun seed and on the shipped example."""
    from pathlib import Path

    text = spun_seed if text == "seed 000" else (Path(__file__).resolve().parents[1] / "spinfix" / "data" / "example_spun.txt").read_text()
    suspects = [w for s in detector.score_text(text).flagged for w in s.suspects]
    changes = restore_with_dictionary(text, None, detector).substitutions
    assert len(changes) >= (5 if text == spun_seed else 0)
    for change in changes:
        assert any(w.start < change.end and change.start < w.end for w in suspects), change


def test_imported_phrase_list_restores_tortured_phrases(detector):
    dictionary = import_phrase_list(
        "tortured phrase,expected phrase\ncounterfeit consciousness,artificial intelligence\n"
        "profound learning,deep learning\nirregular woodland,random forest\n", "tortured.csv")
    text = ("We trained a profound learning model and an irregular woodland classifier. "
            "Counterfeit consciousness is changing how we read the literature, and profound learning "
            "methods beat the irregular woodland baseline on every benchmark we tried this year.")
    result = restore_with_dictionary(text, dictionary, detector, TrustingRestorer())
    assert "deep learning model" in result.restored and "random forest classifier" in result.restored
    assert "Artificial intelligence is changing" in result.restored
    assert len(result.substitutions) == 5


def test_reference_restore_gives_back_heavily_spun_articles_with_their_furniture(held_out):
    docs, _ = held_out
    for spec in shapes("test"):
        result = reference_restore_accuracy(docs, spec, rate=0.8, seed=3)
        assert result["token_accuracy"] >= 0.995, result


def test_short_heavily_spun_lines_pair_with_their_source_line():
    source = ("Local council approves the riverside park plan\n"
              "The council voted on Tuesday to approve a plan to turn an old industrial site into a park.\n"
              "Fix or repair\n"
              "The park will include walking paths, a playground and a small boat launch near the bridge.\n"
              "Your email address will not be published.\n")
    spun = ("Local at home approves the riverside park plan\n"
            "The at home voted on Tuesday to approve a plan to turn an former industrial site into a park.\n"
            "Repair or restore\n"
            "The park will admit walking paths, a playground and a little boat launch near the bridge.\n"
            "Your e mail deal with is not going to be printed.\n")
    assert restore_with_reference(spun, source).restored == source
    added = "Readers should subscribe to our newsletter for more coverage today.\n"
    header = "Oct 26, 2022, 3:37 PM | Updated 4:05 PM\n"
    assert restore_with_reference(added + spun, header + source).restored.startswith(added)


def test_python_api_and_cli_restore_the_same(tmp_path, spun_seed):
    path = tmp_path / "spun.txt"
    path.write_text(spun_seed)
    cli = subprocess.run([sys.executable, "-m", "spinfix", "restore", str(path), "--json"],
                         capture_output=True, timeout=300)
    assert cli.returncode == 0, cli.stderr.decode()
    assert json.loads(cli.stdout) == restore_with_dictionary(spun_seed).to_dict()


def test_restore_works_block_by_block_with_the_same_changes(detector, held_out, monkeypatch):
    """A restore holds one block of sentences' candidates at a time; the block size changes
    nothing but memory. Only phrases some dictionary or the thesaurus knows are counted."""
    import spinfix.restoration.candidates as candidates
    from spinfix.restoration.knowledge import shipped_knowledge
    from spinfix.text.tokens import sentence_tokens, split_sentences
    from spinfix.training.restorer_trainer import spin

    docs, _ = held_out
    names = names_in(docs)
    spun = "\n\n".join(spin(d, shapes("test")[0], 5 + k, names)[0] for k, d in enumerate(docs[:4]))
    whole = restore_with_dictionary(spun, detector=detector)
    assert len(whole.substitutions) >= 10
    monkeypatch.setattr(candidates, "RESTORE_BLOCK", 3)
    assert restore_with_dictionary(spun, detector=detector).to_dict() == whole.to_dict()
    knowledge = shipped_knowledge()
    tokens = [sentence_tokens(s) for s in split_sentences(spun)]
    everything, counted = candidates.phrase_counts(tokens), candidates.phrase_counts(tokens, knowledge.is_phrase)
    assert len(counted) < len(everything)
    assert all(counted[p] == n for p, n in everything.items() if " " not in p or knowledge.is_phrase(p))


def test_restore_and_score_never_load_pocketsphinxs_own_copy_of_the_model():
    """Restoring and scoring read the language model's arrays alone: pocketsphinx's own copy
    (48 MB, about 0.1 s to load) serves training only."""
    code = ("import sys; from spinfix.judge.trigram import default_lm; "
            "from spinfix.restoration.restorations import restore_without_reference; "
            "from spinfix.detection.detector import load_detector; text = sys.stdin.read(); "
            "r = restore_without_reference(text); load_detector().score_text(text); "
            "print(len(r.substitutions), default_lm.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], input=seed("000"), capture_output=True, text=True, check=True)
    changes, loaded = map(int, out.stdout.split())
    assert changes > 0 and loaded == 0


def test_a_saved_restorer_loads_and_restores_alike(tmp_path, detector):
    """A restorer written as a model file reads back with the same decisions; other thresholds
    make another restorer and leave the shipped one as it was."""
    from spinfix.restoration.restorer import load_restorer

    shipped = default_restorer()
    shipped.save(tmp_path / "copy")
    text = seed("000")
    restored = [restore_with_dictionary(text, None, detector, r).to_dict()
                for r in (load_restorer(str(tmp_path / "copy")), shipped)]
    assert restored[0] == restored[1] and restored[0]["substitutions"]
    strict = shipped.with_thresholds(0.99, 0.99)
    assert strict.threshold == 0.99 and default_restorer().threshold < 0.99
    assert len(restore_with_dictionary(text, None, detector, strict).substitutions) < len(restored[0]["substitutions"])


def test_a_block_table_decides_as_its_candidates_one_by_one(detector, held_out):
    """A restore scores each block's candidates as one table (restoring.CandidateTable); made
    into candidate objects and grouped again, the same rows give the same decisions, with the
    restorer and with a trusted list alike, and the table's columns say what they are named for."""
    from spinfix.restoration.candidates import candidate_blocks
    from spinfix.restoration.rows import CANDIDATE_ROW
    from spinfix.training.restorer_trainer import spin

    docs, pairs = held_out
    names = names_in(docs + pairs)
    spun = spin(docs[2], shapes("test")[1], 9, names)[0]
    user = user_dictionaries(pairs, shapes("test")[1], 41, names)[max(SCENARIOS)]
    knowledge = Knowledge([user, default_dictionary()], default_thesaurus())
    tables = list(candidate_blocks(spun, knowledge, detector))
    groups = [g for t in tables for g in t.groups()]
    assert len(groups) >= 50 and any(c.listed for g in groups for c in g)
    for decider in (default_restorer(), TrustingRestorer()):
        by_table = [d for t in tables for d in decider.decide(t)]
        assert by_table == decider.decide(groups) and by_table
    col = {name: k for k, name in enumerate(CANDIDATE_ROW)}
    for g in groups:
        rows = np.array([c.row for c in g])
        gains = rows[:, col["gain"]]
        assert (rows[:, col["option_rank"]] == np.arange(len(g))).all() and (rows[:, col["n_options"]] == len(g)).all()
        assert np.allclose(rows[:, col["gain_to_best"]], gains - gains.max())
        assert np.isclose(rows[:, col["posterior"]].sum(), 1.0)
        assert np.isclose(rows[:, col["posterior_with_keep"]].sum() + rows[0, col["keep_posterior"]], 1.0)
        assert len({(c.start, c.end) for c in g}) == 1 and len({c.original for c in g}) == len(g)


def test_a_dictionary_is_indexed_once_until_it_changes():
    """Restoring many texts with one dictionary indexes it once (knowledge_for keeps it by
    content); a pair added since is indexed, and proposed, at the next restore."""
    from spinfix.restoration.knowledge import INDEXED_DICTIONARIES, knowledge_for

    user = SubstitutionDictionary()
    user.add_pairs([("soiled", "dirty")], "doc-1")
    first = knowledge_for(user)
    assert knowledge_for(user) is first and knowledge_for(user, only_dictionary=True) is not first
    same = SubstitutionDictionary()
    same.add_pairs([("soiled", "dirty")], "doc-1")
    assert knowledge_for(same) is first  # the same content, another object
    user.add_pairs([("shut", "close")], "doc-2")
    changed = knowledge_for(user)
    assert changed is not first and "close" in [o.original for o in changed.options("shut")]
    assert "close" not in [o.original for o in first.options("shut") if o.observed]
    for k in range(INDEXED_DICTIONARIES + 1):  # only the last few are kept
        other = SubstitutionDictionary()
        other.add_pairs([("shut", f"close{k}")], "doc-3")
        knowledge_for(other)
    assert knowledge_for(same) is not first


def test_the_thesaurus_proposes_the_heads_that_list_a_word_first_best_rank_first():
    """One step back from a spun word: the heads that list it among their first synonyms
    (what a spinner's table turns into it), the best-ranked first, then its own neighbours."""
    from spinfix.text.thesaurus import Thesaurus

    thesaurus = Thesaurus({"dirty": ["filthy", "soiled"], "grimy": ["soiled"], "muddy": ["a", "b", "c", "d", "soiled"],
                           "soiled": ["stained"]})
    options = Knowledge([], thesaurus).options("soiled")
    assert [o.original for o in options][:3] == ["grimy", "dirty", "stained"]
    assert [(o.step, o.forward_rank) for o in options][:2] == [(1, 0), (1, 1)]
    assert options[3].original == "muddy"  # lists it fifth: not a head, only one of its neighbours
