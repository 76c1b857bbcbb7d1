"""The command line: system and bounds output, and one-line errors with exit status 2 for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from linnet_crit.cli import main
from linnet_crit.data import load_instance, random_instance
from linnet_crit.system import gradient_system, to_bertini


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _assert_one_line_error(status: int, out: str, err: str) -> None:
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("linnet-crit") and "error:" in err
    assert "Traceback" not in err


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return str(path)


# --- bad input: exit 2, one line -------------------------------------------------------------
BAD_ARGUMENTS = {
    "widths 0,2": ["--widths", "0,2"],
    "widths 2": ["--widths", "2"],
    "widths a,b": ["--widths", "a,b"],
    "widths 1,-1,1": ["--widths", "1,-1,1"],
    "widths 1.5,2": ["--widths", "1.5,2"],
    "widths -1,2 (looks like a flag)": ["--widths", "-1,2"],
    "widths empty": ["--widths", ""],
    "no widths": [],
    "samples 0": ["--widths", "1,2,2", "--samples", "0"],
    "samples -3": ["--widths", "1,2,2", "--samples=-3"],
    "samples 1.5": ["--widths", "1,2,2", "--samples", "1.5"],
    "seed x": ["--widths", "1,2,2", "--seed", "x"],
    "seed -1": ["--widths", "1,2,2", "--seed=-1"],
    "unknown regularization": ["--widths", "1,2,2", "--regularization", "ridge"],
    "missing data file": ["--data", "does-not-exist.npz"],
}


@pytest.mark.parametrize("command", ["system", "bounds"])
@pytest.mark.parametrize("arguments", list(BAD_ARGUMENTS.values()), ids=list(BAD_ARGUMENTS))
def test_bad_arguments_exit_2_with_one_line(capsys, command, arguments):
    _assert_one_line_error(*_run(capsys, command, *arguments))


@pytest.mark.parametrize(
    "arrays",
    [
        {"X": np.array([[np.nan]]), "Y": np.ones((1, 1)), "Lambda_1": np.ones((2, 1)), "Lambda_2": np.ones((2, 2))},
        {"X": np.ones((1, 1)), "Y": np.ones((3, 1)), "Lambda_1": np.ones((2, 1)), "Lambda_2": np.ones((2, 2))},
        {"X": np.ones((1, 1)), "Y": np.ones((2, 1)), "Lambda_1": np.ones((2, 1)), "Lambda_2": np.ones((2, 3))},
        {"X": np.ones((1, 1)), "Y": np.ones((2, 1))},
    ],
    ids=["NaN", "Y shape", "Lambda shapes", "no Lambda"],
)
@pytest.mark.parametrize("command", ["system", "bounds"])
def test_bad_data_files_exit_2_with_one_line(capsys, tmp_path, arrays, command):
    _assert_one_line_error(*_run(capsys, command, "--data", _npz(tmp_path / "bad.npz", **arrays)))


def test_corrupt_data_file_and_data_of_other_widths(capsys, tmp_path):
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"\x00garbage")
    _assert_one_line_error(*_run(capsys, "system", "--data", str(corrupt)))
    good = tmp_path / "good.npz"
    random_instance((1, 2, 2), seed=0).save(good)
    _assert_one_line_error(*_run(capsys, "system", "--data", str(good), "--widths", "2,2,2"))
    _assert_one_line_error(*_run(capsys, "system", "--data", str(good), "--samples", "2"))


@pytest.mark.parametrize(
    "arguments",
    [
        ["system", "--widths", "1,2,2", "--format", "xml"],
        ["bounds", "--widths", "1,2,2", "--format", "phc"],
        ["solve-everything"],
        ["system", "--widths", "1,2,2", "--frobnicate"],
        [],
    ],
)
def test_usage_errors_are_one_line_too(capsys, arguments):
    _assert_one_line_error(*_run(capsys, *arguments))


def test_flags_that_would_be_ignored_are_refused(capsys, tmp_path):
    path = tmp_path / "data.npz"
    random_instance((1, 2, 2), seed=0).save(path)
    for extra in (["--seed", "3"], ["--regularization", "scalar"]):
        _assert_one_line_error(*_run(capsys, "system", "--data", str(path), *extra))
    for extra in (["--seed", "3"], ["--format", "bertini"], ["--format", "phc"]):
        _assert_one_line_error(*_run(capsys, "system", "--widths", "1,2,2", "--symbolic", *extra))
    for extra in (["--seed", "3"], ["--regularization", "none"]):
        _assert_one_line_error(*_run(capsys, "bounds", "--widths", "1,2,2", *extra))


# --- system ----------------------------------------------------------------------------------
def test_system_json_is_the_seeded_random_system(capsys):
    status, out, err = _run(capsys, "system", "--widths", "2,2,1", "--samples", "2", "--seed", "5", "--format", "json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    expected = gradient_system(random_instance((2, 2, 1), samples=2, seed=5))
    assert (data["widths"], data["samples"], data["seed"]) == ([2, 2, 1], 2, 5)
    names = {str(v): v for v in expected.variables}
    assert all(sp.sympify(e, locals=names) - f == 0 for e, f in zip(data["equations"], expected.equations))


def test_system_default_seed_is_recorded(capsys):
    status, out, _ = _run(capsys, "system", "--widths", "1,1,1")
    assert status == 0 and "seed 0;" in out.splitlines()[0]


def test_system_from_a_data_file_to_a_bertini_file(capsys, tmp_path):
    inst = random_instance((1, 2, 1), samples=3, seed=7)
    inst.save(tmp_path / "data.npz")
    target = tmp_path / "system.input"
    status, out, err = _run(capsys, "system", "--data", str(tmp_path / "data.npz"), "--format", "bertini", "-o", str(target))
    assert (status, out, err) == (0, "", "")
    loaded = load_instance(tmp_path / "data.npz")  # user data: no seed
    assert target.read_text() == to_bertini(gradient_system(loaded)) + "\n"
    assert "seed None" in target.read_text().splitlines()[0]


def test_system_phc_and_symbolic_text(capsys):
    status, out, _ = _run(capsys, "system", "--widths", "1,2,1", "--format", "phc")
    assert status == 0 and out.splitlines()[0] == "4" and len(out.splitlines()) == 5
    status, out, _ = _run(capsys, "system", "--widths", "1,1,1", "--samples", "2", "--symbolic")
    assert status == 0 and "X_0_1" in out and "L2_0_0" in out


def test_unwritable_output_is_a_one_line_error(capsys, tmp_path):
    target = tmp_path / "no-such-dir" / "system.txt"
    _assert_one_line_error(*_run(capsys, "system", "--widths", "1,1,1", "-o", str(target)))


# --- bounds ----------------------------------------------------------------------------------
def test_bounds_json_keys_and_values(capsys, gfan):
    status, out, err = _run(capsys, "bounds", "--widths", "2,2,2", "--format", "json")
    assert (status, err) == (0, "")
    report = json.loads(out)
    assert list(report) == ["widths", "samples", "unknowns", "bounds", "published"]
    assert list(report["bounds"]) == ["bezout", "multihomogeneous_bezout", "bkk_torus", "bkk_affine", "bh_total", "bh_torus"]
    assert report["bounds"]["bezout"] == report["published"]["CBB"] == 6561
    assert report["bounds"]["bkk_affine"] == report["published"]["BKK"] == 1089
    assert (report["bounds"]["bh_total"], report["bounds"]["bh_torus"]) == (81, 64)


def test_bounds_json_has_nulls_where_not_applicable(capsys, gfan):
    status, out, _ = _run(capsys, "bounds", "--widths", "1,1,1,1", "--format", "json")
    report = json.loads(out)
    assert status == 0 and report["bounds"]["bh_total"] is None and report["bounds"]["bh_torus"] is None
    status, out, _ = _run(capsys, "bounds", "--widths", "1,2,1", "--samples", "2", "--format", "json")
    report = json.loads(out)
    assert status == 0 and report["samples"] == 2 and report["bounds"]["bh_total"] is None
    assert report["published"] is None


def test_bounds_table(capsys, gfan):
    status, out, _ = _run(capsys, "bounds", "--widths", "1,2,2")
    lines = out.splitlines()
    assert status == 0 and lines[0].startswith("# widths 1,2,2")
    assert any(line.split()[:2] == ["bkk_affine", "81"] for line in lines)
    assert any(line.split()[:2] == ["bh_torus", "64"] for line in lines)
    assert "Table 3.1 row 13" in lines[-1]


# --- the module entry point ------------------------------------------------------------------
def test_python_dash_m_reports_bad_input_in_one_line():
    completed = subprocess.run(
        [sys.executable, "-m", "linnet_crit", "bounds", "--widths", "1,-1,1"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr.count("\n") == 1 and "Traceback" not in completed.stderr
