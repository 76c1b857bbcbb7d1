"""Homotopies of the gradient system."""

from __future__ import annotations

import numpy as np

from linnet_crit import random_instance
from linnet_crit.numeric import Parameters
from linnet_crit.options import SolveOptions
from linnet_crit.solvers.native.homotopies import EmbeddedHomotopy, ParameterHomotopy
from linnet_crit.solvers.native.structured import root_seed, solve_generic
from linnet_crit.solvers.native.tracker import track


def test_an_embedded_path_is_its_sub_networks_path():
    """Generic representatives of widths 1,1,2 carried to the alive set {1} of 1,2,2's data, once in
    the sub-network and once embedded in the full network: the same end points, the dead weights
    exactly zero all along."""
    inst = random_instance((1, 2, 2), seed=5)
    arch = inst.architecture
    generic = solve_generic(arch, 1, root_seed(5), SolveOptions(cache=False))[(1,)]
    reps, alive = generic.representatives, [[1]]
    plain = track(ParameterHomotopy(generic.architecture, generic.base, inst.restrict(alive)), reps)

    index = arch.embedding_index(alive)
    start = np.zeros((len(reps), arch.n_unknowns), dtype=complex)
    start[:, index] = reps
    mask = np.zeros(start.shape, dtype=bool)
    mask[:, index] = True
    inner = ParameterHomotopy(arch, Parameters.of(inst.embed(alive, generic.base)), Parameters.of(inst))
    embedded = track(EmbeddedHomotopy(inner, mask), start)

    assert plain.success.all() and embedded.success.all()
    assert np.all(embedded.x[~mask] == 0)
    np.testing.assert_allclose(embedded.x[:, index], plain.x, rtol=1e-10, atol=1e-12)
    # the same paths: their step counts agree up to rounding near a step-size decision
    assert np.abs(embedded.steps - plain.steps).max() <= 1
