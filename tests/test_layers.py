"""Layers point one way: a module imports only modules of its own or a lower layer.

The test walks the ``ast`` of every module of the package (no import is executed) and checks
three rules, written down in docs/architecture.md:

1. No module imports a module of a higher layer (:data:`LAYERS`, lowest first).
2. An import inside a function is allowed only for start-up time or an optional dependency and
   says so on its line (``# lazy: start-up`` or ``# optional dependency``); anything else is a
   cycle dodged, i.e. a layering bug.
3. Nothing outside ``linnet_crit.solvers`` imports the engines' internals (``solvers.native``,
   ``solvers.hc``): callers use the public API of ``linnet_crit.solvers``.

Modules owned by other work in progress that still break a rule are listed in
:data:`KNOWN_EXCEPTIONS` with the reason; the list is meant to be emptied, never extended.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "linnet_crit"

#: Lowest first. A module's layer is that of its longest listed prefix.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_version",),
    ("errors",),
    ("checks",),  # the one whole-number argument check: errors and numpy only
    ("progress",),  # progress bars, tqdm imported only when one is shown
    ("executors",),  # where units of work run: errors and checks only, so one solve can use it too
    ("architecture",),
    ("points", "sign_flips"),  # point identity and the sign-flip group: numpy and architecture only
    ("data",),
    ("genericity",),
    ("system", "numeric"),
    ("bounds",),
    ("options",),
    ("results",),
    ("zeros",),
    ("solvers",),
    ("classify",),
    ("readwrite",),
    ("budget",),
    ("study", "streamed"),
    ("verify",),
    ("landscape",),
    ("plots",),
    ("cli", "__main__"),
    ("",),  # the package itself: linnet_crit/__init__.py re-exports everything
)

#: Comments that make an import inside a function legitimate.
MARKS = ("# lazy: start-up", "# optional dependency")

#: Engine internals only linnet_crit.solvers itself may import.
ENGINE_INTERNALS = ("solvers.native", "solvers.hc")

#: (importing module, imported module) → why it is still here. To be emptied by the integrator.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    module: str  # importing module, relative to the package ("" for the package itself)
    target: str  # imported module, relative to the package
    line: int
    in_function: bool
    marked: bool


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[Import]:
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    module = _name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = [p for p in package if p]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            targets: list[str] = []
            if isinstance(child, ast.ImportFrom):
                base = None
                if child.level:
                    base = ".".join(package[: len(package) - (child.level - 1)] + ([child.module] if child.module else []))
                elif child.module and (child.module == "linnet_crit" or child.module.startswith("linnet_crit.")):
                    base = child.module.removeprefix("linnet_crit").lstrip(".")
                if base is not None:
                    # each name may be a submodule (``from . import landscape``); _resolve keeps what exists
                    targets = [_resolve(".".join(filter(None, (base, a.name)))) for a in child.names]
            elif isinstance(child, ast.Import):
                targets = [
                    _resolve(a.name.removeprefix("linnet_crit").lstrip("."))
                    for a in child.names
                    if a.name == "linnet_crit" or a.name.startswith("linnet_crit.")
                ]
            statement = lines[child.lineno - 1 : getattr(child, "end_lineno", child.lineno)] if targets else []
            marked = any(mark in text for text in statement for mark in MARKS)
            found.extend(Import(module, t, child.lineno, in_function, marked) for t in targets)
            visit(child, inside)

    visit(tree, False)
    return found


def _resolve(target: str) -> str:
    """``from .x import name`` may import a submodule ``x.name``; keep only what exists."""
    parts = target.split(".") if target else []
    while parts and not ((PACKAGE.joinpath(*parts).with_suffix(".py")).exists() or PACKAGE.joinpath(*parts).is_dir()):
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int:
    best, best_len = None, -1
    for rank, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".") or name == "") and len(name) > best_len:
                best, best_len = rank, len(name)
    assert best is not None, f"module {module!r} is in no layer: add it to LAYERS"
    return best


def _exception(imp: Import) -> bool:
    return any(
        imp.module == m and (imp.target == t or (t and imp.target.startswith(t + ".")))
        for m, t in KNOWN_EXCEPTIONS
    )


ALL = [imp for path in sorted(PACKAGE.rglob("*.py")) for imp in _imports(path)]


def _where(imp: Import) -> str:
    return f"linnet_crit.{imp.module or '__init__'}:{imp.line} imports linnet_crit.{imp.target}"


def test_every_module_has_a_layer():
    for path in PACKAGE.rglob("*.py"):
        _layer(_name(path))


def test_no_module_imports_a_higher_layer():
    upward = [
        _where(imp) for imp in ALL
        if _layer(imp.target) > _layer(imp.module) and not _exception(imp)
    ]
    assert not upward, "imports of a higher layer (see docs/architecture.md):\n" + "\n".join(upward)


def test_imports_inside_functions_say_why():
    unmarked = [
        _where(imp) for imp in ALL
        if imp.in_function and not imp.marked and not _exception(imp)
    ]
    assert not unmarked, (
        "imports inside functions that are neither '# lazy: start-up' nor '# optional dependency' "
        "(a cycle dodged: move the code to the right layer):\n" + "\n".join(unmarked)
    )


def test_engine_internals_stay_inside_solvers():
    leaks = [
        _where(imp) for imp in ALL
        if not (imp.module == "solvers" or imp.module.startswith("solvers."))
        and any(imp.target == e or imp.target.startswith(e + ".") for e in ENGINE_INTERNALS)
        and not _exception(imp)
    ]
    assert not leaks, "use the public API of linnet_crit.solvers instead:\n" + "\n".join(leaks)


def test_known_exceptions_are_still_needed():
    """An exception that no import uses any more must leave the list (so it only ever shrinks)."""
    stale = [
        (m, t) for m, t in KNOWN_EXCEPTIONS
        if not any(imp.module == m and (imp.target == t or (t and imp.target.startswith(t + "."))) for imp in ALL)
    ]
    assert not stale, f"remove these from KNOWN_EXCEPTIONS: {stale}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from ..study import x\n", ["study"]),
        ("def f():\n    from ..solvers import solve  # lazy: start-up\n", ["solvers"]),
    ],
)
def test_the_walker_sees_imports(source, expected, monkeypatch):
    """The checks are only as good as the walker: it must find module- and function-level imports."""
    module = PACKAGE / "verify" / "stability.py"
    monkeypatch.setattr(Path, "read_text", lambda self: source)
    found = _imports(module)
    assert [imp.target for imp in found] == expected
    assert [imp.marked for imp in found] == ["lazy" in source] * len(expected)
    assert [imp.in_function for imp in found] == ["def " in source] * len(expected)
