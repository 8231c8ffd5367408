"""Argument checks shared by the lifetime-value models."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from aftersales.errors import DataValidationError, ParameterError

ArrayLike: TypeAlias = npt.ArrayLike | pd.Series
"""Per-customer values: a pandas Series, a numpy array or a list."""

RECENCY_SLACK = 1e-9
"""Recency may exceed T by this much (round-off in unit conversion)."""


def as_array(values: ArrayLike, *, name: str) -> np.ndarray:
    """Return ``values`` as a finite 1-D float64 array, or raise naming ``name``."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise DataValidationError(f"`{name}` must be one-dimensional; got shape {array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        raise DataValidationError(
            f"`{name}` must hold finite numbers; {int(bad.sum())} values fail "
            f"(first at position {int(np.flatnonzero(bad)[0])})"
        )
    return array


def _fail(name: str, what: str, mask: np.ndarray, values: np.ndarray) -> None:
    if mask.any():
        first = int(np.flatnonzero(mask)[0])
        raise DataValidationError(
            f"`{name}` must be {what}; {int(mask.sum())} values fail "
            f"(first: position {first}, value {values[first]:g})"
        )


def frequency_array(frequency: ArrayLike) -> np.ndarray:
    """Return repeat-purchase counts, checked to be non-negative whole numbers."""
    x = as_array(frequency, name="frequency")
    _fail("frequency", "a non-negative whole number", (x < 0) | (x != np.round(x)), x)
    return x


def bgnbd_arrays(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check and return ``(frequency, recency, T)`` as float arrays of equal length."""
    x = frequency_array(frequency)
    tx = as_array(recency, name="recency")
    age = as_array(T, name="T")
    if not len(x) == len(tx) == len(age):
        raise DataValidationError(
            f"`frequency`, `recency` and `T` must have the same length; "
            f"got {len(x)}, {len(tx)} and {len(age)}"
        )
    _fail("recency", ">= 0", tx < 0, tx)
    _fail("recency", "<= T (the last purchase is inside the period)", tx > age + RECENCY_SLACK, tx)
    _fail("recency", "0 when frequency is 0", (x == 0) & (tx != 0), tx)
    return x, tx, np.maximum(age, tx)


def gamma_gamma_arrays(frequency: ArrayLike, monetary: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Check and return ``(frequency, monetary)`` as float arrays of equal length."""
    x = frequency_array(frequency)
    m = as_array(monetary, name="monetary")
    if len(x) != len(m):
        raise DataValidationError(
            f"`frequency` and `monetary` must have the same length; got {len(x)} and {len(m)}"
        )
    _fail(
        "monetary",
        ">= 0 (negative values mean cancellations or refunds were left after cleaning)",
        m < 0,
        m,
    )
    _fail("monetary", "> 0 for customers with repeat purchases", (x > 0) & (m == 0), m)
    return x, m


def positive(value: float, *, name: str) -> float:
    """Return ``value`` as a float if it is finite and > 0, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ParameterError(f"`{name}` must be a positive number; got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ParameterError(f"`{name}` must be a positive finite number; got {value!r}")
    return float(value)
