"""Per-customer (frequency, recency, T, monetary) summary from cleaned transactions."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd

from aftersales import choices
from aftersales import columns as C
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.segment import days as tx
from aftersales.segment.days import DateLike

TIME_UNITS: MappingProxyType[str, float] = MappingProxyType(
    dict(zip(choices.TIME_UNITS, (1.0, 7.0), strict=True))  # each unit with its length in days
)
"""Time units for recency and T, as their length in days."""

SUMMARY_COLUMNS: tuple[str, ...] = (C.CUSTOMER, C.FREQUENCY, C.RECENCY, C.T, C.MONETARY)
"""Columns of :func:`summary_from_transactions`, in order."""


def unit_days(time_unit: str) -> float:
    """Return the length in days of ``time_unit``.

    Parameters
    ----------
    time_unit : str
        A key of :data:`TIME_UNITS`.

    Returns
    -------
    float
        Days per unit.

    Raises
    ------
    UnknownNameError
        If the unit is not known; the message lists the valid ones.
    """
    if time_unit not in TIME_UNITS:
        raise UnknownNameError(f"`time_unit` {time_unit!r} is unknown; valid: {list(TIME_UNITS)}")
    return TIME_UNITS[time_unit]


def purchase_days(transactions: pd.DataFrame) -> pd.DataFrame:
    """Collapse transactions to one row per customer and purchase day (internal helper)."""
    prepared = tx.prepare(transactions)
    return prepared.groupby([C.CUSTOMER, tx.DAY], sort=True, as_index=False)[C.REVENUE].sum()


def summarise_days(days: pd.DataFrame, *, end: int, per_day: float) -> pd.DataFrame:
    """Build the summary from purchase days on or before day ``end`` (internal helper)."""
    days = days[days[tx.DAY] <= end]
    first = days.groupby(C.CUSTOMER, sort=True)[tx.DAY].transform("min")
    repeat = days[C.REVENUE].where(days[tx.DAY] > first, np.nan)
    grouped = days.assign(repeat=repeat).groupby(C.CUSTOMER, sort=True)
    table = grouped.agg(
        first=(tx.DAY, "min"), last=(tx.DAY, "max"), n=(tx.DAY, "size"), spend=("repeat", "mean")
    )
    customers = pd.Series(table.index.to_numpy(), name=C.CUSTOMER)
    monetary = tx.refuse_negative(
        table["spend"].fillna(0.0).reset_index(drop=True),
        customers,
        what="mean value of the repeat purchase days",
    )
    first_day = table["first"].to_numpy()
    return pd.DataFrame(
        {
            C.CUSTOMER: customers,
            C.FREQUENCY: table["n"].to_numpy().astype(np.int64) - 1,
            C.RECENCY: (table["last"].to_numpy() - first_day) / per_day,
            C.T: (end - first_day) / per_day,
            C.MONETARY: monetary.to_numpy(dtype=np.float64),
        }
    )


def summary_from_transactions(
    transactions: pd.DataFrame,
    *,
    observation_end: DateLike | None = None,
    time_unit: str = "weeks",
) -> pd.DataFrame:
    """Summarise each customer for BG/NBD and Gamma-Gamma.

    As in the literature, a purchase is a distinct purchase day (UTC calendar day), so
    several invoices on one day count once and their values add up.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Cleaned canonical transactions (no guest rows, no cancellations).
    observation_end : date-like, optional
        Last day of the observation period (inclusive); transactions after it are
        ignored. Default: the day of the last transaction.
    time_unit : {"weeks", "days"}, default "weeks"
        Unit of ``C.RECENCY`` and ``C.T``.

    Returns
    -------
    pandas.DataFrame
        One row per customer (sorted by id) with :data:`SUMMARY_COLUMNS`:
        ``C.FREQUENCY`` repeat purchase days (purchase days minus one), ``C.RECENCY`` time
        from the first to the last purchase day, ``C.T`` time from the first purchase day
        to ``observation_end``, and ``C.MONETARY`` the mean value of the repeat purchase
        days (the first day excluded; 0 without repeat purchases).

    Raises
    ------
    DataValidationError
        If a column is missing, a row has no customer id, or a mean repeat value is
        negative (cancellations left after cleaning).
    ParameterError
        If ``observation_end`` is before the first transaction day.
    UnknownNameError
        If ``time_unit`` is unknown.
    """
    per_day = unit_days(time_unit)
    days = purchase_days(transactions)
    first_day = int(days[tx.DAY].min())
    if observation_end is None:
        end = int(days[tx.DAY].max())
    else:
        end = tx.to_day(observation_end, name="observation_end")
        if end < first_day:
            raise ParameterError(
                f"`observation_end` must be on or after the first transaction day "
                f"{tx.day_label(first_day)}; got {tx.day_label(end)}"
            )
    return summarise_days(days, end=end, per_day=per_day)
