r"""Schema checks at the boundary: each returns its (coerced) input or raises a named error.

Frame checks: messages follow one pattern: ``<source>: column `<name>` <what was expected>;
<n> rows fail (first: row <r> value <v>, ...)``. Row numbers are 1-based data rows (the header
excluded).

Scalar checks (:func:`boolean`, :func:`integer`, :func:`positive_int`, :func:`number`) validate
one parameter and raise :class:`~aftersales.errors.ParameterError` naming it: ``\`<name>\` must
be <what>; got <value>``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence

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


def _examples(values: pd.Series, mask: np.ndarray) -> str:
    positions = np.flatnonzero(mask)[:MAX_EXAMPLES]
    shown = ", ".join(f"row {pos + 1} value {_plain(values.iloc[pos])!r}" for pos in positions)
    return f"{int(mask.sum())} rows fail (first: {shown})"


def _plain(value: object) -> object:
    """Return a numpy scalar as its Python number, so messages show ``5``, not ``np.int64(5)``."""
    return value.item() if isinstance(value, np.generic) else value


def by_value(values: pd.Series, function: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply an element-wise ``function`` once per distinct value of a text column.

    Exports repeat values (ids, prices, dates), so a column of a million rows often holds a
    few thousand distinct values: working on those and spreading the result back is many
    times faster than string operations on every row. Other dtypes are passed through.

    Parameters
    ----------
    values : pandas.Series
        The column; missing values stay missing and are not passed to ``function``.
    function : callable
        Maps a Series of distinct values to a Series of results of the same length.

    Returns
    -------
    pandas.Series
        ``function`` applied to every row, with the index and name of ``values``.
    """
    if not (
        pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)
    ):
        return function(values).rename(values.name)
    codes, distinct = pd.factorize(values)
    result = function(pd.Series(distinct)).array
    spread = result.take(codes, allow_fill=True)
    return pd.Series(spread, index=values.index, name=values.name)


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
        If ``frame`` is not a DataFrame, or naming the missing columns and the columns that
        are present.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(f"{source}: expected a DataFrame; got {type(frame).__name__}")
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
    coerced = by_value(values, lambda distinct: pd.to_numeric(distinct, errors="coerce"))
    coerced = coerced.astype("float64")
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


def timestamps(
    values: pd.Series,
    *,
    source: str,
    unit: str | None = None,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    timezone: str | None = None,
) -> pd.Series:
    """Parse a column to timezone-aware UTC timestamps; dates are never guessed.

    See :func:`aftersales.dates.parse`, which this wraps without its audit: a declared
    ``date_format`` is matched exactly; numeric ``a/b/yyyy`` dates that read both day-first
    and month-first need ``dayfirst`` or ``date_format``; naive times are read in
    ``timezone``, or taken as UTC without one.

    Parameters
    ----------
    values : pandas.Series
        Strings, datetimes, or numbers (epoch) when ``unit`` is given.
    source : str
        How to name the data in the message.
    unit : str, optional
        Epoch unit (one of :data:`EPOCH_UNITS`) for numeric timestamps. Without it, numbers
        (or text made only of digits) are refused rather than read as nanoseconds since
        1970, which would put every event on 1970-01-01.
    date_format : str, optional
        strptime format every value must match, e.g. ``"%d/%m/%Y %H:%M"``.
    dayfirst : bool, optional
        Read numeric dates day-first (``True``) or month-first (``False``).
    timezone : str, optional
        IANA zone of naive times (e.g. ``"Europe/London"``).

    Returns
    -------
    pandas.Series
        ``datetime64[ns, UTC]`` values; missing stays missing.

    Raises
    ------
    ParameterError
        For a bad ``unit``, ``date_format``, ``dayfirst`` or ``timezone``.
    AmbiguousDatesError
        If numeric dates read two ways and no order is declared.
    DataValidationError
        If the column holds numbers and no ``unit`` is given, rows contradict each other's
        day/month order, or naming the column and the first values that cannot be parsed
        (or do not match ``date_format``) or lie outside the years 1677-2262.
    """
    from aftersales import dates  # dates uses this module's number checks for epochs

    return dates.parse(
        values,
        source=source,
        unit=unit,
        date_format=date_format,
        dayfirst=dayfirst,
        timezone=timezone,
    ).values


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

    def tidy(distinct: pd.Series) -> pd.Series:
        text = distinct.astype("str").str.strip().str.replace(WHOLE_FLOAT, r"\1", regex=True)
        return text.where(text != "")

    text = by_value(values, tidy).astype("str")
    if not nullable:
        non_null(text, source=source)
    return text


def _is_integer(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def boolean(value: object, name: str) -> bool:
    """Return ``value`` if it is a bool.

    Parameters
    ----------
    value : object
        The value given.
    name : str
        Parameter name for the message.

    Returns
    -------
    bool
        ``value``.

    Raises
    ------
    ParameterError
        If it is not ``True`` or ``False``.
    """
    if not isinstance(value, bool | np.bool_):
        raise ParameterError(f"`{name}` must be True or False; got {_plain(value)!r}")
    return bool(value)


def integer(value: object, name: str, *, low: int = 1, high: int | None = None) -> int:
    """Return ``value`` as an int if it is an integer in ``[low, high]``.

    Parameters
    ----------
    value : object
        The value given (booleans are refused).
    name : str
        Parameter name for the message.
    low : int, default 1
        Smallest accepted value.
    high : int, optional
        Largest accepted value (no bound when omitted): a size a 2-core, 24 GB machine can fit.

    Returns
    -------
    int
        ``value``.

    Raises
    ------
    ParameterError
        If it is not an integer or lies outside ``[low, high]``.
    """
    if not _is_integer(value) or value < low:  # type: ignore[operator]
        raise ParameterError(f"`{name}` must be an integer >= {low}; got {_plain(value)!r}")
    if high is not None and value > high:  # type: ignore[operator]
        raise ParameterError(
            f"`{name}` must be at most {high:,} (what a 2-core, 24 GB machine can fit); "
            f"got {_plain(value)!r}"
        )
    return int(value)  # type: ignore[arg-type]


def positive_int(value: object, name: str) -> int:
    """Return ``value`` as an int if it is a whole number > 0 (a count, a list length ``k``).

    Parameters
    ----------
    value : object
        The value given (booleans are refused).
    name : str
        Parameter name for the message.

    Returns
    -------
    int
        ``value``.

    Raises
    ------
    ParameterError
        If it is not an integer or is not positive.
    """
    if not _is_integer(value) or value < 1:  # type: ignore[operator]
        raise ParameterError(f"`{name}` must be a positive integer; got {_plain(value)!r}")
    return int(value)  # type: ignore[arg-type]


def number(
    value: object,
    name: str,
    *,
    low: float | None = 0.0,
    strict: bool = True,
    high: float | None = None,
) -> float:
    """Return ``value`` as a float if it is a finite number in range.

    Parameters
    ----------
    value : object
        The value given (booleans are refused).
    name : str
        Parameter name for the message.
    low : float or None, default 0.0
        Lower bound; None for none.
    strict : bool, default True
        Require ``value > low`` (else ``value >= low``).
    high : float, optional
        Upper bound, excluded (``value < high``); none when omitted.

    Returns
    -------
    float
        ``value``.

    Raises
    ------
    ParameterError
        If it is not a finite number or is out of range.
    """
    ok = (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool | np.bool_)
        and bool(np.isfinite(value))
    )
    if ok and low is not None:
        ok = value > low or (not strict and value == low)  # type: ignore[operator]
    if ok and high is not None:
        ok = value < high  # type: ignore[operator]
    if not ok:
        if low is None:
            bound = "" if high is None else f" < {high:g}"
        elif high is None:
            bound = f" > {low:g}" if strict else f" >= {low:g}"
        else:
            bound = f" in {'(' if strict else '['}{low:g}, {high:g})"
        raise ParameterError(f"`{name}` must be a finite number{bound}; got {_plain(value)!r}")
    return float(value)  # type: ignore[arg-type]


def did_you_mean(unknown: Sequence[str], known: Iterable[str]) -> str:
    """Suggest the closest known name for each unknown one (difflib's ratio >= 0.6).

    Parameters
    ----------
    unknown : Sequence[str]
        Names that were not recognised.
    known : Iterable[str]
        The valid names.

    Returns
    -------
    str
        ``" did you mean `n_clusters`?"`` for one unknown name,
        ``" did you mean `a` for `x`, `b` for `y`?"`` for several, or ``""`` when no
        name is close to any valid one.
    """
    candidates = sorted(known)
    pairs = []
    for name in unknown:
        close = difflib.get_close_matches(name, candidates, n=1)
        if close:
            pairs.append((name, close[0]))
    if not pairs:
        return ""
    if len(unknown) == 1:
        return f" did you mean `{pairs[0][1]}`?"
    return " did you mean " + ", ".join(f"`{best}` for `{name}`" for name, best in pairs) + "?"
