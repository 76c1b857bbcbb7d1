"""Count stability: solve the same architecture over several seeds and data draws, compare counts.

A homotopy count that changes with the solver seed or with the (generic) data draw has lost or
invented solutions somewhere; every draw that disagrees with the mode is reported.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..architecture import Architecture
from ..data import random_instance

__all__ = ["StabilityDraw", "StabilityReport", "count_stability", "data_seed"]


@dataclass(frozen=True)
class StabilityDraw:
    """One solve: solver ``seed``, data draw number ``draw`` and the ``data_seed`` it used."""

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

    def summary(self) -> str:
        return (
            f"widths {','.join(map(str, self.widths))} (m = {self.samples}): {len(self.draws)} solves, "
            f"mode {self.mode_n_solutions} solutions / {self.mode_n_torus} torus, spread "
            f"{self.spread_n_solutions} / {self.spread_n_torus}, "
            f"{len(self.disagreeing)} disagreeing draws; {self.seconds:.1f} s"
        )


def data_seed(seed: int, draw: int) -> int:
    """The seed of data draw ``draw`` under solver seed ``seed`` (independent streams per pair).

    Examples
    --------
    >>> data_seed(0, 0) == data_seed(0, 0) != data_seed(0, 1)
    True
    """
    return int(np.random.SeedSequence([seed, draw]).generate_state(1)[0])


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
        Solver seeds; each one also seeds its data draws through :func:`data_seed`.
    draws_per_seed : int
        Data draws per solver seed.

    Examples
    --------
    >>> report = count_stability((1, 1, 1), seeds=(0, 1))
    >>> report.mode_n_solutions, report.stable
    (5, True)
    """
    from ..solvers import solve  # the engine imports verify, so import it only when used

    start = time.perf_counter()
    arch = arch if isinstance(arch, Architecture) else Architecture.parse(arch)
    draws = []
    for seed in seeds:
        for draw in range(draws_per_seed):
            dseed = data_seed(seed, draw)
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
