"""Studies: same outcome on every executor, chunking and sitting; resumption; budgets."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from linnet_crit.architecture import Architecture
from linnet_crit.budget import estimate_study
from linnet_crit.errors import BudgetExceededError, DataError
from linnet_crit.executors import DaskExecutor
from linnet_crit.readwrite import read_records
from linnet_crit.solvers import generic_paths, prepare
from linnet_crit.options import SolveOptions
from linnet_crit.study import study


def _draws_in(path: Path) -> list[int]:
    return [rec["draw"] for rec in read_records(path)[1:]]


@pytest.fixture(scope="module")
def reference_111():
    """The serial, one-batch outcome every other way of running this study must reproduce."""
    return study("1,1,1", draws=12, seed=7, workers=1, chunk_size=12).outcome()


@pytest.fixture(scope="module")
def reference_222():
    return study("2,2,2", draws=3, seed=7, workers=1, chunk_size=3).outcome()


def test_docstring_numbers():
    res = study("1,1,1", draws=3, seed=0, workers=1)
    assert res.thesis_columns()["N_C"] == 5 and [d.draw for d in res.draws] == [0, 1, 2]
    assert res.thesis_columns()["all_draws_agree"]
    assert res.n_incomplete_draws == 0 and all(d.complete and d.warnings == () for d in res.draws)


@pytest.mark.parametrize(("widths", "samples", "reduced"), [("2,2,2", 2, True), ("2,2,2,1", 1, False)])
def test_incomplete_draws_are_counted_and_break_the_agreement(widths, samples, reduced):
    """With one monodromy loop an orbit can be missed the same way in every draw: the counts agree,
    but no draw is complete, and the thesis columns say so."""
    from linnet_crit.solvers import MonodromyOptions, SolveOptions

    # one sample and at most two hidden layers need no monodromy (the reduced system): two samples,
    # or 2,2,2,1 with the reduced system off — its sets those of 1,2,2,1 lifted, so a stop at
    # max_loops must reach the draws through the lift
    monodromy = MonodromyOptions(max_loops=1, closed_form=reduced)
    res = study(widths, samples=samples, draws=2, seed=0, workers=1, options=SolveOptions(monodromy=monodromy))
    cols = res.thesis_columns()
    assert res.n_incomplete_draws == 2 == cols["n_incomplete_draws"] and not cols["all_draws_agree"]
    assert all("max_loops" in d.warnings[0] and not d.complete for d in res.draws)
    assert all(not d["complete"] for d in res.to_dict()["draws"])


@pytest.mark.parametrize("chunk_size", [1, 5])
def test_chunking_does_not_change_the_outcome(reference_111, chunk_size):
    assert study("1,1,1", draws=12, seed=7, workers=1, chunk_size=chunk_size).outcome() == reference_111


def test_local_processes_give_the_serial_outcome(reference_111, tmp_path):
    record = tmp_path / "s.jsonl"
    res = study("1,1,1", draws=12, seed=7, workers=2, chunk_size=2, record=record)
    assert res.outcome() == reference_111
    assert sorted(_draws_in(record)) == list(range(12))


def test_other_seed_other_outcome(reference_111):
    # the comparisons above can fail: another seed gives other losses
    assert study("1,1,1", draws=12, seed=8, workers=1).outcome() != reference_111


# --- resumption ----------------------------------------------------------------------------------


def test_rerun_resumes_extends_and_truncates(reference_111, tmp_path):
    record = tmp_path / "s.jsonl"
    first = study("1,1,1", draws=5, seed=7, workers=1, record=record)
    assert first.resumed == 0 and _draws_in(record) == list(range(5))
    again = study("1,1,1", draws=12, seed=7, workers=1, record=record)
    assert again.resumed == 5 and again.outcome() == reference_111
    assert sorted(_draws_in(record)) == list(range(12))
    fewer = study("1,1,1", draws=4, seed=7, workers=1, record=record)
    assert fewer.resumed == 4 and [d.draw for d in fewer.draws] == [0, 1, 2, 3]
    assert sorted(_draws_in(record)) == list(range(12)), "a rerun appended draws it already had"


def test_record_of_another_study_is_refused(tmp_path):
    record = tmp_path / "s.jsonl"
    study("1,1,1", draws=2, seed=7, workers=1, record=record)
    with pytest.raises(DataError, match=r"belongs to another study .* give a new --record path"):
        study("1,1,1", draws=2, seed=8, workers=1, record=record)


_SCRIPT = textwrap.dedent(
    """
    import sys
    from linnet_crit.study import study
    study("1,1,1", draws=int(sys.argv[2]), seed=7, workers=int(sys.argv[3]), chunk_size=1,
          record=sys.argv[1], progress=False)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "workers"), [(signal.SIGINT, 2), (signal.SIGTERM, 1)])
def test_interrupted_study_resumes_to_the_same_result(tmp_path, sig, workers):
    draws = 30
    record = tmp_path / "s.jsonl"
    proc = subprocess.Popen([sys.executable, "-c", _SCRIPT, str(record), str(draws), str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (record.exists() and record.read_bytes().count(b"\n") >= 5):  # header, settings, 3 draws
            assert proc.poll() is None, f"the study died before writing 3 draws: {proc.stderr.read().decode()[-500:]}"
            assert time.monotonic() < deadline, "no draw was recorded in 120 s"
            time.sleep(0.01)
        proc.send_signal(sig)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert proc.returncode != 0
    kept = _draws_in(record)
    assert 3 <= len(kept) < draws, "the study was not interrupted mid-way: the test proves nothing"
    assert len(set(kept)) == len(kept)
    resumed = study("1,1,1", draws=draws, seed=7, workers=1, record=record)
    assert resumed.resumed == len(kept)
    assert resumed.outcome() == study("1,1,1", draws=draws, seed=7, workers=1, chunk_size=draws).outcome()
    assert sorted(_draws_in(record)) == list(range(draws))


# --- Dask ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes (a simulated cluster), closed after their clients;
    dashboard port ":0" (random) because a busy default port 8787 makes the scheduler warn."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster:
        yield cluster


@pytest.fixture
def client(cluster):
    import distributed

    with distributed.Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        yield client


@pytest.mark.slow
def test_local_cluster_gives_the_local_outcome(client, reference_111, reference_222, tmp_path):
    record = tmp_path / "s.jsonl"
    assert study("1,1,1", draws=12, seed=7, scheduler=client, chunk_size=2, record=record).outcome() == reference_111
    assert sorted(_draws_in(record)) == list(range(12))
    assert study("2,2,2", draws=3, seed=7, scheduler=client, chunk_size=1).outcome() == reference_222
    # a study begun here and finished on the cluster
    mixed = tmp_path / "mixed.jsonl"
    study("1,1,1", draws=5, seed=7, workers=1, record=mixed)
    finished = study("1,1,1", draws=12, seed=7, scheduler=client, chunk_size=3, record=mixed)
    assert finished.resumed == 5 and finished.outcome() == reference_111
    assert sorted(_draws_in(mixed)) == list(range(12))


def _exit_soon_by_value():
    # nested, so that cloudpickle ships it by value to workers that cannot import this test module
    def exit_soon() -> None:
        import os
        import threading

        threading.Timer(0.05, os._exit, args=(1,)).start()  # after client.run has had its answer

    return exit_soon


_exit_soon = _exit_soon_by_value()


@dataclass
class _KillOneWorker:
    """A Dask executor that kills a busy worker process as soon as the first unit is back."""

    inner: DaskExecutor
    name: str = "dask-killing"
    killed: list = field(default_factory=list)

    @property
    def workers(self) -> int:
        return self.inner.workers

    def run(self, function, context, units):
        for n, item in enumerate(self.inner.run(function, context, units)):
            if n == 0:
                busy = {w: tasks for w, tasks in self.inner.client.processing().items() if tasks}
                victim = sorted(busy)[0]
                self.killed.append((victim, len(busy[victim])))
                self.inner.client.run(_exit_soon, workers=[victim])
            yield item

    def close(self) -> None:
        pass


@pytest.mark.slow
def test_killed_worker_loses_no_draw_and_counts_none_twice(client, reference_111, tmp_path):
    record = tmp_path / "s.jsonl"
    killer = _KillOneWorker(DaskExecutor(client))
    res = study("1,1,1", draws=12, seed=7, executor=killer, chunk_size=1, record=record)
    assert killer.killed and killer.killed[0][1] >= 1, "no worker was busy when killed: the test proves nothing"
    assert [d.draw for d in res.draws] == list(range(12))
    assert sorted(_draws_in(record)) == list(range(12))
    assert res.outcome() == reference_111
    client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker for the next test
    assert killer.killed[0][0] not in client.scheduler_info()["workers"], "the victim is still alive"


# --- budgets -------------------------------------------------------------------------------------


def test_path_budget_refuses_before_anything_runs(tmp_path):
    record = tmp_path / "s.jsonl"
    est = estimate_study("2,2,2", draws=100).total_paths
    with pytest.raises(BudgetExceededError, match=rf"estimated {est} paths \(upper bound\) exceed max_paths = 1000; pass a larger"):
        study("2,2,2", draws=100, max_paths=1000, record=record)
    assert not record.exists()


def test_memory_budget_shrinks_chunks_and_refuses_a_draw_too_big(reference_111):
    per_draw = estimate_study("1,1,1").bytes_per_path * 2  # 1,1,1: two orbits' paths per draw
    assert study("1,1,1", draws=12, seed=7, workers=1, max_memory=per_draw).outcome() == reference_111
    with pytest.raises(BudgetExceededError, match=r"a batch of 1 draw\(s\) needs .* over max_memory"):
        study("1,1,1", draws=2, seed=7, workers=1, max_memory=per_draw - 1)


@pytest.mark.parametrize("widths", ["1,1,1", pytest.param("2,2,2", marks=pytest.mark.slow)])
def test_estimates_are_upper_bounds(widths, request):
    res = request.getfixturevalue(f"reference_{widths.replace(',', '')}")  # a study with seed 7
    upper = estimate_study(widths, draws=len(res["draws"]))
    assert upper.generic_paths >= res["generic_paths"]
    assert all(upper.paths_per_draw >= d["n_paths"] for d in res["draws"])
    # the study's own generic stage (same seed): its orbit counts make the estimate exact
    generic = prepare(Architecture.parse(widths), 1, seed=7, options=SolveOptions())
    assert generic_paths(generic) == res["generic_paths"]
    exact = estimate_study(widths, draws=2, generic=generic)
    assert exact.exact and exact.paths_per_draw <= upper.paths_per_draw
    assert all(d["n_paths"] >= exact.paths_per_draw for d in res["draws"])  # retries only add paths


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"draws": 0}, r"draws = 0: give a whole number ≥ 1"),
        ({"chunk_size": 0}, r"chunk_size = 0: give a whole number ≥ 1"),
        ({"workers": 0}, r"workers = 0: give a whole number ≥ 1"),
        ({"max_paths": -1}, r"max_paths = -1: give a whole number ≥ 1, or None"),
        ({"executor": "gpu"}, r"executor = 'gpu': not one of"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(DataError, match=message):
        study("1,1,1", **{"draws": 2, "workers": 1, **kwargs})
