"""Sign-flip orbits: negating row k of W_i and column k of W_{i+1} maps critical points to critical points.

The flips of the alive neurons of a point act freely on it, so its orbit has 2^(alive neurons)
distinct members, all critical points of the same instance. A solver that found one member but
not another lost a path; :func:`orbit_completeness` finds such gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..architecture import Architecture
from ..errors import DataError
from ..points import SAME_POINT, match_rows
from ..results import DEFAULT_ZERO_TOL
from ..sign_flips import flip_vectors
from ..zeros import point_vector, zero_pattern

if TYPE_CHECKING:  # scipy.spatial is imported where the tree is built: it costs start-up time
    from scipy.spatial import cKDTree

__all__ = ["sign_orbit", "Orbit", "OrbitReport", "orbit_completeness"]


def sign_orbit(point: np.ndarray, arch: Architecture, rtol: float = DEFAULT_ZERO_TOL) -> np.ndarray:
    """All images of a point under sign flips of its alive neurons, the point itself first.

    Parameters
    ----------
    point : (N,) array
    arch : Architecture
    rtol : float
        Zero tolerance deciding which neurons are alive (see :func:`zero_pattern`); flipping a
        dead neuron would only repeat points.

    Returns
    -------
    (2^a, N) array
        ``a`` is the number of alive hidden neurons.

    Examples
    --------
    >>> arch = Architecture((1, 2, 1))
    >>> sign_orbit(np.array([0.0, 0.7, 0.0, -1.2]), arch)
    array([[ 0. ,  0.7,  0. , -1.2],
           [ 0. , -0.7,  0. ,  1.2]])
    """
    x = point_vector(point, arch)
    pattern = zero_pattern(x, arch, rtol)
    # the generators are the engine's (linnet_crit.sign_flips); only the alive neurons' ones are composed
    # here, since the dead ones fix the point and would only multiply the images
    generators = flip_vectors(arch)
    first = np.cumsum((0, *arch.hidden[:-1]))
    flips = [generators[first[layer - 1] + k] for layer, kept in enumerate(pattern.alive, start=1) for k in kept]
    negates = (np.array(flips, dtype=int).reshape(len(flips), arch.n_unknowns) < 0).astype(int)
    subsets = (np.arange(2 ** len(flips))[:, None] >> np.arange(len(flips))) & 1
    # a coordinate changes sign when an odd number of the chosen flips negate it
    signs = 1 - 2 * ((subsets @ negates) % 2)
    return signs * x


@dataclass(frozen=True, eq=False)
class Orbit:
    """One sign-flip orbit among the points: the members found and the images missing.

    ``members`` are indices into the points; ``size`` is the full orbit size 2^(alive neurons);
    ``missing`` holds the images no point matched, ``(size − len(members), N)``.
    """

    members: tuple[int, ...]
    size: int
    missing: np.ndarray

    @property
    def complete(self) -> bool:
        return len(self.missing) == 0


@dataclass(frozen=True, eq=False)
class OrbitReport:
    """The sign-flip orbits of a list of points and every member missing from it."""

    orbits: tuple[Orbit, ...]
    n_points: int
    tol: float
    rtol: float

    @property
    def incomplete(self) -> tuple[Orbit, ...]:
        """Orbits with a missing member: each missing member is a lost path."""
        return tuple(o for o in self.orbits if not o.complete)

    @property
    def n_missing(self) -> int:
        return sum(len(o.missing) for o in self.orbits)

    @property
    def complete(self) -> bool:
        return self.n_missing == 0

    def __str__(self) -> str:
        lines = [
            f"{len(self.orbits)} sign-flip orbits among {self.n_points} points: {len(self.incomplete)} incomplete, "
            f"{self.n_missing} images missing (match tolerance {self.tol:g}, zero tolerance {self.rtol:g})"
        ]
        lines += [f"  orbit of points {list(o.members)}: {len(o.missing)} of {o.size} images missing" for o in self.incomplete]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_points": self.n_points,
            "n_orbits": len(self.orbits),
            "n_incomplete": len(self.incomplete),
            "n_missing": self.n_missing,
            "tol": self.tol,
            "rtol": self.rtol,
            "incomplete": [
                {"members": list(o.members), "size": o.size,
                 "missing": [[[z.real, z.imag] for z in image] for image in o.missing.astype(complex)]}
                for o in self.incomplete
            ],
        }


def _matches(tree: cKDTree, points: np.ndarray, images: np.ndarray, tol: float) -> tuple[list[int], np.ndarray]:
    """Distinct points matching the images, and the images left unmatched.

    Whether an image and a point are the same point is decided by
    :func:`~linnet_crit.points.match_rows`; the tree only narrows the candidates.
    Its radius bounds every coordinate gap that test accepts: |a − b| ≤ tol·(|a| + |b| + floor)
    with |b| ≤ |a| + |a − b| gives |a − b| ≤ 3·tol·(1 + ‖a‖∞) for tol ≤ 1/3, and the real and
    imaginary gaps are at most the complex one.
    """
    radius = 3 * tol * (1.0 + np.abs(images).max(axis=1, initial=0.0))
    # one tree query for the whole orbit
    near = tree.query_ball_point(np.hstack([images.real, images.imag]), radius, p=np.inf)
    found: dict[int, None] = {}  # ordered set
    missing = []
    for image, hits in zip(images, near):
        candidates = [j for j in sorted(hits) if j not in found]
        same = match_rows(points[candidates], image[None, :], tol) if candidates else np.zeros(0, dtype=bool)
        # an image whose every match is already taken has no distinct match
        if same.any():
            found[candidates[int(np.argmax(same))]] = None
        else:
            missing.append(image)
    return list(found), np.array(missing).reshape(len(missing), images.shape[1])


def orbit_completeness(
    points: np.ndarray,
    arch: Architecture,
    tol: float = SAME_POINT,
    rtol: float = DEFAULT_ZERO_TOL,
) -> OrbitReport:
    """Group points into sign-flip orbits and list every orbit member that is not among them.

    Parameters
    ----------
    points : (n, N) array
        Critical points, e.g. ``SolveResult.solutions``.
    arch : Architecture
    tol : float
        An image matches a point when they are the same point under
        :func:`~linnet_crit.points.match_rows` (every coordinate agrees to ``tol``,
        relative to its own size); at most 1/3.
    rtol : float
        Zero tolerance deciding the alive neurons (see :func:`zero_pattern`).

    Examples
    --------
    >>> arch = Architecture((1, 2, 1))
    >>> pts = np.array([[0.0, 0.7, 0.0, -1.2], [0.0, -0.7, 0.0, 1.2], [0.5, 0.0, 0.3, 0.0]])
    >>> report = orbit_completeness(pts, arch)
    >>> len(report.orbits), report.n_missing, report.incomplete[0].missing
    (2, 1, array([[-0.5,  0. , -0.3,  0. ]]))
    """
    points = np.asarray(points)
    if points.ndim != 2 or points.shape[1] != arch.n_unknowns:
        raise DataError(f"points must be an (n, {arch.n_unknowns}) array for widths {arch}, got shape {points.shape}")
    if not 0 <= tol <= 1 / 3:
        raise DataError(f"tol = {tol!r}: the matching tolerance must be a number in [0, 1/3], e.g. 1e-6")
    from scipy.spatial import cKDTree  # lazy: start-up

    tree = cKDTree(np.hstack([points.real, points.imag]))
    assigned = np.zeros(len(points), dtype=bool)
    orbits = []
    for j in range(len(points)):
        if assigned[j]:
            continue
        images = sign_orbit(points[j], arch, rtol)
        found, missing = _matches(tree, points, images, tol)
        assigned[found] = True
        orbits.append(Orbit(tuple(sorted(found)), len(images), missing))
    return OrbitReport(tuple(orbits), len(points), float(tol), float(rtol))
