"""The path tracker on homotopies with known answers."""

from __future__ import annotations

import numpy as np

from linnet_crit.results import ReturnCode
from linnet_crit.solvers.native.tracker import newton, track
from linnet_crit.options import TrackerOptions


class RootsOfUnity:
    """H(x, t) = x^d − (1 − t + t·c): tracks the d-th roots of 1 to the d-th roots of c."""

    def __init__(self, degree: int, target: complex) -> None:
        self.d, self.c = degree, target

    def evaluate(self, x, t):
        rhs = (1 - t) + t * self.c
        return x**self.d - rhs[:, None], (self.d * x ** (self.d - 1))[:, :, None]

    def derivative_t(self, x, t):
        return np.full(x.shape, -(self.c - 1), dtype=complex)


def test_tracks_roots_to_the_exact_target_roots():
    d, c = 5, 2.0 + 1.5j
    start = np.exp(2j * np.pi * np.arange(d) / d)[:, None]
    res = track(RootsOfUnity(d, c), start)
    assert all(code is ReturnCode.SUCCESS for code in res.codes)
    assert np.allclose(res.x[:, 0] ** d, c, rtol=1e-12)
    # continuity from distinct starts gives distinct ends: no path jumped
    assert len(np.unique(np.round(res.x[:, 0], 8))) == d


def test_diverging_path_is_reported_not_counted():
    class Escape:
        def evaluate(self, x, t):
            return (1 - t)[:, None] * x - 1.0, (1 - t)[:, None, None] * np.ones((len(x), 1, 1))

        def derivative_t(self, x, t):
            return -x

    res = track(Escape(), np.ones((1, 1), dtype=complex), TrackerOptions(divergence_norm=1e6))
    assert res.codes[0] in (ReturnCode.DIVERGED, ReturnCode.STEP_SIZE_TOO_SMALL)
    assert not res.success[0]


def test_newton_converges_quadratically_on_a_simple_root():
    hom = RootsOfUnity(3, 8.0)
    x, last, residual = newton(hom, np.array([[2.1 + 0.1j]]), np.ones(1), 6)
    assert abs(x[0, 0] - 2.0) < 1e-14 and residual[0] < 1e-12 and last[0] < 1e-10


class Counting(RootsOfUnity):
    """RootsOfUnity that records how many points each evaluation was asked for."""

    def __init__(self, degree: int, target: complex) -> None:
        super().__init__(degree, target)
        self.sizes: list[int] = []

    def evaluate(self, x, t):
        self.sizes.append(len(x))
        return super().evaluate(x, t)


def test_corrector_iterates_only_on_paths_still_converging():
    from linnet_crit.solvers.native.tracker import _correct

    hom = Counting(3, 8.0)
    exact = np.array([[2.0 + 0j], [2.0 + 1e-4j]])  # the first is the root already
    x, ok, first, tangent, _ = _correct(hom, exact, np.ones(2), TrackerOptions())
    assert ok.all() and np.allclose(x[:, 0], 2.0, atol=1e-12)
    assert hom.sizes[0] == 2 and all(size == 1 for size in hom.sizes[1:]) and len(hom.sizes) >= 2
    # the tangent dx/dt = (c − 1) / (d·x^{d−1}) at the root, which the next RK4 step reuses
    assert np.allclose(tangent[:, 0], 7.0 / 12.0, rtol=1e-6)


def test_corrector_rejects_a_start_outside_the_contraction_region():
    from linnet_crit.solvers.native.tracker import _correct

    # from 0.3 the Newton updates for x³ = 8 grow instead of contracting: a would-be path jump
    x, ok, first, _, _ = _correct(RootsOfUnity(3, 8.0), np.array([[0.3 + 0j]]), np.ones(1), TrackerOptions(first_correction=1e3))
    assert not ok[0]


class NearInfinity:
    """y = (x0, x1) on the patch x1 = 1 with H = x0·(x0 − ε·x1): the solution x0 = ε (a path close
    to infinity) and x0 = 0 (a solution at infinity, like the start and target systems' common zeros there)."""

    def __init__(self, eps: float, homogeneous: bool) -> None:
        self.eps, self.homogeneous = eps, homogeneous

    def evaluate_all(self, y, t):
        x0, x1 = y[:, 0], y[:, 1]
        H = np.stack([x0 * (x0 - self.eps * x1), x1 - 1.0], axis=1)
        Hy = np.zeros((len(y), 2, 2), dtype=complex)
        Hy[:, 0, 0], Hy[:, 0, 1], Hy[:, 1, 1] = 2.0 * x0 - self.eps * x1, -self.eps * x0, 1.0
        return H, Hy, np.zeros_like(H)

    def evaluate(self, y, t):
        return self.evaluate_all(y, t)[:2]


def test_the_corrector_does_not_move_a_path_onto_the_solutions_at_infinity():
    from linnet_crit.solvers.native.tracker import _correct

    # a prediction 0.05ε from infinity: Newton heads for x0 = 0 with updates of relative size 3e-5,
    # far below first_correction, that contract fast; only x0's own scale sees the jump
    predicted = np.array([[5e-5 + 0j, 1.0 + 0j]])
    jumped, ok, _, _, _ = _correct(NearInfinity(1e-3, homogeneous=False), predicted, np.ones(1), TrackerOptions())
    assert ok[0] and abs(jumped[0, 0]) < 1e-12
    _, ok, _, _, _ = _correct(NearInfinity(1e-3, homogeneous=True), predicted, np.ones(1), TrackerOptions())
    assert not ok[0]
    # a prediction near the path is corrected onto it
    near, ok, _, _, _ = _correct(NearInfinity(1e-3, homogeneous=True), predicted + [[9e-4, 0]], np.ones(1), TrackerOptions())
    assert ok[0] and abs(near[0, 0] - 1e-3) < 1e-12


def test_a_step_costs_at_most_five_evaluations():
    """RK4 whose first stage is the corrector's tangent (three evaluations) and a Newton corrector
    that stops on its error estimate (about two): at most five evaluations a step, where RK4 with
    its own first stage took 5.7 on this homotopy."""
    hom = Counting(5, 2.0 + 1.5j)
    start = np.exp(2j * np.pi * np.arange(5) / 5)[:, None]
    opts = TrackerOptions()
    res = track(hom, start, opts)
    assert res.success.all() and res.steps.max() <= 10
    # leave out the tangent at the start points and the final polish (polish_steps + 1 calls)
    tracking = sum(hom.sizes) - len(start) * (1 + opts.polish_steps + 1)
    assert tracking / res.steps.sum() <= 5.0, tracking / res.steps.sum()


def test_benign_stretches_take_larger_steps_to_the_same_ends():
    """With c near −1 the right-hand side 1 − t + t·c passes near 0, where all the roots meet
    (Newton's ω grows): the default aims the predictor's error up to benign_step_target's where
    ω·‖first update‖ stays below contraction_target, and reaches the same roots in fewer steps
    than step_target's aim everywhere."""
    d, c = 7, -1.0 + 0.05j
    start = np.exp(2j * np.pi * np.arange(d) / d)[:, None]
    adaptive = track(RootsOfUnity(d, c), start)
    strict = track(RootsOfUnity(d, c), start, TrackerOptions(benign_step_target=0.01))
    assert adaptive.success.all() and strict.success.all()
    assert np.allclose(adaptive.x, strict.x, atol=1e-12)
    assert adaptive.steps.sum() < strict.steps.sum()
    # a zero contraction target never allows more than step_target's aim: the strict run exactly
    never = track(RootsOfUnity(d, c), start, TrackerOptions(contraction_target=0.0))
    assert np.array_equal(never.steps, strict.steps) and np.array_equal(never.x, strict.x)
