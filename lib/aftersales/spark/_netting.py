"""Returns netted against the purchases they reverse, as Spark window jobs.

The pandas matching (:mod:`aftersales.clean._matching`) is a closed form over each
(customer, item) event stream, and each piece of it is a Spark window function: in time
order (purchases before returns at equal times, then row order), with ``P`` and ``R`` the
running purchased and returned quantities, the quantity matched by the end of event ``j`` is
``M_j = R_j + min(0, min_{k <= j} (P_k - R_k))``. Return ``j`` takes the interval
``[M_{j-1}, M_j)`` of the group's purchase axis and purchase ``k`` covers
``[P_k - q_k, P_k)``: the pieces are the overlaps (a join within the group), and purchase
``k`` keeps ``q_k - clip(M_last - (P_k - q_k), 0, q_k)`` units. No step needs all lines of
a group on one machine beyond the window itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from aftersales import clean
from aftersales import columns as C
from aftersales.clean import DERIVED_INVOICE, MATCHED, UNMATCHED, AuditRow, ReturnMarker
from aftersales.spark._clean import strip
from aftersales.spark._io import ROW

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

_SECONDS_PER_DAY = 86_400.0
_REASON_MATCHED = "a return reverses a sale: netted against the purchase, kept in the returns table"
_REASON_UNMATCHED = "bought before the data starts: nothing to net; kept in the returns table"


def return_mask(marker: ReturnMarker) -> Column:
    """Flag the lines ``marker`` marks as returns (:meth:`ReturnMarker.mask`)."""
    from pyspark.sql import functions as F

    if marker.by == "prefix":
        ids = strip(F.col(C.INVOICE).cast("string"))
        marked = F.upper(ids).startswith(marker.prefix.strip().upper()) & ~ids.rlike(
            DERIVED_INVOICE
        )
        return F.coalesce(marked, F.lit(False))
    if marker.by == "flag":
        return F.coalesce(F.col(marker.column).cast("boolean"), F.lit(False))
    return F.coalesce(F.col(C.QUANTITY).cast("double") < 0, F.lit(False))


def net_returns(
    lines: DataFrame, marker: ReturnMarker
) -> tuple[DataFrame, DataFrame, pd.DataFrame]:
    """Net return lines against earlier purchases of the same customer and item (FIFO).

    Parameters
    ----------
    lines : pyspark.sql.DataFrame
        Lines with :data:`ROW`, invoice, customer, item, quantity, unit price and timestamp.
    marker : ReturnMarker
        How return lines are marked.

    Returns
    -------
    tuple of (pyspark.sql.DataFrame, pyspark.sql.DataFrame, pandas.DataFrame)
        The net lines (returns and fully returned purchases removed, net quantities), the
        returns table (:data:`aftersales.columns.RETURNS_COLUMNS` and :data:`ROW` of the
        return line, plus ``_piece`` for ordering) and the four audit rows of
        :func:`aftersales.clean.net_returns`.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    q = F.col(C.QUANTITY).cast("double")
    flagged = lines.select(
        "*",
        return_mask(marker).alias("_ret"),
        q.alias("_q"),
    ).withColumn("_buy", ~F.col("_ret") & (F.col("_q") > 0) & ~F.isnan("_q"))
    usable = F.col(C.CUSTOMER).isNotNull() & F.col(C.ITEM).isNotNull()
    event = (F.col("_ret") | F.col("_buy")) & usable
    group = Window.partitionBy(C.CUSTOMER, C.ITEM)
    ordered = group.orderBy(C.TIMESTAMP, "_ret", ROW)
    running = ordered.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    events = flagged.where(event).select(
        ROW,
        C.CUSTOMER,
        C.ITEM,
        C.INVOICE,
        C.TIMESTAMP,
        C.UNIT_PRICE,
        "_ret",
        F.abs("_q").alias("_qty"),
    )
    bought = F.when(F.col("_ret"), 0.0).otherwise(F.col("_qty"))
    returned = F.when(F.col("_ret"), F.col("_qty")).otherwise(0.0)
    events = events.withColumn("_p", F.sum(bought).over(running)).withColumn(
        "_r", F.sum(returned).over(running)
    )
    events = events.withColumn("_low", F.min(F.col("_p") - F.col("_r")).over(running))
    events = events.withColumn("_m", F.col("_r") + F.least(F.col("_low"), F.lit(0.0)))
    events = events.withColumn("_m0", F.coalesce(F.lag("_m").over(ordered), F.lit(0.0)))
    events = events.withColumn("_total", F.max("_m").over(group))
    events = events.persist(StorageLevel.MEMORY_AND_DISK)

    buys = events.where(~F.col("_ret")).select(
        F.col(ROW).alias("_buy_row"),
        C.CUSTOMER,
        C.ITEM,
        F.col(C.INVOICE).alias("_buy_invoice"),
        F.col(C.TIMESTAMP).alias("_buy_time"),
        F.col(C.UNIT_PRICE).cast("double").alias("_buy_price"),
        (F.col("_p") - F.col("_qty")).alias("_start"),
        F.col("_p").alias("_end"),
        F.least(
            F.greatest(F.col("_total") - (F.col("_p") - F.col("_qty")), F.lit(0.0)),
            F.col("_qty"),
        ).alias("_taken"),
    )
    takes = events.where(F.col("_ret") & (F.col("_m") > F.col("_m0"))).select(
        F.col(ROW).alias("_ret_row"), C.CUSTOMER, C.ITEM, "_m0", "_m"
    )
    pieces = takes.join(buys, [C.CUSTOMER, C.ITEM]).where(
        (F.col("_start") < F.col("_m")) & (F.col("_end") > F.col("_m0"))
    )
    pieces = pieces.select(
        "_ret_row",
        "_buy_row",
        "_buy_invoice",
        "_buy_time",
        "_buy_price",
        "_start",
        (F.least("_m", "_end") - F.greatest("_m0", "_start")).alias("_piece_qty"),
    ).persist(StorageLevel.MEMORY_AND_DISK)

    # per return line: matched units and value
    per_return = pieces.groupBy("_ret_row").agg(
        F.sum("_piece_qty").alias("_got"),
        F.sum(F.col("_piece_qty") * F.col("_buy_price")).alias("_worth"),
    )
    return_lines = (
        flagged.where("_ret")
        .join(per_return, flagged[ROW] == per_return["_ret_row"], "left")
        .select(
            "*",
            F.abs("_q").alias("_asked"),
            F.abs(F.col(C.UNIT_PRICE).cast("double")).alias("_ret_price"),
        )
        .fillna({"_got": 0.0, "_worth": 0.0})
    ).persist(StorageLevel.MEMORY_AND_DISK)
    audit = _audit(flagged, return_lines, buys, marker)

    # net lines: drop returns, net the purchases, drop the fully returned ones
    taken = buys.select(F.col("_buy_row").alias(ROW), "_taken")
    net_q = F.when(
        F.col("_buy") & F.col("_taken").isNotNull(), F.col("_q") - F.col("_taken")
    ).otherwise(F.col("_q"))
    quantity_type = dict(lines.dtypes)[C.QUANTITY]
    net = (
        flagged.join(taken, ROW, "left")
        .withColumn("_net", net_q)
        .where(~F.col("_ret") & ~(F.col("_buy") & (F.col("_net") <= 0)))
        .withColumn(C.QUANTITY, F.col("_net").cast(quantity_type))
        .select(*lines.columns)
    )
    return net, _returns_table(pieces, return_lines, quantity_type), audit


def _audit(
    flagged: DataFrame, return_lines: DataFrame, buys: DataFrame, marker: ReturnMarker
) -> pd.DataFrame:
    from pyspark.sql import functions as F

    asked, got = F.col("_asked"), F.col("_got")
    full = (got >= asked) & (asked > 0)
    partly = (got > 0) & (got < asked)
    kind = F.when(full, 0).when(partly, 1).otherwise(2)
    short = asked - got
    sums = (
        return_lines.groupBy(kind.alias("_kind"))
        .agg(
            F.count(F.lit(1)).alias("n"),
            F.sum(got).alias("got"),
            F.sum("_worth").alias("worth"),
            F.sum(short).alias("short"),
            F.sum(short * F.col("_ret_price")).alias("short_value"),
        )
        .toPandas()
        .set_index("_kind")
        .reindex([0, 1, 2])
        .fillna(0)
    )
    n = flagged.count()
    states = buys.select(
        F.sum(F.when(F.col("_taken") >= F.col("_end") - F.col("_start"), 1).otherwise(0)),
        F.sum(
            F.when(
                (F.col("_taken") > 0) & (F.col("_taken") < F.col("_end") - F.col("_start")), 1
            ).otherwise(0)
        ),
    ).first()
    gone, reduced = int(states[0] or 0), int(states[1] or 0)
    words = (
        "fully matched to earlier purchases",
        "partly matched",
        "matched to no earlier purchase",
    )
    steps = ("returns_matched", "returns_partly_matched", "returns_unmatched")
    rows: list[AuditRow] = []
    for index, (step, text) in enumerate(zip(steps, words, strict=True)):
        row = sums.loc[index]
        rule = (
            f"{marker.rule}: return lines {text} (same customer and item, oldest first); "
            f"{row['got']:,.0f} units matched (value {row['worth']:,.2f}), "
            f"{row['short']:,.0f} units unmatched (value {row['short_value']:,.2f})"
        )
        dropped = int(row["n"])
        reason = _REASON_UNMATCHED if step == "returns_unmatched" else _REASON_MATCHED
        rows.append(AuditRow(step, rule, n, n - dropped, dropped, reason))
        n -= dropped
    rows.append(
        AuditRow(
            "returned_purchases",
            f"purchase lines whose whole quantity came back; {reduced:,} more lines keep a "
            "reduced net quantity",
            n,
            n - gone,
            gone,
            "a purchase returned in full was never a sale",
        )
    )
    return clean.audit_table(rows)


def _returns_table(pieces: DataFrame, return_lines: DataFrame, quantity_type: str) -> DataFrame:
    from pyspark.sql import functions as F

    ret = return_lines.select(
        F.col(ROW).alias("_ret_row"),
        F.col(C.INVOICE).cast("string").alias(C.RETURN_INVOICE),
        F.col(C.CUSTOMER).cast("string").alias(C.CUSTOMER),
        F.col(C.ITEM).cast("string").alias(C.ITEM),
        F.col(C.TIMESTAMP).alias(C.RETURN_TIMESTAMP),
        "_asked",
        "_got",
        "_ret_price",
    )
    seconds = F.unix_micros(F.col(C.RETURN_TIMESTAMP)) - F.unix_micros(F.col(C.TIMESTAMP))
    matched = pieces.join(ret, "_ret_row").select(
        "_ret_row",
        F.col("_start").alias("_piece"),
        C.RETURN_INVOICE,
        F.col("_buy_invoice").cast("string").alias(C.INVOICE),
        C.CUSTOMER,
        C.ITEM,
        C.RETURN_TIMESTAMP,
        F.col("_buy_time").alias(C.TIMESTAMP),
        F.col("_piece_qty").alias(C.QUANTITY),
        (F.col("_piece_qty") * F.col("_buy_price")).alias(C.VALUE),
        F.lit(MATCHED).alias(C.MATCH),
    )
    left = F.col("_asked") - F.col("_got")
    unmatched = ret.where(left > 0).select(
        "_ret_row",
        F.lit(float("inf")).alias("_piece"),
        C.RETURN_INVOICE,
        F.lit(None).cast("string").alias(C.INVOICE),
        C.CUSTOMER,
        C.ITEM,
        C.RETURN_TIMESTAMP,
        F.lit(None).cast("timestamp").alias(C.TIMESTAMP),
        left.alias(C.QUANTITY),
        (left * F.col("_ret_price")).alias(C.VALUE),
        F.lit(UNMATCHED).alias(C.MATCH),
    )
    table = matched.unionByName(unmatched).withColumn(
        C.DAYS_TO_RETURN, (seconds / 1e6) / F.lit(_SECONDS_PER_DAY)
    )
    if quantity_type in ("bigint", "int", "smallint", "tinyint"):
        table = table.withColumn(C.QUANTITY, F.round(C.QUANTITY).cast("long"))
    return table.select("_ret_row", "_piece", *C.RETURNS_COLUMNS)
