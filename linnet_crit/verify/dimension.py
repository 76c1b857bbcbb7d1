"""Positive-dimensional critical sets, the numeric route: the Jacobian's nullity and the local
dimension (slice test of :mod:`linnet_crit.numeric.local_dimension`) at found points.

At a point of a d-dimensional component of the critical set the Jacobian of F (the Hessian of the
loss) has a kernel of dimension at least d: the tangent space of the component. With generic
Hadamard Λ every critical point is isolated and nonsingular, so the nullity is 0 everywhere. With
a scalar λ and a hidden width ≥ 2 the O(d_i) symmetry of the hidden layer survives, and with Λ = 0
the rescalings W_i ↦ t W_i, W_{i+1} ↦ W_{i+1} / t do: the critical set is then positive-dimensional.

The nullity is only an upper bound on the local dimension (an isolated singular point also has a
kernel), so the local dimension is decided by the slice test, which the continuation route uses
too (one home for the test).
"""

from __future__ import annotations

import numpy as np

from ..data import Instance
from ..errors import PositiveDimensionalError
from ..numeric.evaluate import Parameters, gradient_and_jacobian
from ..numeric.local_dimension import instance_system
from ..numeric.local_dimension import local_dimension as _slice_dimension

__all__ = ["local_dimension", "jacobian_nullities", "check_isolated"]


def jacobian_nullities(instance: Instance, points: np.ndarray, *, rtol: float = 1e-8) -> np.ndarray:
    """Nullity of the Jacobian at each point: singular values ≤ ``rtol`` · the largest one.

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> inst = random_instance((1, 1, 1), seed=0)
    >>> jacobian_nullities(inst, np.zeros((1, 2))).tolist()
    [0]
    """
    points = np.atleast_2d(np.asarray(points, dtype=complex))
    _, J = gradient_and_jacobian(instance.architecture, points, Parameters.of(instance))
    sigma = np.linalg.svd(J, compute_uv=False)
    largest = sigma[:, :1]
    # A zero Jacobian has a full kernel; the threshold then is 0 and every σ counts.
    return np.sum(sigma <= rtol * largest, axis=1)


def local_dimension(instance: Instance, point: np.ndarray, *, rtol: float = 1e-8, seed: int = 0) -> int:
    """Estimated local dimension of the critical set at ``point`` by the slice test.

    The point must be accurate (a Newton-refined critical point): its Jacobian's kernel (relative
    singular values ≤ ``rtol``) gives the directions the slice test tries.

    Examples
    --------
    >>> from linnet_crit import Architecture, Instance
    >>> arch = Architecture((1, 1, 1))   # Λ = 0: the curve a·b = y/x of critical points
    >>> inst = Instance(arch, X=[[1.0]], Y=[[2.0]], lambdas=[[[0.0]], [[0.0]]], regularization="none")
    >>> local_dimension(inst, np.array([1.0, 2.0]))
    1
    """
    return _slice_dimension(instance_system(instance), np.asarray(point), np.random.default_rng(seed), kernel=rtol)


def check_isolated(instance: Instance, points: np.ndarray, *, rtol: float = 1e-8) -> None:
    """Raise :class:`PositiveDimensionalError` if any point lies on a positive-dimensional component.

    Points whose Jacobian has a kernel get the slice test (an isolated point of multiplicity > 1
    has a kernel too and passes). The error carries the largest local dimension found as its
    ``dimension`` and names the point.

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> check_isolated(random_instance((2, 2, 2), seed=0), np.zeros((1, 8)))  # the origin: fine
    """
    points = np.atleast_2d(np.asarray(points, dtype=complex))
    if points.shape[0] == 0:
        return
    nullities = jacobian_nullities(instance, points, rtol=rtol)
    dims = np.array([local_dimension(instance, p, rtol=rtol) if k else 0 for p, k in zip(points, nullities)])
    worst = int(np.argmax(dims))
    if dims[worst] > 0:
        raise PositiveDimensionalError(
            f"critical point {worst} of {points.shape[0]} lies on a component of local dimension "
            f"{int(dims[worst])} (slice test; Jacobian kernel of dimension {int(nullities[worst])} at relative "
            f"threshold {rtol:g}): the critical set is positive-dimensional there ({instance.regularization} "
            "regularization); use generic Λ (regularization='generic') to make every critical point isolated",
            int(dims[worst]),
        )
