"""The neural detector and the judged restore: the README's own examples, clean text, the model
file, the cascade and the reasons a restore gives."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from spinfix.errors import SpinfixError

pytest.importorskip("gguf", reason="the neural judge's packages are not installed (setup.sh installs them)")

from spinfix.detection.judged import SPAN_ROW  # noqa: E402
from spinfix.detection.originals import Originals  # noqa: E402
from spinfix.dictionary.storage import default_dictionary  # noqa: E402
from spinfix.dictionary.substitutions import SubstitutionDictionary  # noqa: E402
from spinfix.detection.loading import load_scorer  # noqa: E402
from spinfix.detection.neural_detector import (NeuralDetector, load_neural_detector,  # noqa: E402
                                               shipped_originals, swap_share, without_comparisons)
from spinfix.text.language import address_spans  # noqa: E402
from spinfix.text.thesaurus import default_thesaurus  # noqa: E402
from spinfix.text.tokens import split_sentences  # noqa: E402
from spinfix.restoration.judged import restore_judged  # noqa: E402

# The README's examples, in sentences written for these tests.
SPUN = ("Police in the capital said on Monday they had found a soiled bomb in a parked van near the station.\n\n"
        "The minister met a shut U.S. ally at the month-to-month briefing on regional security.")
SCIENCE = "We compare gradient boosting with an irregular backwoods classifier on the credit data."
PARAGRAPH = ("We trained the model on three public datasets and report the mean over five runs. Results on the "
             "held-out split are close to those on validation, which suggests little overfitting.")
# clean but for SPUN's second sentence ("shut", "month-to-month")
LONGER = ("The library reads each file once and keeps only the counts it needs. Large archives are therefore "
          "screened in a single pass, with memory that does not grow with the input. Each document gets a score, "
          "and the report lists the sentences that carry it.\n\n"
          + PARAGRAPH + " The code and the data splits are published with the paper.\n\n"
          "The committee met on Thursday to review the budget for the coming year. Members agreed to delay a vote "
          "on the new library until the spring, citing rising construction costs. " + SPUN.split("\n\n")[1] + "\n\n"
          "Rain is expected across the region through the weekend, with heavier showers near the coast. "
          "Forecasters said temperatures would stay below the seasonal average until Tuesday.\n\n")
EXAMPLES = Path(__file__).resolve().parents[1] / "spinfix" / "data"


@pytest.fixture(scope="module")
def detector() -> NeuralDetector:
    return load_neural_detector()


def _named(score) -> dict[str, str | None]:
    return {w.word.lower(): w.original for s in score.flagged for w in s.suspects}


EXPECTED = {("soiled", "dirty"), ("shut", "close"), ("month-to-month", "monthly"), ("irregular", "random"),
            ("backwoods", "forest")}


def test_the_readme_examples_are_flagged(detector):
    score = detector.score_text(SPUN)
    assert score.spin_likelihood >= 0.5
    assert set(_named(score).items()) & EXPECTED, _named(score)


def test_a_restore_without_a_source_puts_back_no_wrong_word(detector):
    """Where the judge cannot tell the original from another neighbour, the word is left alone
    with that reason; whatever is put back is the original."""
    for text in (SPUN, SCIENCE):
        result = restore_judged(text, detector)
        assert result.suspects >= 1
        assert all((c.spun.lower(), c.original.lower()) in EXPECTED for c in result.substitutions), result.substitutions
        assert all(w.reason for w in result.left_alone)


def test_a_restore_without_a_source_puts_back_what_the_score_names(detector):
    """The README's swaps come back without a source, each as the original the score named."""
    named = _named(detector.score_text(SPUN))
    result = restore_judged(SPUN, detector)
    assert {c.spun.lower() for c in result.substitutions} & {w for w, _ in EXPECTED}, result.left_alone
    assert all(named.get(c.spun.lower(), c.original) == c.original for c in result.substitutions)


def test_the_original_the_context_expects_by_far_is_put_back(detector):
    """"keeps mark of": the judge's "track" beats the direct synonyms by far, so it is put
    back; with the direct ones always first, the two counted as tied and nothing changed."""
    from spinfix.restoration.judged import TIED, Rule

    text = "The tool keeps mark of every change you make to the file."
    result = restore_judged(text, detector)
    assert [(c.spun, c.original) for c in result.substitutions] == [("mark", "track")]
    before = restore_judged(text, detector, rule=Rule(lead=np.inf))
    assert not before.substitutions and [w.reason for w in before.left_alone] == [TIED]
    shown = before.left_alone[0].to_dict()["originals"]  # which originals tied, with their nats
    assert shown[0]["original"] == "track" and len(shown) >= 2 and shown[0]["nats"] > shown[1]["nats"]
    assert restore_judged(text.replace("mark", "track"), detector).restored == text.replace("mark", "track")


def test_a_tortured_phrase_is_flagged_on_the_phrase(detector):
    assert any(w.word.lower() in ("irregular", "backwoods") for s in detector.score_text(SCIENCE).flagged
               for w in s.suspects)


def test_a_hyphenated_compound_no_thesaurus_lists_gets_its_word_as_an_original():
    originals = shipped_originals()
    for spun, original in (("month-to-month", "monthly"), ("day-to-day", "daily"), ("e-mail", "email")):
        assert original in [p.original for p in originals.propose(spun)], spun


def test_a_word_a_hyphen_splits_is_weighed_against_its_own_originals(detector):
    """A spinner that swaps "said" for "remarked" and then splits it ("re-marked") leaves a word
    whose join is only one candidate: the join's own originals are proposed too, so a restore
    no longer writes the join as though it were the original. Without them, it did."""
    originals = shipped_originals()
    proposed = [p.original for p in originals.propose("re-marked")]
    assert proposed[0] == "remarked" and {"commented", "noted", "observed"} <= set(proposed)
    assert [p.original for p in originals.propose("month-to-month")] == ["monthly"]
    text = "The minister re-marked that the talks had gone well and that a deal would follow soon."
    result = restore_judged(text, detector)
    assert "remarked" not in result.restored
    assert any(w.word == "re-marked" and len(w.originals) >= 2 for w in result.left_alone), result.left_alone


def test_an_inflected_word_the_thesaurus_lacks_is_weighed_against_its_stems_originals(detector):
    """A spinner's rarer synonyms come inflected ("chieftains", "destitutions") where the
    thesaurus holds only the stem: the stem's originals, inflected the same way and known to the
    thesaurus, are proposed and compared, and the judge puts the right one first. Before, such a
    word had no original at all."""
    originals = shipped_originals()
    assert {"heads", "leaders"} <= {p.original for p in originals.propose("chieftains")}
    assert {"instigated", "moved"} <= {p.original for p in originals.propose("incited")}
    assert originals.propose("malignancy") == []  # no stem the thesaurus knows: still nothing
    text = "Many families were left with few destitutions met after the factory closed."
    spans = detector.reader().read(text, split_sentences(text), select=lambda rows: np.ones(len(rows), bool))
    span = next(s for s in spans if s.text == "destitutions")
    assert span.best[0] == "needs" and span.best[1] > 5, span.related
    # a guessed form is named, never written back: the same span with the forms taken as known is
    from dataclasses import replace
    from spinfix.restoration.judged import INFLECTED, Rule
    assert Rule().decide(span, 0.9) == (None, INFLECTED)
    known = replace(span, proposals=[replace(q, inflected=False) for q in span.proposals])
    assert Rule().decide(known, 0.9)[0] == "needs"


def test_a_derived_form_no_lexicon_knows_is_weighed_against_known_words_of_its_stem(detector):
    """Spinners invent forms no dictionary has ("curiousness", "consequentness"): the known words
    of the same kind that share the stem, and their originals, are proposed, and the judge puts
    the real word first ("sequence", "privacy"). Before, such a word had no original at all."""
    originals = shipped_originals()
    assert "curiosity" in {p.original for p in originals.propose("curiousness")}
    assert "security" in {p.original for p in originals.propose("secureness")}
    assert originals.propose("diffraction") == []  # a real word with no known kin: still nothing
    # a real word the thesaurus lacks, and typos, are not taken for derivations
    assert originals.propose("quadratic") == originals.propose("independance") == originals.propose("capabable") == []
    for text, word, real in [("Researchers published the full sequentness of the virus genome.", "sequentness", "sequence"),
                             ("Users worry about the privateness of their messages.", "privateness", "privacy")]:
        spans = detector.reader().read(text, split_sentences(text), select=lambda rows: np.ones(len(rows), bool))
        span = next(s for s in spans if s.text == word)
        assert span.best[0] == real and span.best[1] > 5, span.related


def test_a_british_spelling_is_weighed_against_its_us_forms_originals():
    """The thesaurus spells the US way, so a spinner's "utilise" (for "use") had no original: it
    now has those of "utilize"; the US form itself is never proposed for a British spelling."""
    originals = shipped_originals()
    assert "use" in {p.original for p in originals.propose("utilise")}
    assert "support" in {p.original for p in originals.propose("patronise")}
    assert "utilize" not in {p.original for p in originals.propose("utilise")}


def test_the_synonyms_are_compared_beside_what_the_judge_expects(detector):
    """The judge expects "police" or "report" after "The"; a spinner's "shut" stands for "close",
    which must be among the originals compared, with the row's direct column saying how it fared."""
    text = "The shut U.S. ally has sent a navy drive to the region, officials stated on Thursday."
    spans = detector.reader().read(text, split_sentences(text), select=lambda rows: np.ones(len(rows), bool))
    shut = next(s for s in spans if s.text == "shut")
    assert {"close", "closed", "close up"} & set(shut.originals), shut.originals
    how = {q.original: q for q in shut.proposals}
    direct = [d for o, d in zip(shut.originals, shut.deltas) if how[o].direct]
    assert dict(zip(SPAN_ROW, shut.row))["delta_direct"] == max(direct)


def test_a_pair_in_the_users_dictionary_is_put_back_where_the_judge_prefers_it(detector):
    from spinfix.dictionary.substitutions import SubstitutionDictionary

    pairs = SubstitutionDictionary()
    pairs.add_pairs([("soiled", "dirty"), ("shut", "close")], "a pair seen once")
    result = restore_judged(SPUN, detector, pairs)
    assert "dirty bomb" in result.restored and "close U.S. ally" in result.restored
    assert all((c.spun.lower(), c.original.lower()) in EXPECTED for c in result.substitutions)
    # each change shows the original it put back among those weighed, wherever it ranked
    assert all(c.original.lower() in [o.lower() for o, _ in c.originals] for c in result.substitutions)


def test_the_share_of_swapped_spans_is_read_from_the_text(detector):
    """The example's swaps (aligned with its source) cover about a third of its spans; the share
    the span probabilities give is near that, and near zero on the source."""
    from spinfix.alignment.aligner import align

    spun, clean = ((EXAMPLES / f"example_{k}.txt").read_text(encoding="utf-8") for k in ("spun", "clean"))
    swaps = align(spun, clean).substitutions
    spans, p = detector.spans(spun, split_sentences(spun))
    truth = np.mean([any(s.start < w.spun_end and w.spun_start < s.end for w in swaps) for s in spans])
    assert 0.5 * truth < swap_share(p, detector.span_prior) < 1.5 * truth
    _, p_clean = detector.spans(clean, split_sentences(clean))
    assert swap_share(p_clean, detector.span_prior) < 0.02


def test_words_inside_web_and_mail_addresses_are_not_spans(detector):
    """A link's words are not prose a spinner rewrites: "lists" in a mailing list's address read
    as a swap (0.997, "enclosures" 17 nats likelier) in a clean README of the evaluation."""
    text = ("Report bugs to bug-grep@gnu.org, and read the mailing lists at https://lists.gnu.org/r/bug-grep/ "
            "before you write.")
    spans, _ = detector.spans(text, split_sentences(text))
    links = address_spans(text)
    assert len(links) == 2 and not any(a <= s.start < b for s in spans for a, b in links)
    assert {"bugs", "write"} <= {s.key for s in spans}  # the prose around them is read as before


def test_contractions_are_not_spans_unless_the_users_dictionary_lists_them(detector):
    """A contraction says what its expansion says, so it is no wrong-sense swap; read as a span
    it was the likeliest "swap" in clean informal prose ("you're" at 0.97 in a clean dev news
    story), because the training spinner contracts and expands half of all it meets."""
    text = "If you're new to the tool, don't worry: it's easier than the project's guide makes it sound."
    keys = {s.key for s in detector.spans(text, split_sentences(text))[0]}
    assert not keys & {"you're", "don't", "it's"}
    assert {"tool", "worry", "guide"} <= keys and "project's" in keys  # words and possessives are read as before
    mine = SubstitutionDictionary()
    mine.add_pairs([("it's", "it is")], "a spun/clean pair of a spinner that contracts")
    own = replace(detector, originals=Originals(default_thesaurus(), default_dictionary(), [mine]))
    keys = {s.key for s in own.spans(text, split_sentences(text))[0]}
    assert "it's" in keys and not keys & {"you're", "don't"}  # what the user's dictionary lists is read


def test_the_first_stage_is_one_view_of_the_document(detector):
    """The shipped trigram detector's own likelihood is a third view: the likelihood is the
    largest view, and a detector without a first stage reads the other two alone."""
    text = (EXAMPLES / "example_spun.txt").read_text(encoding="utf-8")
    score = detector.score_text(text)
    assert detector.first_stage is not None and "|first:" in score.signature
    assert score.views["first_stage"] == round(detector.first_stage.score_text(text).spin_likelihood, 4) > 0.0
    assert score.spin_likelihood == max(score.views.values()) and score.to_dict()["views"] == score.views
    alone = replace(detector, first_stage=None).score_text(text)
    assert set(alone.views) == {"suspects", "share"} and "|first:" not in alone.signature
    assert alone.spin_likelihood == max(v for k, v in score.views.items() if k != "first_stage")


def test_a_text_of_one_sentence_is_judged_as_its_sentence(detector):
    """The document views read rates per 100 words and word statistics over many sentences: on
    this clean sentence they gave 0.78 while the sentence itself was not flagged. A text of one
    sentence is likely spun exactly when its sentence is flagged."""
    clean = detector.score_text("Gradient clipping at a norm of one kept the recurrent network from diverging "
                                "early in training.")
    assert set(clean.views) == {"sentence"} and not clean.sentences[0].flagged
    assert 0.0 < clean.spin_likelihood < 0.5 and clean.verdict.label == "unlikely spun"
    spun = detector.score_text(SCIENCE)
    assert spun.sentences[0].flagged and spun.spin_likelihood >= 0.5 and spun.verdict.label == "likely spun"
    assert {"suspects", "share"} <= set(detector.score_text(SPUN).views)  # two sentences: the document's views


def test_a_lower_threshold_shows_the_sentences_that_carry_the_likelihood(detector):
    """A verdict with no sentence flagged says to score with a lower --threshold; that must show
    them, though the suspect (0.66 here) is under the model's suspect line. The likelihood is the
    model's own whatever the threshold (it moved from 0.87 to 0.99 when the threshold changed the
    document's flag counts)."""
    text = ("We train an irregular backwoods on the labelled data and compare it with a support vector machine. "
            "The irregular backwoods reaches higher accuracy on the test set.")
    default = detector.score_text(text)
    assert default.spin_likelihood >= 0.5 and not default.flagged and "lower --threshold" in default.verdict.line
    lower = detector.score_text(text, threshold=0.5)
    assert lower.spin_likelihood == default.spin_likelihood and lower.views == default.views
    assert any(w.word.lower() == "backwoods" for s in lower.flagged for w in s.suspects), lower.flagged
    stricter = detector.score_text(SPUN, threshold=0.99)
    assert stricter.spin_likelihood == detector.score_text(SPUN).spin_likelihood and not stricter.flagged


def test_a_short_paragraph_over_the_line_by_word_statistics_alone_says_they_are_weak_evidence(detector):
    score = detector.score_text(PARAGRAPH)
    assert not score.flagged and score.views["first_stage"] >= 0.5 > max(score.views["suspects"], score.views["share"])
    assert score.verdict.label == "likely spun" and "weak evidence" in score.verdict.line


def test_a_verdict_under_the_line_does_not_say_a_restore_will_change_nothing(detector):
    """The neural judge's restore decides sentence by sentence, so a document under the line with a
    flagged sentence is still restored there; its verdict must not say otherwise."""
    text = (EXAMPLES / "example_clean.txt").read_text(encoding="utf-8") + "\n" + LONGER
    score = detector.score_text(text)
    assert score.spin_likelihood < 0.5 and score.flagged and "changes nothing" not in score.verdict.line
    restored = restore_judged(text, detector).restored
    assert "monthly briefing" in restored and "month-to-month" not in restored


def test_clean_prose_is_left_alone(detector):
    text = (EXAMPLES / "example_clean.txt").read_text(encoding="utf-8")
    score = detector.score_text(text)
    assert score.spin_likelihood < 0.5 and not score.flagged
    result = restore_judged(text, detector)
    assert len(result.substitutions) <= 1


def test_a_restore_says_why_it_left_each_suspect(detector):
    result = restore_judged(SPUN, detector)
    assert result.suspects == len(result.substitutions) + len(result.left_alone)
    assert all(w.reason for w in result.left_alone)
    assert "restored" in result.summary()


def test_a_restore_looks_again_only_where_what_it_finds_is_used(detector, monkeypatch):
    """Spans under both the line where an original may be put back and the suspect line are not
    compared again: comparing them too changes nothing a restore reports."""
    from spinfix.restoration.judged import Rule

    text = (EXAMPLES / "example_spun.txt").read_text(encoding="utf-8")
    looked = []
    real = Rule.looked_at
    monkeypatch.setattr(Rule, "looked_at", lambda self, d: looked.append(real(self, d)) or real(self, d))
    result = restore_judged(text, detector)
    monkeypatch.setattr(Rule, "looked_at", lambda self, d: 0.1)
    wider = restore_judged(text, detector)
    assert looked and min(looked) == min(Rule().apply_from, detector.suspect_from) > 0.1
    assert result.restored == wider.restored and result.left_alone == wider.left_alone
    assert len(result.substitutions) >= 5


def test_the_cascade_compares_only_where_the_cheap_model_asks(detector):
    from spinfix.text.tokens import split_sentences

    spans, p = detector.spans(SPUN, split_sentences(SPUN))
    rows = np.array([s.row for s in spans])
    compared = rows[:, SPAN_ROW.index("compared")] > 0
    before = without_comparisons(rows)
    asked = detector.select(detector.models.cheap(before), before)
    assert np.array_equal(compared, asked & (rows[:, SPAN_ROW.index("proposals")] > 0))
    assert 0.0 < compared.mean() <= detector.compare_share + 1 / len(rows)


def test_the_model_file_round_trips(detector, tmp_path):
    path = tmp_path / "nd"
    detector.save(path)
    again = load_neural_detector(str(path))
    assert again.score_text(SCIENCE).to_dict()["sentences"] == detector.score_text(SCIENCE).to_dict()["sentences"]
    assert replace(again, info={}).threshold == detector.threshold
    assert again.first_stage is not None and again.signature() == detector.signature().replace(
        detector.info["sha256"][:12], again.info["sha256"][:12])


def test_a_model_of_the_other_judge_is_refused_in_one_line(detector, tmp_path):
    path = tmp_path / "nd"
    detector.save(path)
    with pytest.raises(SpinfixError) as err:
        load_scorer(str(path), "trigram")
    assert "--judge neural" in str(err.value) and "\n" not in str(err.value)


def test_the_command_line_scores_with_the_neural_judge(tmp_path):
    spun = tmp_path / "spun.txt"
    spun.write_text(SPUN, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "spinfix", "--judge", "neural", "score", "--json", str(spun)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout.splitlines()[0])
    assert "judge:gemma3-270m" in record["signature"] and record["spin_likelihood"] >= 0.5
    restored = subprocess.run([sys.executable, "-m", "spinfix", "--judge", "neural", "restore", "--json", "--review",
                               str(spun)], capture_output=True, text=True, timeout=300)
    assert restored.returncode == 0, restored.stderr
    result = json.loads(restored.stdout)
    assert result["summary"] and all((c["spun"].lower(), c["original"].lower()) in EXPECTED
                                     for c in result["substitutions"])
    assert all(c["original"] in [o["original"] for o in c["originals"]] for c in result["substitutions"])
    summary, *review = restored.stderr.splitlines()
    assert summary == result["summary"]
    assert len(review) == len(result["substitutions"]) + len(result["left_alone"]) >= 1
    to_check = sum("(check: " in line for line in review)  # the summary counts the changes to check first
    assert (f"({to_check} to check)" in summary) if to_check else ("to check" not in summary)


def test_a_review_lists_every_change_and_every_suspect_left_where_it_stands(detector):
    """Each line of a review says where its word stands (line:column of the spun text), in
    text order; a change says what was put back, a suspect left alone the originals weighed and why."""
    result = restore_judged(SPUN, detector)
    lines = result.review(SPUN)
    assert len(lines) == len(result.substitutions) + len(result.left_alone) >= 2
    rows = SPUN.split("\n")
    starts = []
    for line in lines:
        row, column, word = re.match(r"(\d+):(\d+) +(?:put back|left) +(.+?)(?: -> |: | \()", line).groups()
        at = sum(len(r) + 1 for r in rows[:int(row) - 1]) + int(column) - 1
        assert SPUN[at:at + len(word)] == word, line
        starts.append(at)
    assert starts == sorted(starts)
    for w in result.left_alone:
        assert any(w.reason in line and all(o in line for o, _ in w.originals) for line in lines)
    for c in result.substitutions:  # a change shows what it won against: its original among those weighed
        assert c.original.lower() in [o.lower() for o, _ in c.originals]
        line = next(line for line in lines if f"{c.spun} -> {c.original}: " in line)
        assert all(f"{o} {d:+.1f}" in line for o, d in c.originals)
        # and asks to be checked first where another original fits better
        assert ("(check: " in line) == (c.originals[0][0].lower() != c.original.lower())


def test_a_model_file_picks_its_judge_when_none_is_named(detector, tmp_path, monkeypatch):
    monkeypatch.setenv("SPINFIX_JUDGE", "trigram")
    path = tmp_path / "nd"
    detector.save(path)
    assert isinstance(load_scorer(str(path)), NeuralDetector)
    assert not isinstance(load_scorer(), NeuralDetector)


def test_a_listed_pair_needs_a_spun_sentence_or_a_clear_preference():
    """A pair the user's dictionary lists is put back where its sentence reads as spun and the
    judge prefers it by a nat; in a sentence that reads as clean it must be preferred clearly."""
    from spinfix.detection.judged import Span
    from spinfix.detection.originals import Proposal
    from spinfix.restoration.judged import LISTED_AND_PREFERRED, LISTED_IN_CLEAN, Rule

    def span(delta: float) -> Span:
        return Span(10, 16, "soiled", "soiled", 0, (), originals=["dirty", "grimy"], deltas=np.array([delta, -1.0]),
                    proposals=[Proposal("dirty", user=1, step=1), Proposal("grimy", step=1)])

    rule = Rule()
    assert rule.decide(span(2.0), 0.3, sentence=0.6) == ("dirty", LISTED_AND_PREFERRED)
    assert rule.decide(span(2.0), 0.3, sentence=0.02) == (None, LISTED_IN_CLEAN)
    assert rule.decide(span(rule.user_strong + 1), 0.3, sentence=0.02) == ("dirty", LISTED_AND_PREFERRED)
    assert rule.decide(span(0.5), 0.3, sentence=0.6)[0] is None  # preferred by too little anywhere
