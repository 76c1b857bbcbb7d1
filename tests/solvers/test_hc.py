"""The HomotopyContinuation.jl backend.

Tests marked ``julia`` run HC.jl through juliacall and compare it with the native engine; they
skip, saying why, where Julia is absent. The others run everywhere: detection of Julia without
starting it, the one-line error, the conversion of HC.jl path tables into a SolveResult, and the
consistency of the shipped Julia files.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import inspect
import json
import re
import sys
import tomllib
import types
from pathlib import Path

import numpy as np
import pytest

from linnet_crit.architecture import Architecture
from linnet_crit.bounds import (
    bezout,
    bkk_affine,
    bkk_torus,
    generic_supports,
    published_row,
)
from linnet_crit.data import Instance, random_instance
from linnet_crit.errors import BackendUnavailableError, PositiveDimensionalError, SolverError
from linnet_crit.options import SolveOptions
from linnet_crit.numeric.evaluate import Parameters, gradient
from linnet_crit.results import ReturnCode
from linnet_crit.points import SAME_POINT
from linnet_crit.solvers import hc
from linnet_crit.solvers.base import Backend
from linnet_crit.solvers.exchange import ExchangeSystem, encode
from linnet_crit.solvers.hc import backend as hc_backend_module
from linnet_crit.solvers.hc import julia as hc_julia
from linnet_crit.system import gradient_system

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "linnet_crit"


# --- finding Julia ---------------------------------------------------------------------------------
@pytest.fixture
def no_julia_anywhere(monkeypatch, tmp_path):
    """An environment with neither PYTHON_JULIAPKG_EXE, nor julia on PATH, nor juliapkg."""
    monkeypatch.delenv("PYTHON_JULIAPKG_EXE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "_xoptions", {k: v for k, v in sys._xoptions.items() if k != "juliapkg-exe"})


def fake_find_spec(monkeypatch, present: set[str]) -> None:
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        if name in ("juliacall", "juliapkg"):
            return importlib.machinery.ModuleSpec(name, None) if name in present else None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(hc_julia.importlib.util, "find_spec", find_spec)


def test_backend_satisfies_the_protocol():
    backend = hc.HomotopyContinuationBackend()
    assert isinstance(backend, Backend)
    assert backend.name == "hc"


def test_without_juliacall_the_reason_names_juliacall(monkeypatch):
    fake_find_spec(monkeypatch, set())
    assert hc.julia_unavailable_reason() == "juliacall is not installed"


def test_without_a_julia_executable_the_reason_says_so(monkeypatch, no_julia_anywhere):
    fake_find_spec(monkeypatch, {"juliacall"})
    assert "no Julia executable was found" in hc.julia_unavailable_reason()


def test_a_configured_missing_executable_is_named(monkeypatch, no_julia_anywhere, tmp_path):
    fake_find_spec(monkeypatch, {"juliacall"})
    monkeypatch.setenv("PYTHON_JULIAPKG_EXE", str(tmp_path / "no-such-julia"))
    assert hc.julia_unavailable_reason() == f"PYTHON_JULIAPKG_EXE={tmp_path / 'no-such-julia'} is not an executable"


def fake_julia(directory: Path) -> tuple[Path, Path]:
    """An executable that leaves a marker if anything runs it."""
    marker = directory / "julia-was-run"
    exe = directory / "julia"
    exe.write_text(f"#!/bin/sh\ntouch {marker}\n")
    exe.chmod(0o755)
    return exe, marker


def test_a_configured_executable_is_found_without_running_it(monkeypatch, no_julia_anywhere, tmp_path):
    fake_find_spec(monkeypatch, {"juliacall"})
    (tmp_path / "bin").mkdir()
    exe, marker = fake_julia(tmp_path / "bin")
    monkeypatch.setenv("PYTHON_JULIAPKG_EXE", str(exe))
    assert hc.julia_unavailable_reason() is None
    assert hc.HomotopyContinuationBackend().availability() is None
    assert not marker.exists()


def test_julia_on_path_is_found(monkeypatch, no_julia_anywhere, tmp_path):
    fake_find_spec(monkeypatch, {"juliacall"})
    fake_julia(tmp_path)
    assert hc.julia_unavailable_reason() is None


def test_a_julia_installed_by_juliapkg_is_found(monkeypatch, no_julia_anywhere, tmp_path):
    fake_find_spec(monkeypatch, {"juliacall", "juliapkg"})
    (tmp_path / "elsewhere").mkdir()
    exe, _ = fake_julia(tmp_path / "elsewhere")
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"executable": str(exe)}))
    state = types.ModuleType("juliapkg.state")
    state.STATE = {"install": str(tmp_path / "install"), "meta": str(meta)}
    monkeypatch.setitem(sys.modules, "juliapkg", types.ModuleType("juliapkg"))
    monkeypatch.setitem(sys.modules, "juliapkg.state", state)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert hc.julia_unavailable_reason() is None
    meta.write_text(json.dumps({"executable": str(tmp_path / "gone")}))
    assert "no Julia executable was found" in hc.julia_unavailable_reason()


def assert_one_line_naming_julia(message: str) -> None:
    assert "\n" not in message
    assert "Julia" in message
    assert "pip install 'linnet-crit[julia]'" in message
    assert "PYTHON_JULIAPKG_EXE" in message


@pytest.mark.parametrize("present", [set(), {"juliacall"}])
def test_solving_without_julia_raises_a_one_line_error(monkeypatch, no_julia_anywhere, present):
    fake_find_spec(monkeypatch, present)
    monkeypatch.setattr(hc_julia, "_SESSION", None)
    monkeypatch.setattr(hc_julia, "start_julia", lambda: pytest.fail("Julia was started"))
    backend = hc.HomotopyContinuationBackend()
    assert_one_line_naming_julia(backend.availability())
    with pytest.raises(BackendUnavailableError) as info:
        backend.solve(random_instance("1,1,1", seed=0))
    assert_one_line_naming_julia(str(info.value))


def test_the_registry_reports_the_same_error(monkeypatch, no_julia_anywhere):
    from linnet_crit.solvers import solve

    fake_find_spec(monkeypatch, set())
    monkeypatch.setattr(hc_julia, "_SESSION", None)
    with pytest.raises(BackendUnavailableError) as info:
        solve(random_instance("1,1,1", seed=0), backend="hc")
    assert_one_line_naming_julia(str(info.value))


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True])
def test_seeds_outside_hcs_range_are_refused(seed):
    with pytest.raises(SolverError, match="2\\*\\*32"):
        hc_backend_module._check_seed(seed)


def test_seeds_are_kept_or_drawn():
    assert hc_backend_module._check_seed(7) == 7
    assert 0 <= hc_backend_module._check_seed(None) < 2**32


# --- HC.jl path tables into SolveResults -----------------------------------------------------------
def critical_points_111(inst: Instance) -> np.ndarray:
    """The 5 critical points of widths 1,1,1 in closed form.

    With σ = x², s = x y: a·F_a − b·F_b = λ1 a² − λ2 b² = 0, so b = k a with k² = λ1/λ2, and then
    a = 0 or a² = (k s − λ1) / (k² σ).
    """
    x, y = inst.X[0, 0], inst.Y[0, 0]
    l1, l2 = inst.lambdas[0][0, 0], inst.lambdas[1][0, 0]
    points = [[0.0, 0.0]]
    for k in (np.sqrt(l1 / l2 + 0j), -np.sqrt(l1 / l2 + 0j)):
        a = np.sqrt((k * x * y - l1) / (k**2 * x**2) + 0j)
        points += [[a, k * a], [-a, -k * a]]
    return np.array(points, dtype=complex)


def table(solutions, codes, singular=None, seed=3) -> hc.PathTable:
    P, N = np.shape(solutions)
    return hc.PathTable(
        solutions=np.asarray(solutions, dtype=complex),
        return_codes=tuple(codes),
        residuals=np.full(P, 1e-15),
        accuracies=np.full(P, 1e-15),
        conditions=np.full(P, 10.0),
        singular=np.zeros(P, bool) if singular is None else np.asarray(singular),
        multiplicities=np.ones(P, int),
        winding_numbers=np.zeros(P, int),
        steps=np.full(P, 20),
        t=np.zeros(P),
        start_solutions=np.full((P, N), np.nan + 0j),
        paths_tracked=P,
        seed=seed,
        hc_version="2.20.0",
    )


def test_closed_form_points_are_critical():
    inst = random_instance("1,1,1", seed=4)
    points = critical_points_111(inst)
    assert np.abs(gradient(inst.architecture, points, Parameters.of(inst))).max() < 1e-12


def test_path_table_becomes_an_honest_solve_result():
    inst = random_instance("1,1,1", seed=4)
    points = critical_points_111(inst)
    far = np.array([[1e9, 1e9]])
    off = points[1:2] + 1e-3  # a "success" whose residual is not small
    solutions = np.concatenate([points, points[2:3], off, far, far, points[3:4], far])
    codes = ["success"] * 5 + ["success", "success", "at_infinity", "terminated_step_size_too_small",
                               "success", "polyhedral_failed"]
    singular = [False] * 9 + [True, False]
    stage = hc.Stage("polyhedral", table(solutions, codes, singular), 0.5, inst)
    result = hc.to_solve_result(inst, [stage], method="auto", seed=3, options=SolveOptions(), seconds=1.0)

    assert result.n_solutions == 5
    assert result.n_paths_tracked == 11
    assert result.n_at_infinity == 1
    assert result.n_singular == 1
    failures = sorted((p.return_code.value, p.raw_code) for p in result.failed_paths)
    assert failures == [
        ("duplicate", "success"),
        ("failed", "polyhedral_failed"),
        ("failed", "success"),
        ("terminated_step_size_too_small", "terminated_step_size_too_small"),
    ]
    assert result.origin_found
    assert result.residuals.max() < 1e-12
    np.testing.assert_allclose(result.solutions, points)
    assert (result.backend, result.method, result.engine_version) == ("hc", "auto", "HomotopyContinuation.jl 2.20.0")
    (report,) = result.stages
    assert (report.paths, report.failed, report.at_infinity, report.info["found"]) == (11, 4, 1, 5)
    np.testing.assert_array_equal(report.info["singular_points"], points[3:4])
    assert "4 failed paths, 1 at infinity, 1 singular" in str(result)
    # the common result fields: the route, why the count may be incomplete, paths per point
    assert result.route == "hc" and not result.complete
    failed, singular = result.warnings
    assert failed.startswith("4 of 11 paths of stage polyhedral failed")
    assert "duplicate × 1" in failed and "terminated_step_size_too_small × 1" in failed
    assert singular.startswith("1 paths of stage polyhedral ended at singular points")
    assert not any("infinity" in reason for reason in result.warnings)  # expected in a polyhedral solve
    # the duplicate of point 2 (path jumping) makes two paths end there
    np.testing.assert_array_equal(result.multiplicities, [1, 1, 2, 1, 1])
    assert str(result).startswith("INCOMPLETE: 4 of 11 paths")
    assert result.options == SolveOptions() and result.settings["same_point"] == SAME_POINT


def test_a_clean_table_is_complete():
    inst = random_instance("1,1,1", seed=4)
    stage = hc.Stage("polyhedral", table(critical_points_111(inst), ["success"] * 5), 0.1, inst)
    result = hc.to_solve_result(inst, [stage], method="auto", seed=3, options=SolveOptions(), seconds=0.1,
                                notes=("a note",))
    assert result.complete and result.warnings == ()
    assert result.notes == ("a note",)
    np.testing.assert_array_equal(result.multiplicities, np.ones(5, int))
    assert str(result).startswith("COMPLETE")


def test_paths_at_infinity_lose_solutions_only_in_a_parameter_homotopy():
    inst = random_instance("1,1,1", seed=4)
    points = np.concatenate([critical_points_111(inst), [[1e9, 1e9]]])
    codes = ["success"] * 5 + ["at_infinity"]
    for name, lost in (("polyhedral", False), ("parameter_homotopy", True)):
        result = hc.to_solve_result(inst, [hc.Stage(name, table(points, codes), 0.1, inst)], method="auto",
                                    seed=0, options=SolveOptions(), seconds=0.1)
        assert result.n_at_infinity == 1 and result.n_solutions == 5
        assert result.complete is not lost
        if lost:
            (reason,) = result.warnings
            assert reason.startswith("1 of 6 paths of stage parameter_homotopy went to infinity")


def test_parameter_homotopy_carries_the_start_warnings(monkeypatch):
    inst, target = random_instance("1,1,1", seed=1), random_instance("1,1,1", seed=2)
    start = hc.to_solve_result(
        inst, [hc.Stage("polyhedral", table(critical_points_111(inst)[:4], ["success"] * 3 + ["terminated_max_steps"]),
                        0.1, inst)],
        method="auto", seed=0, options=SolveOptions(), seconds=0.1,
    )
    assert len(start.warnings) == 1
    tracked = table(critical_points_111(target)[:3], ["success"] * 3)
    fake = types.SimpleNamespace(signals_handled=True, system=lambda *a: None, call=lambda *a, **k: None)
    monkeypatch.setattr(hc_julia, "session", lambda: fake)
    monkeypatch.setattr(hc.HomotopyContinuationBackend, "_track", lambda *args: tracked)
    result = hc.HomotopyContinuationBackend().parameter_homotopy(start, target)
    assert result.n_solutions == 3 and result.route == "hc"
    assert result.warnings == (f"the start result is incomplete: {start.warnings[0]}",)


def test_raw_codes_map_onto_the_common_vocabulary():
    assert hc.return_code("at_zero", False) is ReturnCode.AT_INFINITY
    assert hc.return_code("terminated_max_steps", False) is ReturnCode.MAX_STEPS
    assert hc.return_code("terminated_ill_conditioned", False) is ReturnCode.ILL_CONDITIONED
    assert hc.return_code("terminated_invalid_startvalue", False) is ReturnCode.FAILED
    assert hc.return_code("at_infinity", True) is ReturnCode.AT_INFINITY


def test_a_table_without_solutions_gives_an_empty_result():
    inst = random_instance("1,2,1", seed=1)
    N = inst.architecture.n_unknowns
    stage = hc.Stage("total_degree", table(np.full((2, N), 1e9), ["at_infinity"] * 2), 0.1, inst)
    result = hc.to_solve_result(inst, [stage], method="blackbox", seed=0, options=SolveOptions(), seconds=0.1)
    assert result.solutions.shape == (0, N)
    assert (result.n_solutions, result.n_at_infinity, result.n_failed) == (0, 2, 0)
    assert not result.origin_found


def test_the_last_stage_must_solve_the_result_instance():
    inst, other = random_instance("1,1,1", seed=1), random_instance("1,1,1", seed=2)
    stage = hc.Stage("parameter_homotopy", table(critical_points_111(other), ["success"] * 5), 0.1, other)
    with pytest.raises(SolverError, match="last stage"):
        hc.to_solve_result(inst, [stage], method="auto", seed=0, options=SolveOptions(), seconds=0.1)


def test_data_with_a_continuous_symmetry_are_refused_before_julia_starts(monkeypatch):
    """Scalar Λ leaves an O(2) symmetry: the hc backend refuses from the data, as the native one does."""
    monkeypatch.setattr(hc_backend_module.julia, "session", lambda: pytest.fail("Julia must not start"))
    inst = random_instance("1,2,2", seed=0)
    scalar = Instance(inst.architecture, inst.X, inst.Y, [np.full(s, 0.3) for s in inst.architecture.shapes])
    with pytest.raises(PositiveDimensionalError, match="not finite"):
        hc_backend_module.HomotopyContinuationBackend().solve(scalar)


def test_generic_start_pair_is_critical_with_no_zero_coordinate():
    inst = random_instance("1,2,2,1", samples=2, seed=0)
    x, generic = hc.generic_start_pair(inst, np.random.default_rng(5))
    assert np.abs(x).min() > 0
    assert not generic.is_real
    assert (generic.architecture, generic.samples) == (inst.architecture, inst.samples)
    assert np.abs(gradient(inst.architecture, x[None], Parameters.of(generic))).max() < 1e-10


def test_sign_generators_are_one_flip_per_hidden_neuron():
    arch = Architecture((2, 2, 3, 1))
    generators = hc_backend_module._sign_generators(arch)
    assert generators.shape == (5, arch.n_unknowns) and generators.dtype == np.int8
    assert set(np.unique(generators)) == {-1, 1}
    assert len({tuple(g) for g in generators}) == 5


def test_paths_to_track_refuses_torus_with_total_degree():
    with pytest.raises(SolverError, match="only_torus"):
        hc.HomotopyContinuationBackend().paths_to_track("2,2,2", start_system="total_degree", only_torus=True)


def test_nothing_to_track_or_certify_is_refused_before_julia(monkeypatch):
    monkeypatch.setattr(hc_julia, "session", lambda: pytest.fail("Julia was asked"))
    inst = random_instance("1,1,1", seed=1)
    stage = hc.Stage("total_degree", table(np.full((1, 2), 1e9), ["at_infinity"]), 0.1, inst)
    empty = hc.to_solve_result(inst, [stage], method="blackbox", seed=0, options=SolveOptions(), seconds=0.1)
    backend = hc.HomotopyContinuationBackend()
    with pytest.raises(SolverError, match="no solutions to track"):
        backend.parameter_homotopy(empty, random_instance("1,1,1", seed=2))
    with pytest.raises(SolverError, match="no solutions to certify"):
        backend.certify(empty)


def test_parameter_homotopy_needs_one_network(monkeypatch):
    monkeypatch.setattr(hc_julia, "session", lambda: pytest.fail("Julia was asked"))
    inst = random_instance("1,1,1", seed=1)
    start = hc.to_solve_result(
        inst, [hc.Stage("polyhedral", table(critical_points_111(inst), ["success"] * 5), 0.1, inst)],
        method="auto", seed=0, options=SolveOptions(), seconds=0.1,
    )
    with pytest.raises(SolverError, match="one network"):
        hc.HomotopyContinuationBackend().parameter_homotopy(start, random_instance("1,1,1", samples=2, seed=2))


# --- Julia's signal handling ---------------------------------------------------------------------------
def test_signal_handling_is_asked_for_before_juliacall_starts(monkeypatch):
    monkeypatch.delitem(sys.modules, "juliacall", raising=False)
    monkeypatch.delenv("PYTHON_JULIACALL_HANDLE_SIGNALS", raising=False)
    assert hc_julia.prepare_signal_handling()
    assert hc_julia.os.environ["PYTHON_JULIACALL_HANDLE_SIGNALS"] == "yes"


def test_a_users_choice_before_juliacall_starts_is_kept(monkeypatch):
    monkeypatch.delitem(sys.modules, "juliacall", raising=False)
    monkeypatch.setenv("PYTHON_JULIACALL_HANDLE_SIGNALS", "no")
    assert not hc_julia.prepare_signal_handling()
    assert hc_julia.os.environ["PYTHON_JULIACALL_HANDLE_SIGNALS"] == "no"


def test_juliacall_imported_earlier_without_signal_handling_is_reported(monkeypatch):
    monkeypatch.setitem(sys.modules, "juliacall", types.ModuleType("juliacall"))
    monkeypatch.delenv("PYTHON_JULIACALL_HANDLE_SIGNALS", raising=False)
    with pytest.warns(RuntimeWarning, match="set PYTHON_JULIACALL_HANDLE_SIGNALS=yes before anything imports juliacall"):
        assert not hc_julia.prepare_signal_handling()
    # setting it now would have no effect, so it is not pretended
    assert "PYTHON_JULIACALL_HANDLE_SIGNALS" not in hc_julia.os.environ


def test_without_signal_handling_hc_runs_single_threaded_unless_told():
    unsafe = hc_julia.Session(module=None, signals_handled=False)
    safe = hc_julia.Session(module=None, signals_handled=True)
    assert hc.HomotopyContinuationBackend()._switches(unsafe, False)["threading"] is False
    assert hc.HomotopyContinuationBackend()._notes(unsafe)
    assert "threading" not in hc.HomotopyContinuationBackend()._switches(safe, False)
    assert hc.HomotopyContinuationBackend(threading=True)._switches(unsafe, False)["threading"] is True


# --- certification ----------------------------------------------------------------------------------
def raw_certificate(real_system: bool) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        certified=[True, True, True], real=[real_system, False, real_system], distinct=[True, True, False],
        ncertified=3, nreal_certified=2 * real_system, ndistinct_certified=2,
        ndistinct_real_certified=int(real_system), real_system=real_system, hc_version="2.20.0",
    )


def test_certification_takes_hcs_names_and_checks_the_datas_realness():
    real, complex_ = random_instance("1,1,1", seed=1), hc.generic_start_pair(random_instance("1,1,1", seed=1),
                                                                               np.random.default_rng(0))[1]
    certificate = hc.Certification.from_julia(raw_certificate(True), real)
    assert (certificate.ncertified, certificate.nreal_certified, certificate.ndistinct_certified,
            certificate.ndistinct_real_certified) == (3, 2, 2, 1)
    assert certificate.real_system and not certificate.all_certified_distinct
    assert hc.Certification.from_julia(raw_certificate(False), complex_).nreal_certified == 0
    for raw, instance in ((raw_certificate(False), real), (raw_certificate(True), complex_)):
        with pytest.raises(SolverError, match="bug in the hc bridge"):
            hc.Certification.from_julia(raw, instance)


# --- paths_to_track through the exchange form ---------------------------------------------------------
class ExchangeMirror:
    """Stands in for the LinnetCrit Julia module: keeps the exchange form it is sent and answers
    ``paths_to_track`` for total degree as the fixed Julia code does — the product of the degrees
    in the variables after the parameters are fixed at the values sent."""

    def __init__(self):
        self.calls = []

    def exchange_system(self, variables, parameters, exponents, coefficients, counts):
        ends = np.cumsum(counts)
        return ExchangeSystem(
            tuple(variables.split()), tuple(parameters.split()),
            tuple(exponents[a:b] for a, b in zip(ends - counts, ends)),
            tuple(coefficients[a:b] for a, b in zip(ends - counts, ends)),
        )

    def paths_to_track(self, system, parameters, *, start_system, only_torus):
        self.calls.append(parameters)
        assert start_system == "total_degree" and not only_torus
        return int(np.prod(system.at_parameters(parameters).degrees()))


@pytest.mark.parametrize(("widths", "samples"), [((1, 1, 1), 1), ((2, 2, 2), 1), ((1, 2, 2, 1), 2), ((2, 3, 1), 3)])
def test_total_degree_paths_to_track_is_the_bezout_number(monkeypatch, widths, samples):
    mirror = ExchangeMirror()
    monkeypatch.setattr(hc_julia, "session", lambda: hc_julia.Session(mirror))
    count = hc.HomotopyContinuationBackend().paths_to_track(widths, samples=samples, start_system="total_degree", seed=3)
    assert count == bezout(widths)
    (sent,) = mirror.calls
    np.testing.assert_array_equal(sent, hc.generic_parameters(Architecture(widths), samples, 3))
    assert np.abs(sent).min() > 0


@pytest.mark.parametrize(("widths", "samples"), [((1, 1, 1), 1), ((2, 2, 2), 1), ((1, 2, 2, 1), 2)])
def test_at_generic_parameters_the_exchange_form_has_the_generic_supports(widths, samples):
    # What HC.jl's polyhedral paths_to_track reads: the supports in the variables at the values sent.
    exchange = encode(gradient_system(widths, symbolic_parameters=True, samples=samples))
    fixed = exchange.at_parameters(hc.generic_parameters(Architecture(widths), samples, 0))
    assert fixed.supports() == generic_supports(widths, samples)


def test_at_zero_parameters_the_exchange_form_is_empty():
    # The bug that fixing the parameters first avoids: HC.jl's total-degree paths_to_track set
    # every parameter to zero, and every term of the gradient system contains one.
    exchange = encode(gradient_system((2, 2, 2), symbolic_parameters=True))
    assert exchange.at_parameters(np.zeros(exchange.n_parameters)).degrees() == (0,) * 8


# --- the shipped Julia project ----------------------------------------------------------------------
def test_the_packaged_julia_project_is_the_top_level_one():
    for relative in ("Project.toml", "src/LinnetCrit.jl"):
        assert (PACKAGE / "julia" / relative).read_bytes() == (REPO / "julia" / relative).read_bytes(), relative
    assert hc.JULIA_SOURCE == PACKAGE / "julia" / "src" / "LinnetCrit.jl"


def test_juliapkg_json_declares_what_the_project_pins():
    project = tomllib.loads((PACKAGE / "julia" / "Project.toml").read_text())
    declared = json.loads((PACKAGE / "juliapkg.json").read_text())
    uuid = project["deps"]["HomotopyContinuation"]
    assert uuid == "f213a82b-91d6-5c5d-acf7-10f1c761b327"
    assert declared["packages"]["HomotopyContinuation"] == {"uuid": uuid, "version": project["compat"]["HomotopyContinuation"]}
    assert declared["julia"] == project["compat"]["julia"]


def test_the_julia_module_defines_what_python_calls_and_reads():
    source = hc.JULIA_SOURCE.read_text()
    python = "".join(path.read_text() for path in sorted(Path(hc.__file__).parent.glob("*.py")))
    called = set(re.findall(r'session\.call\(\s*"(\w+)"', python)) | set(re.findall(r'self\.call\(\s*"(\w+)"', python))
    assert called == {"exchange_system", "solve_system", "parameter_homotopy", "monodromy", "certify", "paths_to_track"}
    for name in called:
        assert re.search(rf"^function {name}\(", source, re.MULTILINE), name
    read = set(re.findall(r"\btable\.(\w+)", inspect.getsource(hc.PathTable.from_julia)))
    read |= set(re.findall(r"\braw\.(\w+)", inspect.getsource(hc.HomotopyContinuationBackend)))
    read |= set(re.findall(r"\braw\.(\w+)", inspect.getsource(hc.Certification.from_julia)))
    assert {"solutions", "return_codes", "start_solutions", "hc_version", "ndistinct_real_certified", "real_system"} <= read
    for field in read:
        assert re.search(rf"\b{field} = ", source), field


def test_the_julia_module_parses():
    tree_sitter = pytest.importorskip("tree_sitter", reason="syntax check needs tree-sitter and tree-sitter-julia")
    julia = pytest.importorskip("tree_sitter_julia", reason="syntax check needs tree-sitter-julia")
    parser = tree_sitter.Parser(tree_sitter.Language(julia.language()))
    source = hc.JULIA_SOURCE.read_bytes()
    assert not parser.parse(source).root_node.has_error
    assert parser.parse(source.replace(b"    f\nend\n", b"    f\n", 1)).root_node.has_error


# --- HC.jl itself (marker julia) ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def hc_backend():
    backend = hc.HomotopyContinuationBackend()
    reason = backend.availability()
    if reason is not None:
        pytest.skip(f"Julia is not available here: {reason}")
    return backend


def native(instance: Instance, seed: int = 0):
    from linnet_crit.solvers import solve

    return solve(instance, backend="native", seed=seed)


def same_points(a: np.ndarray, b: np.ndarray, tol: float = 1e-6) -> bool:
    if a.shape != b.shape:
        return False
    gap = np.abs(a[:, None, :] - b[None, :, :]).max(axis=2) / (1 + np.abs(b).max(axis=1))[None, :]
    return bool((gap.min(axis=1) <= tol).all() and (gap.min(axis=0) <= tol).all())


def thesis(widths, column: str) -> int:
    """A column of the published thesis row (m = 1, generic Λ) shipped with the package."""
    return published_row(widths)[column]


@pytest.mark.julia
@pytest.mark.slow
@pytest.mark.parametrize("widths", [(1, 1, 1), (2, 2, 2), (1, 2, 2, 1)])
def test_polyhedral_solve_matches_the_native_engine(hc_backend, widths):
    inst = random_instance(widths, seed=11)
    result = hc_backend.solve(inst, method="auto", seed=1)
    reference = native(inst)
    assert result.n_solutions == reference.n_solutions == thesis(widths, "N_C")
    assert same_points(result.solutions, reference.solutions)
    assert result.origin_found
    assert result.complete and result.route == "hc", result.warnings
    assert result.n_real() == reference.n_real()
    assert result.engine_version.startswith("HomotopyContinuation.jl ")


@pytest.mark.julia
@pytest.mark.slow
@pytest.mark.parametrize("widths", [(1, 1, 1), (2, 2, 2)])
def test_total_degree_solve_matches_the_native_engine(hc_backend, widths):
    inst = random_instance(widths, seed=12)
    result = hc_backend.solve(inst, method="blackbox", seed=2)
    assert result.n_paths_tracked == bezout(widths)
    assert same_points(result.solutions, native(inst).solutions)


@pytest.mark.julia
@pytest.mark.slow
def test_paths_to_track_is_the_thesis_bkk_number(hc_backend):
    assert hc_backend.paths_to_track("2,2,2") == thesis("2,2,2", "BKK")
    assert hc_backend.paths_to_track("2,2,2", only_torus=True) < thesis("2,2,2", "BKK")
    assert hc_backend.paths_to_track("2,2,2", start_system="total_degree") == thesis("2,2,2", "CBB") == bezout("2,2,2")


@pytest.mark.julia
@pytest.mark.slow
def test_parameter_homotopy_reaches_the_direct_solution(hc_backend):
    target = random_instance("2,2,2", seed=13)
    _, generic = hc.generic_start_pair(target, np.random.default_rng(0))
    start = hc_backend.solve(generic, seed=3)
    tracked = hc_backend.parameter_homotopy(start, target, seed=4)
    assert tracked.n_solutions == thesis("2,2,2", "N_C")
    assert tracked.route == "hc"
    assert same_points(tracked.solutions, hc_backend.solve(target, seed=5).solutions)


@pytest.mark.julia
@pytest.mark.slow
def test_monodromy_finds_every_point_with_all_neurons_alive(hc_backend):
    inst = random_instance("2,2,2", seed=14)
    result = hc_backend.monodromy(inst, seed=6)
    reference = native(inst)
    torus = reference.solutions[reference.is_torus()]
    assert len(torus) == thesis("2,2,2", "N_Cstar")
    assert same_points(result.solutions, torus)
    assert result.stages[0].name == "monodromy"
    # never complete: the origin and the points with dead neurons are off its component
    assert not result.complete and "origin" in result.warnings[0]


@pytest.mark.julia
@pytest.mark.slow
def test_certification_certifies_every_solution_once(hc_backend):
    inst = random_instance("2,2,2", seed=15)
    result = hc_backend.solve(inst, seed=7)
    certificate = hc_backend.certify(result)
    assert certificate.ndistinct_certified == result.n_solutions == thesis("2,2,2", "N_C")
    assert certificate.all_certified_distinct
    # Real data: HC.jl must see a real system, or it proves no solution real.
    assert certificate.real_system
    assert 0 < certificate.ndistinct_real_certified == result.n_real()


@pytest.mark.julia
@pytest.mark.slow
def test_a_seed_reproduces_the_run(hc_backend):
    inst = random_instance("1,2,2,1", seed=16)
    first, second = hc_backend.solve(inst, seed=8), hc_backend.solve(inst, seed=8)
    assert same_points(first.solutions, second.solutions, tol=1e-12)
    assert first.stages[0].info["hc_seed"] == 8


def test_a_method_without_an_hc_start_system_is_refused_before_julia(monkeypatch):
    monkeypatch.setattr(hc_julia, "session", lambda: pytest.fail("Julia was asked"))
    with pytest.raises(SolverError, match="'monodromy' is not one of \\('auto', 'blackbox'\\) for the HC.jl backend"):
        hc.HomotopyContinuationBackend().solve(random_instance("1,1,1", seed=0), method="monodromy")


@pytest.mark.julia
@pytest.mark.slow
def test_certification_at_complex_data_proves_nothing_real(hc_backend):
    _, generic = hc.generic_start_pair(random_instance("1,1,1", seed=17), np.random.default_rng(1))
    result = hc_backend.solve(generic, seed=9)
    certificate = hc_backend.certify(result)
    assert not certificate.real_system
    assert certificate.ndistinct_certified == result.n_solutions
    assert certificate.nreal_certified == 0


@pytest.mark.julia
@pytest.mark.slow
@pytest.mark.parametrize(("widths", "samples"), [((1, 2, 2, 1), 1), ((2, 2, 2), 2)])
def test_paths_to_track_with_julia_is_the_bezout_and_bkk_number(hc_backend, gfan, widths, samples):
    assert hc_backend.paths_to_track(widths, samples=samples, start_system="total_degree") == bezout(widths)
    assert hc_backend.paths_to_track(widths, samples=samples) == bkk_affine(widths, samples)
    assert hc_backend.paths_to_track(widths, samples=samples, only_torus=True) == bkk_torus(widths, samples)


def test_hc_monodromy_stall_counts_the_checks_as_loops():
    """HC.jl has no checks: they become more loops over every solution; the former rule maps as before."""
    from linnet_crit.options import MonodromyOptions
    from linnet_crit.solvers.hc.backend import hc_stall_loops

    assert hc_stall_loops(MonodromyOptions()) == MonodromyOptions().stall_loops + MonodromyOptions().checks // 4 == 55
    assert hc_stall_loops(MonodromyOptions(stall_loops=10, checks=0)) == 10
