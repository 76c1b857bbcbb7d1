"""Data instances: validation, seeded random data, regularization modes, .npz files, restriction."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit.architecture import Architecture
from linnet_crit.data import Instance, load_instance, random_instance
from linnet_crit.errors import DataError

ARCH = Architecture((2, 3, 1))


def _lambdas(arch: Architecture, value: float = 0.5) -> list[np.ndarray]:
    return [np.full(shape, value) for shape in arch.shapes]


def test_random_instance_shapes_seed_and_ranges():
    inst = random_instance(ARCH, samples=4, seed=11)
    assert inst.X.shape == (2, 4) and inst.Y.shape == (1, 4)
    assert [lam.shape for lam in inst.lambdas] == [(3, 2), (1, 3)]
    assert inst.seed == 11 and inst.samples == 4 and inst.regularization == "generic"
    assert all(((lam > 0) & (lam < 1)).all() for lam in inst.lambdas)
    assert len({float(v) for lam in inst.lambdas for v in lam.ravel()}) == 9  # independent entries
    assert inst.is_real


def test_random_instance_is_reproducible_from_its_seed():
    assert random_instance(ARCH, 2, seed=5) == random_instance(ARCH, 2, seed=5)
    assert random_instance(ARCH, 2, seed=5) != random_instance(ARCH, 2, seed=6)


def test_regularization_modes():
    scalar = random_instance(ARCH, seed=1, regularization="scalar")
    values = np.concatenate([lam.ravel() for lam in scalar.lambdas])
    assert np.all(values == values[0]) and 0 < values[0] < 1
    none = random_instance(ARCH, seed=1, regularization="none")
    assert all(not lam.any() for lam in none.lambdas)
    with pytest.raises(DataError, match="regularization"):
        random_instance(ARCH, seed=1, regularization="ridge")  # type: ignore[arg-type]


@pytest.mark.parametrize("samples", [0, -1, 1.5, True, "2"])
def test_random_instance_rejects_bad_samples(samples):
    with pytest.raises(DataError, match="samples"):
        random_instance(ARCH, samples=samples, seed=0)


def test_instance_accepts_complex_and_one_dimensional_data():
    inst = Instance((1, 1, 1), X=[1.0, 2.0], Y=[[1j, 2.0]], lambdas=[[[0.5]], [[0.25]]])
    assert inst.X.shape == (1, 2) and not inst.is_real and inst.seed is None
    np.testing.assert_allclose(inst.sigma_xx, [[5.0]])
    np.testing.assert_allclose(inst.sigma_yx, [[1j + 4.0]])


@pytest.mark.parametrize(
    "X, Y, lambdas, match",
    [
        (np.ones((3, 1)), np.ones((1, 1)), None, "X has shape"),
        (np.ones((2, 1)), np.ones((2, 1)), None, "Y has shape"),
        (np.ones((2, 1)), np.ones((1, 2)), None, "Y has shape"),
        (np.array([[np.nan], [1.0]]), np.ones((1, 1)), None, "NaN"),
        (np.ones((2, 1)), np.array([[np.inf]]), None, "NaN or infinite"),
        (np.ones((2, 1)), np.ones((1, 1)), [np.ones((3, 2))], "regularization matrices"),
        (np.ones((2, 1)), np.ones((1, 1)), [np.ones((2, 3)), np.ones((1, 3))], "Lambda_1 has shape"),
        (np.array([["a"], ["b"]]), np.ones((1, 1)), None, "non-numeric"),
    ],
)
def test_instance_rejects_bad_data(X, Y, lambdas, match):
    with pytest.raises(DataError, match=match) as info:
        Instance(ARCH, X, Y, _lambdas(ARCH) if lambdas is None else lambdas)
    assert "\n" not in str(info.value)


def test_instance_arrays_are_read_only():
    inst = random_instance(ARCH, seed=0)
    with pytest.raises(ValueError):
        inst.X[0, 0] = 1.0


def test_parameter_vector_round_trip():
    inst = random_instance(ARCH, samples=2, seed=3)
    vector = inst.parameter_vector()
    assert vector.size == 2 * 2 + 1 * 2 + 6 + 3
    np.testing.assert_array_equal(vector[:4], inst.X.ravel())  # X first, row-major
    assert inst.with_parameters(vector) == inst
    moved = inst.with_parameters(vector * 1j)
    np.testing.assert_array_equal(moved.lambdas[1], inst.lambdas[1] * 1j)


def test_restrict_keeps_the_alive_rows_and_columns():
    arch = Architecture((2, 3, 2, 1))
    inst = random_instance(arch, seed=2)
    sub = inst.restrict(((0, 2), (1,)))
    assert sub.architecture.widths == (2, 2, 1, 1)
    np.testing.assert_array_equal(sub.lambdas[0], inst.lambdas[0][[0, 2], :])
    np.testing.assert_array_equal(sub.lambdas[1], inst.lambdas[1][np.ix_([1], [0, 2])])
    np.testing.assert_array_equal(sub.lambdas[2], inst.lambdas[2][:, [1]])
    np.testing.assert_array_equal(sub.X, inst.X)
    assert sub.seed == inst.seed


def test_npz_round_trip(tmp_path):
    inst = random_instance(Architecture((2, 2, 3, 1)), samples=3, seed=8)
    path = tmp_path / "data.npz"
    inst.save(path)
    with np.load(path) as npz:
        assert sorted(npz.files) == ["Lambda_1", "Lambda_2", "Lambda_3", "X", "Y"]
    back = load_instance(path)
    assert back == inst and back.architecture == inst.architecture
    assert load_instance(path, architecture=inst.architecture) == inst


def _write(path, **arrays):
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    "arrays, match",
    [
        ({"X": np.ones((1, 1)), "Y": np.ones((1, 1))}, "lacks the keys"),
        ({"X": np.ones((1, 1)), "Y": np.ones((1, 1)), "Lambda_1": np.ones((2, 1)), "Lambda_2": np.ones((1, 3))}, r"Lambda_2 has shape \(1, 3\), expected \(1, 2\)"),
        ({"X": np.full((1, 1), np.nan), "Y": np.ones((1, 1)), "Lambda_1": np.ones((1, 1)), "Lambda_2": np.ones((1, 1))}, "NaN"),
        ({"X": np.ones((2, 1)), "Y": np.ones((1, 1)), "Lambda_1": np.ones((1, 1)), "Lambda_2": np.ones((1, 1))}, "X has shape"),
        ({"X": np.ones(3), "Y": np.ones((1, 1)), "Lambda_1": np.ones((1, 1))}, "2-d"),
    ],
)
def test_load_instance_rejects_bad_files(tmp_path, arrays, match):
    path = _write(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DataError, match=match) as info:
        load_instance(path)
    assert "\n" not in str(info.value)


def test_load_instance_rejects_missing_corrupt_and_mismatched_files(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_instance(tmp_path / "missing.npz")
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"not a zip file")
    with pytest.raises(DataError, match="not an .npz archive") as info:
        load_instance(corrupt)
    assert "pickle" not in str(info.value)
    path = tmp_path / "ok.npz"
    random_instance((1, 2, 1), seed=0).save(path)
    with pytest.raises(DataError, match="widths 1,2,1, not of widths 1,2,2"):
        load_instance(path, architecture=Architecture((1, 2, 2)))
