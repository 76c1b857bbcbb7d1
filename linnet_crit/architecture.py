"""Architectures of deep linear networks: widths, weight shapes, unknowns and their order.

Variable order (fixed everywhere in linnet_crit, the order of the authors of the reference
paper): layer-major, then row-major. The unknown ``W{i}_{r}_{c}`` is entry (r, c) of the weight
matrix W_i, with the layer i 1-based (W_1 acts on the input) and r, c 0-based.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .checks import whole_number
from .errors import ArchitectureError

__all__ = ["Architecture", "as_architecture", "parse_widths"]


def parse_widths(text: str | Sequence[int]) -> tuple[int, ...]:
    """Parse ``"1,2,2"`` (or a sequence of ints) into validated widths.

    Examples
    --------
    >>> parse_widths("2, 2,2")
    (2, 2, 2)
    """
    if isinstance(text, str):
        parts = [p.strip() for p in text.split(",")]
        widths = []
        for part in parts:
            try:
                widths.append(int(part))
            except ValueError:
                raise ArchitectureError(
                    f"widths {text!r}: {part!r} is not a whole number; "
                    "give comma-separated positive integers such as 1,2,2"
                ) from None
    else:
        widths = []
        for w in text:
            # The range (every width ≥ 1) is checked below for both spellings, with the widths named.
            widths.append(whole_number(w, f"widths {tuple(text)!r}: width", minimum=None, error=ArchitectureError,
                                       fix="give positive integers such as (1, 2, 2)"))
    if len(widths) < 3:
        raise ArchitectureError(
            f"widths {tuple(widths)!r}: need at least three (input, one hidden layer, output), "
            "e.g. 1,2,2"
        )
    bad = [w for w in widths if w < 1]
    if bad:
        raise ArchitectureError(
            f"widths {tuple(widths)!r}: every width must be at least 1 (got {bad[0]})"
        )
    return tuple(widths)


@dataclass(frozen=True)
class Architecture:
    """A deep linear network ``x ↦ W_{H+1} ⋯ W_1 x`` without biases.

    Parameters
    ----------
    widths : tuple of int
        ``(dx, d_1, …, d_H, dy)``: input width, hidden widths, output width.

    Examples
    --------
    >>> arch = Architecture((1, 2, 2))
    >>> arch.depth, arch.n_unknowns, arch.shapes
    (1, 6, ((2, 1), (2, 2)))
    >>> arch.variable_names()[:3]
    ('W1_0_0', 'W1_1_0', 'W2_0_0')
    """

    widths: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "widths", parse_widths(self.widths))

    @classmethod
    def parse(cls, text: str | Sequence[int]) -> Architecture:
        """Build from ``"1,2,2"`` or a sequence of ints."""
        return cls(parse_widths(text))

    def __str__(self) -> str:
        return ",".join(map(str, self.widths))

    @property
    def dx(self) -> int:
        return self.widths[0]

    @property
    def dy(self) -> int:
        return self.widths[-1]

    @property
    def hidden(self) -> tuple[int, ...]:
        """Hidden widths ``(d_1, …, d_H)``."""
        return self.widths[1:-1]

    @property
    def depth(self) -> int:
        """Number H of hidden layers."""
        return len(self.widths) - 2

    @property
    def n_layers(self) -> int:
        """Number H + 1 of weight matrices."""
        return len(self.widths) - 1

    @property
    def degree(self) -> int:
        """Total degree 2H + 1 of every gradient equation."""
        return 2 * self.depth + 1

    @cached_property
    def shapes(self) -> tuple[tuple[int, int], ...]:
        """Shape ``(d_i, d_{i-1})`` of W_i for i = 1 … H+1."""
        return tuple((self.widths[i + 1], self.widths[i]) for i in range(self.n_layers))

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        """Start index of each layer's block in the flat unknown vector (length H + 2)."""
        return tuple(int(v) for v in np.cumsum([0] + [r * c for r, c in self.shapes]))

    @property
    def n_unknowns(self) -> int:
        """Number N of weights = number of equations."""
        return self.offsets[-1]

    @property
    def group_sizes(self) -> tuple[int, ...]:
        """Number of unknowns of each layer (the variable groups of the m-Bézout bound)."""
        return tuple(r * c for r, c in self.shapes)

    def groups(self) -> tuple[range, ...]:
        """Index ranges of the layers' unknowns in the flat vector."""
        return tuple(range(self.offsets[i], self.offsets[i + 1]) for i in range(self.n_layers))

    def variable_names(self) -> tuple[str, ...]:
        """``W{layer}_{row}_{col}`` in the documented (layer-major, row-major) order."""
        return tuple(
            f"W{i + 1}_{r}_{c}"
            for i, (rows, cols) in enumerate(self.shapes)
            for r in range(rows)
            for c in range(cols)
        )

    def split(self, x: np.ndarray) -> list[np.ndarray]:
        """Flat unknowns ``(..., N)`` → weight matrices ``[(..., d_i, d_{i-1})]``."""
        x = np.asarray(x)
        if x.shape[-1] != self.n_unknowns:
            raise ArchitectureError(
                f"points have {x.shape[-1]} coordinates but widths {self} have "
                f"{self.n_unknowns} unknowns"
            )
        lead = x.shape[:-1]
        return [
            x[..., self.offsets[i] : self.offsets[i + 1]].reshape(*lead, *shape)
            for i, shape in enumerate(self.shapes)
        ]

    def join(self, weights: Sequence[np.ndarray]) -> np.ndarray:
        """Inverse of :meth:`split`."""
        lead = np.asarray(weights[0]).shape[:-2]
        return np.concatenate([np.asarray(w).reshape(*lead, -1) for w in weights], axis=-1)

    # --- sub-networks -----------------------------------------------------------------
    def alive_shapes(self) -> Iterator[tuple[int, ...]]:
        """Every tuple ``(s_1, …, s_H)`` of alive sizes with ``1 ≤ s_i ≤ d_i``."""
        return itertools.product(*(range(1, d + 1) for d in self.hidden))

    def alive_sets(self, sizes: Sequence[int] | None = None) -> Iterator[tuple[tuple[int, ...], ...]]:
        """Every alive set ``(S_1, …, S_H)`` (sorted 0-based neuron indices), optionally of given sizes."""
        if sizes is None:
            per_layer = [
                [c for s in range(1, d + 1) for c in itertools.combinations(range(d), s)]
                for d in self.hidden
            ]
        else:
            per_layer = [list(itertools.combinations(range(d), s)) for d, s in zip(self.hidden, sizes)]
        return itertools.product(*per_layer)

    def for_counting(self, samples: int) -> Architecture:
        """The network whose critical points correspond one to one to this one's at ``samples`` data
        points: with one data point the input width does not matter, so ``(1, d_1, …, d_H, dy)``
        (proof in :mod:`linnet_crit.solvers.native.input_width`); otherwise this network.

        Examples
        --------
        >>> Architecture((3, 2, 2, 1)).for_counting(1), Architecture((3, 2, 2, 1)).for_counting(2)
        (Architecture(widths=(1, 2, 2, 1)), Architecture(widths=(3, 2, 2, 1)))
        """
        return Architecture((1, *self.hidden, self.dy)) if samples == 1 else self

    def subnetwork(self, sizes: Sequence[int]) -> Architecture:
        """The network with hidden widths ``sizes`` (same input and output)."""
        return Architecture((self.dx, *sizes, self.dy))

    def alive_blocks(self, alive: Sequence[Sequence[int]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per layer, the ``np.ix_`` index of the entries of W_i (or Λ_i) kept by the sub-network of
        the ``alive`` hidden neurons: ``W_i[alive_blocks(alive)[i]]`` is the sub-network's block.

        Examples
        --------
        >>> Architecture((1, 2, 1)).alive_blocks([[1]])[0]
        (array([[1]]), array([[0]]))
        """
        keep = [list(range(self.dx)), *map(list, alive), list(range(self.dy))]
        return [np.ix_(keep[i + 1], keep[i]) for i in range(self.n_layers)]

    def embedding_index(self, alive: Sequence[Sequence[int]]) -> np.ndarray:
        """Flat indices, in this network, of the unknowns of the sub-network kept alive.

        ``x_full[index] = x_sub`` embeds a point of the sub-network (all other weights zero).
        """
        index = []
        for i, ((rows, cols), block) in enumerate(zip(self.shapes, self.alive_blocks(alive))):
            index.append((np.arange(rows * cols).reshape(rows, cols) + self.offsets[i])[block].ravel())
        return np.concatenate(index)

    def sign_flip_signs(self, layer: int, neuron: int) -> np.ndarray:
        """±1 vector of length N that flips hidden neuron ``neuron`` of hidden layer ``layer`` (1-based).

        Row ``neuron`` of W_layer and column ``neuron`` of W_{layer+1} change sign: a symmetry of the
        gradient system for every Λ, X, Y.
        """
        signs = np.ones(self.n_unknowns)
        in_block = np.ones(self.shapes[layer - 1])
        in_block[neuron, :] = -1
        out_block = np.ones(self.shapes[layer])
        out_block[:, neuron] = -1
        signs[self.offsets[layer - 1] : self.offsets[layer]] = in_block.ravel()
        signs[self.offsets[layer] : self.offsets[layer + 1]] = out_block.ravel()
        return signs


def as_architecture(arch: Architecture | Sequence[int] | str) -> Architecture:
    """The :class:`Architecture` a caller means: one as given, a widths sequence, or a ``"1,2,2"`` string.

    The one coercion every public function that takes widths applies first.

    Examples
    --------
    >>> as_architecture("2,2,2") == as_architecture((2, 2, 2)) == as_architecture(Architecture((2, 2, 2)))
    True
    """
    return arch if isinstance(arch, Architecture) else Architecture.parse(arch)
