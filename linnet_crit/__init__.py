"""linnet_crit: every complex critical point of regularized deep linear networks."""

from ._version import __version__

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
from .solvers import MonodromyOptions, SolveOptions, TrackerOptions, available_backends, solve
from .system import GradientSystem, gradient_system
from .bounds import (
    all_bounds,
    bezout,
    bh_torus,
    bh_total,
    bkk_affine,
    bkk_torus,
    multihomogeneous_bezout,
    published_row,
    published_rows,
)
from .classify import (
    critical_point_table,
    format_pattern_table,
    format_real_table,
    orbit_completeness,
    pattern_table,
    patterns_as_json,
    sign_orbit,
    zero_pattern,
)
from .readwrite import append_record, read_records, read_result, show, summarize, write_result
from .study import StudyResult, study
from .budget import check_budget, estimate_solve, estimate_study
from .executors import make_executor, register_executor
from .landscape import (
    check_unregularized,
    critical_products,
    depth_scan,
    landscape_study,
    real_statistics,
    regularization_path,
)
from .verify import certify, count_stability, exact_count, local_dimension, verify

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
