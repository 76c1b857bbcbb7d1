"""Real critical points: Hessian, index, kinds, global and spurious minima."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from linnet_crit.architecture import Architecture
from linnet_crit.classify import critical_point_table, hessian
from linnet_crit.data import Instance, random_instance
from linnet_crit.errors import DataError
from linnet_crit.numeric.evaluate import Parameters, gradient, gradient_and_jacobian, loss


@settings(max_examples=30)
@given(
    widths=st.sampled_from([(1, 1, 1), (2, 2, 1), (1, 2, 2, 1), (2, 1, 3), (1, 1, 1, 1, 1)]),
    samples=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
    scale=st.floats(0.1, 2.0),
)
def test_hessian_is_the_finite_difference_derivative_of_the_gradient(widths, samples, seed, scale):
    inst = random_instance(widths, samples=samples, seed=seed)
    arch, params = inst.architecture, Parameters.of(inst)
    x = scale * np.random.default_rng(seed).standard_normal(arch.n_unknowns)
    h = 1e-6
    steps = h * np.eye(arch.n_unknowns)
    fd = (gradient(arch, x + steps, params) - gradient(arch, x - steps, params)).real.T / (2 * h)
    H = hessian(inst, x)
    assert np.array_equal(H, H.T)
    assert np.allclose(H, fd, rtol=1e-5, atol=1e-5 * (1 + np.abs(fd).max()))


@pytest.mark.parametrize("widths", [(1, 2, 2, 1), (2, 2, 3, 2), (1, 1, 1, 1, 1)])
def test_origin_of_a_deep_network_is_a_local_minimum_with_hessian_diag_lambda(widths):
    inst = random_instance(widths, samples=2, seed=13)
    (origin,) = critical_point_table(inst, np.zeros((1, inst.architecture.n_unknowns))).points
    assert origin.kind == "minimum" and origin.hessian_index == 0
    assert np.allclose(origin.eigenvalues, np.sort(np.concatenate([lam.ravel() for lam in inst.lambdas])))
    assert origin.loss == pytest.approx(0.5 * np.sum(inst.Y**2))


def _origin_hessian_h1(inst: Instance) -> np.ndarray:
    """Hessian of L at W = 0 for H = 1, derived by hand.

    Up to order two, L = ½‖Y‖² − Σ_{a,j,c} (W_2)_{aj} (W_1)_{jc} (Σyx)_{ac} + ½ Σ Λ∘W∘W, so the
    Hessian is diag Λ plus −(Σyx)_{ac} between (W_2)_{aj} and (W_1)_{jc} for every hidden j.
    """
    arch = inst.architecture
    where = {name: k for k, name in enumerate(arch.variable_names())}
    M = np.diag(np.concatenate([lam.ravel() for lam in inst.lambdas]))
    syx = inst.Y @ inst.X.T
    for a in range(arch.dy):
        for j in range(arch.hidden[0]):
            for c in range(arch.dx):
                u, v = where[f"W2_{a}_{j}"], where[f"W1_{j}_{c}"]
                M[u, v] = M[v, u] = -syx[a, c]
    return M


def test_origin_index_of_a_shallow_network_follows_from_the_bilinear_data_term():
    indices = []
    for widths in [(1, 1, 1), (2, 2, 2), (1, 3, 2), (3, 2, 1)]:
        for seed in range(4):
            inst = random_instance(widths, samples=2, seed=seed)
            (origin,) = critical_point_table(inst, np.zeros((1, inst.architecture.n_unknowns))).points
            expected = np.linalg.eigvalsh(_origin_hessian_h1(inst))
            assert np.allclose(origin.eigenvalues, expected)
            assert origin.hessian_index == int((expected < 0).sum())
            indices.append(origin.hessian_index)
    assert min(indices) == 0 and max(indices) >= 2  # both minima and saddles occurred


@pytest.mark.parametrize(("y", "kind", "index"), [(2.0, "saddle", 1), (0.1, "minimum", 0)])
def test_origin_of_the_scalar_network_by_the_determinant(y, kind, index):
    # Hessian [[λ1, −xy], [−xy, λ2]]: a saddle exactly when (xy)² > λ1 λ2 = 0.25
    inst = Instance(Architecture((1, 1, 1)), X=[[1.0]], Y=[[y]], lambdas=[[[0.5]], [[0.5]]])
    (origin,) = critical_point_table(inst, np.zeros((1, 2))).points
    assert (origin.kind, origin.hessian_index) == (kind, index)


def test_a_zero_eigenvalue_is_degenerate_not_a_minimum():
    inst = Instance(Architecture((1, 1, 1)), X=[[1.0]], Y=[[0.0]], lambdas=[[[0.0]], [[0.5]]])
    table = critical_point_table(inst, np.zeros((1, 2)))
    assert table.points[0].kind == "degenerate"
    assert not table.global_minima and table.index_counts() == {}


def _real_critical_points(inst: Instance, starts: int, seed: int) -> np.ndarray:
    """Dense Newton from random real starts (independent of the engine), deduplicated."""
    arch, params = inst.architecture, Parameters.of(inst)
    x = 2 * np.random.default_rng(seed).standard_normal((starts, arch.n_unknowns))
    for _ in range(80):
        F, J = gradient_and_jacobian(arch, x, params)
        x = np.clip(x - np.einsum("pij,pj->pi", np.linalg.pinv(J.real), F.real), -1e3, 1e3)
    x = x[np.abs(gradient(arch, x, params)).max(axis=1) < 1e-10]
    distinct: list[np.ndarray] = []
    for y in x:
        if all(np.abs(y - z).max() > 1e-7 for z in distinct):
            distinct.append(y)
    return np.array(distinct)


def test_global_and_spurious_minima_agree_with_local_search():
    # widths 1,1,1,1 seed 3: the origin (loss ½‖Y‖²) is a local minimum above the global minima
    inst = random_instance((1, 1, 1, 1), seed=3)
    arch, params = inst.architecture, Parameters.of(inst)
    points = _real_critical_points(inst, starts=300, seed=0)
    table = critical_point_table(inst, points)
    assert table.n_real == len(points) and not table.nonreal
    assert table.n_real % 2 == 1  # origin plus sign-flip orbits

    def f(w):
        return float(loss(arch, w, params).real[0])

    rng = np.random.default_rng(1)
    best = min(minimize(f, 2 * rng.standard_normal(3), method="BFGS").fun for _ in range(30))
    assert [p.loss for p in table.global_minima] == pytest.approx([best] * len(table.global_minima), rel=1e-7)
    (spurious,) = table.spurious_minima
    assert np.allclose(spurious.point, 0) and spurious.loss == pytest.approx(0.5 * np.sum(inst.Y**2))
    assert spurious.loss > best + 1e-3
    for p in table.points:  # random small moves never descend from a minimum, do from a saddle
        moves = 1e-4 * rng.standard_normal((400, 3))
        descends = bool(np.any(loss(arch, p.point + moves, params).real < p.loss - 1e-14))
        assert descends == (p.kind != "minimum")


def test_nearly_real_points_are_projected_and_complex_ones_listed():
    inst = random_instance((1, 1, 1), seed=0)
    points = np.array([[0.0, 0.0], [0.3 + 1e-9j, 0.2], [0.3 + 1e-3j, 0.2]])
    table = critical_point_table(inst, points)
    assert [p.solution_index for p in table.points] == [0, 1]
    assert table.nonreal == (2,) and table.n_input == 3
    assert table.points[1].imag_max == pytest.approx(1e-9) and table.points[1].point.dtype == float
    assert table.points[1].residual > 1e-3  # not a critical point, and the table says so


def test_complex_data_and_bad_tolerances_are_rejected():
    inst = random_instance((1, 1, 1), seed=0)
    with pytest.raises(DataError, match="complex"):
        critical_point_table(inst.with_parameters(inst.parameter_vector() * 1j), np.zeros((1, 2)))
    with pytest.raises(DataError, match="NaN"):
        critical_point_table(inst, np.array([[np.inf, 0.0]]))
    with pytest.raises(DataError, match="loss_rtol = nan"):
        critical_point_table(inst, np.zeros((1, 2)), loss_rtol=float("nan"))


def test_table_formats_and_serializes_with_its_tolerances():
    inst = random_instance((1, 1, 1, 1), seed=3)
    table = critical_point_table(inst, _real_critical_points(inst, starts=100, seed=2), real_tol=1e-7)
    text = str(table)
    assert "SPURIOUS local minimum" in text and "1e-07" in text
    data = json.loads(json.dumps(table.to_dict()))
    assert data["real_tol"] == 1e-7 and data["n_spurious_minima"] == 1
    assert {"loss", "hessian_index", "kind"} <= set(data["points"][0])
