"""Recency, frequency, monetary value and tenure per customer, and their quintile scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError
from aftersales.segment import days as tx
from aftersales.segment.days import DateLike

N_SCORES = 5
"""Scores run from 1 (worst) to 5 (best): quintiles."""

RFM_COLUMNS: tuple[str, ...] = (C.CUSTOMER, C.RECENCY, C.FREQUENCY, C.MONETARY, C.TENURE)
"""Columns of :func:`rfm`, in order."""


def rfm(transactions: pd.DataFrame, *, reference_date: DateLike | None = None) -> pd.DataFrame:
    """Compute recency, frequency, monetary value and tenure per customer.

    Time is counted in whole UTC calendar days. Only transactions on days before
    ``reference_date`` are used, so an earlier reference date gives the RFM table as it
    looked then.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Cleaned canonical transactions (no guest rows, no cancellations).
    reference_date : date-like, optional
        The day the table describes; default the day after the last transaction. A naive
        value is taken as UTC and a time of day is dropped.

    Returns
    -------
    pandas.DataFrame
        One row per customer, sorted by customer id, with columns :data:`RFM_COLUMNS`:
        ``C.RECENCY`` days from the last purchase day to the reference date (>= 1),
        ``C.FREQUENCY`` distinct invoices, ``C.MONETARY`` net revenue (sum of the
        ``revenue`` column, else of quantity x unit price; NaN for every customer when the
        data holds no money, see :func:`has_money`), ``C.TENURE`` days from the first
        purchase day to the reference date.

    Raises
    ------
    DataValidationError
        If a required column is missing, a row has no customer id, or a customer's net
        revenue is negative (cancellations left after cleaning).
    ParameterError
        If ``reference_date`` is not after the first transaction day.

    Examples
    --------
    A customer who bought on 2011-12-01 and 2011-12-05, with reference date 2011-12-10,
    has recency 5 and tenure 9.
    """
    prepared = tx.prepare(transactions)
    first_day = int(prepared[tx.DAY].min())
    if reference_date is None:
        reference = int(prepared[tx.DAY].max()) + 1
    else:
        reference = tx.to_day(reference_date, name="reference_date")
        if reference <= first_day:
            raise ParameterError(
                f"`reference_date` must be after the first transaction day "
                f"{tx.day_label(first_day)}; got {tx.day_label(reference)}"
            )
        prepared = prepared[prepared[tx.DAY] < reference]
    grouped = prepared.groupby(C.CUSTOMER, sort=True)
    table = grouped.agg(
        first=(tx.DAY, "min"),
        last=(tx.DAY, "max"),
        frequency=(C.INVOICE, "nunique"),
        monetary=(C.REVENUE, "sum"),
    )
    customers = pd.Series(table.index.to_numpy(), name=C.CUSTOMER)
    monetary = tx.refuse_negative(
        table["monetary"].reset_index(drop=True), customers, what="net revenue"
    )
    if not tx.has_money(transactions):
        monetary = pd.Series(np.nan, index=monetary.index)
    return pd.DataFrame(
        {
            C.CUSTOMER: customers,
            C.RECENCY: (reference - table["last"].to_numpy()).astype(np.int64),
            C.FREQUENCY: table["frequency"].to_numpy().astype(np.int64),
            C.MONETARY: monetary.to_numpy(dtype=np.float64),
            C.TENURE: (reference - table["first"].to_numpy()).astype(np.int64),
        }
    )


def _quintiles(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Score ``values`` 1-5 (higher value, higher score); ties by position in ``order``."""
    ranks = pd.Series(values[order]).rank(method="first").to_numpy()
    scores = np.empty(len(values), dtype=np.int64)
    scores[order] = pd.qcut(ranks, N_SCORES, labels=False).astype(np.int64) + 1
    return scores


def rfm_scores(table: pd.DataFrame) -> pd.DataFrame:
    """Add quintile scores 1-5 for recency, frequency and monetary value, and an RFM code.

    Ties are broken deterministically: customers are first sorted by id (a stable sort on
    the id strings), then ranked with ``rank(method="first")``, so among equal values the
    customer with the smaller id gets the lower rank, and the ranks are cut into five
    equal-count groups with ``pandas.qcut``. Recency is ranked on its negation, so the
    most recent customers score 5; frequency and monetary value score 5 for the highest.

    Without money (``C.MONETARY`` missing for every customer, an export without prices or
    revenue) the scores are R and F only: ``C.M_SCORE`` is missing and the code has two
    digits (``"54"``). The named segments read R and F alone, so they are the same.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`rfm` (at least ``C.CUSTOMER``, ``C.RECENCY``, ``C.FREQUENCY`` and
        ``C.MONETARY``), with at least five customers.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` (same row order) with ``C.R_SCORE``, ``C.F_SCORE``,
        ``C.M_SCORE`` (int64, 1-5; nullable ``Int64``, all missing, without money) and
        ``C.RFM_CODE`` (str, e.g. ``"545"``; ``"54"`` without money).

    Raises
    ------
    DataValidationError
        If a column is missing, a customer id repeats, or there are fewer than five
        customers.
    """
    source = "rfm table"
    validate.require_columns(table, (C.CUSTOMER, C.RECENCY, C.FREQUENCY, C.MONETARY), source=source)
    if len(table) < N_SCORES:
        raise DataValidationError(
            f"{source}: quintile scores need at least {N_SCORES} customers; got {len(table)}"
        )
    ids = table[C.CUSTOMER].astype("str")
    duplicated = ids.duplicated().to_numpy()
    if duplicated.any():
        raise DataValidationError(
            f"{source}: column `{C.CUSTOMER}` must be unique; {int(duplicated.sum())} repeat "
            f"(first: {ids[duplicated].iloc[0]!r})"
        )
    order = np.argsort(ids.to_numpy(dtype=object), kind="stable")
    r = _quintiles(-table[C.RECENCY].to_numpy(dtype=np.float64), order)
    f = _quintiles(table[C.FREQUENCY].to_numpy(dtype=np.float64), order)
    monetary = table[C.MONETARY].to_numpy(dtype=np.float64)
    code = pd.Series(r.astype(str), dtype="str") + f.astype(str)
    if np.isnan(monetary).all():
        m = pd.array([pd.NA] * len(table), dtype="Int64")
    else:
        m = _quintiles(monetary, order)
        code = code + m.astype(str)
    return table.assign(
        **{
            C.R_SCORE: r,
            C.F_SCORE: f,
            C.M_SCORE: m,
            C.RFM_CODE: code.to_numpy(),
        }
    )
