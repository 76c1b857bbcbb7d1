"""Depth and width scans: real-point statistics as the number H of hidden layers grows.

The question of Kac–Rice studies of random networks — does the number of critical points of each
index converge, grow polynomially or grow exponentially with depth? — is answered here from
complete solution sets: the mean real count per Hessian index over many data draws, with the
complex count alongside, and a least-squares fit of ``log count`` against ``H`` (exponential
growth) and against ``log H`` (polynomial growth).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..architecture import Architecture, as_architecture
from ..checks import whole_number
from ..errors import ArchitectureError, DataError
from ..classify.real import DEFAULT_LOSS_RTOL
from .stats import RealStatistics, landscape_study

__all__ = ["GrowthFit", "DepthScan", "chain", "fit_growth", "depth_scan"]


def chain(depth: int, width: int = 1, dx: int | None = None, dy: int | None = None) -> tuple[int, ...]:
    """Widths ``(dx, width, …, width, dy)`` with ``depth`` hidden layers (dx, dy default to ``width``).

    Examples
    --------
    >>> chain(3)
    (1, 1, 1, 1, 1)
    >>> chain(2, width=2)
    (2, 2, 2, 2)
    """
    depth = whole_number(depth, "depth", minimum=1, error=ArchitectureError,
                         fix="give a whole number of hidden layers ≥ 1")
    dx = width if dx is None else dx
    dy = width if dy is None else dy
    return Architecture((dx, *([width] * depth), dy)).widths


@dataclass(frozen=True)
class GrowthFit:
    """Exponential versus polynomial fit of positive counts ``y`` against depths ``H``.

    ``log y ≈ a + rate·H`` (exponential: ``y ∝ base**H`` with ``base = e**rate``) and
    ``log y ≈ b + exponent·log H`` (polynomial: ``y ∝ H**exponent``); ``*_rms`` are the
    root-mean-square residuals in ``log y``. ``verdict`` names the model with the smaller residual
    ("exponential" or "polynomial"), or "undecided" with fewer than three points or when the two
    residuals are within 10 % of each other.

    Examples
    --------
    >>> fit = fit_growth([1, 2, 3, 4, 5, 6], [2.0**h for h in range(1, 7)])
    >>> round(fit.base, 6), fit.verdict
    (2.0, 'exponential')
    >>> fit_growth([1, 2, 3, 4], [h**3 for h in range(1, 5)]).verdict
    'polynomial'
    """

    depths: tuple[int, ...]
    values: tuple[float, ...]
    rate: float
    exponential_rms: float
    exponent: float
    polynomial_rms: float
    verdict: str

    @property
    def base(self) -> float:
        """Growth factor per added hidden layer of the exponential fit."""
        return float(np.exp(self.rate))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"exponential fit: ×{self.base:.3f} per layer (rms {self.exponential_rms:.3f} in log); "
            f"polynomial fit: H^{self.exponent:.2f} (rms {self.polynomial_rms:.3f}); verdict {self.verdict}"
        )


def fit_growth(depths: Sequence[int], values: Sequence[float]) -> GrowthFit:
    """Fit ``log values`` against depth (exponential) and against ``log depth`` (polynomial).

    Zero or negative values (a count that never occurred) cannot enter a log fit: they raise.
    """
    H = np.asarray(depths, dtype=float)
    y = np.asarray(values, dtype=float)
    if H.shape != y.shape or H.ndim != 1 or len(H) < 2:
        raise DataError(f"need matching depths and values, at least two of each (got {len(H)} and {len(y)})")
    if np.any(y <= 0) or np.any(H < 1):
        raise DataError(
            f"values {y.tolist()} at depths {H.tolist()}: a log fit needs positive counts and depths ≥ 1; "
            "drop the depths where the count is zero"
        )
    logy = np.log(y)

    def _fit(x: np.ndarray) -> tuple[float, float]:
        A = np.column_stack([np.ones_like(x), x])
        coef, *_ = np.linalg.lstsq(A, logy, rcond=None)
        return float(coef[1]), float(np.sqrt(np.mean((A @ coef - logy) ** 2)))

    rate, exp_rms = _fit(H)
    exponent, poly_rms = _fit(np.log(H))
    if len(H) < 3 or abs(exp_rms - poly_rms) <= 0.1 * max(exp_rms, poly_rms):
        verdict = "undecided"
    else:
        verdict = "exponential" if exp_rms < poly_rms else "polynomial"
    return GrowthFit(tuple(int(h) for h in H), tuple(float(v) for v in y), rate, exp_rms, exponent, poly_rms, verdict)


@dataclass(frozen=True)
class DepthScan:
    """Real-point statistics of a sequence of architectures of increasing depth.

    ``entries[k]`` are the statistics of ``widths[k]``; all were run with the same draws, samples
    and seed (seed recorded in each entry).
    """

    entries: tuple[RealStatistics, ...]

    @property
    def widths(self) -> tuple[tuple[int, ...], ...]:
        return tuple(e.widths for e in self.entries)

    @property
    def depths(self) -> tuple[int, ...]:
        return tuple(e.depth for e in self.entries)

    def complex_counts(self) -> tuple[int, ...]:
        """N_C of each depth (the largest over draws; :meth:`complex_stable` says if all agree)."""
        return tuple(max(e.n_complex) for e in self.entries)

    def complex_stable(self) -> tuple[bool, ...]:
        return tuple(len(set(e.n_complex)) == 1 for e in self.entries)

    def mean_real(self) -> tuple[float, ...]:
        return tuple(e.mean_real for e in self.entries)

    def mean_per_index(self) -> np.ndarray:
        """``(depths, max N + 1)`` array: mean real points per draw of each index (0 beyond N)."""
        width = max(e.n_unknowns for e in self.entries) + 1
        out = np.zeros((len(self.entries), width))
        for row, e in enumerate(self.entries):
            means = e.mean_index_counts()
            out[row, : len(means)] = means
        return out

    def growth(self, what: str = "real") -> GrowthFit:
        """Growth fit of ``"real"`` (mean N_R), ``"complex"`` (N_C), ``"minima"`` (mean local minima)
        or ``"index:k"`` (mean real points of index k, over the depths where it is positive)."""
        depths = np.asarray(self.depths)
        if what == "real":
            values = np.asarray(self.mean_real())
        elif what == "complex":
            values = np.asarray(self.complex_counts(), dtype=float)
        elif what == "minima":
            values = np.asarray([np.mean(e.n_minima) for e in self.entries])
        elif what.startswith("index:"):
            try:
                k = int(what.split(":", 1)[1])
            except ValueError:
                raise DataError(f"growth({what!r}): give 'index:k' with a whole number k, e.g. 'index:1'") from None
            values = self.mean_per_index()[:, k] if k < self.mean_per_index().shape[1] else np.zeros(len(depths))
        else:
            raise DataError(f"growth({what!r}): give 'real', 'complex', 'minima' or 'index:k'")
        keep = values > 0
        return fit_growth(depths[keep].tolist(), values[keep].tolist())

    def _rows(self) -> list[dict[str, Any]]:
        """One row per depth: widths, N_C, mean N_R, mean per index, minima, spurious fraction."""
        return [
            {
                "H": e.depth,
                "widths": ",".join(map(str, e.widths)),
                "N": e.n_unknowns,
                "N_C": max(e.n_complex),
                "N_C_stable": len(set(e.n_complex)) == 1,
                "mean_N_R": e.mean_real,
                "max_N_R": max(e.n_real),
                "mean_per_index": [round(float(v), 4) for v in e.mean_index_counts()],
                "mean_minima": float(np.mean(e.n_minima)),
                "fraction_with_spurious": e.fraction_with_spurious,
                "draws": e.n_draws,
            }
            for e in self.entries
        ]

    def _fits(self) -> dict[str, GrowthFit | str]:
        """Growth fits of the real and complex counts, or why one cannot be made."""
        fits: dict[str, GrowthFit | str] = {}
        for what in ("real", "complex"):
            try:
                fits[what] = self.growth(what)
            except DataError as exc:  # fewer than two depths with a positive count
                fits[what] = str(exc)
        return fits

    def to_dict(self) -> dict[str, Any]:
        """``table``: one row per depth (widths, N_C, mean N_R, mean per index, minima, spurious
        fraction); ``growth``: the fits of the real and complex counts (a string saying why when a
        fit cannot be made)."""
        return {
            "table": self._rows(),
            "growth": {k: f.to_dict() if isinstance(f, GrowthFit) else f for k, f in self._fits().items()},
        }

    def __str__(self) -> str:
        lines = [f"{'H':>2} {'widths':<16} {'N_C':>6} {'mean N_R':>9} {'max N_R':>8}  mean real per index"]
        for row in self._rows():
            per = " ".join(f"{v:.2f}" for v in row["mean_per_index"])
            lines.append(
                f"{row['H']:>2} {row['widths']:<16} {row['N_C']:>6}{'' if row['N_C_stable'] else '*'} "
                f"{row['mean_N_R']:>9.2f} {row['max_N_R']:>8}  {per}"
            )
        lines += [f"{what} counts: {fit}" for what, fit in self._fits().items()]
        return "\n".join(lines)


def depth_scan(
    widths: Sequence[Sequence[int] | str | Architecture],
    *,
    draws: int = 100,
    samples: int = 1,
    seed: int = 0,
    regularization: str = "generic",
    workers: int | None = 1,
    record_dir: str | Path | None = None,
    progress: bool | None = False,
    loss_rtol: float = DEFAULT_LOSS_RTOL,
) -> DepthScan:
    """Run :func:`landscape_study` for each architecture (e.g. ``[chain(h) for h in range(1, 7)]``).

    ``record_dir`` keeps one resumable record file per architecture (``study_<widths>.jsonl``).

    Examples
    --------
    >>> scan = depth_scan([chain(1), chain(2)], draws=3, seed=0)
    >>> scan.depths, scan.complex_counts()
    ((1, 2), (5, 17))
    """
    if not widths:
        raise DataError("depth_scan needs at least one architecture, e.g. [chain(h) for h in range(1, 7)]")
    archs = [as_architecture(w) for w in widths]
    depths = [a.depth for a in archs]
    if len(set(depths)) != len(depths):
        raise DataError(f"architectures {[str(a) for a in archs]} repeat a depth; give one architecture per depth")
    entries = []
    for arch in archs:
        record = None
        if record_dir is not None:
            Path(record_dir).mkdir(parents=True, exist_ok=True)
            record = Path(record_dir) / f"study_{'-'.join(map(str, arch.widths))}_m{samples}_s{seed}.jsonl"
        entries.append(
            landscape_study(
                arch, draws=draws, samples=samples, seed=seed, regularization=regularization,
                workers=workers, record=record, progress=progress, loss_rtol=loss_rtol,
            )
        )
    return DepthScan(tuple(sorted(entries, key=lambda e: e.depth)))
