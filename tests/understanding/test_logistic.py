"""The logistic regression written out (logistic.py) fits what scikit-learn's LogisticRegression fits,
for the intent model (several classes, sparse n-grams beside dense vectors) and the calibration (two
classes); a fit started from an earlier solution reaches the same optimum."""

import numpy as np
import pytest

from assistant.understanding.intent import IntentModel
from assistant.understanding.logistic import fit

TEXTS = ["□要带什么", "□多少钱", "□要带哪些材料", "□收费吗", "□在哪里办", "□几楼", "□要多久", "□几天能拿到",
         "□需要什么证件", "□交多少钱", "□窗口在哪", "□多长时间"]  # fmt: skip
LABELS = ["ask_materials", "ask_fee", "ask_materials", "ask_fee", "ask_location", "ask_location", "ask_duration",
          "ask_duration", "ask_materials", "ask_fee", "ask_location", "ask_duration"]  # fmt: skip


def test_two_classes_fit_as_scikit_learn():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 8))
    y = (x @ rng.normal(size=8) + 0.3 * rng.normal(size=300) > 0.2).astype(int)
    coef, intercept = fit(x, y, 2, c=1.0, max_iter=2000)
    theirs = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    np.testing.assert_allclose(coef, theirs.coef_, atol=2e-3)
    np.testing.assert_allclose(intercept, theirs.intercept_, atol=2e-3)


def test_the_intent_model_fits_as_scikit_learn():
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from assistant.understanding.intent import analyzer

    vectors = np.random.default_rng(1).normal(size=(len(TEXTS), 5)).astype(np.float32)
    mine = IntentModel.train(TEXTS, LABELS, vectors)
    tfidf = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=1)
    features = sparse.hstack([tfidf.fit_transform(TEXTS).astype(np.float32), sparse.csr_matrix(vectors)]).tocsr()
    theirs = LogisticRegression(C=8.0, max_iter=3000).fit(features, LABELS)
    assert mine.vocab == tfidf.vocabulary_ and mine.classes == list(theirs.classes_)
    np.testing.assert_allclose(mine.idf, tfidf.idf_, rtol=1e-6)
    np.testing.assert_allclose(mine.coef, theirs.coef_, atol=0.02 * np.abs(theirs.coef_).max())
    for text, vec, label in zip(TEXTS, vectors, LABELS):
        assert mine.predict(text, vec).intent == label


def test_a_fit_from_an_earlier_model_reaches_the_same_optimum():
    vectors = np.random.default_rng(2).normal(size=(len(TEXTS), 3)).astype(np.float32)
    before = IntentModel.train(TEXTS[:-1], LABELS[:-1], vectors[:-1])  # one example fewer, one n-gram vocabulary less
    cold = IntentModel.train(TEXTS, LABELS, vectors)
    warm = IntentModel.train(TEXTS, LABELS, vectors, start=before)
    np.testing.assert_allclose(warm.coef, cold.coef, atol=0.02 * np.abs(cold.coef).max())
    for text, vec in zip(TEXTS, vectors):
        assert warm.predict(text, vec).intent == cold.predict(text, vec).intent
    assert before.aligned(cold.classes, cold.vocab, 4) is None  # another embedding size starts cold
    assert before.aligned(cold.classes[:-1], cold.vocab, 3) is None  # so do other classes


def test_a_single_class_is_refused_by_the_caller_not_fitted_silently():
    with pytest.raises(ValueError):
        IntentModel.train(["□要带什么", "□要带哪些材料"], ["ask_materials", "ask_materials"], np.zeros((2, 0), dtype=np.float32))
