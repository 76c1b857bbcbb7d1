"""Sorting critical points: zero patterns, symmetry classes, sign-flip orbits, real points.

Every function takes plain arrays of points (e.g. ``SolveResult.solutions``) and records the
tolerances it used in what it returns.
"""

from .orbits import Orbit, OrbitReport, orbit_completeness, sign_orbit
from .patterns import (
    BOUND_LABEL,
    OBSERVATION_LABEL,
    AliveSetCount,
    Comparison,
    PatternClass,
    PatternTable,
    SizeCount,
    ZeroPattern,
    network_graph,
    pattern_table,
    zero_pattern,
)
from .real import (
    DEFAULT_EIGENVALUE_RTOL,
    DEFAULT_LOSS_RTOL,
    KINDS,
    RealPoint,
    RealPointTable,
    critical_point_table,
    hessian,
)

__all__ = [
    "AliveSetCount",
    "BOUND_LABEL",
    "Comparison",
    "DEFAULT_EIGENVALUE_RTOL",
    "DEFAULT_LOSS_RTOL",
    "KINDS",
    "OBSERVATION_LABEL",
    "Orbit",
    "OrbitReport",
    "PatternClass",
    "PatternTable",
    "RealPoint",
    "RealPointTable",
    "SizeCount",
    "ZeroPattern",
    "critical_point_table",
    "hessian",
    "network_graph",
    "orbit_completeness",
    "pattern_table",
    "sign_orbit",
    "zero_pattern",
]
