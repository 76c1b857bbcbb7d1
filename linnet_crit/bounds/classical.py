"""Bounds from degrees alone: Bézout, layer-grouped multihomogeneous Bézout, Bharadwaj–Hoşten."""

from __future__ import annotations

from collections.abc import Sequence
from math import comb, factorial

from ..architecture import Architecture, as_architecture
from ..checks import whole_number
from ..errors import BoundNotApplicableError

__all__ = ["bezout", "multihomogeneous_bezout", "linear_product_paths", "bh_total", "bh_torus"]


def check_samples(samples: object) -> int:
    """Validate the number m of data points."""
    return whole_number(samples, "samples", minimum=1, fix="the number of data points must be an integer ≥ 1")


def bezout(arch: Architecture | Sequence[int] | str) -> int:
    """Classical Bézout bound ``(2H+1)^N`` on the isolated solutions in Cⁿ.

    Holds for every data X, Y, Λ (each of the N equations has degree 2H + 1); counts isolated
    solutions in Cⁿ with multiplicity.

    Examples
    --------
    >>> bezout((2, 2, 2))
    6561
    """
    arch = as_architecture(arch)
    return arch.degree**arch.n_unknowns


def multihomogeneous_bezout(arch: Architecture | Sequence[int] | str) -> int:
    """Multihomogeneous Bézout bound with the layers as variable groups, on isolated solutions in Cⁿ.

    Holds for every data X, Y, Λ. Equation block i (the N_i = d_i d_{i−1} derivatives by W_i) has
    degree at most 1 in layer i and 2 in every other layer, so the bound is the coefficient of
    ``Π_j z_j^{N_j}`` in ``Π_i (z_i + 2 Σ_{j≠i} z_j)^{N_i} = Π_i (2S − z_i)^{N_i}`` with
    ``S = Σ_j z_j``. Expanding each factor by the binomial theorem,

        bound = Σ_s c_s · 2^{N−s} (N−s)! / Π_i N_i!,
        c = convolution over i of  h_i(a) = (−1)^a C(N_i, a)² a!,

    all in exact integer arithmetic, O(N²) operations.

    Examples
    --------
    >>> multihomogeneous_bezout((1, 1, 1)), multihomogeneous_bezout((2, 2, 2))
    (5, 1921)
    """
    arch = as_architecture(arch)
    sizes = arch.group_sizes
    n = sum(sizes)
    conv = [1]
    for size in sizes:
        h = [(-1) ** a * comb(size, a) ** 2 * factorial(a) for a in range(size + 1)]
        out = [0] * (len(conv) + size)
        for s, c in enumerate(conv):
            for a, v in enumerate(h):
                out[s + a] += c * v
        conv = out
    total = sum(c * 2 ** (n - s) * factorial(n - s) for s, c in enumerate(conv))
    denominator = 1
    for size in sizes:
        denominator *= factorial(size)
    quotient, remainder = divmod(total, denominator)
    assert remainder == 0, "the coefficient of a polynomial with integer coefficients is an integer"
    return quotient


def linear_product_paths(arch: Architecture | Sequence[int] | str) -> int:
    """Paths of the smaller linear-product start system: min(Bézout, multihomogeneous Bézout).

    What the blackbox homotopy tracks (its ``"auto"`` start system), hence what it costs.

    Examples
    --------
    >>> linear_product_paths((1, 1, 3)), linear_product_paths((1, 1, 1, 2))
    (13, 85)
    """
    return min(bezout(arch), multihomogeneous_bezout(arch))


def _one_hidden_layer_one_sample(arch: Architecture, samples: int, name: str) -> None:
    if arch.depth != 1 or check_samples(samples) != 1:
        raise BoundNotApplicableError(
            f"{name} is proved only for one hidden layer and one data point (H = 1, m = 1), not "
            f"widths {arch} with {samples} samples; use bkk_affine or multihomogeneous_bezout"
        )


def bh_total(arch: Architecture | Sequence[int] | str, samples: int = 1) -> int:
    """Bharadwaj–Hoşten bound ``B_C = (1 + 4p)^d`` on the isolated critical points in Cⁿ.

    Hypotheses: one hidden layer of width d (H = 1), one data point (m = 1), output width p,
    generic data and generic (Hadamard) Λ; any input width. The ``+1`` counts the origin.
    Raises :class:`BoundNotApplicableError` otherwise. Not attained for d ≥ 2.

    Examples
    --------
    >>> bh_total((2, 2, 2))
    81
    """
    arch = as_architecture(arch)
    _one_hidden_layer_one_sample(arch, samples, "bh_total (B_C)")
    return (1 + 4 * arch.dy) ** arch.hidden[0]


def bh_torus(arch: Architecture | Sequence[int] | str, samples: int = 1) -> int:
    """Bharadwaj–Hoşten bound ``B_C* = (4p)^d`` on the critical points in (C*)ⁿ (no zero weight).

    Same hypotheses as :func:`bh_total` (H = 1, m = 1, generic data and Λ).

    Examples
    --------
    >>> bh_torus((2, 2, 2))
    64
    """
    arch = as_architecture(arch)
    _one_hidden_layer_one_sample(arch, samples, "bh_torus (B_C*)")
    return (4 * arch.dy) ** arch.hidden[0]
