"""HC.jl's interval certification of a SolveResult, with HC.jl's names for the counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...data import Instance
from ...errors import SolverError

__all__ = ["Certification"]


@dataclass(frozen=True)
class Certification:
    """HC.jl's interval (Krawczyk) certification of the solutions of a :class:`SolveResult`.

    Per solution: ``certified`` (a unique true solution lies in a certified box around it),
    ``real`` (certified real) and ``distinct`` (certified, and not a duplicate of an earlier one).
    The counts carry the names of HC.jl's ``CertificationResult`` accessors. ``real_system`` says
    whether the system at the data is real; a box proves its solution real only then, so complex
    data have no certified real solution.
    """

    certified: np.ndarray
    real: np.ndarray
    distinct: np.ndarray
    ncertified: int
    nreal_certified: int
    ndistinct_certified: int
    ndistinct_real_certified: int
    real_system: bool
    engine_version: str

    @property
    def all_certified_distinct(self) -> bool:
        return bool(self.distinct.all())

    @classmethod
    def from_julia(cls, raw: Any, instance: Instance) -> Certification:
        """Copy LinnetCrit.certify's NamedTuple, checking that HC.jl saw the data's realness."""
        real_system = bool(raw.real_system)
        if real_system != instance.is_real:
            raise SolverError(
                f"HC.jl certified a {'real' if real_system else 'complex'} system for "
                f"{'real' if instance.is_real else 'complex'} data; this is a bug in the hc bridge "
                "(LinnetCrit.at_parameters), report it with the widths"
            )
        return cls(
            certified=np.array(raw.certified, dtype=bool),
            real=np.array(raw.real, dtype=bool),
            distinct=np.array(raw.distinct, dtype=bool),
            ncertified=int(raw.ncertified),
            nreal_certified=int(raw.nreal_certified),
            ndistinct_certified=int(raw.ndistinct_certified),
            ndistinct_real_certified=int(raw.ndistinct_real_certified),
            real_system=real_system,
            engine_version=f"HomotopyContinuation.jl {raw.hc_version}",
        )
