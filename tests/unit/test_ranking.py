"""Fast scoring and ranking of fitted Surprise models, cross-checked against ``predict``."""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np
import pandas as pd
import pytest
import surprise

import aftersales.models._knn as knn
from aftersales import columns as C
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models import make, recommend, score_all

KNN = ("KNNBasic", "KNNWithMeans", "KNNWithZScore", "KNNBaseline")
UNKNOWN_USERS = ["stranger", "nobody"]
UNKNOWN_ITEMS = ["i-new", "i-gone"]


def _trainset(frame: pd.DataFrame) -> surprise.Trainset:
    reader = surprise.Reader(rating_scale=(1, 5))
    return surprise.Dataset.load_from_df(frame, reader).build_full_trainset()


def _ratings(seed: int = 4) -> pd.DataFrame:
    """30 users x 25 items, integer ratings (so similarities tie), rows in random order.

    Users u0-u2 rate one item and u3-u4 two, so min_k / "not enough neighbors" fires.
    """
    gen = np.random.default_rng(seed)
    rows = []
    for u in range(30):
        n = 1 if u < 3 else 2 if u < 5 else int(gen.integers(4, 15))
        for i in gen.choice(25, n, replace=False):
            rows.append((f"u{u}", f"i{i}", float(gen.integers(1, 6))))
    frame = pd.DataFrame(rows, columns=[C.USER, C.ITEM, C.RATING])
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.fixture(scope="module")
def trainset() -> surprise.Trainset:
    return _trainset(_ratings())


def _grid(ts: surprise.Trainset) -> tuple[list[Any], list[Any]]:
    users = [ts.to_raw_uid(u) for u in range(ts.n_users)] + UNKNOWN_USERS
    items = [ts.to_raw_iid(i) for i in range(ts.n_items)] + UNKNOWN_ITEMS
    return users, items


def _predicted(algo, users, items, clip=True) -> np.ndarray:
    return np.array([[algo.predict(u, i, clip=clip).est for i in items] for u in users])


CASES: list[tuple[str, dict[str, Any]]] = [
    ("NormalPredictor", {}),
    ("BaselineOnly", {}),
    ("BaselineOnly", {"bsl_options": {"method": "sgd"}}),
    ("SVD", {"n_factors": 8}),
    ("SVD", {"n_factors": 8, "biased": False}),
    ("SVDpp", {"n_factors": 5, "n_epochs": 5}),
    ("NMF", {"n_factors": 4}),
    ("NMF", {"n_factors": 4, "biased": True}),
    ("SlopeOne", {}),
    ("CoClustering", {}),
]
CASES += [
    (name, {"k": 3, "min_k": 2, "sim_options": {"name": sim, "user_based": user_based}})
    for name in KNN
    for user_based in (True, False)
    for sim in ("msd", "cosine", "pearson", "pearson_baseline")
]
CASES += [
    (name, {"sim_options": {"user_based": user_based}})  # k=40: every list fits
    for name in KNN
    for user_based in (True, False)
]


def _case_id(case: tuple[str, dict[str, Any]]) -> str:
    name, params = case
    sim = params.get("sim_options", {})
    bits = [name] + [f"{k}={v}" for k, v in params.items() if k != "sim_options"]
    bits += [f"{k}={v}" for k, v in sim.items()]
    return "-".join(str(b) for b in bits)


@pytest.mark.parametrize("case", CASES, ids=map(_case_id, CASES))
def test_score_all_equals_predict_on_every_pair(case, trainset):
    name, params = case
    algo = make(name, params, seed=0).fit(trainset)
    users, items = _grid(trainset)
    scores = score_all(algo, users, items=items, batch_size=7)
    assert scores.values.shape == (len(users), len(items))
    assert list(scores.users) == users and list(scores.items) == items
    np.testing.assert_allclose(scores.values, _predicted(algo, users, items), rtol=0, atol=1e-9)


@pytest.mark.parametrize("user_based", [True, False])
def test_the_grid_triggers_every_knn_fallback_and_boundary_ties(user_based, trainset):
    """Guard against a vacuous equivalence test: the data must exercise what it claims."""
    params = {"k": 3, "min_k": 2, "sim_options": {"name": "msd", "user_based": user_based}}
    algo = make("KNNBasic", params, seed=0).fit(trainset)
    users, items = _grid(trainset)
    reasons = {algo.predict(u, i).details.get("reason") for u in users for i in items} - {None}
    assert reasons == {"User and/or item is unknown.", "Not enough neighbors."}
    # some pair has a tie at the k-th positive similarity between neighbours whose
    # ratings differ, so a wrong tie order would change the estimate
    boundary_ties = 0
    for x in range(algo.n_x):
        for entries in algo.yr.values():
            sims = sorted((algo.sim[x, x2], r) for x2, r in entries if algo.sim[x, x2] > 0)[::-1]
            if len(sims) > algo.k and sims[algo.k - 1][0] == sims[algo.k][0]:
                tied = {r for s, r in sims if s == sims[algo.k][0]}
                boundary_ties += len(tied) > 1
    assert boundary_ties > 0


def test_knn_tie_goes_to_the_earlier_rating():
    # Item "z" is rated by b (4), c (2), d (5), in that order. a shares only item "y"
    # with each of them, all rated 5 like a's 5, so msd = 0 and sim(a, .) = 1 / (0 + 1)
    # = 1 for all three: a three-way tie. With k=1 heapq.nlargest keeps the earliest,
    # b, so predict(a, z) = 4 / 1 = 4. Listing c's rating first makes it 2.
    rows = [("a", "y", 5.0), ("b", "y", 5.0), ("c", "y", 5.0), ("d", "y", 5.0)]
    b, c, d = ("b", "z", 4.0), ("c", "z", 2.0), ("d", "z", 5.0)
    for order, expected in [([b, c, d], 4.0), ([c, b, d], 2.0), ([d, c, b], 5.0)]:
        frame = pd.DataFrame(rows + order, columns=[C.USER, C.ITEM, C.RATING])
        algo = make("KNNBasic", {"k": 1}, seed=0).fit(_trainset(frame))
        assert algo.predict("a", "z").est == expected
        assert score_all(algo, ["a"], items=["z"]).values[0, 0] == expected


@pytest.mark.parametrize("user_based", [True, False])
def test_rating_order_changes_surprise_and_score_all_follows(user_based):
    frame = _ratings(seed=9)
    params = {"k": 2, "min_k": 1, "sim_options": {"name": "msd", "user_based": user_based}}
    forward = make("KNNWithMeans", params, seed=0).fit(_trainset(frame))
    backward = make("KNNWithMeans", params, seed=0).fit(_trainset(frame[::-1]))
    users, items = _grid(forward.trainset)
    expected_fwd = _predicted(forward, users, items)
    expected_bwd = _predicted(backward, users, items)
    assert np.abs(expected_fwd - expected_bwd).max() > 0.1  # tie order matters here
    got_fwd = score_all(forward, users, items=items).values
    got_bwd = score_all(backward, users, items=items).values
    np.testing.assert_allclose(got_fwd, expected_fwd, rtol=0, atol=1e-9)
    np.testing.assert_allclose(got_bwd, expected_bwd, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("SVD", {"n_factors": 8, "lr_all": 0.05, "n_epochs": 60, "reg_all": 0.0}),
        ("KNNBaseline", {"k": 3, "sim_options": {"name": "pearson_baseline"}}),
    ],
)
def test_clip_false_equals_unclipped_predict(name, params, trainset):
    algo = make(name, params, seed=0).fit(trainset)
    users, items = _grid(trainset)
    expected = _predicted(algo, users, items, clip=False)
    assert expected.max() > 5 or expected.min() < 1  # the scale is actually exceeded
    got = score_all(algo, users, items=items, clip=False).values
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", KNN)
@pytest.mark.parametrize("user_based", [True, False])
def test_small_blocks_and_batches_give_the_same_scores(name, user_based, trainset, monkeypatch):
    params = {"k": 2, "sim_options": {"name": "cosine", "user_based": user_based}}
    algo = make(name, params, seed=0).fit(trainset)
    users = [trainset.to_raw_uid(u) for u in range(trainset.n_users)]
    whole = score_all(algo, users).values
    monkeypatch.setattr(knn, "_CHUNK_ELEMENTS", 20)  # one list per block
    small = score_all(algo, users, batch_size=1).values
    np.testing.assert_allclose(small, whole, rtol=0, atol=1e-12)  # only summation order differs


@pytest.mark.parametrize("user_based", [True, False])
def test_repeated_users_score_like_predict(user_based, trainset):
    params = {"k": 2, "sim_options": {"name": "pearson", "user_based": user_based}}
    algo = make("KNNBaseline", params, seed=0).fit(trainset)
    users = ["u9", "u3", "u9", "ghost", "u3", "u20"]
    _, items = _grid(trainset)
    got = score_all(algo, users, items=items).values
    np.testing.assert_allclose(got, _predicted(algo, users, items), rtol=0, atol=1e-9)


def test_default_columns_are_the_trainset_items_in_inner_order(trainset):
    algo = make("BaselineOnly", seed=0).fit(trainset)
    scores = score_all(algo, ["u7"])
    assert list(scores.items) == [trainset.to_raw_iid(i) for i in range(trainset.n_items)]
    np.testing.assert_allclose(scores.values, _predicted(algo, ["u7"], scores.items), atol=1e-12)


def _brute_force_top(algo, user, k, exclude_seen=True) -> list[tuple[Any, float]]:
    """Rank by predict(): descending estimate (to 12 decimals), ties by inner item id."""
    ts = algo.trainset
    seen = set()
    if exclude_seen and ts.knows_user(inner := _inner_user(ts, user)):
        seen = {i for i, _ in ts.ur[inner]}
    ests = {i: algo.predict(user, ts.to_raw_iid(i)).est for i in ts.all_items()}
    cands = [(round(est, 12), -i) for i, est in ests.items() if i not in seen]
    return [(ts.to_raw_iid(-neg_i), ests[-neg_i]) for _, neg_i in heapq.nlargest(k, cands)]


def _inner_user(ts, raw):
    try:
        return ts.to_inner_uid(raw)
    except ValueError:
        return -1


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("SVD", {"n_factors": 8}),
        ("KNNBasic", {"k": 3}),  # integer ratings: many equal estimates, ties decide
        ("KNNWithMeans", {"k": 5, "sim_options": {"user_based": False}}),
        ("SlopeOne", {}),
    ],
)
@pytest.mark.parametrize("exclude_seen", [True, False])
def test_recommend_equals_sorting_predictions(name, params, exclude_seen, trainset):
    algo = make(name, params, seed=0).fit(trainset)
    users = [trainset.to_raw_uid(u) for u in range(trainset.n_users)]
    k = 4
    frame = recommend(algo, users, k, exclude_seen=exclude_seen, batch_size=6)
    assert list(frame.columns) == [C.USER, C.ITEM, C.SCORE, C.RANK]
    assert frame[C.RANK].dtype == np.int64 and frame[C.SCORE].dtype == np.float64
    for user in users:
        got = frame[frame[C.USER] == user]
        expected = _brute_force_top(algo, user, k, exclude_seen)
        assert list(got[C.ITEM]) == [i for i, _ in expected]
        np.testing.assert_allclose(got[C.SCORE], [s for _, s in expected], atol=1e-9)
        assert list(got[C.RANK]) == list(range(1, len(expected) + 1))


def test_recommend_ties_are_exercised(trainset):
    algo = make("KNNBasic", {"k": 3}, seed=0).fit(trainset)
    frame = recommend(algo, None, 4)
    assert frame.duplicated([C.USER, C.SCORE]).any()  # equal scores within a user's top 4


def test_recommend_all_users_and_short_lists(trainset):
    algo = make("BaselineOnly", seed=0).fit(trainset)
    frame = recommend(algo, None, 100)  # more than any user's 25 - n_seen unseen items
    users = [trainset.to_raw_uid(u) for u in range(trainset.n_users)]
    assert list(frame[C.USER].unique()) == users
    per_user = frame.groupby(C.USER, sort=False).size()
    unseen = [trainset.n_items - len(trainset.ur[u]) for u in range(trainset.n_users)]
    assert list(per_user) == unseen
    assert (frame.groupby(C.USER, sort=False)[C.RANK].max() == per_user).all()


def test_unknown_users_error_by_default(trainset):
    algo = make("SVD", {"n_factors": 4}, seed=0).fit(trainset)
    with pytest.raises(UnknownNameError, match=r"1 user\(s\) are not in the trainset.*'ghost'"):
        recommend(algo, ["u5", "ghost"], 3)


def test_unknown_users_popular_ranks_by_number_of_ratings():
    # counts: x 3, y 2, z 2, w 1; y and z tie -> inner order (y appears first)
    frame = pd.DataFrame(
        {
            C.USER: ["a", "a", "b", "b", "c", "c", "c", "d"],
            C.ITEM: ["y", "x", "x", "z", "x", "y", "w", "z"],
            C.RATING: [4.0, 5.0, 3.0, 2.0, 4.0, 1.0, 5.0, 3.0],
        }
    )
    algo = make("SVD", {"n_factors": 2}, seed=0).fit(_trainset(frame))
    got = recommend(algo, ["new", "a"], 3, unknown_users="popular")
    new = got[got[C.USER] == "new"]
    assert list(new[C.ITEM]) == ["x", "y", "z"]
    assert list(new[C.SCORE]) == [3.0, 2.0, 2.0]
    known = got[got[C.USER] == "a"]  # known users are ranked by the model as usual
    assert list(known[C.ITEM]) == [i for i, _ in _brute_force_top(algo, "a", 3)]


def test_unknown_users_model_uses_the_fallback_estimate(trainset):
    algo = make("SVD", {"n_factors": 4}, seed=0).fit(trainset)
    got = recommend(algo, ["ghost"], 5, unknown_users="model")
    assert list(got[C.ITEM]) == [i for i, _ in _brute_force_top(algo, "ghost", 5)]


def test_unknown_users_skip_leaves_them_out_and_keeps_the_known_ranking(trainset):
    algo = make("SVD", {"n_factors": 4}, seed=0).fit(trainset)
    skipped = recommend(algo, ["ghost", "u5"], 3, unknown_users="skip")
    assert skipped[C.USER].tolist() == ["u5"] * 3
    pd.testing.assert_frame_equal(skipped, recommend(algo, ["u5"], 3))
    assert recommend(algo, ["ghost"], 3, unknown_users="skip").empty


@pytest.mark.parametrize("k", [0, -2, 2.5, "3", True])
def test_k_must_be_a_positive_integer(k, trainset):
    algo = make("BaselineOnly", seed=0).fit(trainset)
    with pytest.raises(ParameterError, match="`k` must be a positive integer"):
        recommend(algo, ["u5"], k)


def test_bad_calls_are_named(trainset):
    algo = make("BaselineOnly", seed=0).fit(trainset)
    with pytest.raises(ParameterError, match="duplicates"):
        recommend(algo, ["u5", "u5"], 3)
    with pytest.raises(ParameterError, match="`unknown_users` must be one of error, popular"):
        recommend(algo, ["u5"], 3, unknown_users="ignore")
    with pytest.raises(ParameterError, match="`batch_size` must be a positive integer"):
        score_all(algo, ["u5"], batch_size=0)
    with pytest.raises(ParameterError, match="sequence of raw ids"):
        score_all(algo, "u5")
    with pytest.raises(ParameterError, match="not fitted"):
        score_all(make("SVD", seed=0), ["u5"])
    with pytest.raises(ParameterError, match=r"models\.make"):
        score_all(surprise.NormalPredictor().fit(trainset), ["u5"])


def test_unsupported_algorithm_lists_the_supported_ones(trainset):
    class Constant(surprise.AlgoBase):
        def estimate(self, u, i):
            return 3.0

    with pytest.raises(UnknownNameError, match=r"no fast scorer for Constant.*SlopeOne"):
        score_all(Constant().fit(trainset), ["u5"])
