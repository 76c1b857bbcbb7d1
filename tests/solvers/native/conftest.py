"""Fixtures shared by the native engine's tests."""

from __future__ import annotations

import pytest

from linnet_crit.solvers.native import closed_form


@pytest.fixture
def no_closed_form(monkeypatch):
    """Small one-hidden-layer shapes go to the blackbox homotopy or monodromy, not the closed form,
    which would solve them with no path (``test_closed_form.py``): for the tests of monodromy, of
    its verdicts and of the cache, whose generic stages must track paths."""
    monkeypatch.setattr(closed_form, "solvable", lambda arch, samples: False)
