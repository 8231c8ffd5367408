"""RFM table, quintile scores and the 11 named segments in Spark (:mod:`aftersales.segment`).

Scores follow :func:`aftersales.segment.rfm_scores` exactly: customers are ranked by value,
ties broken by customer id (``rank(method="first")`` after a stable sort on the id strings),
and the ranks ``1..n`` are cut into five equal-count groups by ``pandas.qcut``. The cut
depends only on ``n``, so it is computed once in pandas on ``1..n`` (a vector of n numbers,
not the data) and applied in Spark as four rank thresholds.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError
from aftersales.segment import N_SCORES, SEGMENT_GRID
from aftersales.segment import days as tx

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

DAY = "_day"


def has_money(lines: DataFrame) -> bool:
    """Whether the lines carry revenue, or quantity and unit price."""
    return C.REVENUE in lines.columns or {C.QUANTITY, C.UNIT_PRICE} <= set(lines.columns)


def _revenue(lines: DataFrame) -> Column:
    from pyspark.sql import functions as F

    if C.REVENUE in lines.columns:
        return F.col(C.REVENUE).cast("double")
    if has_money(lines):
        return F.col(C.QUANTITY).cast("double") * F.col(C.UNIT_PRICE).cast("double")
    return F.lit(None).cast("double")


def rfm(lines: DataFrame, *, reference_date: tx.DateLike | None = None) -> DataFrame:
    """Recency, frequency, monetary value and tenure per customer (:func:`aftersales.segment.rfm`).

    Parameters
    ----------
    lines : pyspark.sql.DataFrame
        Cleaned lines (customer, invoice, timestamp; revenue or quantity and unit price).
    reference_date : date-like, optional
        The day the table describes; default the day after the last transaction.

    Returns
    -------
    pyspark.sql.DataFrame
        :data:`aftersales.segment.RFM_COLUMNS`, one row per customer (ids as strings).

    Raises
    ------
    DataValidationError
        If a column is missing, there are no lines, a line has no customer or time, or a
        customer's net revenue is below zero.
    ParameterError
        If ``reference_date`` is not after the first transaction day.
    """
    from pyspark.sql import functions as F

    missing = [c for c in tx.REQUIRED if c not in lines.columns]
    if missing:
        raise DataValidationError(f"transactions: columns {missing} are missing")
    days = lines.select(
        F.col(C.CUSTOMER).cast("string").alias(C.CUSTOMER),
        F.col(C.INVOICE).cast("string").alias(C.INVOICE),
        F.datediff(F.to_date(C.TIMESTAMP), F.lit("1970-01-01").cast("date")).alias(DAY),
        _revenue(lines).alias(C.REVENUE),
    )
    first_day, last_day, n, no_customer, no_time = days.agg(
        F.min(DAY),
        F.max(DAY),
        F.count(F.lit(1)),
        F.sum(F.when(F.col(C.CUSTOMER).isNull(), 1).otherwise(0)),
        F.sum(F.when(F.col(DAY).isNull(), 1).otherwise(0)),
    ).first()
    if not n:
        raise DataValidationError("transactions: has no rows")
    if no_customer:
        raise DataValidationError(
            f"transactions: {no_customer} rows have no `{C.CUSTOMER}` (guest checkouts); "
            "segmentation needs a customer on every row: drop them first"
        )
    if no_time:
        raise DataValidationError(f"transactions: {no_time} rows have no `{C.TIMESTAMP}`")
    if reference_date is None:
        reference = int(last_day) + 1
    else:
        reference = tx.to_day(reference_date, name="reference_date")
        if reference <= first_day:
            raise ParameterError(
                f"`reference_date` must be after the first transaction day "
                f"{tx.day_label(first_day)}; got {tx.day_label(reference)}"
            )
        days = days.where(F.col(DAY) < reference)
    table = days.groupBy(C.CUSTOMER).agg(
        (F.lit(reference) - F.max(DAY)).cast("long").alias(C.RECENCY),
        F.countDistinct(C.INVOICE).cast("long").alias(C.FREQUENCY),
        F.sum(C.REVENUE).alias(C.MONETARY),
        (F.lit(reference) - F.min(DAY)).cast("long").alias(C.TENURE),
    )
    if has_money(lines):
        worst = table.where(F.col(C.MONETARY) < -tx.NEGATIVE_TOLERANCE).orderBy(C.CUSTOMER)
        bad = worst.limit(3).collect()
        if bad:
            shown = ", ".join(f"customer {r[C.CUSTOMER]!r}: {r[C.MONETARY]:.2f}" for r in bad)
            raise DataValidationError(
                f"`{C.MONETARY}` (net revenue) must be >= 0; {worst.count()} customers are "
                f"negative (first: {shown}). Cancellations or refunds were left after "
                "cleaning: remove them first"
            )
        table = table.withColumn(C.MONETARY, F.greatest(F.col(C.MONETARY), F.lit(0.0)))
    return table


def rank_thresholds(n: int) -> list[int]:
    """Return the highest rank of scores 1-4 when ``pandas.qcut`` cuts ranks ``1..n``.

    Parameters
    ----------
    n : int
        Number of customers (>= 5).

    Returns
    -------
    list of int
        Four ranks: a customer of rank ``r`` scores ``1 + #(thresholds < r)``.
    """
    scores = pd.qcut(np.arange(1, n + 1, dtype="float64"), N_SCORES, labels=False)
    return [int(np.flatnonzero(scores == s).max()) + 1 for s in range(N_SCORES - 1)]


def _score(value: Column, thresholds: list[int]) -> Column:
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    rank = F.row_number().over(Window.orderBy(value, F.col(C.CUSTOMER)))
    return sum((F.when(rank > t, 1).otherwise(0) for t in thresholds), F.lit(1)).cast("long")


def segment_column() -> Column:
    """Return the named segment of ``C.R_SCORE`` and ``C.F_SCORE`` (:data:`SEGMENT_GRID`)."""
    from pyspark.sql import functions as F

    cells = []
    for row, r in zip(SEGMENT_GRID, (5, 4, 3, 2, 1), strict=True):
        for f, name in enumerate(row, start=1):
            cells.append((F.lit(f"{r}{f}"), F.lit(name)))
    grid = F.create_map(*chain.from_iterable(cells))
    return grid[F.concat(F.col(C.R_SCORE).cast("string"), F.col(C.F_SCORE).cast("string"))]


def segment_customers(lines: DataFrame, *, reference_date: tx.DateLike | None = None) -> DataFrame:
    """RFM, quintile scores, code and segment per customer, as in pandas.

    The Spark twin of :func:`aftersales.segment.segment_customers`.

    Parameters
    ----------
    lines : pyspark.sql.DataFrame
        Cleaned lines.
    reference_date : date-like, optional
        The day the table describes; default the day after the last transaction.

    Returns
    -------
    pyspark.sql.DataFrame
        :data:`aftersales.segment.RFM_COLUMNS`, ``C.R_SCORE``, ``C.F_SCORE``, ``C.M_SCORE``
        (null without money), ``C.RFM_CODE`` and ``C.SEGMENT``.

    Raises
    ------
    DataValidationError
        As :func:`rfm`, or with fewer than five customers.
    ParameterError
        If ``reference_date`` is not after the first transaction day.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    table = rfm(lines, reference_date=reference_date).persist(StorageLevel.MEMORY_AND_DISK)
    n = table.count()
    if n < N_SCORES:
        raise DataValidationError(
            f"rfm table: quintile scores need at least {N_SCORES} customers; got {n}"
        )
    cut = rank_thresholds(n)
    scored = table.withColumn(C.R_SCORE, _score(-F.col(C.RECENCY), cut)).withColumn(
        C.F_SCORE, _score(F.col(C.FREQUENCY), cut)
    )
    code = F.concat(F.col(C.R_SCORE).cast("string"), F.col(C.F_SCORE).cast("string"))
    if has_money(lines):
        scored = scored.withColumn(C.M_SCORE, _score(F.col(C.MONETARY), cut))
        code = F.concat(code, F.col(C.M_SCORE).cast("string"))
    else:
        scored = scored.withColumn(C.M_SCORE, F.lit(None).cast("long"))
    return scored.withColumn(C.RFM_CODE, code).withColumn(C.SEGMENT, segment_column())


def segments_to_pandas(segmented: DataFrame) -> pd.DataFrame:
    """Collect a per-customer segment table with the pandas dtypes.

    The frame :func:`aftersales.segment.segment_customers` returns.

    Parameters
    ----------
    segmented : pyspark.sql.DataFrame
        Output of :func:`segment_customers` (one row per customer: modest size).

    Returns
    -------
    pandas.DataFrame
        Sorted by customer id, 0-based index, the pandas dtypes.
    """
    frame = segmented.toPandas().sort_values(C.CUSTOMER, kind="stable").reset_index(drop=True)
    money = frame[C.M_SCORE].notna().any()
    return frame.astype(
        {
            C.CUSTOMER: "str",
            C.RECENCY: "int64",
            C.FREQUENCY: "int64",
            C.MONETARY: "float64",
            C.TENURE: "int64",
            C.R_SCORE: "int64",
            C.F_SCORE: "int64",
            C.M_SCORE: "int64" if money else "Int64",
            C.RFM_CODE: "str",
            C.SEGMENT: "str",
        }
    )
