"""Chronological and per-user stratified train/test splits in Spark.

The chronological split is deterministic and gives the rows :func:`aftersales.split.time_split`
gives. The per-user split holds out the same number of rows per user as
:func:`aftersales.split.user_stratified_split`, chosen by a seeded hash of (user, item) that
does not depend on Spark's partitioning; which rows those are differs from numpy's draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError
from aftersales.split import check_test_size

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

TEST = "_test"
"""Boolean column the splitters add: true for test rows."""

SPLITS = ("time", "user_stratified")
"""Splitters the Spark engine runs."""


def _half_up(value):
    from pyspark.sql import functions as F

    return F.floor(value + 0.5)


def time_split(frame: DataFrame, *, test_size: float) -> DataFrame:
    """Mark rows at or after the cut-off time as test (:func:`aftersales.split.time_split`).

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        Interactions with ``C.TIMESTAMP``.
    test_size : float
        Approximate test share in (0, 1): the cut-off is the time of the row at position
        ``n - round(test_size * n)`` in time order; ties go to test.

    Returns
    -------
    pyspark.sql.DataFrame
        ``frame`` with :data:`TEST`.

    Raises
    ------
    ParameterError
        If ``test_size`` is outside (0, 1).
    DataValidationError
        If there are fewer than two rows or a timestamp is missing, or the cut empties a side.
    """
    from pyspark.sql import functions as F

    size = check_test_size(test_size)
    n, missing = frame.agg(
        F.count(F.lit(1)), F.sum(F.when(F.col(C.TIMESTAMP).isNull(), 1).otherwise(0))
    ).first()
    if missing:
        raise DataValidationError(f"time_split: {missing} rows have no `{C.TIMESTAMP}`")
    if n < 2:
        raise DataValidationError(f"time_split: needs at least two rows; got {n}")
    n_test = int(min(max(int(size * n + 0.5), 1), n - 1))
    threshold = frame.select(C.TIMESTAMP).orderBy(C.TIMESTAMP).offset(n - n_test).first()[0]
    marked = frame.withColumn(TEST, F.col(C.TIMESTAMP) >= F.lit(threshold))
    n_in_test = marked.where(TEST).count()
    if n_in_test in (0, n):
        raise DataValidationError(
            f"time_split: cut-off {threshold} puts {n_in_test} of {n} rows in test; both train "
            "and test need rows (many rows share the cut-off time?)"
        )
    return marked


def user_stratified_split(frame: DataFrame, *, test_size: float, seed: int) -> DataFrame:
    """Hold out ``round(test_size * k)`` of each user's ``k`` rows (at least 1, at most k - 1).

    Users with one row stay in train. The rows are the ones with the smallest seeded hash of
    (user, item), so the split is the same on any number of partitions.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        Interactions with ``C.USER`` and ``C.ITEM``.
    test_size : float
        Share of each user's rows, in (0, 1).
    seed : int
        Seed of the hash.

    Returns
    -------
    pyspark.sql.DataFrame
        ``frame`` with :data:`TEST`.

    Raises
    ------
    ParameterError
        If ``test_size`` is outside (0, 1) or ``seed`` is negative.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    size = check_test_size(test_size)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"`seed` must be an integer >= 0; got {seed!r}")
    by_user = Window.partitionBy(C.USER)
    draw = F.xxhash64(F.lit(seed), F.col(C.USER).cast("string"), F.col(C.ITEM).cast("string"))
    rank = F.row_number().over(by_user.orderBy(draw, C.ITEM)) - 1
    k = F.count(F.lit(1)).over(by_user)
    n_test = F.when(k == 1, 0).otherwise(F.least(F.greatest(_half_up(size * k), F.lit(1)), k - 1))
    return frame.withColumn(TEST, rank < n_test)
