"""Real-point statistics over data draws: N_R, Hessian indices, losses per index, spurious minima.

Everything here is computed from the per-draw records of :func:`linnet_crit.study` (its
:class:`~linnet_crit.study.DrawRecord` keeps, for every real critical point of a draw, the loss,
the Hessian index and the kind given by :func:`linnet_crit.critical_point_table`). Losses follow
the package convention ``L = ½ Σ‖Wx − y‖² + ½ Σ Λ∘W∘W`` (:mod:`linnet_crit.data`).

A local minimum is *spurious* when its loss exceeds the lowest minimum loss of its draw by more
than ``loss_rtol · max(1, |lowest|)``; "lowest" is over the minima the engine found (all of them
when the engine is complete, which the verify layer checks).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..architecture import Architecture
from ..classify.real import DEFAULT_LOSS_RTOL
from ..data import Instance, random_instance
from ..errors import DataError
from ..study import DrawRecord, StudyResult, study

__all__ = ["RealStatistics", "real_statistics", "landscape_study"]


@dataclass(frozen=True)
class RealStatistics:
    """Index-resolved statistics of the real critical points of many data draws of one architecture.

    Attributes
    ----------
    widths, samples, seed, regularization
        The study these numbers come from (``seed`` seeds the monodromy and every draw).
    n_unknowns : int
        N, so Hessian indices run from 0 to N.
    n_complex, n_real, n_failed : tuple of int
        Per draw: complex critical points found, real ones, failed paths.
    index_counts : tuple of tuple of int
        Per draw, the number of non-degenerate real points of Hessian index 0, 1, …, N.
    draw_seeds : tuple of int
        The data seed of each draw (:meth:`instance` rebuilds its data).
    n_degenerate : tuple of int
        Per draw, real points with a zero Hessian eigenvalue (no index claimed).
    n_minima, n_spurious : tuple of int
        Per draw, local minima and spurious (non-global) local minima.
    losses_by_index : dict
        Index → losses of every real point of that index, all draws pooled (draw order).
    excess_by_index : dict
        Index → loss minus the lowest minimum loss of the same draw (≥ 0 for minima).
    loss_rtol : float
        Tolerance that separates global from spurious minima.
    """

    widths: tuple[int, ...]
    samples: int
    seed: int
    regularization: str
    n_unknowns: int
    n_complex: tuple[int, ...]
    n_real: tuple[int, ...]
    n_failed: tuple[int, ...]
    index_counts: tuple[tuple[int, ...], ...]
    n_degenerate: tuple[int, ...]
    n_minima: tuple[int, ...]
    n_spurious: tuple[int, ...]
    losses_by_index: dict[int, tuple[float, ...]] = field(default_factory=dict)
    excess_by_index: dict[int, tuple[float, ...]] = field(default_factory=dict)
    loss_rtol: float = DEFAULT_LOSS_RTOL
    draw_seeds: tuple[int, ...] = ()

    @property
    def n_draws(self) -> int:
        return len(self.n_real)

    @property
    def depth(self) -> int:
        return len(self.widths) - 2

    @property
    def n_real_distribution(self) -> dict[int, int]:
        """N_R → number of draws with that many real critical points."""
        return dict(sorted(Counter(self.n_real).items()))

    @property
    def complex_counts(self) -> dict[int, int]:
        """N_C → number of draws (one key when every draw found the same number)."""
        return dict(sorted(Counter(self.n_complex).items()))

    def instance(self, draw: int) -> Instance:
        """The data of draw ``draw`` (rebuilt from its recorded seed), e.g. for a brute-force check."""
        if not 0 <= draw < len(self.draw_seeds):
            raise DataError(f"draw = {draw!r}: this study has draws 0 … {len(self.draw_seeds) - 1}")
        return random_instance(self.widths, samples=self.samples, seed=self.draw_seeds[draw], regularization=self.regularization)

    def draw_index_counts(self, draw: int) -> dict[int, int]:
        """Index → number of non-degenerate real points of one draw (indices that occur)."""
        return {k: v for k, v in enumerate(self.index_counts[draw]) if v}

    def mean_index_counts(self) -> np.ndarray:
        """Mean number of real critical points of each index 0 … N per draw, shape (N + 1,)."""
        return np.asarray(self.index_counts, dtype=float).mean(axis=0)

    def index_distribution(self) -> dict[int, int]:
        """Index → number of real points of that index over all draws (indices that occur)."""
        totals = np.asarray(self.index_counts).sum(axis=0)
        return {k: int(v) for k, v in enumerate(totals) if v}

    @property
    def mean_real(self) -> float:
        return float(np.mean(self.n_real))

    @property
    def fraction_with_spurious(self) -> float:
        """Fraction of draws with at least one spurious local minimum."""
        return float(np.mean(np.asarray(self.n_spurious) > 0))

    def high_index_fraction(self, min_index: int = 2) -> float:
        """Fraction of the non-degenerate real points whose Hessian index is ≥ ``min_index``."""
        counts = np.asarray(self.index_counts).sum(axis=0)
        total = counts.sum()
        return float(counts[min_index:].sum() / total) if total else 0.0

    def draws_with_index_at_least(self, min_index: int = 2) -> float:
        """Fraction of draws with a real critical point of index ≥ ``min_index``."""
        counts = np.asarray(self.index_counts)
        return float(np.mean(counts[:, min_index:].sum(axis=1) > 0))

    def to_dict(self) -> dict[str, Any]:
        """The headline numbers as plain JSON-ready data."""
        return {
            "widths": list(self.widths),
            "samples": self.samples,
            "seed": self.seed,
            "regularization": self.regularization,
            "n_draws": self.n_draws,
            "N_C": {str(k): v for k, v in self.complex_counts.items()},
            "N_R_distribution": {str(k): v for k, v in self.n_real_distribution.items()},
            "mean_N_R": self.mean_real,
            "mean_per_index": [float(v) for v in self.mean_index_counts()],
            "index_distribution": {str(k): v for k, v in self.index_distribution().items()},
            "mean_minima": float(np.mean(self.n_minima)),
            "mean_spurious_minima": float(np.mean(self.n_spurious)),
            "fraction_draws_with_spurious_minimum": self.fraction_with_spurious,
            "fraction_points_index_ge_2": self.high_index_fraction(2),
            "degenerate_points": int(np.sum(self.n_degenerate)),
            "failed_paths": int(np.sum(self.n_failed)),
            "loss_rtol": self.loss_rtol,
        }

    def __str__(self) -> str:
        """A short plain-text report.

        Examples
        --------
        >>> stats = real_statistics_from_records((1, 1, 1), [_example_record()])
        >>> print(str(stats).splitlines()[0])
        widths 1,1,1 (m = 1, seed 0, generic Λ): 1 draws, N_C 5 (every draw), mean N_R 3.00
        """
        nc = self.complex_counts
        nc_text = f"{next(iter(nc))} (every draw)" if len(nc) == 1 else str(nc)
        lines = [
            f"widths {','.join(map(str, self.widths))} (m = {self.samples}, seed {self.seed}, "
            f"{self.regularization} Λ): {self.n_draws} draws, N_C {nc_text}, mean N_R {self.mean_real:.2f}",
            "  N_R distribution: " + ", ".join(f"{k}: {v}" for k, v in self.n_real_distribution.items()),
            "  mean real points per index: "
            + ", ".join(f"{k}: {v:.2f}" for k, v in enumerate(self.mean_index_counts()) if v),
            f"  minima per draw {np.mean(self.n_minima):.2f}, spurious per draw {np.mean(self.n_spurious):.2f}, "
            f"draws with a spurious minimum {self.fraction_with_spurious:.1%}, "
            f"real points of index ≥ 2: {self.high_index_fraction(2):.1%}",
        ]
        return "\n".join(lines)


def _spurious(losses: Sequence[float], kinds: Sequence[str], rtol: float) -> tuple[int, float | None]:
    minima = [loss for loss, kind in zip(losses, kinds) if kind == "minimum"]
    if not minima:
        return 0, None
    lowest = min(minima)
    return sum(loss > lowest + rtol * max(1.0, abs(lowest)) for loss in minima), lowest


def real_statistics_from_records(
    widths: Sequence[int],
    draws: Sequence[DrawRecord],
    *,
    samples: int = 1,
    seed: int = 0,
    regularization: str = "generic",
    loss_rtol: float = DEFAULT_LOSS_RTOL,
) -> RealStatistics:
    """:class:`RealStatistics` from draw records (e.g. read back from a study's record file)."""
    arch = Architecture(tuple(widths))
    if not draws:
        raise DataError("no draws to summarize: run study(..., draws=n) with n ≥ 1 first")
    if not loss_rtol >= 0:
        raise DataError(f"loss_rtol = {loss_rtol!r}: give a tolerance ≥ 0")
    n = arch.n_unknowns
    index_counts, degenerate, minima, spurious = [], [], [], []
    losses: dict[int, list[float]] = {}
    excess: dict[int, list[float]] = {}
    for rec in draws:
        counts = [0] * (n + 1)
        for index, kind in zip(rec.real_indices, rec.real_kinds):
            if kind != "degenerate":
                counts[index] += 1
        index_counts.append(tuple(counts))
        degenerate.append(sum(kind == "degenerate" for kind in rec.real_kinds))
        minima.append(sum(kind == "minimum" for kind in rec.real_kinds))
        n_spurious, lowest = _spurious(rec.real_losses, rec.real_kinds, loss_rtol)
        spurious.append(n_spurious)
        for loss, index, kind in zip(rec.real_losses, rec.real_indices, rec.real_kinds):
            if kind == "degenerate":
                continue
            losses.setdefault(index, []).append(float(loss))
            if lowest is not None:
                excess.setdefault(index, []).append(float(loss - lowest))
    return RealStatistics(
        widths=arch.widths,
        samples=samples,
        seed=seed,
        regularization=regularization,
        n_unknowns=n,
        n_complex=tuple(int(r.n_solutions) for r in draws),
        n_real=tuple(int(r.n_real) for r in draws),
        n_failed=tuple(int(r.n_failed) for r in draws),
        index_counts=tuple(index_counts),
        n_degenerate=tuple(degenerate),
        n_minima=tuple(minima),
        n_spurious=tuple(spurious),
        losses_by_index={k: tuple(v) for k, v in sorted(losses.items())},
        excess_by_index={k: tuple(v) for k, v in sorted(excess.items())},
        loss_rtol=float(loss_rtol),
        draw_seeds=tuple(int(r.seed) for r in draws),
    )


def real_statistics(result: StudyResult, *, loss_rtol: float = DEFAULT_LOSS_RTOL) -> RealStatistics:
    """Index-resolved real-point statistics of a finished :func:`linnet_crit.study`.

    Parameters
    ----------
    result : StudyResult
    loss_rtol : float
        Minima within ``loss_rtol · max(1, |lowest|)`` of the lowest minimum of their draw are
        global; the others are spurious.

    Examples
    --------
    >>> from linnet_crit import study
    >>> stats = real_statistics(study("1,1,1", draws=4, seed=0, workers=1))
    >>> stats.n_draws, stats.complex_counts
    (4, {5: 4})
    >>> sorted(set(stats.n_real)) <= [1, 3]
    True
    """
    if not isinstance(result, StudyResult):
        raise DataError(f"expected a StudyResult from linnet_crit.study, got {type(result).__name__}")
    return real_statistics_from_records(
        result.widths,
        result.draws,
        samples=result.samples,
        seed=result.seed,
        regularization=result.regularization,
        loss_rtol=loss_rtol,
    )


def landscape_study(
    architecture: Architecture | Sequence[int] | str,
    *,
    draws: int = 100,
    samples: int = 1,
    seed: int = 0,
    regularization: str = "generic",
    workers: int | None = 1,
    record: str | Path | None = None,
    progress: bool | None = False,
    loss_rtol: float = DEFAULT_LOSS_RTOL,
) -> RealStatistics:
    """Run :func:`linnet_crit.study` and summarize its real critical points.

    Parameters are those of :func:`linnet_crit.study` (``record`` makes the run resumable);
    ``loss_rtol`` is that of :func:`real_statistics`.

    Examples
    --------
    >>> stats = landscape_study("1,1,1,1", draws=5, seed=3)
    >>> stats.n_unknowns, len(stats.mean_index_counts())
    (3, 4)
    """
    result = study(
        architecture,
        draws=draws,
        samples=samples,
        seed=seed,
        regularization=regularization,
        workers=workers,
        record=record,
        progress=progress,
    )
    return real_statistics(result, loss_rtol=loss_rtol)


def _example_record() -> DrawRecord:
    """A hand-made draw of widths 1,1,1 (origin saddle and two global minima), for doctests."""
    return DrawRecord(
        draw=0, seed=0, n_solutions=5, n_torus=4, n_real=3, n_failed=0, n_paths=2, seconds=0.0,
        real_losses=(0.5, 0.1, 0.1), real_indices=(1, 0, 0), real_kinds=("saddle", "minimum", "minimum"),
    )
