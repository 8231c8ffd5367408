"""Calibration / holdout check of BG/NBD: fit on one period, predict the next."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import periods, validate
from aftersales.clv._bgnbd import BGNBD, expected_purchases, fit_bgnbd
from aftersales.clv._summary import purchase_days, summarise_days, unit_days
from aftersales.errors import ParameterError
from aftersales.segment import days as tx
from aftersales.segment.days import DateLike


@dataclass(frozen=True)
class HoldoutCheck:
    """Result of :func:`calibration_holdout`.

    Attributes
    ----------
    model : BGNBD
        Fitted on the calibration period.
    customers : pandas.DataFrame
        One row per calibration customer: the calibration summary (``C.CUSTOMER``,
        ``C.FREQUENCY``, ``C.RECENCY``, ``C.T``, ``C.MONETARY``), ``C.PREDICTED`` and
        ``C.ACTUAL`` purchase days in the holdout period.
    by_frequency : pandas.DataFrame
        ``C.FREQUENCY`` (calibration repeat purchases; the last group holds
        ``max_frequency`` or more), ``C.N_CUSTOMERS``, mean ``C.PREDICTED`` and mean
        ``C.ACTUAL`` holdout purchases per customer.
    horizon : float
        Holdout length in the time unit.
    mae : float
        Mean absolute error of the per-customer predictions.
    baseline_mae : float
        The same for a naive forecast: calibration rate ``frequency / T`` times horizon
        (zero when ``T`` is zero).
    total_predicted, total_actual : float
        Holdout purchases summed over customers.
    relative_error : float
        ``(total_predicted - total_actual) / total_actual``.
    """

    model: BGNBD
    customers: pd.DataFrame
    by_frequency: pd.DataFrame
    horizon: float
    mae: float
    baseline_mae: float
    total_predicted: float
    total_actual: float
    relative_error: float


def calibration_holdout(
    transactions: pd.DataFrame,
    *,
    calibration_end: DateLike,
    observation_end: DateLike | None = None,
    time_unit: str = "weeks",
    max_frequency: int = 7,
) -> HoldoutCheck:
    """Fit BG/NBD on a calibration period and compare its forecast with the holdout period.

    The calibration period runs to ``calibration_end`` inclusive, the holdout period from
    the next day to ``observation_end`` inclusive. Only customers whose first purchase
    falls in the calibration period are scored; purchases are distinct purchase days, as
    in :func:`summary_from_transactions`.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Cleaned canonical transactions.
    calibration_end : date-like
        Last day of the calibration period, or a position relative to ``observation_end``
        such as ``"-13w"`` (a 13-week holdout; see :mod:`aftersales.periods`).
    observation_end : date-like, optional
        Last day of the holdout period; default the day of the last transaction.
    time_unit : {"weeks", "days"}, default "weeks"
        Time unit of the fit.
    max_frequency : int, default 7
        Calibration frequencies at or above this form one group in ``by_frequency``.

    Returns
    -------
    HoldoutCheck
        The fitted model, per-customer and per-frequency predicted vs actual purchases,
        and error figures.

    Raises
    ------
    ParameterError
        If ``calibration_end`` is not on or after the first transaction day and before
        ``observation_end``, or ``max_frequency`` < 1.
    DataValidationError
        If the transactions are invalid or the calibration period has no repeat customer.
    UnknownNameError
        If ``time_unit`` is unknown.
    """
    validate.integer(max_frequency, "max_frequency")
    per_day = unit_days(time_unit)
    days = purchase_days(transactions)
    first_day, last_day = int(days[tx.DAY].min()), int(days[tx.DAY].max())
    end = (
        last_day if observation_end is None else tx.to_day(observation_end, name="observation_end")
    )
    cal_end = (
        periods.shift_day(end, calibration_end)
        if periods.is_relative(calibration_end)
        else tx.to_day(calibration_end, name="calibration_end")
    )
    if not first_day <= cal_end < end:
        raise ParameterError(
            f"`calibration_end` must lie in [{tx.day_label(first_day)} (first transaction day), "
            f"{tx.day_label(end)} (observation end)); got {tx.day_label(cal_end)}"
        )
    calibration = summarise_days(days, end=cal_end, per_day=per_day)
    model = fit_bgnbd(calibration[C.FREQUENCY], calibration[C.RECENCY], calibration[C.T])
    horizon = (end - cal_end) / per_day
    predicted = expected_purchases(
        model, calibration[C.FREQUENCY], calibration[C.RECENCY], calibration[C.T], horizon=horizon
    )
    holdout = days[(days[tx.DAY] > cal_end) & (days[tx.DAY] <= end)]
    counts = holdout.groupby(C.CUSTOMER).size()
    actual = counts.reindex(calibration[C.CUSTOMER].to_numpy(), fill_value=0).to_numpy()
    customers = calibration.assign(**{C.PREDICTED: predicted, C.ACTUAL: actual.astype(np.int64)})

    x, age = calibration[C.FREQUENCY].to_numpy(), calibration[C.T].to_numpy()
    naive = np.divide(x, age, out=np.zeros(len(x)), where=age > 0) * horizon
    group = np.minimum(x, max_frequency)
    by_frequency = (
        pd.DataFrame({C.FREQUENCY: group, C.PREDICTED: predicted, C.ACTUAL: actual})
        .groupby(C.FREQUENCY, sort=True)
        .agg(
            **{
                C.N_CUSTOMERS: (C.PREDICTED, "size"),
                C.PREDICTED: (C.PREDICTED, "mean"),
                C.ACTUAL: (C.ACTUAL, "mean"),
            }
        )
        .reset_index()
    )
    total_predicted, total_actual = float(predicted.sum()), float(actual.sum())
    return HoldoutCheck(
        model=model,
        customers=customers,
        by_frequency=by_frequency,
        horizon=float(horizon),
        mae=float(np.mean(np.abs(predicted - actual))),
        baseline_mae=float(np.mean(np.abs(naive - actual))),
        total_predicted=total_predicted,
        total_actual=total_actual,
        relative_error=(total_predicted - total_actual) / total_actual if total_actual else np.nan,
    )
