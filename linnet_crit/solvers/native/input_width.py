"""With one data point the input width does not matter: generic solution sets of input width 1, lifted.

For m = 1 the first layer enters the loss only through v = W₁x and through its regularizer, and
∂L/∂W₁ = 0 says that row i of W₁ is c_i·(x_j / Λ₁[i, j])_j for a scalar c_i. On that line
W₁x = c_i·κ_i with κ_i = Σ_j x_j² / Λ₁[i, j], and the regularizer is c_i²·κ_i. So, when every κ_i ≠ 0,
the critical points of widths (dx, d₁, …, dy) at data (x, Y, Λ₁, Λ₂, …) are those of (1, d₁, …, dy)
at data (x′, Y, Λ₁′, Λ₂, …) with Λ₁′[i] = x′²/κ_i, first layer u = W₁x / x′, one to one: with
c_i = x′·u_i / κ_i both ways, the equations of W₂, … are the same, and those of u and of W₁ hold
together. Torus points correspond to torus points (x and Λ₁ have no zero entry), sign flips to
sign flips, nonsingular points to nonsingular ones (the regularizer on the line W₁x = v is
nondegenerate exactly when κ_i ≠ 0).

Hence the thesis's counts do not depend on dx, and monodromy need only run at input width 1: a
generic set of (1, a₁, …, dy), at its base (x′, Y, Λ₁′, …), is lifted to (dx, a₁, …, dy) at a base
with a random complex x and Λ₁ whose rows are scaled so that κ_i = x′²/Λ₁′[i] — a generic point of
that shape — with no path tracked. Each lifted point is refined by Newton at its new base and must
keep a small residual, or the shape is solved directly (``info["lift"]`` says which).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...numeric import Parameters, gradient_and_jacobian
from ...points import is_torus
from ...sign_flips import canonicalize
from .monodromy import GenericSolutions, _complex_normal
from .linalg import batch_condition
from .tracker import refine

__all__ = ["LIFT_DRAWS", "LIFT_RESIDUAL", "lift_input_width", "lifts"]

#: Largest ‖F‖∞ / (1 + ‖W‖∞) a lifted point may keep after Newton at its new base.
LIFT_RESIDUAL = 1e-9
#: Random bases a lift draws, keeping the best-conditioned (:func:`lift_input_width`).
LIFT_DRAWS = 4


def lifts(arch: Architecture, samples: int) -> bool:
    """Whether the generic sets of ``arch`` come from input width 1 (one data point, dx > 1):
    :meth:`~linnet_crit.architecture.Architecture.for_counting` is another network."""
    return arch.for_counting(samples) != arch


def _lifted_base(reduced: Instance, arch: Architecture, rng: np.random.Generator) -> tuple[Instance, np.ndarray]:
    """A generic base of ``arch`` whose input-width-1 form is ``reduced``, and its κ."""
    x = _complex_normal(rng, (arch.dx, 1))
    lam1 = _complex_normal(rng, arch.shapes[0])
    x_one = complex(reduced.X[0, 0])
    target = x_one**2 / reduced.lambdas[0][:, 0]  # κ_i wanted
    kappa = (x[:, 0] ** 2 / lam1).sum(axis=1)
    lam1 = lam1 * (kappa / target)[:, None]  # κ scales as 1/Λ₁ row by row
    base = Instance(arch, x, reduced.Y, [lam1, *reduced.lambdas[1:]])
    return base, target


def _lift_points(points: np.ndarray, reduced: Instance, base: Instance, kappa: np.ndarray) -> np.ndarray:
    """Points of the input-width-1 network at ``reduced`` → points of ``base``'s network."""
    arch = base.architecture
    if len(points) == 0:
        return np.zeros((0, arch.n_unknowns), dtype=complex)
    rows = arch.shapes[0][0]
    u, rest = points[:, :rows], points[:, rows:]
    c = complex(reduced.X[0, 0]) * u / kappa[None, :]
    first = c[:, :, None] * (base.X[:, 0][None, :] / base.lambdas[0])[None, :, :]
    return np.concatenate([first.reshape(len(points), -1), rest], axis=1)


def _worst_condition(arch: Architecture, base: Instance, points: np.ndarray) -> float:
    """The largest condition number of the Jacobians at ``points`` (0 with none; inf if not finite)."""
    if not len(points):
        return 0.0
    with np.errstate(all="ignore"):
        _, J = gradient_and_jacobian(arch, points, Parameters.of(base))
        if not np.all(np.isfinite(J)):
            return np.inf
        return float(batch_condition(J).max())


def lift_input_width(generic: GenericSolutions, arch: Architecture, rng: np.random.Generator) -> GenericSolutions | None:
    """``generic`` (a set of input width 1) as a generic set of ``arch`` (same hidden and output
    widths), or None when a lifted point does not refine to a critical point at its new base.

    Of :data:`LIFT_DRAWS` random bases the one whose points have the best-conditioned Jacobians
    and refine is kept (no path is tracked, so the choice is cheap): every later solve carries the set from that
    base, and a base with ill-conditioned points made those parameter homotopies slow (widths 2,2,2
    at seed 0: condition 1.8e3, 53 steps a path to 30 random data sets, where the other draws of
    condition 2e2–3e2 took 27–31; one of its targets needed retried paths).
    """
    reduced = generic.base
    draws = []
    for _ in range(LIFT_DRAWS):
        base, kappa = _lifted_base(reduced, arch, rng)
        draws.append((base, kappa, _lift_points(generic.representatives, reduced, base, kappa)))
    chosen = None
    # The lift is exact, so a draw's condition can be judged before Newton; refine the best first
    # and the next only if it fails (a warm solve pays one refinement, not LIFT_DRAWS).
    for base, kappa, reps in sorted(draws, key=lambda draw: _worst_condition(arch, draw[0], draw[2])):
        if len(reps):
            with np.errstate(all="ignore"):
                reps, residual = refine(base, reps)
            if not (np.all(residual <= LIFT_RESIDUAL) and is_torus(arch, reps).all()):
                continue
        chosen = (base, kappa, reps)
        break
    if chosen is None:
        return None
    base, kappa, reps = chosen
    reps = canonicalize(arch, reps) if len(reps) else reps
    start = None if generic.start is None else _lift_points(generic.start[None], reduced, base, kappa)[0]
    info = {**generic.report.info, "lift": f"{generic.architecture} at input width 1, lifted to {arch} (m = 1)"}
    report = replace(generic.report, name=f"{generic.report.name} → {arch}", info=info)
    return GenericSolutions(arch, base, reps, generic.degenerate, report, start)
