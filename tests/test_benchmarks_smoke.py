"""Smoke runs of the competitor, study and scale benchmarks on the smallest architectures (seconds each)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

PHC_LIST = """THE SOLUTIONS :
2 2
===========================================================================
solution 1 :
t :  1.00000000000000E+00   0.00000000000000E+00
m : 1
the solution for t :
 W2_0_0 :  3.00000000000000E+00  -1.00000000000000E+00
 W1_0_0 :  1.00000000000000E+00   2.00000000000000E+00
== err :  1.0E-15 = rco :  1.0E-01 = res :  1.0E-15 ==
solution 2 :
t :  1.00000000000000E+00   0.00000000000000E+00
m : 1
the solution for t :
 W2_0_0 :  0.00000000000000E+00   0.00000000000000E+00
 W1_0_0 :  0.00000000000000E+00   0.00000000000000E+00
== err :  0.0E+00 = rco :  1.0E+00 = res :  0.0E+00 ==
"""


def load(name: str):
    """A benchmark script as a module (benchmarks/ is not a package)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_phc_solution_list_is_read_in_our_variable_order():
    points = load("bench_competitors").parse_phc_solutions(PHC_LIST, ("W1_0_0", "W2_0_0"))
    np.testing.assert_array_equal(points, [[1 + 2j, 3 - 1j], [0, 0]])


def test_an_empty_start_list_of_phc_is_told_apart_from_a_solved_run():
    """PHCpack's pipelined continuation sometimes ends with no start solution (seen 1 in 150 runs):
    the benchmark runs phc again instead of reporting 0 points."""
    bench = load("bench_competitors")
    empty = "ROOT COUNTS :\n\nmixed volume : 5\nstable mixed volume : 5\n\nSTART SOLUTIONS :\n0 2\n"
    solved = empty.replace("\n0 2\n", "\n5 2\n")
    assert bench._empty_start(empty) and not bench._empty_start(solved) and not bench._empty_start("")


def test_phc_paths_add_every_start_list():
    text = "START SOLUTIONS :\n1024 8\n===\nSTART SOLUTIONS with zero coordinates :\n65 8\n"
    assert load("bench_competitors").phc_paths(text) == 1089


def test_a_run_over_its_time_limit_is_killed_and_reported(tmp_path):
    proc = load("bench_competitors").run_limited(["sleep", "30"], 0.5, tmp_path, tmp_path / "out.txt")
    assert proc.status.startswith("timeout") and proc.wall < 10


def test_a_crash_is_reported_as_a_crash(tmp_path):
    proc = load("bench_competitors").run_limited(["false"], 10, tmp_path, tmp_path / "out.txt")
    assert proc.status == "crash (exit 1)"


def competitor_run(tool: str, tmp_path: Path) -> dict:
    bench = load("bench_competitors")
    out = tmp_path / "out.json"
    assert bench.main(["--widths", "1,1,1", "--tools", f"linnet,{tool}", "--timeout", "120",
                       "--workdir", str(tmp_path), "--json", str(out)]) == 0
    return json.loads(out.read_text())["rows"][0]["tools"]


@pytest.mark.phc
@pytest.mark.xdist_group("phc")  # phc runs side by side were seen to return no solutions
def test_phc_finds_every_point_of_widths_1_1_1(phc, tmp_path):
    tools = competitor_run("phc", tmp_path)
    assert tools["linnet"]["solutions"] == 5
    assert (tools["phc"]["status"], tools["phc"]["found"], tools["phc"]["extra_points"]) == ("ok", 5, 0)


@pytest.mark.bertini
def test_bertini_finds_every_point_of_widths_1_1_1(tmp_path):
    pytest.importorskip("bertini")
    tools = competitor_run("bertini", tmp_path)
    assert (tools["bertini"]["status"], tools["bertini"]["found"], tools["bertini"]["extra_points"]) == ("ok", 5, 0)


def test_study_bench_row_matches_the_thesis():
    bench = load("bench_study")
    row = next(r for r in bench.selected_rows("3.1", ["1,1,1"]))
    figures = bench.measure_row(row, draws=4, seed=0, workers=1)
    assert figures.counts_match and figures.cold_solutions == 5
    assert figures.draw_paths_per_solution <= 1.0


def run_scale(*args: str) -> subprocess.CompletedProcess:
    """bench_scale.py as a user runs it (a script beside bench_tracker.py, which it imports)."""
    return subprocess.run([sys.executable, str(BENCHMARKS / "bench_scale.py"), *args],
                          capture_output=True, text=True, timeout=120)


def row_lines(stdout: str, widths: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.split()[:1] == [widths]]


def test_scale_bench_solves_a_tiny_ladder_and_checks_the_closed_form():
    done = run_scale("--rows", "1,1,1;1,2,2", "--time-limit", "60")
    assert done.returncode == 0, done.stdout + done.stderr
    for widths in ("1,1,1", "1,2,2"):
        (line,) = row_lines(done.stdout, widths)
        assert line.split()[3] == "COMPLETE" and line.endswith("= closed form"), line


def test_scale_bench_reports_a_row_over_its_time_limit_and_fails():
    done = run_scale("--rows", "1,2,2,2", "--time-limit", "0.3")
    assert done.returncode == 1
    (line,) = row_lines(done.stdout, "1,2,2,2")
    assert line.split()[2:5] == ["—", "timeout", "(0.3"], line


def test_scale_bench_closed_form_is_the_thesis_count_of_every_one_hidden_layer_row(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # bench_scale imports bench_tracker as a sibling
    bench = load("bench_scale")
    from linnet_crit import published_rows

    rows = [r for r in published_rows() if len(r["widths"]) == 3 and r["samples"] == 1]
    assert rows
    assert [bench.closed_form(r["widths"]) for r in rows] == [r["N_C"] for r in rows]
    assert bench.closed_form((1, 2, 2, 1)) is None


def test_scale_bench_flags_a_count_off_the_closed_form_and_an_incomplete_result(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    bench = load("bench_scale")
    short = {"status": "ok", "complete": True, "warnings": [], "n_solutions": 32}
    check, bad = bench.verdict("1,2,2", short, None)
    assert bad and check == "MISMATCH: closed form 33"
    incomplete = {"status": "ok", "complete": False, "warnings": ["2 paths failed"], "n_solutions": 129}
    check, bad = bench.verdict("1,2,2,1", incomplete, None)
    assert bad and check == "INCOMPLETE: 2 paths failed"


def test_cluster_bench_streams_a_solve_through_a_local_dask_cluster(tmp_path):
    pytest.importorskip("distributed", reason="the cluster benchmark needs the dask extra")
    out = tmp_path / "122.jsonl"
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_cluster.py"), "--widths", "1,2,2", "--workers", "2",
                           "--worker-memory", "1GB", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=BENCHMARKS.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "closed form Σ_r C(d,r)C(p,r)4^r = 33: equal" in done.stdout
    assert done.stdout.count("peak RSS of worker") == 2 and out.stat().st_size > 0


def test_bench_monodromy_stop_estimates_both_rules_from_real_loops(capsys, tmp_path):
    bench = load("bench_monodromy_stop")
    out = tmp_path / "stop.json"
    assert bench.main(["--shapes", "1,1,1", "--pool", "12", "--runs", "30", "--rules", "2,10;2,10,3",
                       "--json", str(out)]) == 0
    row = json.loads(out.read_text())["rows"][0]
    assert row["shape"] == "1,1,1" and row["orbits"] == row["run_orbits"] == 2 and row["loops"] > 0
    assert 0.0 <= row["this"] < 1.0 and 0.0 <= row["former"] < 1.0
    assert row["this"] <= row["rule 2,10"][0] and row["rule 2,10"][1] == 2 * 2 + 10
    # 3 checks per orbit: 6 checks over the 2 orbits, and fewer checks can only raise the estimate
    assert row["rule 2,10,3"][1] == 2 * 2 + 6 and row["rule 2,10,3"][0] >= row["rule 2,10"][0]
    assert "largest estimate of this rule" in capsys.readouterr().out


def test_early_stop_estimate_is_the_chance_that_every_remaining_loop_keeps_k():
    bench = load("bench_monodromy_stop")
    from linnet_crit.options import MonodromyOptions

    # one stuck state |K| = 1 where a closed loop keeps K with p = 0.5 and a check with c = 0.5
    replays = [[(1, 0.5, 0.5)]]
    rule = MonodromyOptions(stall_loops=3, min_loop_paths=0, checks=2)
    assert bench.early_stop(replays, rule, per_loop=1) == bench.early_stop(replays, rule, per_loop=2) == 0.5**5
    # a bent edge's loop and a check cost 1 path per orbit, a petal's 2
    assert bench.confirming_paths(4, rule, per_loop=1) == 4 * 3 + 2
    assert bench.confirming_paths(4, rule, per_loop=2) == 2 * 4 * 3 + 4
    # min_loop_paths buys loops by their cost: 20 paths are 5 bent loops or 3 petals over 4 orbits
    more = MonodromyOptions(stall_loops=1, min_loop_paths=20, checks=0)
    assert bench.early_stop([[(4, 0.5, 1.0)]], more, per_loop=1) == 0.5**5
    assert bench.early_stop([[(4, 0.5, 1.0)]], more, per_loop=2) == 0.5**3
    # checks_per_orbit: at |K| = 2, 3 per orbit are 6 of the 10 checks; at 4 orbits the 10
    scaled = MonodromyOptions(stall_loops=1, min_loop_paths=0, checks=10, checks_per_orbit=3)
    assert bench.early_stop([[(2, 0.5, 0.5)]], scaled, per_loop=1) == 0.5 ** (1 + 6)
    assert bench.confirming_paths(4, scaled, per_loop=1) == 4 * 1 + 10


def test_bench_blackbox_shapes_compares_both_routes_at_one_base_point(capsys, tmp_path):
    bench = load("bench_blackbox_shapes")
    out = tmp_path / "shapes.json"
    assert bench.main(["--shapes", "1,1,2;2,2,1", "--seeds", "1", "--json", str(out)]) == 0
    row, empty = json.loads(out.read_text())["rows"]
    assert row["shape"] == "1,1,2" and row["start_paths"] == 9 and row["disagree"] == 0
    assert row["blackbox_paths"] == 9 < row["monodromy_paths"] and row["not_certified"] == row["degenerate"] == 0
    # no torus solutions (rank-deficient start map): neither route runs, and no fallback is counted
    assert empty["degenerate"] == 1 and empty["not_certified"] == 0 and empty["blackbox_paths"] == 0
    printed = capsys.readouterr().out
    assert "time ratio" in printed and "no torus solutions" in printed


def test_bench_reduced_shapes_compares_both_routes_at_one_base_point(capsys, tmp_path):
    bench = load("bench_reduced_shapes")
    out = tmp_path / "shapes.json"
    assert bench.main(["--shapes", "1,2,3;1,2,2,1", "--seeds", "1", "--json", str(out)]) == 0
    one, two = json.loads(out.read_text())["rows"]
    assert one["route"] == two["route"] == "reduced homotopy" and one["disagree"] == two["disagree"] == 0
    assert one["reduced_paths"] == one["orbits"] == 12 < one["monodromy_paths"] and one["refused"] == 0
    assert two["reduced_paths"] == two["orbits"] + two["at_infinity"] and two["at_infinity"] > 0
    assert "time ratio" in capsys.readouterr().out


def test_bench_trace_test_is_linear_exactly_for_complete_sets(capsys, tmp_path):
    bench = load("bench_trace_test")
    out = tmp_path / "trace.json"
    assert bench.main(["--shapes", "1,1,2", "--stall", "5", "--json", str(out)]) == 0
    row = json.loads(out.read_text())[0]
    # the trace separates: linear (rounding level) over the complete sets, not with an orbit dropped
    assert row["residual"] < bench.LINEAR
    assert row["residual_fiber_dropped"] > 1e3 * bench.LINEAR and row["residual_additional_dropped"] > 1e3 * bench.LINEAR
    assert row["least_certificate_paths"] == 2 * row["K"] + 3 * row["E"] and row["E"] >= 1
    assert "trace linear: both sets complete" in capsys.readouterr().out


def test_a_point_on_a_path_to_infinity_is_not_counted_as_a_solution():
    bench = load("bench_competitors")
    from linnet_crit import random_instance, solve
    from linnet_crit.numeric import Parameters, gradient, gradient_and_jacobian

    instance = random_instance("1,1,1", seed=0)
    arch, params = instance.architecture, Parameters.of(instance)
    # W = (0, 1e5): the cubic terms vanish, so the residual (≈ 1.7e3) is small next to ‖W‖³ and the
    # Jacobian's condition (≈ 1e10) below the singular limit — as phc -b's points at infinity
    far = np.array([[0.0, 1e5]], dtype=complex)
    scale = 1e5 ** (2 * arch.n_layers - 1)
    assert np.abs(gradient(arch, far, params)).max() <= bench.RESIDUAL * scale
    assert np.linalg.cond(gradient_and_jacobian(arch, far, params)[1][0]) < bench.SINGULAR
    roots = np.asarray(solve(instance, seed=0).solutions)
    assert len(bench.valid_points(instance, np.concatenate([roots, far]))) == len(roots) == 5
