"""``predict_pairs`` against Surprise's per-pair ``predict``, and its use by ``run_experiment``."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest
import surprise

from aftersales import columns as C
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.evaluate import run_experiment
from aftersales.evaluate._search import VectorisedTest
from aftersales.metrics import predictions_to_frame, rmse
from aftersales.models import has_pair_scorer, make, predict_pairs

KNN = ("KNNBasic", "KNNWithMeans", "KNNWithZScore", "KNNBaseline")

CASES: list[tuple[str, dict[str, Any]]] = [
    ("NormalPredictor", {}),
    ("BaselineOnly", {}),
    ("SVD", {"n_factors": 6}),
    ("SVD", {"n_factors": 6, "biased": False}),
    ("SVDpp", {"n_factors": 4, "n_epochs": 4}),
    ("NMF", {"n_factors": 3}),
    ("SlopeOne", {}),
    ("CoClustering", {}),
]
CASES += [
    (name, {"k": 3, "min_k": 2, "sim_options": {"name": "pearson", "user_based": based}})
    for name in KNN
    for based in (True, False)
]
# cosine and msd on integer ratings tie often (1.0 on one co-rated item): the tie order of
# heapq.nlargest decides; k = 1 and a k above every list length are the edge cases
CASES += [
    (name, {"k": k, "min_k": 1, "sim_options": {"name": sim, "user_based": based}})
    for name in ("KNNBasic", "KNNWithMeans", "KNNBaseline")
    for sim, k in (("cosine", 1), ("msd", 2), ("cosine", 40))
    for based in (True, False)
]


def _ratings(seed: int = 7) -> pd.DataFrame:
    """25 users x 20 items with integer ratings; u0 and u1 rate a single item."""
    gen = np.random.default_rng(seed)
    rows = []
    for u in range(25):
        n = 1 if u < 2 else int(gen.integers(3, 12))
        for i in gen.choice(20, n, replace=False):
            rows.append((f"u{u}", f"i{i}", float(gen.integers(1, 6))))
    return pd.DataFrame(rows, columns=[C.USER, C.ITEM, C.RATING])


def _pairs(frame: pd.DataFrame, seed: int = 3) -> tuple[list[Any], list[Any]]:
    """Random known pairs, repeats, and pairs with an unknown user, item or both."""
    gen = np.random.default_rng(seed)
    users = list(gen.choice(frame[C.USER].unique(), 60))
    items = list(gen.choice(frame[C.ITEM].unique(), 60))
    users += ["stranger", "stranger", "u3", "nobody", users[0]]
    items += ["i5", "i-new", "i-new", "i-gone", items[0]]
    return users, items


@pytest.fixture(scope="module")
def trainset() -> surprise.Trainset:
    reader = surprise.Reader(rating_scale=(1, 5))
    return surprise.Dataset.load_from_df(_ratings(), reader).build_full_trainset()


@pytest.mark.parametrize("case", CASES, ids=[f"{name}-{i}" for i, (name, _) in enumerate(CASES)])
@pytest.mark.parametrize("clip", [True, False])
def test_predict_pairs_equals_predict(case, clip, trainset):
    name, params = case
    algo = make(name, params, seed=5).fit(trainset)
    users, items = _pairs(_ratings())
    expected = [algo.predict(u, i, clip=clip).est for u, i in zip(users, items, strict=True)]
    got = predict_pairs(algo, users, items, clip=clip, batch_size=4)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_batches_do_not_change_the_estimates(trainset):
    algo = make("KNNWithMeans", {"k": 2}, seed=0).fit(trainset)
    users, items = _pairs(_ratings())
    one = predict_pairs(algo, users, items, batch_size=1)  # sums in another order: 1e-16
    np.testing.assert_allclose(predict_pairs(algo, users, items), one, rtol=0, atol=1e-12)


def test_no_pairs_give_an_empty_array(trainset):
    algo = make("SVD", {"n_factors": 2}, seed=0).fit(trainset)
    assert predict_pairs(algo, [], []).shape == (0,)


def test_has_pair_scorer(trainset):
    assert has_pair_scorer(make("SVD", seed=0).fit(trainset))
    assert not has_pair_scorer(make("SVD", seed=0))  # not fitted
    assert not has_pair_scorer(surprise.NormalPredictor().fit(trainset))  # unseeded
    assert not has_pair_scorer(object())


def test_bad_calls_are_named(trainset):
    algo = make("BaselineOnly", seed=0).fit(trainset)
    with pytest.raises(ParameterError, match="equal lengths"):
        predict_pairs(algo, ["u2", "u3"], ["i1"])
    with pytest.raises(ParameterError, match="sequence of raw ids"):
        predict_pairs(algo, "u2", ["i1"])
    with pytest.raises(ParameterError, match="not fitted"):
        predict_pairs(make("SVD", seed=0), ["u2"], ["i1"])
    with pytest.raises(UnknownNameError, match="no fast scorer"):
        predict_pairs(type("Mine", (surprise.SVD,), {})().fit(trainset), ["u2"], ["i1"])


def test_svdpp_caches_ratings_and_fits_the_same_factors(trainset):
    cached = make("SVDpp", {"n_factors": 3, "n_epochs": 3}, seed=1)
    plain = make("SVDpp", {"n_factors": 3, "n_epochs": 3, "cache_ratings": False}, seed=1)
    assert cached.cache_ratings is True
    cached.fit(trainset)
    plain.fit(trainset)
    for name in ("bu", "bi", "pu", "qi", "yj"):
        np.testing.assert_array_equal(getattr(cached, name), getattr(plain, name))


def test_run_experiment_rmse_equals_surprise_test():
    frame = _ratings()
    train, test = frame.iloc[::2].reset_index(drop=True), frame.iloc[1::2].reset_index(drop=True)
    experiment = run_experiment(
        {"knn": make("KNNBaseline", {"k": 3}, seed=0)},
        (train, test),
        metrics=["rmse"],
        n_resamples=10,
        progress=False,
    )
    reader = surprise.Reader(rating_scale=(1, 5))
    algo = make("KNNBaseline", {"k": 3}, seed=0)
    algo.fit(surprise.Dataset.load_from_df(train, reader).build_full_trainset())
    testset = list(test.itertuples(index=False, name=None))
    expected = rmse(predictions_to_frame(algo.test(testset))).value
    assert experiment.per_fold[C.VALUE].iloc[0] == pytest.approx(expected, abs=1e-12)


def test_vectorised_test_equals_surprise_test_and_falls_back(trainset):
    users, items = _pairs(_ratings())
    testset = [(u, i, 3.0) for u, i in zip(users, items, strict=True)]
    for algo in (make("KNNBaseline", {"k": 3}, seed=0), surprise.NormalPredictor()):
        wrapped = VectorisedTest(copy.deepcopy(algo)).fit(trainset)
        np.random.seed(0)  # noqa: NPY002 -- Surprise's NormalPredictor draws from it
        got = [p.est for p in wrapped.test(testset)]
        np.random.seed(0)  # noqa: NPY002
        expected = [p.est for p in algo.fit(trainset).test(testset)]
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
        assert [p[:3] for p in wrapped.test(testset)] == testset
