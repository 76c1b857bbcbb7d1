"""linnet_crit: every complex critical point of regularized deep linear networks."""

__version__ = "0.1.0"

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

__all__ = [
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
