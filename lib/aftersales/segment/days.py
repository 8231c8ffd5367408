"""Customer transactions on a day grid: checks and day arithmetic shared by RFM and lifetime value.

Time is counted in whole UTC calendar days: a timestamp becomes the number of days since
1970-01-01 (an ``int64``), so day differences are exact integers.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError

DateLike = str | dt.date | dt.datetime | pd.Timestamp | np.datetime64
"""Anything :class:`pandas.Timestamp` accepts; naive values are taken as UTC."""

DAY = "day"
"""Internal column: UTC calendar day as an integer day number (never leaves this package)."""

REQUIRED = (C.INVOICE, C.TIMESTAMP, C.CUSTOMER)
"""Transaction columns that segmentation and lifetime value read (money is optional)."""

NEGATIVE_TOLERANCE = 1e-9
"""Net values above ``-NEGATIVE_TOLERANCE`` count as zero (floating-point round-off)."""


def to_day(value: DateLike, *, name: str) -> int:
    """Return the UTC calendar day of ``value`` as a day number.

    Parameters
    ----------
    value : str, date, datetime, pandas.Timestamp or numpy.datetime64
        A date or time; a naive value is taken as UTC, a time of day is dropped.
    name : str
        Parameter name used in the message.

    Returns
    -------
    int
        Days since 1970-01-01.

    Raises
    ------
    ParameterError
        If ``value`` is not a date.
    """
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"`{name}` must be a date such as '2011-12-10'; got {value!r}"
        ) from exc
    if stamp is pd.NaT:
        raise ParameterError(f"`{name}` must be a date such as '2011-12-10'; got {value!r}")
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return int(np.datetime64(stamp.tz_localize(None), "D").astype(np.int64))


def day_label(day: int) -> str:
    """Return an ISO date for a day number (for messages and docs).

    Parameters
    ----------
    day : int
        Days since 1970-01-01.

    Returns
    -------
    str
        ``YYYY-MM-DD``.
    """
    return str(np.datetime64(int(day), "D"))


def prepare(transactions: pd.DataFrame, *, source: str = "transactions") -> pd.DataFrame:
    """Check cleaned transactions and return the narrow frame RFM and CLV work on.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Cleaned canonical transactions (see :data:`aftersales.columns.TRANSACTIONS_COLUMNS`).
    source : str, default "transactions"
        How to name the data in messages.

    Returns
    -------
    pandas.DataFrame
        A new frame with ``C.CUSTOMER`` (str), ``C.INVOICE`` (str), ``DAY`` (int64 day
        number, UTC) and ``C.REVENUE`` (see :func:`revenue`; NaN without money columns),
        one row per input row.

    Raises
    ------
    DataValidationError
        If a column is missing, there are no rows, a row has no customer id (guest
        checkout) or no timestamp.
    """
    validate.require_columns(transactions, REQUIRED, source=source)
    validate.require_rows(transactions, source=source)
    customers = transactions[C.CUSTOMER]
    missing = customers.isna().to_numpy()
    if missing.any():
        first = transactions.index[np.flatnonzero(missing)[0]]
        raise DataValidationError(
            f"{source}: {int(missing.sum())} rows have no `{C.CUSTOMER}` (guest checkouts; "
            f"first: index {first!r}); segmentation needs a customer on every row: drop "
            f"them first, e.g. `transactions.dropna(subset=[C.CUSTOMER])`"
        )
    validate.non_null(transactions[C.TIMESTAMP], source=source)
    stamps = transactions[C.TIMESTAMP]
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        if not pd.api.types.is_datetime64_dtype(stamps.dtype):
            raise DataValidationError(
                f"{source}: column `{C.TIMESTAMP}` must hold datetimes; got dtype {stamps.dtype}"
            )
        stamps = stamps.dt.tz_localize("UTC")
    naive = stamps.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    days = naive.astype("datetime64[D]").astype(np.int64)
    return pd.DataFrame(
        {
            C.CUSTOMER: customers.astype("str").to_numpy(),
            C.INVOICE: transactions[C.INVOICE].astype("str").to_numpy(),
            DAY: days,
            C.REVENUE: revenue(transactions),
        }
    )


def has_money(transactions: pd.DataFrame) -> bool:
    """Return whether transactions carry money: ``revenue``, or ``quantity`` and ``unit_price``.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.

    Returns
    -------
    bool
        False for an export without money columns: monetary analyses are then off.
    """
    return C.REVENUE in transactions or (
        C.QUANTITY in transactions and C.UNIT_PRICE in transactions
    )


def revenue(transactions: pd.DataFrame) -> np.ndarray:
    """Return each row's revenue: ``revenue`` when given, else quantity x unit price.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions.

    Returns
    -------
    numpy.ndarray
        float64, one value per row; all NaN when the data holds no money
        (see :func:`has_money`).
    """
    if C.REVENUE in transactions:
        return transactions[C.REVENUE].to_numpy(dtype=np.float64)
    if has_money(transactions):
        quantity = transactions[C.QUANTITY].to_numpy(dtype=np.float64)
        return quantity * transactions[C.UNIT_PRICE].to_numpy(dtype=np.float64)
    return np.full(len(transactions), np.nan)


def refuse_negative(values: pd.Series, customers: pd.Series, *, what: str) -> pd.Series:
    """Refuse negative per-customer values; clip round-off noise to zero.

    Parameters
    ----------
    values : pandas.Series
        Per-customer monetary values.
    customers : pandas.Series
        The customer ids, aligned with ``values``.
    what : str
        What the value is, for the message (e.g. "net revenue").

    Returns
    -------
    pandas.Series
        ``values`` with entries in ``(-NEGATIVE_TOLERANCE, 0)`` set to zero.

    Raises
    ------
    DataValidationError
        If some customer's value is below ``-NEGATIVE_TOLERANCE``.
    """
    bad = (values < -NEGATIVE_TOLERANCE).to_numpy()
    if bad.any():
        pos = np.flatnonzero(bad)[:3]
        shown = ", ".join(f"customer {customers.iloc[i]!r}: {values.iloc[i]:.2f}" for i in pos)
        raise DataValidationError(
            f"`{C.MONETARY}` ({what}) must be >= 0; {int(bad.sum())} customers are negative "
            f"(first: {shown}). Cancellations or refunds were left after cleaning: remove "
            f"invoices starting with 'C' and rows with `{C.QUANTITY}` <= 0 or "
            f"`{C.UNIT_PRICE}` <= 0 first"
        )
    return values.clip(lower=0.0)
