"""Data instances: X, Y and the regularization Λ that, with an architecture, fix a gradient system.

Loss convention (the one place it is stated; everything in linnet_crit follows it)::

    L(W) = ½ Σ_k ‖W x_k − y_k‖² + ½ Σ_i Σ_ab (Λ_i)_ab (W_i)_ab²

so the critical-point equations are ``U_iᵀ (W Σxx − Σyx) V_iᵀ + Λ_i ∘ W_i = 0``
(thesis eq. 3.1) with ``Σxx = X Xᵀ`` and ``Σyx = Y Xᵀ``. (The authors' code used Λ∘Λ in the loss;
counts do not depend on this choice, loss values and Hessian indices do.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from .architecture import Architecture, as_architecture
from .checks import whole_number
from .errors import DataError

__all__ = [
    "Instance",
    "random_instance",
    "load_instance",
    "regularization_of",
    "REGULARIZATIONS",
    "check_seed",
    "check_instance",
]

Regularization = Literal["generic", "scalar", "none"]
REGULARIZATIONS: tuple[str, ...] = ("generic", "scalar", "none")


def check_seed(seed: object, name: str = "seed", allow_none: bool = True) -> int | None:
    """A seed as an int ≥ 0 (or None when allowed), else :class:`DataError` naming it.

    Examples
    --------
    >>> check_seed(7), check_seed(None)
    (7, None)
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    linnet_crit.errors.DataError: seed = -1: give a whole number ≥ 0 (or None for fresh entropy)
    """
    if seed is None and allow_none:
        return None
    hint = " (or None for fresh entropy)" if allow_none else ""
    return whole_number(seed, name, minimum=0, fix=f"give a whole number ≥ 0{hint}")


def check_instance(value: object, name: str = "instance") -> Instance:
    """``value`` if it is an :class:`Instance`, else :class:`DataError` saying how to make one.

    Examples
    --------
    >>> check_instance("1,1,1")
    Traceback (most recent call last):
    ...
    linnet_crit.errors.DataError: instance = '1,1,1' is a str, not an Instance; build one with random_instance("1,2,2", seed=0), load_instance("data.npz") or Instance(architecture, X, Y, lambdas)
    """
    if not isinstance(value, Instance):
        raise DataError(
            f"{name} = {value!r:.60} is a {type(value).__name__}, not an Instance; build one with "
            'random_instance("1,2,2", seed=0), load_instance("data.npz") or Instance(architecture, X, Y, lambdas)'
        )
    return value


def _as_matrix(name: str, value, shape: tuple[int, int]) -> np.ndarray:
    try:
        array = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - re-raised as a DataError naming the value
        raise DataError(f"{name} could not be read as a matrix: {exc}") from None
    if array.dtype.kind not in "biufc":
        raise DataError(f"{name} has non-numeric entries (dtype {array.dtype}); give numbers")
    if array.ndim == 1 and shape[1] == 1:
        array = array.reshape(shape)
    if array.shape != shape:
        raise DataError(f"{name} has shape {array.shape}, expected {shape}")
    if not np.all(np.isfinite(array)):
        raise DataError(f"{name} has NaN or infinite entries; give finite numbers")
    dtype = complex if np.iscomplexobj(array) else float
    out = np.array(array, dtype=dtype)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Instance:
    """Data X (dx×m), Y (dy×m) and Λ_1 … Λ_{H+1} (shapes of W_i) for an architecture.

    Entries may be real or complex (complex instances are the generic parameter points of the
    homotopies). ``seed`` records the seed of :func:`random_instance`, ``None`` for user data.

    Examples
    --------
    >>> arch = Architecture((1, 1, 1))
    >>> inst = Instance(arch, X=[[1.0]], Y=[[2.0]], lambdas=[[[0.5]], [[0.25]]])
    >>> inst.samples, inst.regularization
    (1, 'generic')
    """

    architecture: Architecture
    X: np.ndarray
    Y: np.ndarray
    lambdas: tuple[np.ndarray, ...]
    seed: int | None = None
    regularization: str = "generic"
    exact: tuple | None = field(default=None, repr=False)  # rational data kept exact for SymPy

    def __post_init__(self) -> None:
        arch = self.architecture
        if not isinstance(arch, Architecture):
            object.__setattr__(self, "architecture", arch := as_architecture(arch))
        X = np.asarray(self.X)
        if X.ndim == 1:
            X = X.reshape(arch.dx, -1)
        if X.ndim != 2 or X.shape[0] != arch.dx or X.shape[1] < 1:
            raise DataError(f"X has shape {X.shape}, expected ({arch.dx}, m) with m ≥ 1 samples")
        m = X.shape[1]
        object.__setattr__(self, "X", _as_matrix("X", X, (arch.dx, m)))
        object.__setattr__(self, "Y", _as_matrix("Y", self.Y, (arch.dy, m)))
        lambdas = list(self.lambdas)
        if len(lambdas) != arch.n_layers:
            raise DataError(
                f"got {len(lambdas)} regularization matrices, widths {arch} need {arch.n_layers} "
                "(Lambda_1 … Lambda_{H+1})"
            )
        object.__setattr__(
            self,
            "lambdas",
            tuple(_as_matrix(f"Lambda_{i + 1}", lam, shape) for i, (lam, shape) in enumerate(zip(lambdas, arch.shapes))),
        )
        if self.regularization not in REGULARIZATIONS:
            raise DataError(
                f"regularization {self.regularization!r} is not one of {REGULARIZATIONS}"
            )

    @property
    def samples(self) -> int:
        """Number m of data points (columns of X)."""
        return self.X.shape[1]

    @property
    def is_real(self) -> bool:
        return not any(np.iscomplexobj(a) for a in (self.X, self.Y, *self.lambdas))

    @property
    def sigma_xx(self) -> np.ndarray:
        return self.X @ self.X.T

    @property
    def sigma_yx(self) -> np.ndarray:
        return self.Y @ self.X.T

    def parameter_vector(self) -> np.ndarray:
        """(X, Y, Λ_1, …) flattened row-major into one complex vector: the homotopy parameters."""
        return np.concatenate([a.ravel() for a in (self.X, self.Y, *self.lambdas)]).astype(complex)

    def with_parameters(self, vector: np.ndarray) -> Instance:
        """The instance with the same shapes and the parameters of :meth:`parameter_vector`."""
        arch, m = self.architecture, self.samples
        sizes = [arch.dx * m, arch.dy * m, *arch.group_sizes]
        parts = np.split(np.asarray(vector), np.cumsum(sizes)[:-1])
        lambdas = [p.reshape(s) for p, s in zip(parts[2:], arch.shapes)]
        return Instance(arch, parts[0].reshape(arch.dx, m), parts[1].reshape(arch.dy, m), lambdas)

    def restrict(self, alive: Sequence[Sequence[int]]) -> Instance:
        """The data of the sub-network in which only the ``alive`` hidden neurons remain."""
        arch = self.architecture
        lambdas = [lam[block] for lam, block in zip(self.lambdas, arch.alive_blocks(alive))]
        sub = arch.subnetwork([len(s) for s in alive])
        return Instance(sub, self.X, self.Y, lambdas, seed=self.seed, regularization=self.regularization)

    def embed(self, alive: Sequence[Sequence[int]], sub: Instance) -> Instance:
        """The inverse of :meth:`restrict`: ``sub``'s X, Y and Λ on the weights of the ``alive``
        hidden neurons, this instance's Λ on the others.

        Examples
        --------
        >>> inst = random_instance((1, 2, 1), seed=0)
        >>> sub = random_instance((1, 1, 1), seed=1)
        >>> inst.embed([[1]], sub).restrict([[1]]) == sub
        True
        """
        arch = self.architecture
        lambdas = []
        for lam, part, block in zip(self.lambdas, sub.lambdas, arch.alive_blocks(alive)):
            full = np.array(lam, dtype=np.result_type(lam, part))
            full[block] = part
            lambdas.append(full)
        return Instance(arch, sub.X, sub.Y, lambdas, regularization=self.regularization)

    def save(self, path: str | Path) -> None:
        """Write the ``.npz`` data format: keys ``X``, ``Y``, ``Lambda_1`` … ``Lambda_{H+1}``."""
        arrays = {"X": self.X, "Y": self.Y}
        arrays.update({f"Lambda_{i + 1}": lam for i, lam in enumerate(self.lambdas)})
        np.savez(path, **arrays)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Instance):
            return NotImplemented
        return self.architecture == other.architecture and all(
            np.array_equal(a, b)
            for a, b in zip((self.X, self.Y, *self.lambdas), (other.X, other.Y, *other.lambdas))
        )

    __hash__ = None  # type: ignore[assignment]


def random_instance(
    architecture: Architecture | Sequence[int] | str,
    samples: int = 1,
    seed: int | None = 0,
    regularization: Regularization = "generic",
) -> Instance:
    """Random data: X, Y standard normal; Λ entries uniform in (0, 1) — all from one seeded generator.

    Parameters
    ----------
    architecture : Architecture or widths
    samples : int
        Number m of data points.
    seed : int
        Seed of the ``numpy.random.Generator``; recorded in the instance.
    regularization : {"generic", "scalar", "none"}
        ``generic``: Hadamard Λ with independent entries (all critical points isolated);
        ``scalar``: one λ for every weight; ``none``: Λ = 0 (critical sets positive-dimensional).

    Examples
    --------
    >>> inst = random_instance("2,2,2", samples=1, seed=7)
    >>> inst.X.shape, inst.lambdas[0].shape, inst.seed
    ((2, 1), (2, 2), 7)
    """
    arch = as_architecture(architecture)
    samples = whole_number(samples, "samples", minimum=1, fix="the number of data points must be an integer ≥ 1")
    seed = check_seed(seed)
    if regularization not in REGULARIZATIONS:
        raise DataError(f"regularization {regularization!r} is not one of {REGULARIZATIONS}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((arch.dx, samples))
    Y = rng.standard_normal((arch.dy, samples))
    if regularization == "generic":
        lambdas = [rng.uniform(0.0, 1.0, shape) for shape in arch.shapes]
    elif regularization == "scalar":
        lam = rng.uniform(0.0, 1.0)
        lambdas = [np.full(shape, lam) for shape in arch.shapes]
    else:
        lambdas = [np.zeros(shape) for shape in arch.shapes]
    return Instance(arch, X, Y, lambdas, seed=seed, regularization=regularization)


#: The first bytes of every .npz file (a zip archive).
_ZIP_MAGIC = b"PK\x03\x04"


def load_instance(path: str | Path, architecture: Architecture | None = None) -> Instance:
    """Read the ``.npz`` data format written by :meth:`Instance.save`.

    The architecture is read from the shapes: ``dx`` columns of ``Lambda_1``, ``d_i`` rows of
    ``Lambda_i``, ``dy`` rows of Y, so every ``Lambda_i`` has a shape that is checked on its own
    (a wrong one is named, not blamed on Y). Keys other than X, Y, Lambda_1 … Lambda_{H+1} are an error; given
    ``architecture``, the file must match it.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"data file {str(path)!r} does not exist")
    if path.is_dir():
        raise DataError(f"data file {str(path)!r} is a folder; give the .npz file")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic != _ZIP_MAGIC:  # np.load would try a pickle and suggest allow_pickle, which is not the cure
        raise DataError(
            f"data file {str(path)!r} is not an .npz archive (it does not start like a zip file); "
            "write data with numpy.savez(path, X=…, Y=…, Lambda_1=…, …) or Instance.save"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except Exception as exc:  # noqa: BLE001 - any read failure is a bad data file
        raise DataError(f"data file {str(path)!r} is not a readable .npz file: {exc}") from None
    missing = [k for k in ("X", "Y", "Lambda_1") if k not in arrays]
    if missing:
        raise DataError(f"data file {str(path)!r} lacks the keys {missing}; it needs X, Y, Lambda_1, …")
    lambdas = []
    while f"Lambda_{len(lambdas) + 1}" in arrays:
        lambdas.append(arrays[f"Lambda_{len(lambdas) + 1}"])
    extra = sorted(set(arrays) - {"X", "Y"} - {f"Lambda_{i + 1}" for i in range(len(lambdas))})
    if extra:
        raise DataError(
            f"data file {str(path)!r} has the unexpected keys {extra}; it must hold exactly X, Y and "
            f"Lambda_1 … Lambda_{{H+1}} without gaps (found Lambda_1 … Lambda_{len(lambdas)})"
        )
    for name, array in (("X", arrays["X"]), ("Y", arrays["Y"]), *((f"Lambda_{i + 1}", lam) for i, lam in enumerate(lambdas))):
        if np.ndim(array) != 2:
            raise DataError(f"data file {str(path)!r}: {name} has shape {np.shape(array)}, but it must be a 2-d matrix")
    if len(lambdas) < 2:
        raise DataError(
            f"data file {str(path)!r} has Lambda_1 only; a network with H ≥ 1 hidden layers needs "
            "Lambda_1 … Lambda_{H+1} (at least Lambda_1 and Lambda_2)"
        )
    widths = (lambdas[0].shape[1], *(lam.shape[0] for lam in lambdas[:-1]), arrays["Y"].shape[0])
    if architecture is not None and len(architecture.widths) != len(widths):
        raise DataError(
            f"data file {str(path)!r} has Lambda_1 … Lambda_{len(lambdas)} ({len(lambdas) - 1} hidden layers), "
            f"but widths {architecture} have {architecture.depth}; drop --widths or give the matching file"
        )
    for i, lam in enumerate(lambdas):
        expected = (widths[i + 1], widths[i])
        if lam.shape != expected:
            raise DataError(
                f"data file {str(path)!r}: Lambda_{i + 1} has shape {lam.shape}, expected {expected}, the shape "
                f"of W_{i + 1} for the widths {','.join(map(str, widths))} read from the other shapes"
            )
    inferred = Architecture(widths)
    if architecture is not None and architecture != inferred:
        raise DataError(
            f"data file {str(path)!r} has the shapes of widths {inferred}, not of widths {architecture}"
        )
    return Instance(inferred, arrays["X"], arrays["Y"], lambdas, regularization=regularization_of(lambdas))


def regularization_of(lambdas: Sequence[np.ndarray]) -> str:
    """``none`` when every Λ entry is 0, ``scalar`` when all are equal, else ``generic``.

    Examples
    --------
    >>> regularization_of([np.full((2, 1), 0.5), np.full((1, 2), 0.5)])
    'scalar'
    """
    values = np.concatenate([np.ravel(lam) for lam in lambdas])
    if np.all(values == 0):
        return "none"
    return "scalar" if np.all(values == values[0]) else "generic"
