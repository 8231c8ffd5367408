"""The profit of contacting the customers an uplift score ranks highest."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import ParameterError


class BestTarget(NamedTuple):
    """The targeted share that maximises profit.

    Attributes
    ----------
    fraction : float
        The share of customers contacted (0 means: contact nobody).
    profit : float
        Its expected profit, currency units for the whole population.
    profit_low, profit_high : float
        Its interval.
    everyone : float
        The profit of contacting everyone.
    """

    fraction: float
    profit: float
    profit_low: float
    profit_high: float
    everyone: float


def targeting_profit(
    curves: pd.DataFrame, *, population: int, cost_per_contact: float, margin: float
) -> pd.DataFrame:
    """Return the profit of contacting the top share of a population by uplift score.

    Contacting the top ``x`` of ``population`` customers reaches ``x * population`` of them,
    each adding ``uplift@x`` outcomes on average (the held-out estimate), each outcome worth
    ``margin``, each contact costing ``cost_per_contact``:
    ``profit(x) = x * population * (uplift@x * margin - cost_per_contact)``. Its interval
    comes from the uplift's.

    Parameters
    ----------
    curves : pandas.DataFrame
        From :func:`uplift_curves` (``fraction, uplift, uplift_low, uplift_high``).
    population : int
        Customers who could be contacted.
    cost_per_contact : float
        Cost of one contact (currency units).
    margin : float
        Value of one unit of outcome (a conversion's margin, or the margin rate of spend).

    Returns
    -------
    pandas.DataFrame
        ``fraction, contacted, uplift, profit, profit_low, profit_high``; fraction 0 has
        profit 0.

    Raises
    ------
    ParameterError
        If ``population`` is below 1 or a money value is negative.
    """
    if population < 1:
        raise ParameterError(f"`population` must be at least 1; got {population!r}")
    if cost_per_contact < 0 or margin < 0:
        raise ParameterError("`cost_per_contact` and `margin` must not be negative")
    contacted = curves[C.FRACTION].to_numpy() * population
    out = pd.DataFrame({C.FRACTION: curves[C.FRACTION], "contacted": contacted.round()})
    out[C.UPLIFT] = curves["uplift"].fillna(0.0)
    for name, column in (
        (C.PROFIT, "uplift"),
        ("profit_low", "uplift_low"),
        ("profit_high", "uplift_high"),
    ):
        value = contacted * (curves[column].to_numpy() * margin - cost_per_contact)
        out[name] = np.where(contacted == 0, 0.0, value)
    return out


def best_target(profit: pd.DataFrame) -> BestTarget:
    """Return the targeted share with the highest expected profit.

    Parameters
    ----------
    profit : pandas.DataFrame
        From :func:`targeting_profit`.

    Returns
    -------
    BestTarget
        The share, its profit and interval, and the profit of contacting everyone.
    """
    best = profit.loc[profit[C.PROFIT].idxmax()]
    last = profit.loc[profit[C.FRACTION].idxmax()]
    return BestTarget(
        float(best[C.FRACTION]),
        float(best[C.PROFIT]),
        float(best["profit_low"]),
        float(best["profit_high"]),
        float(last[C.PROFIT]),
    )
