"""Monodromy: the torus solutions of a (sub-)network at generic complex parameters.

The system is linear in Λ, so for any W₀ with no zero entry and any X, Y the Λ that makes W₀
critical is read off entrywise: a free start pair. Loops in parameter space (base → p₁ → p₂ →
base) permute the solutions; new sign-flip orbits are collected until ``stall_loops`` consecutive
loops bring none. The stopping rule never looks at a known or formula count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...numeric import Parameters, gradient, gradient_and_jacobian
from ...points import SAME_POINT, is_torus, match_rows, unique_rows
from ...results import StageReport
from ...options import MonodromyOptions, TrackerOptions
from ...sign_flips import canonicalize, orbit_size
from .homotopies import ParameterHomotopy, fixed
from .tracker import newton, track

__all__ = ["SUSPICIOUS_GAP", "GenericSolutions", "generic_solutions", "random_complex_instance", "relative_rank_gap",
           "start_pair"]

#: Relative rank gaps of the start map inside this window are suspicious: valid sub-networks were
#: seen as low as ~1.6e-5, rank-deficient ones at ~1e-17 (engine notes, pitfall 1).
SUSPICIOUS_GAP = (1e-14, 1e-6)

@dataclass(frozen=True, eq=False)
class GenericSolutions:
    """One representative per sign-flip orbit of the torus solutions at a generic parameter point."""

    architecture: Architecture
    base: Instance
    representatives: np.ndarray
    degenerate: bool
    report: StageReport
    #: The random torus point W₀ that ``base`` was built around (critical at ``base`` by construction):
    #: the cache re-checks the rank verdict there.
    start: np.ndarray | None = None

    @property
    def n_orbits(self) -> int:
        return int(self.representatives.shape[0])

    @property
    def n_torus(self) -> int:
        return self.n_orbits * orbit_size(self.architecture)

    @property
    def rank_warnings(self) -> tuple[str, ...]:
        """A start map whose rank gap lies where full rank and rank deficiency cannot be told apart
        (:data:`SUSPICIOUS_GAP`): the torus solutions may have been wrongly declared absent or present."""
        gap = self.report.info.get("rank_gap")
        if gap is None or not SUSPICIOUS_GAP[0] < gap < SUSPICIOUS_GAP[1]:
            return ()
        verdict = "taken as rank-deficient (no torus solutions)" if self.degenerate else "taken as full rank"
        return (
            f"monodromy {self.architecture}: the start map's relative rank gap {gap:.1e} is neither clearly zero "
            f"nor clearly positive, {verdict}",
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """Why the orbits found may not be all: :attr:`rank_warnings`, or a stop at ``max_loops``."""
        info, found = self.report.info, list(self.rank_warnings)
        if str(info.get("stop", "")).startswith("reached max_loops"):
            found.append(
                f"monodromy {self.architecture} stopped at max_loops = {info['loops']} with {info['orbits']} orbits "
                f"before {info['stall_goal']} consecutive complete loops brought nothing new: orbits may be missing"
            )
        return tuple(found)


def _complex_normal(rng: np.random.Generator, shape) -> np.ndarray:
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)


def random_complex_instance(arch: Architecture, samples: int, rng: np.random.Generator) -> Instance:
    """Complex Gaussian X, Y, Λ: a generic parameter point."""
    return Instance(
        arch,
        _complex_normal(rng, (arch.dx, samples)),
        _complex_normal(rng, (arch.dy, samples)),
        [_complex_normal(rng, shape) for shape in arch.shapes],
    )


def start_pair(arch: Architecture, data: Instance, rng: np.random.Generator) -> tuple[Instance, np.ndarray]:
    """A random torus point W₀ and the Λ (read off entrywise) that makes it critical for the X, Y of ``data``."""
    w0 = _complex_normal(rng, arch.n_unknowns)
    zero_lambda = Instance(arch, data.X, data.Y, [np.zeros(s) for s in arch.shapes])
    G = gradient(arch, w0[None], Parameters.of(zero_lambda))[0]
    lam = -G / w0
    return _with_lambdas(data, lam), w0


def _with_lambdas(data: Instance, flat: np.ndarray) -> Instance:
    arch = data.architecture
    lambdas = [flat[a:b].reshape(s) for a, b, s in zip(arch.offsets[:-1], arch.offsets[1:], arch.shapes)]
    return Instance(arch, data.X, data.Y, lambdas)


def relative_rank_gap(arch: Architecture, base: Instance, w0: np.ndarray) -> float:
    """σ_min/σ_max of ∂F/∂W at the start pair; tiny when W ↦ Λ(W) is rank-deficient everywhere."""
    _, J = gradient_and_jacobian(arch, w0[None], Parameters.of(base))
    s = np.linalg.svd(J[0], compute_uv=False)
    return float(s[-1] / s[0])


def _loop_corner(base: Instance, rng: np.random.Generator) -> np.ndarray:
    """A random Λ for a loop's corner, on a random scale around the base's.

    Branch points lie at many scales; triangles of one fixed size can miss those far out and
    leave orbits unfound (seen on widths 1,1,1,1).
    """
    size = np.sqrt(np.mean(np.abs(base.parameter_vector()[-base.architecture.n_unknowns :]) ** 2))
    return size * 10 ** rng.uniform(-0.5, 1.0) * _complex_normal(rng, base.architecture.n_unknowns)


def _round(arch, base, known, rng, n_loops: int, tracker: TrackerOptions):
    """Track every known representative around ``n_loops`` random triangles at once.

    Returns, per loop, the refined arrivals back at ``base`` and whether all of them arrived, and the
    numbers of paths and failures.
    """
    # Loops move Λ only: the torus incidence variety {(W, Λ(W))} is a copy of the torus, hence
    # irreducible, so Λ-loops act transitively; fixed data avoid the data's own degenerations
    # (e.g. Σxx isotropic along a complex segment), on which paths crawl.
    corners = [
        Parameters.stack([_with_lambdas(base, _loop_corner(base, rng)) for _ in range(n_loops)]) for _ in range(2)
    ]
    loop_of_path = np.repeat(np.arange(n_loops), len(known))
    p1, p2 = (c.select(loop_of_path) for c in corners)
    base_params = Parameters.of(base)
    x, alive = np.tile(known, (n_loops, 1)), np.arange(len(loop_of_path))
    paths = failed = 0
    for a, b in ((base_params, p1), (p1, p2), (p2, base_params)):
        res = track(ParameterHomotopy(arch, a.select(alive), b.select(alive)), x, tracker)
        paths += len(res)
        failed += int((~res.success).sum())
        x, alive = res.x[res.success], alive[res.success]
    x, _, residual = newton(fixed(arch, base), x, np.ones(len(x)), 2)
    good = (residual <= 1e-8 * (1 + np.abs(x).max(axis=1))) & is_torus(arch, x)
    arrivals = [x[good & (loop_of_path[alive] == r)] for r in range(n_loops)]
    # a loop is complete when every known orbit came back as a refined torus point
    complete = np.array([len(a) == len(known) for a in arrivals], dtype=bool)
    return arrivals, complete, paths, failed


def generic_solutions(
    arch: Architecture,
    samples: int,
    rng: np.random.Generator,
    options: MonodromyOptions | None = None,
    tracker: TrackerOptions | None = None,
) -> GenericSolutions:
    """Monodromy solve for the torus solutions of ``arch`` at a generic complex parameter point.

    X and Y are complex random and stay fixed; the loops move Λ. At real data, Λ-loops were
    seen to permute the orbits too rarely (widths 1,1,1,1: one orbit of four in 5 of 12 runs), so
    the data are made generic too and the solve moves them to the target afterwards.
    """
    options, tracker = options or MonodromyOptions(), tracker or TrackerOptions()
    t0 = time.perf_counter()
    base, w0 = start_pair(arch, random_complex_instance(arch, samples, rng), rng)
    gap = relative_rank_gap(arch, base, w0)
    if gap < options.rank_tolerance:
        # W ↦ Λ(W) is rank-deficient: generic Λ has no torus solution (engine notes, pitfall 1).
        info = {"rank_gap": gap, "stop": "start map rank-deficient: no torus solutions", "stall_goal": options.stall_loops}
        return GenericSolutions(arch, base, np.zeros((0, arch.n_unknowns), complex), True,
                                StageReport(f"monodromy {arch}", 0, seconds=time.perf_counter() - t0, info=info), w0)
    known = canonicalize(arch, w0[None])
    loops = stall = paths = failed = incomplete = 0
    while stall < options.stall_loops and loops < options.max_loops:
        n_loops = min(options.parallel_loops, options.max_loops - loops)
        round_arrivals, complete, n_paths, n_failed = _round(arch, base, known, rng, n_loops, tracker)
        paths, failed = paths + n_paths, failed + n_failed
        loops += n_loops
        incomplete += int((~complete).sum())
        arrivals = canonicalize(arch, np.concatenate(round_arrivals))
        keep, _ = unique_rows(arrivals, SAME_POINT)
        new = arrivals[keep][~match_rows(arrivals[keep], known, SAME_POINT)]
        # Only loops that tracked every known orbit and brought every one back count towards the
        # stall: a round started from fewer orbits than it found says nothing about the ones it
        # found, and a loop that lost a path may have lost the one that led to a new orbit.
        stall = 0 if len(new) else stall + int(complete.sum())
        known = np.concatenate([known, new])
    stop = (
        f"{options.stall_loops} consecutive complete loops found no new orbit"
        if stall >= options.stall_loops
        else f"reached max_loops = {options.max_loops}"
    )
    info = {"loops": loops, "orbits": len(known), "rank_gap": gap, "stop": stop, "incomplete_loops": incomplete,
            "stall_goal": options.stall_loops}
    report = StageReport(f"monodromy {arch}", paths, failed=failed, seconds=time.perf_counter() - t0, info=info)
    return GenericSolutions(arch, base, known, False, report, w0)
