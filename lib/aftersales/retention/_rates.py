"""Repeat rates per RFM segment: the share of each segment that buys again within the horizon."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import segment
from aftersales.retention._labels import DEFAULT_HORIZON_WEEKS, cut_from_days, label_days
from aftersales.segment import days as tx
from aftersales.segment.days import DateLike


def repeat_rates(
    lines: pd.DataFrame,
    *,
    calibration_end: DateLike | None = None,
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS,
) -> pd.DataFrame:
    """Return each RFM segment's size and the share of it that buys again within the horizon.

    Segments are the named segments of :func:`aftersales.segment.segment_customers` as of
    ``calibration_end`` (purchases up to that day); a customer buys again when they buy
    in the ``horizon_weeks`` weeks after it.

    Parameters
    ----------
    lines : pandas.DataFrame
        Cleaned canonical transactions of a prepared data set.
    calibration_end : date-like or str, optional
        Last day of the calibration period: a date or a relative spec (``"-13w"``);
        default ``horizon_weeks`` weeks before the last purchase day.
    horizon_weeks : int, default 13
        Holdout length in weeks (the parameter ``churn_horizon_weeks``).

    Returns
    -------
    pandas.DataFrame
        One row per segment in :data:`aftersales.segment.SEGMENTS` order (empty segments
        included with 0 customers and a missing rate): ``C.SEGMENT`` (str),
        ``C.CUSTOMERS`` (int64) and ``C.REPEAT_RATE`` (float64).

    Raises
    ------
    ParameterError
        If the horizon is longer than the data after ``calibration_end`` (the message names
        ``churn_horizon_weeks``) or ``calibration_end`` is before the first purchase.
    DataValidationError
        If a column is missing, a row has no customer, or the calibration period has fewer
        than five customers.

    Examples
    --------
    Ten customers where the five most recent buy again: Champions and the other
    recent segments get rate 1, the older segments rate 0.
    """
    prepared = tx.prepare(lines)
    the_cut = cut_from_days(
        prepared[tx.DAY].to_numpy(), calibration_end=calibration_end, horizon_weeks=horizon_weeks
    )
    labelled = label_days(prepared, the_cut)
    segmented = segment.segment_customers(lines, reference_date=tx.day_label(the_cut.holdout_start))
    joined = segmented[[C.CUSTOMER, C.SEGMENT]].assign(
        **{C.CUSTOMER: segmented[C.CUSTOMER].astype("str")}
    )
    joined = joined.merge(labelled[[C.CUSTOMER, C.BUYS_AGAIN]], on=C.CUSTOMER, how="left")
    grouped = joined.groupby(C.SEGMENT)[C.BUYS_AGAIN]
    order = list(segment.SEGMENTS)
    counts = grouped.size().reindex(order, fill_value=0)
    rates = grouped.mean().reindex(order)
    return pd.DataFrame(
        {
            C.SEGMENT: pd.array(order, dtype="str"),
            C.CUSTOMERS: counts.to_numpy(dtype=np.int64),
            C.REPEAT_RATE: rates.to_numpy(dtype=np.float64),
        }
    )
