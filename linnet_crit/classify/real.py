"""Real critical points: loss, Hessian eigenvalues and index, minima, saddles, spurious minima.

The loss is the package's convention (:mod:`linnet_crit.data`)::

    L(W) = ½ Σ_k ‖W x_k − y_k‖² + ½ Σ_i Σ_ab (Λ_i)_ab (W_i)_ab²

and its Hessian is the Jacobian of the gradient system. At a real point of real data it is a real
symmetric matrix; its index is the number of negative eigenvalues. A point is *degenerate* when
some eigenvalue is zero up to a relative tolerance, and then neither minimum nor saddle is claimed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..architecture import Architecture
from ..data import Instance
from ..errors import DataError
from ..numeric.evaluate import Parameters, gradient, gradient_and_jacobian, loss
from ..results import DEFAULT_REAL_TOL

__all__ = [
    "DEFAULT_EIGENVALUE_RTOL",
    "DEFAULT_LOSS_RTOL",
    "KINDS",
    "hessian",
    "RealPoint",
    "RealPointTable",
    "critical_point_table",
]

#: An eigenvalue is zero when |μ| ≤ DEFAULT_EIGENVALUE_RTOL · max(1, max |μ|).
DEFAULT_EIGENVALUE_RTOL = 1e-8
#: A minimum is global when its loss is within DEFAULT_LOSS_RTOL · max(1, |lowest|) of the lowest.
DEFAULT_LOSS_RTOL = 1e-9
#: ``maximum`` is index N (every eigenvalue negative), ``saddle`` any index strictly between.
KINDS: tuple[str, ...] = ("minimum", "saddle", "maximum", "degenerate")


def _real_instance(instance: Instance) -> Parameters:
    if not instance.is_real:
        raise DataError(
            "the instance has complex X, Y or Λ; real critical points need real data "
            "(e.g. random_instance or load_instance)"
        )
    return Parameters.of(instance)


def hessian(instance: Instance, point: np.ndarray) -> np.ndarray:
    """Hessian of the loss at a real point of real data: a real symmetric ``(N, N)`` matrix.

    Examples
    --------
    >>> from linnet_crit.data import random_instance
    >>> inst = random_instance((1, 1, 1), seed=0)
    >>> H = hessian(inst, np.zeros(2))
    >>> bool(np.allclose(np.diag(H), [lam.item() for lam in inst.lambdas]))
    True
    """
    arch = instance.architecture
    x = np.asarray(point, dtype=float).reshape(1, arch.n_unknowns)
    J = gradient_and_jacobian(arch, x, _real_instance(instance))[1][0].real
    # symmetric in exact arithmetic; averaging removes round-off asymmetry before eigvalsh
    return (J + J.T) / 2


@dataclass(frozen=True, eq=False)
class RealPoint:
    """One real critical point with its loss, Hessian spectrum and classification.

    Attributes
    ----------
    solution_index : int
        Position of the point in the list it was taken from.
    point : (N,) float array
        The real part of the point (its imaginary part was at most ``imag_max``).
    imag_max : float
        max |Im x| dropped by the projection.
    residual : float
        ‖∇L‖∞ at the projected real point.
    loss : float
    eigenvalues : (N,) float array
        Eigenvalues of the Hessian, ascending.
    hessian_index : int
        Number of eigenvalues below ``−threshold``.
    kind : str
        One of :data:`KINDS`.
    global_minimum : bool
        A minimum whose loss is the lowest among the minima of its table (within the tolerance).
    """

    solution_index: int
    point: np.ndarray
    imag_max: float
    residual: float
    loss: float
    eigenvalues: np.ndarray
    hessian_index: int
    kind: str
    global_minimum: bool = False

    @property
    def spurious_local_minimum(self) -> bool:
        """A minimum that is not global."""
        return self.kind == "minimum" and not self.global_minimum

    def to_dict(self) -> dict[str, Any]:
        return {
            "solution_index": self.solution_index,
            "loss": self.loss,
            "hessian_index": self.hessian_index,
            "kind": self.kind,
            "global_minimum": self.global_minimum,
            "spurious_local_minimum": self.spurious_local_minimum,
            "min_abs_eigenvalue": float(np.abs(self.eigenvalues).min(initial=np.inf)),
            "residual": self.residual,
            "imag_max": self.imag_max,
        }


@dataclass(frozen=True, eq=False)
class RealPointTable:
    """The real critical points among a list of points, classified, with every tolerance used.

    ``nonreal`` lists the indices of the input points that were not real (not classified).
    "Global" means lowest among the minima found: a point the solver missed cannot be compared.
    """

    architecture: Architecture
    points: tuple[RealPoint, ...]
    n_input: int
    nonreal: tuple[int, ...]
    real_tol: float
    eigenvalue_rtol: float
    loss_rtol: float

    @property
    def n_real(self) -> int:
        return len(self.points)

    def of_kind(self, kind: str) -> tuple[RealPoint, ...]:
        if kind not in KINDS:
            raise DataError(f"kind {kind!r} is not one of {KINDS}")
        return tuple(p for p in self.points if p.kind == kind)

    @property
    def global_minima(self) -> tuple[RealPoint, ...]:
        return tuple(p for p in self.points if p.global_minimum)

    @property
    def spurious_minima(self) -> tuple[RealPoint, ...]:
        return tuple(p for p in self.points if p.spurious_local_minimum)

    def index_counts(self) -> dict[int, int]:
        """Number of non-degenerate real points per Hessian index."""
        counts: dict[int, int] = {}
        for p in self.points:
            if p.kind != "degenerate":
                counts[p.hessian_index] = counts.get(p.hessian_index, 0) + 1
        return dict(sorted(counts.items()))

    def __str__(self) -> str:
        """Plain-text table of the real points, lowest loss first (``--format table``).

        Examples
        --------
        >>> from linnet_crit.data import random_instance
        >>> inst = random_instance((1, 1, 1, 1), seed=0)
        >>> print(str(critical_point_table(inst, np.zeros((1, 3)))).splitlines()[0])
        1 real of 1 points (real when max|Im| ≤ 1e-06·max(1, ‖x‖∞)); eigenvalue zero tolerance 1e-08 (relative), global-minimum loss tolerance 1e-09 (relative)
        """
        lines = [
            f"{self.n_real} real of {self.n_input} points (real when max|Im| ≤ {self.real_tol:g}·max(1, ‖x‖∞)); "
            f"eigenvalue zero tolerance {self.eigenvalue_rtol:g} (relative), "
            f"global-minimum loss tolerance {self.loss_rtol:g} (relative)",
            f"{'point':>6} {'loss':>16} {'index':>6}  {'kind':<10} {'min |eig|':>10}  note",
        ]
        for p in sorted(self.points, key=lambda p: (p.loss, p.hessian_index)):
            note = "global minimum" if p.global_minimum else "SPURIOUS local minimum" if p.spurious_local_minimum else ""
            min_eig = float(np.abs(p.eigenvalues).min(initial=np.inf))
            lines.append(f"{p.solution_index:>6} {p.loss:>16.10g} {p.hessian_index:>6}  {p.kind:<10} {min_eig:>10.3g}  {note}")
        counts = ", ".join(f"index {k}: {v}" for k, v in self.index_counts().items()) or "none"
        lines.append(
            f"Per Hessian index: {counts}; minima {len(self.of_kind('minimum'))} "
            f"(global {len(self.global_minima)}, spurious {len(self.spurious_minima)}), "
            f"degenerate {len(self.of_kind('degenerate'))}"
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_input": self.n_input,
            "n_real": self.n_real,
            "real_tol": self.real_tol,
            "eigenvalue_rtol": self.eigenvalue_rtol,
            "loss_rtol": self.loss_rtol,
            "index_counts": {str(k): v for k, v in self.index_counts().items()},
            "n_minima": len(self.of_kind("minimum")),
            "n_global_minima": len(self.global_minima),
            "n_spurious_minima": len(self.spurious_minima),
            "n_degenerate": len(self.of_kind("degenerate")),
            "points": [p.to_dict() for p in self.points],
        }


def _kind(eigenvalues: np.ndarray, rtol: float, n: int) -> tuple[int, str]:
    threshold = rtol * max(1.0, float(np.abs(eigenvalues).max(initial=0.0)))
    index = int((eigenvalues < -threshold).sum())
    if np.any(np.abs(eigenvalues) <= threshold):
        return index, "degenerate"
    return index, "minimum" if index == 0 else "maximum" if index == n else "saddle"


def _real_mask(points: np.ndarray, tol: float) -> np.ndarray:
    # the convention of SolveResult.is_real
    scale = np.maximum(1.0, np.abs(points).max(axis=1, initial=0.0))
    return np.abs(points.imag).max(axis=1, initial=0.0) <= tol * scale


def _mark_global(points: list[RealPoint], rtol: float) -> list[RealPoint]:
    minima = [p.loss for p in points if p.kind == "minimum"]
    if not minima:
        return points
    lowest = min(minima)
    cutoff = lowest + rtol * max(1.0, abs(lowest))
    return [
        replace(p, global_minimum=p.kind == "minimum" and p.loss <= cutoff)
        for p in points
    ]


def critical_point_table(
    instance: Instance,
    points: np.ndarray,
    *,
    real_tol: float = DEFAULT_REAL_TOL,
    eigenvalue_rtol: float = DEFAULT_EIGENVALUE_RTOL,
    loss_rtol: float = DEFAULT_LOSS_RTOL,
) -> RealPointTable:
    """Classify the real points among critical points of real data by loss and Hessian index.

    Parameters
    ----------
    instance : Instance
        Real data X, Y, Λ (the points are critical points of its loss).
    points : (n, N) array
        Complex or real points, e.g. ``SolveResult.solutions``.
    real_tol : float
        A point is real when ``max |Im x| ≤ real_tol · max(1, ‖x‖∞)``; it is then replaced by its
        real part.
    eigenvalue_rtol : float
        A Hessian eigenvalue μ is zero when ``|μ| ≤ eigenvalue_rtol · max(1, max |μ|)``.
    loss_rtol : float
        Minima within ``loss_rtol · max(1, |lowest|)`` of the lowest minimum loss are global.

    Examples
    --------
    >>> from linnet_crit.data import random_instance
    >>> inst = random_instance((1, 1, 1, 1), seed=0)
    >>> table = critical_point_table(inst, np.zeros((1, 3)))
    >>> table.points[0].kind, table.points[0].hessian_index, table.points[0].global_minimum
    ('minimum', 0, True)
    """
    params = _real_instance(instance)
    arch = instance.architecture
    points = np.atleast_2d(np.asarray(points))
    if points.ndim != 2 or points.shape[1] != arch.n_unknowns:
        raise DataError(f"points must be an (n, {arch.n_unknowns}) array for widths {arch}, got shape {points.shape}")
    if not np.all(np.isfinite(points)):
        raise DataError("points have NaN or infinite coordinates; drop failed paths before classifying")
    for name, value in (("real_tol", real_tol), ("eigenvalue_rtol", eigenvalue_rtol), ("loss_rtol", loss_rtol)):
        if not value >= 0:
            raise DataError(f"{name} = {value!r}: tolerances must be numbers ≥ 0")
    real = _real_mask(points, real_tol)
    rows = np.flatnonzero(real)
    x = points[rows].real.astype(float)
    losses = loss(arch, x, params).real if len(x) else np.zeros(0)
    residuals = np.abs(gradient(arch, x, params)).max(axis=1, initial=0.0) if len(x) else np.zeros(0)
    classified = []
    for j, xj, lj, rj in zip(rows, x, losses, residuals):
        eigenvalues = np.linalg.eigvalsh(hessian(instance, xj))
        index, kind = _kind(eigenvalues, eigenvalue_rtol, arch.n_unknowns)
        imag_max = float(np.abs(points[j].imag).max(initial=0.0))
        classified.append(RealPoint(int(j), xj, imag_max, float(rj), float(lj), eigenvalues, index, kind))
    return RealPointTable(
        arch,
        tuple(_mark_global(classified, loss_rtol)),
        len(points),
        tuple(int(j) for j in np.flatnonzero(~real)),
        float(real_tol),
        float(eigenvalue_rtol),
        float(loss_rtol),
    )
