"""The batched matrix-product evaluator against the exact SymPy system and against finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from linnet_crit.architecture import Architecture
from linnet_crit.data import Instance, random_instance
from linnet_crit.numeric import Parameters, gradient, gradient_and_jacobian, loss, parameter_jacobian
from linnet_crit.system import gradient_system

MAX_UNKNOWNS = 40


@st.composite
def architectures(draw) -> Architecture:
    depth = draw(st.integers(1, 3))
    widths = tuple(draw(st.lists(st.integers(1, 4), min_size=depth + 2, max_size=depth + 2)))
    arch = Architecture(widths)
    assume(arch.n_unknowns <= MAX_UNKNOWNS)
    return arch


@st.composite
def instances(draw) -> Instance:
    """Random real or complex data with 1–3 samples (complex data are the homotopies' generic points)."""
    arch = draw(architectures())
    inst = random_instance(arch, samples=draw(st.integers(1, 3)), seed=draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):
        phases = np.exp(2j * np.pi * np.random.default_rng(inst.seed).random(inst.parameter_vector().size))
        inst = inst.with_parameters(inst.parameter_vector() * phases)
    return inst


def _points(arch: Architecture, seed: int, count: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((count, arch.n_unknowns)) + 1j * rng.standard_normal((count, arch.n_unknowns))


def _sympy_F_and_J(inst: Instance, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F and J at complex points from the expanded exact SymPy polynomials, term by term.

    With monomial values m_t = Π x^{e_t}, ∂m_t/∂x_j = e_tj · m_t / x_j (the points have no zero
    coordinate); :func:`test_monomial_derivatives_are_sympys` checks this against ``Poly.diff``.
    """
    F = np.empty(x.shape, dtype=complex)
    J = np.empty((*x.shape, x.shape[-1]), dtype=complex)
    for i, terms in enumerate(gradient_system(inst).terms()):
        exponents = np.array([m for m, _ in terms])
        weighted = np.prod(x[:, None, :] ** exponents[None], axis=-1) * np.array([complex(c) for _, c in terms])
        F[:, i] = weighted.sum(axis=-1)
        J[:, i, :] = (weighted @ exponents) / x
    return F, J


def _relative_error(a: np.ndarray, b: np.ndarray) -> float:
    axes = tuple(range(1, a.ndim))
    scale = np.maximum(np.max(np.abs(b), axis=axes), 1e-300)
    return float(np.max(np.max(np.abs(a - b), axis=axes) / scale))


@pytest.mark.slow
@settings(max_examples=12)
@given(instances(), st.integers(0, 1000))
def test_numeric_F_and_J_equal_sympy(inst, point_seed):
    x = _points(inst.architecture, point_seed)
    F, J = gradient_and_jacobian(inst.architecture, x, Parameters.of(inst))
    F_sym, J_sym = _sympy_F_and_J(inst, x)
    assert _relative_error(F, F_sym) < 1e-10
    assert _relative_error(J, J_sym) < 1e-10
    np.testing.assert_array_equal(gradient(inst.architecture, x, Parameters.of(inst)), F)


# Inner dimensions up to 3, up to 8 and beyond: the three kernels of the batched product.
@pytest.mark.parametrize("widths", [(1, 2, 1), (4, 4, 1), (1, 9, 2)])
def test_each_product_kernel_equals_sympy(widths):
    inst = random_instance(widths, samples=2, seed=7)
    x = _points(inst.architecture, 0, count=5)
    F, J = gradient_and_jacobian(inst.architecture, x, Parameters.of(inst))
    F_sym, J_sym = _sympy_F_and_J(inst, x)
    assert _relative_error(F, F_sym) < 1e-10
    assert _relative_error(J, J_sym) < 1e-10


def test_a_batch_gives_what_each_point_gives_alone():
    inst = random_instance((2, 3, 2, 1), samples=2, seed=3)
    arch, params = inst.architecture, Parameters.of(inst)
    x = _points(arch, 1, count=40)
    F, J = gradient_and_jacobian(arch, x, params)
    for p in (0, 17, 39):
        F_p, J_p = gradient_and_jacobian(arch, x[p : p + 1], params)
        np.testing.assert_allclose(F[p], F_p[0], rtol=1e-13)
        np.testing.assert_allclose(J[p], J_p[0], rtol=1e-13)


@settings(max_examples=25)
@given(instances(), st.integers(0, 1000))
def test_jacobian_equals_central_differences_and_is_symmetric(inst, point_seed):
    arch, params = inst.architecture, Parameters.of(inst)
    x = _points(arch, point_seed, count=1)
    _, J = gradient_and_jacobian(arch, x, params)
    h = 1e-6
    steps = h * np.eye(arch.n_unknowns)
    differences = (gradient(arch, x + steps, params) - gradient(arch, x - steps, params)) / (2 * h)
    # row j of `differences` is ∂F/∂x_j, i.e. column j of J
    assert _relative_error(differences.T[None], J) < 1e-6
    # J is the Hessian of the (holomorphic) loss
    np.testing.assert_allclose(J[0], J[0].T, rtol=1e-12, atol=1e-12 * np.abs(J).max())


@settings(max_examples=15)
@given(instances(), st.integers(0, 1000))
def test_F_is_the_gradient_of_the_loss(inst, point_seed):
    arch, params = inst.architecture, Parameters.of(inst)
    x = _points(arch, point_seed, count=1)
    h = 1e-6
    steps = h * np.eye(arch.n_unknowns)
    differences = (loss(arch, x + steps, params) - loss(arch, x - steps, params)) / (2 * h)
    assert _relative_error(differences[None], gradient(arch, x, params)) < 1e-6


@pytest.mark.parametrize("widths, samples", [((1, 2, 1), 1), ((2, 1, 2, 1), 2)])
def test_monomial_derivatives_are_sympys(widths, samples):
    inst = random_instance(widths, samples=samples, seed=12)
    system = gradient_system(inst)
    x = _points(inst.architecture, 5)
    jacobian = sp.lambdify([system.variables], sp.Matrix(system.equations).jacobian(system.variables), "numpy")
    expected = np.stack([np.asarray(jacobian(point), dtype=complex) for point in x])
    assert _relative_error(_sympy_F_and_J(inst, x)[1], expected) < 1e-12


@pytest.mark.parametrize("widths, samples", [((1, 1, 1), 1), ((2, 2, 1), 2), ((1, 2, 1, 2), 1), ((2, 1, 2), 3)])
def test_parameter_jacobian_equals_sympy(widths, samples):
    inst = random_instance(widths, samples=samples, seed=9)
    symbolic = gradient_system(widths, samples=samples)
    variables, parameters = symbolic.variables, symbolic.parameters
    derivative = sp.Matrix(symbolic.equations).jacobian(parameters)
    evaluate = sp.lambdify([variables, parameters], derivative, "numpy")
    x = _points(inst.architecture, 2)
    expected = np.stack([np.asarray(evaluate(point, inst.parameter_vector()), dtype=complex) for point in x])
    assert _relative_error(parameter_jacobian(inst.architecture, x, inst), expected) < 1e-10


def test_origin_is_always_a_critical_point_with_hessian_diag_lambda():
    inst = random_instance((2, 3, 2), samples=2, seed=1)
    F, J = gradient_and_jacobian(inst.architecture, np.zeros((1, inst.architecture.n_unknowns)), Parameters.of(inst))
    assert not F.any()
    # at W = 0 with H = 1 only the mixed W_1/W_2 blocks carry −Σyx; the diagonal is Λ
    np.testing.assert_allclose(np.diag(J[0]), np.concatenate([lam.ravel() for lam in inst.lambdas]))
