"""The compiled models give scikit-learn's probabilities (spinfix.detection.forests), keep them
through their data form, and a detector scores from its model file without importing
scikit-learn."""
import dataclasses
import subprocess
import sys

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from conftest import EXAMPLE_CLEAN, EXAMPLE_SPUN
from spinfix.detection.document_features import model_rows
from spinfix.detection.forests import CHUNK_ROWS, Forest, compile_classifier, from_data, to_data
from spinfix.text.tokens import split_sentences


def _texts(tiny_corpus) -> list[str]:
    return [EXAMPLE_SPUN.read_text(), EXAMPLE_CLEAN.read_text()] + [d.text for d in tiny_corpus[-4:]]


def _rows(fitted, texts):
    """Each model's input rows for the sentences of ``texts``, as the detector builds them."""
    docs = [[s.text for s in split_sentences(t)] for t in texts]
    rows, evidence = fitted.sentence_model.steps[0][1].transform_with_evidence([s for d in docs for s in d])
    own = fitted.sentence_model[1:].predict_proba(rows)[:, 1]
    context, document, k = [], [], 0
    for d in docs:
        lengths = np.array([len(s.split()) for s in d])
        ctx, doc = model_rows(own[k:k + len(d)], lengths, evidence[k:k + len(d)])
        context.append(ctx)
        document.append(doc)
        k += len(d)
    return rows, np.vstack(context), np.vstack(document)


def test_compiled_models_give_scikit_learns_probabilities_also_through_their_data_form(tiny_trainer, tiny_corpus):
    fitted = tiny_trainer[1].estimators_
    rows, context, document = _rows(fitted, _texts(tiny_corpus))
    models = [(fitted.sentence_model[1:], rows), (fitted.context_model.model_, context),
              (fitted.document_model.model_, document)]
    for model, X in models:
        fast = compile_classifier(model)
        assert fast is not None
        np.testing.assert_allclose(fast(X), model.predict_proba(X)[:, 1], rtol=0, atol=1e-12)
        spec, arrays = to_data(fast, "m.")
        assert np.array_equal(from_data(spec, arrays, "m.")(X), fast(X))


def test_compiled_forests_add_their_trees_as_scikit_learn_does(tiny_trainer, tiny_corpus):
    """A forest's decision is scikit-learn's to the last bit, for one row, a few and a chunk's
    worth (it adds the trees one by one from the baseline, as scikit-learn does; a pairwise
    sum would differ in the last digits), each fold alone and in the joined forest."""
    fitted = tiny_trainer[1].estimators_
    rows = _rows(fitted, _texts(tiny_corpus))[0]
    rows = np.vstack([rows, rows[::-1] * 1.01, rows * 0.99, rows * 1.02] * 3)  # past one chunk
    folds = [fold.estimator for fold in fitted.sentence_model[-1].calibrated_classifiers_]
    joined = Forest.joined([Forest.of(f) for f in folds])
    assert len(rows) > CHUNK_ROWS
    for n in (1, 2, 7, len(rows)):
        raw = [f._raw_predict(rows[:n]).ravel() for f in folds]
        assert all(np.array_equal(Forest.of(f)(rows[:n]), r) for f, r in zip(folds, raw))
        assert np.array_equal(joined.sums(rows[:n]), np.array(raw))


def test_deep_trees_and_missing_values_give_scikit_learns_probabilities_and_big_trees_stay_with_it():
    """The leaf masks hold trees of up to 64 leaves, however deep, and a missing value takes
    each node's learned side; a model with bigger trees is left to scikit-learn."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(3000, 6))
    y = (X[:, 0] * X[:, 1] + np.sin(3 * X[:, 2]) > 0.2).astype(int)
    X[rng.random(X.shape) < 0.1] = np.nan
    test = rng.normal(size=(700, 6))
    test[rng.random(test.shape) < 0.2] = np.nan
    for leaves in (3, 64):
        model = CalibratedClassifierCV(HistGradientBoostingClassifier(max_leaf_nodes=leaves, max_iter=40), cv=3).fit(X, y)
        spec, arrays = to_data(compile_classifier(model))
        fast = from_data(spec, arrays)  # as a model file stores it
        np.testing.assert_allclose(fast(test), model.predict_proba(test)[:, 1], rtol=0, atol=1e-12)
    big = CalibratedClassifierCV(HistGradientBoostingClassifier(max_leaf_nodes=200, min_samples_leaf=2, max_iter=5), cv=2).fit(X, y)
    assert compile_classifier(big) is None


def test_unknown_parts_stay_with_scikit_learn():
    texts, labels = ["the soiled bomb", "the dirty bomb", "a shut ally", "a close ally"], [1, 0, 1, 0]
    model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, labels)
    assert compile_classifier(model) is None


def test_scoring_a_file_never_imports_scikit_learn():
    """The shipped detector scores from its arrays: a one-file score in a fresh process imports
    neither scikit-learn nor scipy (half of its start-up time), and finds the swaps."""
    code = ("import sys; from spinfix.detection.detector import load_detector; "
            "r = load_detector().score_text('The soiled bomb was stated to be massive by the shut U.S. ally. ' * 3); "
            "print(r.sentences[0].probability, sorted(m for m in ('sklearn', 'scipy', 'nltk', 'wordfreq') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert float(out[0]) > 0.3 and out[1].strip() == "[]"


def test_a_compiled_detector_scores_as_its_scikit_learn_models_do(tiny_trainer, tiny_corpus):
    """Scoring through the compiled models (in chunks of CHUNK_ROWS rows for a large batch)
    gives the results of scoring through scikit-learn's."""
    detector, trainer, _ = tiny_trainer
    texts = _texts(tiny_corpus) * 12
    assert sum(len(split_sentences(t)) for t in texts) > 2 * CHUNK_ROWS
    compiled = [s.to_dict() for s in detector.score_texts(texts)]
    # scikit-learn's models over the same feature tables (the fitted SpinFeatures keeps a memo of
    # the vocabulary's pair heads from its first cross-fitting fold: see CHANGELOG, known issues)
    through_sklearn = dataclasses.replace(trainer.estimators_.detector(), features=detector.features)
    assert [s.to_dict() for s in through_sklearn.score_texts(texts)] == compiled
    assert [detector.score_text(t).to_dict() for t in texts[:5]] == compiled[:5]


def test_the_restorer_decides_through_its_compiled_model_without_scikit_learn(tmp_path, tiny_corpus):
    """A restorer's compiled form gives scikit-learn's probabilities, through its model file too;
    a restore in a fresh process imports neither scikit-learn nor scipy."""
    from spinfix.detection.detector import load_detector
    from spinfix.restoration.candidates import find_candidates
    from spinfix.restoration.knowledge import shipped_knowledge
    from spinfix.restoration.restorer import load_restorer
    from spinfix.training.estimators import RestorerModel

    rows = np.array([c.row for g in find_candidates(EXAMPLE_SPUN.read_text(), shipped_knowledge(), load_detector())
                     for c in g])
    assert len(rows) > 100
    labels = (rows[:, 0] > np.median(rows[:, 0])).astype(int)
    model = RestorerModel().fit(rows, labels)
    model.save(tmp_path / "r")
    restorer = load_restorer(str(tmp_path / "r"))
    np.testing.assert_allclose(restorer.predict_proba(rows), model.model_.predict_proba(rows), rtol=0, atol=1e-12)
    assert (restorer.threshold, restorer.observed_threshold) == (model.threshold, model.observed_threshold)
    code = ("import sys; from spinfix.restoration.restorations import restore_without_reference; "
            "r = restore_without_reference(sys.stdin.read()); "
            "print(len(r.substitutions), sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))")
    from spinfix.training.spinner import Spinner

    text = Spinner(0.8, seed=1).spin_document(tiny_corpus[5].text)[0]
    out = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True)
    changes, imported = out.stdout.split(" ", 1)
    assert int(changes) > 0 and imported.strip() == "[]"
