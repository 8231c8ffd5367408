"""Shared wording: lists in words, numbers at the precision the data supports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from IPython.display import Markdown

from aftersales.errors import DataValidationError


def words(items: Iterable[object]) -> str:
    """Items as English: ``a``, ``a and b``, ``a, b and c``."""
    names = [str(item) for item in items]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def num(value: float, digits: int = 3) -> str:
    """Format a value with ``digits`` decimals (thousands separated)."""
    return f"{value:,.{digits}f}"


def share(value: float) -> str:
    """Format a share in [0, 1] as a percentage: ``0.246`` -> ``25 %``, below 1 %: two digits."""
    percent = 100 * value
    return f"{percent:.2g} %" if 0 < abs(percent) < 1 else f"{percent:.0f} %"


def paragraph(*sentences: str) -> Markdown:
    """Sentences joined into one Markdown paragraph (empty sentences left out)."""
    return Markdown(" ".join(s for s in sentences if s))


def require(frame: pd.DataFrame, columns: Sequence[str], *, what: str) -> None:
    """Raise when ``frame`` lacks any of ``columns`` or has no rows.

    Raises
    ------
    aftersales.errors.DataValidationError
        Naming the missing columns, or saying the frame is empty.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataValidationError(f"{what}: missing column(s) {missing}; has {list(frame.columns)}")
    if frame.empty:
        raise DataValidationError(f"{what}: no rows to describe")
