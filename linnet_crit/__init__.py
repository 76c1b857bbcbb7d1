"""linnet_crit: every complex critical point of regularized deep linear networks."""

from ._version import __version__

import importlib
from typing import Any

from .architecture import Architecture, as_architecture, parse_widths
from .data import Instance, load_instance, random_instance
from .errors import (
    ArchitectureError,
    BackendUnavailableError,
    BoundNotApplicableError,
    BudgetExceededError,
    DataError,
    FileFormatError,
    LinnetCritError,
    PositiveDimensionalError,
    SolverError,
    ToolUnavailableError,
)
from .results import PathResult, ReturnCode, SolveCounts, SolveResult, StageReport

# ``study`` and ``verify`` are also the names of submodules: importing the submodule binds the
# package attribute to the module, so these two functions must be bound eagerly to stay functions.
# Their modules load the solvers, so what they return costs nothing more to bind here.
from .study import StudyResult, draw_seeds, study
from .verify import (
    CertificationResult,
    ExactCount,
    StabilityReport,
    VerificationReport,
    certify,
    count_stability,
    exact_count,
    local_dimension,
    verify,
)
from .zeros import ZeroPattern, zero_pattern

# Everything else is imported on first use (PEP 562): the modules behind these names pull in
# sympy, networkx, scipy.spatial or matplotlib, which cost about a second of start-up that a
# numeric solve never needs.
_LAZY: dict[str, tuple[str, ...]] = {
    "solvers": (
        "GenericSolutionSet", "MonodromyOptions", "SolveOptions", "TrackResult", "TrackerOptions",
        "available_backends", "prepare", "solve", "solve_many", "track_parameter_homotopy",
    ),
    "system": ("GradientSystem", "gradient_system"),
    "bounds": (
        "all_bounds", "bezout", "bh_torus", "bh_total", "bkk_affine", "bkk_torus", "multihomogeneous_bezout",
        "published_row", "published_rows",
    ),
    "classify": (
        "OrbitReport", "PatternTable", "RealPointTable", "critical_point_table", "orbit_completeness",
        "pattern_table", "sign_orbit",
    ),
    "readwrite": ("StreamedSolveResult", "append_record", "read_records", "read_result", "show", "write_result"),
    "streamed": ("solve_to_file",),
    "budget": ("Estimate", "check_budget", "estimate_solve", "estimate_study"),
    "executors": ("Executor", "make_executor", "register_executor"),
    "landscape": (
        "CriticalProduct", "DepthScan", "GrowthFit", "RealStatistics", "RegularizationPath",
        "UnregularizedCheck", "check_unregularized", "critical_products", "depth_scan", "landscape_study",
        "real_statistics", "regularization_path",
    ),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> Any:
    """The public names of the heavier subpackages, imported when first asked for."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'linnet_crit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


# sorted (tests/test_public_api.py checks it): the classes, then ``__version__``, then the functions
__all__ = [
    "Architecture",
    "ArchitectureError",
    "BackendUnavailableError",
    "BoundNotApplicableError",
    "BudgetExceededError",
    "CertificationResult",
    "CriticalProduct",
    "DataError",
    "DepthScan",
    "Estimate",
    "ExactCount",
    "Executor",
    "FileFormatError",
    "GenericSolutionSet",
    "GradientSystem",
    "GrowthFit",
    "Instance",
    "LinnetCritError",
    "MonodromyOptions",
    "OrbitReport",
    "PathResult",
    "PatternTable",
    "PositiveDimensionalError",
    "RealPointTable",
    "RealStatistics",
    "RegularizationPath",
    "ReturnCode",
    "SolveCounts",
    "SolveOptions",
    "SolveResult",
    "SolverError",
    "StabilityReport",
    "StageReport",
    "StreamedSolveResult",
    "StudyResult",
    "ToolUnavailableError",
    "TrackResult",
    "TrackerOptions",
    "UnregularizedCheck",
    "VerificationReport",
    "ZeroPattern",
    "__version__",
    "all_bounds",
    "append_record",
    "as_architecture",
    "available_backends",
    "bezout",
    "bh_torus",
    "bh_total",
    "bkk_affine",
    "bkk_torus",
    "certify",
    "check_budget",
    "check_unregularized",
    "count_stability",
    "critical_point_table",
    "critical_products",
    "depth_scan",
    "draw_seeds",
    "estimate_solve",
    "estimate_study",
    "exact_count",
    "gradient_system",
    "landscape_study",
    "load_instance",
    "local_dimension",
    "make_executor",
    "multihomogeneous_bezout",
    "orbit_completeness",
    "parse_widths",
    "pattern_table",
    "prepare",
    "published_row",
    "published_rows",
    "random_instance",
    "read_records",
    "read_result",
    "real_statistics",
    "register_executor",
    "regularization_path",
    "show",
    "sign_orbit",
    "solve",
    "solve_many",
    "solve_to_file",
    "study",
    "track_parameter_homotopy",
    "verify",
    "write_result",
    "zero_pattern",
]
