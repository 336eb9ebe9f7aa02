import json

import joblib
import numpy as np
import pytest
from sklearn.base import clone

from conftest import article_body, seed
from spinfix import SpinfixError
from spinfix.alignment.aligner import align
from spinfix.detection.detector import MODEL_FORMAT, load_detector
from spinfix.training.estimators import make_sentence_model
from spinfix.training.spinner import Spinner


def test_sentence_model_is_a_real_estimator(tiny_corpus, tmp_path):
    sentences, labels = [], []
    for k, doc in enumerate(tiny_corpus[:12]):
        _, spun = Spinner(0.4, seed=k).spin_document(doc.text)
        sentences += [s.original for s in spun] + [s.spun for s in spun]
        labels += [0] * len(spun) + [s.label for s in spun]
    model = make_sentence_model(max_neighbours=4)
    assert clone(model).get_params()["features__max_neighbours"] == 4
    model.fit(sentences, labels)
    p = model.predict_proba(sentences[:5])
    assert p.shape == (5, 2) and np.allclose(p.sum(axis=1), 1)
    joblib.dump(model, tmp_path / "m.joblib")
    again = joblib.load(tmp_path / "m.joblib")
    assert np.allclose(again.predict_proba(sentences[:5]), p)


def test_tiny_training_gives_a_working_model(tiny_model, spun_seed):
    detector, path, report = tiny_model
    assert set(report.metrics["full_model"]) == {"light", "medium", "heavy"}
    assert report.metrics["full_model"]["heavy"]["sentence_roc_auc"] > 0.7
    loaded = load_detector(str(path))
    result = loaded.score_text(spun_seed, "000")
    assert 0.0 <= result.spin_likelihood <= 1.0
    data = json.loads(result.format(is_json=True))
    assert {"file", "spin_likelihood", "sentences", "signature"} <= set(data)
    for s in data["sentences"]:
        assert spun_seed[s["start"]:s["end"]] == s["text"]
        assert 0.0 <= s["probability"] <= 1.0
        assert not s["flagged"] or s["probability"] >= loaded.threshold
        assert bool(s["suspects"]) == s["flagged"]  # a flag always names its evidence
        for w in s["suspects"]:
            assert spun_seed[w["start"]:w["end"]] == w["word"]
            assert w["original"] or w["reason"] == "spinner vocabulary"
    assert loaded.info["trained_on"] and loaded.info["spinfix_version"]
    mine = detector.score_text(spun_seed, "000").to_dict()
    assert {**data, "signature": None} == {**mine, "signature": None}  # saved and loaded, the same scores


def test_incompatible_or_damaged_model_is_refused_saying_why(tiny_model, tmp_path):
    from spinfix.restoration.restorer import load_restorer

    detector, path, _ = tiny_model
    arrays, record = path.with_suffix(".npz").read_bytes(), path.with_suffix(".json").read_bytes()

    def pair(name: str, arrays_bytes: bytes, record_bytes: bytes) -> str:
        (tmp_path / f"{name}.npz").write_bytes(arrays_bytes)
        (tmp_path / f"{name}.json").write_bytes(record_bytes)
        return str(tmp_path / name)

    old = tmp_path / "old.joblib"
    joblib.dump({"format": 1, "detector": "anything"}, old)
    with pytest.raises(SpinfixError, match="not a spinfix model file"):
        load_detector(str(old))
    with pytest.raises(SpinfixError, match="damaged"):
        load_detector(pair("damaged", arrays + b"\0", record))
    with pytest.raises(SpinfixError, match="not a spinfix model file"):
        load_detector(pair("truncated", arrays, record[:len(record) // 2]))
    edited = json.loads(record)
    edited["threshold"] = 0.1  # valid JSON, by hand
    with pytest.raises(SpinfixError, match="damaged"):
        load_detector(pair("edited", arrays, (json.dumps(edited, indent=1, ensure_ascii=False) + "\n").encode()))
    newer = record.replace(f'"format": {MODEL_FORMAT}'.encode(), f'"format": {MODEL_FORMAT + 1}'.encode(), 1)
    with pytest.raises(SpinfixError, match="model format"):
        load_detector(pair("newer", arrays, newer))
    with pytest.raises(SpinfixError, match="no such detector file"):
        load_detector(str(tmp_path / "missing"))
    with pytest.raises(SpinfixError, match="holds a detector model, not a restorer"):
        load_restorer(str(path))


def test_a_loaded_detector_is_immutable_and_not_shared(tiny_model):
    import dataclasses

    _, path, _ = tiny_model
    first, second = load_detector(str(path)), load_detector(str(path))
    assert first is not second and first.models is second.models  # the parts are read once, and shared
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.threshold = 0.1
    with pytest.raises(TypeError):
        first.info["name"] = "changed"
    stricter = dataclasses.replace(first, threshold=0.99)
    assert stricter.threshold == 0.99 and load_detector(str(path)).threshold == first.threshold
    assert "Detector(name=" in repr(first)


# -- the shipped model on the seed documents (evaluation only: never trained on) -------------

@pytest.fixture(scope="module")
def shipped():
    return load_detector()


@pytest.mark.parametrize("prefix, low, high", [("000", 0.8, 1.0), ("001", 0.0, 0.2), ("002", 0.0, 0.2),
                                               ("003", 0.0, 0.5), ("004", 0.0, 0.2)])
def test_seed_spin_likelihoods(shipped, prefix, low, high):
    assert low <= shipped.score_text(seed(prefix)).spin_likelihood <= high


def test_seed_sentences_flagged(shipped, spun_seed, source_seed):
    changed = [s.spun_start for s in align(spun_seed, source_seed).phrase_pairs]
    scored = shipped.score_text(spun_seed).sentences
    spun = [s for s in scored if any(s.start <= c < s.end for c in changed)]
    assert sum(s.flagged for s in spun) / len(spun) >= 0.85
    body = article_body(source_seed)
    offset = source_seed.index(body)
    clean = [s for s in shipped.score_text(source_seed).sentences if offset <= s.start < offset + len(body)]
    assert sum(s.flagged for s in clean) / len(clean) <= 0.10


def test_documents_scored_together_get_what_each_gets_alone(shipped, spun_seed, source_seed):
    """score_texts calls each model once for all documents; every result is the one-document result."""
    texts = [spun_seed, "", source_seed, "One short line.", spun_seed[:400]]
    together = shipped.score_texts(texts, names=[str(k) for k in range(len(texts))])
    alone = [shipped.score_text(t, str(k)) for k, t in enumerate(texts)]
    assert [d.to_dict() for d in together] == [d.to_dict() for d in alone]
    assert together[0].spin_likelihood >= 0.8 > together[2].spin_likelihood


def test_suspects_name_the_swapped_words(shipped, spun_seed):
    suspects = {(w.word.lower(), w.original) for s in shipped.score_text(spun_seed).sentences for w in s.suspects}
    words = {w for w, _ in suspects}
    assert {"soiled", "stated"} <= words
    assert ("soiled", "dirty") in suspects


def test_every_flag_names_a_suspect_with_an_original_or_a_reason(shipped, spun_seed):
    flagged = [s for text in (spun_seed, seed("003")) for s in shipped.score_text(text).sentences if s.flagged]
    assert flagged
    for s in flagged:
        assert s.suspects
        assert all(w.original or w.reason == "spinner vocabulary" for w in s.suspects)


CLEAN_ODDITIES = """Senate Leaders Strike Deal To Reopen Government After Record Shutdown
WASHINGTON (Reuters) - Grain exports rose 12 pct to 4.1 mln tonnes in the week, the agency said.
"We're not going anywhere," Pelosi told reporters on Tuesday. "Not today, not tomorrow."
- Download the app
- Share this story on Facebook
Trump said the talks would resume next week, and aides posted a short video online.
Updated 3 hours ago | Photo: AP
"""


def test_headlines_wire_copy_quotes_lists_and_names_are_not_evidence(shipped):
    score = shipped.score_text(CLEAN_ODDITIES)
    assert not score.flagged, [s.text for s in score.flagged]


def test_suspect_density_is_reported_and_the_same_in_short_and_long_texts(shipped):
    """Swaps in under a tenth of a clean article's words: suspects named at a density that the
    clean article does not show, and the same likelihood and density whether the text is the
    article once or twice (light spin under about 5 % of words is a known failure)."""
    from spinfix.training.corpora import split_documents, training_documents
    from spinfix.training.spinner import Spinner

    text = split_documents(training_documents())["test"][5].text
    spun, _, swaps = Spinner(0.2, seed=3).spin_with_swaps(text)
    assert 0 < len(swaps) <= 0.1 * len(text.split())
    light = shipped.score_text(spun)
    assert light.suspects_per_100_words > shipped.score_text(text).suspects_per_100_words
    doubled = shipped.score_text(spun + "\n\n" + spun)
    assert abs(doubled.spin_likelihood - light.spin_likelihood) < 0.05
    assert abs(doubled.suspects_per_100_words - light.suspects_per_100_words) < 0.5


def test_length_does_not_make_a_clean_document_spun(shipped):
    text = seed("004")
    once = shipped.score_text(text).spin_likelihood
    five = shipped.score_text("\n\n".join([text] * 5)).spin_likelihood
    assert five <= once + 0.05


def test_document_model_learns_a_prior_that_keeps_every_clean_source_under_its_rate():
    """A clean source that looks half-spun (old prose, technical text) pulls the learned
    shift up until its clean documents rarely reach 0.5; without that source, no shift."""
    from spinfix.training.estimators import DocumentModel

    rng = np.random.default_rng(0)
    spun = rng.normal(2.0, 1.0, (400, 3))
    plain = rng.normal(0.0, 1.0, (400, 3))
    odd = rng.normal(1.0, 1.0, (400, 3))  # a clean source between the two
    X, y = np.vstack([spun, plain, odd]), np.array([1] * 400 + [0] * 800)
    sources = np.array(["a"] * 400 + ["a"] * 400 + ["b"] * 400)
    model = DocumentModel(false_alarm_rate=0.02).fit(X, y, sources=sources)
    assert model.offset_ > 0
    assert np.mean(model.predict_proba(odd)[:, 1] >= 0.5) <= 0.05
    assert np.mean(model.predict_proba(spun)[:, 1] >= 0.5) > 0.3
    alone = DocumentModel(false_alarm_rate=0.5).fit(X[:800], y[:800], sources=sources[:800])
    assert alone.offset_ == 0.0


def test_document_features_are_rates_and_shares_not_counts(shipped, spun_seed):
    from spinfix.detection.document_features import document_features
    from spinfix.text.tokens import split_sentences

    sentences = [s.text for s in split_sentences(spun_seed)]
    p, evidence = shipped.sentence_evidence(sentences)
    lengths = np.array([len(s.split()) for s in sentences])
    once = document_features(p, lengths, evidence)
    twice = document_features(np.concatenate([p, p]), np.concatenate([lengths, lengths]), evidence + evidence)
    assert once[:5].sum() > 0  # the spun seed has content words with a swap gain
    assert np.allclose(once, twice, atol=0.05)  # quantiles interpolate a little differently
