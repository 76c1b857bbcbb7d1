"""Sign-flip orbits: they are a symmetry of the system, and orbit completeness flags lost members."""

from __future__ import annotations

import json

import numpy as np
import pytest

from linnet_crit.architecture import Architecture
from linnet_crit.classify import orbit_completeness, sign_orbit, zero_pattern
from linnet_crit.data import random_instance
from linnet_crit.errors import DataError
from linnet_crit.numeric.evaluate import Parameters, gradient

from .helpers import embedded_point, origin


@pytest.mark.parametrize("widths", [(2, 2, 2), (1, 2, 3, 1)])
def test_orbit_has_one_distinct_member_per_subset_of_alive_neurons(widths):
    arch = Architecture(widths)
    rng = np.random.default_rng(8)
    for alive in (origin(arch), *arch.alive_sets()):
        x = embedded_point(arch, alive, rng)
        orbit = sign_orbit(x, arch)
        n_alive = sum(map(len, alive))
        assert orbit.shape == (2**n_alive, arch.n_unknowns)
        assert np.array_equal(orbit[0], x)
        assert len({tuple(np.round(y, 12)) for y in orbit}) == 2**n_alive
        assert all(zero_pattern(y, arch).alive == alive for y in orbit)


def test_the_gradient_is_equivariant_under_every_flip_of_the_orbit():
    arch = Architecture((1, 2, 2, 1))
    params = Parameters.of(random_instance(arch, samples=2, seed=9))
    x = embedded_point(arch, ((0, 1), (0, 1)), np.random.default_rng(10))
    orbit = sign_orbit(x, arch)
    signs = (orbit / x).real
    assert np.allclose(np.abs(signs), 1)
    assert np.allclose(gradient(arch, orbit, params), signs * gradient(arch, x[None], params))


def _orbits(arch, seed):
    rng = np.random.default_rng(seed)
    return np.vstack([sign_orbit(embedded_point(arch, alive, rng), arch) for alive in (origin(arch), *arch.alive_sets())])


def test_complete_orbits_are_reported_complete():
    arch = Architecture((2, 2, 2))
    points = _orbits(arch, 11)
    report = orbit_completeness(np.random.default_rng(0).permutation(points), arch)
    assert report.complete and not report.incomplete
    assert sorted(len(o.members) for o in report.orbits) == [1, 2, 2, 4]
    assert sorted(j for o in report.orbits for j in o.members) == list(range(len(points)))


def test_a_deleted_member_is_flagged_as_missing():
    arch = Architecture((2, 2, 2))
    points = _orbits(arch, 12)
    deleted = points[-2]
    report = orbit_completeness(np.delete(points, -2, axis=0), arch)
    assert not report.complete and report.n_missing == 1
    (orbit,) = report.incomplete
    assert orbit.size == 4 and len(orbit.members) == 3
    assert np.allclose(orbit.missing, deleted[None])
    assert json.loads(json.dumps(report.to_dict()))["n_missing"] == 1


def test_matching_uses_the_recorded_tolerance():
    arch = Architecture((1, 1, 1))
    points = np.array([[0.5, 0.7], [-0.5, -0.7 + 1e-5]])
    assert orbit_completeness(points, arch, tol=1e-4).complete
    strict = orbit_completeness(points, arch, tol=1e-7)
    assert strict.n_missing == 2 and strict.tol == 1e-7


def test_bad_points_are_rejected():
    with pytest.raises(DataError, match=r"\(n, 2\)"):
        orbit_completeness(np.zeros((3, 4)), Architecture((1, 1, 1)))
