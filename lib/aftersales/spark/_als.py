"""ALS for implicit feedback on Spark, top-k lists for every customer and ranking metrics.

:class:`SparkALS` fits ``pyspark.ml.recommendation.ALS`` with ``implicitPrefs=True``
(confidence ``1 + alpha * w``, Hu, Koren and Volinsky 2008) on a Spark DataFrame of
``C.USER, C.ITEM[, C.WEIGHT]`` rows; ids of any type are indexed to Spark's integer ids
inside. Its ``recommend(k)`` lists the k best items of every training customer, leaving out
the items the customer has in training (Spark's ``recommendForUserSubset`` asked for
``k + b`` items, ``b`` the largest number of training items in the customer's tier, so at
least ``k`` unseen items remain), ties broken by item id. :func:`ranking_per_user` and
:func:`ranking_summary` compute precision, recall, NDCG and hit rate at k in Spark with the
conventions of :mod:`aftersales.metrics` (users with a list and at least one relevant item;
precision divides by k; NDCG has binary gains, a log2 discount and an ideal list of
``min(k, n_relevant)`` hits). Only the summary (one row a metric) comes back to pandas.

Unlike the ``implicit`` library, Spark scales the L2 penalty by each user's (item's) number
of interactions (ALS-WR), so ``regularization`` here is not ``aftersales.topn.ALS``'s.
"""

from __future__ import annotations

import math
import tempfile
from typing import TYPE_CHECKING, Any

import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError
from aftersales.random import Seed, int_seed
from aftersales.topn import MAX_FACTORS, MAX_ITERATIONS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

RANKING_METRICS_SPARK: tuple[str, ...] = ("precision", "recall", "ndcg", "hit_rate")
"""Ranking metrics computed in Spark, in display order."""

_USER_CODE = "_user_code"
_ITEM_CODE = "_item_code"
_TIER = "_tier"
_N_SEEN = "_n_seen"
_N_RELEVANT = "_n_relevant"
_HITS = "_hits"
_DCG = "_dcg"
_IDEAL = "_ideal"

TIER_BASE = 4
"""Customers are grouped by training items into tiers ``(b / 4, b]`` with ``b = 16 * 4**j``."""


def _require(frame: DataFrame, columns: tuple[str, ...], *, source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"{source}: missing column(s) {missing}; has {list(frame.columns)}"
        )


def _codes(frame: DataFrame, column: str, code: str) -> DataFrame:
    """Consecutive integer codes (0, 1, ...) of a column's distinct values, in sorted order.

    One window over the distinct ids (Spark moves them to one partition): ids are few
    next to interactions, and the codes do not depend on the partitioning.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    ids = frame.select(column).distinct()
    rank = F.row_number().over(Window.orderBy(column)) - 1
    return ids.select(column, rank.cast("int").alias(code))


class SparkALS:
    """Implicit-feedback ALS fitted by Spark MLlib.

    Parameters
    ----------
    factors : int, default 32
        Latent dimensions (Spark's ``rank``), >= 1.
    regularization : float, default 0.1
        Spark's ``regParam`` (scaled by each row's number of interactions), > 0.
    alpha : float, default 1.0
        Confidence slope, >= 0.
    iterations : int, default 15
        Alternating sweeps (``maxIter``), >= 1.
    binary : bool, default False
        Ignore strengths (every interaction has ``w = 1``).
    seed : int or numpy.random.Generator
        Seeds Spark's initial factors.

    Raises
    ------
    ParameterError
        If an option is of the wrong type or out of range.
    """

    def __init__(
        self,
        *,
        factors: int = 32,
        regularization: float = 0.1,
        alpha: float = 1.0,
        iterations: int = 15,
        binary: bool = False,
        seed: Seed,
    ) -> None:
        self.factors = validate.integer(factors, "factors", high=MAX_FACTORS)
        self.regularization = validate.number(regularization, "regularization")
        self.alpha = validate.number(alpha, "alpha", strict=False)
        self.iterations = validate.integer(iterations, "iterations", high=MAX_ITERATIONS)
        self.binary = validate.boolean(binary, "binary")
        self.seed = int_seed(seed) % (2**31)
        self._model: Any = None

    def fit(self, train: DataFrame) -> SparkALS:
        """Fit on training interactions.

        Parameters
        ----------
        train : pyspark.sql.DataFrame
            ``C.USER``, ``C.ITEM`` and, unless ``binary``, ``C.WEIGHT`` (> 0); one row a
            pair (repeated pairs are summed).

        Returns
        -------
        SparkALS
            This model, fitted.

        Raises
        ------
        DataValidationError
            If a column is missing, the frame is empty or a weight is not positive.
        """
        from pyspark.ml.recommendation import ALS
        from pyspark.sql import functions as F

        needed = (C.USER, C.ITEM) if self.binary else (C.USER, C.ITEM, C.WEIGHT)
        _require(train, needed, source="SparkALS.fit: `train`")
        strength = F.lit(1.0) if self.binary else F.col(C.WEIGHT).cast("double")
        pairs = train.select(C.USER, C.ITEM, strength.alias(C.WEIGHT))
        pairs = pairs.groupBy(C.USER, C.ITEM).agg(F.sum(C.WEIGHT).alias(C.WEIGHT)).cache()
        check = pairs.agg(F.count("*").alias("n"), F.min(C.WEIGHT).alias("low")).first()
        if check["n"] == 0:
            raise DataValidationError("SparkALS.fit: `train` has no rows")
        if not check["low"] > 0:
            raise DataValidationError(
                f"SparkALS.fit: `train`: column `{C.WEIGHT}` must be > 0; minimum {check['low']}"
            )
        self._users = _codes(pairs, C.USER, _USER_CODE).cache()
        self._items = _codes(pairs, C.ITEM, _ITEM_CODE).cache()
        self._seen = (
            pairs.join(self._users, C.USER)
            .join(self._items, C.ITEM)
            .select(_USER_CODE, _ITEM_CODE, C.WEIGHT)
            .cache()
        )
        context = train.sparkSession.sparkContext
        blocks = max(1, context.defaultParallelism)  # one block a core: fewer, larger tasks
        als = ALS(
            rank=self.factors,
            maxIter=self.iterations,
            regParam=self.regularization,
            alpha=self.alpha,
            implicitPrefs=True,
            userCol=_USER_CODE,
            itemCol=_ITEM_CODE,
            ratingCol=C.WEIGHT,
            seed=self.seed,
            coldStartStrategy="drop",
            checkpointInterval=5,
            numUserBlocks=blocks,
            numItemBlocks=blocks,
        )
        if context.getCheckpointDir() is None:  # ALS cuts its lineage only with a checkpoint folder
            context.setCheckpointDir(tempfile.mkdtemp(prefix="aftersales-als-"))
        self._model = als.fit(self._seen)
        pairs.unpersist()
        return self

    def recommend(self, k: int, *, exclude_seen: bool = True) -> DataFrame:
        """Top-k items of every training customer.

        Parameters
        ----------
        k : int
            List length, >= 1.
        exclude_seen : bool, default True
            Leave out the customer's training items.

        Returns
        -------
        pyspark.sql.DataFrame
            ``C.USER, C.ITEM, C.RANK`` (1 = best) and ``C.SCORE``; fewer than ``k`` rows for
            a customer only when fewer unseen items exist.

        Raises
        ------
        ParameterError
            If the model is not fitted or ``k`` is not a positive integer.
        """
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        if self._model is None:
            raise ParameterError("SparkALS.recommend: call fit first")
        k = validate.integer(k, "k")
        counts = self._seen.groupBy(_USER_CODE).agg(F.count("*").alias(_N_SEEN))
        if exclude_seen:
            tier = F.greatest(
                F.lit(0), F.ceil(F.log(float(TIER_BASE), F.col(_N_SEEN) / 16.0))
            ).cast("int")
            counts = counts.withColumn(_TIER, tier)
            tiers = sorted(r[_TIER] for r in counts.select(_TIER).distinct().collect())
        else:
            counts = counts.withColumn(_TIER, F.lit(0))
            tiers = [0]
        n_items = self._items.count()
        parts = []
        for t in tiers:
            bound = 16 * TIER_BASE**t if exclude_seen else 0
            subset = counts.where(F.col(_TIER) == t).select(_USER_CODE)
            lists = self._model.recommendForUserSubset(subset, min(k + bound, n_items))
            parts.append(lists)
        lists = parts[0]
        for part in parts[1:]:
            lists = lists.unionByName(part)
        rows = lists.select(_USER_CODE, F.explode("recommendations").alias("r")).select(
            _USER_CODE,
            F.col(f"r.{_ITEM_CODE}").alias(_ITEM_CODE),
            F.col("r.rating").cast("double").alias(C.SCORE),
        )
        if exclude_seen:
            rows = rows.join(self._seen, [_USER_CODE, _ITEM_CODE], "left_anti")
        rows = rows.join(self._users, _USER_CODE).join(self._items, _ITEM_CODE)
        order = Window.partitionBy(_USER_CODE).orderBy(F.desc(C.SCORE), F.asc(C.ITEM))
        ranked = rows.withColumn(C.RANK, F.row_number().over(order))
        return ranked.where(F.col(C.RANK) <= k).select(C.USER, C.ITEM, C.RANK, C.SCORE)


def _ideal_table(spark: Any, k: int) -> DataFrame:
    """DCG of an ideal list of m hits, m = 1..k."""
    running, rows = 0.0, []
    for m in range(1, k + 1):
        running += 1.0 / math.log2(m + 1)
        rows.append((m, running))
    return spark.createDataFrame(rows, f"{_N_RELEVANT} int, {_IDEAL} double")


def ranking_per_user(recs: DataFrame, truth: DataFrame, *, k: int) -> DataFrame:
    """Per-user ranking metrics at k, computed in Spark.

    Parameters
    ----------
    recs : pyspark.sql.DataFrame
        ``C.USER, C.ITEM, C.RANK`` (1 = first).
    truth : pyspark.sql.DataFrame
        Held-out ``C.USER, C.ITEM`` pairs (all relevant; repeated pairs count once).
    k : int
        List length, >= 1.

    Returns
    -------
    pyspark.sql.DataFrame
        One row per evaluated user (a list and at least one relevant item): ``C.USER`` and
        a column per name of :data:`RANKING_METRICS_SPARK`.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer.
    DataValidationError
        If a column is missing.
    """
    from pyspark.sql import functions as F

    k = validate.integer(k, "k")
    _require(recs, (C.USER, C.ITEM, C.RANK), source="ranking_per_user: `recs`")
    _require(truth, (C.USER, C.ITEM), source="ranking_per_user: `truth`")
    relevant = truth.select(C.USER, C.ITEM).distinct()
    n_relevant = relevant.groupBy(C.USER).agg(F.count("*").alias(_N_RELEVANT))
    top = recs.where(F.col(C.RANK) <= k).select(C.USER, C.ITEM, C.RANK)
    listed = top.select(C.USER).distinct()
    hits = (
        top.join(relevant, [C.USER, C.ITEM])
        .groupBy(C.USER)
        .agg(
            F.count("*").alias(_HITS),
            F.sum(1.0 / F.log2(F.col(C.RANK) + 1)).alias(_DCG),
        )
    )
    ideal = _ideal_table(recs.sparkSession, k)
    users = (
        listed.join(n_relevant, C.USER)
        .join(hits, C.USER, "left")
        .fillna({_HITS: 0, _DCG: 0.0})
        .withColumn(_IDEAL, F.least(F.col(_N_RELEVANT), F.lit(k)))
        .join(ideal.withColumnRenamed(_IDEAL, "_ideal_dcg"), F.col(_IDEAL) == ideal[_N_RELEVANT])
        .drop(ideal[_N_RELEVANT])
    )
    return users.select(
        C.USER,
        (F.col(_HITS) / F.lit(float(k))).alias("precision"),
        (F.col(_HITS) / F.col(_N_RELEVANT)).alias("recall"),
        (F.col(_DCG) / F.col("_ideal_dcg")).alias("ndcg"),
        (F.col(_HITS) > 0).cast("double").alias("hit_rate"),
    )


def ranking_summary(recs: DataFrame, truth: DataFrame, *, k: int) -> pd.DataFrame:
    """Mean ranking metrics at k over evaluated users, computed in Spark.

    Parameters
    ----------
    recs : pyspark.sql.DataFrame
        ``C.USER, C.ITEM, C.RANK``.
    truth : pyspark.sql.DataFrame
        Held-out ``C.USER, C.ITEM`` pairs.
    k : int
        List length, >= 1.

    Returns
    -------
    pandas.DataFrame
        ``C.METRIC, C.K, C.VALUE`` one row per name of :data:`RANKING_METRICS_SPARK`, and
        ``n_users`` (evaluated users).

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer.
    DataValidationError
        If a column is missing or no recommended user has a relevant item.
    """
    from pyspark.sql import functions as F

    per_user = ranking_per_user(recs, truth, k=k)
    row = per_user.agg(
        F.count("*").alias("n_users"), *[F.avg(m).alias(m) for m in RANKING_METRICS_SPARK]
    ).first()
    if row["n_users"] == 0:
        raise DataValidationError(
            "ranking_summary: no recommended user has a relevant item in `truth`"
        )
    return pd.DataFrame(
        {
            C.METRIC: list(RANKING_METRICS_SPARK),
            C.K: k,
            C.VALUE: [float(row[m]) for m in RANKING_METRICS_SPARK],
            "n_users": int(row["n_users"]),
        }
    )
