"""Neuron sign flips: the symmetry group (Z/2)^(Σ d_i) of the gradient system.

Flipping hidden neuron k of layer i negates row k of W_i and column k of W_{i+1}; it maps critical
points to critical points for every Λ, X, Y, so it commutes with every parameter homotopy. On
points with no zero coordinate it acts freely, so each orbit has 2^(Σ d_i) members.
"""

from __future__ import annotations

import itertools

import numpy as np

from .architecture import Architecture

__all__ = ["SIGN_TOLERANCE", "canonicalize", "expand_orbits", "flip_vectors", "orbit_labels", "orbit_size"]


def flip_vectors(arch: Architecture) -> list[np.ndarray]:
    """The ±1 vector of each generator (one per hidden neuron), layer by layer."""
    return [arch.sign_flip_signs(layer, k) for layer in range(1, arch.depth + 1) for k in range(arch.hidden[layer - 1])]


def orbit_size(arch: Architecture) -> int:
    """2^(Σ d_i): the size of the orbit of a point with no zero coordinate (the group acts freely there)."""
    return 2 ** sum(arch.hidden)


#: Below this fraction of |W_i[k, 0]| its real part is taken for zero and the imaginary part's sign
#: decides (see :func:`canonicalize`).
SIGN_TOLERANCE = 1e-6


def canonicalize(arch: Architecture, x: np.ndarray) -> np.ndarray:
    """The orbit representative whose entry W_i[k, 0] has positive real part, for every neuron
    (positive imaginary part where the real part is below :data:`SIGN_TOLERANCE` of its modulus).

    Layers are processed in order because W_i[k, 0] also changes sign with neuron 0 of layer
    i − 1, which is fixed first. Why not the sign of the real part alone: at real data an orbit is
    often its own complex conjugate (x̄ is a flip of x), and then W_i[k, 0] is real or purely
    imaginary — a real part of rounding noise, whose sign differs between two members computed on
    different paths (82 of 440 torus points of five real-data architectures, with 1e-15 relative
    noise per member), so one orbit had two canonical forms.

    Examples
    --------
    >>> from linnet_crit import Architecture
    >>> arch = Architecture((1, 1, 1))
    >>> c = canonicalize(arch, np.array([[-2.0, 3.0], [1e-17 - 2j, 1j], [1e-17 + 2j, -1j]]))
    >>> c[0].real.tolist(), np.allclose(c[1], c[2]), c[1].imag.tolist()
    ([2.0, -3.0], True, [2.0, -1.0])
    """
    x = np.array(x, dtype=complex, copy=True)
    for layer in range(1, arch.depth + 1):
        cols = arch.shapes[layer - 1][1]
        for k in range(arch.hidden[layer - 1]):
            v = x[:, arch.offsets[layer - 1] + k * cols]
            by_real = np.abs(v.real) > SIGN_TOLERANCE * np.abs(v)
            negative = np.where(by_real, v.real < 0, v.imag < 0)
            x[negative] *= arch.sign_flip_signs(layer, k)
    return x


def expand_orbits(arch: Architecture, reps: np.ndarray) -> np.ndarray:
    """All 2^(Σ d_i) images of each representative, ``(len(reps) · 2^(Σ d_i), N)``."""
    generators = flip_vectors(arch)
    signs = [
        np.prod([g for g, on in zip(generators, choice) if on], axis=0) if any(choice) else np.ones(arch.n_unknowns)
        for choice in itertools.product((False, True), repeat=len(generators))
    ]
    return (np.asarray(reps)[:, None, :] * np.array(signs)[None, :, :]).reshape(-1, arch.n_unknowns)


#: Rows :func:`orbit_labels` canonicalizes at once.
_KEY_ROWS = 4096


def orbit_labels(arch: Architecture, x: np.ndarray, digits: int = 8) -> np.ndarray:
    """Label of each point's sign-flip orbit (0, 1, … in order of first occurrence), in O(n log n).

    Points get one label when their canonical forms agree to ``digits`` decimals of the point's
    size max(1, ‖x‖∞) in every coordinate: far inside :data:`~linnet_crit.points.SAME_POINT`, so two
    different orbits never share a label, while members of one orbit refined separately (they
    differ by rounding) do — except one whose coordinate falls on the other side of a rounding
    boundary, which gets a label of its own (a repeated computation, never a wrong one).

    Examples
    --------
    >>> from linnet_crit import Architecture
    >>> arch = Architecture((1, 1, 1))
    >>> orbit_labels(arch, np.array([[1.0, 2.0], [-1.0, -2.0], [1.0, 3.0]])).tolist()
    [0, 0, 1]
    """
    x = np.atleast_2d(np.asarray(x, dtype=complex))
    if not len(x):
        return np.zeros(0, dtype=np.intp)
    keys = np.empty((len(x), 2 * x.shape[1]))
    for start in range(0, len(x), _KEY_ROWS):  # in blocks: no full-size complex temporaries
        block = x[start : start + _KEY_ROWS]
        scaled = canonicalize(arch, block) / np.maximum(1.0, np.abs(block).max(axis=1))[:, None]
        # + 0.0 turns −0.0 into 0.0, which np.unique would tell apart
        keys[start : start + len(block)] = np.round(np.concatenate([scaled.real, scaled.imag], axis=1), digits) + 0.0
    _, first, labels = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.intp)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[labels.ravel()]
