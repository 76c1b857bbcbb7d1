"""The solve, study, verify and show subcommands (the system and bounds ones are in test_cli.py)."""

from __future__ import annotations

import json

import pytest

from linnet_crit.cli import main

JSON_KEYS = {
    "widths", "samples", "seed", "backend", "method", "n_unknowns", "n_paths_tracked", "n_solutions",
    "n_torus", "n_real", "n_failed", "n_at_infinity", "origin_found", "patterns", "bounds", "seconds",
}


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_solve_json_has_the_documented_keys_and_counts(capsys):
    out = _json(capsys, ["solve", "--widths", "2,1,2", "--seed", "3", "--format", "json"])
    assert JSON_KEYS <= set(out)
    assert (out["n_solutions"], out["n_torus"], out["origin_found"]) == (9, 8, True)
    assert sum(p["count"] for p in out["patterns"]) == out["n_solutions"]
    assert {"alive": [[]], "count": 1} in out["patterns"]
    assert out["bounds"]["bezout"] == 3**4 and out["n_failed"] == 0
    assert len(out["real_points"]) == out["n_real"]
    assert all({"loss", "hessian_index", "kind"} <= set(p) for p in out["real_points"])


def test_solve_table_prints_summary_bounds_patterns_and_real_points(capsys):
    assert main(["solve", "--widths", "1,1,1", "--seed", "1"]) == 0
    text = capsys.readouterr().out
    for needle in ("5 distinct critical points", "bezout", "thesis Table 3.1 row 1", "alive set", "index"):
        assert needle in text


@pytest.mark.parametrize("suffix", [".json", ".csv", ".npz", ".sol"])
def test_show_reads_back_the_counts_of_the_solve_that_wrote_the_file(capsys, tmp_path, suffix):
    path = tmp_path / f"result{suffix}"
    solved = _json(capsys, ["solve", "--widths", "1,1,2", "--seed", "2", "--format", "json", "--output", str(path)])
    shown = _json(capsys, ["show", str(path), "--format", "json"])
    for key in ("n_solutions", "n_torus", "n_real", "n_failed", "n_paths_tracked", "seed", "widths"):
        assert shown[key] == solved[key]


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_show_prints_the_block_the_solve_printed_first(capsys, tmp_path, suffix):
    path = tmp_path / f"result{suffix}"
    assert main(["solve", "--widths", "1,1,2", "--seed", "2", "--output", str(path)]) == 0
    first_block = capsys.readouterr().out.split("\n\n")[0]
    assert first_block.startswith(("COMPLETE", "INCOMPLETE"))
    assert main(["show", str(path)]) == 0
    assert capsys.readouterr().out.rstrip("\n") == first_block


def test_solve_with_hc_backend_without_julia_exits_2_with_one_line(capsys):
    pytest.importorskip("linnet_crit.solvers.hc")
    from linnet_crit.solvers.hc import HomotopyContinuationBackend

    if HomotopyContinuationBackend().availability() is None:
        pytest.skip("Julia is installed here: the hc backend would run")
    assert main(["solve", "--widths", "1,1,1", "--backend", "hc"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Julia" in err and "linnet-crit[julia]" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", "--widths", "0,2"],
        ["solve", "--widths", "1,1,1", "--output", "out.xlsx"],
        ["study", "--widths", "1,1,1", "--draws", "0"],
        ["show", "no/such/file.json"],
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err


def test_study_json_gives_per_draw_table_and_thesis_columns(capsys, tmp_path):
    record = tmp_path / "study.jsonl"
    argv = ["study", "--widths", "1,1,1", "--draws", "4", "--seed", "0", "--workers", "1",
            "--format", "json", "--record", str(record)]
    out = _json(capsys, argv)
    assert (out["N_C"], out["N_Cstar"], out["n_draws"]) == (5, 4, 4)
    assert [d["draw"] for d in out["draws"]] == [0, 1, 2, 3]
    assert out["paths_per_solution"] < 1 + out["generic_paths"] / 20
    again = _json(capsys, argv)  # resumes: every draw read back, none solved twice
    assert again["resumed_draws"] == 4 and again["draws"] == out["draws"]


def test_verify_json_agrees(capsys):
    pytest.importorskip("flint")
    out = _json(capsys, ["verify", "--widths", "1,1,1", "--seed", "0", "--format", "json"])
    assert out["agree"] is True
    assert out["exact_n_solutions"] == out["n_solutions"] == out["n_certified"] == 5


def test_study_serial_executor_with_no_path_limit(capsys):
    out = _json(capsys, ["study", "--widths", "1,1,1", "--draws", "3", "--executor", "serial",
                         "--max-paths", "0", "--format", "json"])
    assert out["N_C"] == 5 and out["n_draws"] == 3


def test_study_refuses_a_path_budget_it_would_exceed(capsys):
    assert main(["study", "--widths", "2,2,2", "--draws", "3", "--max-paths", "10"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--max-paths" in err and "\n" not in err


def test_landscape_scan_and_stats(capsys):
    assert main(["landscape", "scan", "--max-depth", "2", "--draws", "3", "--seed", "1"]) == 0
    text = capsys.readouterr().out
    assert "1,1,1 " in text and "1,1,1,1 " in text and "verdict" in text
    stats = _json(capsys, ["landscape", "stats", "--widths", "1,1,1", "--draws", "3", "--format", "json"])
    assert stats["n_draws"] == 3 and stats["N_C"] == {"5": 3}
    assert sum(stats["N_R_distribution"].values()) == 3


def test_landscape_scan_of_one_depth_prints_the_table_and_why_no_fit(capsys):
    # str(scan) says why a growth fit cannot be made instead of failing the whole command
    assert main(["landscape", "scan", "--max-depth", "1", "--draws", "2", "--seed", "1"]) == 0
    text = capsys.readouterr().out
    assert "1,1,1 " in text and text.count("at least two") == 2


def test_landscape_path_stops_at_the_degenerate_limit(capsys):
    assert main(["landscape", "path", "--widths", "1,1,1", "--seed", "0"]) == 0
    assert "stopped" in capsys.readouterr().out


def test_strict_exits_3_when_monodromy_stops_at_max_loops(capsys):
    """A genuinely incomplete solve (one monodromy loop per shape), not a doctored result."""
    # two samples: one-sample networks of one or two hidden layers need no monodromy (reduced system)
    assert main(["solve", "--widths", "2,2,2", "--samples", "2", "--max-loops", "1", "--strict"]) == 3
    out = capsys.readouterr().out
    assert out.startswith("INCOMPLETE: monodromy") and "max_loops = 1" in out.splitlines()[0]
    assert main(["solve", "--widths", "2,2,2", "--samples", "2", "--max-loops", "1"]) == 0  # without --strict: exit 0
    assert capsys.readouterr().out.startswith("INCOMPLETE")


@pytest.mark.parametrize("method", ["auto", "blackbox", "continuation"])
def test_positive_dimensional_data_file_exits_2_naming_the_evidence(capsys, tmp_path, method):
    """Scalar Λ (weight decay) on widths 1,2,2, given as a plain data file with no label."""
    import numpy as np

    path = tmp_path / "weight_decay.npz"
    rng = np.random.default_rng(0)
    np.savez(path, X=rng.standard_normal((1, 1)), Y=rng.standard_normal((2, 1)),
             Lambda_1=np.full((2, 1), 0.3), Lambda_2=np.full((2, 2), 0.3))
    assert main(["solve", "--data", str(path), "--method", method]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not finite" in err[0], err


def test_no_cache_leaves_the_cache_folder_empty_and_the_environment_as_it_was(capsys, tmp_path, monkeypatch):
    import os

    folder = tmp_path / "cache"
    monkeypatch.setenv("LINNET_CRIT_CACHE", str(folder))
    assert main(["solve", "--widths", "1,1,1", "--no-cache"]) == 0
    assert not folder.exists() or not any(folder.iterdir())
    assert os.environ["LINNET_CRIT_CACHE"] == str(folder)
    assert main(["solve", "--widths", "1,1,1"]) == 0
    assert any(folder.iterdir())  # without the flag the generic set is stored
