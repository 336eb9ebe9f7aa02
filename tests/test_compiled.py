"""The compiled models give scikit-learn's probabilities (spinfix.compiled), and a detector
scores from its model file's compiled part without importing scikit-learn."""
import importlib.resources
import pickle
import subprocess
import sys

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from spinfix.compiled import CHUNK_ROWS, compile_classifier
from spinfix.detecting import load_detector, model_rows
from spinfix.tokenizing import split_sentences

from conftest import seed


def _rows(detector, texts):
    """Each model's input rows for the sentences of ``texts``, as the detector builds them."""
    docs = [[s.text for s in split_sentences(t)] for t in texts]
    rows, evidence = detector.sentence_model.steps[0][1].transform_with_evidence([s for d in docs for s in d])
    own = detector.sentence_model[1:].predict_proba(rows)[:, 1]
    context, document, k = [], [], 0
    for d in docs:
        lengths = np.array([len(s.split()) for s in d])
        ctx, doc = model_rows(own[k:k + len(d)], lengths, evidence[k:k + len(d)])
        context.append(ctx)
        document.append(doc)
        k += len(d)
    return rows, np.vstack(context), np.vstack(document)


def test_compiled_models_give_scikit_learns_probabilities():
    detector = load_detector()
    rows, context, document = _rows(detector, [seed("000"), seed("001"), seed("003")])
    models = [(detector.sentence_model[1:], rows), (detector.context_model.model_, context),
              (detector.document_model.model_, document)]
    for model, X in models:
        fast = compile_classifier(model)
        assert fast is not None
        np.testing.assert_allclose(fast(X), model.predict_proba(X)[:, 1], rtol=0, atol=1e-12)


def test_compiled_forests_add_their_trees_as_scikit_learn_does():
    """A forest's decision is scikit-learn's to the last bit, for one row, a few and a chunk's
    worth (it adds the trees one by one from the baseline, as scikit-learn does; a pairwise
    sum would differ in the last digits), each fold alone and in the joined forest."""
    from spinfix.compiled import _Forest

    detector = load_detector()
    rows = _rows(detector, [seed("000"), seed("002"), seed("004")])[0]
    rows = np.vstack([rows, rows[::-1] * 1.01, rows * 0.99, rows * 1.02])  # past one chunk
    folds = [fold.estimator for fold in detector.sentence_model[-1].calibrated_classifiers_]
    joined = _Forest.joined([_Forest(f) for f in folds])
    assert len(rows) > CHUNK_ROWS
    for n in (1, 2, 7, len(rows)):
        raw = [f._raw_predict(rows[:n]).ravel() for f in folds]
        assert all(np.array_equal(_Forest(f)(rows[:n]), r) for f, r in zip(folds, raw))
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
        fast = pickle.loads(pickle.dumps(compile_classifier(model)))  # as a model file stores it
        np.testing.assert_allclose(fast(test), model.predict_proba(test)[:, 1], rtol=0, atol=1e-12)
    big = CalibratedClassifierCV(HistGradientBoostingClassifier(max_leaf_nodes=200, min_samples_leaf=2, max_iter=5), cv=2).fit(X, y)
    assert compile_classifier(big) is None


def test_unknown_parts_stay_with_scikit_learn_and_a_used_detector_still_pickles():
    texts, labels = ["the soiled bomb", "the dirty bomb", "a shut ally", "a close ally"], [1, 0, 1, 0]
    model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, labels)
    assert compile_classifier(model) is None
    detector = load_detector()
    detector.score_text(seed("000")[:500])  # compiles its models
    again = pickle.loads(pickle.dumps(detector))
    assert again.score_text(seed("002")).to_dict() == detector.score_text(seed("002")).to_dict()


def test_scoring_a_file_never_imports_scikit_learn():
    """The shipped detector scores from its compiled part: a one-file score in a fresh process
    imports neither scikit-learn nor scipy (half of its start-up time), and finds the swaps."""
    code = ("import sys; from spinfix.detecting import load_detector; "
            "r = load_detector().score_text('The soiled bomb was stated to be massive by the shut U.S. ally. ' * 3); "
            "print(r.sentences[0].probability, sorted(m for m in ('sklearn', 'scipy', 'nltk', 'wordfreq') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert float(out[0]) > 0.3 and out[1].strip() == "[]"


def test_a_loaded_detector_scores_as_its_scikit_learn_models_do_and_loads_them_on_first_use():
    """Scoring reads the compiled part (in chunks of CHUNK_ROWS rows for a large batch); its
    results are those of the scikit-learn models, which load when first asked for."""
    texts = [seed(n) for n in ("000", "001", "002", "003", "004")] * 12
    lazy = load_detector.__wrapped__()
    assert "sentence_model" not in lazy.__dict__
    compiled = [s.to_dict() for s in lazy.score_texts(texts)]
    assert sum(len(split_sentences(t)) for t in texts) > 2 * CHUNK_ROWS and "sentence_model" not in lazy.__dict__
    assert type(lazy.sentence_model).__name__ == "Pipeline"  # unpickled on first use
    del lazy.__dict__["_compiled"]  # score with scikit-learn's models
    assert [s.to_dict() for s in lazy.score_texts(texts)] == compiled
    assert [lazy.score_text(t).to_dict() for t in texts[:5]] == compiled[:5]


def test_the_restorer_decides_through_its_compiled_model_without_scikit_learn():
    """A restore reads the restorer file's compiled part: scikit-learn's probabilities, and
    neither scikit-learn nor scipy imported (a fresh process)."""
    from spinfix.restoring import CompiledRestorer, default_restorer, find_candidates, load_restorer, shipped_knowledge

    restorer = default_restorer()
    assert isinstance(restorer, CompiledRestorer)
    rows = np.array([c.row for g in find_candidates(seed("000"), shipped_knowledge(), load_detector()) for c in g])
    assert len(rows) > 100
    fitted = load_restorer(str(importlib.resources.files("spinfix.models").joinpath("restorer.joblib")), fitted=True)
    assert (fitted.threshold, fitted.observed_threshold) == (restorer.threshold, restorer.observed_threshold)
    np.testing.assert_allclose(restorer.predict_proba(rows), fitted.model_.predict_proba(rows), rtol=0, atol=1e-12)
    code = ("import sys; from spinfix.restoring import restore_with_dictionary; "
            "r = restore_with_dictionary(sys.stdin.read()); "
            "print(len(r.substitutions), sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], input=seed("000"), capture_output=True, text=True, check=True)
    changes, imported = out.stdout.split(" ", 1)
    assert int(changes) > 0 and imported.strip() == "[]"
