"""linnet_crit: every complex critical point of regularized deep linear networks."""

from ._version import __version__

import importlib
from typing import Any

from .architecture import Architecture, parse_widths
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
from .results import PathResult, ReturnCode, SolveResult, StageReport

# ``study`` and ``verify`` are also the names of submodules: importing the submodule binds the
# package attribute to the module, so these two functions must be bound eagerly to stay functions.
from .study import StudyResult, study
from .verify import certify, count_stability, exact_count, local_dimension, verify

# Everything else is imported on first use (PEP 562): the modules behind these names pull in
# sympy, networkx, scipy.spatial or matplotlib, which cost about a second of start-up that a
# numeric solve never needs.
_LAZY: dict[str, tuple[str, ...]] = {
    "solvers": ("MonodromyOptions", "SolveOptions", "TrackerOptions", "available_backends", "solve"),
    "system": ("GradientSystem", "gradient_system"),
    "bounds": (
        "all_bounds", "bezout", "bh_torus", "bh_total", "bkk_affine", "bkk_torus",
        "multihomogeneous_bezout", "published_row", "published_rows",
    ),
    "classify": (
        "critical_point_table", "format_pattern_table", "format_real_table", "orbit_completeness",
        "pattern_table", "patterns_as_json", "sign_orbit", "zero_pattern",
    ),
    "readwrite": ("append_record", "read_records", "read_result", "show", "summarize", "write_result"),
    "budget": ("check_budget", "estimate_solve", "estimate_study"),
    "executors": ("make_executor", "register_executor"),
    "landscape": (
        "check_unregularized", "critical_products", "depth_scan", "landscape_study",
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


__all__ = [
    "check_budget",
    "check_unregularized",
    "critical_products",
    "depth_scan",
    "estimate_solve",
    "estimate_study",
    "landscape_study",
    "make_executor",
    "real_statistics",
    "register_executor",
    "regularization_path",
    "GradientSystem",
    "StudyResult",
    "all_bounds",
    "append_record",
    "bezout",
    "bh_torus",
    "bh_total",
    "bkk_affine",
    "bkk_torus",
    "certify",
    "count_stability",
    "critical_point_table",
    "exact_count",
    "format_pattern_table",
    "format_real_table",
    "gradient_system",
    "local_dimension",
    "multihomogeneous_bezout",
    "orbit_completeness",
    "pattern_table",
    "patterns_as_json",
    "published_row",
    "published_rows",
    "read_records",
    "read_result",
    "show",
    "sign_orbit",
    "study",
    "summarize",
    "verify",
    "write_result",
    "zero_pattern",
    "Architecture",
    "ArchitectureError",
    "BackendUnavailableError",
    "BoundNotApplicableError",
    "BudgetExceededError",
    "DataError",
    "FileFormatError",
    "Instance",
    "LinnetCritError",
    "MonodromyOptions",
    "PathResult",
    "PositiveDimensionalError",
    "ReturnCode",
    "SolveOptions",
    "SolveResult",
    "SolverError",
    "StageReport",
    "ToolUnavailableError",
    "TrackerOptions",
    "__version__",
    "available_backends",
    "load_instance",
    "parse_widths",
    "random_instance",
    "solve",
]
