"""Top-N models on the real data: issue #7's movielens-100k protocol and the retail month."""

from __future__ import annotations

import pandas as pd
import pytest

from aftersales import clean, datasets, models, topn
from aftersales import columns as C
from aftersales.metrics import ranking_metrics

pytestmark = [pytest.mark.mirror, pytest.mark.slow]


@pytest.fixture(scope="module")
def reference(real_source):
    return topn.reference_protocol()


def test_reference_protocol_reaches_the_published_range(reference):
    table = reference.table()
    print("\n" + table.round(4).to_string())
    print({name: params for name, params in reference.params.items()})
    split = reference.split
    assert len(split.train) + len(split.test) == 100_000
    assert split.method == "item_stratified"
    best = table.drop(index="SVD")["ndcg"].idxmax()
    assert table.loc[best, "precision"] >= 0.41
    assert table.loc[best, "ndcg"] >= 0.47
    assert table.loc[best, C.FIT_TIME] < 10.0
    # every personalised model ranks far better than the rating predictor
    for name in ("itemknn", "ease", "als", "bpr"):
        assert table.loc[name, "ndcg"] > 2 * table.loc["SVD", "ndcg"]
    assert table.loc["popularity", "precision"] > table.loc["SVD", "precision"]
    # issue #21: ALS and EASE keep precision@10 >= 0.41; EASE solves the 943 x 943 system
    assert table.loc["als", "precision"] >= 0.41
    assert table.loc["ease", "precision"] >= 0.41
    assert table.loc["ease", C.ROUTE] == "woodbury"
    # issue #21: BPR (cornac, uniform negatives) at the grid bench/bpr.py validated reaches
    # the reference workbench's 0.389 (0.391 measured; implicit's BPR stayed near 0.32)
    assert table.loc["bpr", "precision"] >= 0.38
    assert reference.params["bpr"]["iterations"] == 200


def test_svd_reference_is_the_rating_predictor_of_the_issue(reference):
    svd = reference.table().loc["SVD"]
    # issue #7 reports precision 0.089, recall 0.030, NDCG 0.094 under this protocol
    assert svd["precision"] == pytest.approx(topn.ISSUE_SVD["precision"], abs=0.01)
    assert svd["recall"] == pytest.approx(topn.ISSUE_SVD["recall"], abs=0.01)
    assert svd["ndcg"] == pytest.approx(topn.ISSUE_SVD["ndcg"], abs=0.015)


def test_tuning_saw_only_the_training_data(reference):
    for name, curve in reference.curves.items():
        chosen = curve[curve[C.BEST]]
        assert len(chosen) == 6, name  # one combination, six ranking metrics
        grid = topn.REFERENCE_GRIDS[name]
        for key in grid:
            assert reference.params[name][key] == chosen[key].iloc[0]


@pytest.fixture(scope="module")
def retail(real_source):
    lines, _ = clean.clean_transactions(datasets.load("online-retail"))
    return lines


def test_retail_last_month(retail):
    parts = topn.purchase_time_split(retail)
    assert parts.train[C.TIMESTAMP].max() < parts.test[C.TIMESTAMP].min()
    cutoff = parts.test[C.TIMESTAMP].min()
    earlier = retail[retail[C.TIMESTAMP] < cutoff]
    validation = topn.purchase_time_split(earlier)  # the month before, for tuning
    users = pd.Index(parts.test[C.USER].unique()).intersection(
        pd.Index(parts.train[C.USER].unique())
    )
    countries = topn.user_groups(retail, C.COUNTRY)
    grids = {
        "itemknn": {"neighbors": (50, 200), "shrinkage": (0.0, 10.0)},
        "ease": {"regularization": (100.0, 500.0, 2500.0)},
        "als": {"factors": (32, 64), "regularization": (1.0, 10.0)},
    }
    rows = {}
    cases = [("popularity", {}), ("popularity", {"group": countries}), *grids.items()]
    for name, grid in cases:  # a handful of models
        label = f"{name} by country" if "group" in grid else name
        params = dict(grid) if name == "popularity" else {}
        if name != "popularity":
            params, _ = topn.tune(name, grid, validation, seed=0)
        model = models.make(name, params, seed=0).fit(parts.train)
        recs = model.recommend(users, 10)
        results = ranking_metrics(recs, parts.test, ks=10, metrics=topn.REFERENCE_METRICS)
        rows[label] = {metric: results[(metric, 10)].value for metric in topn.REFERENCE_METRICS}
        if name != "popularity":
            rows[label]["params"] = params
    table = pd.DataFrame(rows).T
    print(f"\n{len(users)} known test customers; cold: {len(parts.cold_users)} customers")
    print(table.to_string())
    for name in ("itemknn", "ease", "als"):
        assert table.loc[name, "ndcg"] > 1.5 * table.loc["popularity", "ndcg"]
    assert table.loc["popularity by country", "ndcg"] >= table.loc["popularity", "ndcg"]
