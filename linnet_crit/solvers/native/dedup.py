"""De-duplication of solution lists with a relative tolerance."""

from __future__ import annotations

import numpy as np

__all__ = ["unique_rows", "match_rows"]


def _distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    scale = 1.0 + np.maximum(np.abs(a).max(axis=1)[:, None], np.abs(b).max(axis=1)[None, :])
    return np.abs(a[:, None, :] - b[None, :, :]).max(axis=2) / scale


def match_rows(a: np.ndarray, b: np.ndarray, tol: float) -> np.ndarray:
    """For each row of ``a``, whether it equals (within ``tol``, relative) some row of ``b``."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros(len(a), dtype=bool)
    found = np.zeros(len(a), dtype=bool)
    for start in range(0, len(a), 256):
        found[start : start + 256] = (_distance(a[start : start + 256], b) <= tol).any(axis=1)
    return found


def unique_rows(x: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the first occurrence of each distinct row, and a mask of rows that duplicate an earlier one."""
    duplicate = np.zeros(len(x), dtype=bool)
    for start in range(0, len(x), 256):
        block = x[start : start + 256]
        d = _distance(block, x[: start + len(block)])
        for r in range(len(block)):
            i = start + r
            duplicate[i] = bool((d[r, :i] <= tol).any())
    return np.flatnonzero(~duplicate), duplicate
