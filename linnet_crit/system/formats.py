"""Writers of a numeric :class:`GradientSystem` for people and for other solvers.

- :func:`to_text` and :func:`to_json`: one equation per weight, SymPy syntax, exact coefficients.
- :func:`to_bertini`: a Bertini input file; coefficients exact (``p/q``), one ``variable_group``
  per layer so Bertini uses the layer-grouped multihomogeneous start system.
- :func:`to_phc`: PHCpack's input format; PHCpack reads coefficients in floating point, so they
  are written correctly rounded to 20 significant digits (the only rounding in this module).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Context, Decimal

import sympy as sp

from ..errors import DataError
from .gradient import GradientSystem

__all__ = ["to_text", "to_json", "to_bertini", "to_phc"]

_DIGITS = 20


def _require_numeric(system: GradientSystem, what: str) -> None:
    if system.is_symbolic:
        raise DataError(
            f"{what} needs numeric data but the system has symbolic parameters "
            f"({system.parameters[0]}, …); use system.substitute(instance) first"
        )


def _monomial(names: tuple[str, ...], exponents: tuple[int, ...]) -> str:
    return "*".join(n if e == 1 else f"{n}^{e}" for n, e in zip(names, exponents) if e)


def _rational(q: sp.Rational) -> str:
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


def _decimal(q: sp.Rational) -> str:
    value = Context(prec=_DIGITS).divide(Decimal(q.p), Decimal(q.q))
    return format(value, f".{_DIGITS - 1}E")


def _polynomial(terms, names: tuple[str, ...], number: Callable[[sp.Rational], str], unit: str) -> str:
    """``c1*m1 + c2*m2 - …`` with real coefficients signed, complex ones in parentheses."""
    pieces = []
    for exponents, coeff in terms:
        re, im = (sp.Rational(part) for part in coeff.as_real_imag())
        mono = _monomial(names, exponents)
        if im == 0:
            sign = "-" if re < 0 else "+"
            magnitude = "" if abs(re) == 1 and mono else number(abs(re))
        else:
            sign = "+"
            im_sign = "-" if im < 0 else "+"
            magnitude = f"({number(re)} {im_sign} {number(abs(im))}*{unit})"
        body = "*".join(p for p in (magnitude, mono) if p)
        pieces.append(f"{sign} {body}")
    text = " ".join(pieces) if pieces else "+ 0"
    return text[2:] if text.startswith("+ ") else "-" + text[2:]


def to_text(system: GradientSystem) -> str:
    """One line per equation, ``F[W1_0_0] = …`` in SymPy syntax, after a header naming the data.

    Examples
    --------
    >>> from linnet_crit.data import Instance
    >>> from linnet_crit.system import gradient_system
    >>> inst = Instance((1, 1, 1), X=[[1.0]], Y=[[2.0]], lambdas=[[[0.5]], [[0.25]]])
    >>> print(to_text(gradient_system(inst)))
    # widths 1,1,1; samples 1; seed None; 2 equations in 2 unknowns; exact coefficients
    F[W1_0_0] = W1_0_0*W2_0_0**2 + W1_0_0/2 - 2*W2_0_0
    F[W2_0_0] = W1_0_0**2*W2_0_0 - 2*W1_0_0 + W2_0_0/4
    """
    seed = system.instance.seed if system.instance is not None else None
    kind = f"parameters {', '.join(map(str, system.parameters))}" if system.is_symbolic else "exact coefficients"
    header = (
        f"# widths {system.architecture}; samples {system.samples}; seed {seed}; "
        f"{len(system.equations)} equations in {len(system.variables)} unknowns; {kind}"
    )
    lines = [f"F[{v}] = {sp.sstr(eq)}" for v, eq in zip(system.variables, system.equations)]
    return "\n".join([header, *lines])


def to_json(system: GradientSystem) -> dict:
    """A JSON-ready dict: widths, samples, seed, variables, parameters, equations (SymPy syntax).

    ``sympy.sympify`` reads the equations back exactly.

    Examples
    --------
    >>> from linnet_crit.system import gradient_system
    >>> sorted(to_json(gradient_system("1,1,1")))
    ['equations', 'parameters', 'regularization', 'samples', 'seed', 'variables', 'widths']
    """
    instance = system.instance
    return {
        "widths": list(system.architecture.widths),
        "samples": system.samples,
        "seed": instance.seed if instance is not None else None,
        "regularization": instance.regularization if instance is not None else None,
        "variables": [str(v) for v in system.variables],
        "parameters": [str(p) for p in system.parameters],
        "equations": [sp.sstr(eq) for eq in system.equations],
    }


def to_bertini(system: GradientSystem) -> str:
    """A Bertini input file for a numeric system: exact rational coefficients, one group per layer.

    Function ``F{layer}_{row}_{col}`` is the derivative of the loss by ``W{layer}_{row}_{col}``.

    Examples
    --------
    >>> from linnet_crit.data import Instance
    >>> from linnet_crit.system import gradient_system
    >>> inst = Instance((1, 1, 1), X=[[1.0]], Y=[[2.0]], lambdas=[[[0.5]], [[0.25]]])
    >>> print(to_bertini(gradient_system(inst)))  # doctest: +ELLIPSIS
    % linnet_crit gradient system: widths 1,1,1; samples 1; seed None
    CONFIG
    END;
    INPUT
    variable_group W1_0_0;
    variable_group W2_0_0;
    function F1_0_0, F2_0_0;
    F1_0_0 = W1_0_0*W2_0_0^2 + 1/2*W1_0_0 - 2*W2_0_0;
    F2_0_0 = W1_0_0^2*W2_0_0 - 2*W1_0_0 + 1/4*W2_0_0;
    END;
    """
    _require_numeric(system, "the Bertini format")
    names = tuple(str(v) for v in system.variables)
    functions = tuple("F" + name[1:] for name in names)
    seed = system.instance.seed if system.instance is not None else None
    lines = [
        f"% linnet_crit gradient system: widths {system.architecture}; samples {system.samples}; seed {seed}",
        "CONFIG",
        "END;",
        "INPUT",
    ]
    for group in system.architecture.groups():
        lines.append(f"variable_group {', '.join(names[k] for k in group)};")
    lines.append(f"function {', '.join(functions)};")
    for fname, terms in zip(functions, system.terms()):
        lines.append(f"{fname} = {_polynomial(terms, names, _rational, 'I')};")
    lines.append("END;")
    return "\n".join(lines)


def to_phc(system: GradientSystem) -> str:
    """PHCpack's input format (``phc -b file``): the count, then one polynomial per line.

    Coefficients are rounded correctly to 20 significant digits (PHCpack computes in floating
    point); ``i`` is the imaginary unit.

    Examples
    --------
    >>> from linnet_crit.data import Instance
    >>> from linnet_crit.system import gradient_system
    >>> inst = Instance((1, 1, 1), X=[[1.0]], Y=[[2.0]], lambdas=[[[0.5]], [[0.25]]])
    >>> print(to_phc(gradient_system(inst)))
    2
     W1_0_0*W2_0_0^2 + 5.0000000000000000000E-1*W1_0_0 - 2.0000000000000000000E+0*W2_0_0;
     W1_0_0^2*W2_0_0 - 2.0000000000000000000E+0*W1_0_0 + 2.5000000000000000000E-1*W2_0_0;
    """
    _require_numeric(system, "the PHCpack format")
    names = tuple(str(v) for v in system.variables)
    lines = [str(len(system.equations))]
    lines += [f" {_polynomial(terms, names, _decimal, 'i')};" for terms in system.terms()]
    return "\n".join(lines)
