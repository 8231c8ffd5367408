"""The calibration/holdout cut and the label: does a customer buy again within the horizon.

Time is counted in whole UTC calendar days (as in :mod:`aftersales.segment`). The calibration
period is every day *before* ``calibration_end``; the holdout is the ``7 x horizon_weeks`` days
from ``calibration_end`` on. A customer is in the study when they bought in the calibration
period; their label :data:`aftersales.columns.BUYS_AGAIN` says whether they bought in the
holdout, and :data:`aftersales.columns.AT_RISK` is its negation (the target the scores rank).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import ParameterError
from aftersales.segment import _transactions as tx
from aftersales.segment._transactions import DateLike

DEFAULT_HORIZON_WEEKS = 13
"""Default holdout length in weeks (a quarter)."""


class Cut(NamedTuple):
    """Where the calibration period ends and the holdout ends, as UTC day numbers.

    Attributes
    ----------
    calibration_end : int
        First day of the holdout (the calibration period is every day before it).
    holdout_end : int
        First day after the holdout: ``calibration_end + 7 * horizon_weeks``.
    first_day : int
        First purchase day in the data.
    last_day : int
        Last purchase day in the data.
    """

    calibration_end: int
    holdout_end: int
    first_day: int
    last_day: int

    @property
    def calibration_date(self) -> pd.Timestamp:
        """The first holdout day as a timestamp (UTC midnight, naive)."""
        return pd.Timestamp(tx.day_label(self.calibration_end))

    @property
    def holdout_date(self) -> pd.Timestamp:
        """The first day after the holdout as a timestamp (UTC midnight, naive)."""
        return pd.Timestamp(tx.day_label(self.holdout_end))


def _check_horizon(horizon_weeks: int) -> int:
    if isinstance(horizon_weeks, bool) or not isinstance(horizon_weeks, int | np.integer):
        raise ParameterError(
            f"`churn_horizon_weeks` must be a whole number of weeks; got {horizon_weeks!r}"
        )
    if horizon_weeks < 1:
        raise ParameterError(f"`churn_horizon_weeks` must be >= 1; got {horizon_weeks}")
    return int(horizon_weeks)


def cut_from_days(days: np.ndarray, *, calibration_end: DateLike | None, horizon_weeks: int) -> Cut:
    """Place the cut on purchase day numbers (internal helper of :func:`cut`)."""
    horizon = _check_horizon(horizon_weeks)
    first, last = int(days.min()), int(days.max())
    if calibration_end is None:
        end = last + 1 - 7 * horizon
    else:
        end = tx.to_day(calibration_end, name="calibration_end")
    if end <= first:
        raise ParameterError(
            f"`calibration_end` {tx.day_label(end)} leaves no calibration period: the data "
            f"starts on {tx.day_label(first)}; with `churn_horizon_weeks` = {horizon} the data "
            f"({tx.day_label(first)} to {tx.day_label(last)}) is too short"
        )
    after = last + 1 - end
    if 7 * horizon > after:
        raise ParameterError(
            f"`churn_horizon_weeks` = {horizon} ({7 * horizon} days) is longer than the data "
            f"after `calibration_end` {tx.day_label(end)}: {max(after, 0)} days (to "
            f"{tx.day_label(last)}); shorten the horizon or move `calibration_end` earlier"
        )
    return Cut(end, end + 7 * horizon, first, last)


def cut(
    lines: pd.DataFrame,
    *,
    calibration_end: DateLike | None = None,
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS,
) -> Cut:
    """Return the calibration/holdout cut of cleaned transaction lines.

    Parameters
    ----------
    lines : pandas.DataFrame
        Cleaned canonical transactions (``C.CUSTOMER``, ``C.INVOICE``, ``C.TIMESTAMP``).
    calibration_end : date-like, optional
        First day of the holdout; default ``horizon_weeks`` weeks before the day after the
        last purchase, so the holdout ends with the data.
    horizon_weeks : int, default 13
        Holdout length in weeks (the parameter ``churn_horizon_weeks``).

    Returns
    -------
    Cut
        The cut as day numbers.

    Raises
    ------
    ParameterError
        If the horizon is not a whole number >= 1, is longer than the data after
        ``calibration_end`` (the message names ``churn_horizon_weeks``), or
        ``calibration_end`` is not after the first purchase day.
    DataValidationError
        If a column is missing or a row has no customer.
    """
    prepared = tx.prepare(lines)
    return cut_from_days(
        prepared[tx.DAY].to_numpy(), calibration_end=calibration_end, horizon_weeks=horizon_weeks
    )


def label_days(prepared: pd.DataFrame, the_cut: Cut) -> pd.DataFrame:
    """Label each calibration customer from prepared day rows (internal helper)."""
    day = prepared[tx.DAY].to_numpy()
    calibration = prepared[day < the_cut.calibration_end]
    customers = np.unique(calibration[C.CUSTOMER].to_numpy())
    holdout = (day >= the_cut.calibration_end) & (day < the_cut.holdout_end)
    again = np.isin(customers, prepared.loc[holdout, C.CUSTOMER].to_numpy())
    return pd.DataFrame(
        {
            C.CUSTOMER: pd.array(customers, dtype="str"),
            C.BUYS_AGAIN: again,
            C.AT_RISK: ~again,
        }
    )


def labels(
    lines: pd.DataFrame,
    *,
    calibration_end: DateLike | None = None,
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS,
) -> pd.DataFrame:
    """Label every customer of the calibration period: do they buy again in the holdout.

    Parameters
    ----------
    lines : pandas.DataFrame
        Cleaned canonical transactions.
    calibration_end : date-like, optional
        First day of the holdout (see :func:`cut`).
    horizon_weeks : int, default 13
        Holdout length in weeks.

    Returns
    -------
    pandas.DataFrame
        One row per customer with a purchase before ``calibration_end``, sorted by id:
        ``C.CUSTOMER`` (str), ``C.BUYS_AGAIN`` (bool, a purchase in the holdout) and
        ``C.AT_RISK`` (bool, its negation). Customers first seen in the holdout are left out.

    Raises
    ------
    ParameterError
        As :func:`cut`.
    DataValidationError
        If a column is missing or a row has no customer.

    Examples
    --------
    Purchases on 2011-01-01 (a) and 2011-01-01, 2011-01-11 (b), with calibration_end
    2011-01-05 and a one-week horizon: b buys again (2011-01-11 is in the holdout
    2011-01-05 to 2011-01-11), a does not.
    """
    prepared = tx.prepare(lines)
    the_cut = cut_from_days(
        prepared[tx.DAY].to_numpy(), calibration_end=calibration_end, horizon_weeks=horizon_weeks
    )
    return label_days(prepared, the_cut)
