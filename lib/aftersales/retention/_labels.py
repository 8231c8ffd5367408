"""The calibration/holdout cut and the label: does a customer buy again within the horizon.

Time is counted in whole UTC calendar days (as in :mod:`aftersales.segment`). The calibration
period ends with the day ``calibration_end`` (inclusive, as 03.00's BG/NBD check); the
holdout is the ``7 x horizon_weeks`` days after it. A customer is in the study when they bought
in the calibration period; their label :data:`aftersales.columns.BUYS_AGAIN` says whether
they bought in the holdout, and :data:`aftersales.columns.AT_RISK` is its negation (the
target the scores rank).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import periods
from aftersales.errors import ParameterError
from aftersales.segment import days as tx
from aftersales.segment.days import DateLike

DEFAULT_HORIZON_WEEKS = 13
"""Default holdout length in weeks (a quarter)."""


class Cut(NamedTuple):
    """Where the calibration period and the holdout end, as UTC day numbers.

    Attributes
    ----------
    holdout_start : int
        First day of the holdout, the day after ``calibration_end``.
    holdout_end : int
        First day after the holdout: ``holdout_start + 7 * horizon_weeks``.
    first_day : int
        First purchase day in the data.
    last_day : int
        Last purchase day in the data.
    """

    holdout_start: int
    holdout_end: int
    first_day: int
    last_day: int

    @property
    def calibration_end(self) -> pd.Timestamp:
        """The last day of the calibration period (naive UTC midnight)."""
        return pd.Timestamp(tx.day_label(self.holdout_start - 1))

    @property
    def holdout_last(self) -> pd.Timestamp:
        """The last day of the holdout (naive UTC midnight)."""
        return pd.Timestamp(tx.day_label(self.holdout_end - 1))

    @property
    def weeks(self) -> int:
        """The holdout length in weeks."""
        return (self.holdout_end - self.holdout_start) // 7

    def earlier(self) -> Cut:
        """Return the cut one horizon earlier (its holdout ends where this one starts).

        Returns
        -------
        Cut
            The validation cut inside this cut's calibration period.

        Raises
        ------
        ParameterError
            If the earlier calibration period would be empty (names ``churn_horizon_weeks``).
        """
        days = self.holdout_end - self.holdout_start
        start = self.holdout_start - days
        if start <= self.first_day:
            raise ParameterError(
                f"`churn_horizon_weeks` = {days // 7}: the validation cut one horizon before "
                f"`calibration_end` {self.calibration_end.date()} leaves no calibration period "
                f"(the data starts on {tx.day_label(self.first_day)}); shorten the horizon"
            )
        return Cut(start, self.holdout_start, self.first_day, self.last_day)


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
    if calibration_end is None or (isinstance(calibration_end, str) and not calibration_end):
        end = last - 7 * horizon
    elif periods.is_relative(calibration_end):
        end = periods.shift_day(last, str(calibration_end))
    else:
        end = tx.to_day(calibration_end, name="calibration_end")
    if end < first:
        raise ParameterError(
            f"`calibration_end` {tx.day_label(end)} leaves no calibration period: the data "
            f"runs from {tx.day_label(first)} to {tx.day_label(last)}; with "
            f"`churn_horizon_weeks` = {horizon} the data is too short"
        )
    after = last - end
    if 7 * horizon > after:
        raise ParameterError(
            f"`churn_horizon_weeks` = {horizon} ({7 * horizon} days) is longer than the data "
            f"after `calibration_end` {tx.day_label(end)}: {max(after, 0)} days (to "
            f"{tx.day_label(last)}); shorten the horizon or move `calibration_end` earlier"
        )
    return Cut(end + 1, end + 1 + 7 * horizon, first, last)


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
    calibration_end : date-like or str, optional
        Last day of the calibration period: a date, or a position relative to the last
        purchase day (``"-13w"``, see :mod:`aftersales.periods`); default (None or ``""``)
        ``horizon_weeks`` weeks before the last purchase day, so the holdout ends with the
        data.
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
        ``calibration_end`` is before the first purchase day.
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
    calibration = prepared[day < the_cut.holdout_start]
    customers = np.unique(calibration[C.CUSTOMER].to_numpy())
    holdout = (day >= the_cut.holdout_start) & (day < the_cut.holdout_end)
    buyers = pd.unique(prepared.loc[holdout, C.CUSTOMER])
    again = pd.Series(customers).isin(buyers).to_numpy()  # hashed: np.isin on str is O(n m)
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
    calibration_end : date-like or str, optional
        Last day of the calibration period (see :func:`cut`).
    horizon_weeks : int, default 13
        Holdout length in weeks.

    Returns
    -------
    pandas.DataFrame
        One row per customer with a purchase up to ``calibration_end``, sorted by id:
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
    2011-01-04 and a one-week horizon: b buys again (2011-01-11 is in the holdout
    2011-01-05 to 2011-01-11), a does not.
    """
    prepared = tx.prepare(lines)
    the_cut = cut_from_days(
        prepared[tx.DAY].to_numpy(), calibration_end=calibration_end, horizon_weeks=horizon_weeks
    )
    return label_days(prepared, the_cut)
