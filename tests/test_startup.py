"""Start-up cost: importing the package must not pull in the heavy optional layers."""

from __future__ import annotations

import subprocess
import sys

import pytest

#: Modules a small solve does without: the symbolic layer, the isomorphism test (patterns with stray
#: zeros only), plotting, progress bars (only when shown) and package metadata.
HEAVY = ("sympy", "networkx", "scipy.spatial", "matplotlib", "tqdm", "importlib.metadata")


def _modules_after(statement: str) -> set[str]:
    """The heavy modules loaded by a fresh interpreter after running ``statement``."""
    probe = f"import sys\n{statement}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "statement",
    ["import linnet_crit", "import linnet_crit.cli", "from linnet_crit import solve, study, verify, TrackerOptions"],
)
def test_import_does_not_load_heavy_layers(statement):
    assert _modules_after(statement) == set(), f"{statement!r} imported {_modules_after(statement)}"


def test_a_small_cli_solve_loads_no_heavy_layer():
    """``linnet-crit solve --widths 1,1,1`` spends its time solving (classification, bounds and
    the printed tables included)."""
    statement = ("import contextlib, io\nfrom linnet_crit.cli import main\n"
                 "with contextlib.redirect_stdout(io.StringIO()):\n    main(['solve', '--widths', '1,2,2'])")
    assert _modules_after(statement) == set()


def test_lazy_names_resolve_to_the_same_objects():
    import linnet_crit
    from linnet_crit.classify import sign_orbit
    from linnet_crit.system import gradient_system

    assert linnet_crit.sign_orbit is sign_orbit and linnet_crit.gradient_system is gradient_system
    assert all(hasattr(linnet_crit, name) for name in linnet_crit.__all__)
    assert callable(linnet_crit.study) and callable(linnet_crit.verify)
    with pytest.raises(AttributeError, match="no_such_name"):
        linnet_crit.no_such_name  # noqa: B018
