"""Descriptive summaries of a loaded data set: counts, sparsity, date range, activity."""

from __future__ import annotations

import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError


def _who(frame: pd.DataFrame) -> str:
    if C.USER in frame:
        return C.USER
    if C.CUSTOMER in frame:
        return C.CUSTOMER
    raise DataValidationError(
        f"describe: expected a `{C.USER}` or `{C.CUSTOMER}` column; got {list(frame.columns)}"
    )


def describe(frame: pd.DataFrame) -> pd.DataFrame:
    """Summarise a ratings, interactions or transactions frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical ratings (``user_id``) or transactions (``customer_id``).

    Returns
    -------
    pandas.DataFrame
        One row per measure (``measure``, ``value``): rows, distinct users/customers and
        items, density of the user x item matrix (distinct pairs over the matrix size, in %),
        first and last timestamp, and for transactions invoices, countries and rows without a
        customer. An order-level export (no item column) has no item, pair or density rows.

    Raises
    ------
    DataValidationError
        If the frame has neither a user nor a customer column.
    """
    who = _who(frame)
    users = frame[who].nunique(dropna=True)
    rows: list[tuple[str, object]] = [("rows", len(frame)), (f"distinct {who}", users)]
    if C.ITEM in frame:
        items = frame[C.ITEM].nunique(dropna=True)
        pairs = len(frame[[who, C.ITEM]].dropna().drop_duplicates())
        density = round(100 * pairs / (users * items), 4) if users and items else 0.0
        rows += [
            (f"distinct {C.ITEM}", items),
            ("distinct user-item pairs", pairs),
            ("density (%)", density),
        ]
    if C.RATING in frame:
        rows.append(("mean rating", round(float(frame[C.RATING].mean()), 4)))
    if C.INVOICE in frame:
        rows += [
            ("invoices", frame[C.INVOICE].nunique()),
            ("rows without customer", int(frame[who].isna().sum())),
            ("countries", frame[C.COUNTRY].nunique()),
        ]
    if C.TIMESTAMP in frame and frame[C.TIMESTAMP].notna().any():
        rows += [
            ("first timestamp (UTC)", str(frame[C.TIMESTAMP].min())),
            ("last timestamp (UTC)", str(frame[C.TIMESTAMP].max())),
        ]
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "str"})


def per_month(frame: pd.DataFrame, *, value: str | None = None) -> pd.Series:
    """Count rows (or sum ``value``) per calendar month of the timestamp.

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame with a ``timestamp`` column.
    value : str, optional
        A column to sum instead of counting rows (for example ``revenue``).

    Returns
    -------
    pandas.Series
        Indexed by month start (UTC, naive for plotting), named ``value`` or ``rows``.

    Raises
    ------
    DataValidationError
        If the frame has no timestamps.
    """
    if C.TIMESTAMP not in frame or frame[C.TIMESTAMP].isna().all():
        raise DataValidationError(f"per_month: the frame has no `{C.TIMESTAMP}` values")
    month = frame[C.TIMESTAMP].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    grouped = frame.groupby(month.rename("month"))
    result = grouped[value].sum() if value else grouped.size()
    result.index = result.index.to_timestamp()
    return result.rename(value or "rows")
