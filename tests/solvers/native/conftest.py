"""Fixtures shared by the native engine's tests."""

from __future__ import annotations

import pytest

from linnet_crit.solvers.native import reduced


@pytest.fixture
def no_closed_form(monkeypatch):
    """One-sample shapes with one or two hidden layers go to the blackbox homotopy or monodromy,
    not the reduced system, which would solve them with no stopping rule (``test_reduced.py``): for
    the tests of monodromy, of its verdicts and of the cache, whose generic stages must run it."""
    monkeypatch.setattr(reduced, "solvable", lambda arch, samples: False)
