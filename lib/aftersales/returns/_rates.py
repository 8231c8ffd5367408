"""Return rates (returned / sold, in units and in value) per group, with bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import segment, stats, validate
from aftersales.errors import ParameterError
from aftersales.random import Seed, rng
from aftersales.returns._schema import matched

NO_LABEL = "No net purchase"
"""Group of customers a labelling leaves out (e.g. every purchase returned: no net segment)."""

ALL = "All customers"
"""The single group of :func:`overall_rate`."""

AMOUNTS: tuple[str, ...] = (C.RETURNED_UNITS, C.SOLD_UNITS, C.RETURNED_VALUE, C.SOLD_VALUE)
"""Per-customer sums behind every rate, in the order the bootstrap reads them."""

RATE_COLUMNS: tuple[str, ...] = (
    C.N_CUSTOMERS,
    C.SOLD_UNITS,
    C.RETURNED_UNITS,
    C.UNIT_RATE,
    C.UNIT_CI_LOW,
    C.UNIT_CI_HIGH,
    C.SOLD_VALUE,
    C.RETURNED_VALUE,
    C.VALUE_RATE,
    C.VALUE_CI_LOW,
    C.VALUE_CI_HIGH,
)
"""Columns of :func:`return_rates` after the group column."""


def customer_items(lines: pd.DataFrame, returns: pd.DataFrame) -> pd.DataFrame:
    """Units and value each customer bought and returned of each item.

    Sold amounts are gross: the net lines plus the matched returns that netting took off
    them, so a purchase returned in full still counts as sold. Only matched returns count
    as returned; an unmatched remainder (bought before the data starts) has no sale to be a
    share of.

    Parameters
    ----------
    lines : pandas.DataFrame
        Net transaction lines (``net_returns(...).lines`` or ``prepare(...).cleaned``):
        customer, item, quantity and unit price (or revenue).
    returns : pandas.DataFrame
        The returns table of the same netting (see :func:`check_returns`).

    Returns
    -------
    pandas.DataFrame
        One row per (customer, item) bought: ``C.CUSTOMER``, ``C.ITEM`` and
        :data:`AMOUNTS`, sorted by customer and item.

    Raises
    ------
    DataValidationError
        If a column is missing or the returns table fails its checks.
    """
    validate.require_columns(lines, (C.CUSTOMER, C.ITEM, C.QUANTITY), source="net lines")
    back = matched(returns)
    net = pd.DataFrame(
        {
            C.CUSTOMER: lines[C.CUSTOMER].astype("str").to_numpy(),
            C.ITEM: lines[C.ITEM].astype("str").to_numpy(),
            C.SOLD_UNITS: lines[C.QUANTITY].to_numpy(dtype=np.float64),
            C.SOLD_VALUE: segment.revenue(lines),
            C.RETURNED_UNITS: 0.0,
            C.RETURNED_VALUE: 0.0,
        }
    )
    units = back[C.QUANTITY].to_numpy(dtype=np.float64)
    value = back[C.VALUE].to_numpy(dtype=np.float64)
    taken = pd.DataFrame(
        {
            C.CUSTOMER: back[C.CUSTOMER].astype("str").to_numpy(),
            C.ITEM: back[C.ITEM].astype("str").to_numpy(),
            C.SOLD_UNITS: units,
            C.SOLD_VALUE: value,
            C.RETURNED_UNITS: units,
            C.RETURNED_VALUE: value,
        }
    )
    both = pd.concat([net, taken], ignore_index=True)
    table = both.groupby([C.CUSTOMER, C.ITEM], sort=True, as_index=False).sum()
    return table[table[C.SOLD_UNITS] > 0].reset_index(drop=True)[[C.CUSTOMER, C.ITEM, *AMOUNTS]]


def label_customers(table: pd.DataFrame, labels: pd.DataFrame, column: str) -> pd.DataFrame:
    """Add a customer-level label (segment, country) to a customer table.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with ``C.CUSTOMER`` (e.g. :func:`customer_items`); not modified.
    labels : pandas.DataFrame
        ``C.CUSTOMER`` and ``column``, one row per customer.
    column : str
        The label column to copy.

    Returns
    -------
    pandas.DataFrame
        ``table`` with ``column`` added; customers without a label get :data:`NO_LABEL`.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(table, (C.CUSTOMER,), source="customer table")
    validate.require_columns(labels, (C.CUSTOMER, column), source="labels")
    lookup = pd.Series(
        labels[column].astype("str").to_numpy(), index=labels[C.CUSTOMER].astype("str").to_numpy()
    )
    found = lookup.reindex(table[C.CUSTOMER].astype("str").to_numpy())
    return table.assign(**{column: found.fillna(NO_LABEL).to_numpy()})


def return_rates(
    table: pd.DataFrame,
    by: str,
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: Seed,
) -> pd.DataFrame:
    """Return rate of each group in units and in value, with percentile bootstrap intervals.

    A group's rate is its returned units over its sold units (and the same in value).
    Replicates resample the group's customers with replacement (a customer's purchases and
    returns stay together, since returns cluster by customer), through
    :func:`aftersales.stats.resample_weights`; groups are drawn in sorted order from one
    generator, so a seed gives the same intervals on every run.

    Parameters
    ----------
    table : pandas.DataFrame
        ``C.CUSTOMER``, ``by`` and :data:`AMOUNTS` (e.g. :func:`customer_items`, labelled
        with :func:`label_customers`); a customer may have several rows per group.
    by : str
        The group column (``C.ITEM``, ``C.SEGMENT``, ``C.COUNTRY``...).
    n_resamples : int, default 1000
        Bootstrap replicates.
    level : float, default 0.95
        Confidence level of the intervals.
    seed : int or numpy.random.Generator
        Seed of the resampling.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by ``by``: ``by`` then :data:`RATE_COLUMNS`.

    Raises
    ------
    DataValidationError
        If a column is missing or the table is empty.
    ParameterError
        If ``n_resamples`` or ``level`` is out of range, or some group sold nothing.
    """
    validate.require_columns(table, (C.CUSTOMER, by, *AMOUNTS), source="return table")
    validate.require_rows(table, source="return table")
    if not 0 < level < 1:
        raise ParameterError(f"`level` must be in (0, 1); got {level!r}")
    per_customer = table.groupby([by, C.CUSTOMER], sort=True)[list(AMOUNTS)].sum()
    totals = per_customer.groupby(level=0, sort=True).sum()
    if (totals[C.SOLD_UNITS] <= 0).any():
        empty = totals.index[(totals[C.SOLD_UNITS] <= 0).to_numpy()][0]
        raise ParameterError(f"return table: group {empty!r} of `{by}` sold no unit")
    counts = per_customer.groupby(level=0, sort=True).size()
    generator = rng(seed)
    bounds = np.full((len(totals), 4), np.nan)
    components = per_customer.to_numpy(dtype=np.float64)
    starts = np.concatenate([[0], np.cumsum(counts.to_numpy())])
    for number in range(len(totals)):  # one bootstrap per group
        block = components[starts[number] : starts[number + 1]]
        weights = stats.resample_weights(len(block), n_resamples=n_resamples, seed=generator)
        sums = weights @ block
        with np.errstate(divide="ignore", invalid="ignore"):
            units, value = sums[:, 0] / sums[:, 1], sums[:, 2] / sums[:, 3]
        bounds[number, :2] = stats.percentile_interval(units, level=level)
        bounds[number, 2:] = stats.percentile_interval(value, level=level)
    with np.errstate(divide="ignore", invalid="ignore"):
        value_rate = (totals[C.RETURNED_VALUE] / totals[C.SOLD_VALUE]).to_numpy()
    return pd.DataFrame(
        {
            by: totals.index.to_numpy(),
            C.N_CUSTOMERS: counts.to_numpy(dtype=np.int64),
            C.SOLD_UNITS: totals[C.SOLD_UNITS].to_numpy(),
            C.RETURNED_UNITS: totals[C.RETURNED_UNITS].to_numpy(),
            C.UNIT_RATE: (totals[C.RETURNED_UNITS] / totals[C.SOLD_UNITS]).to_numpy(),
            C.UNIT_CI_LOW: bounds[:, 0],
            C.UNIT_CI_HIGH: bounds[:, 1],
            C.SOLD_VALUE: totals[C.SOLD_VALUE].to_numpy(),
            C.RETURNED_VALUE: totals[C.RETURNED_VALUE].to_numpy(),
            C.VALUE_RATE: value_rate,
            C.VALUE_CI_LOW: bounds[:, 2],
            C.VALUE_CI_HIGH: bounds[:, 3],
        }
    )


def overall_rate(
    table: pd.DataFrame, *, n_resamples: int = 1000, level: float = 0.95, seed: Seed
) -> pd.DataFrame:
    """Compute the return rate of all customers together (see :func:`return_rates`).

    Parameters
    ----------
    table : pandas.DataFrame
        ``C.CUSTOMER`` and :data:`AMOUNTS`.
    n_resamples : int, default 1000
        Bootstrap replicates.
    level : float, default 0.95
        Confidence level.
    seed : int or numpy.random.Generator
        Seed of the resampling.

    Returns
    -------
    pandas.DataFrame
        One row: ``C.GROUP`` (:data:`ALL`) and :data:`RATE_COLUMNS`.

    Raises
    ------
    DataValidationError
        If a column is missing or the table is empty.
    ParameterError
        As :func:`return_rates`.
    """
    return return_rates(
        table.assign(**{C.GROUP: ALL}), C.GROUP, n_resamples=n_resamples, level=level, seed=seed
    )


def ranked_items(
    rates: pd.DataFrame, names: pd.Series, *, min_customers: int = 1, by: str = C.RETURNED_UNITS
) -> pd.DataFrame:
    """Item rates with descriptions, the most returned first.

    Parameters
    ----------
    rates : pandas.DataFrame
        :func:`return_rates` by ``C.ITEM``.
    names : pandas.Series
        Item id -> description (``prepare(...).names``).
    min_customers : int, default 1
        Leave out items bought by fewer customers (their rates rest on a handful of people).
    by : str, default ``C.RETURNED_UNITS``
        Column to rank by, descending (ties by item id).

    Returns
    -------
    pandas.DataFrame
        ``C.ITEM``, ``C.DESCRIPTION`` and :data:`RATE_COLUMNS`.

    Raises
    ------
    DataValidationError
        If a column is missing.
    ParameterError
        If ``min_customers`` < 1 or ``by`` is not a rate column.
    """
    validate.require_columns(rates, (C.ITEM, *RATE_COLUMNS), source="item rates")
    if isinstance(min_customers, bool) or not isinstance(min_customers, int) or min_customers < 1:
        raise ParameterError(f"`min_customers` must be an integer >= 1; got {min_customers!r}")
    if by not in RATE_COLUMNS:
        raise ParameterError(f"`by` must be one of {list(RATE_COLUMNS)}; got {by!r}")
    kept = rates[rates[C.N_CUSTOMERS] >= min_customers]
    described = names.astype("str").reindex(kept[C.ITEM].astype("str").to_numpy()).fillna("")
    out = kept.assign(**{C.DESCRIPTION: described.to_numpy()})
    out = out.sort_values([by, C.ITEM], ascending=[False, True], kind="stable")
    return out[[C.ITEM, C.DESCRIPTION, *RATE_COLUMNS]].reset_index(drop=True)


def largest_groups(rates: pd.DataFrame, by: str, *, n: int) -> pd.DataFrame:
    """Return the ``n`` groups with the most customers (ties by name), largest first.

    Parameters
    ----------
    rates : pandas.DataFrame
        :func:`return_rates`.
    by : str
        Its group column.
    n : int
        How many groups.

    Returns
    -------
    pandas.DataFrame
        The selected rows, reindexed from 0.

    Raises
    ------
    ParameterError
        If ``n`` < 1.
    DataValidationError
        If a column is missing.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ParameterError(f"`n` must be an integer >= 1; got {n!r}")
    validate.require_columns(rates, (by, C.N_CUSTOMERS), source="return rates")
    ordered = rates.sort_values([C.N_CUSTOMERS, by], ascending=[False, True], kind="stable")
    return ordered.head(n).reset_index(drop=True)


def labelled(rates: pd.DataFrame, by: str) -> pd.DataFrame:
    """Leave out the group of customers without a label (:data:`NO_LABEL`).

    Its rate is 100 % by construction (every purchase returned), which would squeeze the
    other groups in a figure.

    Parameters
    ----------
    rates : pandas.DataFrame
        :func:`return_rates` or a table with its group column.
    by : str
        The group column.

    Returns
    -------
    pandas.DataFrame
        The other rows, reindexed from 0.

    Raises
    ------
    DataValidationError
        If ``by`` is missing.
    """
    validate.require_columns(rates, (by,), source="return rates")
    return rates[(rates[by] != NO_LABEL).to_numpy()].reset_index(drop=True)
