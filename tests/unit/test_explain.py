"""Tests of aftersales.models.explain_knn and UserCosineCF.explain against Surprise and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import surprise

from aftersales import columns as C
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models import EXPLANATION_COLUMNS, explain_knn
from aftersales.usercf import UserCosineCF

# The 4 users x 5 items example of test_usercf (0 = unrated), items 10, 20, 30, 40, 50:
#   u1 = (5, 3, 4, 0, 0), u2 = (4, 3, 0, 5, 0), u3 = (0, 1, 5, 0, 2), u4 = (0, 0, 0, 4, 4).
# Surprise's cosine uses the co-rated items only:
#   s12 = (20 + 9) / (sqrt(34) * 5) = 0.994692   (items 10, 20)
#   s13 = (3 + 20) / (5 * sqrt(26)) = 0.902134   (items 20, 30)
#   s14 = 0 (nothing in common); s23 = 3 / 3 = 1; s24 = 20 / 20 = 1; s34 = 8 / 8 = 1.
RATINGS = pd.DataFrame(
    {
        C.USER: [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4],
        C.ITEM: [10, 20, 30, 10, 20, 40, 20, 30, 50, 40, 50],
        C.RATING: [5.0, 3.0, 4.0, 4.0, 3.0, 5.0, 1.0, 5.0, 2.0, 4.0, 4.0],
    }
)
NAMES = {10: "Ten", 20: "Twenty", 30: "Thirty", 40: "Forty", 50: "Fifty"}


def trainset(ratings: pd.DataFrame = RATINGS) -> surprise.Trainset:
    reader = surprise.Reader(rating_scale=(1, 5))
    data = surprise.Dataset.load_from_df(ratings[[C.USER, C.ITEM, C.RATING]], reader)
    return data.build_full_trainset()


def fit(algo_class, *, user_based=True, name="cosine", ratings=RATINGS, **options):
    sim_options = {"name": name, "user_based": user_based}
    return algo_class(sim_options=sim_options, verbose=False, **options).fit(trainset(ratings))


def test_user_based_neighbours_worked_by_hand():
    algo = fit(surprise.KNNBasic, k=2)
    got = explain_knn(algo, 4, [20, 40], names=NAMES)
    # u4, item 20: raters u1 (3), u2 (3), u3 (1) with similarities 0, 1, 1: both u2 and u3
    # count, est = (3 + 1) / 2 = 2, shares 1/2 each. Item 40 is rated by u2 and u4: u4's
    # own similarity with itself is 1, with u2 1 -> (4 + 5) / 2 = 4.5.
    assert list(got.columns) == list(EXPLANATION_COLUMNS)
    assert got[[C.ITEM, C.NEIGHBOR, C.NEIGHBOR_RATING, C.N_NEIGHBORS, C.RANK]].values.tolist() == [
        [20, 2, 3.0, 2, 1],
        [20, 3, 1.0, 2, 2],
        [40, 2, 5.0, 2, 1],
        [40, 4, 4.0, 2, 2],
    ]
    np.testing.assert_allclose(got[C.SIMILARITY], [1.0, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(got[C.SHARE], [0.5, 0.5, 0.5, 0.5])
    assert got[C.ITEM_NAME].tolist() == ["Twenty", "Twenty", "Forty", "Forty"]
    assert got[C.NEIGHBOR_NAME].isna().all()
    assert got[C.USER].tolist() == [4] * 4
    assert algo.predict(4, 20).est == pytest.approx(2.0)
    assert algo.predict(4, 20).details["actual_k"] == 2


def test_zero_similarity_neighbours_do_not_count():
    # u1, item 40: raters u2 (s12 = 0.994692, rating 5) and u4 (s14 = 0): only u2 counts.
    algo = fit(surprise.KNNBasic, k=2)
    got = explain_knn(algo, 1, [40, 50])
    assert got[[C.ITEM, C.NEIGHBOR, C.NEIGHBOR_RATING, C.N_NEIGHBORS]].values.tolist() == [
        [40, 2, 5.0, 1],
        [50, 3, 2.0, 1],
    ]
    np.testing.assert_allclose(
        got[C.SIMILARITY], [29 / (np.sqrt(34) * 5), 23 / (5 * np.sqrt(26))], rtol=1e-12
    )
    assert algo.predict(1, 40).details["actual_k"] == 1


def test_equal_similarities_go_to_the_earlier_rater_like_heapq():
    # k = 1, u4 and item 20: u2 and u3 tie at similarity 1; Surprise keeps the one listed
    # first among the item's raters (u2), so the estimate is u2's rating 3.
    algo = fit(surprise.KNNBasic, k=1)
    got = explain_knn(algo, 4, [20])
    assert got[C.NEIGHBOR].tolist() == [2]
    assert algo.predict(4, 20).est == pytest.approx(3.0)
    # Listing u3's ratings first makes u3 the earlier rater of item 20 -> estimate 1.
    reordered = pd.concat([RATINGS.iloc[6:9], RATINGS.drop(index=[6, 7, 8])])
    algo = fit(surprise.KNNBasic, k=1, ratings=reordered)
    assert explain_knn(algo, 4, [20])[C.NEIGHBOR].tolist() == [3]
    assert algo.predict(4, 20).est == pytest.approx(1.0)


def test_item_based_neighbours_carry_names_and_min_k():
    algo = fit(surprise.KNNWithMeans, user_based=False, k=3)
    got = explain_knn(algo, 4, [10, 20, 30], names=NAMES, top=5)
    # Item-based: the neighbours of item i are the items u4 rated (40 and 50).
    assert set(got[C.NEIGHBOR]) <= {40, 50}
    assert (got[C.NEIGHBOR_NAME] == got[C.NEIGHBOR].map(NAMES)).all()
    for item, rows in got.groupby(C.ITEM):
        assert len(rows) == algo.predict(4, item).details["actual_k"]
    # min_k = 2: an estimate from one neighbour ignores it, so the item has no rows.
    strict = fit(surprise.KNNWithMeans, k=2, min_k=2)
    assert strict.predict(1, 40).details["actual_k"] == 1
    assert explain_knn(strict, 1, [40]).empty


def random_ratings(seed: int) -> pd.DataFrame:
    gen = np.random.default_rng(seed)
    users, items = np.nonzero(gen.random((9, 7)) < 0.6)
    order = gen.permutation(len(users))  # shuffled, so list order differs from id order
    return pd.DataFrame(
        {
            C.USER: users[order],
            C.ITEM: items[order] + 100,
            C.RATING: gen.integers(1, 6, len(users)).astype(float),
        }
    )


@pytest.mark.parametrize(
    "algo_class",
    [surprise.KNNBasic, surprise.KNNWithMeans, surprise.KNNWithZScore, surprise.KNNBaseline],
)
@pytest.mark.parametrize("user_based", [True, False])
def test_neighbour_counts_and_estimates_match_surprise(algo_class, user_based):
    ratings = random_ratings(4)
    name = "pearson_baseline" if algo_class is surprise.KNNBaseline else "msd"
    algo = fit(algo_class, user_based=user_based, name=name, ratings=ratings, k=3)
    items = sorted(ratings[C.ITEM].unique())
    for user in sorted(ratings[C.USER].unique()):
        got = explain_knn(algo, user, items, top=10)
        for item in items:
            rows = got[got[C.ITEM] == item]
            prediction = algo.predict(user, item, clip=False)
            assert len(rows) == prediction.details.get("actual_k", 0), (user, item)
            if algo_class is surprise.KNNBasic and len(rows):
                weighted = (rows[C.SIMILARITY] * rows[C.NEIGHBOR_RATING]).sum()
                assert weighted / rows[C.SIMILARITY].sum() == pytest.approx(prediction.est)
            if len(rows):
                assert rows[C.SHARE].sum() == pytest.approx(1.0)
                assert rows[C.SIMILARITY].is_monotonic_decreasing


def test_usercf_explain_lists_the_contributing_neighbours():
    # UserCosineCF(k=2) on the same data (cosine over all items, see test_usercf):
    # N(4) = {u2: 0.5, u3: 0.258199}. Item 20 rated by u2 (3) and u3 (1): shares
    # 0.5 / 0.758199 = 0.659458 and 0.340542; item 10 by u2 only; item 30 by u3 only.
    model = UserCosineCF(k=2).fit(RATINGS)
    got = model.explain(4, [20, 10, 30], names=NAMES)
    assert got[[C.ITEM, C.NEIGHBOR, C.NEIGHBOR_RATING, C.N_NEIGHBORS, C.RANK]].values.tolist() == [
        [20, 2, 3.0, 2, 1],
        [20, 3, 1.0, 2, 2],
        [10, 2, 4.0, 1, 1],
        [30, 3, 5.0, 1, 1],
    ]
    s34 = 8 / np.sqrt(960)
    np.testing.assert_allclose(got[C.SIMILARITY], [0.5, s34, 0.5, s34])
    np.testing.assert_allclose(got[C.SHARE], [0.5 / (0.5 + s34), s34 / (0.5 + s34), 1, 1])
    assert got[C.ITEM_NAME].tolist() == ["Twenty", "Twenty", "Ten", "Thirty"]
    # The shares reproduce the score: sum(share * rating) = score(4, 20).
    score = model.score_all([4]).values[0, 1]
    first = got[got[C.ITEM] == 20]
    assert (first[C.SHARE] * first[C.NEIGHBOR_RATING]).sum() == pytest.approx(score)
    top1 = model.explain(4, [20], top=1)
    assert top1[C.NEIGHBOR].tolist() == [2] and top1[C.N_NEIGHBORS].tolist() == [2]


def test_bad_arguments():
    algo = fit(surprise.KNNBasic, k=2)
    with pytest.raises(UnknownNameError, match="`user`: 99"):
        explain_knn(algo, 99, [10])
    with pytest.raises(UnknownNameError, match="`items`: 99"):
        explain_knn(algo, 1, [99])
    with pytest.raises(ParameterError, match="`top` must be a positive integer"):
        explain_knn(algo, 1, [10], top=0)
    with pytest.raises(ParameterError, match="duplicates"):
        explain_knn(algo, 1, [10, 10])
    with pytest.raises(ParameterError, match="`names`"):
        explain_knn(algo, 1, [10], names=["Ten"])
    with pytest.raises(ParameterError, match="KNNBasic"):
        explain_knn(surprise.SVD(), 1, [10])
    with pytest.raises(ParameterError, match="not fitted"):
        explain_knn(surprise.KNNBasic(), 1, [10])
    with pytest.raises(UnknownNameError, match="item"):
        UserCosineCF(k=2).fit(RATINGS).explain(1, [99])
