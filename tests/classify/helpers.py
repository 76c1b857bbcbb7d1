"""Constructed points for the classifier tests: random nonzero blocks embedded in zeros."""

from __future__ import annotations

import numpy as np

from linnet_crit.architecture import Architecture


def embedded_point(arch: Architecture, alive, rng: np.random.Generator) -> np.ndarray:
    """A complex point whose alive sub-network weights are random with |w| in [0.5, 2], all else 0."""
    x = np.zeros(arch.n_unknowns, dtype=complex)
    if any(alive):
        index = arch.embedding_index(alive)
        x[index] = rng.uniform(0.5, 2.0, index.size) * np.exp(2j * np.pi * rng.uniform(size=index.size))
    return x


def origin(arch: Architecture):
    return tuple(() for _ in arch.hidden)
