"""The preparation of :func:`aftersales.prepare.prepare` with ``engine="spark"``.

Cleaning, conversion, k-core and split run as Spark jobs on the data set's Parquet copy;
what comes back to the notebook is a :class:`aftersales.prepare.Prepared` with the same
frames the pandas engine gives (cleaned lines, interactions and split as pandas frames,
fine at online-retail's size). For data larger than one machine's memory call the
functions of :mod:`aftersales.spark` directly and collect summaries only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from aftersales import clean, datasets
from aftersales import columns as C
from aftersales.errors import ParameterError
from aftersales.spark._clean import clean_lines
from aftersales.spark._interactions import kcore, ratings_table
from aftersales.spark._io import ROW, read_lines, source_parquet
from aftersales.spark._session import memory_guard, session
from aftersales.spark._split import SPLITS, TEST, time_split, user_stratified_split
from aftersales.split import make_split

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from aftersales.prepare import Preparation, Prepared


def spark_for(options: Preparation):
    """Return the Spark session the options ask for (:func:`aftersales.spark.session`).

    Parameters
    ----------
    options : Preparation
        Its ``spark_master`` and ``spark_driver_memory``.

    Returns
    -------
    pyspark.sql.SparkSession
        The session.
    """
    return session(options.spark_master, options.spark_driver_memory)


def check_options(options: Preparation) -> None:
    """Refuse the options the Spark engine does not run, before Spark starts.

    Parameters
    ----------
    options : Preparation
        The preparation options.

    Raises
    ------
    ParameterError
        If the data set holds ratings, or the split is not one of :data:`SPLITS`.
    """
    if datasets.spec(options.dataset).kind != "transactions":
        raise ParameterError(
            f"engine 'spark' prepares transaction data; {options.dataset!r} holds ratings: "
            "use engine 'pandas'"
        )
    if options.split_method not in SPLITS:
        raise ParameterError(
            f"engine 'spark' splits by {list(SPLITS)}; got split_method "
            f"{options.split_method!r}: use one of those, or engine 'pandas'"
        )


def to_pandas(frame: DataFrame, like: dict[str, object]) -> pd.DataFrame:
    """Collect a Spark frame and give its columns the pandas dtypes in ``like``.

    Timestamps come back in UTC (the session's zone) with nanosecond precision.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        A frame small enough to collect.
    like : dict
        Column -> pandas dtype; other columns keep what Arrow gives.

    Returns
    -------
    pandas.DataFrame
        The collected frame.
    """
    out = frame.toPandas()
    for column, dtype in like.items():
        if column not in out:
            continue
        values = out[column]
        if isinstance(dtype, pd.DatetimeTZDtype) or str(dtype).startswith("datetime64"):
            values = pd.to_datetime(values)
            if values.dt.tz is None:
                values = values.dt.tz_localize("UTC")
            out[column] = values.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
        else:
            out[column] = values.astype(dtype)
    return out


def _lines_to_pandas(frame: DataFrame, like: dict[str, object]) -> pd.DataFrame:
    out = to_pandas(frame.orderBy(ROW), like)
    out = out.set_index(out.pop(ROW).to_numpy(dtype="int64"))
    return out[[c for c in like if c in out and c != ROW]]


def item_names(lines: DataFrame) -> pd.Series:
    """Most frequent stripped description per item (:func:`aftersales.prepare.item_names`).

    Parameters
    ----------
    lines : pyspark.sql.DataFrame
        The source lines.

    Returns
    -------
    pandas.Series
        Item id -> name, named ``C.TITLE``.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    if C.ITEM not in lines.columns or C.DESCRIPTION not in lines.columns:
        return pd.Series(dtype="str", name=C.TITLE, index=pd.Index([], name=C.ITEM))
    text = lines.where(F.col(C.ITEM).isNotNull() & F.col(C.DESCRIPTION).isNotNull())
    counts = text.groupBy(
        C.ITEM, F.regexp_replace(C.DESCRIPTION, r"^\s+|\s+$", "").alias(C.DESCRIPTION)
    ).count()
    best = Window.partitionBy(C.ITEM).orderBy(F.col("count").desc(), C.DESCRIPTION)
    names = counts.withColumn("_n", F.row_number().over(best)).where("_n = 1")
    frame = names.select(C.ITEM, C.DESCRIPTION).toPandas().sort_values(C.ITEM)
    return frame.set_index(C.ITEM)[C.DESCRIPTION].astype("str").rename(C.TITLE)


def build(options: Preparation) -> Prepared:
    """Prepare a transaction data set with Spark; the frames equal the pandas engine's.

    Parameters
    ----------
    options : Preparation
        The preparation options (``engine="spark"``).

    Returns
    -------
    Prepared
        Cleaned lines, audits, interactions, split, names, content and returns.

    Raises
    ------
    ParameterError
        If the options ask for what the Spark engine does not run (see
        :func:`check_options`).
    EngineUnavailableError, EngineConnectionError, EngineMemoryError
        If Spark cannot start, reach its master, or runs out of memory.
    DataValidationError
        If a step finds the data unusable (a k-core that empties it).
    """
    from aftersales import prepare

    check_options(options)
    spark = spark_for(options)
    with memory_guard(options.spark_driver_memory):
        raw = read_lines(spark, source_parquet(options.dataset))
        like = dict(pd.read_parquet(source_parquet(options.dataset)).iloc[:0].dtypes)
        spec = datasets.spec(options.dataset)
        rule = (
            None
            if options.extreme_quantity_rule == "none"
            else clean.ExtremeQuantity(
                options.extreme_quantity_rule, options.extreme_quantity_threshold
            )
        )
        marker = spec.returns if options.returns == "net" else None
        if options.returns not in clean.RETURNS_MODES:
            raise ParameterError(
                f"prepare: `returns` must be one of {clean.RETURNS_MODES}; got {options.returns!r}"
            )
        lines, audit, returns = clean_lines(raw, extreme=rule, marker=marker)
        cleaned = _lines_to_pandas(lines, like)
        names = item_names(raw)
        table = ratings_table(lines, options.rating_scheme, options.implicit_weight)
        kept, kcore_audit = kcore(
            table,
            min_user=options.min_user_interactions,
            min_item=options.min_item_interactions,
        )
        if options.split_method == "time":
            marked = time_split(kept, test_size=options.test_size)
        else:
            marked = user_stratified_split(kept, test_size=options.test_size, seed=options.seed)
        collected = to_pandas(
            marked.orderBy(C.USER, C.ITEM),
            {
                C.USER: like[C.CUSTOMER],
                C.ITEM: like[C.ITEM],
                C.RATING: "float64",
                C.TIMESTAMP: like[C.TIMESTAMP],
                C.PURCHASE_COUNT: "int64",
                C.TOTAL_QUANTITY: like[C.QUANTITY],
                C.REVENUE: "float64",
                C.FIRST_PURCHASE: like[C.TIMESTAMP],
                C.LAST_PURCHASE: like[C.TIMESTAMP],
                C.WEIGHT: "float64",
            },
        )
        returns_frame = _returns_to_pandas(returns)
        lines.unpersist()
        kept.unpersist()
    test = collected.pop(TEST).to_numpy(dtype=bool)
    single = _single_users(collected) if options.split_method == "user_stratified" else 0
    parts = make_split(collected, test, method=options.split_method, train_only_groups=single)
    return prepare.Prepared(
        options,
        cleaned,
        audit,
        kcore_audit,
        collected,
        parts,
        names,
        prepare.content_table(cleaned),
        returns_frame,
    )


def _single_users(table: pd.DataFrame) -> int:
    return int((table[C.USER].value_counts() == 1).sum())


def _returns_to_pandas(returns: DataFrame | None) -> pd.DataFrame:
    empty = clean.empty_returns()
    if returns is None:
        return empty
    like = dict(empty.dtypes)
    frame = to_pandas(returns.orderBy("_ret_row", "_piece"), {})
    frame = frame.drop(columns=["_ret_row", "_piece"])
    for column, dtype in like.items():
        if str(dtype).startswith("datetime64"):
            values = pd.to_datetime(frame[column])
            if values.dt.tz is None:
                values = values.dt.tz_localize("UTC")
            frame[column] = values.astype("datetime64[ns, UTC]")
        elif column == C.QUANTITY:
            continue
        else:
            frame[column] = frame[column].astype(dtype)
    return frame.reset_index(drop=True)[list(C.RETURNS_COLUMNS)]
