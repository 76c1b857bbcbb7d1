"""The reduced system of widths 1,d,d and 1,1,p in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit.points import SAME_POINT, match_index, unique_rows
from linnet_crit.solvers.native import closed_form
from linnet_crit.solvers.native.reduced_homotopy import OneHiddenLayer, solve_reduced


def _system(d: int, p: int, seed: int) -> OneHiddenLayer:
    rng = np.random.default_rng(seed)
    c = lambda *shape: rng.standard_normal(shape) + 1j * rng.standard_normal(shape)  # noqa: E731
    return OneHiddenLayer(complex(c(1)[0]), c(p), c(d), c(p, d))


def test_which_shapes_decouple():
    assert closed_form.decouples(3, 3) and closed_form.decouples(1, 4) and closed_form.decouples(1, 1)
    assert not closed_form.decouples(2, 3)


@pytest.mark.parametrize(("d", "p"), [(1, 1), (1, 3), (2, 2), (3, 3), (1, 5)])
def test_the_closed_form_solves_the_reduced_system_as_its_homotopy_does(d, p):
    """Against an independent computation: every path of the reduced homotopy."""
    system = _system(d, p, seed=d + p)
    z = closed_form.solutions(system)
    for _ in range(3):  # the companion matrix's roots of degree 2p are accurate to ~1e-7: Newton, as the engine does
        F, J = system.evaluate(z)
        z = z - np.linalg.solve(J, F[..., None])[..., 0]
    F, _ = system.evaluate(z)
    assert np.abs(F).max() < 1e-9 * (1 + np.abs(z).max())
    assert len(unique_rows(z, SAME_POINT)[0]) == len(z)
    run = solve_reduced(system, seed=0)
    assert run.accounted and run.n_at_infinity == 0 and len(run.points) == len(z) == run.n_paths
    matched = match_index(z, run.points, SAME_POINT)
    assert np.all(matched >= 0) and len(set(matched)) == len(z)
