"""F(W) = ∇L(W), its Jacobian (the Hessian of L) and its parameter derivatives, for batches of points.

Points are flat complex vectors in the order of :meth:`Architecture.variable_names`, batched as
``(P, N)``. Everything is built from matrix products of the layer weights:

    F_i = U_iᵀ (W Σxx − Σyx) V_iᵀ + Λ_i ∘ W_i,   U_i = W_{H+1}⋯W_{i+1},  V_i = W_{i−1}⋯W_1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..architecture import Architecture
from ..data import Instance

__all__ = [
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

    @staticmethod
    def line(start: Parameters, target: Parameters, t: np.ndarray) -> tuple[Parameters, Parameters]:
        """Points ``(1−t)·start + t·target`` for each t and the derivative d/dt.

        X and Y are interpolated, not Σxx and Σyx: a straight line in Σxx leaves the rank-m family
        when m < dx and changes the count.
        """
        t = np.asarray(t, dtype=float)[:, None, None]
        pairs = list(zip(start.arrays(), target.arrays()))
        return (
            Parameters.from_arrays([a + t * (b - a) for a, b in pairs]),
            Parameters.from_arrays([b - a for a, b in pairs]),
        )

    @property
    def sigma_xx(self) -> np.ndarray:
        return self.X @ _T(self.X)

    @property
    def sigma_yx(self) -> np.ndarray:
        return self.Y @ _T(self.X)


def _T(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


def _eye(n: int, dtype=complex) -> np.ndarray:
    return np.eye(n, dtype=dtype)[None]


class _Products:
    """Prefix and suffix products of the layer weights of a batch."""

    def __init__(self, arch: Architecture, x: np.ndarray) -> None:
        self.weights = arch.split(np.asarray(x, dtype=complex))
        L = arch.n_layers
        self.prefix = [_eye(arch.dx)]  # prefix[k] = W_{k-1}⋯W_0 (0-based layers)
        for w in self.weights:
            self.prefix.append(w @ self.prefix[-1])
        self.suffix = [_eye(arch.dy)] * (L + 1)  # suffix[k] = W_{L-1}⋯W_k
        for k in range(L - 1, -1, -1):
            self.suffix[k] = self.suffix[k + 1] @ self.weights[k]

    @property
    def product(self) -> np.ndarray:
        return self.prefix[-1]

    def U(self, layer: int) -> np.ndarray:
        return self.suffix[layer + 1]

    def V(self, layer: int) -> np.ndarray:
        return self.prefix[layer]

    def between(self, high: int, low: int) -> np.ndarray:
        """W_{high-1}⋯W_{low+1} (identity when high = low + 1)."""
        out = _eye(self.weights[low].shape[-2])
        for k in range(low + 1, high):
            out = self.weights[k] @ out
        return out


def _residual(P: _Products, params: Parameters) -> np.ndarray:
    return P.product @ params.sigma_xx - params.sigma_yx


def _gradient_blocks(arch: Architecture, P: _Products, params: Parameters) -> list[np.ndarray]:
    E = _residual(P, params)
    return [
        _T(P.U(l)) @ E @ _T(P.V(l)) + params.lambdas[l] * P.weights[l] for l in range(arch.n_layers)
    ]


def _flatten(blocks: list[np.ndarray]) -> np.ndarray:
    lead = np.broadcast_shapes(*(b.shape[:-2] for b in blocks))
    return np.concatenate([np.broadcast_to(b, lead + b.shape[-2:]).reshape(*lead, -1) for b in blocks], axis=-1)


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
    x = np.atleast_2d(x)
    return _flatten(_gradient_blocks(arch, _Products(arch, x), params))


def gradient_and_jacobian(
    arch: Architecture, x: np.ndarray, params: Parameters
) -> tuple[np.ndarray, np.ndarray]:
    """F ``(P, N)`` and its Jacobian ∂F/∂W ``(P, N, N)`` (= the Hessian of the loss)."""
    x = np.atleast_2d(x)
    if len(x) <= _CHUNK:
        return _gradient_and_jacobian(arch, _Products(arch, x), params)
    # Large batches go in chunks whose block temporaries stay in cache (about 2x faster at 10⁴ points).
    F = np.empty(x.shape, dtype=complex)
    J = np.empty((len(x), arch.n_unknowns, arch.n_unknowns), dtype=complex)
    for start in range(0, len(x), _CHUNK):
        part = slice(start, start + _CHUNK)
        F[part], J[part] = _gradient_and_jacobian(arch, _Products(arch, x[part]), params.select(np.arange(len(x))[part]))
    return F, J


#: Points per chunk of a large batch.
_CHUNK = 512


def _gradient_and_jacobian(arch: Architecture, P: _Products, params: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """F and J, J filled block by block from the layer products.

    J is the Hessian of the (polynomial) loss, hence symmetric: only the blocks (l, j) with
    j ≥ l are computed; the others are their transposes. Block (l, j), rows (a, b) of W_l and
    columns (c, d) of W_j, is ``(U_lᵀU_j)[a,c] (V_j Σxx V_lᵀ)[d,b]`` plus, for j > l, the
    second-derivative term ``M[d,a] (U_jᵀ E V_lᵀ)[c,b]`` with M = W_{j−1}⋯W_{l+1}.
    """
    E = _residual(P, params)
    sxx = params.sigma_xx
    F = _flatten(_gradient_blocks(arch, P, params))
    n_points = P.weights[0].shape[0]
    L = arch.n_layers
    Ut = [_T(P.U(l)) for l in range(L)]
    VS = [P.V(l) @ sxx for l in range(L)]
    UtE = [Ut[l] @ E for l in range(L)]
    J = np.empty((n_points, arch.n_unknowns, arch.n_unknowns), dtype=complex)
    for l in range(L):
        rl, cl = arch.shapes[l]
        Vlt = _T(P.V(l))
        rows = slice(arch.offsets[l], arch.offsets[l + 1])
        for j in range(l, L):
            rj, cj = arch.shapes[j]
            cols = slice(arch.offsets[j], arch.offsets[j + 1])
            A = Ut[l] @ P.U(j)  # (rl, rj): a, c
            Bt = _T(VS[j] @ Vlt)  # (cl, cj): b, d
            block = A[:, :, None, :, None] * Bt[:, None, :, None, :]
            if j > l:
                M = P.between(j, l)  # (cj, rl): d, a
                Gt = _T(UtE[j] @ Vlt)  # (cl, rj): b, c
                block = block + _T(M)[:, :, None, None, :] * Gt[:, None, :, :, None]
            block = np.broadcast_to(block, (n_points, rl, cl, rj, cj)).reshape(n_points, rl * cl, rj * cj)
            J[:, rows, cols] = block
            if j > l:
                J[:, cols, rows] = np.swapaxes(block, 1, 2)
        diag = np.arange(arch.offsets[l], arch.offsets[l + 1])
        J[:, diag, diag] += np.broadcast_to(params.lambdas[l], (n_points, rl, cl)).reshape(n_points, -1)
    return F, J


def _parameter_derivative(arch: Architecture, P: _Products, params: Parameters, tangent: Parameters) -> np.ndarray:
    dX, dY, X, Y = tangent.X, tangent.Y, params.X, params.Y
    d_sxx = dX @ _T(X) + X @ _T(dX)
    d_syx = dY @ _T(X) + Y @ _T(dX)
    dE = P.product @ d_sxx - d_syx
    blocks = [
        _T(P.U(l)) @ dE @ _T(P.V(l)) + tangent.lambdas[l] * P.weights[l] for l in range(arch.n_layers)
    ]
    return _flatten(blocks)


def parameter_derivative(
    arch: Architecture, x: np.ndarray, params: Parameters, tangent: Parameters
) -> np.ndarray:
    """Directional derivative of F in parameter space: ``d/ds F(x; params + s·tangent)`` at s = 0."""
    return _parameter_derivative(arch, _Products(arch, np.atleast_2d(x)), params, tangent)


def jacobian_and_parameter_derivative(
    arch: Architecture, x: np.ndarray, params: Parameters, tangent: Parameters
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F, ∂F/∂W and the parameter derivative along ``tangent``, sharing one set of layer products
    (what a path tracker's predictor needs at every stage)."""
    x = np.atleast_2d(x)
    P = _Products(arch, x)
    F, J = _gradient_and_jacobian(arch, P, params)
    return F, J, _parameter_derivative(arch, P, params, tangent)


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
    x = np.atleast_2d(x)
    P = _Products(arch, x)
    misfit = P.product @ params.X - params.Y
    data = 0.5 * np.sum(misfit**2, axis=(-2, -1))
    reg = sum(0.5 * np.sum(lam * w**2, axis=(-2, -1)) for lam, w in zip(params.lambdas, P.weights))
    return data + reg
