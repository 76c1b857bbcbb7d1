"""Guards of the command line and the API: cost estimates refuse before work, bad input is one
line with exit 2, nothing is lost, and the README's quick start runs as printed.

Size guards run in a subprocess under an address-space limit (``RLIMIT_AS``) and a timeout, so a
guard that fails cannot take the test machine down: the child dies of MemoryError or is killed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import linnet_crit.cli as cli
from linnet_crit import random_instance, solve, study, verify, write_result
from linnet_crit.errors import DataError, FileFormatError, LinnetCritError

ROOT = Path(__file__).resolve().parents[1]
#: Address space of a guarded child: numpy, SymPy and SciPy load in ~1.3 GB of it.
MEMORY_LIMIT = 2 * 2**30

#: Runs ``main(argv)`` in a child with RLIMIT_AS set; prints the seconds main took on stdout.
_CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from linnet_crit.cli import main
began = time.perf_counter()
status = main(json.loads(sys.argv[1]))
print(json.dumps({{"seconds": time.perf_counter() - began}}))
sys.exit(status)
"""


def _guarded(argv: list[str], cwd: Path, timeout: float = 60) -> tuple[int, float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD.format(limit=MEMORY_LIMIT), json.dumps(argv)],
        capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env, check=False,
    )
    seconds = json.loads(completed.stdout.splitlines()[-1])["seconds"] if completed.stdout.strip() else float("nan")
    return completed.returncode, seconds, completed.stderr


HUGE = {
    "bounds 1,1e9,1": (["bounds", "--widths", "1,1000000000,1"], "--force"),
    "system 1,1e9,1": (["system", "--widths", "1,1000000000,1"], "--force"),
    "study 1,1e9,1": (["study", "--widths", "1,1000000000,1"], "--max-paths"),
    "solve 1,1e9,1": (["solve", "--widths", "1,1000000000,1"], "--max-paths"),
    "verify 1,1e9,1": (["verify", "--widths", "1,1000000000,1"], "--max-paths"),
    "landscape stats 1,1e9,1": (["landscape", "stats", "--widths", "1,1000000000,1"], "--max-paths"),
    "landscape path 1,1e9,1": (["landscape", "path", "--widths", "1,1000000000,1"], "--max-paths"),
    "landscape scan width 1000": (["landscape", "scan", "--width", "1000", "--max-depth", "3"], "--max-paths"),
    "solve 12,12,12": (["solve", "--widths", "12,12,12"], "--max-paths"),
    "solve 50,50,50": (["solve", "--widths", "50,50,50"], "--max-paths"),
    "solve blackbox 4,4,4": (["solve", "--widths", "4,4,4", "--method", "blackbox"], "--max-paths"),
    "study 50,50,50 max-paths 1000": (["study", "--widths", "50,50,50", "--max-paths", "1000"], "--max-paths"),
    "bounds 3,3,3 (gfan minutes)": (["bounds", "--widths", "3,3,3"], "--force"),
    "data of 1,1e9,1 without path budget": (["solve", "--widths", "1,1000000000,1", "--max-paths", "0"], "--max-memory"),
    "samples 1e9": (["solve", "--widths", "1,1,1", "--samples", "1000000000"], "--max-memory"),
    "study of 1e8 draws": (["study", "--widths", "1,1,1", "--draws", "100000000"], "--max-memory"),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("argv, flag", list(HUGE.values()), ids=list(HUGE))
def test_huge_inputs_are_refused_at_once_in_one_line(tmp_path, argv, flag):
    status, seconds, err = _guarded(argv, tmp_path)
    assert status == 2, err
    assert err.count("\n") == 1 and err.startswith("linnet-crit: error:") and "Traceback" not in err
    assert flag in err and "estimate" in err
    for _ in range(2):  # the best of three: a busy shared machine slows single calls, not all of them
        if seconds < 1.0:
            break
        seconds = min(seconds, _guarded(argv, tmp_path)[1])
    assert seconds < 1.0  # the estimate and the refusal; importing the package comes before
    assert list(tmp_path.iterdir()) == []


def test_the_estimate_in_the_refusal_is_computed_not_typed(capsys):
    from linnet_crit.budget import estimate_study

    assert cli.main(["study", "--widths", "2,2,2", "--draws", "3", "--max-paths", "10"]) == 2
    err = capsys.readouterr().err
    assert f"estimated {estimate_study('2,2,2', draws=3).total_paths} paths (upper bound)" in err


def test_force_lifts_the_time_limit_of_bounds(capsys, gfan):
    assert cli.main(["bounds", "--widths", "1,1,1", "--force", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["bounds"]["bkk_affine"] == 5


# --- one line, exit 2, nothing lost ---------------------------------------------------------
def _one_line(capsys, argv, *needles):
    status = cli.main(argv)
    out, err = capsys.readouterr()
    assert status == 2 and out == "", (status, out, err)
    assert err.count("\n") == 1 and err.startswith("linnet-crit: error:") and "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.fixture
def no_solve(monkeypatch):
    """Fail the test if the command gets as far as solving."""
    def refuse(*args, **kwargs):
        raise AssertionError("the command solved before checking its output file")

    monkeypatch.setattr(cli, "solve", refuse)
    monkeypatch.setattr(cli, "study", refuse)


def test_solve_output_in_a_missing_folder_is_refused_before_solving(capsys, tmp_path, no_solve):
    _one_line(capsys, ["solve", "--widths", "1,1,1", "-o", str(tmp_path / "missing" / "r.json")], "does not exist")


def test_solve_output_onto_a_folder_named_json_is_refused_before_solving(capsys, tmp_path, no_solve):
    (tmp_path / "r.json").mkdir()
    _one_line(capsys, ["solve", "--widths", "1,1,1", "-o", str(tmp_path / "r.json")], "folder")


def test_study_output_and_record_in_missing_folders_are_refused_before_solving(capsys, tmp_path, no_solve):
    _one_line(capsys, ["study", "--widths", "1,1,1", "-o", str(tmp_path / "no" / "s.json")], "does not exist")
    _one_line(capsys, ["study", "--widths", "1,1,1", "--draws", "2", "--record", str(tmp_path / "no" / "r.jsonl")],
              "does not exist")


def _settings_line(draws_file: Path, *lines: str) -> None:
    header = json.dumps({"format": "linnet_crit.records", "version": 1})
    settings = json.dumps({"kind": "study", "widths": [1, 1, 1], "samples": 1, "seed": 0, "regularization": "generic"})
    draws_file.write_text("\n".join([header, settings, *lines]) + "\n")


def test_record_files_that_are_empty_or_lack_fields_are_one_line_errors(capsys, tmp_path):
    argv = ["study", "--widths", "1,1,1", "--draws", "2", "--workers", "1", "--record"]
    empty = tmp_path / "empty.jsonl"
    empty.touch()
    err = _one_line(capsys, [*argv, str(empty)], "empty")
    assert "[]" not in err
    lacking = tmp_path / "lacking.jsonl"
    _settings_line(lacking, json.dumps({"draw": 0, "seed": 5}))
    _one_line(capsys, [*argv, str(lacking)], "line 3", "n_solutions")
    wrong_type = tmp_path / "wrong.jsonl"
    _settings_line(wrong_type, json.dumps({"draw": "zero", "seed": 5, "n_solutions": 5, "n_torus": 4, "n_real": 1,
                                           "n_failed": 0, "n_paths": 2, "seconds": 0.1}))
    _one_line(capsys, [*argv, str(wrong_type)], "line 3", "wrong type")
    assert empty.read_bytes() == b""  # a refused file is left as it was


def _npz(path: Path, **arrays) -> str:
    np.savez(path, **arrays)
    return str(path)


def test_data_file_messages_name_the_real_culprit(capsys, tmp_path):
    X, Y = np.ones((1, 1)), np.ones((2, 1))
    bad_l2 = _npz(tmp_path / "l2.npz", X=X, Y=Y, Lambda_1=np.ones((2, 1)), Lambda_2=np.ones((3, 2)))
    err = _one_line(capsys, ["system", "--data", bad_l2], "Lambda_2 has shape (3, 2)")
    assert "Y has" not in err
    only_l1 = _npz(tmp_path / "l1.npz", X=X, Y=Y, Lambda_1=np.ones((2, 1)))
    err = _one_line(capsys, ["system", "--data", only_l1], "Lambda_2")
    assert "need at least three" not in err
    text = tmp_path / "text.npz"
    text.write_text("X = 1\nY = 2\n")
    err = _one_line(capsys, ["system", "--data", str(text)], "not an .npz archive")
    assert "pickle" not in err
    extra = _npz(tmp_path / "extra.npz", X=X, Y=Y, Lambda_1=np.ones((2, 1)), Lambda_2=np.ones((2, 2)),
                 Lambda_3=np.ones((1, 2)))
    _one_line(capsys, ["system", "--data", extra], "Lambda_3 has shape (1, 2)")
    gap = _npz(tmp_path / "gap.npz", X=X, Y=Y, Lambda_1=np.ones((2, 1)), Lambda_2=np.ones((2, 2)),
               Lambda_4=np.ones((2, 2)))
    _one_line(capsys, ["system", "--data", gap], "Lambda_4")
    good = tmp_path / "good.npz"
    random_instance("1,2,2", seed=0).save(good)
    _one_line(capsys, ["system", "--data", str(good), "--widths", "1,2,2,2"], "hidden layers")


# --- interrupts, warnings, strict, verify ---------------------------------------------------
def test_ctrl_c_on_solve_exits_130_with_one_line(capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "solve", interrupted)
    assert cli.main(["solve", "--widths", "1,1,1"]) == 130
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "interrupted" in err


@pytest.mark.timeout(240)
def test_ctrl_c_on_a_recorded_study_exits_130_and_the_rerun_resumes(tmp_path):
    record = tmp_path / "r.jsonl"
    study_args = ["study", "--widths", "1,2,2", "--workers", "2", "--chunk-size", "1", "--record", str(record)]
    # As from a terminal: SIGINT to the whole process group (parent and workers), with Python's
    # default handler even if this test runs under a shell that ignores SIGINT.
    child_code = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                  "from linnet_crit.cli import main; sys.exit(main(sys.argv[1:]))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", child_code, *study_args, "--draws", "100000"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
                             start_new_session=True)
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline and (not record.exists() or record.read_text().count("\n") < 6):
        time.sleep(0.2)  # until the study has recorded a few draws
    os.killpg(child.pid, signal.SIGINT)
    try:
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 130, err
    last = err.splitlines()[-1]
    assert "rerun the same command to resume" in last and "Traceback" not in err
    assert all(line.startswith("linnet-crit: ") for line in err.splitlines())
    recorded = {json.loads(line)["draw"] for line in record.read_text().splitlines()[2:]}
    assert len(recorded) >= 4
    # The rerun keeps every recorded draw it needs and solves only the rest.
    resumed = json.loads(subprocess.run([sys.executable, "-m", "linnet_crit", *study_args, "--draws", "3",
                                         "--format", "json"], capture_output=True, text=True, env=env,
                                        cwd=tmp_path, timeout=120, check=True).stdout)
    assert resumed["resumed_draws"] == len(recorded & {0, 1, 2}) and resumed["n_draws"] == 3


def test_warnings_reach_the_user_as_one_plain_line(capsys, monkeypatch):
    def warns(*args, **kwargs):
        warnings.warn("first line\nsecond line", UserWarning, stacklevel=1)
        raise DataError("stop here")

    monkeypatch.setattr(cli, "solve", warns)
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as for a user: pytest turns warnings into errors
        assert cli.main(["solve", "--widths", "1,1,1"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "linnet-crit: warning: first line second line"
    assert err[1].startswith("linnet-crit: error:") and len(err) == 2


def test_strict_exits_3_on_an_incomplete_result_after_printing_it(capsys, monkeypatch):
    assert cli.main(["solve", "--widths", "1,1,1", "--strict"]) == 0
    assert capsys.readouterr().out.startswith("COMPLETE")
    real_solve = cli.solve

    def incomplete(*args, **kwargs):
        return dataclasses.replace(real_solve(*args, **kwargs), warnings=("2 paths failed after retries",))

    monkeypatch.setattr(cli, "solve", incomplete)
    assert cli.main(["solve", "--widths", "1,1,1", "--strict"]) == 3
    assert capsys.readouterr().out.startswith("INCOMPLETE: 2 paths failed after retries")
    assert cli.main(["solve", "--widths", "1,1,1"]) == 0


def test_verify_exits_1_on_disagree(capsys, monkeypatch):
    pytest.importorskip("flint")
    real_verify = cli.verify
    assert cli.main(["verify", "--widths", "1,1,1"]) == 0
    monkeypatch.setattr(cli, "verify", lambda *a, **k: dataclasses.replace(real_verify(*a, **k), agree=False))
    assert cli.main(["verify", "--widths", "1,1,1"]) == 1
    assert "DISAGREE" in capsys.readouterr().out


def test_status_lines_when_stderr_is_not_a_terminal(capsys, monkeypatch):
    real_solve = cli.solve

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(cli, "STATUS_SECONDS", 0.1)
    monkeypatch.setattr(cli, "solve", slow)
    assert cli.main(["solve", "--widths", "1,1,1"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) >= 2 and all(re.fullmatch(r"linnet-crit: solve of widths 1,1,1 \(\d+ paths \(upper bound\) "
                                                r"estimated\): running for \d+ s", line) for line in lines)
    assert cli.main(["solve", "--widths", "1,1,1", "--no-progress"]) == 0
    assert capsys.readouterr().err == ""


def test_version_methods_and_study_help(capsys):
    from linnet_crit import __version__
    from linnet_crit.solvers.base import METHODS

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"linnet-crit {__version__}"
    assert cli.main(["study", "--help"]) == 0
    text = capsys.readouterr().out
    assert "--data" not in text and "--strict" in text and "--max-paths" in text
    solve_parser = cli.build_parser()._subparsers._group_actions[0].choices["solve"]
    method = next(a for a in solve_parser._actions if a.dest == "method")
    assert tuple(method.choices) == METHODS


def test_solve_and_study_output_both_save_the_whole_result(capsys, tmp_path):
    from linnet_crit.readwrite import read_result

    assert cli.main(["solve", "--widths", "1,1,1", "-o", str(tmp_path / "r.json")]) == 0
    assert capsys.readouterr().out.startswith("COMPLETE")
    assert read_result(tmp_path / "r.json").n_solutions == 5
    assert cli.main(["study", "--widths", "1,1,1", "--draws", "2", "--workers", "1", "-o", str(tmp_path / "s.json")]) == 0
    assert capsys.readouterr().out.startswith("study of widths 1,1,1")
    assert json.loads((tmp_path / "s.json").read_text())["n_draws"] == 2
    _one_line(capsys, ["study", "--widths", "1,1,1", "-o", str(tmp_path / "s.csv")], ".json")


def test_show_prints_the_summary_block_of_the_solve(capsys, tmp_path):
    assert cli.main(["solve", "--widths", "1,1,1", "-o", str(tmp_path / "r.npz")]) == 0
    solved = capsys.readouterr().out.split("\n\n")[0]
    assert cli.main(["show", str(tmp_path / "r.npz")]) == 0
    assert capsys.readouterr().out.strip() == solved.strip()


# --- the Python API raises the package's own errors -----------------------------------------
@pytest.mark.parametrize("seed", [-1, "abc", 1.5, True])
def test_bad_seeds_raise_data_error(seed):
    inst = random_instance("1,1,1", seed=0)
    for call in (lambda: random_instance("1,1,1", seed=seed), lambda: solve(inst, seed=seed),
                 lambda: study("1,1,1", draws=1, seed=seed, workers=1)):
        with pytest.raises(DataError, match=re.escape(f"seed = {seed!r}")):
            call()


@pytest.mark.parametrize("value", [None, "1,1,1", (1, 1, 1)])
def test_non_instances_raise_data_error(value):
    for call in (solve, verify):
        with pytest.raises(DataError, match="not an Instance"):
            call(value)


def test_missing_folders_raise_package_errors(tmp_path):
    result = solve(random_instance("1,1,1", seed=0))
    with pytest.raises(FileFormatError, match="does not exist"):
        write_result(result, tmp_path / "missing" / "r.json")
    (tmp_path / "r.json").mkdir()
    with pytest.raises(FileFormatError, match="folder"):
        write_result(result, tmp_path / "r.json")
    with pytest.raises(LinnetCritError, match="does not exist"):
        study("1,1,1", draws=1, workers=1, record=tmp_path / "missing" / "r.jsonl")


# --- the README ------------------------------------------------------------------------------
def test_readme_quick_start_runs_as_printed(tmp_path, monkeypatch, gfan):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = re.search(r"## Python quick start\n\n```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    exec(compile(quick_start, "README.md quick start", "exec"), {})
    assert (tmp_path / "critical_points.json").exists()


def test_readme_test_command_is_the_one_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"^    (python -m pip install .*)$", readme, re.M)
    assert len(commands) == 2  # exactly two fresh-machine commands
    install, run = commands[1].split(" && ")
    assert install in ci and run in ci
