"""Tests of the top-N comparison, the 02.02 setting, example lists and the validation figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import models, topn
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.metrics import catalogue_coverage, novelty, ranking_metrics
from aftersales.plots import topn as plots_topn
from aftersales.split import Split


def random_interactions(seed, n_users=30, n_items=12, density=0.35):
    generator = np.random.default_rng(seed)
    mask = generator.random((n_users, n_items)) < density
    mask[np.arange(n_users), np.arange(n_users) % n_items] = True
    users, items = np.nonzero(mask)
    return pd.DataFrame({C.USER: users, C.ITEM: items})


def split_pairs(frame, seed):
    generator = np.random.default_rng(seed)
    is_test = generator.random(len(frame)) < 0.25
    return frame[~is_test].reset_index(drop=True), frame[is_test].reset_index(drop=True)


def test_compare_matches_metrics_computed_by_hand():
    train, test = split_pairs(random_interactions(0), 1)
    test = pd.concat([test, pd.DataFrame({C.USER: [99], C.ITEM: [0]})])  # unknown user: left out
    grid = {"ease": {"regularization": [1.0, 10.0]}}
    result = topn.compare_topn(
        train, test, models=["popularity", "ease"], grids=grid, ks=[2, 5], k=3, seed=0
    )
    assert set(result.summary[C.K]) == {2, 3, 5}
    assert list(result.specs) == ["popularity", "ease"]
    best, _ = topn.tune("ease", grid["ease"], train, seed=0, k=3)
    assert result.specs["ease"] == ("ease", best)
    # the same fit, ranked and scored independently
    model = models.make("ease", best, seed=0).fit(train)
    known = test[test[C.USER].isin(train[C.USER])]
    recs = model.recommend(known[C.USER].unique(), 5)
    table = result.table(5)
    expected = ranking_metrics(recs, known, ks=5)
    for metric in ("precision", "recall", "ndcg", "map"):
        assert table.loc["ease", metric] == pytest.approx(expected[(metric, 5)].value)
    assert table.loc["ease", "coverage"] == pytest.approx(
        catalogue_coverage(recs, k=5, catalogue=train).value
    )
    assert table.loc["ease", "novelty"] == pytest.approx(novelty(recs, train, k=5).value)
    assert list(table.columns) == [*topn.COMPARE_METRICS, C.FIT_TIME]
    assert result.best("ndcg", k=5) in ("popularity", "ease")
    curve = result.curve_table()
    assert set(curve[C.SETTING]) == {"regularization=1.0", "regularization=10.0"}
    assert (curve[C.MODEL] == "ease").all()
    with pytest.raises(ParameterError, match="not measured"):
        result.table(4)


def test_compare_with_svd_groups_and_a_threshold():
    frame = random_interactions(2)
    generator = np.random.default_rng(3)
    frame[C.RATING] = generator.integers(1, 6, size=len(frame)).astype(float)
    train, test = split_pairs(frame, 4)
    implicit = topn.implicit_from_ratings(train, threshold=3)
    groups = pd.Series(np.where(np.arange(30) % 2, "A", "B"), index=np.arange(30), name="country")
    result = topn.compare_topn(
        implicit,
        test,
        models=["popularity", "itemknn"],
        grids={"itemknn": {"neighbors": [2, 4]}},
        groups=groups,
        svd_train=train,
        threshold=4,
        ks=[3],
        k=3,
        seed=1,
    )
    assert list(result.table(3).index) == ["popularity", "popularity by country", "itemknn", "SVD"]
    assert result.specs["popularity by country"][1]["group"] is groups
    assert list(result.timings.columns) == [C.MODEL, C.FIT_TIME, C.RANK_TIME]
    # relevance: test ratings >= 4 among users of the implicit training data
    known = test[test[C.USER].isin(implicit[C.USER])]
    model = topn.Popularity(group=groups).fit(implicit)
    recs = model.recommend(known[C.USER].unique(), 3)
    expected = ranking_metrics(recs, known, ks=3, threshold=4)[("precision", 3)].value
    assert result.table(3).loc["popularity by country", "precision"] == pytest.approx(expected)
    # the validation curve chose among the grid only
    assert result.specs["itemknn"][1]["neighbors"] in (2, 4)


def test_compare_uses_a_ready_validation_split():
    train, test = split_pairs(random_interactions(5), 6)
    inner_train, inner_test = split_pairs(train, 7)
    validation = Split(inner_train, inner_test, pd.Index([]), pd.Index([]), "random")
    grid = {"itemknn": {"neighbors": [1, 3]}}
    result = topn.compare_topn(
        train, test, models=["itemknn"], grids=grid, validation=validation, seed=0
    )
    best, curve = topn.tune("itemknn", grid["itemknn"], validation, seed=0)
    assert result.specs["itemknn"] == ("itemknn", best)
    pd.testing.assert_frame_equal(
        result.curves["itemknn"].drop(columns=[C.FIT_TIME]), curve.drop(columns=[C.FIT_TIME])
    )


def test_compare_rejects_bad_input():
    train, test = split_pairs(random_interactions(0), 1)
    with pytest.raises(ParameterError, match="distinct"):
        topn.compare_topn(train, test, models=["ease", "ease"], seed=0)
    with pytest.raises(UnknownNameError, match="svd"):
        topn.compare_topn(train, test, models=["svd"], seed=0)
    with pytest.raises(ParameterError, match="not in `models`"):
        topn.compare_topn(train, test, models=["ease"], grids={"als": {"factors": [2]}}, seed=0)
    with pytest.raises(ParameterError, match="catalogue of 12"):
        topn.compare_topn(train, test, models=["ease"], ks=[13], seed=0)
    with pytest.raises(DataValidationError, match="no test user"):
        topn.compare_topn(train, test.assign(**{C.USER: 500}), models=["ease"], seed=0)


def test_at_k_orders_metrics_models_and_lengths():
    summary = pd.DataFrame(
        {
            C.MODEL: ["b", "b", "a", "a", "b", "a"],
            C.METRIC: ["recall", "precision", "precision", "precision", "precision", "ndcg"],
            C.K: pd.array([5, 5, 5, 1, 1, 5], dtype="Int64"),
            C.MEAN: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        }
    )
    out = topn.at_k(summary, ["precision", "recall"])
    # precision first, models in first-appearance order (b, a), then k
    assert list(zip(out[C.METRIC], out[C.MODEL], out[C.K], strict=True)) == [
        ("precision", "b", 1),
        ("precision", "b", 5),
        ("precision", "a", 1),
        ("precision", "a", 5),
        ("recall", "b", 5),
    ]
    assert out[C.K].dtype == np.int64


def test_reference_table_adds_the_issue_and_the_target():
    metrics = pd.DataFrame(
        {
            C.MODEL: ["ease"] * 4,
            C.METRIC: list(topn.REFERENCE_METRICS),
            C.K: 10,
            C.VALUE: [0.4, 0.2, 0.45, 0.3],
        }
    )
    timings = pd.DataFrame({C.MODEL: ["ease"], C.FIT_TIME: [1.5], C.RANK_TIME: [0.1]})
    result = topn.ReferenceResult(metrics, timings, {}, {}, None, routes={"ease": "woodbury"})
    table = topn.reference_table(result)
    assert table[C.ROUTE].tolist() == ["woodbury", "", ""]
    assert list(table.index) == ["ease", "SVD (issue #7)", "target"]
    assert table.loc["SVD (issue #7)", "precision"] == 0.089
    assert table.loc["SVD (issue #7)", "map"] == 0.012
    assert table.loc["target", "ndcg"] == 0.47
    assert np.isnan(table.loc["target", "recall"])
    assert table.loc["ease", C.FIT_TIME] == 1.5


def test_examples_draw_known_users_and_mark_hits():
    # u1: a b, u2: a b c, u3: b c, u4: a d; item-kNN k = 2 (see test_topn_explain.py):
    # u1's list is c (.8697) then d (.3660); u1 has c in the test set.
    pairs = [("u1", "a"), ("u1", "b"), ("u2", "a"), ("u2", "b"), ("u2", "c")]
    pairs += [("u3", "b"), ("u3", "c"), ("u4", "a"), ("u4", "d")]
    train = pd.DataFrame(pairs, columns=[C.USER, C.ITEM])
    test = pd.DataFrame({C.USER: ["u1", "u9"], C.ITEM: ["c", "a"]})
    model = topn.ItemKNN(neighbors=2, shrinkage=1.0).fit(train)
    out = topn.examples(model, test, n_users=5, k=2, seed=0, names={"c": "Cheese"})
    recs = out.recommendations
    assert list(recs.columns) == [C.USER, C.RANK, C.ITEM, C.ITEM_NAME, C.SCORE, C.HIT]
    assert recs[C.USER].tolist() == ["u1", "u1"]  # u9 is unknown to the model
    assert recs[C.ITEM].tolist() == ["c", "d"]
    assert recs[C.HIT].tolist() == [True, False]
    assert recs[C.ITEM_NAME].iloc[0] == "Cheese"
    assert out.explanations[C.NEIGHBOR].tolist() == ["b", "a", "a"]
    with pytest.raises(DataValidationError, match="no test user"):
        topn.examples(model, test.iloc[1:], n_users=1, k=2, seed=0)


def test_examples_sample_is_seeded():
    train, test = split_pairs(random_interactions(8), 9)
    model = topn.EASE(regularization=5.0).fit(train)
    one = topn.examples(model, test, n_users=3, k=2, seed=4).recommendations
    two = topn.examples(model, test, n_users=3, k=2, seed=4).recommendations
    pd.testing.assert_frame_equal(one, two)
    assert one[C.USER].nunique() == 3


class FakePrepared:
    def __init__(self, cleaned, split=None):
        self.cleaned = cleaned
        self.split = split


def test_setting_for_ratings_applies_the_threshold():
    ratings = pd.DataFrame(
        {C.USER: [1, 1, 2, 2, 3], C.ITEM: [10, 20, 10, 30, 20], C.RATING: [5.0, 2, 4, 3, 5]}
    )
    parts = Split(ratings.iloc[:4], ratings.iloc[4:], pd.Index([3]), pd.Index([]), "random")
    setting = topn.topn_setting(FakePrepared(ratings, parts), threshold=4)
    # training ratings >= 4: (1, 10, 5) and (2, 10, 4)
    assert setting.train[[C.USER, C.ITEM]].values.tolist() == [[1, 10], [2, 10]]
    assert setting.svd_train is parts.train
    assert setting.validation is None and setting.groups is None
    assert setting.kind == "ratings" and setting.threshold == 4
    assert setting.describe().loc["train", C.N_ROWS] == 2
    with pytest.raises(DataValidationError, match="empty"):
        topn.topn_setting(FakePrepared(ratings, parts), threshold=6)


def test_setting_for_transactions_is_chronological():
    # five customers over four months; the last month (from 2011-03-20) is the test period,
    # the month before it the validation period
    times = pd.to_datetime(
        ["2011-01-05", "2011-01-10", "2011-02-15", "2011-02-25", "2011-03-01", "2011-03-25",
         "2011-04-01", "2011-04-20"],
        utc=True,
    )  # fmt: skip
    lines = pd.DataFrame(
        {
            C.INVOICE: ["1", "2", "3", "4", "5", "6", "7", "8"],
            C.ITEM: ["a", "b", "a", "c", "b", "c", "d", "a"],
            C.DESCRIPTION: "x",
            C.QUANTITY: [1, 2, 1, 1, 3, 1, 1, 2],
            C.UNIT_PRICE: 1.0,
            C.TIMESTAMP: times,
            C.CUSTOMER: ["u1", "u2", "u2", "u1", "u3", "u1", "u2", "u3"],
            C.COUNTRY: ["UK", "UK", "UK", "UK", "FR", "UK", "UK", "FR"],
        }
    )
    setting = topn.topn_setting(FakePrepared(lines), test_months=1)
    assert setting.periods["test_start"] == pd.Timestamp("2011-03-20", tz="UTC")
    assert setting.periods["validation_cutoff"] == pd.Timestamp("2011-02-20", tz="UTC")
    assert setting.train[C.TIMESTAMP].max() < setting.periods["test_start"]
    # test: new pairs bought from 2011-03-20 on (u1 c is a repeat, dropped)
    assert sorted(zip(setting.test[C.USER], setting.test[C.ITEM], strict=True)) == [
        ("u2", "d"),
        ("u3", "a"),
    ]
    assert setting.validation.test[C.USER].tolist() == ["u1", "u3"]
    assert setting.groups.to_dict() == {"u1": "UK", "u2": "UK", "u3": "FR"}
    assert setting.groups.name == "country"
    assert setting.svd_train[C.RATING].between(1, 5).all()
    assert topn.topn_setting(FakePrepared(lines), group="none").groups is None
    with pytest.raises(UnknownNameError, match="none, country"):
        topn.topn_setting(FakePrepared(lines), group="segment")


def test_validation_curves_draw_the_grid():
    curve = pd.DataFrame(
        {
            "factors": [4, 4, 64, 64],
            "regularization": [1.0, 10.0, 1.0, 10.0],
            C.METRIC: "ndcg",
            C.K: 10,
            C.VALUE: [0.1, 0.2, 0.3, 0.25],
            C.FIT_TIME: 0.1,
            C.BEST: [False, False, True, False],
        }
    )
    figure = plots_topn.validation_curves({"als": curve})
    (axes,) = figure.axes
    lines = {line.get_label(): line.get_ydata().tolist() for line in axes.get_lines()}
    assert lines == {"regularization=1.0": [0.1, 0.3], "regularization=10.0": [0.2, 0.25]}
    assert axes.get_xscale() == "log"  # 4 to 64: a factor of 16
    assert axes.collections[0].get_offsets().tolist() == [[64.0, 0.3]]  # the chosen point
    assert [tick.get_text() for tick in axes.get_xticklabels()] == ["4", "64"]
    with pytest.raises(DataValidationError, match="no curve"):
        plots_topn.validation_curves({})
    with pytest.raises(DataValidationError, match="no map@10"):
        plots_topn.validation_curves({"als": curve}, metric="map")
