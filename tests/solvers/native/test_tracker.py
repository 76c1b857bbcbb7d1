"""The path tracker on homotopies with known answers."""

from __future__ import annotations

import numpy as np

from linnet_crit.results import ReturnCode
from linnet_crit.solvers.native.tracker import newton, track
from linnet_crit.solvers.options import TrackerOptions


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
