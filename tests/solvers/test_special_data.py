"""Acceptance suite for special (non-generic) data: the continuation route must find exactly the
distinct critical points that Singular counts over GF(p) for the same integer data.

Every exact count is computed here, in the test (radical via zeroRad when the ideal is not
reduced); nothing is typed in. A case whose ideal Singular finds positive-dimensional must raise
PositiveDimensionalError instead. Data are small integers drawn with a fixed seed (no accidental
zeros), with the one degeneration of the case put in by hand.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pytest

from linnet_crit.architecture import Architecture
from linnet_crit.data import Instance
from linnet_crit.errors import PositiveDimensionalError
from linnet_crit.solvers.native.backend import NativeBackend
from linnet_crit.solvers.native.structured import solve_generic
from linnet_crit.options import SolveOptions
from linnet_crit.verify.exact import exact_count, singular_executable

pytestmark = pytest.mark.skipif(singular_executable() is None, reason="Singular (extra 'exact') is not installed")

#: Routes that must be complete on special data (auto switches to continuation by itself).
METHODS = ("continuation", "auto")


def _integers(rng: np.random.Generator, shape) -> np.ndarray:
    """Nonzero integers in [-5, 5]: generic-looking, so each case has only its own degeneration."""
    return rng.choice(np.r_[-5:0, 1:6], size=shape).astype(float)


def _instance(widths, m: int, seed: int, change: Callable[[np.ndarray, np.ndarray, list[np.ndarray]], None]) -> Instance:
    arch = Architecture(widths)
    rng = np.random.default_rng(seed)
    X, Y = _integers(rng, (arch.dx, m)), _integers(rng, (arch.dy, m))
    lambdas = [np.abs(_integers(rng, shape)) for shape in arch.shapes]
    change(X, Y, lambdas)
    return Instance(arch, X, Y, lambdas)


def _y_zero(X, Y, lambdas):
    Y[:] = 0


def _x_rank_one(X, Y, lambdas):
    X[:] = np.outer(X[:, 0], [1.0, -2.0][: X.shape[1]] + [3.0] * (X.shape[1] - 2))


def _duplicated_sample(X, Y, lambdas):
    X[:, -1], Y[:, -1] = X[:, 0], Y[:, 0]


def _lambda_zero_entry(X, Y, lambdas):
    lambdas[0][0, 0] = 0


def _lambda_zero_row(X, Y, lambdas):
    lambdas[0][0, :] = 0


def _whitened(X, Y, lambdas):
    # Σxx = X Xᵀ = I: orthonormal rows (m = dx)
    X[:] = np.eye(X.shape[0], X.shape[1])


def _autoencoder(X, Y, lambdas):
    Y[:] = X


def _x_zero_row(X, Y, lambdas):
    X[-1, :] = 0


def _y_zero_entry(X, Y, lambdas):
    Y[0, 0] = 0


def _singular_origin(X, Y, lambdas):
    # widths 1,1,1: the origin's Jacobian [[λ₁, −yx], [−yx, λ₂]] is singular when λ₁λ₂ = (yx)²;
    # then two torus points fall into it (a non-reduced ideal: Singular's radical route)
    X[:], Y[:] = 2.0, 2.0
    for lam in lambdas:
        lam[:] = 4.0


#: (name, widths, samples, seed, degeneration)
CASES = [
    ("Y = 0", (2, 2, 2), 1, 1, _y_zero),
    ("X of rank 1", (2, 2, 2), 2, 2, _x_rank_one),
    ("duplicated sample", (1, 2, 2), 2, 3, _duplicated_sample),
    ("zero entry of Λ", (2, 2, 2), 1, 4, _lambda_zero_entry),
    ("zero row of Λ", (1, 2, 2), 1, 5, _lambda_zero_row),
    ("whitened X", (2, 2, 2), 2, 6, _whitened),
    ("autoencoder Y = X", (2, 2, 2), 2, 7, _autoencoder),
    ("zero row of X", (2, 2, 2), 2, 8, _x_zero_row),
    ("zero entry of Y", (1, 2, 2), 1, 9, _y_zero_entry),
    ("Y = 0, depth 2", (1, 1, 1, 1), 1, 10, _y_zero),
    ("zero entry of Λ, depth 2", (1, 1, 1, 1), 1, 11, _lambda_zero_entry),
    ("whitened X, depth 2", (1, 1, 1, 1), 1, 12, _whitened),
    ("zero entry of Y, depth 2", (1, 2, 2, 1), 1, 13, _y_zero_entry),
    ("Y = 0, widths 1,3,3", (1, 3, 3), 1, 31, _y_zero),  # Singular: a curve of critical points
    ("singular origin", (1, 1, 1), 1, 14, _singular_origin),
]
SLOW = {"zero row of X", "autoencoder Y = X", "whitened X", "X of rank 1", "zero entry of Y, depth 2",
        "Y = 0, widths 1,3,3"}


@functools.cache
def _generic(widths: tuple[int, ...], samples: int):
    """One monodromy solve per architecture and number of samples, shared by the cases."""
    return solve_generic(Architecture(widths), samples, np.random.default_rng(0), SolveOptions())


def solve_special(inst: Instance, method: str):
    """Solve with a cached generic solution set (the routes that use one take it)."""
    generic = _generic(inst.architecture.widths, inst.samples)
    return NativeBackend().solve(inst, method=method, seed=0, generic=generic, progress=False)


def _params():
    for name, widths, m, seed, change in CASES:
        marks = [pytest.mark.slow] if name in SLOW else []
        for method in METHODS:
            yield pytest.param(name, widths, m, seed, change, method, id=f"{name}-{method}", marks=marks)


@pytest.mark.parametrize(("name", "widths", "m", "seed", "change", "method"), list(_params()))
def test_special_data_count_is_exact(name, widths, m, seed, change, method):
    inst = _instance(widths, m, seed, change)
    exact = exact_count(inst)
    if exact.dimension > 0:
        with pytest.raises(PositiveDimensionalError):
            solve_special(inst, method)
        return
    result = solve_special(inst, method)
    assert result.complete, result.warnings
    assert len(result.solutions) == exact.n_distinct, (name, str(exact))
    # multiplicities are path counts: with the paths at infinity they account for every generic point
    arch, generic = inst.architecture, _generic(widths, m)
    n_generic = 1 + sum(g.n_torus * len(list(arch.alive_sets(sizes))) for sizes, g in generic.items())
    assert result.multiplicities.min() >= 1
    assert int(result.multiplicities.sum()) + result.n_at_infinity == n_generic
    # a point of multiplicity μ is the end of μ paths: they add up to Singular's count with multiplicity
    assert int(result.multiplicities.sum()) == exact.n_solutions


def _scalar(value: float):
    return lambda X, Y, lambdas: [lam.__setitem__(slice(None), value) for lam in lambdas]


def _zero(X, Y, lambdas):
    for lam in lambdas:
        lam[:] = 0


def _per_layer(X, Y, lambdas):
    for value, lam in zip((2.0, 3.0, 5.0), lambdas):
        lam[:] = value


@pytest.mark.parametrize(("widths", "change"), [((1, 2, 2), _scalar(2.0)), ((1, 1, 1), _zero), ((1, 2, 2), _per_layer)],
                         ids=["scalar Λ", "Λ = 0", "one scalar per layer"])
def test_positive_dimensional_data_raise_even_when_labelled_generic(widths, change):
    inst = _instance(widths, 1, 20, change)
    assert inst.regularization == "generic"  # built by hand: the label says nothing
    assert exact_count(inst).dimension > 0
    # the symmetry of the data (checked before any path) or the slice test at the end points
    with pytest.raises(PositiveDimensionalError, match="not finite"):
        solve_special(inst, "continuation")
