"""Bounds on the number of critical points: Bézout, multihomogeneous Bézout, BKK, Bharadwaj–Hoşten,
and the thesis formulas per alive set (:mod:`~linnet_crit.bounds.formulas`).

Every bound says in its docstring whether it bounds solutions in Cⁿ or in (C*)ⁿ and under which
hypotheses; outside them it raises :class:`~linnet_crit.errors.BoundNotApplicableError`. The
published tables of the thesis ship with the package (:func:`published_row`).
"""

from .classical import bezout, bh_torus, bh_total, linear_product_paths, multihomogeneous_bezout
from .bkk import bkk_affine, bkk_torus, generic_supports, gfan_executable, mixed_volume
from .formulas import BOUND_LABEL, OBSERVATION_LABEL, alive_formulas_apply, alive_set_observation, alive_size_bound
from .published import TABLES, published_row, published_rows
from .summary import BOUND_DESCRIPTIONS, all_bounds

__all__ = [
    "bezout",
    "multihomogeneous_bezout",
    "linear_product_paths",
    "bkk_torus",
    "bkk_affine",
    "bh_total",
    "bh_torus",
    "all_bounds",
    "BOUND_DESCRIPTIONS",
    "published_row",
    "published_rows",
    "TABLES",
    "mixed_volume",
    "generic_supports",
    "gfan_executable",
    "OBSERVATION_LABEL",
    "BOUND_LABEL",
    "alive_formulas_apply",
    "alive_set_observation",
    "alive_size_bound",
]
