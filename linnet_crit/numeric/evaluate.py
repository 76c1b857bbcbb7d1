"""F(W) = ∇L(W), its Jacobian (the Hessian of L) and its parameter derivatives, for batches of points.

Points are flat complex vectors in the order of :meth:`Architecture.variable_names`, batched as
``(P, N)``. Everything is built from matrix products of the layer weights:

    F_i = U_iᵀ (W Σxx − Σyx) V_iᵀ + Λ_i ∘ W_i,   U_i = W_{H+1}⋯W_{i+1},  V_i = W_{i−1}⋯W_1.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ..architecture import Architecture
from ..data import Instance

__all__ = [
    "ParameterSegment",
    "Parameters",
    "gradient",
    "gradient_and_jacobian",
    "jacobian_and_parameter_derivative",
    "loss",
    "parameter_derivative",
    "parameter_jacobian",
]


@dataclass(frozen=True, eq=False)
class Parameters:
    """Batched parameters: X ``(B, dx, m)``, Y ``(B, dy, m)``, Λ_i ``(B, d_i, d_{i-1})``; B is 1 or P."""

    X: np.ndarray
    Y: np.ndarray
    lambdas: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, instance: Instance) -> Parameters:
        return cls(instance.X[None], instance.Y[None], tuple(lam[None] for lam in instance.lambdas))

    @classmethod
    def stack(cls, instances: list[Instance]) -> Parameters:
        """One parameter point per instance, batched along the first axis."""
        return cls(
            np.stack([inst.X for inst in instances]).astype(complex),
            np.stack([inst.Y for inst in instances]).astype(complex),
            tuple(np.stack(lams).astype(complex) for lams in zip(*(inst.lambdas for inst in instances))),
        )

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (self.X, self.Y, *self.lambdas)

    @classmethod
    def from_arrays(cls, arrays) -> Parameters:
        return cls(arrays[0], arrays[1], tuple(arrays[2:]))

    def select(self, index: np.ndarray) -> Parameters:
        """The parameter points of the paths ``index`` (a batch of one is shared by all paths)."""
        # each array is shared (leading size 1) or per path, independently of the others
        return Parameters.from_arrays([a if a.shape[0] == 1 else a[index] for a in self.arrays()])


@dataclass(frozen=True, eq=False)
class ParameterSegment:
    """The complex line ``start + s·(target − start)`` through two parameter points, s one per path.

    The one home of parameter interpolation: straight homotopies and the endgame's complex paths
    evaluate :meth:`point`, and the monodromy's arcs combine two segments' ``start``, ``step`` and
    ``moving`` (:class:`~linnet_crit.solvers.native.homotopies.ParameterArc`). The difference is
    taken once, not at every evaluation; an array
    that does not move (X and Y in monodromy, where only Λ moves) stays the start's array, shared,
    with a zero tangent, so :func:`parameter_derivative` skips the data terms (measured: 12 % of a
    cold 1,4,4 solve). X and Y are interpolated, never Σxx and Σyx: a straight line in Σxx leaves
    the rank-m family when m < dx and changes the count.
    """

    start: Parameters
    step: Parameters
    moving: tuple[bool, ...]

    @classmethod
    def between(cls, start: Parameters, target: Parameters) -> ParameterSegment:
        steps = [b - a for a, b in zip(start.arrays(), target.arrays())]
        moving = tuple(bool(d.any()) for d in steps)
        # a fixed array's tangent is one shared zero block, whatever the batch
        steps = [d if m else np.zeros_like(d[:1]) for d, m in zip(steps, moving)]
        return cls(start, Parameters.from_arrays(steps), moving)

    def select(self, index: np.ndarray) -> ParameterSegment:
        """The segments of the paths ``index`` only."""
        return ParameterSegment(self.start.select(index), self.step.select(index), self.moving)

    def point(self, s: np.ndarray) -> Parameters:
        """The parameter point at ``s`` (real or complex, one per path)."""
        s = np.asarray(s)[:, None, None]
        return Parameters.from_arrays([a + s * d if m else a
                                       for a, d, m in zip(self.start.arrays(), self.step.arrays(), self.moving)])

    def tangent(self) -> Parameters:
        """d/ds of the point: the step target − start (a shared zero block for the arrays it does not move)."""
        return self.step



# Internally points sit on the *last* axis: a batch of r×c matrices is ``(r, c, P)``. The batched
# products are then a few vectorized multiply-adds over contiguous point rows instead of P tiny
# matrix products (measured 2x faster on 10⁴ points of widths 3,3,3,3, and no slower on small batches).


def _points_last(a: np.ndarray) -> np.ndarray:
    return a.transpose(1, 2, 0)


#: ids of the identities made by _eye; they are cached for the life of the process, so an id
#: is never reused. A set look-up, because it runs tens of times per evaluation and small
#: batches are dominated by such per-call costs.
_EYE_IDS: set[int] = set()


@functools.cache
def _eye(n: int) -> np.ndarray:
    """The identity shared by all points; one read-only object per size, so products can skip it."""
    eye = np.eye(n, dtype=complex)[:, :, None]
    eye.flags.writeable = False
    _EYE_IDS.add(id(eye))
    return eye


def _t(a: np.ndarray) -> np.ndarray:
    return a if id(a) in _EYE_IDS else a.swapaxes(0, 1)


#: Up to this inner dimension the multiply-adds are spelled out (fewest calls on small batches).
_UNROLL_MAX = 3
#: Above this inner dimension numpy's matmul beats the unrolled multiply-adds of einsum.
_EINSUM_MAX = 8


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for each point: ``(r, k, P)`` times ``(k, c, P)``, point axes of size 1 broadcast.

    Which kernel runs depends on the shapes of the matrices only, never on the number of points,
    so a path's arithmetic is the same in any batch (results do not depend on how a solve is split).
    """
    # identity checks inline, fewest temporaries: on the small batches of a warm solve an
    # evaluation (some fifty products) is dominated by per-call costs
    if id(a) in _EYE_IDS:
        return b
    if id(b) in _EYE_IDS:
        return a
    inner = a.shape[1]
    if inner == 1:  # (r, 1, P) times (1, c, P) is a broadcast product
        return a * b
    if inner <= _UNROLL_MAX:
        out = a[:, 0, None] * b[0]
        for k in range(1, inner):
            out += a[:, k, None] * b[k]
        return out
    if inner <= _EINSUM_MAX:
        return np.einsum("ak...,kc...->ac...", a, b)
    return np.matmul(np.moveaxis(a, -1, 0), np.moveaxis(b, -1, 0)).transpose(1, 2, 0)


@dataclass(frozen=True, eq=False)
class _Data:
    """Parameters with the points last: X ``(dx, m, B)``, Y, Λ_i, Σxx ``(dx, dx, B)``, Σyx."""

    X: np.ndarray
    Y: np.ndarray
    lambdas: tuple[np.ndarray, ...]
    sigma_xx: np.ndarray
    sigma_yx: np.ndarray

    @classmethod
    def of(cls, params: Parameters) -> _Data:
        X, Y = _points_last(params.X), _points_last(params.Y)
        lambdas = tuple(_points_last(lam) for lam in params.lambdas)
        return cls(X, Y, lambdas, *_moments(params.X, params.Y, X, Y))


#: The last data whose moments were formed: (X, Y, Σxx, Σyx). Monodromy and the blackbox route
#: evaluate thousands of times at one fixed X, Y (only Λ moves), and forming Σxx, Σyx was a tenth
#: of an evaluation on small batches.
_LAST_MOMENTS: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None


def _moments(X: np.ndarray, Y: np.ndarray, X_last: np.ndarray, Y_last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Σxx and Σyx of ``X``, ``Y`` (points first; ``X_last``, ``Y_last`` the same, points last),
    reused when X and Y are the very arrays of the previous call and read-only, so they cannot
    have changed since."""
    global _LAST_MOMENTS
    last = _LAST_MOMENTS
    if last is not None and last[0] is X and last[1] is Y:
        return last[2], last[3]
    moments = _mm(X_last, _t(X_last)), _mm(Y_last, _t(X_last))
    if not (X.flags.writeable or Y.flags.writeable):
        _LAST_MOMENTS = (X, Y, *moments)
    return moments


class _Products:
    """Layer weights ``(r, c, P)`` of a batch and their prefix and suffix products."""

    def __init__(self, arch: Architecture, x: np.ndarray) -> None:
        columns = np.ascontiguousarray(np.asarray(x, dtype=complex).T)
        self.n_points = columns.shape[1]
        self.weights = [
            columns[a:b].reshape(*shape, self.n_points)
            for a, b, shape in zip(arch.offsets[:-1], arch.offsets[1:], arch.shapes)
        ]
        L = arch.n_layers
        self.prefix = [_eye(arch.dx)]  # prefix[k] = W_{k-1}⋯W_0 (0-based layers)
        for w in self.weights:
            self.prefix.append(_mm(w, self.prefix[-1]))
        self.suffix = [_eye(arch.dy)] * (L + 1)  # suffix[k] = W_{L-1}⋯W_k
        for k in range(L - 1, -1, -1):
            self.suffix[k] = _mm(self.suffix[k + 1], self.weights[k])

    @property
    def product(self) -> np.ndarray:
        return self.prefix[-1]

    def U(self, layer: int) -> np.ndarray:
        return self.suffix[layer + 1]

    def V(self, layer: int) -> np.ndarray:
        return self.prefix[layer]


def _residual(P: _Products, data: _Data) -> np.ndarray:
    return _mm(P.product, data.sigma_xx) - data.sigma_yx


def _left(arch: Architecture, P: _Products, M: np.ndarray) -> list[np.ndarray]:
    """U_lᵀ M for every layer l."""
    return [_mm(_t(P.U(l)), M) for l in range(arch.n_layers)]


def _blocks(arch: Architecture, P: _Products, left: list[np.ndarray], lambdas) -> list[np.ndarray]:
    """``U_lᵀ M V_lᵀ + Λ_l ∘ W_l`` per layer from ``left = _left(arch, P, M)``: the gradient for
    M = E, and its parameter derivative for M = dE and Λ the tangent's."""
    return [_mm(left[l], _t(P.V(l))) + lambdas[l] * P.weights[l] for l in range(arch.n_layers)]


def _broadcast(block: np.ndarray, n_points: int) -> np.ndarray:
    """A block shared by all points (point axis of size 1) repeated for each point."""
    return block if block.shape[-1] == n_points else np.broadcast_to(block, (*block.shape[:-1], n_points))


def _flatten(blocks: list[np.ndarray], n_points: int) -> np.ndarray:
    """Blocks ``(r, c, P or 1)`` → ``(P, N)`` in the variable order."""
    out = np.concatenate([_broadcast(b, n_points).reshape(-1, n_points) for b in blocks], axis=0)
    return np.ascontiguousarray(out.T)


def _prepare(arch: Architecture, x: np.ndarray, params: Parameters) -> tuple[_Products, _Data]:
    return _Products(arch, np.atleast_2d(x)), _Data.of(params)


def gradient(arch: Architecture, x: np.ndarray, params: Parameters) -> np.ndarray:
    """F at a batch of points: ``(P, N)`` complex in, ``(P, N)`` out.

    Examples
    --------
    >>> from linnet_crit import Architecture, random_instance
    >>> arch = Architecture((1, 1, 1))
    >>> inst = random_instance(arch, seed=0)
    >>> gradient(arch, np.zeros((1, 2)), Parameters.of(inst)).shape
    (1, 2)
    """
    P, data = _prepare(arch, x, params)
    return _flatten(_blocks(arch, P, _left(arch, P, _residual(P, data)), data.lambdas), P.n_points)


def gradient_and_jacobian(
    arch: Architecture, x: np.ndarray, params: Parameters
) -> tuple[np.ndarray, np.ndarray]:
    """F ``(P, N)`` and its Jacobian ∂F/∂W ``(P, N, N)`` (= the Hessian of the loss).

    The Jacobian is returned as a view with the point axis outermost in shape but innermost in
    memory (the layout it is computed in); copy it with ``np.ascontiguousarray`` if needed.
    """
    return _gradient_and_jacobian(arch, *_prepare(arch, x, params))


def _gradient_and_jacobian(arch: Architecture, P: _Products, data: _Data) -> tuple[np.ndarray, np.ndarray]:
    """F and J, J filled block by block from the layer products.

    J is the Hessian of the (polynomial) loss, hence symmetric: only the blocks (l, j) with
    j ≥ l are computed; the others are their transposes. Block (l, j), rows (a, b) of W_l and
    columns (c, d) of W_j, is ``(U_lᵀU_j)[a,c] (V_j Σxx V_lᵀ)[d,b]`` plus, for j > l, the
    second-derivative term ``M[d,a] (U_jᵀ E V_lᵀ)[c,b]`` with M = W_{j−1}⋯W_{l+1}.
    """
    L, n = arch.n_layers, P.n_points
    Ut = [_t(P.U(l)) for l in range(L)]
    UtE = _left(arch, P, _residual(P, data))
    F = _flatten(_blocks(arch, P, UtE, data.lambdas), n)
    VS = [_mm(P.V(l), data.sigma_xx) for l in range(L)]
    J = np.empty((arch.n_unknowns, arch.n_unknowns, n), dtype=complex)
    for l in range(L):
        rl, cl = arch.shapes[l]
        Vlt = _t(P.V(l))
        rows = slice(arch.offsets[l], arch.offsets[l + 1])
        M = _eye(rl)  # W_{j-1}⋯W_{l+1}
        for j in range(l, L):
            rj, cj = arch.shapes[j]
            cols = slice(arch.offsets[j], arch.offsets[j + 1])
            A = _mm(Ut[l], P.U(j))  # (rl, rj): a, c
            Bt = _t(_mm(VS[j], Vlt))  # (cl, cj): b, d
            # Written straight into J through a (a, b, c, d, point) view of the block: a
            # temporary reshaped into J cost three copies (measured 2x slower on widths 1,4,4).
            block = J[rows, cols]
            view = block.reshape(rl, cl, rj, cj, n)
            np.multiply(A[:, None, :, None], Bt[None, :, None, :], out=view)
            if j > l:
                M = M if j == l + 1 else _mm(P.weights[j - 1], M)  # (cj, rl): d, a
                Gt = _t(_mm(UtE[j], Vlt))  # (cl, rj): b, c
                view += _t(M)[:, None, None, :] * Gt[None, :, :, None]
                J[cols, rows] = _t(block)
        diag = np.arange(arch.offsets[l], arch.offsets[l + 1])
        J[diag, diag] += data.lambdas[l].reshape(rl * cl, -1)
    return F, J.transpose(2, 0, 1)


def _parameter_derivative(arch: Architecture, P: _Products, data: _Data, tangent: Parameters) -> np.ndarray:
    lambdas = [_points_last(lam) for lam in tangent.lambdas]
    if not (tangent.X.any() or tangent.Y.any()):  # only Λ moves (monodromy): dF = dΛ ∘ W
        return _flatten([lam * w for lam, w in zip(lambdas, P.weights)], P.n_points)
    dX, dY = _points_last(tangent.X), _points_last(tangent.Y)
    d_sxx = _mm(dX, _t(data.X)) + _mm(data.X, _t(dX))
    d_syx = _mm(dY, _t(data.X)) + _mm(data.Y, _t(dX))
    dE = _mm(P.product, d_sxx) - d_syx
    return _flatten(_blocks(arch, P, _left(arch, P, dE), lambdas), P.n_points)


def parameter_derivative(
    arch: Architecture, x: np.ndarray, params: Parameters, tangent: Parameters
) -> np.ndarray:
    """Directional derivative of F in parameter space: ``d/ds F(x; params + s·tangent)`` at s = 0."""
    return _parameter_derivative(arch, *_prepare(arch, x, params), tangent)


def jacobian_and_parameter_derivative(
    arch: Architecture, x: np.ndarray, params: Parameters, tangent: Parameters
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F, ∂F/∂W and the parameter derivative along ``tangent``, sharing one set of layer products
    (what a path tracker's predictor needs at every stage)."""
    P, data = _prepare(arch, x, params)
    F, J = _gradient_and_jacobian(arch, P, data)
    return F, J, _parameter_derivative(arch, P, data, tangent)


def parameter_jacobian(arch: Architecture, x: np.ndarray, instance: Instance) -> np.ndarray:
    """∂F/∂p ``(P, N, n_params)`` with p = :meth:`Instance.parameter_vector` (X, Y, Λ_1, …)."""
    x = np.atleast_2d(x)
    params = Parameters.of(instance)
    n_params = instance.parameter_vector().size
    columns = []
    for k in range(n_params):
        e = np.zeros(n_params, dtype=complex)
        e[k] = 1.0
        columns.append(parameter_derivative(arch, x, params, Parameters.of(instance.with_parameters(e))))
    return np.stack(columns, axis=-1)


def loss(arch: Architecture, x: np.ndarray, params: Parameters) -> np.ndarray:
    """½ Σ (W X − Y)² + ½ Σ Λ∘W∘W at each point (no complex conjugation: the polynomial loss)."""
    P, data = _prepare(arch, x, params)
    misfit = _mm(P.product, data.X) - data.Y
    total = 0.5 * np.sum(misfit**2, axis=(0, 1))
    for lam, w in zip(data.lambdas, P.weights):
        total = total + 0.5 * np.sum(lam * w**2, axis=(0, 1))
    return np.broadcast_to(total, (P.n_points,)).copy()
