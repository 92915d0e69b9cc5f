"""Fine-tuning the Dense adapter over frozen e5 vectors with MultipleNegativesRankingLoss (in-batch
negatives), in numpy. e5 is frozen, so training needs only its cached outputs, never the model
framework: the gradient of one affine layer, L2 normalisation and a softmax is written out below."""

from __future__ import annotations

import numpy as np


def _forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h = x @ w.T + b
    n = np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-12)
    return h / n, n


def _backward_unit(grad: np.ndarray, unit: np.ndarray, norm: np.ndarray) -> np.ndarray:
    """Gradient through h -> h / |h|."""
    return (grad - unit * np.sum(grad * unit, axis=1, keepdims=True)) / norm


def train_adapter(queries: np.ndarray, passages: np.ndarray, passage_ids: list[str], w: np.ndarray, b: np.ndarray,
                  *, epochs: int = 4, scale: float = 20.0, lr: float = 2e-4, batch: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[float]]:  # fmt: skip
    """Adam on (weight, bias); returns them and the mean loss per epoch. Rows i of queries and passages are
    a pair; passages with the same id (text) are not negatives of each other."""
    w, b = w.astype(np.float32).copy(), b.astype(np.float32).copy()  # float32 halves the time; Adam does not mind
    q_all, p_all = queries.astype(np.float32), passages.astype(np.float32)
    ids = np.unique(np.asarray(passage_ids), return_inverse=True)[1]
    rng = np.random.default_rng(seed)
    m = [np.zeros_like(w), np.zeros_like(b)]
    v = [np.zeros_like(w), np.zeros_like(b)]
    beta1, beta2, eps, t = 0.9, 0.999, 1e-8, 0
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(q_all))
        total = 0.0
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            xq, xp = q_all[idx], p_all[idx]
            q, nq = _forward(xq, w, b)
            p, np_ = _forward(xp, w, b)
            logits = scale * (q @ p.T)
            same = (ids[idx][:, None] == ids[idx][None, :]) & ~np.eye(len(idx), dtype=bool)
            logits[same] = -1e4
            logits -= logits.max(axis=1, keepdims=True)
            probs = np.exp(logits)
            probs /= probs.sum(axis=1, keepdims=True)
            k = len(idx)
            total += float(-np.log(np.maximum(probs[np.arange(k), np.arange(k)], 1e-300)).sum())
            dlogits = ((probs - np.eye(k)) / k).astype(np.float32)
            dq = scale * dlogits @ p
            dp = scale * dlogits.T @ q
            dhq, dhp = _backward_unit(dq, q, nq), _backward_unit(dp, p, np_)
            grads = [dhq.T @ xq + dhp.T @ xp, dhq.sum(0) + dhp.sum(0)]
            t += 1
            for j, (param, g) in enumerate(zip((w, b), grads)):
                m[j] = beta1 * m[j] + (1 - beta1) * g
                v[j] = beta2 * v[j] + (1 - beta2) * g * g
                param -= lr * (m[j] / (1 - beta1**t)) / (np.sqrt(v[j] / (1 - beta2**t)) + eps)
        losses.append(total / len(q_all))
    return w.astype(np.float32), b.astype(np.float32), losses
