"""One data point, one or two hidden layers: torus orbits from the reduced system, with no stopping rule.

Input width 1 (:mod:`.input_width` brings every one-sample network there), widths (1, d, p) with
d ≤ p or (1, d₁, d₂, p). On the torus the critical points correspond one to one, up to sign flips,
to the solutions with no zero entry of a reduced system in the squares of the hidden values and the
residual (:mod:`.reduced_homotopy`), by a local isomorphism (square roots are analytic away from
zero), so each isolated orbit is an isolated solution of the reduced system. Its solutions come

* in closed form (:mod:`.closed_form`) for widths 1,d,d and 1,1,p — route ``"closed form"``, no path;
* otherwise from the linear-product homotopy of the reduced system — route ``"reduced homotopy"``,
  as many paths as its multihomogeneous Bézout number (24 on 1,2,4, 32 on 1,3,4, 33 on 1,2,2,2,
  against 440, 520 and 440 monodromy paths), accepted only when every path is accounted for: at a
  distinct finite nonsingular solution or at infinity (by the blackbox's endgame with the stricter
  :data:`STRICT_INFINITY`, and the paths its samples leave open by Cauchy loops around t = 1), none
  failed or singular, and the two classes at least :data:`INFINITY_MARGIN` apart. Then no isolated
  solution is missing, whatever the data.

Either way the solutions with no zero entry become points (a, B[, C]), every point is refined by
Newton on the full system and must keep a small residual, lie on the torus and be distinct, and the
orbit of the start point W₀ (critical at the base by construction) must be among them — otherwise
:func:`.monodromy.generic_solutions` runs the blackbox or monodromy and says why. d > p (one hidden
layer) has no torus point: (A) is then d equations, linear in r∘r, in p < d unknowns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...options import SolveOptions
from ...points import SAME_POINT, is_torus, match_index, unique_rows
from ...sign_flips import canonicalize
from . import closed_form
from .reduced_homotopy import reduced_system, solve_reduced
from .tracker import refine

__all__ = ["REDUCED_RESIDUAL", "ReducedOrbits", "solvable", "torus_orbits"]

#: Largest ‖F‖∞ / (1 + ‖W‖∞) a point from the reduced system may keep after Newton on the full system.
REDUCED_RESIDUAL = 1e-9
#: The endgame's rules for a path at infinity, made stricter here (over ``options.endgame``): only
#: |x₀|/‖y‖∞ < 1e-5, decaying like δ^α with α ≥ ``min_alpha`` over the last 3 samples, and no
#: "steady exponent" rule. With the blackbox's own (below 1e-3 over 2 samples, or below 0.1 with a
#: steady exponent) finite solutions of the reduced systems of two hidden layers were taken for
#: infinity: three seeds each at the base points of 1,2,3,4, 1,3,3,3, 1,2,3,4 and 1,3,4,3 drawn by
#: ``start_pair`` from ``default_rng`` 104, 101, 103 and 103 found 351/352/352, 170/168/171,
#: 347/346/340 and 264/264/263 orbits; with these rules 352, 172, 352 (one run in three with 4
#: unclassified paths: refused) and 264 every time. Paths to infinity of winding number 2 can still
#: be above 1e-5 at the last sample; :func:`.blackbox.track_with_endgame` decides those by loops.
STRICT_INFINITY = {"infinity_ratio": 1e-5, "steady_ratio": 1e-5, "stable_samples": 3}
#: The finite end points and those taken for infinity must be this far apart
#: (:meth:`.reduced_homotopy.ReducedRun.separation`): the at-infinity rule is absolute, so a
#: finite point far out could pass for one at infinity.
INFINITY_MARGIN = 10.0


def solvable(arch: Architecture, samples: int) -> bool:
    """Whether :func:`torus_orbits` handles ``arch``: one sample, input width 1, and one hidden
    layer no wider than the output or two hidden layers."""
    if samples != 1 or arch.dx != 1:
        return False
    return (arch.depth == 1 and arch.hidden[0] <= arch.dy) or arch.depth == 2


@dataclass(frozen=True, eq=False)
class ReducedOrbits:
    """What :func:`torus_orbits` found: one canonical point per sign-flip orbit (None when refused),
    why they are accepted or not, the route (``"closed form"`` or ``"reduced homotopy"``), the paths
    it tracked (none in closed form) with their steps, how many ended at infinity or failed (singular
    end points included) and were tracked again, and the homotopy's seed."""

    representatives: np.ndarray | None
    reason: str
    route: str
    paths: int = 0
    steps: int = 0
    at_infinity: int = 0
    failed: int = 0
    retried: int = 0
    seed: int | None = None

    @property
    def n_orbits(self) -> int:
        return 0 if self.representatives is None else len(self.representatives)


def torus_orbits(base: Instance, start: np.ndarray, rng: np.random.Generator,
                 options: SolveOptions | None = None) -> ReducedOrbits:
    """The torus orbits of a :func:`solvable` shape at ``base``, in closed form or by the reduced homotopy.

    ``start``: the canonical start point W₀, critical at ``base``, whose orbit must be among them.
    ``rng`` draws the reduced homotopy's seed (not used in closed form); ``options`` are its tracker,
    endgame and singular threshold.
    """
    arch = base.architecture
    system = reduced_system(base)
    if arch.depth == 1 and closed_form.decouples(arch.hidden[0], arch.dy):
        with np.errstate(all="ignore"):
            z = closed_form.solutions(system)
        reps, why = _accepted(base, system.weights(z), start, "closed form")
        return ReducedOrbits(reps, why, "closed form")
    options = options or SolveOptions()
    options = replace(options, endgame=replace(options.endgame, **STRICT_INFINITY))
    route, seed = "reduced homotopy", int(rng.integers(2**63))
    run = solve_reduced(system, seed, options)
    spent = dict(paths=run.n_paths, steps=run.steps, at_infinity=run.n_at_infinity,
                 failed=run.n_failed + run.n_singular, retried=run.retried, seed=seed)
    if not run.accounted:
        why = (f"{route}: of its {run.n_paths} paths {run.n_failed} failed or were not classified and "
               f"{run.n_singular} ended singular (condition number above {options.endpoint_singular_condition:.0e})")
        return ReducedOrbits(None, why, route, **spent)
    if run.separation() < INFINITY_MARGIN:
        why = (f"{route}: the finite end points and those taken for infinity are only {run.separation():.1f}× apart "
               f"(|x0|/|y| of a path at infinity up to {run.infinity_ratio:.1e}), below the margin "
               f"{INFINITY_MARGIN:g}: a finite point may have been taken for one at infinity")
        return ReducedOrbits(None, why, route, **spent)
    with np.errstate(all="ignore"):
        points = system.weights(run.points)
    # a solution with a zero entry is no orbit (the reduction divided by it): the package's one
    # torus test says which
    torus = is_torus(arch, points)
    reps, why = _accepted(base, points[torus], start, route)
    if reps is not None:
        off = int(np.sum(~torus))
        why = (f"{route}: every one of its {run.n_paths} paths (the multihomogeneous Bézout number of the reduced "
               f"system, which bounds its isolated solutions) accounted for: {len(run.points)} at distinct "
               f"nonsingular solutions ({len(reps)} torus orbits, each refined by Newton on the full system"
               + (f"; {off} with a zero entry" if off else "") + f"), {run.n_at_infinity} at infinity, none failed "
               f"or singular, the two classes at least {INFINITY_MARGIN:g}× apart; the start point's orbit among them")
    return ReducedOrbits(reps, why, route, **spent)


def _accepted(base: Instance, points: np.ndarray, start: np.ndarray, route: str) -> tuple[np.ndarray | None, str]:
    """The canonical orbits of ``points`` if each refines to a distinct torus critical point and the
    start point's orbit is among them, and why (or None and why not)."""
    arch = base.architecture
    with np.errstate(all="ignore"):
        points, residual = refine(base, points)
    bad = ~(np.isfinite(residual) & (residual <= REDUCED_RESIDUAL) & is_torus(arch, points))
    if bad.any():
        return None, f"{route}: {int(bad.sum())} of {len(points)} points not torus critical points after Newton"
    reps = canonicalize(arch, points)
    keep, _ = unique_rows(reps, SAME_POINT)
    if len(keep) < len(reps):
        return None, f"{route}: {len(reps) - len(keep)} of {len(reps)} orbits coincide"
    if match_index(start, reps, SAME_POINT)[0] < 0:
        return None, f"{route}: the start point's orbit is not among its orbits"
    return reps, f"{route}: {len(reps)} orbits, each refined by Newton; the start point's orbit among them"
