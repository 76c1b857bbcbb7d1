"""Exact counts of critical points over a prime field, by Singular's Gröbner bases.

The gradient system ``U_iᵀ (W Σxx − Σyx) V_iᵀ + Λ_i ∘ W_i = 0`` is built inside Singular from
matrices of ring variables (no symbolic expansion in Python), over GF(p):

* from an :class:`~linnet_crit.architecture.Architecture`: X, Y and Λ are random elements of
  GF(p) drawn from a seeded :func:`numpy.random.default_rng` — generic data, so the count is the
  generic count of the architecture;
* from an :class:`~linnet_crit.data.Instance`: its own data reduced mod p. Float entries are exact
  binary rationals ``a / 2^k``; their denominators never vanish mod an odd prime.

What is sound, and what is probabilistic. Singular's answer is exact for the system over GF(p).
It equals the count over C of the system over Q for all but finitely many primes ("unlucky"
primes), and for random GF(p) data it equals the generic count outside a proper subvariety of
data — a Schwartz–Zippel argument, failing with probability about (degree of that subvariety)/p.
Neither is a proof for a given p; recompute with a second ``prime`` to raise confidence.

Counts are ``vdim`` of a standard basis: solutions in Cⁿ with multiplicity; ``n_torus`` after
saturation by the product of all variables. Distinct solutions: the characteristic polynomial of
multiplication by a random linear form ℓ on the quotient algebra is computed with FLINT; it is
Π_p (t − ℓ(p))^mult(p) (Stickelberger), so if it is squarefree there are ``vdim`` distinct points,
each of multiplicity one (a proof, whatever ℓ). Otherwise the radical is computed (slower). For a
reduced zero-dimensional ideal J the quotient by J + (x_1⋯x_n) has one dimension per point with a
zero coordinate, so n_torus = vdim(J) − vdim(J + (x_1⋯x_n)); otherwise, and for positive-dimensional
ideals, the torus part is the saturation by x_1⋯x_n.
"""

from __future__ import annotations

import functools
import shutil
import site
import subprocess
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..architecture import Architecture, as_architecture
from ..checks import is_whole, whole_number
from ..data import REGULARIZATIONS, Instance
from ..errors import BudgetExceededError, DataError, SolverError, ToolUnavailableError

__all__ = ["ExactCount", "exact_count", "singular_executable", "singular_version", "DEFAULT_PRIME"]

#: The prime of the reference measurements (Singular's classic default characteristic).
DEFAULT_PRIME = 32003
_INSTALL_HINT = "install it with pip install 'linnet-crit[exact]' (or apt install singular)"


@dataclass(frozen=True)
class ExactCount:
    """What Singular proved about the gradient system over GF(p).

    Attributes
    ----------
    widths, samples, regularization : the system counted.
    data : ``"random"`` (generic GF(p) data drawn with ``seed``) or ``"instance"`` (the
        instance's own data mod p).
    dimension : Krull dimension of the ideal; > 0 means a positive-dimensional critical set.
    n_solutions : solutions in Cⁿ counted with multiplicity (``vdim``); None if dimension > 0.
    n_distinct : distinct solutions in Cⁿ; None if dimension > 0.
    torus_dimension : dimension after saturating by the product of the variables (−1: empty).
    n_torus, n_torus_distinct : the same counts in (C*)ⁿ; None if torus_dimension > 0.
    degree : degree of the top-dimensional part (Singular ``mult``), only when dimension > 0.
    origin_multiplicity : local multiplicity of W = 0 (1: isolated and nonsingular; None: the
        origin lies on a positive-dimensional component).
    reducedness : how n_distinct was obtained (``"squarefree charpoly"`` or ``"radical"``).
    tool, version, prime, seed, seconds : provenance; ``seed`` drew the data (when ``data`` is
        ``"random"``) and the linear form of the multiplicity check.
    """

    widths: tuple[int, ...]
    samples: int
    regularization: str
    data: str
    dimension: int
    n_solutions: int | None
    n_distinct: int | None
    torus_dimension: int
    n_torus: int | None
    n_torus_distinct: int | None
    degree: int | None
    origin_multiplicity: int | None
    reducedness: str | None
    tool: str
    version: str
    prime: int
    seed: int
    seconds: float

    @property
    def reduced(self) -> bool | None:
        """Every solution has multiplicity one (None when the ideal is positive-dimensional)."""
        if self.n_solutions is None:
            return None
        return self.n_distinct == self.n_solutions

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready (the result protocol of docs/architecture.md)."""
        return asdict(self)

    def __str__(self) -> str:
        head = (
            f"exact count for widths {','.join(map(str, self.widths))} (m = {self.samples}, "
            f"{self.regularization} Λ, {self.data} data over GF({self.prime}), seed {self.seed}): "
        )
        if self.dimension > 0:
            body = f"positive-dimensional, dimension {self.dimension}, degree {self.degree}"
        else:
            body = (
                f"{self.n_solutions} solutions in Cⁿ ({self.n_distinct} distinct), "
                f"{self.n_torus} in (C*)ⁿ"
            )
        return head + body + f"; {self.tool} {self.version}, {self.seconds:.2f} s"


# --- the tool --------------------------------------------------------------------------------
def singular_executable() -> str | None:
    """Path of a Singular binary: the ``passagemath-singular`` wheel's, else ``Singular`` on PATH.

    Examples
    --------
    >>> singular_executable() is None or Path(singular_executable()).name == "Singular"
    True
    """
    paths = sysconfig.get_paths()
    bases = [paths["purelib"], paths["platlib"], *site.getsitepackages(), site.getusersitepackages()]
    for base in dict.fromkeys(bases):
        candidate = Path(base) / "sage_wheels" / "bin" / "Singular"
        if candidate.is_file():
            return str(candidate)
    return shutil.which("Singular")


def _require_singular() -> str:
    exe = singular_executable()
    if exe is None:
        raise ToolUnavailableError(f"exact counts need Singular, which was not found; {_INSTALL_HINT}")
    return exe


@functools.cache
def singular_version(executable: str | None = None) -> str:
    """Version string of Singular, e.g. ``"4.4.1"``."""
    exe = executable or _require_singular()
    out = subprocess.run([exe, "--dump-versiontuple"], capture_output=True, text=True, check=False)
    return out.stdout.strip() or "unknown"


def _run_singular(script: str, timeout: float | None) -> dict[str, str]:
    """Run a script; return its ``LINNET key value`` lines as a dict (matrices come as one long line)."""
    exe = _require_singular()
    with tempfile.TemporaryDirectory(prefix="linnet_singular_") as tmp:
        path = Path(tmp) / "system.sing"
        path.write_text(script)
        try:
            out = subprocess.run(
                [exe, "-q", "-t", "--no-rc", "--no-warn", "--cpus=1", str(path)],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BudgetExceededError(
                f"Singular did not finish within timeout={timeout} s; raise the timeout or count a "
                "smaller architecture"
            ) from None
    errors = [line for line in out.stdout.splitlines() + out.stderr.splitlines() if line.lstrip().startswith("?")]
    if errors or out.returncode != 0:
        detail = "; ".join(errors[:3]) or out.stderr.strip()[:300] or f"exit status {out.returncode}"
        raise SolverError(f"Singular failed on the generated script: {detail}")
    values = {}
    for line in out.stdout.splitlines():
        if line.startswith("LINNET "):
            _, key, value = line.split(" ", 2)
            values[key] = value
    return values


# --- data over GF(p) -------------------------------------------------------------------------
def _float_mod_p(value: float, prime: int) -> int:
    q = Fraction(float(value))  # exact: a float is a binary rational
    return q.numerator * pow(q.denominator, -1, prime) % prime


def _instance_data(instance: Instance, prime: int) -> list[np.ndarray]:
    if not instance.is_real:
        raise DataError(
            "exact counts take real (rational) data; this instance has complex entries — count "
            "its architecture on generic data instead (exact_count(instance.architecture, ...))"
        )
    return [
        np.vectorize(lambda v: _float_mod_p(v, prime), otypes=[object])(a)
        for a in (instance.X, instance.Y, *instance.lambdas)
    ]


def _random_data(
    arch: Architecture, samples: int, regularization: str, prime: int, rng: np.random.Generator
) -> list[np.ndarray]:
    X = rng.integers(0, prime, (arch.dx, samples))
    Y = rng.integers(0, prime, (arch.dy, samples))
    if regularization == "generic":
        lambdas = [rng.integers(1, prime, shape) for shape in arch.shapes]
    elif regularization == "scalar":
        lam = rng.integers(1, prime)
        lambdas = [np.full(shape, lam) for shape in arch.shapes]
    else:
        lambdas = [np.zeros(shape, dtype=int) for shape in arch.shapes]
    return [X, Y, *lambdas]


# --- the Singular script ---------------------------------------------------------------------
def _matrix(name: str, entries: np.ndarray) -> str:
    rows, cols = entries.shape
    return f"matrix {name}[{rows}][{cols}] = " + ",".join(str(int(v)) for v in entries.ravel()) + ";"


def _product(first: int, last: int) -> str:
    """``W{last}*…*W{first}`` (1-based, descending), empty when first > last."""
    return "*".join(f"W{i}" for i in range(last, first - 1, -1))


def _system_lines(arch: Architecture, data: list[np.ndarray], prime: int) -> list[str]:
    X, Y, *lambdas = data
    n, L = arch.n_unknowns, arch.n_layers
    lines = [f"ring r = {prime}, (x(1..{n})), dp;"]
    for i, (rows, cols) in enumerate(arch.shapes):
        names = [f"x({arch.offsets[i] + k + 1})" for k in range(rows * cols)]
        lines.append(f"matrix W{i + 1}[{rows}][{cols}] = " + ",".join(names) + ";")
    lines += [_matrix("X", X), _matrix("Y", Y)]
    lines.append(f"matrix E = {_product(1, L)}*X*transpose(X) - Y*transpose(X);")
    for layer in range(1, L + 1):
        U, V = _product(layer + 1, L), _product(1, layer - 1)
        expr = (f"transpose({U})*" if U else "") + "E" + (f"*transpose({V})" if V else "")
        lines.append(f"matrix F{layer} = {expr};")
        rows, cols = arch.shapes[layer - 1]
        for r in range(rows):
            for c in range(cols):
                lam = int(lambdas[layer - 1][r, c])
                if lam:
                    var = arch.offsets[layer - 1] + r * cols + c + 1
                    lines.append(f"F{layer}[{r + 1},{c + 1}] = F{layer}[{r + 1},{c + 1}] + {lam}*x({var});")
    lines.append("ideal I = " + " + ".join(f"ideal(F{k})" for k in range(1, L + 1)) + ";")
    return lines


# Zero-dimensional: the multiplication matrix of a random linear form (on the monomial basis B of
# the quotient) for the reducedness check, and the length of the quotient by the product of the
# variables: for a reduced ideal that is the number of points with a zero coordinate. Adding one
# polynomial to a standard basis is far cheaper than a saturation or a multiplication matrix of
# the product (1,4,4: 12 s against 79 s).
_COUNT_PROGRAM = """
ideal J = std(I);
int d = dim(J);
poly pr = {product};
print("LINNET dimension " + string(d));
if (d > 0) {{
  print("LINNET degree " + string(mult(J)));
  def S = sat(J, pr);
  ideal T;
  if (typeof(S) == "list") {{ T = S[1]; }} else {{ T = S; }}
  T = std(T);
  print("LINNET torus_dimension " + string(dim(T)));
  if (dim(T) <= 0) {{ print("LINNET torus " + string(vdim(T))); }}
}}
if (d == 0) {{
  print("LINNET vdim " + string(vdim(J)));
  ideal B = kbase(J);
  poly ell = {linear_form};
  print("LINNET linear_form " + string(coeffs(reduce(ell*B, J), B)));
  print("LINNET nontorus_points " + string(vdim(std(J, reduce(pr, J)))));
}}
ring rl = {prime}, (x(1..{n})), ds;
ideal Il = imap(r, I);
print("LINNET origin " + string(vdim(std(Il))));
quit;
"""

# Not reduced (non-generic data): distinct points from the radical. ``zeroRad`` (primdec.lib,
# after option(redSB)) is the radical of a zero-dimensional ideal in seconds where ``radical`` took
# minutes. Torus points: saturate by the product of the variables BEFORE the radical (the radical
# of the saturation is the saturation of the radical, and the saturated ideal is smaller); the
# unit ideal (no torus point) is treated on its own because zeroRad rejects it.
_RADICAL_PROGRAM = """
ideal J = std(I);
poly pr = {product};
ideal R = std(zeroRad(J));
print("LINNET distinct " + string(vdim(R)));
def S = sat(J, pr);
ideal T;
if (typeof(S) == "list") {{ T = S[1]; }} else {{ T = S; }}
T = std(T);
int nt = vdim(T);
print("LINNET torus " + string(nt));
if (nt == 0) {{ print("LINNET torus_distinct 0"); }}
else {{ print("LINNET torus_distinct " + string(vdim(std(zeroRad(T))))); }}
quit;
"""


def _script(lines: list[str], program: str, libraries: Sequence[str]) -> str:
    head = [f'LIB "{lib}";' for lib in libraries] + ["option(redSB);"]
    return "\n".join(head + lines) + program


def _linear_form_is_separating(entries: str, size: int, prime: int) -> bool:
    """Is the characteristic polynomial of the printed multiplication matrix squarefree over GF(p)?"""
    from flint import nmod_mat

    values = (np.array(entries.split(","), dtype=np.int64) % prime).tolist()
    if len(values) != size * size:
        raise SolverError(f"Singular returned {len(values)} multiplication-matrix entries, expected {size * size}")
    poly = nmod_mat(size, size, values, prime).charpoly()
    return poly.gcd(poly.derivative()).degree() == 0


def _optional_int(values: dict[str, str], key: str) -> int | None:
    return int(values[key]) if key in values else None


# --- the public function ---------------------------------------------------------------------
def exact_count(
    instance_or_arch: Instance | Architecture | Sequence[int] | str,
    *,
    samples: int = 1,
    seed: int = 0,
    prime: int = DEFAULT_PRIME,
    regularization: str = "generic",
    timeout: float | None = None,
) -> ExactCount:
    """Count the critical points exactly over GF(prime) with Singular.

    Parameters
    ----------
    instance_or_arch : Instance, Architecture or widths
        An instance is counted with its own (real) data mod ``prime``; an architecture with
        random GF(prime) data (``samples`` data points, ``regularization`` as in
        :func:`~linnet_crit.data.random_instance`). ``samples`` and ``regularization`` are
        ignored for an instance.
    seed : int
        Seeds the random data and the random linear form of the multiplicity check.
    prime : int
        An odd prime (Singular accepts primes up to 2147483647).
    timeout : float, optional
        Seconds before Singular is stopped (raises BudgetExceededError).

    Returns
    -------
    ExactCount
        Positive-dimensional systems are reported (``dimension > 0``), not raised.

    Examples
    --------
    >>> count = exact_count((2, 2, 2), seed=0)
    >>> count.n_solutions, count.n_torus, count.n_distinct
    (33, 16, 33)
    """
    start = time.perf_counter()
    if not _is_odd_prime(prime):
        raise DataError(f"prime = {prime!r} is not an odd prime; use e.g. 32003 or 2147483629")
    rng = np.random.default_rng(seed)
    arch, source, samples, regularization, data = _system_data(instance_or_arch, samples, regularization, prime, rng)
    lines = _system_lines(arch, data, prime)
    n = arch.n_unknowns
    product = "*".join(f"x({k})" for k in range(1, n + 1))
    linear_form = "+".join(f"{int(c)}*x({k + 1})" for k, c in enumerate(rng.integers(1, prime, n)))
    program = _COUNT_PROGRAM.format(product=product, linear_form=linear_form, prime=prime, n=n)
    values = _run_singular(_script(lines, program, ["elim.lib"]), timeout)
    counts = _zero_dimensional_counts(arch, values, lines, product, prime, timeout)
    origin = int(values["origin"])
    return ExactCount(
        widths=arch.widths,
        samples=samples,
        regularization=regularization,
        data=source,
        dimension=int(values["dimension"]),
        degree=_optional_int(values, "degree"),
        origin_multiplicity=origin if origin >= 0 else None,
        tool="Singular",
        version=singular_version(singular_executable()),
        prime=prime,
        seed=seed,
        seconds=time.perf_counter() - start,
        **counts,
    )


def _system_data(instance_or_arch, samples, regularization, prime: int, rng: np.random.Generator):
    """Architecture, data source, samples, regularization and GF(p) data of what is to be counted."""
    if isinstance(instance_or_arch, Instance):
        inst = instance_or_arch
        return inst.architecture, "instance", inst.samples, inst.regularization, _instance_data(inst, prime)
    arch = as_architecture(instance_or_arch)
    samples = whole_number(samples, "samples", minimum=1, fix="the number of data points must be an integer ≥ 1")
    if regularization not in REGULARIZATIONS:
        raise DataError(f"regularization {regularization!r} is not one of {REGULARIZATIONS}")
    return arch, "random", int(samples), regularization, _random_data(arch, int(samples), regularization, prime, rng)


def _zero_dimensional_counts(arch: Architecture, values: dict[str, str], lines, product: str, prime: int, timeout) -> dict:
    """n_solutions, n_distinct, n_torus, n_torus_distinct, torus_dimension and how reducedness was shown."""
    n_solutions = _optional_int(values, "vdim")
    counts = {
        "n_solutions": n_solutions, "n_distinct": None, "n_torus": _optional_int(values, "torus"),
        "n_torus_distinct": None, "torus_dimension": _optional_int(values, "torus_dimension"), "reducedness": None,
    }
    if n_solutions is None:
        return counts
    if _linear_form_is_separating(values["linear_form"], n_solutions, prime):
        n_torus = n_solutions - int(values["nontorus_points"])
        counts.update(n_distinct=n_solutions, n_torus=n_torus, n_torus_distinct=n_torus, reducedness="squarefree charpoly")
    else:
        radical = _run_singular(
            _script(lines, _RADICAL_PROGRAM.format(product=product), ["elim.lib", "primdec.lib"]), timeout
        )
        counts.update(
            n_distinct=int(radical["distinct"]), n_torus=int(radical["torus"]),
            n_torus_distinct=int(radical["torus_distinct"]), reducedness="radical",
        )
    counts["torus_dimension"] = 0 if counts["n_torus"] else -1
    _check_orbit_multiple(arch, counts["n_torus_distinct"])
    return counts


def _check_orbit_multiple(arch: Architecture, n_torus_distinct: int | None) -> None:
    """Sign flips act freely on the torus, so its points come in whole orbits of 2^(Σ d_i); any
    other number means the script counted something else (this caught a wrong script once)."""
    orbit = 2 ** sum(arch.hidden)
    if n_torus_distinct is not None and n_torus_distinct % orbit:
        raise SolverError(
            f"Singular reported {n_torus_distinct} distinct torus points for widths {arch}, not a multiple of "
            f"the sign-orbit size {orbit}; this is a bug in the exact-count script (or an unlucky prime: "
            "retry with another prime=)"
        )


def _is_odd_prime(p: object) -> bool:
    if not is_whole(p) or p < 3 or p % 2 == 0:
        return False
    return all(p % k for k in range(3, int(p**0.5) + 1, 2))
