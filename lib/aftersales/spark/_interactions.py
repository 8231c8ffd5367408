"""Lines to (customer, item) interactions, ratings and weights, and the k-core, in Spark.

The same definitions as :mod:`aftersales.interactions` and :func:`aftersales.clean.kcore`;
the k-core's audit rows carry the pandas words and counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from aftersales import clean, interactions, validate
from aftersales import columns as C
from aftersales.clean import AuditRow
from aftersales.errors import DataValidationError, UnknownNameError

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame


def aggregate(lines: DataFrame) -> DataFrame:
    """One row per (customer, item), as :func:`aftersales.interactions.aggregate`.

    Parameters
    ----------
    lines : pyspark.sql.DataFrame
        Cleaned lines (customer, item, invoice, quantity, timestamp, optional unit price).

    Returns
    -------
    pyspark.sql.DataFrame
        Columns :data:`aftersales.interactions.INTERACTION_COLUMNS` (customer as ``C.USER``).
    """
    from pyspark.sql import functions as F

    priced = C.UNIT_PRICE in lines.columns
    revenue = (
        F.sum(F.col(C.QUANTITY).cast("double") * F.col(C.UNIT_PRICE).cast("double"))
        if priced
        else F.lit(None).cast("double")
    )
    return lines.groupBy(F.col(C.CUSTOMER).alias(C.USER), C.ITEM).agg(
        F.countDistinct(C.INVOICE).cast("long").alias(C.PURCHASE_COUNT),
        F.sum(C.QUANTITY).alias(C.TOTAL_QUANTITY),
        revenue.alias(C.REVENUE),
        F.min(C.TIMESTAMP).alias(C.FIRST_PURCHASE),
        F.max(C.TIMESTAMP).alias(C.LAST_PURCHASE),
    )


def _mid_rank_quintile(column: str) -> Column:
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    by_user = Window.partitionBy(C.USER)
    first_rank = F.rank().over(by_user.orderBy(column))
    ties = F.count(F.lit(1)).over(Window.partitionBy(C.USER, column))
    average = first_rank + (ties - 1) / 2.0
    size = F.count(F.lit(1)).over(by_user)
    percentile = (average - 0.5) / size
    return F.least(F.floor(5 * percentile) + 1, F.lit(5)).cast("double")


def rating(scheme: str) -> Column:
    """Return the 1-5 rating of a named scheme (:data:`aftersales.interactions.RATING_SCHEMES`).

    Parameters
    ----------
    scheme : str
        ``frequency_quantile``, ``quantity_quantile`` or ``log_count``.

    Returns
    -------
    pyspark.sql.Column
        float ratings 1..5.

    Raises
    ------
    UnknownNameError
        If the scheme is not registered.
    """
    from pyspark.sql import functions as F

    if scheme == "frequency_quantile":
        return _mid_rank_quintile(C.PURCHASE_COUNT)
    if scheme == "quantity_quantile":
        return _mid_rank_quintile(C.TOTAL_QUANTITY)
    if scheme == "log_count":  # min(1 + floor(log2 n), 5) on whole counts, exactly
        count = F.col(C.PURCHASE_COUNT)
        return (
            F.when(count >= 16, 5.0)
            .when(count >= 8, 4.0)
            .when(count >= 4, 3.0)
            .when(count >= 2, 2.0)
            .otherwise(1.0)
        )
    raise UnknownNameError(
        f"unknown rating scheme {scheme!r}; valid schemes are {sorted(interactions.RATING_SCHEMES)}"
    )


def ratings_table(lines: DataFrame, scheme: str, weight: str) -> DataFrame:
    """Interactions with rating and implicit weight, as :func:`aftersales.prepare` builds them.

    Parameters
    ----------
    lines : pyspark.sql.DataFrame
        Cleaned lines.
    scheme : str
        The rating scheme.
    weight : str
        The implicit weight (:data:`aftersales.interactions.WEIGHTS`).

    Returns
    -------
    pyspark.sql.DataFrame
        ``user_id, item_id, rating, timestamp`` (last purchase), the interaction columns and
        ``weight``.

    Raises
    ------
    UnknownNameError
        If the scheme or weight is not registered.
    DataValidationError
        If the revenue weight is asked of data without prices.
    """
    from pyspark.sql import functions as F

    if weight not in interactions.WEIGHTS:
        raise UnknownNameError(
            f"unknown weight {weight!r}; valid weights are {sorted(interactions.WEIGHTS)}"
        )
    if weight == "revenue" and C.UNIT_PRICE not in lines.columns:
        raise DataValidationError(
            "spark ratings_table: the data has no money, so no `revenue` weight; choose "
            "implicit_weight 'count', 'quantity' or 'binary'"
        )
    table = aggregate(lines)
    column = interactions.WEIGHTS[weight]
    value = F.lit(1.0) if column is None else F.col(column).cast("double")
    front = [C.USER, C.ITEM, C.RATING, C.TIMESTAMP]
    rest = [c for c in interactions.INTERACTION_COLUMNS if c not in front]
    return table.select(
        C.USER,
        C.ITEM,
        rating(scheme).alias(C.RATING),
        F.col(C.LAST_PURCHASE).alias(C.TIMESTAMP),
        *rest,
        value.alias(C.WEIGHT),
    )


def kcore(frame: DataFrame, *, min_user: int, min_item: int) -> tuple[DataFrame, pd.DataFrame]:
    """Keep users and items with enough rows, to the fixed point (:func:`aftersales.clean.kcore`).

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        Interactions with ``C.USER`` and ``C.ITEM`` (no missing ids).
    min_user, min_item : int
        Minimum rows per user and per item.

    Returns
    -------
    tuple of (pyspark.sql.DataFrame, pandas.DataFrame)
        The k-core (persisted) and the audit table (two rows per pass, as pandas).

    Raises
    ------
    ParameterError
        If a minimum is not an integer >= 1.
    DataValidationError
        If the frame is empty or the filter removes every row.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    min_user = validate.integer(min_user, "min_user")
    min_item = validate.integer(min_item, "min_item")
    kept = frame.persist(StorageLevel.MEMORY_AND_DISK)
    n_in = kept.count()
    if n_in == 0:
        raise DataValidationError("kcore: `frame` has no rows")
    rows: list[AuditRow] = []
    history: list[str] = []
    n_pass = 0
    while True:
        n_pass += 1
        dropped_this_pass = 0
        for side, column, minimum in (("users", C.USER, min_user), ("items", C.ITEM, min_item)):
            count = F.count(F.lit(1)).over(Window.partitionBy(column))
            nxt = (
                kept.withColumn("_n", count)
                .where(F.col("_n") >= minimum)
                .drop("_n")
                .persist(StorageLevel.MEMORY_AND_DISK)
            )
            totals = nxt.agg(
                F.count(F.lit(1)), F.countDistinct(C.USER), F.countDistinct(C.ITEM)
            ).first()
            n_out, left_users, left_items = (int(v) for v in totals)
            kept.unpersist()
            kept = nxt
            dropped_this_pass += n_in - n_out
            rows.append(
                AuditRow(
                    step=f"kcore_pass{n_pass}_{side}",
                    rule=f"pass {n_pass}: {side} with fewer than {minimum} rows",
                    rows_in=n_in,
                    rows_out=n_out,
                    dropped=n_in - n_out,
                    reason=f"too little history to learn from; {left_users} users and "
                    f"{left_items} items remain",
                )
            )
            n_in = n_out
        history.append(f"pass {n_pass}: {left_users} users, {left_items} items")
        if n_out == 0:
            raise DataValidationError(
                f"kcore: min_user={min_user}, min_item={min_item} removes every one of the "
                f"{rows[0].rows_in} rows; left after each pass: {'; '.join(history)}. "
                f"Lower the minimums."
            )
        if dropped_this_pass == 0:
            break
    return kept, clean.reconcile(clean.audit_table(rows))
