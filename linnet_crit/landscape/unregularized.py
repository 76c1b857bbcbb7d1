"""One hidden layer without regularization: the Baldi–Hornik closed form of the critical points.

For ``L(W_1, W_2) = ½ Σ_k ‖W_2 W_1 x_k − y_k‖²`` let ``Σ = Σyx Σxx⁺ Σxy`` with eigenvalues
``σ_1 > σ_2 > … `` (distinct, as for generic data) and orthonormal eigenvectors ``u_i``. The real
critical points are exactly the factorizations with

    W_2 W_1 Σxx = P_I Σyx,   P_I = U_I U_Iᵀ,   I ⊆ {i : σ_i > 0},   |I| ≤ d_1

(Baldi & Hornik 1989 for full-rank W; Zhou & Liang 2018, Kawaguchi 2016 for every rank). When
Σxx is invertible this is ``W_2 W_1 = P_I Σyx Σxx⁻¹``. The loss there is
``½ tr Σyy − ½ Σ_{i∈I} σ_i``, so the global minima are ``I = {1, …, min(d_1, rank Σ)}``; every
other critical point is a saddle with a negative Hessian eigenvalue: **every local minimum is
global**. Each I gives a positive-dimensional family of points (W_1 ↦ C W_1, W_2 ↦ W_2 C⁻¹ and,
when |I| < d_1 or Σxx is singular, more), which is why the regularized counts of the engine need
generic Λ.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..classify.real import hessian
from ..data import Instance
from ..errors import ArchitectureError, DataError
from ..numeric.evaluate import Parameters, loss

__all__ = [
    "CriticalProduct",
    "UnregularizedCheck",
    "unregularized",
    "critical_products",
    "closed_form_point",
    "match_product",
    "balance",
    "check_unregularized",
]


def unregularized(instance: Instance) -> Instance:
    """The same architecture and data with Λ = 0 (``regularization="none"``).

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> unregularized(random_instance((2, 1, 2), samples=3, seed=0)).regularization
    'none'
    """
    arch = instance.architecture
    return Instance(arch, instance.X, instance.Y, [np.zeros(s) for s in arch.shapes], seed=instance.seed, regularization="none")


@dataclass(frozen=True, eq=False)
class CriticalProduct:
    """One critical value ``W = W_2 W_1`` of the unregularized one-hidden-layer loss.

    Attributes
    ----------
    subset : tuple of int
        I, 0-based positions in the eigenvalues of Σ sorted in decreasing order.
    eigenvalues : tuple of float
        σ_i for i in I.
    product : (dy, dx) float array
        ``P_I Σyx Σxx⁺`` (the minimum-norm product; any W with ``W Σxx = P_I Σyx`` is critical).
    loss : float
        ``½ tr Σyy − ½ Σ_{i∈I} σ_i``.
    global_minimum : bool
        I is the set of the ``min(d_1, rank Σ)`` largest eigenvalues.
    """

    subset: tuple[int, ...]
    eigenvalues: tuple[float, ...]
    product: np.ndarray
    loss: float
    global_minimum: bool

    @property
    def rank(self) -> int:
        return len(self.subset)


def _check_one_hidden_layer(instance: Instance) -> None:
    if instance.architecture.depth != 1:
        raise ArchitectureError(
            f"widths {instance.architecture}: the Baldi–Hornik closed form is for one hidden layer; "
            "give widths dx,d1,dy"
        )
    if not instance.is_real:
        raise DataError("the closed form needs real X and Y; give real data")


def _spectrum(instance: Instance, rtol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    sxx_pinv = np.linalg.pinv(instance.sigma_xx, rcond=1e-12)
    syx = instance.sigma_yx
    sigma = syx @ sxx_pinv @ syx.T
    values, vectors = np.linalg.eigh((sigma + sigma.T) / 2)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    rank = int(np.sum(values > rtol * max(1.0, float(values.max(initial=0.0)))))
    return values, vectors, sxx_pinv, rank


def critical_products(instance: Instance, *, rtol: float = 1e-10) -> tuple[CriticalProduct, ...]:
    """Every critical product ``P_I Σyx Σxx⁺`` of the unregularized loss, one per admissible I.

    Λ of ``instance`` is ignored. Needs one hidden layer and distinct positive eigenvalues of Σ.

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> products = critical_products(random_instance((2, 1, 2), samples=3, seed=0))
    >>> [p.subset for p in products], [p.global_minimum for p in products]
    ([(), (0,), (1,)], [False, True, False])
    """
    _check_one_hidden_layer(instance)
    values, vectors, sxx_pinv, rank = _spectrum(instance, rtol)
    top = values[:rank]
    if rank > 1 and np.min(-np.diff(top)) <= 1e-8 * top[0]:
        raise DataError(
            f"Σ = Σyx Σxx⁺ Σxy has repeated eigenvalues {top.tolist()}: the critical products form a "
            "continuum there; use generic (e.g. random float) data"
        )
    d1 = instance.architecture.hidden[0]
    k_global = min(d1, rank)
    half_trace_yy = 0.5 * float(np.sum(instance.Y * instance.Y))
    out = []
    for size in range(0, k_global + 1):
        for subset in itertools.combinations(range(rank), size):
            U = vectors[:, list(subset)]
            product = U @ U.T @ instance.sigma_yx @ sxx_pinv
            loss = half_trace_yy - 0.5 * float(np.sum(values[list(subset)]))
            out.append(
                CriticalProduct(
                    subset=subset,
                    eigenvalues=tuple(float(values[i]) for i in subset),
                    product=product,
                    loss=loss,
                    global_minimum=subset == tuple(range(k_global)),
                )
            )
    return tuple(out)


def closed_form_point(instance: Instance, product: CriticalProduct) -> np.ndarray:
    """A real critical point (flat, the package's variable order) with ``W_2 W_1`` = the product.

    ``W_2 = [U_I, 0]`` and ``W_1 = [U_Iᵀ Σyx Σxx⁺; 0]`` (hidden neurons beyond |I| dead).

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> from linnet_crit.numeric import Parameters, gradient
    >>> inst = random_instance((2, 2, 3), samples=4, seed=1)
    >>> zero = unregularized(inst)
    >>> points = [closed_form_point(inst, p) for p in critical_products(inst)]
    >>> bool(max(np.abs(gradient(zero.architecture, x, Parameters.of(zero))).max() for x in points) < 1e-10)
    True
    """
    _check_one_hidden_layer(instance)
    values, vectors, sxx_pinv, _ = _spectrum(instance, 1e-10)
    arch = instance.architecture
    (d1, dx), (dy, _) = arch.shapes
    U = vectors[:, list(product.subset)]
    W1 = np.zeros((d1, dx))
    W2 = np.zeros((dy, d1))
    W1[: product.rank] = U.T @ instance.sigma_yx @ sxx_pinv
    W2[:, : product.rank] = U
    return arch.join([W1, W2])


def match_product(
    instance: Instance, point: np.ndarray, products: tuple[CriticalProduct, ...] | None = None
) -> tuple[CriticalProduct, float]:
    """The critical product whose ``P_I Σyx`` is nearest to ``W_2 W_1 Σxx`` at ``point``, and the
    relative distance ``‖W Σxx − P_I Σyx‖_F / ‖Σyx‖_F`` (near 0 for a critical point).

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> inst = random_instance((2, 1, 2), samples=3, seed=0)
    >>> best = critical_products(inst)[1]
    >>> product, distance = match_product(inst, closed_form_point(inst, best))
    >>> product.subset, distance < 1e-12
    ((0,), True)
    """
    products = critical_products(instance) if products is None else products
    arch = instance.architecture
    W1, W2 = arch.split(np.asarray(point, dtype=float))
    lhs = W2 @ W1 @ instance.sigma_xx
    norm = max(float(np.linalg.norm(instance.sigma_yx)), 1e-300)
    distances = [float(np.linalg.norm(lhs - p.product @ instance.sigma_xx)) / norm for p in products]
    best = int(np.argmin(distances))
    return products[best], distances[best]


def balance(instance: Instance, point: np.ndarray) -> np.ndarray:
    """Rescale each hidden neuron (row k of W_1 by c, column k of W_2 by 1/c) to equal norms.

    A change of coordinates of the unregularized loss that maps critical points to critical points
    with the same loss and, by Sylvester's law of inertia, the same Hessian inertia; it removes
    the huge scale differences of points far out on a critical family, which otherwise make a
    negative Hessian eigenvalue look like round-off relative to the largest one.

    Examples
    --------
    >>> from linnet_crit import Instance
    >>> inst = Instance((1, 1, 1), X=[[1.0]], Y=[[2.0]], lambdas=[[[0.0]], [[0.0]]], regularization="none")
    >>> balance(inst, np.array([100.0, 0.02])).tolist()
    [1.4142135623730951, 1.4142135623730951]
    """
    arch = instance.architecture
    W1, W2 = (w.copy() for w in arch.split(np.asarray(point, dtype=float)))
    for k in range(W1.shape[0]):
        a, b = float(np.linalg.norm(W1[k])), float(np.linalg.norm(W2[:, k]))
        if a > 0 and b > 0:
            c = np.sqrt(b / a)
            W1[k] *= c
            W2[:, k] /= c
    return arch.join([W1, W2])


@dataclass(frozen=True, eq=False)
class UnregularizedCheck:
    """Points of the unregularized critical locus compared with the closed form.

    Attributes
    ----------
    subsets : tuple of tuple of int
        The matched I of each point.
    distances : (n,) float array
        Relative distance of each point's ``W Σxx`` to ``P_I Σyx``.
    losses, closed_form_losses : (n,) float arrays
        Loss at the point and the closed-form loss of its I.
    min_eigenvalues : (n,) float array
        Smallest Hessian eigenvalue, relative to the largest |eigenvalue|, at the point after
        :func:`balance` (same inertia).
    second_order_minimum : (n,) bool array
        No Hessian eigenvalue below ``−eigenvalue_rtol``: a local-minimum candidate.
    global_minimum : (n,) bool array
        The matched I is the global one.
    global_loss : float
    """

    subsets: tuple[tuple[int, ...], ...]
    distances: np.ndarray
    losses: np.ndarray
    closed_form_losses: np.ndarray
    min_eigenvalues: np.ndarray
    second_order_minimum: np.ndarray
    global_minimum: np.ndarray
    global_loss: float
    eigenvalue_rtol: float

    @property
    def max_distance(self) -> float:
        return float(self.distances.max(initial=0.0))

    @property
    def every_local_minimum_global(self) -> bool:
        """Every second-order local minimum matched the global I and has the global loss."""
        minima = self.second_order_minimum
        return bool(
            np.all(self.global_minimum[minima])
            and np.allclose(self.losses[minima], self.global_loss, rtol=1e-8, atol=1e-10)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "subsets": [list(s) for s in self.subsets],
            "distances": self.distances.tolist(),
            "losses": self.losses.tolist(),
            "closed_form_losses": self.closed_form_losses.tolist(),
            "min_eigenvalues": self.min_eigenvalues.tolist(),
            "second_order_minimum": self.second_order_minimum.tolist(),
            "global_minimum": self.global_minimum.tolist(),
            "global_loss": self.global_loss,
            "eigenvalue_rtol": self.eigenvalue_rtol,
            "max_distance": self.max_distance,
            "every_local_minimum_global": self.every_local_minimum_global,
        }

    def __str__(self) -> str:
        lines = [
            f"{len(self.subsets)} points of the unregularized critical locus, max relative distance to the closed "
            f"form {self.max_distance:.1e}; every local minimum global: {self.every_local_minimum_global}",
            f"{'I':<14} {'loss':>14} {'closed form':>14} {'min eig (rel)':>14}  note",
        ]
        for k, subset in enumerate(self.subsets):
            note = "global minimum" if self.global_minimum[k] else "local-minimum candidate" if self.second_order_minimum[k] else ""
            lines.append(
                f"{str(list(subset)):<14} {self.losses[k]:>14.8g} {self.closed_form_losses[k]:>14.8g} "
                f"{self.min_eigenvalues[k]:>14.3g}  {note}"
            )
        return "\n".join(lines)


def check_unregularized(
    instance: Instance, points: np.ndarray, *, eigenvalue_rtol: float = 1e-7
) -> UnregularizedCheck:
    """Match real points of the unregularized critical locus to the closed form and classify them.

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> inst = random_instance((2, 1, 2), samples=3, seed=0)
    >>> points = [closed_form_point(inst, p) for p in critical_products(inst)]
    >>> check = check_unregularized(inst, np.array(points))
    >>> check.second_order_minimum.tolist(), check.every_local_minimum_global
    ([False, True, False], True)
    """
    products = critical_products(instance)
    zero = unregularized(instance)
    points = np.atleast_2d(np.asarray(points, dtype=float))
    matched = [match_product(instance, p, products) for p in points]
    losses = loss(zero.architecture, points, Parameters.of(zero)).real if len(points) else np.zeros(0)
    min_eigs = []
    for p in points:
        eig = np.linalg.eigvalsh(hessian(zero, balance(instance, p)))
        min_eigs.append(float(eig[0] / max(1e-300, float(np.abs(eig).max()))))
    min_eigs_arr = np.asarray(min_eigs)
    return UnregularizedCheck(
        subsets=tuple(m[0].subset for m in matched),
        distances=np.asarray([m[1] for m in matched]),
        losses=np.asarray(losses, dtype=float),
        closed_form_losses=np.asarray([m[0].loss for m in matched]),
        min_eigenvalues=min_eigs_arr,
        second_order_minimum=min_eigs_arr >= -eigenvalue_rtol,
        global_minimum=np.asarray([m[0].global_minimum for m in matched], dtype=bool),
        global_loss=next(p.loss for p in products if p.global_minimum),
        eigenvalue_rtol=float(eigenvalue_rtol),
    )
