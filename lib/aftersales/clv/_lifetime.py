"""Lifetime value observed up to the RFM reference date, and its tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import segment, validate
from aftersales.clv._bgnbd import BGNBD, expected_purchases, fit_bgnbd, probability_alive
from aftersales.clv._gamma_gamma import GammaGamma, fit_gamma_gamma
from aftersales.clv._holdout import HoldoutCheck
from aftersales.clv._summary import TIME_UNITS, summary_from_transactions
from aftersales.clv._value import MONTH_DAYS, customer_lifetime_value
from aftersales.errors import ParameterError


def _utc_day(value: object) -> pd.Timestamp | None:
    """Return ``value`` as a UTC midnight timestamp (naive taken as UTC); ``None`` for NaT."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if stamp is pd.NaT:
        return None
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.normalize()


def observation_end(reference_date: str) -> pd.Timestamp | None:
    """Return the last observed day for a reference date (the day before it).

    RFM counts transactions on days before the reference date; lifetime value observes
    customers up to and including the day before, so both see the same purchases.

    Parameters
    ----------
    reference_date : str
        A date such as ``"2011-12-10"``; empty for the default (the day after the last
        transaction), which observes everything.

    Returns
    -------
    pandas.Timestamp or None
        The day before ``reference_date`` (UTC), or ``None`` when it is empty.

    Raises
    ------
    ParameterError
        If ``reference_date`` is not a date.
    """
    if not reference_date:
        return None
    stamp = _utc_day(reference_date)
    if stamp is None:
        raise ParameterError(
            f"`reference_date` must be a date such as '2011-12-10'; got {reference_date!r}"
        )
    return stamp - pd.Timedelta(days=1)


@dataclass(frozen=True)
class LifetimeValue:
    """Fitted lifetime-value models and the value of every customer.

    Attributes
    ----------
    bgnbd : aftersales.clv.BGNBD
        Purchase model.
    gamma_gamma : aftersales.clv.GammaGamma or None
        Spend model; ``None`` when the data holds no money (no spend model, no value).
    customers : pandas.DataFrame
        Output of :func:`aftersales.clv.customer_lifetime_value`: the BG/NBD summary
        (frequency = repeat purchase days, recency and T in the time unit), ``C.P_ALIVE``,
        ``C.EXPECTED_PURCHASES``, ``C.EXPECTED_SPEND`` and ``C.CLV`` (the last two and
        ``C.MONETARY`` missing without money).
    """

    bgnbd: BGNBD
    gamma_gamma: GammaGamma | None
    customers: pd.DataFrame


def lifetime_value(
    transactions: pd.DataFrame,
    *,
    reference_date: str = "",
    time_unit: str = "weeks",
    months: int = 12,
    monthly_discount_rate: float = 0.01,
) -> LifetimeValue:
    """Fit BG/NBD and Gamma-Gamma on the purchases before ``reference_date`` and value customers.

    Without money (see :func:`aftersales.segment.has_money`) only BG/NBD is fitted: each
    customer still gets the probability of being active and the expected purchases, while
    spend and lifetime value are missing.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Cleaned canonical transactions.
    reference_date : str, default ""
        As in :func:`aftersales.segment.rfm`; empty observes every transaction.
    time_unit : {"weeks", "days"}, default "weeks"
        Time unit of the BG/NBD summary.
    months : int, default 12
        Lifetime-value horizon.
    monthly_discount_rate : float, default 0.01
        Discount rate per month.

    Returns
    -------
    LifetimeValue
        The models and one row per customer.

    Raises
    ------
    ParameterError
        If ``reference_date`` is not after the first transaction day, or an option is out
        of range.
    DataValidationError
        If the transactions are invalid or no customer made a repeat purchase.
    UnknownNameError
        If ``time_unit`` is unknown.
    """
    end = observation_end(reference_date)
    validate.require_columns(transactions, (C.TIMESTAMP,), source="transactions")
    first = _utc_day(transactions[C.TIMESTAMP].min())
    if end is not None and first is not None and end < first:
        raise ParameterError(
            f"`reference_date` must be after the first transaction day "
            f"{first:%Y-%m-%d}; got {reference_date!r}"
        )
    summary = summary_from_transactions(transactions, observation_end=end, time_unit=time_unit)
    bgnbd = fit_bgnbd(summary[C.FREQUENCY], summary[C.RECENCY], summary[C.T])
    if not segment.has_money(transactions):
        return LifetimeValue(bgnbd, None, _purchases_only(bgnbd, summary, months, time_unit))
    spend = fit_gamma_gamma(summary[C.FREQUENCY], summary[C.MONETARY])
    value = customer_lifetime_value(
        bgnbd,
        spend,
        summary,
        months=months,
        monthly_discount_rate=monthly_discount_rate,
        time_unit=time_unit,
    )
    return LifetimeValue(bgnbd=bgnbd, gamma_gamma=spend, customers=value)


def _purchases_only(
    bgnbd: BGNBD, summary: pd.DataFrame, months: int, time_unit: str
) -> pd.DataFrame:
    """P(alive) and expected purchases over the horizon; spend, value and money missing."""
    if isinstance(months, bool) or not isinstance(months, int | np.integer) or months < 1:
        raise ParameterError(f"`months` must be an integer >= 1; got {months!r}")
    x, tx, age = (summary[c].to_numpy(dtype=np.float64) for c in (C.FREQUENCY, C.RECENCY, C.T))
    horizon = months * MONTH_DAYS / TIME_UNITS[time_unit]
    missing = np.full(len(summary), np.nan)
    return summary.assign(
        **{
            C.MONETARY: missing,
            C.P_ALIVE: probability_alive(bgnbd, x, tx, age),
            C.EXPECTED_PURCHASES: expected_purchases(bgnbd, x, tx, age, horizon=horizon),
            C.EXPECTED_SPEND: missing,
            C.CLV: missing,
        }
    )


def model_parameters(value: LifetimeValue) -> pd.DataFrame:
    """Return the fitted lifetime-value parameters as a long table for display and export.

    Parameters
    ----------
    value : LifetimeValue
        Output of :func:`lifetime_value`.

    Returns
    -------
    pandas.DataFrame
        ``C.MODEL`` ("BG/NBD" or "Gamma-Gamma"), ``C.PARAMETER`` and ``C.VALUE``: r, alpha,
        a, b, then p, q, v, the population mean spend per purchase ``p v / (q - 1)``, and
        each model's customers and log-likelihood; BG/NBD's rows only without money.
    """
    bg, gg = value.bgnbd, value.gamma_gamma
    rows = [
        ("BG/NBD", "r", bg.r),
        ("BG/NBD", "alpha", bg.alpha),
        ("BG/NBD", "a", bg.a),
        ("BG/NBD", "b", bg.b),
        ("BG/NBD", "customers", bg.n_customers),
        ("BG/NBD", "log_likelihood", bg.log_likelihood),
    ]
    if gg is not None:  # a spend model: its rows follow BG/NBD's
        mean_spend = gg.p * gg.v / (gg.q - 1) if gg.q > 1 else np.inf
        rows += [
            ("Gamma-Gamma", "p", gg.p),
            ("Gamma-Gamma", "q", gg.q),
            ("Gamma-Gamma", "v", gg.v),
            ("Gamma-Gamma", "mean_spend", mean_spend),
            ("Gamma-Gamma", "customers", gg.n_customers),
            ("Gamma-Gamma", "log_likelihood", gg.log_likelihood),
        ]
    frame = pd.DataFrame(rows, columns=[C.MODEL, C.PARAMETER, C.VALUE])
    return frame.astype({C.VALUE: "float64"})


def holdout_summary(check: HoldoutCheck, *, time_unit: str = "weeks") -> pd.DataFrame:
    """Return the error figures of a calibration/holdout check as a long table.

    Parameters
    ----------
    check : aftersales.clv.HoldoutCheck
        Output of :func:`aftersales.clv.calibration_holdout`.
    time_unit : str, default "weeks"
        The unit the check was run in (names the horizon row).

    Returns
    -------
    pandas.DataFrame
        ``C.METRIC`` and ``C.VALUE``: calibration customers, holdout length, total
        predicted and actual holdout purchase days, relative error of the total
        ``(predicted - actual) / actual``, the per-customer mean absolute error of BG/NBD
        and of the naive forecast (calibration rate times horizon).
    """
    rows = [
        ("customers", len(check.customers)),
        (f"horizon_{time_unit}", check.horizon),
        ("predicted_purchases", check.total_predicted),
        ("actual_purchases", check.total_actual),
        ("relative_error", check.relative_error),
        ("mae", check.mae),
        ("baseline_mae", check.baseline_mae),
    ]
    return pd.DataFrame(rows, columns=[C.METRIC, C.VALUE]).astype({C.VALUE: "float64"})
