"""The neural detector's trainer on span rows made here (no judge needed): it learns what separates
swapped spans, chooses its thresholds, saves a model file that loads, and refuses data it cannot
fit on in one line."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from spinfix.detection.judged import SPAN_ROW
from spinfix.detection.neural_detector import load_neural_detector, swap_share, without_comparisons
from spinfix.errors import SpinfixError
from spinfix.training.neural_trainer import NeuralDetectorTrainer
from spinfix.training.span_data import SpanData

SPANS_PER_SENTENCE, SENTENCES_PER_DOCUMENT = 6, 8


def span_data(documents: int, spun: int, seed: int) -> SpanData:
    """``documents`` documents, the first ``spun`` with a swap in about one span in six, whose
    reading falls further below the context's expectation (``gap``) and whose best original
    beats it (``delta_best``), as the judge's readings do; every other column is noise."""
    rng = np.random.default_rng(seed)
    n_sent = documents * SENTENCES_PER_DOCUMENT
    n = n_sent * SPANS_PER_SENTENCE
    sentence = np.repeat(np.arange(n_sent), SPANS_PER_SENTENCE)
    sentence_document = np.repeat(np.arange(documents), SENTENCES_PER_DOCUMENT)
    document_spun = (np.arange(documents) < spun).astype(int)
    labels = ((rng.random(n) < 1 / 6) & (document_spun[sentence_document[sentence]] == 1)).astype(int)
    rows = rng.normal(size=(n, len(SPAN_ROW)))
    rows[:, SPAN_ROW.index("gap")] += 3.0 * labels
    rows[:, SPAN_ROW.index("compared")] = 1.0
    rows[:, SPAN_ROW.index("proposals")] = 3.0
    rows[:, SPAN_ROW.index("delta_best")] = rng.normal(-2.0, 2.0, n) + 6.0 * labels
    sentence_label = np.zeros(n_sent, int)
    np.maximum.at(sentence_label, sentence, labels)
    empty = np.full(n, "", dtype="<U1")
    return SpanData(rows, labels, sentence, empty, empty, sentence_label, np.full(n_sent, 20),
                    sentence_document, document_spun, np.full(documents, 160),
                    np.array(["news" if d % 2 else "science" for d in range(documents)]))


@pytest.fixture(scope="module")
def trainer() -> NeuralDetectorTrainer:
    return NeuralDetectorTrainer().fit(span_data(40, 20, 0), span_data(24, 12, 1), {"name": "made-here"})


def test_the_span_models_learn_what_separates_swaps(trainer):
    held = span_data(20, 10, 2)
    cheap = trainer.cheap_.predict_proba(without_comparisons(held.rows))[:, 1]
    assert roc_auc_score(held.labels, cheap) > 0.9
    assert roc_auc_score(held.labels, trainer.detector_.models.span(held.rows)) > 0.9


def test_thresholds_are_learned_within_their_ranges(trainer):
    detector = trainer.detector_
    assert 0.0 < detector.compare_from < 1.0 and 0.0 < detector.suspect_from < 1.0
    assert 0.2 <= detector.threshold <= 0.99 and -3.0 <= detector.offset <= 8.0


def test_the_model_file_loads_as_it_was_saved(trainer, tmp_path):
    sha256 = trainer.detector_.save(tmp_path / "made-here")
    again = load_neural_detector(str(tmp_path / "made-here"))
    rows = span_data(4, 2, 3).rows
    assert again.info["sha256"] == sha256 and again.threshold == trainer.detector_.threshold
    assert np.allclose(again.models.span(rows), trainer.detector_.models.span(rows))
    assert (again.span_prior, again.share_offset) == (trainer.detector_.span_prior, trainer.detector_.share_offset)


def test_the_swap_share_is_recovered_from_probabilities_calibrated_for_another_share():
    """Scores of swapped and kept spans as two overlapping normals; probabilities calibrated
    where a tenth of spans are swapped; documents where none, 5 % and 30 % are."""
    rng = np.random.default_rng(5)
    for share in (0.0, 0.05, 0.3):
        swapped = rng.random(20000) < share
        x = rng.normal(np.where(swapped, 1.5, -1.5), 1.0)
        ratio = np.exp(3.0 * x)  # the likelihood ratio of swapped to kept at x
        p = 0.1 * ratio / (0.1 * ratio + 0.9)
        assert abs(swap_share(p, 0.1) - share) < 0.01, share


def test_the_share_model_reads_how_much_of_a_document_was_swapped(trainer):
    detector, held = trainer.detector_, span_data(20, 10, 2)
    assert detector.span_prior == pytest.approx(np.mean(span_data(40, 20, 0).labels))
    p = cascaded_probability(detector, held.rows)
    documents = held.sentence_document[held.sentence]
    shares = np.array([swap_share(p[documents == d], detector.span_prior) for d in range(20)])
    truth = np.array([held.labels[documents == d].mean() for d in range(20)])
    assert np.all(shares[10:] < 0.03) and np.corrcoef(shares[:10], truth[:10])[0, 1] > 0.5
    assert np.all(np.abs(shares[:10] - truth[:10]) < 0.08), (shares, truth)


def cascaded_probability(detector, rows: np.ndarray) -> np.ndarray:
    """Span probabilities as a reading gives them: comparisons only where the cascade asks."""
    keep = detector.select(detector.cheap_probability(rows), rows)
    rows = rows.copy()
    rows[~keep] = without_comparisons(rows[~keep])
    return detector.span_probability(rows)


def test_a_blind_column_is_never_read_even_where_it_gives_the_answer_away(tmp_path):
    """``best_prior`` here names most swaps in training, as the shipped dictionary does on
    spinfix's own spin; the default trainer is blind to it, one told to read it leans on it."""
    train, validation = span_data(40, 20, 0), span_data(24, 12, 1)
    for data in (train, validation):
        data.rows[:, SPAN_ROW.index("best_prior")] = 3.0 * data.labels
    blind = NeuralDetectorTrainer().fit(train, validation).detector_
    seeing = NeuralDetectorTrainer(blind=()).fit(train, validation).detector_
    rows = span_data(10, 5, 4).rows
    rows[:, SPAN_ROW.index("best_prior")] = 0.0
    listed = rows.copy()
    listed[:, SPAN_ROW.index("best_prior")] = 3.0
    p = cascaded_probability(blind, rows)
    assert blind.blind == ("best_prior",) and np.ptp(p) > 0.5
    assert np.array_equal(p, cascaded_probability(blind, listed))
    assert np.mean(cascaded_probability(seeing, listed) - cascaded_probability(seeing, rows)) > 0.1
    blind.save(tmp_path / "blind")
    again = load_neural_detector(str(tmp_path / "blind"))
    assert again.blind == ("best_prior",) and np.allclose(cascaded_probability(again, listed), p)


def test_too_few_spun_documents_is_refused_in_one_line():
    with pytest.raises(SpinfixError) as err:
        NeuralDetectorTrainer().fit(span_data(6, 1, 0), span_data(6, 3, 1))
    assert "too few training documents" in str(err.value) and "\n" not in str(err.value)


def test_the_offsets_count_the_documents_the_first_stage_flags(tmp_path):
    """A first stage that puts clean validation documents over the line on its own leaves the
    other views less room: the offsets rise until the clean documents flagged by any view are
    within the budget (and a part saved and joined keeps what the first stage read)."""
    from dataclasses import replace

    from spinfix.detection.detector import load_detector
    from spinfix.detection.document_features import shift_prior

    train, validation = span_data(40, 20, 0), span_data(60, 30, 1)
    clean = np.flatnonzero(validation.document_spun == 0)
    first = np.zeros(len(validation.document_spun))
    first[clean[:1]] = 0.9  # one clean document of 30 over the line by the first stage alone
    first[validation.document_spun == 1] = np.nan  # not read
    read = replace(validation, document_first=first)
    read.save(tmp_path / "v.npz")
    joined = SpanData.join([SpanData.load(tmp_path / "v.npz"), span_data(4, 2, 3)])
    assert np.array_equal(joined.document_first[:60], first, equal_nan=True) and np.isnan(joined.document_first[60:]).all()
    plain = NeuralDetectorTrainer(first_stage=load_detector(), document_false_flags=0.05).fit(train, validation)
    counted = NeuralDetectorTrainer(first_stage=load_detector(), document_false_flags=0.05).fit(train, read)
    assert counted.offset_ >= plain.offset_ and counted.share_offset_ >= plain.share_offset_
    detector = counted.detector_
    q = np.array([max(shift_prior(np.array([d]), detector.offset)[0], f) for d, f in
                  zip(counted.document_.predict_proba(counted._document_rows(
                      read, *counted.probabilities(read)))[:, 1], np.nan_to_num(first))])
    assert np.mean(q[clean] >= 0.5) <= 0.05 + 1e-9
