"""A solve streamed to disk unit by unit: same counts as the plain solve, read back whole or line
by line, and never taken for complete when cut short."""

from __future__ import annotations

import json

import numpy as np
import pytest

from linnet_crit import read_result, show, solve_to_file
from linnet_crit.budget import bytes_per_path
from linnet_crit.cli import main
from linnet_crit.data import Instance, random_instance
from linnet_crit.errors import BudgetExceededError, FileFormatError, SolverError
from linnet_crit.points import SAME_POINT, match_rows
from linnet_crit.readwrite import StreamedSolveResult, append_record, stream_summary
from linnet_crit.solvers import SolveOptions, solve

OPTIONS = SolveOptions(cache=False)


def _same_points(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(match_rows(a, b, SAME_POINT).all()) and bool(match_rows(b, a, SAME_POINT).all())


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


@pytest.mark.parametrize("widths", ["1,2,2", "2,2,2", "1,3,3", "1,2,2,1"])
def test_counts_equal_the_plain_solve(widths, tmp_path):
    inst = random_instance(widths, seed=0)
    plain = solve(inst, seed=0, options=OPTIONS)
    # a small memory budget splits the homotopies into many units
    budget = 150 * bytes_per_path(inst.architecture.n_unknowns)
    streamed = solve_to_file(inst, tmp_path / "points.jsonl", seed=0, options=OPTIONS, max_memory=budget)
    assert plain.complete and streamed.complete, (plain.warnings, streamed.warnings)
    assert (streamed.n_solutions, streamed.n_real, streamed.n_torus) == (plain.n_solutions, plain.n_real(), plain.n_torus())
    assert streamed.origin_found and streamed.n_singular == 0 and streamed.n_failed == 0
    back = read_result(tmp_path / "points.jsonl")
    assert back.complete and _same_points(back.solutions, plain.solutions)
    assert np.all(back.residuals <= OPTIONS.residual_tolerance)
    assert streamed.n_paths_tracked == plain.n_paths_tracked == back.n_paths_tracked
    # the same assumptions, the monodromy stopping rule among them where a shape rests on it
    assert streamed.assumptions == plain.assumptions == back.assumptions


def test_show_prints_what_the_solve_returned(tmp_path):
    path = tmp_path / "points.jsonl"
    res = solve_to_file(random_instance("1,2,2", seed=1), path, options=OPTIONS)
    assert isinstance(res, StreamedSolveResult) and str(res).startswith("COMPLETE\n")
    assert show(path) == str(res) == str(stream_summary(path))
    assert json.loads(show(path, "json")) == res.to_dict()


def test_every_unit_fits_the_memory_budget(tmp_path):
    inst = random_instance("1,3,3", seed=0)
    n = inst.architecture.n_unknowns
    per = bytes_per_path(n)
    budget = 60 * per
    path = tmp_path / "points.jsonl"
    solve_to_file(inst, path, options=OPTIONS, max_memory=budget)
    units = [rec for rec in _lines(path) if rec["kind"] == "unit"]
    plan = next(rec for rec in _lines(path) if rec["kind"] == "plan")
    assert plan["units"] == len(units) > 4  # more units than alive-size shapes + the origin
    for rec in units:
        first_pass = rec["stage"]["paths"]  # retries included, so ≥ the first-pass paths the budget sized
        points = len(rec["solutions"])
        # tracker state, the points, and the Jacobians of the refinement blocks (solve_to_file's model)
        assert first_pass * per + points * 64 * n + min(points, 2048) * 64 * n * n <= budget or \
            rec["stage"]["info"]["alive_sets"] == 1, rec["unit"]


def test_a_budget_below_one_alive_set_is_refused_naming_it(tmp_path):
    inst = random_instance("1,3,3", seed=0)
    with pytest.raises(BudgetExceededError, match=r"1 alive set\(s\) of sizes \(\d,\), the smallest unit, need an estimated"):
        solve_to_file(inst, tmp_path / "points.jsonl", options=OPTIONS, max_memory=10 * bytes_per_path(12))


def test_processes_write_the_serial_points(tmp_path):
    inst = random_instance("1,3,3", seed=0)
    budget = 150 * bytes_per_path(inst.architecture.n_unknowns)
    solve_to_file(inst, tmp_path / "serial.jsonl", options=OPTIONS, max_memory=budget)
    solve_to_file(inst, tmp_path / "spread.jsonl", options=OPTIONS, max_memory=budget, executor="processes", workers=2)
    serial, spread = read_result(tmp_path / "serial.jsonl"), read_result(tmp_path / "spread.jsonl")
    assert spread.complete and _same_points(spread.solutions, serial.solutions)
    # read back in unit order, whatever order the units finished in
    assert np.allclose(spread.solutions, serial.solutions, rtol=1e-9, atol=1e-12)


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    path = tmp_path_factory.mktemp("stream") / "points.jsonl"
    solve_to_file(random_instance("1,2,2", seed=2), path, options=OPTIONS, max_memory=40 * bytes_per_path(6))
    return path


@pytest.mark.parametrize("keep", ["header", "plan", "torn unit", "units, no footer", "torn footer"])
def test_a_stream_cut_short_is_incomplete_never_complete(finished, tmp_path, keep):
    lines = finished.read_bytes().splitlines(keepends=True)
    cut = {"header": b"".join(lines[:1]), "plan": b"".join(lines[:2]), "torn unit": b"".join(lines[:3]) + lines[3][:40],
           "units, no footer": b"".join(lines[:-1]), "torn footer": b"".join(lines[:-1]) + lines[-1][:20]}[keep]
    path = tmp_path / "cut.jsonl"
    path.write_bytes(cut)
    summary = show(path)
    assert summary.startswith("INCOMPLETE: ") and "interrupted" in summary.splitlines()[0]
    back = read_result(path)
    assert not back.complete and any("interrupted" in w for w in back.warnings)
    full = stream_summary(finished).n_solutions
    assert back.n_solutions == stream_summary(path).n_solutions <= full
    # whatever it holds: the units whose lines are whole, every one of their points
    assert (back.n_solutions < full) == (keep in ("header", "plan", "torn unit"))


def test_an_edited_point_is_refused(finished, tmp_path):
    lines = finished.read_bytes().splitlines(keepends=True)
    unit = json.loads(lines[3])
    unit["solutions"][0][0][0] += 1.0
    lines[3] = json.dumps(unit).encode() + b"\n"
    path = tmp_path / "edited.jsonl"
    path.write_bytes(b"".join(lines))
    with pytest.raises(FileFormatError, match="line 4: unit .* do not match their SHA-256"):
        read_result(path)


def test_a_study_record_stream_is_not_a_result(tmp_path):
    path = tmp_path / "study.jsonl"
    append_record(path, {"draw": 0})
    with pytest.raises(FileFormatError, match="study's record stream"):
        read_result(path)


def test_a_failed_certificate_makes_the_stream_incomplete_with_its_reasons(tmp_path):
    """No route switch in a stream: a tolerance no point can meet fails every unit's certificate."""
    strict = SolveOptions(cache=False, residual_tolerance=1e-300)
    res = solve_to_file(random_instance("1,2,2", seed=0), tmp_path / "points.jsonl", options=strict)
    assert not res.complete
    assert any("did not refine" in w and w.startswith("unit ") for w in res.warnings)
    assert str(res).startswith("INCOMPLETE: unit ")


def test_non_generic_data_are_refused_before_any_path(tmp_path):
    inst = random_instance("1,2,2", seed=0)
    Y = inst.Y.copy()
    Y[0, 0] = 0.0  # a zero entry: not generic, and no continuous symmetry either
    special = Instance(inst.architecture, inst.X, Y, inst.lambdas)
    with pytest.raises(SolverError, match="method='continuation'"):
        solve_to_file(special, tmp_path / "points.jsonl", options=OPTIONS)


def test_the_extension_is_checked_first(tmp_path):
    with pytest.raises(FileFormatError, match=r"extension \.jsonl"):
        solve_to_file(random_instance("1,1,1", seed=0), tmp_path / "points.json")


def test_cli_streams_with_two_workers_and_show_reads_it(capsys, tmp_path):
    path = tmp_path / "out.jsonl"
    argv = ["solve", "--widths", "1,2,2", "--stream", str(path), "--executor", "processes", "--workers", "2", "--no-cache"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("COMPLETE\n") and "33 distinct critical points" in printed
    assert main(["show", str(path)]) == 0
    assert capsys.readouterr().out == printed


def test_cli_stream_refuses_output_and_other_routes(capsys, tmp_path):
    argv = ["solve", "--widths", "1,1,1", "--stream", str(tmp_path / "a.jsonl"), "--method", "continuation"]
    assert main(argv) == 2
    assert "--stream" in capsys.readouterr().err


def test_a_dask_local_cluster_streams_the_serial_points(tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (extra 'dask')")
    inst = random_instance("1,2,2", seed=0)
    solve_to_file(inst, tmp_path / "serial.jsonl", options=OPTIONS)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        res = solve_to_file(inst, tmp_path / "dask.jsonl", options=OPTIONS, scheduler=client)
    assert res.complete and res.n_solutions == 33
    assert np.array_equal(read_result(tmp_path / "dask.jsonl").solutions, read_result(tmp_path / "serial.jsonl").solutions)
