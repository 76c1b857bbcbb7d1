"""What would a trace test cost as monodromy's certificate? The multiprojective trace test, measured.

Issue 16 asks for a completeness check of monodromy's generic solution sets that costs a few paths
per orbit, e.g. the trace test of Leykin, Rodriguez & Sottile (Arnold Math. J. 2018), the check
HomotopyContinuation.jl runs in ``verify_solution_completeness``. This script runs that test on the
sign-flip quotient and counts what it needs.

For a shape (the widths whose torus solutions monodromy collects) at a generic base point (X, Y,
Λ0) with the K orbits ``generic_solutions`` found: C is the curve of torus critical points over the
line Λ0 + λ·v of regularizers (unknowns z = (W, λ)). The slices

    (a·(W∘W) − 1)·λ + τ = 0

meet C, at τ = 0, in the fiber over Λ0 (λ = 0: the K orbits) and in the points of C on the
hyperplane a·(W∘W) = 1 (the *additional witnesses*, E' orbits). W∘W is invariant under the sign
flips, so orbits move as orbits and one path per orbit suffices; the trace — the sum of (W∘W, λ)
over the K + E' orbits — is linear in τ exactly when both sets are complete (C irreducible). (Slicing
by λ alone, the fiber's own trace, is not linear: points of the fiber escape to infinity at finite
λ.) The test therefore needs the E' additional orbits — found here by monodromy, loops of the
hyperplane a (triangles a → a₁ → a₂ → a) until ``--stall`` loops bring none — and tracks all K + E'
orbits to two more slices (2·(K + E') paths): at least 2K + 3E' paths in all, whatever the method that
finds the additional orbits.

Printed per shape: K and the paths ``generic_solutions`` spent (its stopping rule included); E',
E'/K, the paths this script's monodromy spent on them; the trace's residual — its second difference
over the first, ``|T(2τ₁) − 2T(τ₁) + T(0)| / |T(τ₁) − T(0)|`` — for the complete sets, with one
fiber orbit dropped and with one additional orbit dropped; and the least paths a trace certificate
needs (2K + 3E'). A residual that is not at rounding level for the complete sets means this
script's monodromy missed additional orbits (it is told so; it never claims more).

Run: ``python benchmarks/bench_trace_test.py`` (``--shapes "1,2,2;2,2,2,1;1,2,3" --seed 0 --stall 10``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linnet_crit import Architecture, Instance, MonodromyOptions  # noqa: E402
from linnet_crit.numeric import Parameters, gradient_and_jacobian  # noqa: E402
from linnet_crit.points import SAME_POINT, match_index, unique_rows  # noqa: E402
from linnet_crit.sign_flips import canonicalize  # noqa: E402
from linnet_crit.solvers.native.homotopies import ParameterHomotopy  # noqa: E402
from linnet_crit.solvers.native.monodromy import _complex_normal, _with_lambdas, generic_solutions  # noqa: E402
from linnet_crit.solvers.native.tracker import track  # noqa: E402

SHAPES = ("1,2,2", "2,2,2,1", "1,2,3")
#: The trace is linear when its relative second difference is below this (rounding is ~1e-14;
#: one orbit dropped gave 3e-4 to 1e-2 in the runs of benchmarks/README.md).
LINEAR = 1e-9


@dataclass(frozen=True)
class LineCurve:
    """Torus critical points of a shape over the regularizers Λ0 + λ·v, at the data X, Y and the Λ0
    of ``base`` (an :class:`~linnet_crit.Instance`)."""

    base: Instance
    v: np.ndarray

    @property
    def arch(self) -> Architecture:
        return self.base.architecture

    @property
    def lam0(self) -> np.ndarray:
        return self.base.parameter_vector()[-self.arch.n_unknowns:]

    def at(self, lam: complex) -> Instance:
        """The instance at Λ0 + λ·v."""
        return _with_lambdas(self.base, self.lam0 + lam * self.v)

    def system(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """F(W; Λ0 + λv) ``(P, n)``, ∂F/∂W ``(P, n, n)`` and ∂F/∂λ = v∘W at z = (W, λ)."""
        arch, n = self.arch, self.arch.n_unknowns
        W, lam = z[:, :n], z[:, n]
        flat = self.lam0[None, :] + lam[:, None] * self.v[None, :]
        lambdas = tuple(flat[:, a:b].reshape((-1, *s)) for a, b, s in zip(arch.offsets[:-1], arch.offsets[1:], arch.shapes))
        X, Y = (np.asarray(a, dtype=complex)[None] for a in (self.base.X, self.base.Y))
        F, J = gradient_and_jacobian(arch, W, Parameters(X, Y, lambdas))
        return F, J, self.v[None, :] * W

    def orbits(self, z: np.ndarray) -> np.ndarray:
        """One canonical representative per sign-flip orbit (λ is invariant)."""
        n = self.arch.n_unknowns
        z = np.concatenate([canonicalize(self.arch, z[:, :n]), z[:, n:]], axis=1)
        return z[unique_rows(z, SAME_POINT)[0]]


def _augmented(curve: LineCurve, z: np.ndarray, last: np.ndarray, d_last_dw: np.ndarray, d_last_dlam: np.ndarray):
    F, J, F_lam = curve.system(z)
    n = curve.arch.n_unknowns
    H = np.concatenate([F, last[:, None]], axis=1)
    Hx = np.zeros((len(z), n + 1, n + 1), complex)
    Hx[:, :n, :n], Hx[:, :n, n], Hx[:, n, :n], Hx[:, n, n] = J, F_lam, d_last_dw, d_last_dlam
    return H, Hx


@dataclass(frozen=True)
class Slice:
    """z on C with (a·(W∘W) − 1)·λ + τ = 0, τ from ``tau0`` (t = 0) to ``tau1`` (t = 1)."""

    curve: LineCurve
    a: np.ndarray
    tau0: complex
    tau1: complex

    def evaluate(self, z: np.ndarray, t: np.ndarray):
        n = self.curve.arch.n_unknowns
        W, lam = z[:, :n], z[:, n]
        q = (W * W) @ self.a - 1.0
        tau = self.tau0 + np.asarray(t) * (self.tau1 - self.tau0)
        return _augmented(self.curve, z, q * lam + tau, 2 * self.a[None, :] * W * lam[:, None], q)

    def derivative_t(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        out = np.zeros(z.shape, complex)
        out[:, -1] = self.tau1 - self.tau0
        return out


@dataclass(frozen=True)
class Section:
    """z on C with a(t)·(W∘W) = 1, a(t) from ``a0`` to ``a1``: moves the additional witnesses."""

    curve: LineCurve
    a0: np.ndarray
    a1: np.ndarray

    def evaluate(self, z: np.ndarray, t: np.ndarray):
        n = self.curve.arch.n_unknowns
        W = z[:, :n]
        a = self.a0[None, :] + np.asarray(t)[:, None] * (self.a1 - self.a0)[None, :]
        return _augmented(self.curve, z, np.sum(a * W * W, axis=1) - 1.0, 2 * a * W, np.zeros(len(z), complex))

    def derivative_t(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        out = np.zeros(z.shape, complex)
        out[:, -1] = (z[:, :-1] ** 2) @ (self.a1 - self.a0)
        return out


def _tracked(homotopy, z: np.ndarray) -> tuple[np.ndarray, int]:
    """End points of the paths that succeeded, and how many failed."""
    res = track(homotopy, z)
    return res.x[res.success], int((~res.success).sum())


def additional_witnesses(curve: LineCurve, fiber: np.ndarray, stall: int, rng: np.random.Generator,
                         max_loops: int = 400) -> dict:
    """The hyperplane a and the orbits of C on a·(W∘W) = 1, by monodromy in a.

    Seeds: the fiber's orbits carried to λ = 1 (points of C), as many as have independent squares
    (critical points satisfy Σ λ_in·w_in² = Σ λ_out·w_out² for every hidden neuron, since the loss
    does not change when a neuron's inputs are scaled by c and its outputs by 1/c, so the squares
    of a fiber span fewer dimensions than there are unknowns); a is then fitted through them, plus
    a random part the seeds do not see.
    """
    arch, n = curve.arch, curve.arch.n_unknowns
    carried, failed = _tracked(ParameterHomotopy(arch, curve.base, curve.at(1.0)), fiber[:, :n])
    paths = len(fiber)
    seeds: list[int] = []
    for k in range(len(carried)):
        squares = carried[seeds + [k]] ** 2
        s = np.linalg.svd(squares, compute_uv=False)
        if len(seeds) < n and s[-1] > 1e-8 * s[0]:
            seeds.append(k)
    squares = carried[seeds] ** 2
    a, *_ = np.linalg.lstsq(squares, np.ones(len(seeds), complex), rcond=None)
    null = np.linalg.svd(squares)[2][len(seeds):].conj().T
    a = a + 0.5 * null @ _complex_normal(rng, n - len(seeds))
    known = curve.orbits(np.concatenate([carried[seeds], np.ones((len(seeds), 1), complex)], axis=1))
    quiet = loops = 0
    while quiet < stall and loops < max_loops:
        z, a1, a2 = known, a + _complex_normal(rng, n), a + _complex_normal(rng, n)
        for start, end in ((a, a1), (a1, a2), (a2, a)):
            paths += len(z)
            z, lost = _tracked(Section(curve, start, end), z)
            failed += lost
        z = curve.orbits(z)
        new = z[match_index(z, known, SAME_POINT) < 0]
        loops += 1
        quiet = 0 if len(new) else quiet + 1
        known = np.concatenate([known, new]) if len(new) else known
    return {"a": a, "orbits": known, "paths": paths, "loops": loops, "failed": failed, "seeds": len(seeds)}


def trace_residual(curve: LineCurve, a: np.ndarray, points: np.ndarray, rng: np.random.Generator) -> float | None:
    """Relative second difference of the invariant trace over the slices τ = 0, τ₁, 2τ₁ (None when a path failed)."""
    n = curve.arch.n_unknowns
    tau1 = 0.3 * np.exp(2j * np.pi * rng.uniform())
    traces = [points]
    for lo, hi in ((0.0, tau1), (tau1, 2 * tau1)):
        z, lost = _tracked(Slice(curve, a, lo, hi), traces[-1])
        if lost:
            return None
        traces.append(z)
    T0, T1, T2 = (np.concatenate([z[:, :n] ** 2, z[:, n:]], axis=1).sum(axis=0) for z in traces)
    return float(np.abs(T2 - 2 * T1 + T0).max() / np.abs(T1 - T0).max())


def run_shape(widths: str, seed: int, stall: int) -> dict:
    arch = Architecture(tuple(int(w) for w in widths.split(",")))
    n = arch.n_unknowns
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    generic = generic_solutions(arch, 1, rng, MonodromyOptions(closed_form=False))  # the rule, not the closed form
    curve = LineCurve(generic.base, _complex_normal(rng, n))
    fiber = np.concatenate([generic.representatives, np.zeros((generic.n_orbits, 1), complex)], axis=1)
    extra = additional_witnesses(curve, fiber, stall, rng)
    both = np.concatenate([fiber, extra["orbits"]])
    K, E = len(fiber), len(extra["orbits"])
    row = {
        "widths": widths, "seed": seed, "K": K, "monodromy_paths": generic.report.paths, "E": E,
        "additional_paths": extra["paths"], "additional_loops": extra["loops"], "failed": extra["failed"],
        "residual": trace_residual(curve, extra["a"], both, rng),
        "residual_fiber_dropped": trace_residual(curve, extra["a"], both[1:], rng),
        "residual_additional_dropped": trace_residual(curve, extra["a"], np.delete(both, K, axis=0), rng),
        "least_certificate_paths": 2 * K + 3 * E, "seconds": time.perf_counter() - t0,
    }
    return row


def _fmt(x: float | None) -> str:
    return "failed path" if x is None else f"{x:.1e}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=";".join(SHAPES), help="';'-separated widths")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stall", type=int, default=10, help="loops without a new additional orbit before stopping")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    print(f"# bench_trace_test: seed {args.seed}, stall {args.stall}; linear = residual below {LINEAR:g}")
    print(f"{'widths':>9} {'K':>4} {'mono paths':>10} | {'E_add':>5} {'E/K':>6} {'add paths':>9} | "
          f"{'residual':>9} {'-1 fiber':>9} {'-1 add':>9} | {'least cert':>10}  verdict")
    rows = []
    for widths in args.shapes.split(";"):
        row = run_shape(widths, args.seed, args.stall)
        rows.append(row)
        linear = row["residual"] is not None and row["residual"] < LINEAR
        verdict = ("trace linear: both sets complete" if linear
                   else "trace not linear: additional orbits missing (this script's monodromy stopped early)")
        print(f"{widths:>9} {row['K']:>4} {row['monodromy_paths']:>10} | {row['E']:>5} {row['E'] / row['K']:>6.2f} "
              f"{row['additional_paths']:>9} | {_fmt(row['residual']):>9} {_fmt(row['residual_fiber_dropped']):>9} "
              f"{_fmt(row['residual_additional_dropped']):>9} | {row['least_certificate_paths']:>10}  {verdict}",
              flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
