"""One solve spread over an executor: the same points whatever runs the units.

The units of a structure-aware solve (monodromy per alive-size tuple, parameter homotopies per
chunk of alive sets) each draw from a generator keyed by the solve's seed and the unit, and are
merged by unit index, so this process, two worker processes and a Dask cluster must give the
same solutions in the same order.
"""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit.architecture import Architecture
from linnet_crit.data import random_instance
from linnet_crit.errors import SolverError
from linnet_crit.executors import SerialExecutor
from linnet_crit.points import SAME_POINT, match_rows
from linnet_crit.solvers import SolveOptions, solve
from linnet_crit.solvers.native.structured import (
    carry_units,
    n_alive_sets,
    shape_rng,
    solve_generic,
    solve_structured_many,
)

OPTIONS = SolveOptions(cache=False)


def _same_points(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(match_rows(a, b, SAME_POINT).all()) and bool(match_rows(b, a, SAME_POINT).all())


@pytest.fixture(scope="module")
def serial_133():
    return solve(random_instance("1,3,3", seed=0), seed=0, options=OPTIONS)


def test_two_processes_give_the_serial_solutions(serial_133):
    parallel = solve(random_instance("1,3,3", seed=0), seed=0, options=OPTIONS, executor="processes", workers=2)
    assert serial_133.complete and parallel.complete, (serial_133.warnings, parallel.warnings)
    assert parallel.n_solutions == serial_133.n_solutions
    # same order too: outcomes are merged by unit index, not by completion
    assert _same_points(parallel.solutions, serial_133.solutions)
    assert np.allclose(parallel.solutions, serial_133.solutions, rtol=1e-9, atol=1e-12)
    assert parallel.n_paths_tracked == serial_133.n_paths_tracked


def test_the_generic_set_does_not_depend_on_the_order_of_shapes():
    arch = Architecture.parse("1,3,3")
    generic = solve_generic(arch, 1, 7, OPTIONS)

    class Reversed(SerialExecutor):
        """Runs the units last to first, as a pool may finish them."""

        def run(self, function, context, units):
            for i in reversed(range(len(units))):
                yield i, function(context, units[i])

    again = solve_generic(arch, 1, 7, OPTIONS, executor=Reversed())
    for sizes, g in generic.items():
        assert np.array_equal(again[sizes].representatives, g.representatives), sizes
        assert np.array_equal(again[sizes].base.X, g.base.X), sizes


def test_each_shape_has_its_own_generator():
    root = np.random.SeedSequence(0)
    draws = {s: shape_rng(root, s).standard_normal(3).tolist() for s in [(1,), (2,), (1, 2), (2, 1)]}
    assert len({tuple(d) for d in draws.values()}) == len(draws)
    assert shape_rng(root, (2,)).standard_normal(3).tolist() == draws[(2,)]


@pytest.mark.parametrize("widths", ["1,2,2", "2,2,2", "1,3,3", "1,2,2,1"])
def test_chunks_of_alive_sets_change_nothing(widths):
    """Every split of the parameter homotopies into units gives the plain solve's points and paths."""
    inst = random_instance(widths, seed=1)
    generic = solve_generic(inst.architecture, 1, 0, OPTIONS)
    whole = solve_structured_many([inst], generic, OPTIONS)[0]
    units = carry_units(inst.architecture, generic, OPTIONS, max_paths=1)
    assert len(units) == sum(n_alive_sets(inst.architecture, s) for s, g in generic.items() if g.n_orbits)
    split = solve_structured_many([inst], generic, OPTIONS, max_unit_paths=1)[0]
    assert _same_points(split.points, whole.points)
    assert split.n_paths == whole.n_paths and len(split.failed) == len(whole.failed)
    assert [s.paths for s in split.stages] == [s.paths for s in whole.stages]


@pytest.mark.parametrize("widths", ["1,2,2", "2,2,2", "1,2,2,1"])
def test_counts_equal_the_plain_solve(widths):
    inst = random_instance(widths, seed=2)
    plain = solve(inst, seed=3, options=OPTIONS)
    spread = solve(inst, seed=3, options=OPTIONS, executor="processes", workers=2)
    assert plain.complete and spread.complete
    assert spread.n_solutions == plain.n_solutions and spread.n_torus() == plain.n_torus()
    assert _same_points(spread.solutions, plain.solutions)


def test_executor_is_refused_for_the_hc_backend():
    with pytest.raises(SolverError, match="native backend"):
        solve(random_instance("1,1,1", seed=0), backend="hc", executor="processes", workers=2)


def test_a_dask_local_cluster_gives_the_serial_solutions():
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (extra 'dask')")
    inst = random_instance("1,2,2", seed=0)
    serial = solve(inst, seed=0, options=OPTIONS)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        spread = solve(inst, seed=0, options=OPTIONS, scheduler=client)
    assert spread.complete and spread.n_solutions == serial.n_solutions
    assert _same_points(spread.solutions, serial.solutions)
