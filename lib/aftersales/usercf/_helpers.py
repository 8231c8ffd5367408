"""Checks, batching and top-k selection behind :class:`UserCosineCF`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError

_DECIMALS = 12
"""Scores are rounded to this many decimals, so float noise does not break ties."""


def _ids(values: Sequence[Any], like: pd.Index) -> pd.Index:
    """Raw ids as an index, in the fitted ids' dtype when they fit it."""
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    try:
        return pd.Index(values, dtype=like.dtype)
    except (TypeError, ValueError):
        return pd.Index(values, dtype=object)


def _show(value: Any) -> str:
    """``repr`` of a scalar without numpy's type wrapper."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _check_frame(frame: Any, value: str | None) -> tuple[pd.Series, pd.Series, np.ndarray]:
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(f"`frame` must be a pandas DataFrame; got {type(frame).__name__}")
    if value is None:
        value = C.RATING if C.RATING in frame.columns else C.WEIGHT
    missing = [c for c in (C.USER, C.ITEM, value) if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"`frame` lacks column(s) {', '.join(map(repr, missing))}; it needs {C.USER!r}, "
            f"{C.ITEM!r} and a value column ({C.RATING!r} or {C.WEIGHT!r})"
        )
    if frame.empty:
        raise DataValidationError("`frame` is empty: UserCosineCF needs at least one row")
    for column in (C.USER, C.ITEM):
        bad = np.flatnonzero(frame[column].isna().to_numpy())
        if bad.size:
            raise DataValidationError(
                f"`frame`: column {column!r} has {bad.size} missing id(s) (first: row "
                f"{_show(frame.index[bad[0]])})"
            )
    values = pd.to_numeric(frame[value], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise DataValidationError(
            f"`frame`: column {value!r} must hold finite numbers; {bad.size} row(s) fail "
            f"(first: row {_show(frame.index[bad[0]])}, value {_show(frame[value].iloc[bad[0]])})"
        )
    repeated = np.flatnonzero(frame.duplicated([C.USER, C.ITEM]).to_numpy())
    if repeated.size:
        first = repeated[0]
        pair = f"({_show(frame[C.USER].iloc[first])}, {_show(frame[C.ITEM].iloc[first])})"
        raise DataValidationError(
            f"`frame`: each ({C.USER}, {C.ITEM}) pair must appear once; {repeated.size} "
            f"repeat(s) (first: row {_show(frame.index[first])}, pair {pair}); aggregate "
            "them first"
        )
    return frame[C.USER], frame[C.ITEM], values
