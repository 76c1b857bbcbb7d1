"""Interval certification of numeric critical points (Krawczyk test in python-flint's acb).

Each numeric point is refined by three Newton steps to x̃; a box X (a rectangle of half-width r
around x̃ in the real and in the imaginary part of every coordinate, large enough to contain the
input point too) is proved to hold exactly one solution of F = 0 when the Krawczyk operator

    K(X) = x̃ − Y F(x̃) + (I − Y J(X)) (X − x̃),    Y ≈ J(x̃)⁻¹ (any matrix),

lies in the interior of X (Krawczyk 1969; Rump, Acta Numerica 2010, Thm 13.1 — for holomorphic F
the mean-value argument holds in complex rectangles, which are convex). F(x̃) and J(X) are
enclosed in ball arithmetic from the layer-product formulas of
:mod:`linnet_crit.numeric.evaluate` (products of acb matrices, never an expanded polynomial). Data
given as floats are exact binary numbers, so the enclosures are of the instance's own system.

Distinctness: certified boxes that overlap (transitively) count once, so ``ndistinct_certified``
— the number of connected components of the overlap graph — is a proven lower bound on the number
of distinct solutions. Realness: for real data the solution set is closed under conjugation, so the
unique solution in a box centred on a real point (hence conjugation-symmetric) is real; a box
whose imaginary part excludes 0 in some coordinate holds a non-real solution.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..architecture import Architecture
from ..data import Instance
from ..numeric.evaluate import Parameters, gradient_and_jacobian
from ..results import DEFAULT_REAL_TOL

__all__ = ["PointCertificate", "CertificationResult", "certify"]

#: Working precision (bits) of the ball arithmetic: double-double, so rounding in F(x̃) is far
#: below the Newton step of a double-precision point.
PRECISION = 106
#: Radii tried, as multiples of the first one (which is 4 × the Newton step, at least 2⁻⁴⁴·scale).
_RADIUS_FACTORS = tuple(32.0**k for k in range(7))
#: Largest radius tried, relative to max(1, ‖x̃‖∞): beyond it a box says little about the point.
_MAX_RELATIVE_RADIUS = 1e-3
#: arb stores radii rounded up (30-bit mantissa), so float comparisons use radii inflated by this.
_RADIUS_SLACK = 1 + 1e-6


@dataclass(frozen=True)
class PointCertificate:
    """The outcome for one input point.

    ``center`` is the centre of the certified box (the refined point), ``radius`` the half-width
    of the box in the real and imaginary part of every coordinate (NaN when not certified); the box
    contains the input point as well as its centre.
    ``duplicate_of`` is the first point whose box overlaps this one's (directly or through others).
    """

    index: int
    certified: bool
    real_certified: bool
    nonreal_certified: bool
    radius: float
    center: np.ndarray
    duplicate_of: int | None = None


@dataclass(frozen=True, eq=False)
class CertificationResult:
    """Certificates of a list of points; the counts are proven (see the module docstring).

    The counts carry the names of HomotopyContinuation.jl's ``CertificationResult`` accessors
    (``ncertified``, ``ndistinct_certified``, ``ndistinct_real_certified``), as does the hc
    backend's :class:`~linnet_crit.solvers.hc.Certification`.
    """

    points: tuple[PointCertificate, ...]
    precision: int
    seconds: float

    @property
    def n_points(self) -> int:
        return len(self.points)

    @property
    def ncertified(self) -> int:
        return sum(p.certified for p in self.points)

    @property
    def ndistinct_real_certified(self) -> int:
        """Certified points whose solution is proved real (counted once per distinct box group)."""
        return sum(p.certified and p.real_certified and p.duplicate_of is None for p in self.points)

    @property
    def ndistinct_certified(self) -> int:
        """Proven lower bound on the number of distinct solutions: groups of overlapping boxes."""
        return sum(p.certified and p.duplicate_of is None for p in self.points)

    @property
    def failed(self) -> tuple[int, ...]:
        """Indices of the points that could not be certified."""
        return tuple(p.index for p in self.points if not p.certified)

    def to_dict(self) -> dict[str, Any]:
        """The counts (HC.jl's names), the failed points and each certified box's radius."""
        return {
            "n_points": self.n_points,
            "ncertified": self.ncertified,
            "ndistinct_certified": self.ndistinct_certified,
            "ndistinct_real_certified": self.ndistinct_real_certified,
            "failed": list(self.failed),
            "precision": self.precision,
            "seconds": self.seconds,
            "points": [
                {"index": p.index, "certified": p.certified, "real_certified": p.real_certified,
                 "nonreal_certified": p.nonreal_certified, "radius": p.radius, "duplicate_of": p.duplicate_of}
                for p in self.points
            ],
        }

    def __str__(self) -> str:
        return (
            f"{self.ncertified} of {self.n_points} points certified ({self.ndistinct_certified} distinct, "
            f"{self.ndistinct_real_certified} real), failed: {list(self.failed)}; {self.seconds:.2f} s"
        )


# --- ball arithmetic on the layer products -----------------------------------------------------
def _acb_matrix(entries):
    from flint import acb_mat

    return acb_mat([list(row) for row in entries])


def _exact_matrix(a: np.ndarray):
    from flint import acb

    return _acb_matrix([[acb(complex(v)) for v in row] for row in np.asarray(a)])


def _identity(n: int):
    from flint import acb_mat

    return acb_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])


def _box_entries(center: np.ndarray, radius: float) -> list:
    from flint import acb, arb

    return [acb(arb(float(c.real), radius), arb(float(c.imag), radius)) for c in center]


class _BallProducts:
    """Prefix and suffix products of the weights, as acb matrices (mirrors numeric.evaluate)."""

    def __init__(self, arch: Architecture, entries: list) -> None:
        self.weights = [
            _acb_matrix([entries[off + r * cols : off + (r + 1) * cols] for r in range(rows)])
            for off, (rows, cols) in zip(arch.offsets, arch.shapes)
        ]
        L = arch.n_layers
        self.prefix = [_identity(arch.dx)]  # prefix[k] = W_{k-1}⋯W_0 (0-based layers)
        for w in self.weights:
            self.prefix.append(w * self.prefix[-1])
        self.suffix = [_identity(arch.dy)] * (L + 1)  # suffix[k] = W_{L-1}⋯W_k
        for k in range(L - 1, -1, -1):
            self.suffix[k] = self.suffix[k + 1] * self.weights[k]

    def U(self, layer: int):
        return self.suffix[layer + 1]

    def V(self, layer: int):
        return self.prefix[layer]

    def between(self, high: int, low: int):
        """W_{high-1}⋯W_{low+1} (identity when high = low + 1)."""
        out = _identity(self.weights[low].nrows())
        for k in range(low + 1, high):
            out = self.weights[k] * out
        return out


@dataclass(frozen=True, eq=False)
class _BallData:
    sigma_xx: object
    sigma_yx: object
    lambdas: tuple


def _ball_data(instance: Instance) -> _BallData:
    X, Y = _exact_matrix(instance.X), _exact_matrix(instance.Y)
    return _BallData(X * X.transpose(), Y * X.transpose(), tuple(_exact_matrix(lam) for lam in instance.lambdas))


def _ball_gradient(arch: Architecture, P: _BallProducts, data: _BallData) -> list:
    E = P.prefix[-1] * data.sigma_xx - data.sigma_yx
    values = []
    for l, (rows, cols) in enumerate(arch.shapes):
        block = P.U(l).transpose() * E * P.V(l).transpose()
        values += [block[a, b] + data.lambdas[l][a, b] * P.weights[l][a, b] for a in range(rows) for b in range(cols)]
    return values


def _ball_jacobian(arch: Architecture, P: _BallProducts, data: _BallData) -> list[list]:
    """∂F/∂W over the box, block by block as in numeric.evaluate.gradient_and_jacobian."""
    from flint import acb

    n = arch.n_unknowns
    J = [[acb(0)] * n for _ in range(n)]
    E = P.prefix[-1] * data.sigma_xx - data.sigma_yx
    for l, (rl, cl) in enumerate(arch.shapes):
        Ul, Vl = P.U(l), P.V(l)
        for j, (rj, cj) in enumerate(arch.shapes):
            A = Ul.transpose() * P.U(j)  # a, c
            B = P.V(j) * data.sigma_xx * Vl.transpose()  # d, b
            if j > l:
                M, G = P.between(j, l), P.U(j).transpose() * E * Vl.transpose()  # (d, a), (c, b)
            elif j < l:
                K, C = Ul.transpose() * E * P.V(j).transpose(), P.between(l, j)  # (a, d), (b, c)
            for a in range(rl):
                for b in range(cl):
                    row = J[arch.offsets[l] + a * cl + b]
                    for c in range(rj):
                        for d in range(cj):
                            value = A[a, c] * B[d, b]
                            if j > l:
                                value += M[d, a] * G[c, b]
                            elif j < l:
                                value += K[a, d] * C[b, c]
                            row[arch.offsets[j] + c * cj + d] = value
        for a in range(rl):
            for b in range(cl):
                k = arch.offsets[l] + a * cl + b
                J[k][k] += data.lambdas[l][a, b]
    return J


# --- the Krawczyk test ----------------------------------------------------------------------
def _krawczyk(arch: Architecture, data: _BallData, center: np.ndarray, Y: np.ndarray, radius: float) -> bool:
    from flint import acb, acb_mat, arb

    n = arch.n_unknowns
    box = _box_entries(center, radius)
    F = acb_mat(n, 1, _ball_gradient(arch, _BallProducts(arch, _box_entries(center, 0.0)), data))
    J = _acb_matrix(_ball_jacobian(arch, _BallProducts(arch, box), data))
    Yb = _exact_matrix(Y)
    offsets = acb_mat(n, 1, [acb(arb(0, radius), arb(0, radius))] * n)
    K = _exact_matrix(center[:, None]) - Yb * F + (_identity(n) - Yb * J) * offsets
    return all(box[i].contains_interior(K[i, 0]) for i in range(n))


def _newton(arch: Architecture, params: Parameters, x: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray, float]:
    """A few Newton steps; returns the point, an approximate inverse Jacobian and the last step size."""
    step = np.inf
    for _ in range(steps):
        F, J = gradient_and_jacobian(arch, x[None], params)
        try:
            delta = np.linalg.solve(J[0], F[0])
        except np.linalg.LinAlgError:
            return x, np.zeros_like(J[0]), np.inf
        x, step = x - delta, float(np.abs(delta).max())
    _, J = gradient_and_jacobian(arch, x[None], params)
    try:
        Y = np.linalg.inv(J[0])
    except np.linalg.LinAlgError:
        return x, np.zeros_like(J[0]), np.inf
    return x, Y, step


def _certify_at(arch, params, data, start: np.ndarray, point: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Refine ``start`` and try growing radii; the centre and radius of a certified box, or None.

    The box must contain the input ``point`` itself, so a certificate is about that point and not
    about wherever Newton's method went.
    """
    x, Y, step = _newton(arch, params, start, steps=3)
    if not np.all(np.isfinite(x)) or not np.isfinite(step):
        return None
    scale = max(1.0, float(np.abs(x).max()))
    offset = float(np.maximum(np.abs((x - point).real), np.abs((x - point).imag)).max())
    first = max(4.0 * step, 2.0**-44 * scale, 2.0 * offset)
    for factor in _RADIUS_FACTORS:
        radius = first * factor
        if radius > _MAX_RELATIVE_RADIUS * scale:
            break
        if _krawczyk(arch, data, x, Y, radius):
            return x, radius
    return None


def _certify_point(index: int, instance: Instance, params: Parameters, data: _BallData, x: np.ndarray) -> PointCertificate:
    arch = instance.architecture
    scale = max(1.0, float(np.abs(x).max()))
    if instance.is_real and np.abs(x.imag).max(initial=0.0) <= DEFAULT_REAL_TOL * scale:
        # A real centre makes the box conjugation-symmetric; with real data that proves realness.
        found = _certify_at(arch, params, data, x.real.astype(complex), x)
        if found is None:
            found = _certify_at(arch, params, data, x, x)
    else:
        found = _certify_at(arch, params, data, x, x)
    if found is None:
        return PointCertificate(index, False, False, False, float("nan"), x.astype(complex))
    center, radius = found
    nonreal = instance.is_real and bool(np.any(np.abs(center.imag) > radius * _RADIUS_SLACK))
    real = instance.is_real and not np.any(center.imag)
    return PointCertificate(index, True, real, nonreal, radius, center)


def _overlap_groups(points: list[PointCertificate]) -> list[PointCertificate]:
    """Mark each certified box that overlaps an earlier one (transitively) as its duplicate."""
    from dataclasses import replace

    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    certified = [p for p in points if p.certified]
    if len(certified) < 2:
        return points
    centers = np.array([p.center for p in certified])
    # Rounding in the comparison is pushed towards "overlap": distinctness is never overclaimed.
    radii = np.array([p.radius for p in certified]) * _RADIUS_SLACK
    rows, cols = [], []
    for i in range(len(certified)):
        gap = radii[i] + radii[i + 1 :, None]
        diff = centers[i + 1 :] - centers[i]
        hit = np.all((np.abs(diff.real) <= gap) & (np.abs(diff.imag) <= gap), axis=1)
        for k in np.flatnonzero(hit):
            rows.append(i)
            cols.append(i + 1 + int(k))
    if not rows:
        return points
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(certified),) * 2)
    _, labels = connected_components(graph, directed=False)
    first: dict[int, int] = {}
    marked = {}
    for p, label in zip(certified, labels):
        if label in first:
            marked[p.index] = replace(p, duplicate_of=first[label])
        else:
            first[label] = p.index
    return [marked.get(p.index, p) for p in points]


def certify(instance: Instance, points: np.ndarray) -> CertificationResult:
    """Prove that each numeric point approximates exactly one critical point, all distinct.

    Parameters
    ----------
    instance : Instance
        The data of the gradient system (real or complex).
    points : array (n, N)
        Approximate critical points in the architecture's variable order.

    Returns
    -------
    CertificationResult
        Per point: certified, real_certified, radius; overall ncertified, ndistinct_real_certified,
        ndistinct_certified (a proven lower bound on the number of distinct solutions).

    Examples
    --------
    >>> from linnet_crit import Architecture, random_instance
    >>> inst = random_instance(Architecture((1, 1, 1)), seed=0)
    >>> result = certify(inst, np.zeros((1, 2)))
    >>> result.ncertified, result.ndistinct_real_certified
    (1, 1)
    """
    from flint import ctx

    start = time.perf_counter()
    arch = instance.architecture
    points = np.atleast_2d(np.asarray(points, dtype=complex))
    if points.shape[-1] != arch.n_unknowns:
        arch.split(points)  # raises the ArchitectureError naming the mismatch
    params = Parameters.of(instance)
    with ctx.workprec(PRECISION):
        data = _ball_data(instance)
        certificates = [_certify_point(i, instance, params, data, x) for i, x in enumerate(points)]
    certificates = _overlap_groups(certificates)
    return CertificationResult(tuple(certificates), PRECISION, time.perf_counter() - start)
