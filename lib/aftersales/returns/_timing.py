"""How long after the purchase a return comes back."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError
from aftersales.returns._schema import MATCHED, UNMATCHED, check_returns

QUANTILES: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 0.9)
"""Quantiles of the time to return reported by default."""


def return_days(returns: pd.DataFrame) -> np.ndarray:
    """Days to return of every matched row (one per cancellation line and purchase line).

    Parameters
    ----------
    returns : pandas.DataFrame
        A returns table (see :func:`check_returns`).

    Returns
    -------
    numpy.ndarray
        float64 days, in table order.

    Raises
    ------
    DataValidationError
        If the returns table fails its checks.
    """
    check_returns(returns)
    kept = (returns[C.MATCH].astype("str") == MATCHED).to_numpy()
    return returns[C.DAYS_TO_RETURN].to_numpy(dtype=np.float64)[kept]


def time_to_return(
    returns: pd.DataFrame, *, quantiles: Sequence[float] = QUANTILES
) -> pd.DataFrame:
    """Quantiles of the days from purchase to return, over the matched rows.

    Each matched row (a cancellation line and the purchase line it consumed) counts once,
    whatever its quantity. Quantiles interpolate linearly (numpy's default).

    Parameters
    ----------
    returns : pandas.DataFrame
        A returns table (see :func:`check_returns`).
    quantiles : sequence of float, default :data:`QUANTILES`
        Quantiles in [0, 1].

    Returns
    -------
    pandas.DataFrame
        ``C.QUANTILE`` and ``C.DAYS``, one row per quantile.

    Raises
    ------
    DataValidationError
        If the returns table fails its checks or has no matched row.
    ParameterError
        If a quantile is outside [0, 1] or none is given.
    """
    levels = np.asarray(quantiles, dtype=np.float64)
    if levels.size == 0 or ((levels < 0) | (levels > 1)).any():
        raise ParameterError(f"`quantiles` must be values in [0, 1]; got {list(quantiles)!r}")
    days = return_days(returns)
    validate.require_rows(pd.DataFrame({C.DAYS: days}), source="matched returns")
    return pd.DataFrame({C.QUANTILE: levels, C.DAYS: np.quantile(days, levels)})


def match_summary(returns: pd.DataFrame) -> pd.DataFrame:
    """Rows, units and value of the matched and the unmatched returns.

    Parameters
    ----------
    returns : pandas.DataFrame
        A returns table (see :func:`check_returns`).

    Returns
    -------
    pandas.DataFrame
        ``C.MATCH`` (``matched`` then ``unmatched``), ``C.N_ROWS``, ``C.QUANTITY``,
        ``C.VALUE`` and ``C.SHARE`` (of the value).

    Raises
    ------
    DataValidationError
        If the returns table fails its checks.
    """
    check_returns(returns)
    kinds = returns[C.MATCH].astype("str")
    grouped = returns.groupby(kinds.to_numpy(), sort=True)
    rows = grouped.size().reindex([MATCHED, UNMATCHED], fill_value=0)
    sums = grouped[[C.QUANTITY, C.VALUE]].sum().reindex([MATCHED, UNMATCHED], fill_value=0)
    total = float(sums[C.VALUE].sum())
    return pd.DataFrame(
        {
            C.MATCH: [MATCHED, UNMATCHED],
            C.N_ROWS: rows.to_numpy(dtype=np.int64),
            C.QUANTITY: sums[C.QUANTITY].to_numpy(dtype=np.float64),
            C.VALUE: sums[C.VALUE].to_numpy(dtype=np.float64),
            C.SHARE: sums[C.VALUE].to_numpy(dtype=np.float64) / total if total else np.nan,
        }
    )
