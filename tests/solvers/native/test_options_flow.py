"""One options path: what ``solve()`` is given reaches every route's endgame."""

from __future__ import annotations

import numpy as np

from linnet_crit import solve
from linnet_crit.data import random_instance
from linnet_crit.solvers.native import blackbox as blackbox_module
from linnet_crit.solvers.native import continuation as continuation_module
from linnet_crit.options import CauchyEndgameOptions, EndgameOptions, SolveOptions


def test_solve_hands_the_endgame_options_to_the_blackbox_route(monkeypatch):
    seen = []
    real = blackbox_module.track_with_endgame

    def spy(hom, starts, tracker, options, tick, target):
        seen.append(options.endgame)
        return real(hom, starts, tracker, options, tick, target)

    monkeypatch.setattr(blackbox_module, "track_with_endgame", spy)
    endgame = EndgameOptions(ratio=1.0 / 16.0)
    result = solve(random_instance((1, 1, 1), seed=0), method="blackbox", seed=0,
                   options=SolveOptions(endgame=endgame, cache=False))
    assert seen and all(opts is endgame for opts in seen)
    assert result.complete, str(result)


def test_solve_hands_the_cauchy_endgame_options_to_the_continuation_route(monkeypatch):
    inst = random_instance((1, 1, 1), seed=0)
    default = solve(inst, method="continuation", seed=0, options=SolveOptions(cache=False))
    seen = []
    real = continuation_module.cauchy_endgame

    def spy(base, x, opts=None, tracker=None):
        seen.append(opts)
        return real(base, x, opts, tracker)

    monkeypatch.setattr(continuation_module, "cauchy_endgame", spy)
    # straight_condition = 0 sends every path through the Cauchy endgame: the count must not change
    cauchy = CauchyEndgameOptions(straight_condition=0.0)
    forced = solve(inst, method="continuation", seed=0, options=SolveOptions(cauchy=cauchy, cache=False))
    assert seen and all(opts is cauchy for opts in seen)
    assert forced.n_solutions == default.n_solutions and forced.complete, str(forced)
    assert np.array_equal(np.sort(forced.multiplicities), np.sort(default.multiplicities))


# --- the two singular thresholds: each is read from SolveOptions by the routes that judge it ----------
def test_singular_condition_decides_the_structured_certificate():
    """Every point condemned as singular fails the certificate, and auto switches routes."""
    inst = random_instance((1, 1, 1), seed=0)
    kept = solve(inst, seed=0, options=SolveOptions(cache=False))
    strict = solve(inst, seed=0, options=SolveOptions(singular_condition=1.0, cache=False))
    assert kept.route == "structured"
    assert strict.route == "continuation"
    assert any("points are singular in the full system (equilibrated Jacobian condition > 1e+00" in n for n in strict.notes)


def test_endpoint_singular_condition_decides_blackbox_end_points():
    """With the threshold at 1 every finite end point is booked singular, none nonsingular."""
    inst = random_instance((1, 1, 1), seed=0)
    default = blackbox_module.solve_blackbox(inst, seed=0, options=SolveOptions())
    strict = blackbox_module.solve_blackbox(inst, seed=0, options=SolveOptions(endpoint_singular_condition=1.0))
    assert default.n_solutions > 0 and default.n_singular == 0
    assert strict.n_solutions == 0
    assert strict.n_singular == default.n_solutions


def test_endpoint_singular_condition_decides_continuation_end_points():
    """With the threshold at 1 every end point counts as singular; each is reached by one path and every
    path ended at a finite point, so each is simple (only ill-conditioned): a note, not a warning."""
    inst = random_instance((1, 1, 1), seed=0)
    default = solve(inst, method="continuation", seed=0, options=SolveOptions(cache=False))
    strict = solve(inst, method="continuation", seed=0, options=SolveOptions(endpoint_singular_condition=1.0, cache=False))
    assert default.complete and default.n_singular == 0, str(default)
    # singular is decided by multiplicity when no path was lost: every point here is simple
    assert strict.n_solutions == default.n_solutions and strict.n_singular == 0
    assert strict.complete, str(strict)
    assert any(n.startswith(f"{strict.n_solutions} points have Jacobian condition ≥ 1 ") for n in strict.notes), strict.notes
