"""The public API in ``linnet_crit/__init__.py``: sorted, every name resolves, and a user can name
every type a public function returns (``from linnet_crit import X``), without digging into
submodules."""

from __future__ import annotations

import builtins
import importlib
import inspect
import re
import typing

import pytest

import linnet_crit

# The classes of the result protocol (docs/architecture.md): each must be importable from the top.
PROTOCOL_TYPES = (
    "SolveResult", "StudyResult", "VerificationReport", "CertificationResult", "StabilityReport", "RealStatistics",
    "DepthScan", "GrowthFit", "RegularizationPath", "PatternTable", "RealPointTable", "OrbitReport", "ExactCount",
    "StreamedSolveResult",
)

# The aliases that the one result protocol (``to_dict()``, ``str()``) replaced.
DELETED = ("summarize", "format_pattern_table", "format_real_table", "patterns_as_json")


def _public_functions() -> list[tuple[str, typing.Callable]]:
    return [(name, obj) for name in linnet_crit.__all__ if inspect.isfunction(obj := getattr(linnet_crit, name))]


def _resolve(dotted: str, namespace: dict[str, object]) -> object:
    """The object ``dotted`` names in a function's module (or builtins), or KeyError."""
    head, *rest = dotted.split(".")
    if head in namespace:
        obj = namespace[head]
    elif hasattr(builtins, head):
        obj = getattr(builtins, head)
    else:
        raise KeyError(dotted)
    for part in rest:
        obj = getattr(obj, part)
    return obj


def unexported_return_types(function: typing.Callable, exported: set[str]) -> list[str]:
    """Names in ``function``'s return annotation that a user could not import from ``linnet_crit``.

    A name is fine when it is exported, or resolves to something outside the package (``int``,
    ``np.ndarray``, ``Path``, ``Any``). A linnet_crit type or type alias that is not exported, or a
    name that exists only under ``TYPE_CHECKING`` (so it cannot be resolved at run time), is reported.
    """
    annotation = inspect.signature(function).return_annotation
    if annotation is inspect.Signature.empty:
        return [f"{function.__name__}: no return annotation"]
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    missing = []
    for dotted in re.findall(r"[A-Za-z_][\w.]*", text):
        if dotted.split(".")[-1] in exported:
            continue
        try:
            obj = _resolve(dotted, function.__globals__)
        except (KeyError, AttributeError):
            missing.append(f"{function.__name__} -> {dotted} (only under TYPE_CHECKING?)")
            continue
        if typing.get_origin(obj) is not None:  # an alias like GenericSolutionSet = dict[...]: the module's own
            home = function.__module__
        else:
            home = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", "") or ""
        if home.split(".")[0] == "linnet_crit":
            missing.append(f"{function.__name__} -> {dotted} ({home})")
    return missing


def test_all_is_sorted_and_has_no_duplicates():
    assert linnet_crit.__all__ == sorted(set(linnet_crit.__all__))


def test_every_name_in_all_resolves_and_dir_lists_it():
    for name in linnet_crit.__all__:
        assert getattr(linnet_crit, name) is not None, name
    assert set(linnet_crit.__all__) <= set(dir(linnet_crit))


def test_lazy_names_are_the_objects_of_their_modules():
    for name, module in linnet_crit._MODULE_OF.items():
        assert name in linnet_crit.__all__, f"{name} is importable lazily but not in __all__"
        assert getattr(linnet_crit, name) is getattr(importlib.import_module(f"linnet_crit.{module}"), name)


def test_every_public_function_returns_an_exported_type():
    exported = set(linnet_crit.__all__)
    missing = [m for _, function in _public_functions() for m in unexported_return_types(function, exported)]
    assert not missing, f"export these from linnet_crit/__init__.py: {missing}"


def test_the_return_type_check_catches_an_unexported_type():
    # the check above must be able to fail: without PatternTable, pattern_table is reported
    exported = set(linnet_crit.__all__) - {"PatternTable"}
    assert unexported_return_types(linnet_crit.pattern_table, exported) == [
        "pattern_table -> PatternTable (linnet_crit.classify.patterns)"
    ]
    # and a type alias, whose own __module__ would be builtins
    exported = set(linnet_crit.__all__) - {"GenericSolutionSet"}
    assert unexported_return_types(linnet_crit.prepare, exported) == ["prepare -> GenericSolutionSet (linnet_crit.solvers)"]


@pytest.mark.parametrize("name", PROTOCOL_TYPES)
def test_result_protocol_types_are_exported(name):
    cls = getattr(linnet_crit, name)
    assert name in linnet_crit.__all__ and inspect.isclass(cls)
    assert callable(cls.to_dict) and cls.__str__ is not object.__str__


@pytest.mark.parametrize("name", DELETED)
def test_replaced_aliases_are_gone(name):
    assert name not in linnet_crit.__all__
    with pytest.raises(AttributeError, match=name):
        getattr(linnet_crit, name)
