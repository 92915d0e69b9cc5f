"""Intent classifier: character n-gram TF-IDF plus the e5 sentence embedding, multinomial logistic
regression. Saved as JSON + .npy (no pickle), loaded by the server at start."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant import __version__
from assistant.understanding.text import char_ngrams, normalize

EMBED_WEIGHT = 1.0


def analyzer(text: str) -> list[str]:
    return char_ngrams(normalize(text), (1, 2, 3))


@dataclass(frozen=True)
class IntentPrediction:
    intent: str
    confidence: float
    scores: dict[str, float]


class IntentModel:
    def __init__(self, classes: list[str], vocab: dict[str, int], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> None:
        self.classes, self.vocab, self.idf, self.coef, self.intercept = classes, vocab, idf, coef, intercept
        self._words: np.ndarray | None = None
        self._embedding: np.ndarray | None = None

    @classmethod
    def train(cls, texts: list[str], labels: list[str], vectors: np.ndarray, *, c: float = 8.0) -> "IntentModel":
        # imported here: serving only reads the saved arrays, and scikit-learn costs 1.7 s and 130 MB to import
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        from scipy import sparse

        tfidf = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=1)
        # sparse: the same fit as on the dense matrix, about three times faster
        features = sparse.hstack([tfidf.fit_transform(texts).astype(np.float32), sparse.csr_matrix(vectors * EMBED_WEIGHT)]).tocsr()
        clf = LogisticRegression(C=c, max_iter=3000)
        clf.fit(features, labels)
        vocab = {k: int(v) for k, v in tfidf.vocabulary_.items()}
        return cls(list(clf.classes_), vocab, tfidf.idf_.astype(np.float32), clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32))

    def _tfidf(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's TF-IDF row as (columns, values): a dozen n-grams out of thousands."""
        columns, values = [], []
        for gram, count in Counter(analyzer(text)).items():
            j = self.vocab.get(gram)
            if j is not None:
                columns.append(j)
                values.append((1.0 + np.log(count)) * self.idf[j])
        row = np.asarray(values, dtype=np.float32)
        norm = np.linalg.norm(row)
        return np.asarray(columns, dtype=np.int64), (row / norm if norm else row)

    def predict(self, text: str, vector: np.ndarray) -> IntentPrediction:
        if self._words is None:  # the coefficients split once: n-gram rows to gather, embedding block
            self._words = np.ascontiguousarray(self.coef[:, : len(self.vocab)].T)
            self._embedding = np.ascontiguousarray(self.coef[:, len(self.vocab) :])
        columns, values = self._tfidf(text)
        logits = values @ self._words[columns] + self._embedding @ (vector.astype(np.float32) * EMBED_WEIGHT) + self.intercept
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        best = int(np.argmax(probs))
        return IntentPrediction(self.classes[best], float(probs[best]), {c: float(p) for c, p in zip(self.classes, probs)})

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        params = {"version": __version__, "classes": self.classes, "embed_weight": EMBED_WEIGHT}
        (directory / "params.json").write_text(json.dumps(params, ensure_ascii=False, indent=1), encoding="utf-8")
        (directory / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        np.save(directory / "idf.npy", self.idf)
        np.save(directory / "coef.npy", self.coef)
        np.save(directory / "intercept.npy", self.intercept)

    @classmethod
    def load(cls, directory: Path) -> "IntentModel":
        params_file = directory / "params.json"
        if not params_file.exists():
            raise FileNotFoundError(f"no intent model in {directory}: run `assistant train`")
        params = json.loads(params_file.read_text(encoding="utf-8"))
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        load = lambda name: np.load(directory / name, allow_pickle=False)  # noqa: E731
        return cls(params["classes"], vocab, load("idf.npy"), load("coef.npy"), load("intercept.npy"))
