"""The one check for whole-number arguments (counts, seeds, widths, sizes).

Every public function that takes a count validates it here, so ``True``, ``2.0`` and ``"3"`` are
refused the same way everywhere and every refusal names the value and how to fix it. NumPy
integers are accepted (they come out of arrays and ``Generator.integers``) and returned as ``int``.
"""

from __future__ import annotations

from typing import TypeGuard

import numpy as np

from .errors import DataError, LinnetCritError

__all__ = ["is_whole", "whole_number"]


def is_whole(value: object) -> TypeGuard[int | np.integer]:
    """Whether ``value`` is an integer (Python or NumPy) and not a bool.

    ``bool`` is a subclass of ``int`` in Python, so ``isinstance(True, int)`` holds; a count of
    ``True`` is always a caller's mistake, hence the exclusion.

    Examples
    --------
    >>> is_whole(3), is_whole(np.int64(3)), is_whole(True), is_whole(3.0)
    (True, True, False, False)
    """
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def whole_number(
    value: object,
    name: str,
    *,
    minimum: int | None = 0,
    maximum: int | None = None,
    error: type[LinnetCritError] = DataError,
    fix: str | None = None,
) -> int:
    """``value`` as an ``int`` in ``[minimum, maximum]``, else ``error`` naming it.

    Parameters
    ----------
    value : object
        What the caller passed.
    name : str
        The argument's name as the caller knows it (keyword or command-line flag).
    minimum, maximum : int or None
        Inclusive bounds; ``None`` leaves that side open.
    error : type of LinnetCritError
        The class raised, so each caller keeps its own error (data, architecture, solver …).
    fix : str or None
        How to fix a bad value; by default ``give a whole number`` with the bounds.

    Returns
    -------
    int

    Raises
    ------
    LinnetCritError
        ``error("<name> = <value!r>: <fix>")`` for a bool, a non-integer or a value out of range.

    Examples
    --------
    >>> whole_number(np.int64(4), "draws", minimum=1)
    4
    >>> whole_number(True, "draws", minimum=1)
    Traceback (most recent call last):
    ...
    linnet_crit.errors.DataError: draws = True: give a whole number ≥ 1
    >>> whole_number(7, "level", minimum=0, maximum=5)
    Traceback (most recent call last):
    ...
    linnet_crit.errors.DataError: level = 7: give a whole number from 0 to 5
    """
    if is_whole(value) and (minimum is None or value >= minimum) and (maximum is None or value <= maximum):
        return int(value)
    if fix is None:
        if minimum is not None and maximum is not None:
            fix = f"give a whole number from {minimum} to {maximum}"
        elif minimum is not None:
            fix = f"give a whole number ≥ {minimum}"
        elif maximum is not None:
            fix = f"give a whole number ≤ {maximum}"
        else:
            fix = "give a whole number"
    raise error(f"{name} = {value!r}: {fix}")
