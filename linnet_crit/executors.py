"""Executors: where the independent units of a computation (chunks of draws) run.

An executor applies one module-level function ``function(context, unit)`` to many units and yields
``(unit index, result)`` pairs **in completion order**; the caller keys results by unit index (a
study by draw index), so the outcome cannot depend on worker count, chunking or completion order.
The ``context`` (a study's generic solution cache and options) is shipped to every worker once,
not with every unit.

Three executors ship, in the spirit of networkx's backend plugins — plain objects behind a small
protocol, found by name in a registry that third parties extend with :func:`register_executor` or
the ``linnet_crit.executors`` entry-point group:

``"serial"``
    This process, in order (``workers=1``).
``"processes"``
    Local worker processes (:class:`concurrent.futures.ProcessPoolExecutor`, the default). A worker
    process that dies breaks the pool; the executor starts a new pool and resubmits the units that
    had not finished, at most ``retries`` times.
``"dask"``
    A ``dask.distributed`` cluster, given by a scheduler address (``"tcp://host:8786"``) or an
    existing :class:`distributed.Client` (optional extra: ``pip install 'linnet-crit[dask]'``).
    The context is scattered once to every worker; tasks whose worker dies are rescheduled by Dask
    itself, and units that still end in :class:`distributed.KilledWorker` are resubmitted, at most
    ``retries`` times.

Examples
--------
>>> with open_executor("serial") as ex:
...     sorted(ex.run(scaled, 10, [1, 2, 3]))
[(0, 10), (1, 20), (2, 30)]
"""

from __future__ import annotations

import itertools
import os
import signal
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, runtime_checkable

from .checks import whole_number
from .errors import DataError, SolverError, ToolUnavailableError

__all__ = [
    "Executor",
    "SerialExecutor",
    "ProcessExecutor",
    "DaskExecutor",
    "EXECUTORS",
    "register_executor",
    "make_executor",
    "open_executor",
    "scaled",
]

#: How often a unit lost with its worker is resubmitted before the run fails.
DEFAULT_RETRIES = 3


@runtime_checkable
class Executor(Protocol):
    """What :func:`linnet_crit.study.study` needs from a place to run units of work."""

    name: str

    @property
    def workers(self) -> int:
        """How many units run at the same time (used to size chunks)."""
        ...

    def run(self, function: Callable[[Any, Any], Any], context: Any, units: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        """Yield ``(i, function(context, units[i]))`` for every ``i``, each exactly once, in completion order."""
        ...

    def close(self) -> None:
        """Release workers the executor started (never a cluster it was handed)."""
        ...


def scaled(context: int, unit: int) -> int:
    """A trivial unit function (``context * unit``), for examples and tests of executors."""
    return context * unit


# --- context delivery in worker processes --------------------------------------------------------

#: Contexts installed in this (worker) process, by token.
_CONTEXTS: dict[str, Any] = {}


def _install(token: str, context: Any) -> None:
    # Ctrl-C reaches the whole process group; only the parent acts on it (it cancels the pending
    # units and closes the pool), so a worker interrupted mid-unit cannot hang the shutdown.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _CONTEXTS.clear()  # one live context per worker process: a new run replaces the last one
    _CONTEXTS[token] = context


def _call_installed(function: Callable[[Any, Any], Any], token: str, unit: Any) -> Any:
    return function(_CONTEXTS[token], unit)


def _call(function: Callable[[Any, Any], Any], context: Any, unit: Any) -> Any:
    return function(context, unit)


class _ClosedOnExit:
    """``with executor:`` closes the executor when the block ends."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- serial ------------------------------------------------------------------------------------


@dataclass
class SerialExecutor(_ClosedOnExit):
    """Run every unit in this process, in order.

    Examples
    --------
    >>> list(SerialExecutor().run(scaled, 2, [5, 6]))
    [(0, 10), (1, 12)]
    """

    name: str = field(default="serial", init=False)

    @property
    def workers(self) -> int:
        return 1

    def run(self, function, context, units):
        for i, unit in enumerate(units):
            yield i, function(context, unit)

    def close(self) -> None:
        pass


# --- local processes ------------------------------------------------------------------------------


@dataclass
class ProcessExecutor(_ClosedOnExit):
    """Local worker processes; each receives the context once, through the pool initializer.

    Parameters
    ----------
    max_workers : int
        Worker processes (default: every core).
    retries : int
        How often the units of a pool broken by a dying worker are resubmitted to a fresh pool.

    Examples
    --------
    >>> with ProcessExecutor(2) as ex:
    ...     sorted(ex.run(scaled, 3, [1, 2, 3]))
    [(0, 3), (1, 6), (2, 9)]
    """

    max_workers: int | None = None
    retries: int = DEFAULT_RETRIES
    name: str = field(default="processes", init=False)
    restarts: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.max_workers is not None and (not isinstance(self.max_workers, int) or self.max_workers < 1):
            raise DataError(f"workers = {self.max_workers!r}: give a whole number ≥ 1")

    @property
    def workers(self) -> int:
        return self.max_workers or os.cpu_count() or 1

    def run(self, function, context, units):
        token = uuid.uuid4().hex
        pending = dict(enumerate(units))
        attempts = 0
        while pending:
            pool = ProcessPoolExecutor(
                max_workers=min(self.workers, len(pending)), initializer=_install, initargs=(token, context)
            )
            try:
                futures: dict[Future, int] = {pool.submit(_call_installed, function, token, u): i for i, u in pending.items()}
                broken = False
                while futures and not broken:
                    done, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for future in done:
                        i = futures.pop(future)
                        try:
                            result = future.result()
                        except BrokenProcessPool:
                            broken = True
                            continue
                        del pending[i]
                        yield i, result
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            if pending:
                attempts += 1
                self.restarts += 1
                if attempts > self.retries:
                    raise SolverError(
                        f"worker processes died {attempts} times with {len(pending)} units unfinished; "
                        "give more memory per worker, fewer workers or a smaller chunk_size"
                    )

    def close(self) -> None:
        pass


# --- dask.distributed ----------------------------------------------------------------------------


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ToolUnavailableError(
            "dask.distributed is not installed; pip install 'linnet-crit[dask]' to run on a Dask cluster"
        ) from None
    return distributed


@dataclass
class DaskExecutor(_ClosedOnExit):
    """Units as tasks on a ``dask.distributed`` cluster.

    Parameters
    ----------
    scheduler : str, distributed.Client or None
        A scheduler address (``"tcp://10.0.0.5:8786"``; a client is opened and closed by this
        executor), a client you own (left open), or None: a :class:`distributed.LocalCluster` of
        ``n_workers`` single-threaded worker processes, started and closed by this executor.
    n_workers : int
        Workers of the local cluster started when ``scheduler`` is None (default: every core).
    scatter : bool
        Scatter the context once to every worker (default) instead of sending it with every unit.
    retries : int
        How often a unit that ended in ``KilledWorker`` (its workers kept dying) is resubmitted.
    timeout : float
        Seconds to wait for the scheduler when connecting.

    Examples
    --------
    >>> from distributed import Client, LocalCluster
    >>> with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster, \\
    ...      Client(cluster) as client, DaskExecutor(client) as ex:
    ...     sorted(ex.run(scaled, 2, [1, 2]))
    [(0, 2), (1, 4)]
    """

    scheduler: Any = None
    n_workers: int | None = None
    scatter: bool = True
    retries: int = DEFAULT_RETRIES
    timeout: float = 30.0
    name: str = field(default="dask", init=False)
    resubmitted: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        distributed = _distributed()
        self.cluster = None
        if isinstance(self.scheduler, distributed.Client):
            self.client, self._owned = self.scheduler, False
        elif self.scheduler is None:
            # ":0": a random port for the scheduler's HTTP server; the default 8787 collides with
            # any other cluster on the machine (and the scheduler warns)
            self.cluster = distributed.LocalCluster(
                n_workers=self.n_workers or os.cpu_count() or 1, threads_per_worker=1, dashboard_address=":0"
            )
            self.client, self._owned = distributed.Client(self.cluster), True
        elif isinstance(self.scheduler, str) and self.scheduler:
            try:
                self.client = distributed.Client(self.scheduler, timeout=self.timeout)
            except (OSError, TimeoutError) as exc:
                raise SolverError(
                    f"scheduler {self.scheduler!r} did not answer ({exc}); start it (dask scheduler) or give its tcp://host:port"
                ) from None
            self._owned = True
        else:
            raise DataError(f"scheduler = {self.scheduler!r}: give a 'tcp://host:port' address or a distributed.Client")

    @property
    def workers(self) -> int:
        info = self.client.scheduler_info(n_workers=-1) if _accepts_n_workers(self.client) else self.client.scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info["workers"].values()))

    def run(self, function, context, units):
        distributed = _distributed()
        client = self.client
        token = uuid.uuid4().hex[:12]
        ctx = client.scatter(context, broadcast=True, hash=False) if self.scatter else context
        tries = itertools.count()

        def submit(i: int, unit: Any):
            # pure=False and a fresh key per attempt: a resubmitted unit never reuses a lost result
            return client.submit(_call, function, ctx, unit, key=f"linnet-{token}-{i}-{next(tries)}", pure=False)

        futures = {submit(i, u): i for i, u in enumerate(units)}
        attempts = dict.fromkeys(futures.values(), 0)
        seen: set[int] = set()
        queue = distributed.as_completed(list(futures))
        try:
            for future in queue:
                i = futures.pop(future)
                if future.status == "error":
                    exc = future.exception()
                    if isinstance(exc, distributed.KilledWorker) and attempts[i] < self.retries:
                        attempts[i] += 1
                        self.resubmitted += 1
                        again = submit(i, units[i])
                        futures[again] = i
                        queue.add(again)
                        continue
                    raise exc
                result = future.result()
                future.release()
                if i not in seen:
                    seen.add(i)
                    yield i, result
        finally:
            for future in futures:
                future.cancel()
            if self.scatter:
                client.cancel([ctx])

    def close(self) -> None:
        if self._owned:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def _accepts_n_workers(client) -> bool:
    import inspect

    return "n_workers" in inspect.signature(client.scheduler_info).parameters


# --- registry ------------------------------------------------------------------------------------

#: Executor factories by name: ``factory(workers=…, scheduler=…) -> Executor``.
EXECUTORS: dict[str, Callable[..., Executor]] = {
    "serial": lambda workers=None, scheduler=None: SerialExecutor(),
    "processes": lambda workers=None, scheduler=None: ProcessExecutor(workers),
    "dask": lambda workers=None, scheduler=None: DaskExecutor(
        scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None, n_workers=workers
    ),
}


def register_executor(name: str, factory: Callable[..., Executor]) -> None:
    """Make ``executor=name`` build ``factory(workers=…, scheduler=…)`` (a plugin executor).

    Examples
    --------
    >>> register_executor("my-serial", lambda workers=None, scheduler=None: SerialExecutor())
    >>> make_executor("my-serial").name
    'serial'
    >>> del EXECUTORS["my-serial"]
    """
    if not isinstance(name, str) or not name:
        raise DataError(f"executor name {name!r}: give a non-empty string")
    EXECUTORS[name] = factory


def _entry_point(name: str) -> Callable[..., Executor] | None:
    from importlib.metadata import entry_points

    for ep in entry_points(group="linnet_crit.executors"):
        if ep.name == name:
            return ep.load()
    return None


def make_executor(executor: str | Executor | None = None, *, workers: int | None = None, scheduler: Any = None) -> Executor:
    """The executor to use: an instance as given, a registered name, or chosen from the arguments.

    Without ``executor``: Dask when ``scheduler`` (an address or a ``distributed.Client``) is
    given, this process when ``workers == 1``, local processes otherwise.

    Examples
    --------
    >>> make_executor(workers=1).name, make_executor(workers=2).name
    ('serial', 'processes')
    """
    if executor is not None and not isinstance(executor, str):
        if not isinstance(executor, Executor):
            raise DataError(f"executor = {executor!r}: give 'serial', 'processes', 'dask' or an object with name, workers, run and close")
        return executor
    if workers is not None:
        workers = whole_number(workers, "workers", minimum=1)
    if executor is None:
        executor = "dask" if scheduler is not None else "serial" if workers == 1 else "processes"
    factory = EXECUTORS.get(executor) or _entry_point(executor)
    if factory is None:
        raise DataError(f"executor = {executor!r}: not one of {sorted(EXECUTORS)} (register_executor adds one)")
    return factory(workers=workers, scheduler=scheduler)


@contextmanager
def open_executor(executor: str | Executor | None = None, *, workers: int | None = None, scheduler: Any = None):
    """:func:`make_executor` as a context manager that closes only what it made."""
    made = make_executor(executor, workers=workers, scheduler=scheduler)
    try:
        yield made
    finally:
        if made is not executor:
            made.close()
