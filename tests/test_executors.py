"""Executors: every unit exactly once on every executor, lost workers' units recomputed, clear errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from linnet_crit.errors import DataError, SolverError, ToolUnavailableError
from linnet_crit.executors import (
    EXECUTORS,
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SerialExecutor,
    make_executor,
    open_executor,
    register_executor,
    scaled,
)

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded in-process workers (cheap; tests/test_study.py runs worker processes),
    closed after their clients so that no warning escapes; dashboard port ":0" (random) because
    a busy default port 8787 makes the scheduler warn."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        yield cluster


@pytest.fixture
def client(cluster):
    with distributed.Client(cluster) as client:
        yield client


def _die_once(marker: str, unit: int) -> int:
    """Unit 3 kills its worker process the first time it runs (the marker file remembers)."""
    if unit == 3 and not os.path.exists(marker):
        Path(marker).touch()
        os._exit(1)
    return 10 * unit


def _always_die(context: object, unit: int) -> int:
    os._exit(1)


def test_serial_runs_in_order():
    assert list(SerialExecutor().run(scaled, 3, [1, 2, 3])) == [(0, 3), (1, 6), (2, 9)]


def test_processes_every_unit_exactly_once():
    with ProcessExecutor(2) as ex:
        out = list(ex.run(scaled, 7, list(range(20))))
    assert sorted(i for i, _ in out) == list(range(20))
    assert dict(out) == {i: 7 * i for i in range(20)}


def test_processes_recompute_the_units_of_a_dead_worker(tmp_path):
    ex = ProcessExecutor(2)
    out = list(ex.run(_die_once, str(tmp_path / "died"), list(range(8))))
    assert (tmp_path / "died").exists(), "the worker was not killed: the test proves nothing"
    assert ex.restarts == 1
    assert sorted(i for i, _ in out) == list(range(8))
    assert dict(out) == {i: 10 * i for i in range(8)}


def test_processes_give_up_after_retries():
    with pytest.raises(SolverError, match=r"died 2 times .* unfinished; give more memory"):
        list(ProcessExecutor(2, retries=1).run(_always_die, None, [1, 2]))


def test_dask_every_unit_exactly_once(client):
    ex = DaskExecutor(client)
    assert ex.workers == 2
    out = list(ex.run(scaled, 5, list(range(12))))
    assert sorted(i for i, _ in out) == list(range(12))
    assert dict(out) == {i: 5 * i for i in range(12)}
    ex.close()
    assert client.status == "running", "a client we were handed must stay open"


def test_dask_without_scatter_is_the_same(client):
    assert sorted(DaskExecutor(client, scatter=False).run(scaled, 2, [4, 5])) == [(0, 8), (1, 10)]


def test_dask_by_address_opens_and_closes_its_own_client(cluster):
    ex = make_executor(scheduler=cluster.scheduler_address)
    assert isinstance(ex, DaskExecutor) and ex.name == "dask"
    assert sorted(ex.run(scaled, 1, [1, 2])) == [(0, 1), (1, 2)]
    ex.close()
    assert ex.client.status == "closed"


def test_dask_unreachable_scheduler_names_the_address():
    with pytest.raises(SolverError, match=r"scheduler 'tcp://127.0.0.1:9' did not answer"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)


def test_dask_missing_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    with pytest.raises(ToolUnavailableError, match=r"pip install 'linnet-crit\[dask\]'"):
        DaskExecutor("tcp://127.0.0.1:8786")


def test_make_executor_choices():
    assert make_executor(workers=1).name == "serial"
    assert make_executor(workers=3).name == "processes" and make_executor(workers=3).workers == 3
    assert make_executor("serial", workers=4).name == "serial"
    mine = SerialExecutor()
    assert make_executor(mine) is mine and isinstance(mine, Executor)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"executor": "gpu"}, r"executor = 'gpu': not one of \['dask', 'processes', 'serial'\]"),
        ({"executor": 3}, r"executor = 3: give 'serial', 'processes', 'dask' or an object"),
        ({"workers": 0}, r"workers = 0: give a whole number ≥ 1"),
        ({"workers": True}, r"workers = True: give a whole number ≥ 1"),
        ({"executor": "dask", "scheduler": 8786}, r"scheduler = 8786: give a 'tcp://host:port' address"),
    ],
)
def test_make_executor_refuses(kwargs, message):
    with pytest.raises(DataError, match=message):
        make_executor(**kwargs)


def test_plugin_executor_is_found_by_name():
    made = []

    def factory(workers=None, scheduler=None):
        made.append((workers, scheduler))
        return SerialExecutor()

    register_executor("test-plugin", factory)
    try:
        with open_executor("test-plugin", workers=2) as ex:
            assert list(ex.run(scaled, 2, [1])) == [(0, 2)]
    finally:
        del EXECUTORS["test-plugin"]
    assert made == [(2, None)]


@pytest.mark.slow
def test_dask_without_scheduler_starts_and_closes_a_local_cluster():
    ex = make_executor("dask", workers=1)
    try:
        assert ex.workers == 1
        assert sorted(ex.run(scaled, 3, [1, 2])) == [(0, 3), (1, 6)]
    finally:
        ex.close()
    assert ex.client.status == "closed" and ex.cluster is None


def _by_value():
    # nested, so that cloudpickle ships them by value to workers that cannot import this test module
    def slow_scaled(context: int, unit: int) -> int:
        import time

        time.sleep(0.3)
        return context * unit

    def exit_soon() -> None:
        import os
        import threading

        threading.Timer(0.05, os._exit, args=(1,)).start()  # after client.run has had its answer

    return slow_scaled, exit_soon


@pytest.mark.slow
def test_dask_resubmits_the_units_of_a_killed_worker():
    """With no failure allowed, Dask gives up on the task of a dead worker (KilledWorker): the
    executor resubmits it, and every unit still comes back exactly once."""
    import dask

    slow_scaled, exit_soon = _by_value()
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster, \
                distributed.Client(cluster) as client:
            client.wait_for_workers(2, timeout=60)
            ex = DaskExecutor(client)
            out = []
            for n, item in enumerate(ex.run(slow_scaled, 3, list(range(10)))):
                if n == 0:
                    busy = sorted(w for w, tasks in client.processing().items() if tasks)
                    client.run(exit_soon, workers=busy[:1])
                out.append(item)
            client.wait_for_workers(2, timeout=60)
    assert busy, "no worker was busy when killed: the test proves nothing"
    assert ex.resubmitted >= 1
    assert sorted(i for i, _ in out) == list(range(10))
    assert dict(out) == {i: 3 * i for i in range(10)}
