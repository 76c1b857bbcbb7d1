"""Every Examples section of every module of the package runs and shows what it claims.

One test per module, found by walking the package, so a new module's examples are checked without
being listed and a stale one fails (the budget's estimates had drifted from their examples when
the monodromy's checks came in, unseen while only chosen modules were run). Modules whose
examples call gfan (the ``mixedvolume`` extra) skip without it.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import linnet_crit

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(linnet_crit.__path__, "linnet_crit.") if not info.name.endswith("__main__")
)
#: Modules whose examples run gfan.
NEEDS_GFAN = {"linnet_crit.bounds.bkk", "linnet_crit.bounds.summary", "linnet_crit.cli"}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, request):
    if name in NEEDS_GFAN:
        request.getfixturevalue("gfan")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed"


def test_modules_were_found():
    # a walk that finds nothing would pass every module vacuously
    assert len(MODULES) > 40 and "linnet_crit.budget" in MODULES and "linnet_crit.solvers.native.blackbox" in MODULES
