"""The one exception hierarchy of linnet_crit.

Library code raises these; only :mod:`linnet_crit.cli` catches them. Every message names the
offending value and says how to fix it.
"""

from __future__ import annotations

__all__ = [
    "LinnetCritError",
    "ArchitectureError",
    "DataError",
    "BoundNotApplicableError",
    "BackendUnavailableError",
    "ToolUnavailableError",
    "SolverError",
    "PositiveDimensionalError",
    "FileFormatError",
    "BudgetExceededError",
]


class LinnetCritError(Exception):
    """Base class of every error raised on purpose by linnet_crit."""


class ArchitectureError(LinnetCritError, ValueError):
    """The widths do not describe a deep linear network."""


class DataError(LinnetCritError, ValueError):
    """Data X, Y or regularization Λ are missing, malformed or of the wrong shape."""


class BoundNotApplicableError(LinnetCritError):
    """A bound was asked for outside the hypotheses under which it holds."""


class BackendUnavailableError(LinnetCritError):
    """A solver backend cannot run here (for example Julia is not installed)."""


class ToolUnavailableError(LinnetCritError):
    """An external tool (gfan, Singular, phc, …) needed for this computation is not installed."""


class SolverError(LinnetCritError):
    """A solver could not complete a computation it was asked for."""


class PositiveDimensionalError(SolverError):
    """The critical set has a positive-dimensional component, so it cannot be enumerated."""

    def __init__(self, message: str, dimension: int | None = None) -> None:
        super().__init__(message)
        self.dimension = dimension


class FileFormatError(LinnetCritError, ValueError):
    """A file is corrupt, truncated or not written by linnet_crit."""


class BudgetExceededError(LinnetCritError):
    """A computation would exceed the path or memory budget it was given."""
