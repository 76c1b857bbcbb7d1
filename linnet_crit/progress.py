"""Progress bars: tqdm's, imported only when a bar is shown.

Every long stage takes a ``progress`` flag; without it nothing is drawn, and tqdm's import (about
a third of numpy's, measured with ``python -X importtime``) stays out of a small solve's start-up.
"""

from __future__ import annotations

from typing import Any

__all__ = ["progress_bar"]


class _Silent:
    """What a hidden bar needs to answer: nothing is shown."""

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: float = 1) -> None:
        return None

    def close(self) -> None:
        return None


def progress_bar(*, show: bool, **kwargs: Any) -> Any:
    """A tqdm bar with ``kwargs`` when ``show``, else a silent stand-in with the same methods.

    Examples
    --------
    >>> with progress_bar(show=False, total=3) as bar:
    ...     bar.update()
    """
    if not show:
        return _Silent()
    from tqdm import tqdm  # lazy: start-up

    return tqdm(**kwargs)
