"""Customer lifetime value from a fitted BG/NBD and Gamma-Gamma pair."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.clv._bgnbd import BGNBD, expected_purchases, probability_alive
from aftersales.clv._checks import positive
from aftersales.clv._gamma_gamma import GammaGamma, expected_spend
from aftersales.clv._summary import unit_days
from aftersales.errors import ParameterError

MONTH_DAYS = 30.0
"""Length of a month in the CLV sum, in days (as in the ``lifetimes`` package)."""


def customer_lifetime_value(
    bgnbd: BGNBD,
    gamma_gamma: GammaGamma,
    summary: pd.DataFrame,
    *,
    months: int = 12,
    monthly_discount_rate: float = 0.01,
    margin: float = 1.0,
    time_unit: str = "weeks",
) -> pd.DataFrame:
    """Return the discounted expected value of each customer's next ``months`` months.

    ``CLV = margin * E[spend] * sum_{i=1..months} (E[X(i)] - E[X(i-1)]) / (1 + d)^i``,
    where ``E[X(i)]`` is the BG/NBD expected number of purchases in the first ``i`` months
    after ``T`` (a month is :data:`MONTH_DAYS` days), ``E[spend]`` the Gamma-Gamma
    expected value per purchase and ``d`` the monthly discount rate.

    Parameters
    ----------
    bgnbd : BGNBD
        Fitted purchase model (on data in ``time_unit``).
    gamma_gamma : GammaGamma
        Fitted spend model (``q`` > 1).
    summary : pandas.DataFrame
        Output of :func:`summary_from_transactions` (in the same ``time_unit``).
    months : int, default 12
        Horizon in months (>= 1).
    monthly_discount_rate : float, default 0.01
        Discount rate per month (>= 0).
    margin : float, default 1.0
        Profit margin applied to revenue (1 gives revenue value).
    time_unit : {"weeks", "days"}, default "weeks"
        Unit of ``C.RECENCY`` and ``C.T`` in ``summary``.

    Returns
    -------
    pandas.DataFrame
        ``summary``'s columns plus ``C.P_ALIVE``, ``C.EXPECTED_PURCHASES`` (over the
        horizon), ``C.EXPECTED_SPEND`` (per purchase) and ``C.CLV``.

    Raises
    ------
    ParameterError
        If ``months``, ``monthly_discount_rate`` or ``margin`` is out of range, or
        ``gamma_gamma.q`` <= 1.
    UnknownNameError
        If ``time_unit`` is unknown.
    DataValidationError
        If a summary column is missing or holds impossible values.
    """
    validate.integer(months, "months")
    rate = monthly_discount_rate
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate < np.inf:
        raise ParameterError(f"`monthly_discount_rate` must be a number >= 0; got {rate!r}")
    margin = positive(margin, name="margin")
    month = MONTH_DAYS / unit_days(time_unit)
    validate.require_columns(
        summary, (C.CUSTOMER, C.FREQUENCY, C.RECENCY, C.T, C.MONETARY), source="summary"
    )
    x, tx, age = (summary[c].to_numpy(dtype=np.float64) for c in (C.FREQUENCY, C.RECENCY, C.T))
    spend = expected_spend(gamma_gamma, x, summary[C.MONETARY])
    cumulative = np.column_stack(
        [np.zeros(len(x))]
        + [expected_purchases(bgnbd, x, tx, age, horizon=i * month) for i in range(1, months + 1)]
    )
    discount = (1.0 + rate) ** -np.arange(1, months + 1)
    discounted = np.diff(cumulative, axis=1) @ discount
    return summary.assign(
        **{
            C.P_ALIVE: probability_alive(bgnbd, x, tx, age),
            C.EXPECTED_PURCHASES: cumulative[:, -1],
            C.EXPECTED_SPEND: spend,
            C.CLV: margin * spend * discounted,
        }
    )
