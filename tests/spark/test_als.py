"""ALS on Spark: ranking metrics worked by hand, top-k lists, and equality with `implicit`."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import metrics, prepare, stats, topn
from aftersales import spark as als_module
from aftersales.errors import DataValidationError, ParameterError

pytestmark = pytest.mark.spark

SparkALS = als_module.SparkALS


def _frame(spark, rows, columns):
    return spark.createDataFrame(pd.DataFrame(rows, columns=columns))


@pytest.fixture
def lists():
    # u1 lists a, b, c, d; u2 a, c, e; u3 b only (a short list); u6 has a list but no truth.
    rows = [("u1", "a", 1), ("u1", "b", 2), ("u1", "c", 3), ("u1", "d", 4)]
    rows += [("u2", "a", 1), ("u2", "c", 2), ("u2", "e", 3), ("u3", "b", 1), ("u6", "a", 1)]
    return pd.DataFrame(rows, columns=[C.USER, C.ITEM, C.RANK])


@pytest.fixture
def truth():
    # u4 has truth but no list (ignored); u1's d is relevant but ranked 4th.
    rows = [("u1", "b"), ("u1", "d"), ("u2", "x"), ("u3", "b"), ("u4", "a"), ("u3", "b")]
    return pd.DataFrame(rows, columns=[C.USER, C.ITEM])


def test_metrics_worked_by_hand(spark, lists, truth):
    # k = 3. u1: top a, b, c; one hit (b at 2) of 2 relevant: precision 1/3, recall 1/2,
    #   DCG 1/log2(3), ideal DCG of min(3, 2) = 2 hits 1 + 1/log2(3).
    # u2: no hit: all 0. u3: b at 1, one relevant: precision 1/3, recall 1, NDCG 1.
    # u6 (no relevant item) and u4 (no list) are not evaluated: 3 users.
    recs, held = spark.createDataFrame(lists), spark.createDataFrame(truth)
    summary = als_module.ranking_summary(recs, held, k=3).set_index(C.METRIC)
    g = 1 / math.log2(3)
    expected = {
        "precision": (1 / 3 + 0 + 1 / 3) / 3,
        "recall": (1 / 2 + 0 + 1) / 3,
        "ndcg": (g / (1 + g) + 0 + 1) / 3,
        "hit_rate": 2 / 3,
    }
    for name, value in expected.items():
        assert summary.loc[name, C.VALUE] == pytest.approx(value, abs=1e-12)
    assert (summary["n_users"] == 3).all() and (summary[C.K] == 3).all()
    # The pandas implementation (aftersales.metrics) gives the same per-user values.
    per_user = als_module.ranking_per_user(recs, held, k=3).toPandas().set_index(C.USER)
    reference = metrics.ranking_metrics(lists, truth, ks=3, metrics=("precision", "ndcg"))
    for name in ("precision", "ndcg"):
        mine = per_user[name].sort_index()
        theirs = reference[(name, 3)].per_user.sort_index()
        np.testing.assert_allclose(mine.to_numpy(), theirs.to_numpy(), atol=1e-12)


def test_metrics_refuse_missing_columns_and_no_overlap(spark, lists, truth):
    recs, held = spark.createDataFrame(lists), spark.createDataFrame(truth)
    with pytest.raises(DataValidationError, match=C.RANK):
        als_module.ranking_summary(recs.drop(C.RANK), held, k=3)
    stranger = spark.createDataFrame(pd.DataFrame({C.USER: ["zz"], C.ITEM: ["a"]}))
    with pytest.raises(DataValidationError, match="no recommended user"):
        als_module.ranking_summary(recs, stranger, k=3)
    with pytest.raises(ParameterError, match="k"):
        als_module.ranking_summary(recs, held, k=0)


def _blocks() -> tuple[pd.DataFrame, dict[str, str]]:
    """Two groups of customers buying from two separate groups of 30 items.

    Customer i of a group has every item of its group but one, (i mod 30), and customer
    ``heavy`` of group A has 25 items (above the first tier of 16), so it needs a second
    tier. Returns the training pairs and the missing item of each customer.
    """
    rows, missing = [], {}
    for group in ("A", "B"):
        items = [f"{group}{j:02d}" for j in range(30)]
        for i in range(12):
            user = f"{group}-u{i:02d}"
            missing[user] = items[i]
            rows += [(user, item, 1.0 + (j % 3)) for j, item in enumerate(items) if j != i]
    return pd.DataFrame(rows, columns=[C.USER, C.ITEM, C.WEIGHT]), missing


def test_recommend_finds_the_missing_item_and_never_a_seen_one(spark):
    train, missing = _blocks()
    model = SparkALS(factors=4, regularization=0.05, iterations=10, seed=3)
    recs = model.fit(spark.createDataFrame(train)).recommend(3).toPandas()
    assert set(recs[C.USER]) == set(missing)
    assert (recs.groupby(C.USER)[C.RANK].apply(sorted).map(list) == [[1, 2, 3]] * 24).all()
    assert recs.merge(train, on=[C.USER, C.ITEM]).empty  # nothing already bought
    first = recs[recs[C.RANK] == 1].set_index(C.USER)[C.ITEM]
    assert (first.sort_index() == pd.Series(missing).sort_index()).all()
    # With seen items allowed, lists hold bought items.
    seen = model.recommend(3, exclude_seen=False).toPandas()
    assert not seen.merge(train, on=[C.USER, C.ITEM]).empty


def test_fit_is_seeded(spark):
    train, _ = _blocks()
    frame = spark.createDataFrame(train)
    one = SparkALS(factors=4, iterations=5, seed=9).fit(frame).recommend(5).toPandas()
    two = SparkALS(factors=4, iterations=5, seed=9).fit(frame).recommend(5).toPandas()
    key = [C.USER, C.RANK]
    pd.testing.assert_frame_equal(
        one.sort_values(key, ignore_index=True), two.sort_values(key, ignore_index=True)
    )


def test_bad_input(spark):
    train, _ = _blocks()
    frame = spark.createDataFrame(train)
    with pytest.raises(DataValidationError, match=C.WEIGHT):
        SparkALS(seed=1).fit(frame.drop(C.WEIGHT))
    with pytest.raises(DataValidationError, match="> 0"):
        SparkALS(seed=1).fit(spark.createDataFrame(train.assign(**{C.WEIGHT: 0.0})))
    with pytest.raises(ParameterError, match="fit first"):
        SparkALS(seed=1).recommend(3)
    with pytest.raises(ParameterError, match="factors"):
        SparkALS(factors=0, seed=1)


def _implicit_interval(train, test, k, seed):
    model = topn.ALS(seed=seed).fit(train[[C.USER, C.ITEM, C.WEIGHT]])
    users = pd.Index(test[C.USER].unique()).intersection(pd.Index(train[C.USER].unique()))
    result = metrics.ranking_metrics(
        model.recommend(users, k), test, ks=k, metrics=("precision", "ndcg")
    )
    return {
        name: stats.bootstrap_mean_ci(result[(name, k)].per_user, seed=0)
        for name in ("precision", "ndcg")
    }


@pytest.mark.slow
@pytest.mark.mirror
@pytest.mark.parametrize(
    ("dataset", "regularization"), [("movielens-100k", 0.05), ("online-retail", 0.05)]
)
def test_top10_within_the_bootstrap_interval_of_implicit(
    spark, real_source, dataset, regularization
):
    # Same split (the project's preparation), same factors, alpha and iterations; Spark's
    # penalty is scaled by each row's interactions, so its value differs from implicit's 10.
    prepared = prepare.prepare(prepare.Preparation(dataset=dataset))
    train, test = prepared.split.train, prepared.split.test
    if C.WEIGHT not in train:
        train = topn.implicit_from_ratings(train)
    interval = _implicit_interval(train, test, 10, seed=42)
    ids = {C.USER: str, C.ITEM: str}
    model = SparkALS(factors=32, regularization=regularization, alpha=1.0, iterations=15, seed=42)
    recs = model.fit(spark.createDataFrame(train[[C.USER, C.ITEM, C.WEIGHT]].astype(ids)))
    held = spark.createDataFrame(test[[C.USER, C.ITEM]].astype(ids))
    summary = als_module.ranking_summary(recs.recommend(10), held, k=10).set_index(C.METRIC)
    for name, (low, high) in interval.items():
        assert low <= summary.loc[name, C.VALUE] <= high, (
            name,
            summary.loc[name, C.VALUE],
            (low, high),
        )
