"""Shared test configuration: deterministic hypothesis runs and fixtures for optional tools."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, settings

from linnet_crit.bounds import gfan_executable
from linnet_crit.errors import ToolUnavailableError

# Fixed seeds everywhere: hypothesis draws the same examples on every run, with no time limit
# per example (the machines running the suite are shared and slow).
settings.register_profile(
    "linnet", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("linnet")


@pytest.fixture(scope="session")
def gfan() -> str:
    """Path of gfan (the ``mixedvolume`` extra); skips the test when it is not installed."""
    try:
        return gfan_executable()
    except ToolUnavailableError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def phc() -> str:
    """Path of PHCpack's ``phc``; skips the test when it is not on PATH."""
    path = shutil.which("phc")
    if path is None:
        pytest.skip("phc (PHCpack) is not on PATH")
    return path


#: Test modules whose tests take minutes each: collected first, so that the two xdist workers start
#: on them and the quick tests fill in the gaps afterwards (collected last, the 1,2,2,1 blackbox runs
#: left one worker idle for minutes at the end of the suite).
LONGEST_FIRST = ("tests/solvers/test_blackbox_agreement.py", "tests/solvers/test_thesis_counts.py")


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within each module is kept


@pytest.fixture(autouse=True, scope="session")
def _no_cache_in_home():
    """The suite never writes into the user's cache folder, and no test's outcome depends on which
    test filled the disk cache of generic solution sets first (a warm stage tracks 0 monodromy paths
    and keeps the base point of whoever stored it): the cache is off unless a test points
    LINNET_CRIT_CACHE at its own temporary folder (tests/test_cache.py). Subprocesses inherit it."""
    import os

    old = os.environ.get("LINNET_CRIT_CACHE")
    os.environ["LINNET_CRIT_CACHE"] = "off"
    yield
    if old is None:
        os.environ.pop("LINNET_CRIT_CACHE", None)
    else:
        os.environ["LINNET_CRIT_CACHE"] = old
