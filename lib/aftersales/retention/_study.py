"""One cut's study: features known at its calibration end, labels from its holdout."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from aftersales import clv
from aftersales import columns as C
from aftersales.errors import TooFewPositivesError
from aftersales.retention._features import FEATURE_COLUMNS, as_of, features_as_of
from aftersales.retention._labels import Cut
from aftersales.segment import days as tx

MIN_PER_CLASS = 50
"""Fewest customers of each class (at risk, buys again) a holdout needs to be scored."""


@dataclass(frozen=True)
class Study:
    """Features and labels of the customers of one calibration period.

    Attributes
    ----------
    cut : Cut
        Where calibration and holdout end.
    features : pandas.DataFrame
        :func:`aftersales.retention.features` as of the cut, one row per customer.
    at_risk : numpy.ndarray
        bool per row of ``features``: no purchase in the holdout.
    summary : pandas.DataFrame
        The BG/NBD summary (weeks) of the same customers, same order.
    """

    cut: Cut
    features: pd.DataFrame
    at_risk: np.ndarray = field(repr=False)
    summary: pd.DataFrame = field(repr=False)

    @property
    def customers(self) -> pd.Series:
        """The customer ids, in row order."""
        return self.features[C.CUSTOMER]


def _summary(bought: pd.DataFrame, last_day: int) -> pd.DataFrame:
    stamps = pd.to_datetime(bought[tx.DAY].to_numpy(), unit="D", utc=True)
    frame = pd.DataFrame(
        {
            C.CUSTOMER: bought[C.CUSTOMER].to_numpy(),
            C.INVOICE: bought[C.INVOICE].to_numpy(),
            C.TIMESTAMP: stamps,
            C.REVENUE: bought[C.REVENUE].to_numpy(),
        }
    )
    return clv.summary_from_transactions(frame, observation_end=tx.day_label(last_day))


def build_study(lines: pd.DataFrame, returns: pd.DataFrame | None, the_cut: Cut) -> Study:
    """Build the features, labels and BG/NBD summary of one cut.

    Parameters
    ----------
    lines : pandas.DataFrame
        Net transaction lines of the preparation.
    returns : pandas.DataFrame or None
        Its returns table.
    the_cut : Cut
        The calibration/holdout cut.

    Returns
    -------
    Study
        Customers who bought up to the calibration end, their features and labels: a
        customer is at risk when no net line of theirs falls in the holdout.

    Raises
    ------
    DataValidationError
        If a column is missing or the returns table fails its checks.
    """
    start = the_cut.holdout_start
    table = features_as_of(lines, returns, start)
    bought, _ = as_of(lines, returns, start)
    prepared = tx.prepare(lines)
    day = prepared[tx.DAY].to_numpy()
    holdout = (day >= start) & (day < the_cut.holdout_end)
    buyers = pd.unique(prepared.loc[holdout, C.CUSTOMER])
    again = table[C.CUSTOMER].isin(buyers).to_numpy()  # hashed: np.isin on str is O(n m)
    summary = _summary(bought, start - 1).set_index(C.CUSTOMER).loc[table[C.CUSTOMER]]
    return Study(the_cut, table, ~again, summary.reset_index())


def check_classes(study: Study, *, where: str, minimum: int = MIN_PER_CLASS) -> None:
    """Refuse a study with fewer than ``minimum`` customers in either class.

    Parameters
    ----------
    study : Study
        The study to score or train on.
    where : str
        What the study is for, for the message ("the holdout").
    minimum : int, default 50
        Fewest customers per class.

    Raises
    ------
    TooFewPositivesError
        If fewer than ``minimum`` customers are at risk, or fewer buy again; the message
        names the class, the count and the parameters to change.
    """
    at_risk = int(study.at_risk.sum())
    again = len(study.at_risk) - at_risk
    for label, count in (
        ("at risk (no purchase: the positives)", at_risk),
        ("buying again", again),
    ):
        if count < minimum:
            raise TooFewPositivesError(
                f"{where}: {count} customers {label} within `churn_horizon_weeks` = "
                f"{study.cut.weeks} after `calibration_end` {study.cut.calibration_end.date()} "
                f"(of {len(study.at_risk)}); at least {minimum} of each class are needed to "
                f"score: change `churn_horizon_weeks` or `calibration_end`, or use more data"
            )


def feature_profile(study: Study) -> pd.DataFrame:
    """Median of every numeric feature among customers at risk and among those who buy again.

    Parameters
    ----------
    study : Study
        A study.

    Returns
    -------
    pandas.DataFrame
        Index the feature columns; columns ``C.AT_RISK`` and ``C.BUYS_AGAIN`` (medians) and
        ``C.N_CUSTOMERS`` (customers with a value).
    """
    numeric = study.features[list(FEATURE_COLUMNS)].astype(np.float64)
    at_risk = numeric[study.at_risk].median()
    again = numeric[~study.at_risk].median()
    return pd.DataFrame(
        {
            C.AT_RISK: at_risk,
            C.BUYS_AGAIN: again,
            C.N_CUSTOMERS: numeric.notna().sum().astype(np.int64),
        }
    )
