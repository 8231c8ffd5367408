"""Schema checks at the boundary: each returns its (coerced) input or raises a named error.

Messages follow one pattern: ``<source>: column `<name>` <what was expected>; <n> rows fail
(first: row <r> value <v>, ...)``. Row numbers are 1-based data rows (the header excluded).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from aftersales.errors import DataValidationError, ParameterError

MAX_EXAMPLES = 3
WHOLE_FLOAT = r"^(-?\d+)\.0+$"

MAX_EXACT_INTEGER = 2**53 - 1
"""Largest whole number a column may hold: every integer up to it is exact in ``float64``
(the type numbers are parsed through), and it lies well inside ``int64``. A quantity of
``1e20`` would otherwise wrap to -9223372036854775808 when cast."""

EPOCH_UNITS = ("s", "ms", "us", "ns")
"""Units of numeric (epoch) timestamps."""

_DIGITS = r"\s*-?\d+(\.\d*)?\s*"


def _examples(values: pd.Series, mask: np.ndarray) -> str:
    positions = np.flatnonzero(mask)[:MAX_EXAMPLES]
    shown = ", ".join(f"row {pos + 1} value {_plain(values.iloc[pos])!r}" for pos in positions)
    return f"{int(mask.sum())} rows fail (first: {shown})"


def _plain(value: object) -> object:
    """Return a numpy scalar as its Python number, so messages show ``5``, not ``np.int64(5)``."""
    return value.item() if isinstance(value, np.generic) else value


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, source: str) -> pd.DataFrame:
    """Check that ``frame`` has every column in ``columns``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame to check.
    columns : iterable of str
        Required column names.
    source : str
        How to name the data in the message (a file name, or a function's argument).

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself.

    Raises
    ------
    DataValidationError
        Naming the missing columns and the columns that are present.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"{source}: missing column(s) {missing}; the columns present are {list(frame.columns)}"
        )
    return frame


def require_rows(frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Check that ``frame`` has at least one row.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame to check.
    source : str
        How to name the data in the message.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself.

    Raises
    ------
    DataValidationError
        If the frame is empty.
    """
    if len(frame) == 0:
        raise DataValidationError(f"{source}: has no data rows; expected at least one")
    return frame


def non_null(values: pd.Series, *, source: str) -> pd.Series:
    """Check that a column has no missing values.

    Parameters
    ----------
    values : pandas.Series
        The column (its name is used in the message).
    source : str
        How to name the data in the message.

    Returns
    -------
    pandas.Series
        ``values`` itself.

    Raises
    ------
    DataValidationError
        Naming the column, the number of missing values and the first rows.
    """
    mask = values.isna().to_numpy()
    if mask.any():
        raise DataValidationError(
            f"{source}: column `{values.name}` must not be empty; {_examples(values, mask)}"
        )
    return values


def numeric(values: pd.Series, *, source: str, integer: bool = False) -> pd.Series:
    """Coerce a column to numbers, refusing any value that is present but not numeric.

    Parameters
    ----------
    values : pandas.Series
        The raw column (strings or numbers); missing values stay missing.
    source : str
        How to name the data in the message.
    integer : bool, default False
        Also require whole numbers and return ``int64`` (the column must then have no
        missing values).

    Returns
    -------
    pandas.Series
        ``float64`` values, or ``int64`` when ``integer``.

    Raises
    ------
    DataValidationError
        Naming the column and the first values that are not numbers, not finite, or (with
        ``integer``) not whole or beyond :data:`MAX_EXACT_INTEGER` in size.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        raise DataValidationError(f"{source}: column `{values.name}` must be numeric; got booleans")
    coerced = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = (coerced.isna() & values.notna()).to_numpy()
    if bad.any():
        raise DataValidationError(
            f"{source}: column `{values.name}` must be numeric; {_examples(values, bad)}"
        )
    infinite = np.isinf(coerced.to_numpy())
    if infinite.any():
        raise DataValidationError(
            f"{source}: column `{values.name}` must hold finite numbers; "
            f"{_examples(values, infinite)}"
        )
    if not integer:
        return coerced
    non_null(coerced, source=source)
    fractional = (coerced != np.round(coerced)).to_numpy()
    if fractional.any():
        raise DataValidationError(
            f"{source}: column `{values.name}` must hold whole numbers; "
            f"{_examples(values, fractional)}"
        )
    huge = (coerced.abs() > MAX_EXACT_INTEGER).to_numpy()
    if huge.any():
        raise DataValidationError(
            f"{source}: column `{values.name}` must hold whole numbers within "
            f"+/-{MAX_EXACT_INTEGER:,} (larger ones cannot be stored exactly); "
            f"{_examples(values, huge)}"
        )
    return coerced.astype("int64")


def within(values: pd.Series, low: float, high: float, *, source: str) -> pd.Series:
    """Check that numeric values lie in the closed interval ``[low, high]``.

    Parameters
    ----------
    values : pandas.Series
        Numeric column; missing values are not checked.
    low, high : float
        The declared scale.
    source : str
        How to name the data in the message.

    Returns
    -------
    pandas.Series
        ``values`` itself.

    Raises
    ------
    DataValidationError
        Naming the column, the scale and the first values outside it.
    """
    bad = ((values < low) | (values > high)).to_numpy()
    if bad.any():
        raise DataValidationError(
            f"{source}: column `{values.name}` must lie within the declared scale "
            f"[{low:g}, {high:g}]; {_examples(values, bad)}"
        )
    return values


def timestamps(values: pd.Series, *, source: str, unit: str | None = None) -> pd.Series:
    """Parse a column to timezone-aware UTC timestamps.

    Parameters
    ----------
    values : pandas.Series
        Strings, datetimes, or numbers (epoch) when ``unit`` is given. Naive times are taken
        as UTC.
    source : str
        How to name the data in the message.
    unit : str, optional
        Epoch unit (one of :data:`EPOCH_UNITS`) for numeric timestamps. Without it, numbers
        (or text made only of digits) are refused rather than read as nanoseconds since
        1970, which would put every event on 1970-01-01.

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]`` values; missing stays missing.

    Raises
    ------
    ParameterError
        If ``unit`` is not one of :data:`EPOCH_UNITS`.
    DataValidationError
        If the column holds numbers and no ``unit`` is given, or naming the column and the
        first values that cannot be parsed or lie outside the years 1677-2262.
    """
    if unit is not None:
        if unit not in EPOCH_UNITS:
            raise ParameterError(
                f"{source}: `timestamp_unit` must be one of {list(EPOCH_UNITS)}; got {unit!r}"
            )
        parsed = pd.to_datetime(
            numeric(values, source=source), unit=unit, utc=True, errors="coerce"
        )
    else:
        _refuse_epochs(values, source=source)
        parsed = pd.to_datetime(values, errors="coerce", utc=True, format="mixed")
    bad = (parsed.isna() & values.notna()).to_numpy()
    if bad.any():
        digits = values[bad].astype("str").str.fullmatch(_DIGITS).all()
        hint = f"; epoch numbers need timestamp_unit= one of {list(EPOCH_UNITS)}" * (
            unit is None and bool(digits)
        )
        raise DataValidationError(
            f"{source}: column `{values.name}` must hold dates/times; "
            f"{_examples(values, bad)} (dates must lie in the years 1677-2262){hint}"
        )
    return parsed.astype("datetime64[ns, UTC]")


def _refuse_epochs(values: pd.Series, *, source: str) -> None:
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return
    if pd.api.types.is_numeric_dtype(dtype):
        numbers = values.notna().to_numpy()
    elif pd.api.types.is_object_dtype(dtype):  # e.g. a spreadsheet column of mixed cells
        kinds = (int, float, np.number)
        numbers = values.map(lambda v: isinstance(v, kinds) and not isinstance(v, bool))
        numbers = (numbers & values.notna()).to_numpy(dtype=bool)
    else:
        return
    if numbers.any():
        raise DataValidationError(
            f"{source}: column `{values.name}` holds numbers, not dates; epoch times need "
            f"their unit: pass timestamp_unit= one of {list(EPOCH_UNITS)} ('s': seconds "
            f"since 1970-01-01 UTC); {_examples(values, numbers)}"
        )


def identifiers(values: pd.Series, *, source: str, nullable: bool = False) -> pd.Series:
    """Normalise an id column to strings with surrounding white space removed.

    Whole floats such as ``17850.0``, or the text ``"17850.0"`` (how spreadsheets store and
    export integer ids), become ``"17850"``.

    Parameters
    ----------
    values : pandas.Series
        The raw id column.
    source : str
        How to name the data in the message.
    nullable : bool, default False
        Allow missing ids (guest customers); otherwise missing or blank ids are an error.

    Returns
    -------
    pandas.Series
        String ids (pandas ``str`` dtype), missing as ``NaN``.

    Raises
    ------
    DataValidationError
        If ids are missing and ``nullable`` is false.
    """
    if pd.api.types.is_float_dtype(values.dtype):
        whole = values.dropna()
        if (whole == np.round(whole)).all():
            values = values.astype("Int64")
    text = values.astype("str").where(values.notna())
    text = text.str.strip().str.replace(WHOLE_FLOAT, r"\1", regex=True)
    text = text.where(text != "")
    text = text.rename(values.name)
    if not nullable:
        non_null(text, source=source)
    return text
