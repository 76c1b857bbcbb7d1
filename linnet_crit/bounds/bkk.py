"""BKK bounds: mixed volumes of the supports of the gradient system, computed by gfan.

The supports are those of the system with symbolic X (dx × m), Y and Λ: a monomial is in the
support when its coefficient is a nonzero polynomial in the data, i.e. nonzero for generic data
with m samples. gfan's ``_mixedvolume`` (from ``passagemath-gfan`` or a gfan on PATH) computes
the mixed volume; no mixed-volume algorithm is implemented here.
"""

from __future__ import annotations

import itertools
import os
import shutil
import site
import string
import subprocess
import sysconfig
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ..architecture import Architecture
from ..errors import SolverError, ToolUnavailableError
from ..architecture import as_architecture
from .classical import check_samples

__all__ = ["bkk_torus", "bkk_affine", "mixed_volume", "generic_supports", "gfan_executable"]

Support = frozenset[tuple[int, ...]]


def gfan_executable() -> str:
    """Path of the gfan binary: the ``passagemath-gfan`` wheel's copy, else ``gfan`` on PATH."""
    bases = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    if site.ENABLE_USER_SITE:
        bases.add(site.getusersitepackages())
    for base in sorted(bases):
        candidate = Path(base) / "sage_wheels" / "bin" / "gfan"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("gfan")
    if found is None:
        raise ToolUnavailableError(
            "mixed volumes need gfan, which is not installed; pip install 'linnet-crit[mixedvolume]'"
        )
    return found


def _names(n: int) -> list[str]:
    # gfan's parser needs prefix-free names (x1 beside x10 breaks it): all of one length.
    length = 2
    while 26**length < n:
        length += 1
    return ["".join(p) for p in itertools.islice(itertools.product(string.ascii_lowercase, repeat=length), n)]


def _gfan_input(supports: Sequence[Support], with_origin: bool) -> str:
    n = len(next(iter(supports[0])))
    names = _names(n)
    polys = []
    for support in supports:
        points = set(support) | ({(0,) * n} if with_origin else set())
        monomials = []
        for exponents in sorted(points):
            factors = [name if e == 1 else f"{name}^{e}" for name, e in zip(names, exponents) if e]
            monomials.append("*".join(factors) or "1")
        polys.append("+".join(monomials))
    body = ",\n".join(polys)
    return f"Q[{','.join(names)}]\n{{{body}}}\n"


def mixed_volume(supports: Sequence[Support], *, with_origin: bool = False, threads: int = 2) -> int:
    """Mixed volume of the convex hulls of ``supports`` (n point sets in Zⁿ), by ``gfan _mixedvolume``.

    With ``with_origin`` the origin is added to every support first.

    Examples
    --------
    >>> mixed_volume([frozenset({(2, 0), (0, 1)}), frozenset({(1, 1), (0, 1)})], with_origin=True)
    3
    """
    command = [gfan_executable(), "_mixedvolume", "-j", str(threads)]
    completed = subprocess.run(
        command, input=_gfan_input(supports, with_origin), capture_output=True, text=True, check=False
    )
    output = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not output or not output[-1].strip().isdigit():
        detail = (completed.stderr.strip().splitlines() or ["no message"])[-1]
        raise SolverError(f"gfan _mixedvolume failed (exit {completed.returncode}): {detail}")
    return int(output[-1])


@lru_cache(maxsize=None)
def _generic_supports(widths: tuple[int, ...], samples: int) -> tuple[Support, ...]:
    """The supports read off the loss's structure (no SymPy, which took 0.3 s of a warm CLI solve).

    L = ½ Σ_o (Σ_{i,i'} P_oi P_oi' Σxx_ii') − Σ_{o,i} P_oi Σyx_oi + ½ Σ Λ∘W∘W with P = W_{H+1}⋯W_1,
    P_oi a sum over chains i → k_1 → … → o of products of one weight per layer. For symbolic data
    each monomial's coefficient is a sum of distinct data monomials (Σxx_ii' for every pair of
    chains into the same output, Σyx_oi for every chain, Λ_j for w_j²), so none cancels and the
    support of L is: pairs of chains into one output, single chains, and every w_j². The support of
    F_j = ∂L/∂w_j is {e − u_j : e ∈ supp L, e_j ≥ 1}. The number of samples does not enter (every
    entry of Σxx = XXᵀ is a nonzero polynomial in X for any m ≥ 1);
    ``tests/bounds/test_bounds_functions.py`` checks it against SymPy's expansion.
    """
    arch = Architecture(widths)
    n = arch.n_unknowns

    def index(layer: int, row: int, col: int) -> int:
        return arch.offsets[layer] + row * widths[layer] + col

    loss: set[tuple[int, ...]] = set()
    for output in range(widths[-1]):
        chains = []
        for path in itertools.product(*(range(w) for w in widths[:-1])):
            nodes = (*path, output)
            chains.append(tuple(index(layer, nodes[layer + 1], nodes[layer]) for layer in range(len(widths) - 1)))
        for a, first in enumerate(chains):
            loss.add(_monomial(n, first))
            for second in chains[a:]:
                loss.add(_monomial(n, first + second))
    for j in range(n):
        loss.add(_monomial(n, (j, j)))
    supports = []
    for j in range(n):
        supports.append(frozenset(e[:j] + (e[j] - 1,) + e[j + 1 :] for e in loss if e[j]))
    return tuple(supports)


def _monomial(n: int, variables: tuple[int, ...]) -> tuple[int, ...]:
    exponents = [0] * n
    for j in variables:
        exponents[j] += 1
    return tuple(exponents)


def generic_supports(arch: Architecture | Sequence[int] | str, samples: int = 1) -> tuple[Support, ...]:
    """Supports of the N equations for generic data with ``samples`` data points (in variable order).

    Examples
    --------
    >>> sorted(generic_supports((1, 1, 1))[0])
    [(0, 1), (1, 0), (1, 2)]
    """
    return _generic_supports(as_architecture(arch).widths, check_samples(samples))


@lru_cache(maxsize=None)
def _bkk(widths: tuple[int, ...], samples: int, with_origin: bool) -> int:
    return mixed_volume(_generic_supports(widths, samples), with_origin=with_origin)


def bkk_torus(arch: Architecture | Sequence[int] | str, samples: int = 1) -> int:
    """BKK bound: the mixed volume of the supports, bounding the isolated solutions in (C*)ⁿ.

    Holds for all data; equals the number of solutions in (C*)ⁿ only when the coefficients are
    generic for the supports (ours are not: the bound is usually far from attained). Cached.

    Examples
    --------
    >>> bkk_torus((1, 1, 1))
    4
    """
    return _bkk(as_architecture(arch).widths, check_samples(samples), False)


def bkk_affine(arch: Architecture | Sequence[int] | str, samples: int = 1) -> int:
    """BKK bound in Cⁿ: the mixed volume after adding the origin to every support.

    This is the "BKK" column of the thesis tables (HomotopyContinuation.jl's polyhedral path
    count). Bounds the isolated solutions in Cⁿ for all data (Li–Wang). Cached.

    Examples
    --------
    >>> bkk_affine((1, 1, 1))
    5
    """
    return _bkk(as_architecture(arch).widths, check_samples(samples), True)
