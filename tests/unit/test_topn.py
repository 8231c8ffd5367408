"""Tests of aftersales.topn: implicit-feedback top-N models on hand-worked tiny frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import models, topn
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.metrics import ranking_metrics


def interactions(pairs, weights=None):
    frame = pd.DataFrame(pairs, columns=[C.USER, C.ITEM])
    if weights is not None:
        frame[C.WEIGHT] = np.asarray(weights, dtype="float64")
    return frame


def random_interactions(seed, n_users=30, n_items=20, density=0.3):
    generator = np.random.default_rng(seed)
    mask = generator.random((n_users, n_items)) < density
    mask[np.arange(n_users), np.arange(n_users) % n_items] = True  # every user and item used
    users, items = np.nonzero(mask)
    return interactions(list(zip(users.tolist(), items.tolist(), strict=True)))


def score_frame(model, users=None):
    scores = model.score_all(users)
    return pd.DataFrame(scores.values, index=scores.users, columns=scores.items)


# ---------------------------------------------------------------------------------------
# Item-kNN, hand-worked. Four users x four items, binary:
#   u1: a b     u2: a b c     u3: b c     u4: a d
# Item columns over users: a = {u1,u2,u4} (|a| = sqrt 3), b = {u1,u2,u3} (sqrt 3),
# c = {u2,u3} (sqrt 2), d = {u4} (1). Dot products: ab 2, ac 1, ad 1, bc 2, bd 0, cd 0.
# Shrinkage 1: s = dot / (|x_i||x_j| + 1)
#   s_ab = 2 / (3 + 1) = 0.5           s_ac = 1 / (sqrt 6 + 1) = 0.2898979
#   s_ad = 1 / (sqrt 3 + 1) = 0.3660254 s_bc = 2 / (sqrt 6 + 1) = 0.5797959
# k = 1: N(a) = {b}, N(b) = {c}, N(c) = {b}, N(d) = {a}
#   u1 (a, b): c = s_cb = .5797959, d = s_da = .3660254
#   u3 (b, c): a = s_ab = .5, d = 0 (its neighbour a is not u3's)
# k = 2: N(a) = {b, d}, N(b) = {c, a}, N(c) = {b, a}, N(d) = {a} (zero similarities drop)
#   u1: c = .5797959 + .2898979 = .8696938, d = .3660254
#   u4 (a, d): b = s_ba = .5, c = s_ca = .2898979
S_AB, S_AC, S_AD, S_BC = 0.5, 1 / (np.sqrt(6) + 1), 1 / (np.sqrt(3) + 1), 2 / (np.sqrt(6) + 1)
KNN_PAIRS = [
    ("u1", "a"),
    ("u1", "b"),
    ("u2", "a"),
    ("u2", "b"),
    ("u2", "c"),
    ("u3", "b"),
    ("u3", "c"),
    ("u4", "a"),
    ("u4", "d"),
]


def test_itemknn_cosine_with_shrinkage_by_hand():
    one = score_frame(topn.ItemKNN(neighbors=1, shrinkage=1.0).fit(interactions(KNN_PAIRS)))
    assert one.loc["u1", "c"] == pytest.approx(S_BC)
    assert one.loc["u1", "d"] == pytest.approx(S_AD)
    assert one.loc["u3", "a"] == pytest.approx(S_AB)
    assert one.loc["u3", "d"] == 0.0
    two = score_frame(topn.ItemKNN(neighbors=2, shrinkage=1.0).fit(interactions(KNN_PAIRS)))
    assert two.loc["u1", "c"] == pytest.approx(S_BC + S_AC)
    assert two.loc["u1", "d"] == pytest.approx(S_AD)
    assert two.loc["u4", "b"] == pytest.approx(S_AB)
    assert two.loc["u4", "c"] == pytest.approx(S_AC)
    model = topn.ItemKNN(neighbors=2, shrinkage=1.0).fit(interactions(KNN_PAIRS))
    recs = model.recommend(["u1"], 2)
    assert recs[C.ITEM].tolist() == ["c", "d"]
    assert recs[C.RANK].tolist() == [1, 2]


@pytest.mark.filterwarnings("ignore:Method expects CSR input")  # implicit's own conversion
def test_itemknn_matches_implicit_cosine_without_shrinkage():
    import scipy.sparse as sp
    from implicit.nearest_neighbours import CosineRecommender

    frame = random_interactions(3, n_users=15, n_items=8)
    model = topn.ItemKNN(neighbors=7, shrinkage=0.0).fit(frame)
    ours = model.score_all().values
    matrix = sp.csr_matrix((np.ones(len(frame)), (frame[C.USER], frame[C.ITEM])), shape=(15, 8))
    reference = CosineRecommender(K=8)  # K counts the item itself, so no pruning
    reference.fit(matrix, show_progress=False)
    ids, scores = reference.recommend(np.arange(15), matrix, N=8)
    theirs = np.zeros_like(ours)
    for row in range(15):  # 15 users, to unpack implicit's per-user lists
        valid = ids[row] >= 0
        theirs[row, ids[row][valid]] = scores[row][valid]
    unseen = matrix.toarray() == 0
    np.testing.assert_allclose(ours[unseen], theirs[unseen], atol=1e-6)


def test_itemknn_weighted_differs_from_binary():
    frame = interactions(KNN_PAIRS, weights=[5, 1, 1, 1, 1, 1, 1, 1, 1])
    binary = score_frame(topn.ItemKNN(neighbors=2, shrinkage=0.0).fit(frame))
    weighted = score_frame(topn.ItemKNN(neighbors=2, shrinkage=0.0, binary=False).fit(frame))
    # u4 has a (weight 1); with weights, s_ba = a.b / (|a||b|) = (5*1 + 1) / (sqrt 27 sqrt 3)
    assert weighted.loc["u4", "b"] == pytest.approx(6 / 9)
    assert binary.loc["u4", "b"] == pytest.approx(2 / 3)
    assert weighted.loc["u4", "c"] == pytest.approx(1 / np.sqrt(27 * 2))


# ---------------------------------------------------------------------------------------
# EASE on a 4 x 5 matrix, checked against the definition solved column by column:
# B[:, j] minimises |x_j - X b|^2 + lambda |b|^2 with b_j = 0, i.e. a ridge regression of
# item j on the other items: b_-j = (X_-j' X_-j + lambda I)^-1 X_-j' x_j.
EASE_X = np.array(
    [
        [1, 1, 0, 0, 1],
        [1, 0, 1, 0, 0],
        [0, 1, 1, 1, 0],
        [1, 1, 0, 1, 1],
    ],
    dtype=float,
)


def ease_by_ridge(x, lam):
    n = x.shape[1]
    weights = np.zeros((n, n))
    for j in range(n):  # five items
        others = np.delete(np.arange(n), j)
        xo = x[:, others]
        weights[others, j] = np.linalg.solve(xo.T @ xo + lam * np.eye(n - 1), xo.T @ x[:, j])
    return weights


def test_ease_closed_form_matches_direct_solve():
    users, items = np.nonzero(EASE_X)
    frame = interactions(list(zip(users.tolist(), items.tolist(), strict=True)))
    for lam in (0.5, 3.0):
        model = topn.EASE(regularization=lam).fit(frame)
        expected = EASE_X @ ease_by_ridge(EASE_X, lam)
        np.testing.assert_allclose(model.score_all().values, expected, atol=1e-12)
        # the formula of the issue: B = I - P diag(1 / diag P)
        inverse = np.linalg.inv(EASE_X.T @ EASE_X + lam * np.eye(5))
        formula = np.eye(5) - inverse @ np.diag(1 / np.diag(inverse))
        np.testing.assert_allclose(model.score_all().values, EASE_X @ formula, atol=1e-12)


def test_ease_weighted_uses_strengths():
    users, items = np.nonzero(EASE_X)
    strengths = np.arange(1, len(users) + 1, dtype=float)
    frame = interactions(list(zip(users.tolist(), items.tolist(), strict=True)), strengths)
    x = np.zeros((4, 5))
    x[users, items] = strengths
    model = topn.EASE(regularization=2.0, binary=False).fit(frame)
    np.testing.assert_allclose(model.score_all().values, x @ ease_by_ridge(x, 2.0), atol=1e-10)


# ---------------------------------------------------------------------------------------
# Popularity. Users and items (country):
#   u1 UK: a b   u2 UK: a c   u3 FR: a   u4 FR: c d   u5 (no country): d
# Global share (5 users): a 3/5 = .6, b .2, c .4, d .4.
# Group score (sum + m * share) / (n_g + m), m = 1, n_g = 2:
#   UK sums a 2, b 1, c 1, d 0 -> a 2.6/3, b 1.2/3, c 1.4/3, d .4/3
#   FR sums a 1, b 0, c 1, d 1 -> a 1.6/3, b .2/3, c 1.4/3, d 1.4/3
POP_PAIRS = [
    ("u1", "a"),
    ("u1", "b"),
    ("u2", "a"),
    ("u2", "c"),
    ("u3", "a"),
    ("u4", "c"),
    ("u4", "d"),
    ("u5", "d"),
]
COUNTRY = {"u1": "UK", "u2": "UK", "u3": "FR", "u4": "FR", "u9": "FR"}


def test_popularity_global_order_and_shares():
    model = topn.Popularity().fit(interactions(POP_PAIRS))
    recs = model.recommend(None, 4, exclude_seen=False)
    first = recs[recs[C.USER] == "u1"]
    assert first[C.ITEM].tolist() == ["a", "c", "d", "b"]  # c and d tie: by item id
    np.testing.assert_allclose(first[C.SCORE], [0.6, 0.4, 0.4, 0.2])
    seen_removed = model.recommend(["u1"], 2)
    assert seen_removed[C.ITEM].tolist() == ["c", "d"]


def test_popularity_per_group_smoothed():
    model = models.make("popularity", {"group": COUNTRY}, seed=0).fit(interactions(POP_PAIRS))
    scores = score_frame(model, ["u1", "u3", "u5", "u9", "stranger"])
    np.testing.assert_allclose(scores.loc["u1"], np.array([2.6, 1.2, 1.4, 0.4]) / 3)
    np.testing.assert_allclose(scores.loc["u3"], np.array([1.6, 0.2, 1.4, 1.4]) / 3)
    np.testing.assert_allclose(scores.loc["u5"], [0.6, 0.2, 0.4, 0.4])  # no group: global
    np.testing.assert_allclose(scores.loc["u9"], scores.loc["u3"])  # unknown user, group FR
    np.testing.assert_allclose(scores.loc["stranger"], [0.6, 0.2, 0.4, 0.4])
    recs = model.recommend(["u1", "u3"], 2)
    assert recs[C.ITEM].tolist() == ["c", "d", "c", "d"]  # u3: c and d tie at 1.4/3
    raw = topn.Popularity(group=COUNTRY, smoothing=0.0).fit(interactions(POP_PAIRS))
    np.testing.assert_allclose(score_frame(raw, ["u1"]).loc["u1"], [1.0, 0.5, 0.5, 0.0])


def test_popularity_weighted_adds_strengths():
    frame = interactions(POP_PAIRS, weights=[1, 10, 1, 1, 1, 1, 1, 1])
    model = topn.Popularity(binary=False).fit(frame)
    # b: weight 10 from u1 -> 10 / 5 users = 2.0, above a's 3 / 5
    assert model.recommend(["u5"], 1)[C.ITEM].tolist() == ["b"]


# ---------------------------------------------------------------------------------------
# Shared behaviour of every model.
ALL_MODELS = [
    ("popularity", {}),
    ("itemknn", {"neighbors": 5}),
    ("ease", {"regularization": 5.0}),
    ("als", {"factors": 4, "iterations": 5}),
    ("bpr", {"factors": 4, "iterations": 10}),
]


@pytest.mark.parametrize(("name", "params"), ALL_MODELS)
def test_recommend_excludes_seen_items_and_has_the_shared_frame(name, params):
    frame = random_interactions(1)
    model = models.make(name, params, seed=7).fit(frame)
    recs = model.recommend(None, 5)
    assert list(recs.columns) == [C.USER, C.ITEM, C.SCORE, C.RANK]
    assert recs[C.SCORE].dtype == np.float64 and recs[C.RANK].dtype == np.int64
    seen = pd.MultiIndex.from_frame(frame[[C.USER, C.ITEM]])
    assert not pd.MultiIndex.from_frame(recs[[C.USER, C.ITEM]]).isin(seen).any()
    assert (recs.groupby(C.USER)[C.RANK].max() == 5).all()
    # the lists are the top of score_all over unseen items, ties by item id
    scores = score_frame(model)
    user = recs[C.USER].iloc[0]
    unseen = scores.loc[user].drop(frame.loc[frame[C.USER] == user, C.ITEM])
    expected = unseen.sort_index().sort_values(ascending=False, kind="stable").index[:5]
    assert recs.loc[recs[C.USER] == user, C.ITEM].tolist() == expected.tolist()
    everything = model.recommend([user], len(model.items_), exclude_seen=False)
    assert len(everything) == len(model.items_)


@pytest.mark.parametrize(("name", "params"), ALL_MODELS)
def test_same_seed_same_lists(name, params):
    frame = random_interactions(2)
    first = models.make(name, params, seed=11).fit(frame).score_all().values
    again = models.make(name, params, seed=11).fit(frame).score_all().values
    np.testing.assert_array_equal(first, again)


@pytest.mark.parametrize("name", ["als", "bpr"])
def test_implicit_models_depend_on_the_seed(name):
    frame = random_interactions(2)
    params = {"factors": 4, "iterations": 5}
    first = models.make(name, params, seed=1).fit(frame).score_all().values
    other = models.make(name, params, seed=2).fit(frame).score_all().values
    assert not np.allclose(first, other)
    generator_seeded = models.make(name, params, seed=np.random.default_rng(5))
    assert generator_seeded.fit(frame).score_all().values.shape == first.shape


def test_als_confidence_uses_weights_unless_binary():
    frame = random_interactions(4)
    heavy = frame.assign(**{C.WEIGHT: np.where(np.arange(len(frame)) % 3 == 0, 20.0, 1.0)})
    plain = topn.ALS(factors=4, iterations=5, seed=0).fit(frame).score_all().values
    weighted = topn.ALS(factors=4, iterations=5, seed=0).fit(heavy).score_all().values
    as_binary = topn.ALS(factors=4, iterations=5, binary=True, seed=0).fit(heavy)
    assert not np.allclose(plain, weighted)
    np.testing.assert_array_equal(as_binary.score_all().values, plain)


def test_unknown_users_get_popularity_by_default():
    model = topn.EASE(regularization=1.0).fit(interactions(POP_PAIRS))
    recs = model.recommend(["u1", "newcomer"], 2)
    newcomer = recs[recs[C.USER] == "newcomer"]
    assert newcomer[C.ITEM].tolist() == ["a", "c"]  # 3 users, then 2 (c before d)
    assert newcomer[C.SCORE].tolist() == [3.0, 2.0]
    skipped = model.recommend(["newcomer", "u1"], 2, unknown_users="skip")
    assert skipped[C.USER].unique().tolist() == ["u1"]
    with pytest.raises(UnknownNameError, match="newcomer"):
        model.recommend(["newcomer"], 2, unknown_users="error")
    with pytest.raises(ParameterError, match="unknown_users"):
        model.recommend(["u1"], 2, unknown_users="guess")
    with pytest.raises(ParameterError, match="EASE supports error, popular, skip"):
        model.recommend(["newcomer"], 2, unknown_users="model")
    with pytest.raises(ParameterError, match="duplicates"):
        model.recommend(["u1", "u1"], 2)


# ---------------------------------------------------------------------------------------
# Bad input: a named error each.
def test_empty_matrix_after_threshold():
    ratings = pd.DataFrame({C.USER: [1, 2], C.ITEM: [10, 20], C.RATING: [2.0, 3.0]})
    with pytest.raises(DataValidationError, match="empty"):
        topn.implicit_from_ratings(ratings, threshold=4)
    with pytest.raises(DataValidationError, match="empty"):
        topn.EASE().fit(ratings.iloc[0:0])


@pytest.mark.parametrize("name", ["ease", "als", "bpr"])
@pytest.mark.parametrize("value", [0, -1.0, float("nan")])
def test_regularisation_must_be_positive(name, value):
    with pytest.raises(ParameterError, match="regularization"):
        models.make(name, {"regularization": value}, seed=0)


def test_k_larger_than_the_catalogue():
    model = topn.Popularity().fit(interactions(POP_PAIRS))
    with pytest.raises(ParameterError, match=r"catalogue.*4 items"):
        model.recommend(["u1"], 5)
    with pytest.raises(ParameterError, match="catalogue"):
        topn.ItemKNN(neighbors=4).fit(interactions(POP_PAIRS))  # 4 items: at most 3 neighbours
    with pytest.raises(ParameterError, match=r"integer >= 1"):
        model.recommend(["u1"], 0)


@pytest.mark.parametrize("method", ["predict", "estimate", "test"])
def test_rating_predictions_are_refused(method):
    model = topn.ItemKNN(neighbors=2).fit(interactions(KNN_PAIRS))
    with pytest.raises(topn.RankingOnlyError, match="ranks items only"):
        getattr(model, method)("u1", "c")
    assert issubclass(topn.RankingOnlyError, NotImplementedError)


def test_registry_errors_list_the_valid_names():
    with pytest.raises(UnknownNameError, match="popularity, itemknn, ease, als, bpr"):
        models.make("svd++", seed=0)
    with pytest.raises(ParameterError, match="valid parameters: regularization, binary"):
        models.make("ease", {"lambda_": 10.0}, seed=0)
    with pytest.raises(ParameterError, match="seed"):
        models.make("als", {"seed": 1}, seed=0)
    defaults = models.make("itemknn", seed=0).params
    assert defaults == {"neighbors": 100, "shrinkage": 10.0, "binary": True}
    with pytest.raises(ParameterError, match="binary"):
        topn.EASE(binary=1)
    with pytest.raises(ParameterError, match="not fitted"):
        topn.EASE().recommend(["u1"], 1)


def test_bad_strengths_are_named():
    frame = interactions(POP_PAIRS, weights=[1, 1, 0, 1, 1, 1, 1, 1])
    with pytest.raises(DataValidationError, match=r"`weight` must hold finite numbers > 0.*row 3"):
        topn.EASE().fit(frame)
    with pytest.raises(DataValidationError, match="missing column"):
        topn.EASE().fit(frame.drop(columns=[C.ITEM]))


# ---------------------------------------------------------------------------------------
# Data helpers.
def test_implicit_from_ratings_keeps_rows_and_adds_unit_weights():
    ratings = pd.DataFrame(
        {C.USER: [1, 1, 2, 2], C.ITEM: [10, 20, 10, 10], C.RATING: [5.0, 2.0, 3.0, 4.0]},
        index=[7, 8, 9, 10],
    )
    before = ratings.copy()
    everything = topn.implicit_from_ratings(ratings)
    assert list(everything.columns) == [C.USER, C.ITEM, C.WEIGHT, C.RATING]
    assert everything.index.tolist() == [7, 8, 10]  # (2, 10) repeats: the last row kept
    assert (everything[C.WEIGHT] == 1.0).all()
    liked = topn.implicit_from_ratings(ratings, threshold=4)
    assert liked.index.tolist() == [7, 10]
    pd.testing.assert_frame_equal(ratings, before)
    with pytest.raises(ParameterError, match="threshold"):
        topn.implicit_from_ratings(ratings, threshold="4")


def test_interaction_matrix_sums_repeats_and_prefers_weight():
    frame = pd.DataFrame(
        {
            C.USER: ["x", "x", "y"],
            C.ITEM: ["b", "b", "a"],
            C.WEIGHT: [2.0, 3.0, 1.0],
            C.RATING: [1.0, 1.0, 1.0],
        }
    )
    data = topn.interaction_matrix(frame, source="test")
    assert data.users.tolist() == ["x", "y"] and data.items.tolist() == ["a", "b"]
    np.testing.assert_array_equal(data.values.toarray(), [[0.0, 5.0], [1.0, 0.0]])
    np.testing.assert_array_equal(data.binary.toarray(), [[0.0, 1.0], [1.0, 0.0]])


# ---------------------------------------------------------------------------------------
# Evaluation treats top-N and Surprise models alike.
def ratings_frame(seed=0, n_users=25, n_items=12):
    frame = random_interactions(seed, n_users=n_users, n_items=n_items, density=0.4)
    stars = np.random.default_rng(seed).integers(1, 6, len(frame)).astype("float64")
    return frame.assign(**{C.RATING: stars})


def test_fit_on_a_surprise_trainset_equals_fit_on_the_frame():
    from surprise import Dataset, Reader

    ratings = ratings_frame()
    trainset = Dataset.load_from_df(ratings, Reader(rating_scale=(1, 5))).build_full_trainset()
    from_frame = topn.EASE(regularization=3.0, binary=False).fit(ratings).score_all()
    from_trainset = topn.EASE(regularization=3.0, binary=False).fit(trainset).score_all()
    np.testing.assert_allclose(from_trainset.values, from_frame.values, atol=1e-12)
    assert from_trainset.items.tolist() == from_frame.items.tolist()


def test_a_trainset_is_read_once_and_its_matrix_holds_its_ratings():
    from surprise import Dataset, Reader

    from aftersales.topn._matrix import interaction_matrix

    ratings = pd.DataFrame(
        {C.USER: ["b", "a", "a"], C.ITEM: ["y", "x", "y"], C.RATING: [2.0, 5.0, 1.0]}
    )
    trainset = Dataset.load_from_df(ratings, Reader(rating_scale=(1, 5))).build_full_trainset()
    calls = []
    original = trainset.all_ratings
    trainset.all_ratings = lambda: calls.append(1) or original()
    first = interaction_matrix(trainset, source="t")
    second = interaction_matrix(trainset, source="t")
    assert len(calls) == 1  # the second model of a fold reuses the frame
    for matrix in (first, second):
        assert matrix.users.tolist() == ["a", "b"] and matrix.items.tolist() == ["x", "y"]
        np.testing.assert_array_equal(matrix.values.toarray(), [[5.0, 1.0], [0.0, 2.0]])
    other = Dataset.load_from_df(ratings.iloc[:2], Reader(rating_scale=(1, 5)))
    assert interaction_matrix(other.build_full_trainset(), source="t").values.nnz == 2


def test_run_experiment_with_a_topn_model_and_the_shared_rank_fn():
    from aftersales.evaluate import run_experiment
    from aftersales.models import make

    ratings = ratings_frame(1)
    test = ratings.sample(frac=0.25, random_state=0)
    train = ratings.drop(index=test.index)
    experiment = run_experiment(
        {"ease": topn.EASE(regularization=2.0), "baseline": make("BaselineOnly", seed=0)},
        (train, test),
        rank_fn=models.recommend,
        metrics=["precision", "ndcg"],
        ks=3,
        progress=False,
        n_resamples=10,
    )
    users = pd.Index(test[C.USER].unique()).intersection(pd.Index(train[C.USER].unique()))
    recs = topn.EASE(regularization=2.0).fit(train).recommend(users.to_numpy(), 3)
    direct = ranking_metrics(recs, test, ks=3, metrics=("precision", "ndcg"))
    fold = experiment.per_fold.set_index([C.MODEL, C.METRIC])[C.VALUE]
    assert fold[("ease", "precision")] == pytest.approx(direct[("precision", 3)].value)
    assert fold[("ease", "ndcg")] == pytest.approx(direct[("ndcg", 3)].value)
    assert ("baseline", "precision") in fold.index


def test_shared_recommend_serves_surprise_models():
    from surprise import Dataset, Reader

    ratings = ratings_frame(2)
    trainset = Dataset.load_from_df(ratings, Reader(rating_scale=(1, 5))).build_full_trainset()
    algo = models.make("BaselineOnly", seed=0)
    algo.fit(trainset)
    users = ratings[C.USER].unique()[:5]
    pd.testing.assert_frame_equal(
        models.recommend(algo, users, 3), models.SurpriseRecommender(algo).recommend(users, 3)
    )


# ---------------------------------------------------------------------------------------
# Tuning on a validation split of the training data.
def two_tastes(n_users=40, n_items=20, seed=0):
    """Half the users like the first half of the items, half the second; some noise."""
    generator = np.random.default_rng(seed)
    users = np.arange(n_users)
    block = users >= n_users // 2
    likes = (np.arange(n_items)[None, :] >= n_items // 2) == block[:, None]
    mask = (likes & (generator.random((n_users, n_items)) < 0.6)) | (
        generator.random((n_users, n_items)) < 0.05
    )
    rows, cols = np.nonzero(mask)
    return interactions(list(zip(rows.tolist(), cols.tolist(), strict=True)))


def test_tune_returns_the_best_validation_point_and_the_curve():
    train = two_tastes()
    best, curve = topn.tune("itemknn", {"neighbors": [1, 5, 15]}, train, seed=3, metric="ndcg", k=5)
    assert len(curve) == 3 * 6  # combinations x ranking metrics
    ndcg = curve[curve[C.METRIC] == "ndcg"].reset_index(drop=True)
    assert best == {"neighbors": int(ndcg.loc[ndcg[C.VALUE].idxmax(), "neighbors"])}
    assert curve.loc[curve[C.BEST], "neighbors"].unique().tolist() == [best["neighbors"]]
    assert (curve[C.K] == 5).all() and (curve[C.FIT_TIME] >= 0).all()
    again, curve_again = topn.tune("itemknn", {"neighbors": [1, 5, 15]}, train, seed=3, k=5)
    assert again == best
    pd.testing.assert_series_equal(curve_again[C.VALUE], curve[C.VALUE])


def test_tune_keeps_fixed_parameters_and_checks_its_inputs():
    train = two_tastes()
    with pytest.raises(ParameterError, match="clash"):
        topn.tune("popularity", {C.VALUE: [1]}, train, seed=0)
    best, _ = topn.tune(
        "ease", {"regularization": [1.0, 10.0]}, train, seed=0, fixed={"binary": True}
    )
    assert set(best) == {"regularization", "binary"}
    with pytest.raises(ParameterError, match="non-empty sequence"):
        topn.tune("ease", {"regularization": []}, train, seed=0)
    with pytest.raises(ParameterError, match="valid parameters"):
        topn.tune("ease", {"l2": [1.0]}, train, seed=0)
    with pytest.raises(ParameterError, match="metric"):
        topn.tune("ease", {}, train, seed=0, metric="rmse")
    with pytest.raises(UnknownNameError):
        topn.tune("slope", {}, train, seed=0)


def test_tune_accepts_a_ready_validation_split_and_scores_it_as_by_hand():
    from aftersales import split

    parts = split.random_split(two_tastes(), test_size=0.3, seed=0)
    _, curve = topn.tune("ease", {"regularization": [1.0, 10.0]}, parts, seed=0, k=5)
    users = pd.Index(parts.test[C.USER].unique()).intersection(
        pd.Index(parts.train[C.USER].unique())
    )
    for lam in (1.0, 10.0):  # two grid points
        recs = topn.EASE(regularization=lam).fit(parts.train).recommend(users, 5)
        expected = ranking_metrics(recs, parts.test, ks=5, metrics=("ndcg",))[("ndcg", 5)]
        row = curve[(curve["regularization"] == lam) & (curve[C.METRIC] == "ndcg")]
        assert row[C.VALUE].item() == pytest.approx(expected.value)


def test_reference_protocol_on_a_small_frame():
    ratings = ratings_frame(5, n_users=40, n_items=15)
    result = topn.reference_protocol(
        ratings,
        models=("popularity", "ease"),
        grids={"ease": {"regularization": (1.0, 10.0)}},
        seed=1,
    )
    table = result.table()
    assert table.index.tolist() == ["popularity", "ease", "SVD"]
    assert table.columns.tolist() == ["precision", "recall", "ndcg", "map", C.FIT_TIME, C.ROUTE]
    # at most 15 items for 40 users: EASE solves the items x items system
    assert table[C.ROUTE].tolist() == ["", "cholesky", ""]
    assert result.params["ease"]["regularization"] in (1.0, 10.0)
    assert set(result.curves) == {"ease"}
    assert len(result.split.train) + len(result.split.test) == len(ratings)


# ---------------------------------------------------------------------------------------
# Retail: purchases before the cut-off train, the month after tests.
def test_purchase_time_split_aggregates_each_side():
    stamp = pd.to_datetime(
        ["2011-01-05", "2011-01-06", "2011-02-10", "2011-02-12", "2011-02-12", "2011-02-15"],
        utc=True,
    )
    lines = pd.DataFrame(
        {
            C.INVOICE: ["i1", "i2", "i3", "i4", "i4", "i5"],
            C.ITEM: ["A", "A", "B", "A", "C", "D"],
            C.QUANTITY: [1, 2, 1, 1, 4, 1],
            C.UNIT_PRICE: [1.0, 1.0, 2.0, 1.0, 0.5, 3.0],
            C.TIMESTAMP: stamp,
            C.CUSTOMER: ["c1", "c2", "c1", "c2", "c2", "c3"],
            C.COUNTRY: ["UK", "UK", "UK", "FR", "UK", "FR"],
        }
    )
    # default cut-off: a month before 2011-02-15 -> 2011-01-15; train c1 A, c2 A
    parts = topn.purchase_time_split(lines)
    train_pairs = sorted(zip(parts.train[C.USER], parts.train[C.ITEM], strict=True))
    assert train_pairs == [("c1", "A"), ("c2", "A")]
    assert sorted(zip(parts.test[C.USER], parts.test[C.ITEM], strict=True)) == [
        ("c1", "B"),
        ("c2", "C"),
        ("c3", "D"),
    ]  # (c2, A) repeats an earlier purchase: dropped
    assert parts.cold_users.tolist() == ["c3"]
    assert parts.cold_items.tolist() == ["B", "C", "D"]
    repeats = topn.purchase_time_split(lines, repeat_purchases=True, weight="quantity")
    assert len(repeats.test) == 4
    assert repeats.train.set_index(C.USER).loc["c2", C.WEIGHT] == 2.0
    with pytest.raises(DataValidationError, match="repeats an earlier one"):
        topn.purchase_time_split(lines.iloc[[0, 1, 3]], cutoff="2011-02-01")
    countries = topn.user_groups(lines, C.COUNTRY)
    # c1: UK twice; c2: UK twice, FR once; c3: FR
    assert countries.to_dict() == {"c1": "UK", "c2": "UK", "c3": "FR"}
