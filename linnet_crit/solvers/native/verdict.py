"""Whether a count is complete: the checks every route's end points go through, and their reasons.

Every check that fails becomes one short sentence with its numbers. The native backend puts them
into :attr:`SolveResult.warnings <linnet_crit.results.SolveResult.warnings>` (a result is complete
exactly when there are none) or, for the structure-aware route, into the reasons ``method="auto"``
switches to the continuation route.

The structure-aware route's certificate: on data that pass the genericity checks, when every path
arrived, stayed on the torus of its alive set, collided with no other, and every final point is a
nonsingular point of the full system that refines to the residual tolerance, each generic path
ended at a distinct nonsingular point, so by the parameter continuation theorem no other isolated
solution exists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...errors import PositiveDimensionalError
from ...genericity import symmetry_evidence
from ...numeric import Parameters, gradient_and_jacobian
from ...numeric.local_dimension import instance_system, local_dimension
from ...points import SAME_POINT, pairwise_distance, unique_rows
from ...results import PathResult
from ...sign_flips import orbit_labels
from ...options import SolveOptions
from .linalg import POINTS_PER_BLOCK, batch_condition
from .monodromy import GenericSolutions
from .tracker import refine

__all__ = [
    "Finalized",
    "failure_warnings",
    "finalize",
    "jacobian_conditions",
    "monodromy_assumptions",
    "monodromy_warnings",
    "refuse_symmetric_data",
    "singular_endpoints_are_isolated",
    "structured_certificate",
    "zero_law_violations",
]


@dataclass(frozen=True, eq=False)
class Finalized:
    """End points after refinement on the full system, de-duplicated, with what was found wrong.

    ``multiplicities`` adds up the paths of merged end points (``None`` when the route did not
    give any); ``warnings`` name points that did not refine (dropped) and collisions (merged).
    A point is singular when ``scaled_conditions`` exceeds ``singular_condition``
    (:attr:`SolveOptions.singular_condition <linnet_crit.options.SolveOptions.singular_condition>`
    for equilibrated conditions; the continuation route gives its end points' unscaled conditions
    with ``SolveOptions.endpoint_singular_condition``) — unless a route knows it better and gives
    ``singular_points`` (the continuation route with no lost path: multiplicity ≥ 2).
    """

    points: np.ndarray
    residuals: np.ndarray
    conditions: np.ndarray
    scaled_conditions: np.ndarray
    multiplicities: np.ndarray | None
    singular_condition: float
    warnings: tuple[str, ...] = ()
    singular_points: np.ndarray | None = None

    @property
    def singular(self) -> np.ndarray:
        """Which points are singular: ``singular_points`` if given, else the condition threshold."""
        if self.singular_points is not None:
            return self.singular_points
        return self.scaled_conditions > self.singular_condition

    @property
    def n_singular(self) -> int:
        return int(self.singular.sum())


def refuse_symmetric_data(instance: Instance) -> None:
    """Raise :class:`PositiveDimensionalError` when the data leave a continuous symmetry of the loss.

    Looks at the data only (never at the ``regularization`` label), before any path is tracked.
    """
    evidence = symmetry_evidence(instance)
    if evidence is not None:
        raise PositiveDimensionalError(
            f"the critical set of widths {instance.architecture} with these data is not finite (dimension ≥ 1): "
            f"{evidence}; give Λ with distinct nonzero entries (e.g. regularization='generic' in random_instance) "
            "to make every critical point isolated",
            dimension=1,
        )


def finalize(
    instance: Instance, points: np.ndarray, options: SolveOptions, multiplicities: np.ndarray | None = None
) -> Finalized:
    """Refine on the full system; drop points that do not refine and merge points found twice,
    saying so in the warnings."""
    points, residuals = refine(instance, points)
    warnings = []
    bad = ~(residuals <= options.residual_tolerance)
    worst = float(residuals.max(initial=0.0))
    if bad.any():
        warnings.append(
            f"{int(bad.sum())} end points did not refine to residual ≤ {options.residual_tolerance:g} "
            f"(worst {worst:.2e}) and are not counted"
        )
        points, residuals = points[~bad], residuals[~bad]
        multiplicities = None if multiplicities is None else multiplicities[~bad]
    keep, duplicate = unique_rows(points, SAME_POINT)
    if duplicate.any():
        warnings.append(f"{int(duplicate.sum())} end points coincide with another (merged): paths may have jumped")
        if multiplicities is not None:
            multiplicities = _merge_multiplicities(points, keep, duplicate, multiplicities)
        points, residuals = points[keep], residuals[keep]
    conditions, scaled = jacobian_conditions(instance, points)
    return Finalized(points, residuals, conditions, scaled, multiplicities, options.singular_condition, tuple(warnings))


def _merge_multiplicities(points: np.ndarray, keep: np.ndarray, duplicate: np.ndarray, multiplicities: np.ndarray) -> np.ndarray:
    """The paths of each kept point plus those of the duplicates nearest to it."""
    labels = np.empty(len(points), dtype=int)
    labels[keep] = np.arange(len(keep))
    repeated = np.flatnonzero(duplicate)
    labels[repeated] = np.argmin(pairwise_distance(points[repeated], points[keep]), axis=1)
    return np.bincount(labels, weights=multiplicities, minlength=len(keep)).astype(int)


def jacobian_conditions(instance: Instance, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Condition numbers of the Jacobian, as it is and equilibrated.

    Whether a point is singular must not depend on the units of the weights: critical points are
    often badly scaled (W_i → cW_i, W_{i+1} → W_{i+1}/c is broken only by Λ), and a nonsingular
    torus point of widths 1,2,2,2 (σ from 4e-7 to 3e7) looked singular unscaled. Scaling the rows
    and then the columns of J to unit max-norm is a change of units of equations and unknowns,
    which keeps a singular J singular.
    """
    # A sign flip is an orthogonal change of variables, J ↦ DJD with D = diag(±1), which keeps the
    # singular values and (the row and column maxima being permuted signs of the same numbers) the
    # equilibration: one member per orbit is enough — 2^r fewer SVDs at r alive neurons (1.5 of
    # the 17.6 s of a cold solve of widths 1,5,5 went into these SVDs).
    labels = orbit_labels(instance.architecture, points)
    members = np.unique(labels, return_index=True)[1]
    plain, scaled = np.zeros(len(members)), np.zeros(len(members))
    # in blocks: the Jacobians of all 127 905 points of widths 1,6,6 at once took 10 GB
    for start in range(0, len(members), POINTS_PER_BLOCK):
        block = slice(start, start + POINTS_PER_BLOCK)
        _, J = gradient_and_jacobian(instance.architecture, points[members[block]], Parameters.of(instance))
        rows = np.abs(J).max(axis=2, keepdims=True)
        equilibrated = J / np.where(rows > 0, rows, 1.0)
        cols = np.abs(equilibrated).max(axis=1, keepdims=True)
        equilibrated = equilibrated / np.where(cols > 0, cols, 1.0)
        plain[block], scaled[block] = batch_condition(J), batch_condition(equilibrated)
    return plain[labels], scaled[labels]


def zero_law_violations(arch: Architecture, points: np.ndarray, tol: float) -> np.ndarray:
    """Points whose zeros are not those of dead neurons: the structure-aware route's assumption.

    A hidden neuron is dead when its row of W_i and its column of W_{i+1} are both zero. Flagged:
    a neuron with only one of the two zero (the dead-neuron law fails), and a zero weight that
    belongs to no dead neuron (a stray zero). Zero means ``|w| ≤ tol · max(1, ‖x‖∞)``.
    """
    points = np.atleast_2d(points)
    scale = np.maximum(1.0, np.abs(points).max(axis=1, initial=0.0))
    zero = [np.abs(w) <= tol * scale[:, None, None] for w in arch.split(points)]
    bad = np.zeros(len(points), dtype=bool)
    explained = [np.zeros_like(z) for z in zero]
    for layer in range(arch.depth):
        rows_zero = zero[layer].all(axis=2)  # (P, d): row k of W_{layer+1}
        cols_zero = zero[layer + 1].all(axis=1)  # (P, d): column k of W_{layer+2}
        bad |= np.any(rows_zero != cols_zero, axis=1)
        dead = rows_zero & cols_zero
        explained[layer] |= dead[:, :, None]
        explained[layer + 1] |= dead[:, None, :]
    for z, e in zip(zero, explained):
        bad |= np.any(z & ~e, axis=(1, 2))
    return bad


def failure_warnings(failed: Sequence[PathResult]) -> list[str]:
    """One sentence for the paths that failed after every retry, by return code."""
    if not failed:
        return []
    codes = Counter(p.raw_code or p.return_code.value for p in failed)
    detail = ", ".join(f"{code} × {n}" for code, n in sorted(codes.items()))
    return [f"{len(failed)} paths failed after every retry ({detail}): their end points are missing"]


def structured_certificate(
    instance: Instance, fin: Finalized, failed: Sequence[PathResult], options: SolveOptions
) -> list[str]:
    """The checks of the structure-aware route's certificate that fail (empty: the count is complete).

    ``failed`` are the paths rejected after every retry (tracking failures, collisions, exits from
    the torus); the genericity of the data is checked by the caller, before the route runs.
    """
    reasons = failure_warnings(failed)
    reasons += list(fin.warnings)
    stray = zero_law_violations(instance.architecture, fin.points, options.zero_tolerance)
    if stray.any():
        reasons.append(f"{int(stray.sum())} points have zeros that are not dead neurons (stray zeros)")
    if fin.n_singular:
        reasons.append(
            f"{fin.n_singular} points are singular in the full system (equilibrated Jacobian condition > "
            f"{fin.singular_condition:.0e}, worst {fin.scaled_conditions.max():.1e})"
        )
    return reasons


def singular_endpoints_are_isolated(instance: Instance, fin: Finalized, rng: np.random.Generator) -> list[str]:
    """Refuse singular end points on a positive-dimensional component; warn about inconsistent ones.

    Each singular end point gets the slice test of :func:`linnet_crit.numeric.local_dimension.local_dimension`;
    a positive local dimension raises :class:`PositiveDimensionalError`. The others are isolated
    and counted. By the continuation theorem an isolated solution of multiplicity μ is the end
    point of exactly μ paths and a singular one has μ ≥ 2, so an isolated singular end point that
    a single path reached means paths are missing (a warning); so does a route that gives no
    multiplicities.
    """
    singular = np.flatnonzero(fin.singular)
    if not len(singular):
        return []
    system = instance_system(instance)
    dims = np.array([local_dimension(system, fin.points[i], rng) for i in singular])
    if dims.max() > 0:
        worst = singular[int(np.argmax(dims))]
        raise PositiveDimensionalError(
            f"the critical set of widths {instance.architecture} with these data is not finite: {int((dims > 0).sum())} "
            f"of {len(singular)} singular end points lie on a component of local dimension up to {int(dims.max())} "
            f"(slice test; equilibrated Jacobian condition {fin.scaled_conditions[worst]:.1e}); give Λ with distinct "
            "nonzero entries (e.g. regularization='generic' in random_instance) to make every critical point isolated",
            dimension=int(dims.max()),
        )
    if fin.multiplicities is None:
        return [f"{len(singular)} singular end points are counted, but the route cannot tell how many paths reached them"]
    lonely = int((fin.multiplicities[singular] == 1).sum())
    if lonely:
        return [
            f"{lonely} isolated singular points were reached by a single path (an isolated singular point is reached "
            "by μ ≥ 2): paths are missing or went elsewhere"
        ]
    return []


def monodromy_assumptions(generic: dict[tuple[int, ...], GenericSolutions]) -> tuple[str, ...]:
    """What a count carried from ``generic`` assumes beyond its certificate: that monodromy's
    stopping rule stopped only once every orbit was found (:attr:`GenericSolutions.by_stopping_rule`).
    The parameter continuation theorem makes the count complete *given* complete generic sets; the
    rule's chance of stopping early is estimated, not bounded (:class:`~linnet_crit.options.MonodromyOptions`)."""
    shapes = [str(g.architecture) for g in generic.values() if g.by_stopping_rule]
    if not shapes:
        return ()
    return (
        f"every sign-flip orbit of the generic solution sets of {', '.join(shapes)} was found: monodromy stopped "
        "when its loops and checks brought no new orbit, a stopping rule whose chance of stopping early is "
        "estimated (below 1e-6 with the default MonodromyOptions on every shape measured), not bounded",
    )


def monodromy_warnings(generic: dict[tuple[int, ...], GenericSolutions], *, stops: bool = True) -> list[str]:
    """The warnings of every monodromy run of a generic solution set (``stops=False``: only the
    rank-gap doubts, for a route that reports the stop at ``max_loops`` itself)."""
    return [w for g in generic.values() for w in (g.warnings if stops else g.rank_warnings)]
