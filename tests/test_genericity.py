"""Genericity checks and symmetry evidence read from the data alone (never from the label)."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit import Instance, random_instance
from linnet_crit.genericity import genericity_reasons, symmetry_evidence


def _with(inst: Instance, *, X=None, Y=None, lambdas=None) -> Instance:
    """The instance with some data replaced, built by hand (label 'generic' whatever the data)."""
    return Instance(inst.architecture, inst.X if X is None else X, inst.Y if Y is None else Y,
                    inst.lambdas if lambdas is None else lambdas)


@pytest.fixture(scope="module")
def base() -> Instance:
    return random_instance("2,2,2", samples=2, seed=3)


@pytest.mark.parametrize("widths", ["1,1,1", "2,2,2", "1,2,2,1", "3,2,3"])
@pytest.mark.parametrize("samples", [1, 2, 4])
def test_random_data_pass_every_check(widths, samples):
    inst = random_instance(widths, samples=samples, seed=samples)
    assert genericity_reasons(inst) == [] and symmetry_evidence(inst) is None


def _reasons(inst: Instance) -> str:
    return " | ".join(genericity_reasons(inst))


def test_zero_output(base):
    assert "Y = 0" in _reasons(_with(base, Y=np.zeros_like(base.Y)))


def test_zero_entry_row_and_column(base):
    X = base.X.copy()
    X[1, 0] = 0.0
    assert "X has 1 zero entries (at (1, 0))" in _reasons(_with(base, X=X))
    X[1, 1] = 0.0
    assert "X has zero rows [1]" in _reasons(_with(base, X=X))
    Y = base.Y.copy()
    Y[:, 0] = 0.0
    assert "Y has zero columns [0]" in _reasons(_with(base, Y=Y))
    lam = [base.lambdas[0].copy(), base.lambdas[1]]
    lam[0][0, 1] = 0.0
    assert "Λ_1 has 1 zero entries" in _reasons(_with(base, lambdas=lam))


def test_rank_deficient_and_duplicated_samples(base):
    X = base.X.copy()
    X[:, 1] = 2.0 * X[:, 0]
    assert "rank X = 1 < min(dx, m) = 2" in _reasons(_with(base, X=X))
    X, Y = base.X.copy(), base.Y.copy()
    X[:, 1], Y[:, 1] = X[:, 0], Y[:, 0]
    assert "samples 0 and 1 are the same" in _reasons(_with(base, X=X, Y=Y))


def test_whitened_inputs_and_autoencoders(base):
    assert "whitened" in _reasons(_with(base, X=np.sqrt(3.0) * np.eye(2)))
    assert "autoencoder" in _reasons(_with(base, Y=base.X))


def test_repeated_regularization_values(base):
    lam = [base.lambdas[0].copy(), base.lambdas[1].copy()]
    lam[1][1, 0] = lam[0][0, 1]
    assert "Λ has 1 repeated values" in _reasons(_with(base, lambdas=lam))


def test_rescaling_symmetry_of_a_neuron_with_zero_regularization(base):
    lam = [base.lambdas[0].copy(), base.lambdas[1].copy()]
    lam[0][1, :] = 0.0
    assert symmetry_evidence(_with(base, lambdas=lam)) is None  # column 1 of Λ_2 still fixes the scale
    lam[1][:, 1] = 0.0
    assert "rescaling neuron 1 of hidden layer 1" in symmetry_evidence(_with(base, lambdas=lam))


@pytest.mark.parametrize("per_layer", [False, True])
def test_orthogonal_symmetry_of_equal_neurons(per_layer):
    inst = random_instance("1,2,2,1", seed=0)
    values = (0.3, 0.7, 0.2) if per_layer else (0.3, 0.3, 0.3)
    lam = [np.full(lam.shape, v) for lam, v in zip(inst.lambdas, values)]
    evidence = symmetry_evidence(_with(inst, lambdas=lam))
    assert "neurons 0 and 1 of hidden layer 1" in evidence and "O(2)" in evidence


def test_equal_rows_alone_leave_no_symmetry():
    inst = random_instance("1,2,2", seed=0)
    lam = [np.full((2, 1), 0.5), inst.lambdas[1]]  # rows of Λ_1 equal, columns of Λ_2 not
    assert symmetry_evidence(_with(inst, lambdas=lam)) is None
