"""The solver-backend protocol: every backend takes an instance and returns a SolveResult."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..data import Instance
from ..results import SolveResult
from ..options import SolveOptions

__all__ = ["Backend", "METHODS"]

#: ``auto``: the structure-aware method (alive sets, monodromy, parameter homotopy);
#: ``blackbox``: a start system with no structural assumption; ``continuation``: the generic
#: critical set carried to the data by parameter continuation and a Cauchy endgame (any data).
METHODS: tuple[str, ...] = ("auto", "blackbox", "continuation")


@runtime_checkable
class Backend(Protocol):
    """A solver backend. ``availability()`` returns ``None`` when usable, else the reason it is not."""

    name: str

    def availability(self) -> str | None: ...

    def solve(
        self,
        instance: Instance,
        *,
        method: str = "auto",
        seed: int | None = 0,
        options: SolveOptions | None = None,
        progress: bool | None = None,
    ) -> SolveResult: ...
