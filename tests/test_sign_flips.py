"""The sign-flip group: orbit labels."""

from __future__ import annotations

import numpy as np

from linnet_crit import Architecture
from linnet_crit.sign_flips import canonicalize, expand_orbits, orbit_labels, orbit_size


def test_members_of_one_orbit_share_a_label_and_other_orbits_do_not():
    arch = Architecture((2, 3, 2))
    rng = np.random.default_rng(0)
    reps = rng.standard_normal((5, arch.n_unknowns)) + 1j * rng.standard_normal((5, arch.n_unknowns))
    members = expand_orbits(arch, reps)
    members *= 1 + 1e-14 * rng.standard_normal(members.shape)  # refined one by one: rounding apart
    order = rng.permutation(len(members))
    labels = orbit_labels(arch, members[order])
    expected = np.repeat(np.arange(5), orbit_size(arch))[order]
    # one label per orbit, numbered in order of first occurrence
    assert len(set(zip(labels.tolist(), expected.tolist()))) == 5 and labels.max() == 4 and labels[0] == 0


def test_points_a_millionth_apart_are_different_orbits():
    arch = Architecture((1, 1, 1))
    x = np.array([[1.0, 2.0], [1.0, 2.0 + 1e-6]])
    assert orbit_labels(arch, x).tolist() == [0, 1]
    assert orbit_labels(arch, np.zeros((0, 2))).shape == (0,)


def test_self_conjugate_orbits_have_one_canonical_form_whatever_the_rounding():
    """At real data an orbit is often its own conjugate, so W_i[k, 0] is purely imaginary and its
    real part rounding noise: members refined on different paths must still agree."""
    from linnet_crit import random_instance, solve
    from linnet_crit.points import is_torus

    result = solve(random_instance("1,1,2", seed=0), seed=0)
    arch = result.architecture
    torus = result.solutions[is_torus(arch, result.solutions)]
    members = expand_orbits(arch, torus).reshape(len(torus), orbit_size(arch), -1)
    imaginary = np.abs(members[:, 0, 0].real) < 1e-9 * np.abs(members[:, 0, 0])
    assert imaginary.any()  # the case in question occurs in these data
    rng = np.random.default_rng(0)
    noisy = members * (1 + 1e-15 * (rng.standard_normal(members.shape) + 1j * rng.standard_normal(members.shape)))
    canonical = canonicalize(arch, noisy.reshape(-1, arch.n_unknowns)).reshape(members.shape)
    assert np.abs(canonical - canonical[:, :1]).max() < 1e-12 * np.abs(canonical).max()
