"""L2-regularised logistic regression, fitted with scipy's L-BFGS: the objective, scaling, start and
stopping rule of scikit-learn's LogisticRegression(solver="lbfgs") (mean log loss + ||w||^2 / (2 C n),
intercept not penalised, gtol = tol), so it reaches the same optimum. Written out because importing
scikit-learn cost 1.5 s of CPU in every retrain, more than the fits; and a fit may start from a
previous solution (the problem is strictly convex: the start changes the time, not the optimum)."""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit, logsumexp


def fit(x, labels: np.ndarray, n_classes: int, *, c: float, max_iter: int, tol: float = 1e-4,
        start: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]  # fmt: skip
    """x: (n, d) dense or scipy sparse; labels: class index per row. Returns (coef, intercept): (K, d) and
    (K,) for K > 2 classes (softmax), (1, d) and (1,) for two (the logit of class 1), as scikit-learn."""
    from scipy.optimize import minimize

    if n_classes < 2:  # as scikit-learn: one class leaves nothing to learn
        raise ValueError(f"logistic regression needs at least two classes, got {n_classes}")
    n, d = x.shape
    k = n_classes if n_classes > 2 else 1
    onehot = np.zeros((n, k))
    if k == 1:
        onehot[:, 0] = labels == 1
    else:
        onehot[np.arange(n), labels] = 1.0
    l2 = 1.0 / (c * n)
    x = x.astype(np.float32)  # the products in float32, as scikit-learn does with float32 input
    xt = x.T.tocsr() if hasattr(x, "tocsr") else np.ascontiguousarray(x.T)

    def loss_grad(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[: k * d].reshape(k, d), params[k * d :]
        z = np.asarray(x @ w.T.astype(np.float32), dtype=np.float64) + b
        if k == 1:
            loss = -float(np.sum(onehot * log_expit(z) + (1 - onehot) * log_expit(-z))) / n
            residual = (expit(z) - onehot) / n
        else:
            norm = logsumexp(z, axis=1, keepdims=True)
            loss = float(np.sum(norm) - np.sum(z * onehot)) / n
            residual = (np.exp(z - norm) - onehot) / n
        loss += 0.5 * l2 * float(np.sum(w * w))
        gw = np.asarray(xt @ residual.astype(np.float32), dtype=np.float64).T + l2 * w
        return loss, np.concatenate([gw.ravel(), residual.sum(axis=0)])

    x0 = np.zeros(k * d + k)
    if start is not None:
        x0 = np.concatenate([np.asarray(start[0], dtype=np.float64).ravel(), np.asarray(start[1], dtype=np.float64)])
    result = minimize(loss_grad, x0, method="L-BFGS-B", jac=True,
                      options={"maxiter": max_iter, "maxls": 50, "gtol": tol, "ftol": 64 * np.finfo(float).eps})  # fmt: skip
    return result.x[: k * d].reshape(k, d), result.x[k * d :]
