"""From cleaned retail transactions to customer x item interactions, ratings or weights.

:func:`aggregate` sums invoice lines per (customer, item). :func:`to_ratings` turns the
aggregate into 1-5 ratings by a named scheme (:data:`RATING_SCHEMES`), so explicit-rating
models can run on retail data; :func:`to_implicit` keeps the implicit form as a weight
(:data:`WEIGHTS`). Both add ``C.TIMESTAMP`` (the last purchase), so the result is a
canonical ratings frame that time-based splitters accept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from aftersales import choices, validate
from aftersales import columns as C
from aftersales.errors import DataValidationError, UnknownNameError

INTERACTION_COLUMNS: tuple[str, ...] = (
    C.USER,
    C.ITEM,
    C.PURCHASE_COUNT,
    C.TOTAL_QUANTITY,
    C.REVENUE,
    C.FIRST_PURCHASE,
    C.LAST_PURCHASE,
)
"""Columns of an aggregated interactions frame, in order."""

_NEEDED = (C.CUSTOMER, C.ITEM, C.INVOICE, C.QUANTITY, C.TIMESTAMP)
"""Columns :func:`aggregate` needs; ``C.UNIT_PRICE`` is optional (without it, no revenue)."""


def _first_rows(mask: np.ndarray) -> str:
    return ", ".join(str(i) for i in np.flatnonzero(mask)[:3])


def aggregate(tx: pd.DataFrame) -> pd.DataFrame:
    """Aggregate cleaned transaction lines to one row per (customer, item).

    Parameters
    ----------
    tx : pandas.DataFrame
        Cleaned transactions (see :func:`aftersales.clean.clean_transactions`): every line
        has a customer, a positive quantity and, when the export has prices, a positive
        unit price. Not modified.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INTERACTION_COLUMNS`: ``C.USER`` (the customer id), ``C.ITEM``,
        ``C.PURCHASE_COUNT`` (distinct invoices holding the item), ``C.TOTAL_QUANTITY``,
        ``C.REVENUE`` (sum of quantity x unit price; NaN for an export without
        ``C.UNIT_PRICE``), ``C.FIRST_PURCHASE`` and
        ``C.LAST_PURCHASE``; sorted by customer then item, 0-based index.

    Raises
    ------
    DataValidationError
        If a column is missing or the lines are not clean (missing customer, quantity or
        unit price <= 0); the message gives the count and first row positions.
    """
    source = "aggregate: `tx`"
    validate.require_columns(tx, _NEEDED, source=source)
    missing = tx[C.CUSTOMER].isna().to_numpy()
    if missing.any():
        raise DataValidationError(
            f"{source}: column `{C.CUSTOMER}` must not be missing; {int(missing.sum())} lines "
            f"are (first positions: {_first_rows(missing)}); run clean_transactions first"
        )
    priced = C.UNIT_PRICE in tx
    for column in (C.QUANTITY, C.UNIT_PRICE) if priced else (C.QUANTITY,):
        bad = ~(tx[column].to_numpy(dtype="float64") > 0)
        if bad.any():
            raise DataValidationError(
                f"{source}: column `{column}` must be > 0; {int(bad.sum())} lines are not "
                f"(first positions: {_first_rows(bad)}); run clean_transactions first"
            )
    keys = [C.CUSTOMER, C.ITEM]
    quantity = tx[C.QUANTITY].to_numpy(dtype="float64")
    price = tx[C.UNIT_PRICE].to_numpy(dtype="float64") if priced else np.nan
    lines = tx[[*keys, C.INVOICE, C.QUANTITY, C.TIMESTAMP]].assign(**{C.REVENUE: quantity * price})
    grouped = lines.groupby(keys, sort=True)
    out = grouped.agg(
        **{
            C.TOTAL_QUANTITY: (C.QUANTITY, "sum"),
            C.REVENUE: (C.REVENUE, "sum" if priced else "first"),
            C.FIRST_PURCHASE: (C.TIMESTAMP, "min"),
            C.LAST_PURCHASE: (C.TIMESTAMP, "max"),
        }
    )
    invoices = lines.drop_duplicates([*keys, C.INVOICE]).groupby(keys, sort=True).size()
    out = out.assign(**{C.PURCHASE_COUNT: invoices.astype("int64")})
    out = out.reset_index().rename(columns={C.CUSTOMER: C.USER})
    return out[list(INTERACTION_COLUMNS)]


def _mid_rank_quintile(frame: pd.DataFrame, column: str) -> np.ndarray:
    rank = frame.groupby(C.USER, sort=False)[column].rank(method="average").to_numpy()
    size = frame.groupby(C.USER, sort=False)[column].transform("size").to_numpy()
    percentile = (rank - 0.5) / size
    return np.minimum(np.floor(5 * percentile) + 1, 5).astype("float64")


def frequency_quantile(frame: pd.DataFrame) -> np.ndarray:
    """Rate each item by where its purchase count falls among the customer's own items.

    For a customer with ``n`` items, the item's purchase count gets its average rank ``r``
    among them (ties share a rank), the mid-rank percentile is ``p = (r - 0.5) / n``, and the
    rating is ``min(floor(5 p) + 1, 5)``: five equal bins of the customer's own
    distribution. A customer's most-bought items get 5 and least-bought get 1; when all
    counts tie (including a single item) ``p = 0.5`` and every item gets 3 ("no signal").

    Parameters
    ----------
    frame : pandas.DataFrame
        Interactions from :func:`aggregate`.

    Returns
    -------
    numpy.ndarray
        Ratings 1..5 as float64, aligned with the rows of ``frame``.
    """
    return _mid_rank_quintile(frame, C.PURCHASE_COUNT)


def quantity_quantile(frame: pd.DataFrame) -> np.ndarray:
    """Rate each item by where its total quantity falls among the customer's own items.

    The same per-customer mid-rank quintiles as :func:`frequency_quantile`, applied to
    ``C.TOTAL_QUANTITY``; useful for wholesale customers who buy an item once in bulk.

    Parameters
    ----------
    frame : pandas.DataFrame
        Interactions from :func:`aggregate`.

    Returns
    -------
    numpy.ndarray
        Ratings 1..5 as float64, aligned with the rows of ``frame``.
    """
    return _mid_rank_quintile(frame, C.TOTAL_QUANTITY)


def log_count(frame: pd.DataFrame) -> np.ndarray:
    """Rate each item by the base-2 logarithm of its purchase count, binned.

    ``rating = min(1 + floor(log2(purchase_count)), 5)``: bought on 1 invoice -> 1, 2-3
    -> 2, 4-7 -> 3, 8-15 -> 4, 16 or more -> 5. The same bins for every customer, so a
    rating means the same number of repeat purchases everywhere.

    Parameters
    ----------
    frame : pandas.DataFrame
        Interactions from :func:`aggregate`.

    Returns
    -------
    numpy.ndarray
        Ratings 1..5 as float64, aligned with the rows of ``frame``.
    """
    count = frame[C.PURCHASE_COUNT].to_numpy(dtype="float64")
    return np.minimum(1 + np.floor(np.log2(count)), 5).astype("float64")


RATING_SCHEMES: Mapping[str, Callable[[pd.DataFrame], np.ndarray]] = MappingProxyType(
    dict(
        zip(
            choices.RATING_SCHEMES,  # each name with its scheme, in this order
            (frequency_quantile, quantity_quantile, log_count),
            strict=True,
        )
    )
)
"""Rating schemes by name; each maps interactions to ratings 1..5 (see its docstring)."""

RATING_SCALE: tuple[float, float] = (1.0, 5.0)
"""The scale every scheme produces; pass it to Surprise's ``Reader``."""

WEIGHTS: Mapping[str, str | None] = MappingProxyType(
    dict(
        zip(
            choices.WEIGHTS,  # each name with its column, in this order
            (C.PURCHASE_COUNT, C.TOTAL_QUANTITY, C.REVENUE, None),
            strict=True,
        )
    )
)
"""Implicit weights by name -> the interaction column used (``binary`` is 1 for every pair)."""


def _check_interactions(frame: pd.DataFrame, column: str | None, *, source: str) -> None:
    needed = [C.USER, C.ITEM, C.LAST_PURCHASE] + ([column] if column else [])
    validate.require_columns(frame, needed, source=source)
    validate.require_rows(frame, source=source)
    if column == C.REVENUE and frame[column].isna().all():
        raise DataValidationError(
            f"{source}: the data has no money (no `{C.UNIT_PRICE}`), so no `{C.REVENUE}` "
            f"weight; choose implicit_weight 'count', 'quantity' or 'binary'"
        )
    if column is not None:
        bad = ~(frame[column].to_numpy(dtype="float64") > 0)
        if bad.any():
            raise DataValidationError(
                f"{source}: column `{column}` must be > 0; {int(bad.sum())} rows are not "
                f"(first positions: {_first_rows(bad)})"
            )


def to_ratings(frame: pd.DataFrame, scheme: str = "frequency_quantile") -> pd.DataFrame:
    """Convert interactions to ratings on the 1-5 scale by a named scheme.

    Parameters
    ----------
    frame : pandas.DataFrame
        Interactions from :func:`aggregate`; not modified.
    scheme : str, default "frequency_quantile"
        A key of :data:`RATING_SCHEMES`.

    Returns
    -------
    pandas.DataFrame
        ``C.USER, C.ITEM, C.RATING`` (float64, 1..5), ``C.TIMESTAMP`` (the last purchase),
        then the interaction columns; same rows and order as ``frame``.

    Raises
    ------
    UnknownNameError
        If ``scheme`` is not registered; the message lists the valid names.
    DataValidationError
        If a needed column is missing, the frame is empty, or a count is not positive.
    """
    if scheme not in RATING_SCHEMES:
        raise UnknownNameError(
            f"unknown rating scheme {scheme!r}; valid schemes are {sorted(RATING_SCHEMES)}"
        )
    column = C.TOTAL_QUANTITY if scheme == "quantity_quantile" else C.PURCHASE_COUNT
    _check_interactions(frame, column, source="to_ratings: `frame`")
    rating = RATING_SCHEMES[scheme](frame)
    return _with_front(frame, C.RATING, rating)


def to_implicit(frame: pd.DataFrame, *, weight: str = "count") -> pd.DataFrame:
    """Keep interactions in implicit form with one weight per (customer, item).

    Parameters
    ----------
    frame : pandas.DataFrame
        Interactions from :func:`aggregate`; not modified.
    weight : {"count", "quantity", "revenue", "binary"}, default "count"
        Distinct invoices, units, revenue, or 1 for every pair (see :data:`WEIGHTS`).

    Returns
    -------
    pandas.DataFrame
        ``C.USER, C.ITEM, C.WEIGHT`` (float64), ``C.TIMESTAMP`` (the last purchase), then
        the interaction columns; same rows and order as ``frame``.

    Raises
    ------
    UnknownNameError
        If ``weight`` is not registered; the message lists the valid names.
    DataValidationError
        If a needed column is missing, the frame is empty, or a weight is not positive.
    """
    if weight not in WEIGHTS:
        raise UnknownNameError(f"unknown weight {weight!r}; valid weights are {sorted(WEIGHTS)}")
    column = WEIGHTS[weight]
    _check_interactions(frame, column, source="to_implicit: `frame`")
    values = np.ones(len(frame)) if column is None else frame[column].to_numpy(dtype="float64")
    return _with_front(frame, C.WEIGHT, values)


def _with_front(frame: pd.DataFrame, column: str, values: np.ndarray) -> pd.DataFrame:
    out = frame.assign(**{column: values, C.TIMESTAMP: frame[C.LAST_PURCHASE]})
    front = [C.USER, C.ITEM, column, C.TIMESTAMP]
    return out[front + [c for c in frame.columns if c not in front]]
