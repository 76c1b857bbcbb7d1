"""SolveResults built directly (no engine), and a field-by-field, bit-for-bit comparison."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from linnet_crit.data import random_instance
from linnet_crit.options import CauchyEndgameOptions, MonodromyOptions, SolveOptions, TrackerOptions
from linnet_crit.results import PathResult, ReturnCode, SolveResult, StageReport


#: Options unlike the defaults in every stage, with floats that no short decimal writes exactly.
ODD_OPTIONS = SolveOptions(
    tracker=TrackerOptions(initial_step=1 / 3, max_steps=123, divergence_norm=float("inf")),
    monodromy=MonodromyOptions(stall_loops=7),
    cauchy=CauchyEndgameOptions(valuation=-0.1 - 2**-50),
    full_orbits=True,
    zero_tolerance=2.0**-1074,
    cache=False,
)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal shapes and identical float bits, except that any NaN matches any NaN."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    fa, fb = (np.atleast_1d(x).view(np.float64).ravel() for x in (a, b))
    nan = np.isnan(fa)
    return bool(np.array_equal(nan, np.isnan(fb)) and np.array_equal(fa[~nan].view(np.uint64), fb[~nan].view(np.uint64)))


def build_result(
    solutions: np.ndarray,
    residuals: np.ndarray | None = None,
    conditions: np.ndarray | None = None,
    *,
    widths: tuple[int, ...] = (1, 2, 2),
    samples: int = 1,
    seed: int = 11,
    complex_data: bool = False,
) -> SolveResult:
    """A result with every optional field filled, so that a reader that drops one is caught."""
    instance = random_instance(widths, samples=samples, seed=seed)
    if complex_data:
        instance = instance.with_parameters(instance.parameter_vector() * (1 + 0.5j))
    n = len(solutions)
    rng = np.random.default_rng(seed)
    arch = instance.architecture
    failed = PathResult(
        solution=np.array([np.nan + 1j, *rng.standard_normal(arch.n_unknowns - 1)], dtype=complex),
        return_code=ReturnCode.STEP_SIZE_TOO_SMALL,
        residual=np.inf,
        condition=1e17,
        accuracy=np.nan,
        steps=4321,
        t=0.125,
        start_solution=rng.standard_normal(arch.n_unknowns) + 1j,
        stage="monodromy loop 3",
        winding_number=2,
        multiplicity=1,
        raw_code="terminated_step_size_too_small",
    )
    stages = (
        StageReport("polyhedral", paths=12, failed=1, at_infinity=2, retried=3, seconds=0.5,
                    info={"gamma": 0.3 - 0.7j, "loops": (1, 2), "$weird": [None, True]}),
        StageReport("parameter homotopy", paths=7),
    )
    return SolveResult(
        architecture=arch,
        instance=instance,
        solutions=np.asarray(solutions, dtype=complex).reshape(n, arch.n_unknowns),
        residuals=rng.uniform(0, 1e-12, n) if residuals is None else residuals,
        conditions=rng.uniform(1, 1e3, n) if conditions is None else conditions,
        n_paths_tracked=19,
        seed=seed,
        method="auto",
        backend="native",
        engine_version="0.1.0+test",
        seconds=1.25,
        stages=stages,
        failed_paths=(failed,),
        n_at_infinity=2,
        n_singular=1,
        assumptions=("generic data", "one point per sign-flip orbit tracked"),
        options=ODD_OPTIONS,
        settings={"tracker": {"initial_step": 0.02, "max_steps": 20000}, "full_orbits": False,
                  "tolerances": (1e-8, float("inf")), "gamma": 1j, 3: "int key"},
    )


def _same_path(a: PathResult, b: PathResult) -> bool:
    starts = (a.start_solution is None and b.start_solution is None) or same_bits(a.start_solution, b.start_solution)
    floats = [same_bits(np.float64(x), np.float64(y)) for x, y in
              ((a.residual, b.residual), (a.condition, b.condition), (a.accuracy, b.accuracy), (a.t, b.t))]
    return (
        same_bits(a.solution, b.solution) and starts and all(floats)
        and (a.return_code, a.steps, a.stage, a.winding_number, a.multiplicity, a.raw_code)
        == (b.return_code, b.steps, b.stage, b.winding_number, b.multiplicity, b.raw_code)
    )


def assert_same_result(a: SolveResult, b: SolveResult) -> None:
    """Every field of ``b`` equals that of ``a``; arrays to the last bit."""
    assert b.architecture == a.architecture
    assert b.instance == a.instance
    assert (b.instance.seed, b.instance.regularization) == (a.instance.seed, a.instance.regularization)
    for x, y in zip((a.instance.X, a.instance.Y, *a.instance.lambdas), (b.instance.X, b.instance.Y, *b.instance.lambdas)):
        assert same_bits(x, y)
    assert same_bits(a.solutions.astype(complex), b.solutions)
    assert same_bits(np.asarray(a.residuals, float), b.residuals)
    assert same_bits(np.asarray(a.conditions, float), b.conditions)
    for name in ("n_paths_tracked", "seed", "method", "backend", "engine_version", "seconds",
                 "n_at_infinity", "n_singular", "assumptions", "options", "settings", "stages"):
        assert getattr(b, name) == getattr(a, name), name
    assert len(b.failed_paths) == len(a.failed_paths)
    assert all(_same_path(p, q) for p, q in zip(a.failed_paths, b.failed_paths))


@pytest.fixture(scope="session")
def make_result() -> Callable[..., SolveResult]:
    return build_result


@pytest.fixture(scope="session")
def assert_same() -> Callable[[SolveResult, SolveResult], None]:
    return assert_same_result


@pytest.fixture(scope="session")
def bits_equal() -> Callable[[np.ndarray, np.ndarray], bool]:
    return same_bits
