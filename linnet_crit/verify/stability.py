"""Count stability: solve the same architecture over several seeds and data draws, compare counts.

A homotopy count that changes with the solver seed or with the (generic) data draw has lost or
invented solutions somewhere; every draw that disagrees with the mode is reported.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..architecture import Architecture, as_architecture
from ..data import random_instance
from ..solvers import solve
from ..study import draw_seeds

__all__ = ["StabilityDraw", "StabilityReport", "count_stability"]


@dataclass(frozen=True)
class StabilityDraw:
    """One solve: solver ``seed``, data draw number ``draw`` and the ``data_seed`` it used
    (``draw_seeds(seed, draw + 1)[draw]``)."""

    seed: int
    draw: int
    data_seed: int
    n_solutions: int
    n_torus: int
    n_real: int
    n_failed: int
    seconds: float


@dataclass(frozen=True)
class StabilityReport:
    """Mode and spread of the counts over all draws; ``disagreeing`` lists the draws off the mode.

    Ties for the mode go to the larger count (a homotopy loses solutions far more often than it
    invents them).
    """

    widths: tuple[int, ...]
    samples: int
    draws: tuple[StabilityDraw, ...]
    mode_n_solutions: int
    mode_n_torus: int
    spread_n_solutions: int
    spread_n_torus: int
    disagreeing: tuple[StabilityDraw, ...]
    seconds: float

    @property
    def stable(self) -> bool:
        return not self.disagreeing

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["widths"] = list(self.widths)
        out["draws"] = [asdict(d) for d in self.draws]
        out["disagreeing"] = [asdict(d) for d in self.disagreeing]
        out["stable"] = self.stable
        return out

    def __str__(self) -> str:
        return (
            f"widths {','.join(map(str, self.widths))} (m = {self.samples}): {len(self.draws)} solves, "
            f"mode {self.mode_n_solutions} solutions / {self.mode_n_torus} torus, spread "
            f"{self.spread_n_solutions} / {self.spread_n_torus}, "
            f"{len(self.disagreeing)} disagreeing draws; {self.seconds:.1f} s"
        )


def _mode(values: Sequence[int]) -> int:
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], v))


def count_stability(
    arch: Architecture | Sequence[int] | str,
    *,
    samples: int = 1,
    seeds: Sequence[int] = (0, 1, 2),
    draws_per_seed: int = 1,
    regularization: str = "generic",
    backend: str = "native",
) -> StabilityReport:
    """Solve random instances of ``arch`` for every seed and draw; report the spread of the counts.

    Parameters
    ----------
    arch : Architecture or widths
    samples : int
        Number m of data points.
    seeds : sequence of int
        Solver seeds; each one also seeds its data draws: draw k of seed s has the data seed
        ``draw_seeds(s, k + 1)[k]`` (:func:`linnet_crit.study.draw_seeds`, the package's one seed
        derivation), i.e. solver seed s checks the first draws of the study of seed s.
    draws_per_seed : int
        Data draws per solver seed.

    Examples
    --------
    >>> report = count_stability((1, 1, 1), seeds=(0, 1))
    >>> report.mode_n_solutions, report.stable
    (5, True)
    """
    start = time.perf_counter()
    arch = as_architecture(arch)
    draws = []
    for seed in seeds:
        for draw, dseed in enumerate(draw_seeds(seed, draws_per_seed)):
            instance = random_instance(arch, samples, seed=dseed, regularization=regularization)
            result = solve(instance, seed=seed, backend=backend)
            draws.append(
                StabilityDraw(
                    seed, draw, dseed, result.n_solutions, result.n_torus(), result.n_real(),
                    result.n_failed, result.seconds,
                )
            )
    sols, torus = [d.n_solutions for d in draws], [d.n_torus for d in draws]
    mode_s, mode_t = _mode(sols), _mode(torus)
    return StabilityReport(
        widths=arch.widths,
        samples=samples,
        draws=tuple(draws),
        mode_n_solutions=mode_s,
        mode_n_torus=mode_t,
        spread_n_solutions=max(sols) - min(sols),
        spread_n_torus=max(torus) - min(torus),
        disagreeing=tuple(d for d in draws if d.n_solutions != mode_s or d.n_torus != mode_t),
        seconds=time.perf_counter() - start,
    )
