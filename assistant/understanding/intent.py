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
    def train(cls, texts: list[str], labels: list[str], vectors: np.ndarray, *, c: float = 8.0, start: "IntentModel | None" = None) -> "IntentModel":
        """scikit-learn's TfidfVectorizer(sublinear_tf, smooth idf, l2 rows; terms in sorted order) and
        LogisticRegression(C=c, lbfgs) written out (logistic.py): the same model without importing it.
        ``start``: a model fitted before on similar data, whose coefficients (by n-gram, and embedding)
        begin the fit; the optimum is the same, found in fewer steps."""
        from scipy import sparse

        from assistant.understanding.logistic import fit

        grams = [Counter(analyzer(t)) for t in texts]
        vocab = {g: j for j, g in enumerate(sorted({g for row in grams for g in row}))}
        df = np.zeros(len(vocab))
        indptr, indices, values = [0], [], []
        for row in grams:
            cols = np.fromiter((vocab[g] for g in row), dtype=np.int64, count=len(row))
            df[cols] += 1
            indices.append(cols)
            values.append(1.0 + np.log(np.fromiter(row.values(), dtype=np.float64, count=len(row))))
            indptr.append(indptr[-1] + len(row))
        idf = np.log((1 + len(texts)) / (1 + df)) + 1.0
        cols = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        vals = np.concatenate(values) * idf[cols] if values else np.zeros(0)
        words = sparse.csr_matrix((vals, cols, np.asarray(indptr)), shape=(len(texts), len(vocab)))
        norms = np.sqrt(np.asarray(words.multiply(words).sum(axis=1)).ravel())
        words = sparse.diags(1.0 / np.maximum(norms, 1e-300)) @ words
        words = words.astype(np.float32)  # as scikit-learn was given it
        features = sparse.hstack([words, sparse.csr_matrix(np.asarray(vectors, dtype=np.float32) * EMBED_WEIGHT)]).tocsr()
        classes = sorted(set(labels))
        index = {label: i for i, label in enumerate(classes)}
        y = np.array([index[label] for label in labels])
        coef, intercept = fit(features, y, len(classes), c=c, max_iter=3000, start=start.aligned(classes, vocab, vectors.shape[1]) if start else None)
        return cls(classes, vocab, idf.astype(np.float32), coef.astype(np.float32), intercept.astype(np.float32))

    def aligned(self, classes: list[str], vocab: dict[str, int], dim: int) -> tuple[np.ndarray, np.ndarray] | None:
        """This model's coefficients laid out for another vocabulary (an n-gram it lacks starts at 0),
        or None when its classes or embedding size differ."""
        if self.classes != classes or self.coef.shape[1] - len(self.vocab) != dim:
            return None
        coef = np.zeros((len(classes) if len(classes) > 2 else 1, len(vocab) + dim))
        if coef.shape[0] != self.coef.shape[0]:
            return None
        mine = [(j, self.vocab[g]) for g, j in vocab.items() if g in self.vocab]
        if mine:
            new, old = np.array(mine).T
            coef[:, new] = self.coef[:, old]
        coef[:, len(vocab) :] = self.coef[:, len(self.vocab) :]
        return coef, self.intercept.astype(np.float64)

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
