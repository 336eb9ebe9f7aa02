"""The compiled models give scikit-learn's probabilities (spinfix.compiled)."""
import pickle

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from spinfix.compiled import SMALL_BATCH, compile_classifier, small_batches_compiled
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
    assert len(rows) > SMALL_BATCH  # both sides of the switch are exercised by the detector's callers


def test_unknown_parts_stay_with_scikit_learn_and_a_used_detector_still_pickles():
    texts, labels = ["the soiled bomb", "the dirty bomb", "a shut ally", "a close ally"], [1, 0, 1, 0]
    model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, labels)
    assert compile_classifier(model) is None
    slow = small_batches_compiled(model, lambda X: model.predict_proba(X)[:, 1])
    assert np.allclose(slow(texts), model.predict_proba(texts)[:, 1])
    detector = load_detector()
    detector.score_text(seed("000")[:500])  # compiles its models
    again = pickle.loads(pickle.dumps(detector))
    assert again.score_text(seed("002")).to_dict() == detector.score_text(seed("002")).to_dict()
