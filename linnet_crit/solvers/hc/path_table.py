"""HC.jl's path records as plain arrays, and their return codes in linnet_crit's vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...data import Instance
from ...results import PathResult, ReturnCode

__all__ = ["PathTable", "Stage", "return_code"]

_RAW_CODES = {
    "success": ReturnCode.SUCCESS,
    "at_infinity": ReturnCode.AT_INFINITY,
    # HC.jl returns at_zero only with zero_is_at_infinity, which the bridge never sets.
    "at_zero": ReturnCode.AT_INFINITY,
    "terminated_step_size_too_small": ReturnCode.STEP_SIZE_TOO_SMALL,
    "terminated_max_steps": ReturnCode.MAX_STEPS,
    "terminated_max_extended_steps": ReturnCode.MAX_STEPS,
    "terminated_ill_conditioned": ReturnCode.ILL_CONDITIONED,
}


def return_code(raw: str, singular: bool) -> ReturnCode:
    """linnet_crit's code for HC.jl's return code ``raw`` (a successful singular endpoint is SINGULAR).

    Examples
    --------
    >>> return_code("success", False), return_code("success", True)
    (<ReturnCode.SUCCESS: 'success'>, <ReturnCode.SINGULAR: 'singular'>)
    >>> return_code("terminated_accuracy_limit", False)
    <ReturnCode.FAILED: 'failed'>
    """
    if raw == "success" and singular:
        return ReturnCode.SINGULAR
    return _RAW_CODES.get(raw, ReturnCode.FAILED)


@dataclass(frozen=True, eq=False)
class PathTable:
    """Every tracked path of one HC.jl call, one array per field (paths in rows).

    ``winding_numbers`` are 0 where HC.jl computed none; ``start_solutions`` rows are NaN where
    HC.jl kept no start vector (polyhedral paths); ``seed`` is HC.jl's seed (−1 if none).
    """

    solutions: np.ndarray
    return_codes: tuple[str, ...]
    residuals: np.ndarray
    accuracies: np.ndarray
    conditions: np.ndarray
    singular: np.ndarray
    multiplicities: np.ndarray
    winding_numbers: np.ndarray
    steps: np.ndarray
    t: np.ndarray
    start_solutions: np.ndarray
    paths_tracked: int
    seed: int
    hc_version: str

    @classmethod
    def from_julia(cls, table: Any, n_unknowns: int) -> PathTable:
        """Copy the NamedTuple returned by LinnetCrit.jl into numpy arrays."""
        codes = tuple(str(code) for code in table.return_codes)
        P = len(codes)

        def array(value: Any, dtype: type, shape: tuple[int, ...]) -> np.ndarray:
            # An empty Julia array may not export a buffer; its shape is known anyway.
            return np.array(value, dtype=dtype).reshape(shape) if P else np.zeros(shape, dtype)

        return cls(
            solutions=array(table.solutions, complex, (P, n_unknowns)),
            return_codes=codes,
            residuals=array(table.residuals, float, (P,)),
            accuracies=array(table.accuracies, float, (P,)),
            conditions=array(table.conditions, float, (P,)),
            singular=array(table.singular, bool, (P,)),
            multiplicities=array(table.multiplicities, int, (P,)),
            winding_numbers=array(table.winding_numbers, int, (P,)),
            steps=array(table.steps, int, (P,)),
            t=array(table.t, float, (P,)),
            start_solutions=array(table.start_solutions, complex, (P, n_unknowns)),
            paths_tracked=int(table.paths_tracked),
            seed=int(table.seed),
            hc_version=str(table.hc_version),
        )

    def path_results(self, stage: str) -> list[PathResult]:
        """One :class:`PathResult` per path, labelled with ``stage``."""
        return [
            PathResult(
                solution=self.solutions[k],
                return_code=return_code(raw, bool(self.singular[k])),
                residual=float(self.residuals[k]),
                condition=float(self.conditions[k]),
                accuracy=float(self.accuracies[k]),
                steps=int(self.steps[k]),
                t=float(self.t[k]),
                start_solution=None if np.isnan(self.start_solutions[k]).any() else self.start_solutions[k],
                stage=stage,
                winding_number=int(self.winding_numbers[k]) or None,
                multiplicity=int(self.multiplicities[k]),
                raw_code=raw,
            )
            for k, raw in enumerate(self.return_codes)
        ]


@dataclass(frozen=True, eq=False)
class Stage:
    """One HC.jl call: its name, its path table, its wall time, and the instance its endpoints solve."""

    name: str
    table: PathTable
    seconds: float
    instance: Instance
