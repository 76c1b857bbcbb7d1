"""The thesis formulas for the critical points per alive set (one hidden layer, one data point).

For H = 1 and m = 1 (more generally rank Σxx = min(dx, m) = 1: only Σxx = XXᵀ and Σyx = YXᵀ enter
the system, thesis Remark 3.8), with d hidden neurons and output width p:

* Bharadwaj–Hoşten (proved): at most ``C(d, r)·(4p)^r`` critical points have exactly r alive
  neurons. Summed over r this is B_C = (1 + 4p)^d (:func:`~linnet_crit.bounds.bh_total`); its
  r = d term is B_C* = (4p)^d (:func:`~linnet_crit.bounds.bh_torus`).
* Observed in all of the thesis data, not a theorem: each alive set of size r carries exactly
  ``4^r·C(p, r)`` points.

:func:`linnet_crit.classify.pattern_table` compares its counts with these.
"""

from __future__ import annotations

from math import comb

from ..architecture import Architecture

__all__ = [
    "BOUND_LABEL",
    "OBSERVATION_LABEL",
    "alive_set_observation",
    "alive_size_bound",
    "alive_formulas_apply",
]

#: The per-alive-set count observed in all of the thesis data; not a theorem.
OBSERVATION_LABEL = "observation (not a theorem): 4^r·C(p,r) points per alive set of size r"
#: Bharadwaj–Hoşten (thesis ch. 3), proved for H = 1, m = 1.
BOUND_LABEL = "Bharadwaj–Hoşten bound: at most C(d,r)·(4p)^r points with exactly r alive neurons"


def alive_formulas_apply(arch: Architecture, samples: int | None) -> bool:
    """Whether the formulas are stated for these widths and samples: H = 1 and min(dx, m) = 1.

    Examples
    --------
    >>> alive_formulas_apply(Architecture((3, 2, 2)), 1), alive_formulas_apply(Architecture((1, 2, 2, 2)), 1)
    (True, False)
    >>> alive_formulas_apply(Architecture((1, 2, 2)), 5), alive_formulas_apply(Architecture((2, 2, 2)), None)
    (True, False)
    """
    return arch.depth == 1 and samples is not None and min(arch.dx, samples) == 1


def alive_set_observation(arch: Architecture, r: int) -> int:
    """``4^r·C(p, r)``: the points observed per alive set of size r (:data:`OBSERVATION_LABEL`).

    Examples
    --------
    >>> [alive_set_observation(Architecture((1, 2, 2)), r) for r in range(3)]
    [1, 8, 16]
    """
    return 4**r * comb(arch.dy, r)


def alive_size_bound(arch: Architecture, r: int) -> int:
    """``C(d, r)·(4p)^r``: at most this many points have exactly r alive neurons (:data:`BOUND_LABEL`).

    Examples
    --------
    >>> [alive_size_bound(Architecture((1, 2, 2)), r) for r in range(3)]
    [1, 16, 64]
    """
    d, p = arch.hidden[0], arch.dy
    return comb(d, r) * (4 * p) ** r
