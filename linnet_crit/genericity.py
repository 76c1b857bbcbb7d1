"""Is the data generic? Cheap checks on X, Y and Λ, each naming its evidence.

The structure-aware route (alive sets, one torus solve per sub-network) counts correctly on
generic data; special data can merge, split or add critical points with stray zeros (Y = 0 on
widths 2,2,2: 33 points, of which the structure-aware route saw 29). These checks name the
degenerations that are common in practice — zeros in the data, rank-deficient or duplicated
samples, whitened inputs, autoencoders, repeated regularization values — so that the solver can
take the route that is complete for any data straight away.

A second question is whether the data leave a continuous symmetry of the loss: then the critical
set has positive-dimensional components and no count exists (:func:`symmetry_evidence`).

All comparisons are relative to the size of the matrix compared, with the tolerances named below.
"""

from __future__ import annotations

import numpy as np

from .data import Instance

__all__ = ["ZERO_ENTRY", "SAME_VALUE", "RANK_TOLERANCE", "genericity_reasons", "symmetry_evidence"]

#: An entry is zero when |a| ≤ ZERO_ENTRY · max|A| (max|A| over the whole matrix).
ZERO_ENTRY = 1e-12
#: Two values (entries, rows, matrices) are equal when they differ by ≤ SAME_VALUE · their size.
SAME_VALUE = 1e-12
#: Numerical rank: singular values above RANK_TOLERANCE · σ_max count.
RANK_TOLERANCE = 1e-10


def _size(a: np.ndarray) -> float:
    return float(np.abs(a).max(initial=0.0))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to SAME_VALUE relative to the larger of the two."""
    return bool(np.abs(a - b).max(initial=0.0) <= SAME_VALUE * max(_size(a), _size(b)))


def _rank(a: np.ndarray) -> int:
    if a.size == 0:
        return 0
    s = np.linalg.svd(a, compute_uv=False)
    return int(np.sum(s > RANK_TOLERANCE * s[0])) if s[0] > 0 else 0


def _zeros(name: str, a: np.ndarray) -> list[str]:
    """Zero matrix, zero rows, zero columns, else zero entries of ``a`` (the strongest statement)."""
    size = _size(a)
    zero = np.abs(a) <= ZERO_ENTRY * size
    if size == 0.0:
        return [f"{name} = 0"]
    rows, cols = np.flatnonzero(zero.all(axis=1)), np.flatnonzero(zero.all(axis=0))
    found = []
    if len(rows) and a.shape[1] > 1:
        found.append(f"{name} has zero rows {rows.tolist()}")
    if len(cols) and a.shape[0] > 1:
        found.append(f"{name} has zero columns {cols.tolist()}")
    if not found and zero.any():
        where = [tuple(int(i) for i in ij) for ij in np.argwhere(zero)[:3]]
        found.append(f"{name} has {int(zero.sum())} zero entries (at {', '.join(map(str, where))})")
    return found


def _repeated_samples(X: np.ndarray, Y: np.ndarray) -> list[tuple[int, int]]:
    """Pairs of equal samples (x, y), found among neighbours in lexicographic order (so the check
    stays O(m log m) for many samples)."""
    samples = np.concatenate([X, Y]).T
    keys = [samples[:, j].imag for j in reversed(range(samples.shape[1]))]
    keys += [samples[:, j].real for j in reversed(range(samples.shape[1]))]
    order = np.lexsort(keys)
    return [
        tuple(sorted((int(a), int(b)))) for a, b in zip(order[:-1], order[1:]) if _same(samples[a], samples[b])
    ]


def _repeated_values(values: np.ndarray) -> int:
    """How many values equal an earlier one (relative to the largest)."""
    order = np.sort_complex(values.astype(complex))
    gaps = np.abs(np.diff(order))
    return int(np.sum(gaps <= SAME_VALUE * _size(values))) if len(values) > 1 else 0


def genericity_reasons(instance: Instance) -> list[str]:
    """The reasons the data of ``instance`` are not generic; empty when every check passes.

    Checked: zero entries, rows or columns of X, Y and every Λ_i (Y = 0 included); rank X <
    min(dx, m) (rank-deficient inputs); a repeated sample (x_k, y_k) = (x_j, y_j);
    rank Σyx < min(dx, dy, m); Σxx a multiple of the identity (whitened inputs, dx ≥ 2);
    Σyx = Σxx (autoencoders, Y = X included); repeated values among the entries of the Λ_i
    (a scalar Λ, one scalar per layer, or any coincidence).

    Parameters
    ----------
    instance : Instance

    Returns
    -------
    list of str
        One short sentence per failed check, naming the evidence.

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> genericity_reasons(random_instance("2,2,2", seed=0))
    []
    >>> genericity_reasons(random_instance("2,2,2", seed=0, regularization="scalar"))
    ['Λ has 7 repeated values among its 8 entries (e.g. a scalar Λ or one scalar per layer)']
    """
    arch, X, Y = instance.architecture, instance.X, instance.Y
    reasons: list[str] = []
    reasons += _zeros("X", X)
    reasons += _zeros("Y", Y)
    for i, lam in enumerate(instance.lambdas):
        reasons += _zeros(f"Λ_{i + 1}", lam)
    m = instance.samples
    if _size(X) > 0 and (rank := _rank(X)) < min(arch.dx, m):
        reasons.append(f"rank X = {rank} < min(dx, m) = {min(arch.dx, m)} (rank-deficient inputs)")
    repeated = _repeated_samples(X, Y)
    if repeated:
        reasons.append(f"samples {repeated[0][0]} and {repeated[0][1]} are the same (x, y): duplicated samples")
    sxx, syx = instance.sigma_xx, instance.sigma_yx
    if _size(syx) > 0 and (rank := _rank(syx)) < min(arch.dx, arch.dy, m):
        reasons.append(f"rank Σyx = {rank} < min(dx, dy, m) = {min(arch.dx, arch.dy, m)}")
    if arch.dx >= 2 and _size(sxx) > 0 and _same(sxx, sxx[0, 0] * np.eye(arch.dx)):
        reasons.append(f"Σxx = {sxx[0, 0].real:.6g}·I (whitened inputs)")
    if arch.dx == arch.dy and _size(sxx) > 0 and _same(syx, sxx):
        reasons.append("Σyx = Σxx (an autoencoder: Y = X or the same second moments)")
    values = np.concatenate([lam.ravel() for lam in instance.lambdas])
    if (repeats := _repeated_values(values)) > 0:
        reasons.append(
            f"Λ has {repeats} repeated values among its {len(values)} entries "
            "(e.g. a scalar Λ or one scalar per layer)"
        )
    return reasons


def symmetry_evidence(instance: Instance) -> str | None:
    """A continuous symmetry of the loss that the data leave, or ``None``.

    Two symmetries act on hidden layer i without changing the product W = W_{H+1}⋯W_1:

    * rescaling one neuron k (row k of W_i times c, column k of W_{i+1} divided by c, c ∈ C*) also
      keeps the regularizer when row k of Λ_i and column k of Λ_{i+1} are zero (Λ = 0 included);
    * an orthogonal Q ∈ O(s) mixing s ≥ 2 neurons (rows of W_i by Q, columns of W_{i+1} by Qᵀ)
      keeps it when those neurons' rows of Λ_i are equal and their columns of Λ_{i+1} are equal
      (a scalar Λ, one scalar per layer).

    Either moves every critical point at which one of those neurons is alive along a curve of
    critical points, so the critical set has a positive-dimensional component.

    Returns
    -------
    str or None
        One line naming the neurons and the symmetry.

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> symmetry_evidence(random_instance("2,2,2", seed=0)) is None
    True
    >>> print(symmetry_evidence(random_instance("1,2,1", seed=0, regularization="none")))
    Λ_1 row 0 and Λ_2 column 0 are zero: rescaling neuron 0 of hidden layer 1 (W_1 row by c, W_2 column by 1/c) is a symmetry of the loss
    """
    arch = instance.architecture
    for layer in range(1, arch.depth + 1):
        into, out = instance.lambdas[layer - 1], instance.lambdas[layer]
        scale = max(_size(into), _size(out))
        for k in range(arch.hidden[layer - 1]):
            if _size(into[k]) <= ZERO_ENTRY * scale and _size(out[:, k]) <= ZERO_ENTRY * scale:
                return (
                    f"Λ_{layer} row {k} and Λ_{layer + 1} column {k} are zero: rescaling neuron {k} of hidden "
                    f"layer {layer} (W_{layer} row by c, W_{layer + 1} column by 1/c) is a symmetry of the loss"
                )
        for k in range(arch.hidden[layer - 1]):
            for j in range(k + 1, arch.hidden[layer - 1]):
                if _same(into[k], into[j]) and _same(out[:, k], out[:, j]):
                    return (
                        f"neurons {k} and {j} of hidden layer {layer} have equal rows of Λ_{layer} and equal "
                        f"columns of Λ_{layer + 1}: rotating them (W_{layer} rows by Q, W_{layer + 1} columns by "
                        f"Qᵀ, Q ∈ O(2)) is a symmetry of the loss"
                    )
    return None
