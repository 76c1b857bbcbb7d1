"""The zero pattern of one point: its alive neurons, stray zeros and dead-neuron-law violations.

Hidden neuron k of layer i is *dead* at a point when row k of W_i and column k of W_{i+1} both
vanish. By the dead-neuron law (any H, any m, generic Λ) a row vanishes exactly when its matching
column does, and a point with dead neurons is a critical point of the network without them, so a
point's pattern is mostly its *alive set*. Anything else that vanishes — a zero coordinate no dead
neuron explains, or a zero row whose column is not zero — is reported, never hidden.

Zero means ``|w| ≤ rtol · max(1, ‖x‖∞)``, the convention of :data:`linnet_crit.results.DEFAULT_ZERO_TOL`.
Dead neurons are decided on the whole row and column together, never on one coordinate: at real
data single coordinates of points with no zero coordinate can be as small as ~4e-4.

This is the one reading of a point that result files record (``patterns`` in every header), so it
lives below :mod:`linnet_crit.readwrite`; the classifier (:mod:`linnet_crit.classify`) builds its
tables, graphs and symmetry classes on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .architecture import Architecture
from .errors import DataError
from .results import DEFAULT_ZERO_TOL

__all__ = ["AliveSet", "ZeroPattern", "point_vector", "zero_masks", "zero_pattern"]

#: Per hidden layer, the 0-based indices of the alive neurons.
AliveSet = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class ZeroPattern:
    """Which hidden neurons are alive at a point, and which zeros no dead neuron explains.

    Attributes
    ----------
    alive : tuple of tuple of int
        Per hidden layer, the 0-based indices of the alive neurons (the origin: all empty).
    stray_zeros : tuple of int
        Flat indices (variable order of the architecture) of zero coordinates that lie in no
        row or column of a dead neuron.
    law_violations : tuple of (int, int)
        ``(layer, neuron)`` (layer 1-based, neuron 0-based) whose row of W_layer is zero while
        its column of W_{layer+1} is not, or the reverse: the dead-neuron law fails there.
    rtol : float
        Relative zero tolerance used.
    threshold : float
        The absolute threshold ``rtol · max(1, ‖x‖∞)`` it gave at this point.
    """

    alive: AliveSet
    stray_zeros: tuple[int, ...]
    law_violations: tuple[tuple[int, int], ...]
    rtol: float
    threshold: float

    @property
    def sizes(self) -> tuple[int, ...]:
        """Number of alive neurons per hidden layer."""
        return tuple(len(s) for s in self.alive)

    @property
    def is_origin(self) -> bool:
        return not any(self.alive)

    @property
    def is_clean(self) -> bool:
        """Every zero is explained by a dead neuron and the dead-neuron law holds."""
        return not self.stray_zeros and not self.law_violations

    def to_dict(self, architecture: Architecture | None = None) -> dict[str, Any]:
        """JSON-ready; stray zeros are named ``W{layer}_{row}_{col}`` when the architecture is given."""
        names = architecture.variable_names() if architecture is not None else None
        return {
            "alive": [list(s) for s in self.alive],
            "stray_zeros": [names[k] if names else k for k in self.stray_zeros],
            "law_violations": [list(v) for v in self.law_violations],
            "rtol": self.rtol,
            "threshold": self.threshold,
        }


def point_vector(point: np.ndarray, arch: Architecture) -> np.ndarray:
    """``point`` as one finite flat vector of ``arch``'s weights, or DataError saying what is wrong."""
    x = np.asarray(point)
    if x.ndim != 1:
        raise DataError(f"a point must be one flat vector of {arch.n_unknowns} weights, got shape {x.shape}")
    arch.split(x)  # raises naming the length when it does not match
    if not np.all(np.isfinite(x)):
        raise DataError("a point has NaN or infinite coordinates; drop failed paths before classifying")
    return x


def zero_masks(x: np.ndarray, arch: Architecture, rtol: float) -> tuple[list[np.ndarray], float]:
    """Per weight matrix, which entries are zero (``|w| ≤ rtol · max(1, ‖x‖∞)``), and that threshold."""
    if not rtol >= 0:
        raise DataError(f"rtol = {rtol!r}: the zero tolerance must be a number ≥ 0, e.g. 1e-8")
    threshold = rtol * max(1.0, float(np.abs(x).max(initial=0.0)))
    return [np.abs(w) <= threshold for w in arch.split(x)], threshold


def zero_pattern(point: np.ndarray, arch: Architecture, rtol: float = DEFAULT_ZERO_TOL) -> ZeroPattern:
    """The alive neurons of a (Newton-refined) point, its stray zeros and dead-neuron-law violations.

    Parameters
    ----------
    point : (N,) array
        Weights in the variable order of ``arch``.
    arch : Architecture
    rtol : float
        A weight is zero when ``|w| ≤ rtol · max(1, ‖x‖∞)``. A neuron is dead when its whole row
        of W_i and column of W_{i+1} are zero.

    Examples
    --------
    >>> arch = Architecture((1, 2, 1))
    >>> p = zero_pattern(np.array([0.0, 0.7, 0.0, -1.2]), arch)
    >>> p.alive, p.stray_zeros, p.is_clean
    (((1,),), (), True)
    >>> zero_pattern(np.array([0.0, 0.7, 0.5, -1.2]), arch).law_violations
    ((1, 0),)
    """
    x = point_vector(point, arch)
    small, threshold = zero_masks(x, arch, rtol)
    alive, violations = [], []
    for layer in range(1, arch.depth + 1):
        row_zero = small[layer - 1].all(axis=1)
        col_zero = small[layer].all(axis=0)
        alive.append(tuple(int(k) for k in np.flatnonzero(~(row_zero & col_zero))))
        violations += [(layer, int(k)) for k in np.flatnonzero(row_zero != col_zero)]
    explained = [np.zeros(shape, dtype=bool) for shape in arch.shapes]
    for layer, (width, kept) in enumerate(zip(arch.hidden, alive), start=1):
        dead = np.setdiff1d(np.arange(width), kept)
        explained[layer - 1][dead, :] = True
        explained[layer][:, dead] = True
    stray = np.flatnonzero(arch.join([s & ~e for s, e in zip(small, explained)]))
    return ZeroPattern(tuple(alive), tuple(int(k) for k in stray), tuple(violations), float(rtol), threshold)
