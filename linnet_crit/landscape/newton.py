"""Brute force: damped Newton on the gradient system from many seeded random real starts.

Independent of the homotopy engine, this finds real critical points one basin at a time — the
check that the engine's real points are all there (every one Newton finds is in the engine's list)
and that its Hessian-index statistics are right. Newton's method is attracted to nondegenerate
zeros of every Hessian index, not only to minima, so with enough starts every real critical point
is hit; a damped step (backtracking on ‖∇L‖) keeps far starts from diverging.

On singular systems (Λ = 0, where the critical set is positive-dimensional) ``pseudo_inverse=True``
takes minimum-norm Gauss–Newton steps, which converge to points of the critical locus.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..classify.real import critical_point_table
from ..checks import whole_number
from ..data import Instance
from ..errors import DataError
from ..numeric.evaluate import Parameters, gradient, gradient_and_jacobian
from ..points import SAME_POINT, match_rows, pairwise_distance

__all__ = ["NewtonSearch", "newton_search", "data_scale", "compare_point_sets", "unique_points"]


def data_scale(instance: Instance) -> float:
    """Typical size of one weight: ``(‖Σyx‖ / ‖Σxx‖)^(1/(H+1))`` (the end-to-end map is a product).

    Examples
    --------
    >>> from linnet_crit import Instance
    >>> inst = Instance((1, 1, 1), X=[[1.0]], Y=[[4.0]], lambdas=[[[0.1]], [[0.1]]])
    >>> data_scale(inst)
    2.0
    """
    sxx = float(np.linalg.norm(instance.sigma_xx))
    syx = float(np.linalg.norm(instance.sigma_yx))
    if sxx == 0 or syx == 0:
        return 1.0
    return float((syx / sxx) ** (1.0 / instance.architecture.n_layers))


# Point identity here is linnet_crit.points' test with floor 1 (every coordinate within rtol of the
# point's size), not the per-coordinate default, on purpose: Newton stops when
# ‖∇L‖∞ ≤ tolerance·(1 + ‖x‖∞) and does not refine further, so every coordinate of a converged
# point is known only to about tolerance·‖x‖∞ absolutely. A coordinate that is zero at the critical
# point comes out as noise of 1e-16 … 1e-9 (measured: 102 "distinct" origins from 200 starts of
# widths 1,1,1 under the per-coordinate test).
WHOLE_POINT = 1.0


def unique_points(points: np.ndarray, rtol: float = SAME_POINT) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows (every coordinate within ``rtol`` of the point's size is one point) and how often each occurred.

    For Newton's unrefined points (see the comment above); refined points are compared with
    :func:`~linnet_crit.points.match_rows`.

    Examples
    --------
    >>> points, hits = unique_points(np.array([[1.0, 2.0], [1.0, 2.0 + 1e-9], [0.0, 0.0]]))
    >>> points.tolist(), hits.tolist()
    ([[1.0, 2.0], [0.0, 0.0]], [2, 1])
    """
    points = np.atleast_2d(points)
    # one pass against the representatives found so far: Newton's points repeat a few critical
    # points hundreds of times, which would crowd cluster_rows' sorted window
    reps: list[np.ndarray] = []
    hits: list[int] = []
    for p in points:
        if reps:
            same = np.flatnonzero(pairwise_distance(p[None], np.asarray(reps), WHOLE_POINT)[0] <= rtol)
            if len(same):
                hits[int(same[0])] += 1
                continue
        reps.append(p)
        hits.append(1)
    return (np.asarray(reps) if reps else np.zeros((0, points.shape[1]))), np.asarray(hits, dtype=int)


def compare_point_sets(a: np.ndarray, b: np.ndarray, rtol: float = SAME_POINT) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the rows of ``a`` not in ``b`` and of the rows of ``b`` not in ``a``.

    Whole-vector identity, as :func:`unique_points` (one side is usually Newton's unrefined points).

    Examples
    --------
    >>> a = np.array([[0.0, 0.0], [1.0, 2.0]])
    >>> b = np.array([[1.0, 2.0 + 1e-9], [3.0, 3.0]])
    >>> [x.tolist() for x in compare_point_sets(a, b)]
    [[0], [1]]
    """
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return (np.flatnonzero(~match_rows(a, b, rtol, floor=WHOLE_POINT)),
            np.flatnonzero(~match_rows(b, a, rtol, floor=WHOLE_POINT)))


@dataclass(frozen=True, eq=False)
class NewtonSearch:
    """Real critical points found by damped Newton from ``n_starts`` seeded random real starts.

    Attributes
    ----------
    points : (n, N) float array
        Distinct converged points, each refined to ‖∇L‖∞ ≤ ``tolerance``·(1 + ‖x‖∞).
    hits : (n,) int array
        Starts that converged to each point.
    n_converged : int
        Starts that converged at all (the others stalled or diverged).
    scale : float
        Starts are ``scale · e^u · z`` with z standard normal and u uniform in (−log 10, log 10).
    """

    n_starts: int
    seed: int
    scale: float
    points: np.ndarray
    hits: np.ndarray
    n_converged: int
    tolerance: float
    pseudo_inverse: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_starts": self.n_starts,
            "seed": self.seed,
            "scale": self.scale,
            "n_converged": self.n_converged,
            "tolerance": self.tolerance,
            "pseudo_inverse": self.pseudo_inverse,
            "points": self.points.tolist(),
            "hits": self.hits.tolist(),
        }

    def __str__(self) -> str:
        return (
            f"damped Newton from {self.n_starts} starts (seed {self.seed}, scale {self.scale:.3g}): "
            f"{self.n_converged} converged to {len(self.points)} distinct real critical points"
        )

    def index_counts(self, instance: Instance) -> dict[int, int]:
        """Index → number of non-degenerate real points found (classified at ``instance``)."""
        return critical_point_table(instance, self.points).index_counts() if len(self.points) else {}


def _step(J: np.ndarray, F: np.ndarray, pseudo_inverse: bool) -> np.ndarray:
    if pseudo_inverse:
        return -(np.linalg.pinv(J, rcond=1e-12) @ F[..., None])[..., 0]
    try:
        return -np.linalg.solve(J, F[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return -(np.linalg.pinv(J, rcond=1e-12) @ F[..., None])[..., 0]


def _norm(v: np.ndarray) -> np.ndarray:
    return np.abs(v).max(axis=-1, initial=0.0)


def newton_search(
    instance: Instance,
    *,
    starts: int = 2000,
    seed: int = 0,
    scale: float | None = None,
    max_iterations: int = 80,
    tolerance: float = 1e-11,
    pseudo_inverse: bool = False,
    same_point: float = SAME_POINT,
) -> NewtonSearch:
    """Damped Newton on ∇L = 0 from ``starts`` random real points (all from ``seed``).

    Parameters
    ----------
    instance : Instance
        Real data; its Λ may be zero (then use ``pseudo_inverse=True``).
    starts : int
    seed : int
        Seeds the ``numpy.random.Generator`` of the start points; recorded in the result.
    scale : float, optional
        Start scale; default :func:`data_scale`.
    max_iterations : int
    tolerance : float
        Converged when ‖∇L‖∞ ≤ tolerance·(1 + ‖x‖∞).
    pseudo_inverse : bool
        Minimum-norm (Gauss–Newton) steps, for singular Jacobians.
    same_point : float
        Two converged points are one when ``max|a − b| ≤ same_point·max(1, ‖a‖∞)`` (see
        :func:`unique_points` for why this is a whole-vector test).

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> inst = random_instance((1, 1, 1), seed=0)
    >>> found = newton_search(inst, starts=200, seed=0)
    >>> len(found.points) in (1, 3), found.n_converged > 100
    (True, True)
    """
    if not instance.is_real:
        raise DataError("newton_search needs real data X, Y, Λ; complex instances have no real landscape")
    starts = whole_number(starts, "starts", minimum=1)
    arch = instance.architecture
    params = Parameters.of(instance)
    rng = np.random.default_rng(seed)
    scale = data_scale(instance) if scale is None else float(scale)
    radii = scale * np.exp(rng.uniform(-np.log(10.0), np.log(10.0), starts))
    x = radii[:, None] * rng.standard_normal((starts, arch.n_unknowns))
    F = gradient(arch, x, params).real
    active = np.ones(starts, dtype=bool)
    converged = np.zeros(starts, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(max_iterations):
            idx = np.flatnonzero(active)
            if len(idx) == 0:
                break
            _, J = gradient_and_jacobian(arch, x[idx], params)
            dx = _step(J.real, F[idx], pseudo_inverse)
            f0 = _norm(F[idx])
            alpha = np.ones(len(idx))
            accepted = np.zeros(len(idx), dtype=bool)
            new_x, new_F = x[idx].copy(), F[idx].copy()
            for _ in range(12):
                todo = np.flatnonzero(~accepted)
                if len(todo) == 0:
                    break
                trial = x[idx[todo]] + alpha[todo, None] * dx[todo]
                f_trial = gradient(arch, trial, params).real
                ok = np.isfinite(_norm(f_trial)) & (_norm(f_trial) < (1 - 1e-4 * alpha[todo]) * f0[todo])
                new_x[todo[ok]], new_F[todo[ok]] = trial[ok], f_trial[ok]
                accepted[todo[ok]] = True
                alpha[todo[~ok]] /= 2
            x[idx], F[idx] = new_x, new_F
            size = 1.0 + _norm(x[idx])
            done = _norm(F[idx]) <= tolerance * size
            converged[idx[done]] = True
            stalled = ~accepted & ~done
            diverged = ~np.isfinite(size) | (size > 1e8)
            active[idx[done | stalled | diverged]] = False
    points, hits = unique_points(x[converged], same_point)
    return NewtonSearch(
        n_starts=int(starts),
        seed=int(seed),
        scale=scale,
        points=points,
        hits=hits,
        n_converged=int(converged.sum()),
        tolerance=float(tolerance),
        pseudo_inverse=bool(pseudo_inverse),
    )
