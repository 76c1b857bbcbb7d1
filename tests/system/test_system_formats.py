"""Writers: text and JSON read back exactly, Bertini exactly, PHCpack to 20 digits; phc solves our file."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest
import sympy as sp

from linnet_crit.bounds import published_row
from linnet_crit.data import random_instance
from linnet_crit.errors import DataError
from linnet_crit.system import gradient_system, to_bertini, to_json, to_phc, to_text


def _complex_instance(widths, seed):
    inst = random_instance(widths, samples=2, seed=seed)
    return inst.with_parameters(inst.parameter_vector() * np.exp(0.7j * np.arange(inst.parameter_vector().size)))


SYSTEMS = {
    "real": lambda: gradient_system(random_instance((2, 2, 1, 2), seed=1)),
    "complex": lambda: gradient_system(_complex_instance((1, 2, 2), seed=2)),
}


def _parse(text: str, system) -> sp.Expr:
    names = {str(v): v for v in system.variables}
    return sp.sympify(text.replace("^", "**"), locals=names)


@pytest.mark.parametrize("kind", sorted(SYSTEMS))
def test_text_and_json_read_back_exactly(kind):
    system = SYSTEMS[kind]()
    lines = to_text(system).splitlines()
    assert lines[0].startswith("# widths") and len(lines) == 1 + len(system.variables)
    for line, variable, equation in zip(lines[1:], system.variables, system.equations):
        head, body = line.split(" = ")
        assert head == f"F[{variable}]"
        assert sp.expand(_parse(body, system) - equation) == 0
    data = to_json(system)
    assert data["variables"] == [str(v) for v in system.variables]
    assert all(sp.expand(_parse(e, system) - f) == 0 for e, f in zip(data["equations"], system.equations))


@pytest.mark.parametrize("kind", sorted(SYSTEMS))
def test_bertini_file_reads_back_exactly(kind):
    system = SYSTEMS[kind]()
    text = to_bertini(system)
    groups = re.findall(r"^variable_group (.*);$", text, flags=re.M)
    layers = system.architecture.groups()
    assert [g.split(", ") for g in groups] == [[str(system.variables[k]) for k in layer] for layer in layers]
    functions = re.findall(r"^(F\d+_\d+_\d+) = (.*);$", text, flags=re.M)
    assert [name for name, _ in functions] == ["F" + str(v)[1:] for v in system.variables]
    for (_, body), equation in zip(functions, system.equations):
        assert sp.expand(_parse(body, system) - equation) == 0
    assert text.splitlines()[-1] == "END;"


@pytest.mark.parametrize("kind", sorted(SYSTEMS))
def test_phc_file_has_twenty_correct_digits(kind):
    system = SYSTEMS[kind]()
    lines = to_phc(system).splitlines()
    assert int(lines[0]) == len(system.variables) == len(lines) - 1
    for line, exact in zip(lines[1:], system.polys()):
        assert line.endswith(";")
        decimals = re.sub(r"(\d\.\d+E[+-]\d+)", r"Rational('\1')", line[:-1]).replace("*i)", "*I)")
        read = sp.Poly(_parse(decimals, system), *system.variables)
        assert read.monoms() == exact.monoms()
        for got, want in zip(read.coeffs(), exact.coeffs()):
            assert abs(complex(got - want)) <= 1e-19 * abs(complex(want))


@pytest.mark.parametrize("writer", [to_bertini, to_phc])
def test_solver_formats_need_numeric_data(writer):
    with pytest.raises(DataError, match="substitute"):
        writer(gradient_system((1, 2, 1)))


@pytest.mark.phc
@pytest.mark.xdist_group("phc")  # phc runs side by side were seen to return no solutions
def test_phc_solves_our_file_to_the_published_count(phc, tmp_path):
    widths = (1, 2, 1)
    (tmp_path / "system").write_text(to_phc(gradient_system(random_instance(widths, seed=3))) + "\n")
    subprocess.run([phc, "-b", "system", "solutions"], cwd=tmp_path, capture_output=True, timeout=300, check=True)
    report = (tmp_path / "solutions").read_text()
    regular = re.search(r"A list of (\d+) solutions has been refined :\nNumber of regular solutions\s*: (\d+)\.", report)
    assert regular is not None
    assert int(regular.group(1)) == int(regular.group(2)) == published_row(widths)["N_C"]


@pytest.mark.bertini
def test_bertini_reads_evaluates_and_solves_our_file():
    bertini = pytest.importorskip("bertini")
    from linnet_crit.bounds import multihomogeneous_bezout
    from linnet_crit.numeric import Parameters, gradient

    widths = (1, 2, 1)
    inst = random_instance(widths, seed=3)
    system = bertini.parse.system(to_bertini(gradient_system(inst)))
    assert (system.num_variables(), system.num_functions(), system.num_variable_groups()) == (4, 4, 2)
    x = np.array([0.3 + 0.1j, -0.2 + 0.5j, 0.7 - 0.4j, 0.1 + 0.9j])
    np.testing.assert_allclose(system.eval(x), gradient(inst.architecture, x[None], Parameters.of(inst))[0], rtol=1e-14)
    solver = bertini.nag_algorithm.ZeroDimSolver(system, startsystem="mhom", mptype="double")
    solver.solve()
    assert solver.num_paths() == multihomogeneous_bezout(widths)  # its layer-grouped start system
    assert len(solver.nonsingular_solutions()) == published_row(widths)["N_C"]
