"""Chronological check of the due list: the due pairs bought in the window after a cut-off."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import stats, validate
from aftersales.errors import DataValidationError, ParameterError
from aftersales.random import Seed
from aftersales.replenish._schedule import (
    LISTED,
    check_days,
    check_number,
    plan,
    reference_time,
    repeat_pairs,
)

SHRUNK = "own shrunk to item"
OWN = "own interval only"
ITEM = "item interval only"
EVERY = "every repeat pair"
METHODS: tuple[str, ...] = (SHRUNK, OWN, ITEM, EVERY)
"""The due rules compared: the schedule's rule, its two halves, and listing every repeat pair."""

EVALUATION_COLUMNS: tuple[str, ...] = (
    C.METHOD,
    C.N_DUE,
    C.N_HITS,
    C.PRECISION,
    C.CI_LOW,
    C.CI_HIGH,
    C.N_BOUGHT,
    C.RECALL,
)
"""Columns of :attr:`BuyAgainEvaluation.table`, in this order."""

OVERDUE_EDGES: tuple[float, ...] = (-math.inf, -60, -30, -8, 7, 30, 60, 120, 240, math.inf)
"""Default bins (right-closed) of days overdue in :func:`hit_rate_by_overdue`."""

_LINE_COLUMNS = (C.CUSTOMER, C.ITEM, C.TIMESTAMP)


@dataclass(frozen=True)
class BuyAgainEvaluation:
    """The due rules scored on the window after a cut-off.

    Attributes
    ----------
    table : pandas.DataFrame
        :data:`EVALUATION_COLUMNS`, one row per rule of :data:`METHODS`.
    scored : pandas.DataFrame
        The schedule at the cut-off (``SHRUNK`` rule) with ``C.HIT``: bought in the window.
    cutoff, window_end : pandas.Timestamp
        The window is ``[cutoff, window_end)``.
    """

    table: pd.DataFrame = field(repr=False)
    scored: pd.DataFrame = field(repr=False)
    cutoff: pd.Timestamp
    window_end: pd.Timestamp


def _precision_ci(
    scored: pd.DataFrame, listed: np.ndarray, *, n_resamples: int, level: float, seed: Seed
) -> tuple[float, float]:
    """Bootstrap interval of precision, resampling customers (their pairs move together)."""
    chosen = scored.loc[listed]
    if chosen.empty:
        return float("nan"), float("nan")
    per_customer = chosen.groupby(C.CUSTOMER, observed=True)[C.HIT].agg(["sum", "size"])
    return stats.bootstrap_ci(
        [per_customer.to_numpy(dtype="float64")],
        lambda sums: sums[..., 0] / sums[..., 1],
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


def evaluate(
    transactions: pd.DataFrame,
    *,
    cutoff: object = None,
    window_days: int = 30,
    tolerance_days: int = 7,
    shrinkage: float = 1.0,
    lapse_intervals: float = 2.0,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: Seed,
) -> BuyAgainEvaluation:
    """Precision and recall of "due in the next ``window_days`` days" on a chronological split.

    The history is every line before ``cutoff``; the window the lines in
    ``[cutoff, cutoff + window_days)``. A repeat pair (bought on two days or more before the
    cut-off) is a hit when the customer buys the item again in the window. Each rule lists
    pairs as due (status due or overdue of :func:`aftersales.replenish.schedule`):

    - ``SHRUNK``: the schedule's usual interval with ``shrinkage``;
    - ``OWN``: the customer's own median interval only (``shrinkage = 0``);
    - ``ITEM``: the item's median interval only (``shrinkage = inf``);
    - ``EVERY``: every repeat pair, the naive baseline (its precision is the base rate).

    Precision is hits over listed pairs, with a percentile bootstrap interval that resamples
    customers; recall is hits over the repeat pairs bought in the window.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Cleaned purchase lines with ``C.CUSTOMER``, ``C.ITEM``, ``C.TIMESTAMP``; not
        modified.
    cutoff : datetime-like, optional
        First moment of the window; default ``window_days`` days before the day after the
        last purchase (the last ``window_days`` days of data are the window).
    window_days, tolerance_days : int, default 30, 7
        As :func:`aftersales.replenish.schedule`; the window is as long as the horizon.
    shrinkage, lapse_intervals : float, default 1.0, 2.0
        As :func:`aftersales.replenish.schedule`.
    n_resamples : int, default 1000
        Bootstrap replicates.
    level : float, default 0.95
        Confidence level of the interval.
    seed : int or numpy.random.Generator
        Seed of the bootstrap.

    Returns
    -------
    BuyAgainEvaluation
        The rules' table, the scored schedule and the window.

    Raises
    ------
    ParameterError
        If ``window_days`` < 1, ``tolerance_days`` < 0, ``shrinkage`` or
        ``lapse_intervals`` is negative, ``cutoff`` is not a date, or ``n_resamples`` or
        ``level`` is out of range.
    DataValidationError
        If a column is missing, there are no lines, the cut-off is outside the data, the
        window runs past the last purchase day, or no pair repeats before the cut-off.
    """
    source = "replenish.evaluate: `transactions`"
    window = check_days("window_days", window_days, low=1)
    tolerance = check_days("tolerance_days", tolerance_days, low=0)
    weight = check_number("shrinkage", shrinkage, infinite=True)
    lapse = check_number("lapse_intervals", lapse_intervals, infinite=False)
    check_days("n_resamples", n_resamples, low=1)
    if not 0 < level < 1:
        raise ParameterError(f"`level` must be in (0, 1); got {level!r}")
    validate.require_columns(transactions, _LINE_COLUMNS, source=source)
    validate.require_rows(transactions, source=source)
    lines = transactions[list(_LINE_COLUMNS)]
    data_end = reference_time(lines, None, source=source)
    if cutoff is None:
        cutoff = data_end - pd.Timedelta(days=window)
    start = reference_time(lines, cutoff, source=source)
    end = start + pd.Timedelta(days=window)
    if end > data_end:
        raise DataValidationError(
            f"{source}: the {window}-day window from {start} ends on {end}, after the data "
            f"(last purchase day {(data_end - pd.Timedelta(days=1)).date()}); pick a cut-off "
            f"at or before {data_end - pd.Timedelta(days=window)}"
        )
    pairs = repeat_pairs(lines, before=start)
    if pairs.empty:
        raise DataValidationError(
            f"{source}: no customer bought an item on two distinct days before {start}; "
            "there is nothing to buy again (pick a later cut-off)"
        )
    stamps = lines[C.TIMESTAMP]
    window_lines = lines.loc[(stamps >= start) & (stamps < end), [C.CUSTOMER, C.ITEM]]
    bought = pd.MultiIndex.from_frame(window_lines.drop_duplicates())
    hits = pd.MultiIndex.from_frame(pairs[[C.CUSTOMER, C.ITEM]]).isin(bought)
    n_bought = int(hits.sum())
    options = {"window_days": window, "tolerance_days": tolerance, "lapse": lapse}
    rows, scored = [], None
    for method, rule in ((SHRUNK, weight), (OWN, 0.0), (ITEM, math.inf), (EVERY, None)):
        table = plan(pairs, start, shrinkage=weight if rule is None else rule, **options)
        table = table.assign(**{C.HIT: hits})
        scored = table if scored is None else scored
        listed = np.ones(len(table), bool) if rule is None else table[C.STATUS].isin(LISTED)
        listed = np.asarray(listed, dtype=bool)
        n_due, n_hits = int(listed.sum()), int(hits[listed].sum())
        low, high = _precision_ci(table, listed, n_resamples=n_resamples, level=level, seed=seed)
        rows.append(
            {
                C.METHOD: method,
                C.N_DUE: n_due,
                C.N_HITS: n_hits,
                C.PRECISION: n_hits / n_due if n_due else float("nan"),
                C.CI_LOW: low,
                C.CI_HIGH: high,
                C.N_BOUGHT: n_bought,
                C.RECALL: n_hits / n_bought if n_bought else float("nan"),
            }
        )
    result = pd.DataFrame(rows, columns=list(EVALUATION_COLUMNS))
    return BuyAgainEvaluation(result, scored, start, end)


def _bin_labels(edges: np.ndarray) -> list[str]:
    labels = []
    for low, high in itertools.pairwise(edges):
        if math.isinf(low):
            labels.append(f"<= {int(high)}")
        elif math.isinf(high):
            labels.append(f"> {int(low)}")
        elif high == low + 1:
            labels.append(f"{int(high)}")
        else:
            labels.append(f"{int(low) + 1} to {int(high)}")
    return labels


def hit_rate_by_overdue(
    scored: pd.DataFrame, *, edges: tuple[float, ...] = OVERDUE_EDGES
) -> pd.DataFrame:
    """Share of repeat pairs bought in the window, by days overdue at the cut-off.

    Parameters
    ----------
    scored : pandas.DataFrame
        :attr:`BuyAgainEvaluation.scored` (``C.DAYS_OVERDUE`` and ``C.HIT``); not modified.
    edges : tuple of float, default :data:`OVERDUE_EDGES`
        Increasing bin edges of days overdue; bins are right-closed, ``(low, high]``.

    Returns
    -------
    pandas.DataFrame
        ``C.DAYS_OVERDUE`` (the bin's label, e.g. ``"-7 to 7"``), ``C.N_PAIRS``,
        ``C.N_HITS`` and ``C.PRECISION`` (hits over pairs; NaN for an empty bin), one row
        per bin in order.

    Raises
    ------
    ParameterError
        If ``edges`` has fewer than two values or is not strictly increasing, or a finite
        edge is not a whole number.
    DataValidationError
        If a column is missing.
    """
    bounds = np.asarray(edges, dtype="float64")
    finite = bounds[np.isfinite(bounds)]
    if len(bounds) < 2 or np.any(np.diff(bounds) <= 0) or np.any(finite != np.round(finite)):
        raise ParameterError(
            f"`edges` must be at least two strictly increasing whole numbers (or inf); "
            f"got {list(edges)}"
        )
    validate.require_columns(scored, (C.DAYS_OVERDUE, C.HIT), source="hit_rate_by_overdue")
    bins = pd.cut(scored[C.DAYS_OVERDUE], bounds, right=True, labels=False)
    grouped = scored[C.HIT].astype("int64").groupby(bins)
    counts = grouped.size().reindex(range(len(bounds) - 1), fill_value=0)
    found = grouped.sum().reindex(range(len(bounds) - 1), fill_value=0)
    rate = found / counts.where(counts > 0)
    return pd.DataFrame(
        {
            C.DAYS_OVERDUE: _bin_labels(bounds),
            C.N_PAIRS: counts.to_numpy(dtype="int64"),
            C.N_HITS: found.to_numpy(dtype="int64"),
            C.PRECISION: rate.to_numpy(dtype="float64"),
        }
    )
