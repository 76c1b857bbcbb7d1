"""Point identity: when two points are the same point, and when a point has left the torus.

Critical points of linear networks are often badly scaled (the near-symmetry W_i → cW_i,
W_{i+1} → W_{i+1}/c is broken only by Λ): entries of 1e-5 next to entries of 5e3 occur at real
data. Both tests therefore look at each coordinate (or each neuron) on its own scale rather than
at the whole vector's.
"""

from __future__ import annotations

import numpy as np

from .architecture import Architecture

__all__ = ["SAME_POINT", "DEAD_NEURON", "cluster_rows", "is_torus", "match_index", "match_rows", "pairwise_distance",
           "unique_rows"]

#: Two points are the same when every coordinate agrees to this relative accuracy.
SAME_POINT = 1e-6
#: A neuron whose row and column are this small, relative to the point, is dead.
DEAD_NEURON = 1e-10
#: Coordinates below this fraction of the point's size are compared absolutely.
_FLOOR = 1e-10


def pairwise_distance(a: np.ndarray, b: np.ndarray, floor: float = _FLOOR) -> np.ndarray:
    """max_i |a_i − b_i| / (|a_i| + |b_i| + floor·scale) for every pair of rows of ``a`` and ``b``.

    The per-coordinate relative distance behind :data:`SAME_POINT`; ``scale`` is 1 plus the larger
    point's largest entry, so coordinates far below the point's size are compared absolutely.
    """
    scale = 1.0 + np.maximum(np.abs(a).max(axis=1)[:, None], np.abs(b).max(axis=1)[None, :])
    gap = np.abs(a[:, None, :] - b[None, :, :])
    size = np.abs(a)[:, None, :] + np.abs(b)[None, :, :] + floor * scale[:, :, None]
    return (gap / size).max(axis=2, initial=0.0)


def match_rows(a: np.ndarray, b: np.ndarray, tol: float = SAME_POINT, floor: float = _FLOOR) -> np.ndarray:
    """For each row of ``a``, whether it is the same point as some row of ``b``.

    ``floor`` (see :func:`pairwise_distance`): 1 compares every coordinate within ``tol`` of the
    point's size, for points whose near-zero coordinates are known only that well (unrefined
    Newton points, blackbox end points); the default compares each on its own scale.
    """
    return match_index(a, b, tol, floor) >= 0


def match_index(a: np.ndarray, b: np.ndarray, tol: float = SAME_POINT, floor: float = _FLOOR) -> np.ndarray:
    """For each row of ``a``, the index of the nearest row of ``b`` that is the same point, or −1."""
    index = np.full(len(a), -1, dtype=np.intp)
    if len(a) == 0 or len(b) == 0:
        return index
    rows = max(1, 2**20 // max(1, len(b) * a.shape[1]))
    for start in range(0, len(a), rows):
        d = pairwise_distance(a[start : start + rows], b, floor)
        nearest = d.argmin(axis=1)
        index[start : start + rows] = np.where(d[np.arange(len(d)), nearest] <= tol, nearest, -1)
    return index


def unique_rows(x: np.ndarray, tol: float = SAME_POINT) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the first occurrence of each distinct row, and a mask of rows that repeat an earlier one.

    Rows are grouped by :func:`cluster_rows` (same points joined transitively), in O(n log n): a
    quadratic all-pairs test took 38 s of a 76 s solve of widths 1,5,5 (15 525 points).
    """
    x = np.asarray(x)
    labels = cluster_rows(x[:, None] if x.ndim == 1 else x, tol)
    first = np.unique(labels, return_index=True)[1] if len(x) else np.zeros(0, dtype=np.intp)
    duplicate = np.ones(len(x), dtype=bool)
    duplicate[first] = False
    return np.sort(first), duplicate


def cluster_rows(
    x: np.ndarray, tol: float = SAME_POINT, floor: np.ndarray | float = _FLOOR, seed: int = 0
) -> np.ndarray:
    """Label of each row's cluster (0, 1, … in order of first occurrence), in O(n log n).

    Rows are the same point when every coordinate agrees as in :func:`match_rows`; ``floor`` (one
    per row, or one for all) says below which fraction of the point's size a coordinate is compared
    absolutely — larger for end points known only to an endgame's accuracy. Same points have close
    projections on a random direction w (|w·(a − b)| ≤ ‖w‖₁ · max_i |a_i − b_i|), so only neighbours in
    that order within the bound are compared; same-point pairs are joined transitively.
    """
    x = np.atleast_2d(np.asarray(x, dtype=complex))
    n = len(x)
    floors = np.broadcast_to(np.asarray(floor, dtype=float), (n,))
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if n > 1:
        w = np.random.default_rng(seed).standard_normal(x.shape[1])
        projection = x.real @ w + x.imag @ w[::-1]
        order = np.argsort(projection)
        scale = 1.0 + np.abs(x).max(axis=1)
        # a same point's gap per coordinate is ≤ tol·(|a_i| + |b_i| + floor·scale) ≤ tol·(2 + floor)·scale
        reach = 2.0 * np.abs(w).sum() * tol * (2.0 + floors.max()) * scale * (1.0 + 10 * tol)
        for k, i in enumerate(order):
            j = k + 1
            while j < n and projection[order[j]] - projection[i] <= max(reach[i], reach[order[j]]):
                other = order[j]
                pair_floor = max(floors[i], floors[other])
                if pairwise_distance(x[i : i + 1], x[other : other + 1], pair_floor)[0, 0] <= tol:
                    parent[root(other)] = root(i)
                j += 1
    roots = np.array([root(i) for i in range(n)], dtype=int)
    _, first, labels = np.unique(roots, return_index=True, return_inverse=True)
    # renumber in order of first occurrence, so labels do not depend on the projection
    rank = np.empty(len(first), dtype=int)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[labels.ravel()]


def is_torus(arch: Architecture, x: np.ndarray, tol: float = DEAD_NEURON) -> np.ndarray:
    """No dead neuron: a path that reaches a point with one has jumped off the torus solutions
    (e.g. onto the origin, which is a solution for every parameter value)."""
    x = np.atleast_2d(x)
    scale = 1.0 + np.abs(x).max(axis=1, initial=0.0)
    weights = arch.split(x)
    alive = np.all(x != 0, axis=1)
    for layer in range(arch.depth):
        rows = np.abs(weights[layer]).max(axis=2)  # (P, d_i): row k of W_i
        cols = np.abs(weights[layer + 1]).max(axis=1)  # (P, d_i): column k of W_{i+1}
        alive &= np.all(np.maximum(rows, cols) > tol * scale[:, None], axis=1)
    return alive
