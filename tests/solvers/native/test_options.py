"""One options path: what ``solve()`` is given reaches every route's endgame."""

from __future__ import annotations

import numpy as np

from linnet_crit import solve
from linnet_crit.data import random_instance
from linnet_crit.solvers.native import blackbox as blackbox_module
from linnet_crit.solvers.native import continuation as continuation_module
from linnet_crit.solvers.options import CauchyEndgameOptions, EndgameOptions, SolveOptions


def test_solve_hands_the_endgame_options_to_the_blackbox_route(monkeypatch):
    seen = []
    real = blackbox_module._run

    def spy(hom, starts, tracker, opts, tick):
        seen.append(opts)
        return real(hom, starts, tracker, opts, tick)

    monkeypatch.setattr(blackbox_module, "_run", spy)
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
