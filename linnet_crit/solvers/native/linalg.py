"""Batched linear algebra that survives singular members of a batch."""

from __future__ import annotations

import numpy as np

__all__ = ["POINTS_PER_BLOCK", "batch_solve", "batch_condition"]

#: Points whose Jacobians are held at once when every critical point is refined or checked, so
#: memory does not grow with their number (all 127 905 of widths 1,6,6 at once took 10 GB;
#: 2 048 Jacobians of 56 unknowns take 100 MB).
POINTS_PER_BLOCK = 2048


def batch_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve ``A[p] x[p] = b[p]`` for every p; rows whose matrix is singular come back as NaN.

    ``b`` is ``(P, n)``, or ``(P, n, k)`` for k right-hand sides sharing one factorization.

    ``numpy.linalg.solve`` fails the whole batch on one singular matrix, so fall back to a loop
    only then.
    """
    # numpy's batched solve is several times slower on a strided batch (the evaluator's Jacobian
    # is a transposed view) for small batches (8x at 10 matrices of size 12): copy first.
    A = np.ascontiguousarray(A)
    try:
        return np.linalg.solve(A, b[..., None])[..., 0] if b.ndim == 2 else np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        out = np.full(b.shape, np.nan, dtype=np.result_type(A, b))
        for p in range(A.shape[0]):
            try:
                out[p] = np.linalg.solve(A[p], b[p])
            except np.linalg.LinAlgError:
                pass
        return out


def batch_condition(A: np.ndarray) -> np.ndarray:
    """2-norm condition number of each matrix (``inf`` for singular ones)."""
    if A.shape[0] == 0:
        return np.zeros(0)
    s = np.linalg.svd(A, compute_uv=False)
    with np.errstate(divide="ignore"):
        return np.where(s[:, -1] > 0, s[:, 0] / np.where(s[:, -1] > 0, s[:, -1], 1.0), np.inf)
