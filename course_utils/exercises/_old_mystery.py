"""Material for exercises whose answer must not be visible in the notebook (the checks know it)."""

import numpy as np

KINDS = ("slow", "good", "oscillating", "diverging")

#: What each kind of loss curve looks like, as the checks explain it.
KIND_EXPLANATIONS = {
    "slow": "it falls steadily but is still far above its floor at the end: the rate is too small",
    "good": "it falls fast, then flattens (small wiggles come from the mini-batches)",
    "oscillating": "it keeps jumping up and down instead of settling: the rate is near the edge of stability",
    "diverging": "it grows without bound (to inf, then NaN): the rate is above the stability limit",
}

# The hidden truth: curve name -> (kind, rate as a fraction of the largest stable full-batch rate).
_MYSTERY = {"A": ("oscillating", 0.9), "B": ("slow", 0.02), "C": ("diverging", 1.5), "D": ("good", 0.25)}


def _sgd_losses(rate_factor, steps=120, batch=10, n=200, seed=3):
    """Full-data MSE after each step of mini-batch SGD on a least-squares problem."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [3.0, 1.0, 0.5, 0.2]
    y = X @ [1.0, -2.0, 0.5, 3.0] + 0.5 * rng.normal(size=n)
    rate = rate_factor * 2 / np.linalg.eigvalsh(2 / n * X.T @ X).max()
    order = rng.permutation(np.tile(np.arange(n), steps * batch // n + 1))
    w, losses = np.zeros(4), []
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            losses.append(np.mean((X @ w - y) ** 2))
            rows = order[step * batch:(step + 1) * batch]
            w = w - rate * 2 / batch * X[rows].T @ (X[rows] @ w - y[rows])
    return np.array(losses)


def mystery_loss_curves():
    """Four loss curves, A to D, of mini-batch SGD runs whose learning rates are hidden."""
    return {name: _sgd_losses(factor) for name, (_, factor) in _MYSTERY.items()}


def mystery_kinds():
    """The answer to the exercise (used by its check)."""
    return {name: kind for name, (kind, _) in _MYSTERY.items()}
