"""Tests of aftersales.usercf: user-based cosine CF on hand-worked and random frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.usercf import SEED_DESIGN_FLAWS, UserCosineCF, top_k

# Four users x five items (0 = unrated), item order 10, 20, 30, 40, 50:
#   u1 = (5, 3, 4, 0, 0)   |u1|^2 = 50
#   u2 = (4, 3, 0, 5, 0)   |u2|^2 = 50
#   u3 = (0, 1, 5, 0, 2)   |u3|^2 = 30
#   u4 = (0, 0, 0, 4, 4)   |u4|^2 = 32
# Cosine similarities:
#   s12 = (20 + 9) / 50            = 0.58
#   s13 = (3 + 20) / sqrt(1500)    = 0.5938574
#   s14 = 0                        (no common item)
#   s23 = 3 / sqrt(1500)           = 0.0774597
#   s24 = 20 / sqrt(1600)          = 0.5
#   s34 = 8 / sqrt(960)            = 0.2581989
# With k = 2 (zero similarities never count):
#   N(1) = {3: .5939, 2: .58}, N(2) = {1: .58, 4: .5},
#   N(3) = {1: .5939, 4: .2582}, N(4) = {2: .5, 3: .2582}.
S12, S13, S23, S24, S34 = 0.58, 23 / np.sqrt(1500), 3 / np.sqrt(1500), 0.5, 8 / np.sqrt(960)
RATINGS = [
    (1, 10, 5.0),
    (1, 20, 3.0),
    (1, 30, 4.0),
    (2, 10, 4.0),
    (2, 20, 3.0),
    (2, 40, 5.0),
    (3, 20, 1.0),
    (3, 30, 5.0),
    (3, 50, 2.0),
    (4, 40, 4.0),
    (4, 50, 4.0),
]


def frame(rows=RATINGS, value=C.RATING) -> pd.DataFrame:
    users, items, values = zip(*rows, strict=True)
    return pd.DataFrame({C.USER: users, C.ITEM: items, value: values})


def as_rows(recs: pd.DataFrame) -> list[tuple]:
    return [
        (u, i, round(s, 6), r)
        for u, i, s, r in recs[[C.USER, C.ITEM, C.SCORE, C.RANK]].itertuples(index=False)
    ]


def test_neighbours_of_the_hand_worked_example():
    got = UserCosineCF(k=2).fit(frame()).neighbors()
    expected = [
        (1, 3, S13, 1),
        (1, 2, S12, 2),
        (2, 1, S12, 1),
        (2, 4, S24, 2),
        (3, 1, S13, 1),
        (3, 4, S34, 2),
        (4, 2, S24, 1),
        (4, 3, S34, 2),
    ]
    assert list(got.columns) == [C.USER, C.NEIGHBOR, C.SIMILARITY, C.RANK]
    assert got[[C.USER, C.NEIGHBOR, C.RANK]].to_numpy().tolist() == [
        [u, n, r] for u, n, _, r in expected
    ]
    np.testing.assert_allclose(got[C.SIMILARITY], [s for _, _, s, _ in expected])


def test_recommendations_of_the_hand_worked_example():
    # u1, unseen 40 and 50: 40 rated by u2 (5) -> 0.58*5/0.58 = 5; 50 by u3 (2) -> 2.
    # u2 (N = 1, 4), unseen 30 and 50: 30 by u1 (4) -> 4; 50 by u4 (4) -> 4; tie -> item id.
    # u3 (N = 1, 4), unseen 10 and 40: 10 by u1 (5) -> 5; 40 by u4 (4) -> 4.
    # u4 (N = 2, 3), unseen 10, 20, 30: 10 by u2 (4) -> 4;
    #   20 by u2 (3) and u3 (1) -> (0.5*3 + 0.2582*1) / (0.5 + 0.2582) = 2.318915; 30 by u3 -> 5.
    got = UserCosineCF(k=2).fit(frame()).recommend(None, 3)
    s20 = (S24 * 3 + S34 * 1) / (S24 + S34)
    assert round(s20, 6) == 2.318915
    assert as_rows(got) == [
        (1, 40, 5.0, 1),
        (1, 50, 2.0, 2),
        (2, 30, 4.0, 1),
        (2, 50, 4.0, 2),
        (3, 10, 5.0, 1),
        (3, 40, 4.0, 2),
        (4, 30, 5.0, 1),
        (4, 10, 4.0, 2),
        (4, 20, round(s20, 6), 3),
    ]
    assert got.dtypes.to_dict() == {
        C.USER: np.dtype("int64"),
        C.ITEM: np.dtype("int64"),
        C.SCORE: np.dtype("float64"),
        C.RANK: np.dtype("int64"),
    }


def test_seen_items_are_kept_on_request_and_ties_go_to_the_smaller_item():
    # u1 with seen items: 10 by u2 (4) -> 4; 20 by u2 (3), u3 (1) ->
    # (0.58*3 + 0.5939*1) / (0.58 + 0.5939) = 1.988194; 30 by u3 (5) -> 5; 40 -> 5; 50 -> 2.
    got = UserCosineCF(k=2).fit(frame()).recommend([1], 5, exclude_seen=False)
    s20 = (S12 * 3 + S13 * 1) / (S12 + S13)
    assert as_rows(got) == [
        (1, 30, 5.0, 1),
        (1, 40, 5.0, 2),
        (1, 10, 4.0, 3),
        (1, 50, 2.0, 4),
        (1, 20, round(s20, 6), 5),
    ]


def test_score_all_leaves_items_no_neighbour_rated_undefined():
    # k = 1: N(1) = {3}; u3 rated 20, 30, 50 -> 1, 5, 2; nobody in N(1) rated 10 or 40.
    scores = UserCosineCF(k=1).fit(frame()).score_all([1])
    assert scores.items.tolist() == [10, 20, 30, 40, 50]
    np.testing.assert_allclose(scores.values, [[np.nan, 1.0, 5.0, np.nan, 2.0]])


def test_min_similarity_and_shrinkage():
    # min_similarity 0.55 leaves u4 (best 0.5) without neighbours, so without items.
    got = UserCosineCF(k=2, min_similarity=0.55).fit(frame()).recommend([1, 4], 3)
    assert got[C.USER].tolist() == [1, 1]
    # shrinkage 1: s * n / (n + 1) with co-rated counts n12 = n13 = 2, n24 = n34 = 1.
    nb = UserCosineCF(k=2, shrinkage=1.0).fit(frame()).neighbors([1, 4])
    np.testing.assert_allclose(nb[C.SIMILARITY], [S13 * 2 / 3, S12 * 2 / 3, S24 / 2, S34 / 2])


def test_mean_centred_variant():
    # Means: u1 4, u2 4, u3 8/3, u4 4. Centred: u1 = (1, -1, 0, 0, 0), u2 = (0, -1, 0, 1, 0),
    # u3 = (0, -5/3, 7/3, 0, -2/3), u4 = 0 (no similarity with anyone).
    # s12 = 1 / 2 = 0.5; s13 = (5/3) / (sqrt(2) * sqrt(78) / 3) = 5 / sqrt(156).
    # u1: 40 by u2 (5 - 4 = 1) -> 4 + 1 = 5; 50 by u3 (2 - 8/3) -> 4 - 2/3 = 3.333333.
    model = UserCosineCF(k=2, center=True).fit(frame())
    np.testing.assert_allclose(model.neighbors([1])[C.SIMILARITY], [0.5, 5 / np.sqrt(156)])
    assert as_rows(model.recommend([1, 4], 3)) == [(1, 40, 5.0, 1), (1, 50, 3.333333, 2)]


def random_frame(seed: int, n_users: int = 8, n_items: int = 6) -> tuple[pd.DataFrame, np.ndarray]:
    gen = np.random.default_rng(seed)
    dense = gen.integers(1, 6, (n_users, n_items)).astype(float)
    dense[gen.random((n_users, n_items)) < 0.4] = 0.0
    dense[:, 0] = np.where(dense[:, 0] == 0, 3.0, dense[:, 0])  # no empty user
    u, i = np.nonzero(dense)
    ids = pd.DataFrame({C.USER: u + 100, C.ITEM: i * 7, C.RATING: dense[u, i]})
    return ids, dense


@pytest.mark.parametrize("center", [False, True])
def test_similarities_match_scipy_cdist(center):
    ratings, dense = random_frame(3)
    if center:
        rated = dense > 0
        means = dense.sum(1) / rated.sum(1)
        dense = np.where(rated, dense - means[:, None], 0.0)
    reference = 1 - cdist(dense, dense, "cosine")
    n = len(dense)
    model = UserCosineCF(k=n - 1, min_similarity=-1, center=center).fit(ratings)
    nb = model.neighbors()
    got = np.full((n, n), np.nan)
    got[nb[C.USER] - 100, nb[C.NEIGHBOR] - 100] = nb[C.SIMILARITY]
    off = ~np.eye(n, dtype=bool)
    np.testing.assert_allclose(got[off], reference[off], atol=1e-12)


def test_scores_match_a_brute_force_loop():
    ratings, dense = random_frame(5)
    k = 3
    sim = 1 - cdist(dense, dense, "cosine")
    np.fill_diagonal(sim, -np.inf)
    expected = np.full(dense.shape, np.nan)
    for u in range(len(dense)):  # independent reference: plain loops over a tiny matrix
        order = sorted((v for v in range(len(dense)) if sim[u, v] > 0), key=lambda v: -sim[u, v])
        neighbours = order[:k]
        for i in range(dense.shape[1]):
            raters = [v for v in neighbours if dense[v, i] > 0]
            if raters:
                expected[u, i] = sum(sim[u, v] * dense[v, i] for v in raters) / sum(
                    abs(sim[u, v]) for v in raters
                )
    got = UserCosineCF(k=k).fit(ratings).score_all(None, batch_size=3)
    np.testing.assert_allclose(got.values, expected, atol=1e-10)
    assert got.users.tolist() == list(range(100, 108))


def test_deterministic_across_row_order_and_batches():
    ratings, _ = random_frame(11, n_users=12, n_items=9)
    first = UserCosineCF(k=4).fit(ratings).recommend(None, 5)
    shuffled = ratings.sample(frac=1.0, random_state=0)
    second = UserCosineCF(k=4).fit(shuffled, batch_size=2).recommend(None, 5, batch_size=1)
    pd.testing.assert_frame_equal(first, second)


def test_exclude_seen_never_returns_a_rated_item():
    ratings, _ = random_frame(7, n_users=10, n_items=8)
    recs = UserCosineCF(k=3).fit(ratings).recommend(None, 8)
    seen = set(zip(ratings[C.USER], ratings[C.ITEM], strict=True))
    assert not any((u, i) in seen for u, i in zip(recs[C.USER], recs[C.ITEM], strict=True))
    assert (recs.groupby(C.USER)[C.SCORE].diff().dropna() <= 0).all()


def test_fit_does_not_modify_its_input_and_accepts_weights_and_string_ids():
    weights = frame(value=C.WEIGHT).assign(**{C.USER: lambda f: "c" + f[C.USER].astype(str)})
    before = weights.copy()
    got = UserCosineCF(k=2).fit(weights).recommend(["c1"], 2)
    pd.testing.assert_frame_equal(weights, before)
    assert got[C.ITEM].tolist() == [40, 50]


def test_unknown_user_policies():
    model = UserCosineCF(k=2).fit(frame())
    with pytest.raises(UnknownNameError, match=r"1 user.*99"):
        model.recommend([1, 99], 2)
    assert model.recommend([99, 1], 2, unknown_users="skip")[C.USER].tolist() == [1, 1]
    with pytest.raises(ParameterError, match="UserCosineCF supports error, popular, skip"):
        model.recommend([99], 2, unknown_users="model")
    # popular: number of raters per item: 10: 2, 20: 3, 30: 2, 40: 2, 50: 2.
    popular = model.recommend([99], 2, unknown_users="popular")
    assert as_rows(popular) == [(99, 20, 3.0, 1), (99, 10, 2.0, 2)]
    with pytest.raises(ParameterError, match="unknown_users"):
        model.recommend([1], 2, unknown_users="ignore")
    with pytest.raises(UnknownNameError):
        model.score_all([99])


def test_empty_user_list_gives_an_empty_frame():
    got = UserCosineCF(k=2).fit(frame()).recommend([], 3)
    assert got.empty and list(got.columns) == [C.USER, C.ITEM, C.SCORE, C.RANK]


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"k": 0}, "`k` must be a positive integer"),
        ({"k": 2.5}, "`k`"),
        ({"min_similarity": 1.0}, "min_similarity"),
        ({"shrinkage": -1.0}, "shrinkage"),
        ({"center": "yes"}, "center"),
    ],
)
def test_bad_options(options, match):
    with pytest.raises(ParameterError, match=match):
        UserCosineCF(**options)


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (frame().iloc[0:0], "empty"),
        (frame().drop(columns=C.RATING), "lacks column"),
        (pd.concat([frame(), frame().iloc[[3]]]), "repeat.*row 3.*\\(2, 10\\)"),
        (frame().assign(**{C.RATING: [np.nan] + [1.0] * 10}), "finite.*row 0"),
        ([(1, 10, 5.0)], "DataFrame"),
    ],
)
def test_bad_frames(bad, match):
    with pytest.raises(DataValidationError, match=match):
        UserCosineCF(k=2).fit(bad)


def test_bad_queries():
    with pytest.raises(ParameterError, match="not fitted"):
        UserCosineCF().recommend([1], 3)
    model = UserCosineCF(k=2).fit(frame())
    with pytest.raises(ParameterError, match="`k` must be a positive integer; got 0"):
        model.recommend([1], 0)
    with pytest.raises(ParameterError, match="duplicates"):
        model.recommend([1, 1], 3)
    with pytest.raises(ParameterError, match="batch_size"):
        model.recommend([1], 3, batch_size=0)


def test_top_k_ties_and_non_finite_values():
    values = np.array([[1.0, 3.0, 3.0, np.nan], [np.nan, -np.inf, 2.0, 2.0]])
    row, col, value, rank = top_k(values, 2)
    assert row.tolist() == [0, 0, 1, 1]
    assert col.tolist() == [1, 2, 2, 3]
    assert value.tolist() == [3.0, 3.0, 2.0, 2.0]
    assert rank.tolist() == [1, 2, 1, 2]


def test_seed_design_flaws_are_documented():
    text = " ".join(" ".join(flaw) for flaw in SEED_DESIGN_FLAWS)
    for needle in ("distance", "upper triangle", "top_n - 1", "not items", "seen", "n(n-1)/2"):
        assert needle in text
