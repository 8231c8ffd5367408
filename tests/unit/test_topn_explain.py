"""Tests of the top-N models' explain: the training items behind a top-N recommendation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import topn
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models import EXPLANATION_COLUMNS

# Four users x four items, binary (as in test_topn.py):
#   u1: a b     u2: a b c     u3: b c     u4: a d
# Item-kNN, shrinkage 1: s_ab = 0.5, s_ac = 1 / (sqrt 6 + 1) = 0.2898979,
# s_ad = 1 / (sqrt 3 + 1) = 0.3660254, s_bc = 2 / (sqrt 6 + 1) = 0.5797959, s_bd = s_cd = 0.
# k = 2: N(c) = {b, a}, N(d) = {a}.
# u1 (a, b) and item c: b contributes 1 x s_bc = .5797959, a contributes 1 x s_ac = .2898979;
#   score .8696938, shares .6667 and .3333 (s_bc = 2 s_ac).
# u1 and item d: only a (s_ad = .3660254; b is not a neighbour of d): one row, share 1.
PAIRS = [
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
S_AC, S_AD, S_BC = 1 / (np.sqrt(6) + 1), 1 / (np.sqrt(3) + 1), 2 / (np.sqrt(6) + 1)
NAMES = {"a": "Apple", "b": "Bread", "c": "Cheese", "d": "Dates"}


def frame(pairs, weights=None):
    out = pd.DataFrame(pairs, columns=[C.USER, C.ITEM])
    if weights is not None:
        out[C.WEIGHT] = np.asarray(weights, dtype="float64")
    return out


def test_itemknn_contributions_by_hand():
    model = topn.ItemKNN(neighbors=2, shrinkage=1.0).fit(frame(PAIRS))
    out = model.explain("u1", ["c", "d"], names=NAMES)
    assert list(out.columns) == [*EXPLANATION_COLUMNS, C.CONTRIBUTION, C.SCORE]
    assert out[C.ITEM].tolist() == ["c", "c", "d"]
    assert out[C.NEIGHBOR].tolist() == ["b", "a", "a"]
    assert out[C.NEIGHBOR_NAME].tolist() == ["Bread", "Apple", "Apple"]
    assert out[C.ITEM_NAME].tolist() == ["Cheese", "Cheese", "Dates"]
    np.testing.assert_allclose(out[C.CONTRIBUTION], [S_BC, S_AC, S_AD])
    np.testing.assert_allclose(out[C.SIMILARITY], [S_BC, S_AC, S_AD])
    np.testing.assert_allclose(out[C.SHARE], [2 / 3, 1 / 3, 1.0])
    np.testing.assert_allclose(out[C.SCORE], [S_BC + S_AC, S_BC + S_AC, S_AD])
    assert out[C.N_NEIGHBORS].tolist() == [2, 2, 1]
    assert out[C.RANK].tolist() == [1, 2, 1]
    assert (out[C.USER] == "u1").all()
    # the summed contributions are the model's own score
    scores = model.score_all(["u1"])
    assert scores.values[0, 2] == pytest.approx(S_BC + S_AC)
    # top=1 keeps the strongest contributor and still counts both
    one = model.explain("u1", ["c"], top=1)
    assert one[C.NEIGHBOR].tolist() == ["b"]
    assert one[C.N_NEIGHBORS].tolist() == [2]
    assert one[C.ITEM_NAME].isna().all()


def test_itemknn_uses_strengths_when_not_binary():
    # u1 has a with strength 3: the contribution of a to c is 3 x s_ac, to d 3 x s_ad, with
    # s computed on the weighted columns: a = (3, 1, 0, 1) over u1..u4, c = (0, 1, 1, 0),
    # d = (0, 0, 0, 1); shrinkage 0: s_ac = 1 / (sqrt 11 sqrt 2), s_ad = 1 / sqrt 11.
    weights = [3, 1, 1, 1, 1, 1, 1, 1, 1]
    model = topn.ItemKNN(neighbors=3, shrinkage=0.0, binary=False).fit(frame(PAIRS, weights))
    out = model.explain("u1", ["d"])
    assert out[C.NEIGHBOR].tolist() == ["a"]
    assert out[C.NEIGHBOR_RATING].tolist() == [3.0]
    assert out[C.SIMILARITY].iloc[0] == pytest.approx(1 / np.sqrt(11))
    assert out[C.CONTRIBUTION].iloc[0] == pytest.approx(3 / np.sqrt(11))


def test_ease_contributions_by_hand_with_a_tie():
    # u1: a b, u2: a c, u3: b c; lambda = 1: X'X + I = 2 I + J (J all ones), whose inverse
    # is (I - J / 5) / 2: P_jj = 0.4, P_ij = -0.1, so B_ij = -P_ij / P_jj = 0.25 everywhere
    # off the diagonal. u1 and item c: a and b contribute 0.25 each (score 0.5, share 0.5);
    # the tie goes to the smaller item id, a.
    pairs = [("u1", "a"), ("u1", "b"), ("u2", "a"), ("u2", "c"), ("u3", "b"), ("u3", "c")]
    model = topn.EASE(regularization=1.0).fit(frame(pairs))
    out = model.explain("u1", ["c"])
    assert out[C.NEIGHBOR].tolist() == ["a", "b"]
    np.testing.assert_allclose(out[C.CONTRIBUTION], [0.25, 0.25])
    np.testing.assert_allclose(out[C.SHARE], [0.5, 0.5])
    np.testing.assert_allclose(out[C.SCORE], [0.5, 0.5])


def test_ease_contributions_add_up_to_the_score_and_may_be_negative():
    x = np.array([[1, 1, 0, 0, 1], [1, 0, 1, 0, 0], [0, 1, 1, 1, 0], [1, 1, 0, 1, 1]], float)
    users, items = np.nonzero(x)
    model = topn.EASE(regularization=0.5).fit(
        frame(list(zip(users.tolist(), items.tolist(), strict=True)))
    )
    inverse = np.linalg.inv(x.T @ x + 0.5 * np.eye(5))
    weights = -inverse / np.diag(inverse)[None, :]  # B_ji = -P_ji / P_ii off the diagonal
    out = model.explain(1, [1, 3], top=5)  # user 1 has items 0 and 2
    for item in (1, 3):
        part = out[out[C.ITEM] == item]
        expected = {j: weights[j, item] for j in (0, 2)}
        assert dict(zip(part[C.NEIGHBOR], part[C.CONTRIBUTION], strict=True)) == pytest.approx(
            expected
        )
        assert part[C.CONTRIBUTION].is_monotonic_decreasing
        assert part[C.SHARE].sum() == pytest.approx(1.0)
        assert part[C.SCORE].iloc[0] == pytest.approx(model.score_all([1]).values[0, item])
    assert (out[C.CONTRIBUTION] < 0).any()  # an item that argues against the target


def test_als_matches_implicit_explain():
    from implicit.cpu.als import AlternatingLeastSquares

    generator = np.random.default_rng(5)
    mask = generator.random((12, 8)) < 0.4
    mask[np.arange(12), np.arange(12) % 8] = True
    users, items = np.nonzero(mask)
    weights = generator.integers(1, 4, size=len(users)).astype(float)
    data = frame(list(zip(users.tolist(), items.tolist(), strict=True)), weights)
    model = topn.ALS(factors=3, regularization=0.5, alpha=2.0, iterations=10, seed=1).fit(data)
    user = 4
    candidates = [i for i in range(8) if not mask[user, i]]
    out = model.explain(user, candidates, top=8)
    reference = AlternatingLeastSquares(factors=3, regularization=0.5, alpha=1.0)
    reference.item_factors = model._items
    reference.user_factors = model._users
    confidence = sp.csr_matrix(
        (1.0 + 2.0 * weights, (users, items)), shape=(12, 8), dtype=np.float64
    )
    for item in candidates:  # a handful of items
        total, top, _ = reference.explain(user, confidence, item, N=8)
        part = out[out[C.ITEM] == item]
        assert part[C.SCORE].iloc[0] == pytest.approx(total, rel=1e-6)
        theirs = dict(top)
        assert dict(zip(part[C.NEIGHBOR], part[C.CONTRIBUTION], strict=True)) == pytest.approx(
            theirs, rel=1e-6
        )
        assert part[C.SHARE].sum() == pytest.approx(1.0)
    # the recomputed score is close to the model's own (it refits the user's factors)
    own = model.score_all([user]).values[0, candidates]
    explained = out.drop_duplicates(C.ITEM)[C.SCORE].to_numpy()
    assert np.corrcoef(own, explained)[0, 1] > 0.9


def test_bpr_lists_the_most_similar_seen_items():
    model = topn.BPR(factors=4, iterations=20, seed=3).fit(frame(PAIRS))
    out = model.explain("u2", ["d"], top=2)  # u2 has a, b, c
    factors = model._items
    norms = np.linalg.norm(factors, axis=1)
    cosine = {
        item: factors[code] @ factors[3] / (norms[code] * norms[3])
        for code, item in enumerate("abc")
    }
    best = sorted(cosine, key=lambda item: -cosine[item])[:2]
    assert out[C.NEIGHBOR].tolist() == best
    np.testing.assert_allclose(out[C.SIMILARITY], [cosine[i] for i in best])
    assert out[C.CONTRIBUTION].isna().all()
    assert out[C.SHARE].isna().all()
    assert out[C.N_NEIGHBORS].tolist() == [3, 3]
    assert out[C.SCORE].iloc[0] == pytest.approx(model.score_all(["u2"]).values[0, 3])


def test_popularity_explains_by_its_share():
    # c is held by 2 of 4 users (0.5), d by 1 (0.25)
    model = topn.Popularity().fit(frame(PAIRS))
    out = model.explain("u1", ["c", "d"], names=NAMES)
    assert out[C.ITEM].tolist() == ["c", "d"]
    assert out[C.NEIGHBOR].isna().all()
    assert out[C.NEIGHBOR_NAME].isna().all()
    np.testing.assert_allclose(out[C.CONTRIBUTION], [0.5, 0.25])
    np.testing.assert_allclose(out[C.SHARE], [1.0, 1.0])
    assert out[C.N_NEIGHBORS].tolist() == [0, 0]


def test_an_item_without_support_has_no_rows():
    # u3 (b, c) and item d: N(d) = {a}, which u3 does not have
    model = topn.ItemKNN(neighbors=1, shrinkage=1.0).fit(frame(PAIRS))
    out = model.explain("u3", ["a", "d"])
    assert out[C.ITEM].tolist() == ["a"]


def test_bad_input_is_named():
    model = topn.ItemKNN(neighbors=2).fit(frame(PAIRS))
    with pytest.raises(UnknownNameError, match=r"`user`.*'u9'"):
        model.explain("u9", ["c"])
    with pytest.raises(UnknownNameError, match=r"`items`.*'z'"):
        model.explain("u1", ["c", "z"])
    with pytest.raises(ParameterError, match="duplicates"):
        model.explain("u1", ["c", "c"])
    numbered = topn.EASE(regularization=1.0).fit(frame([(1, 10), (1, 20), (2, 20)]))
    with pytest.raises(UnknownNameError, match="`items`"):
        numbered.explain(1, ["x"])
    with pytest.raises(ParameterError, match="`top`"):
        model.explain("u1", ["c"], top=0)
    with pytest.raises(ParameterError, match="not fitted"):
        topn.EASE().explain("u1", ["c"])


@pytest.mark.parametrize(
    "model",
    [
        topn.ItemKNN(neighbors=2, shrinkage=1.0),
        topn.EASE(regularization=1.0),
        topn.Popularity(),
        topn.ALS(factors=2, iterations=3, seed=0),
        topn.BPR(factors=2, iterations=3, seed=0),
    ],
    ids=lambda m: type(m).__name__,
)
def test_explain_lists_equals_explain_per_user(model):
    # 04.00's export explains thousands of customers with explain_lists; it must give
    # exactly the concatenation of explain's frames, user by user.
    model.fit(frame(PAIRS))
    lists = pd.DataFrame(
        {C.USER: ["u3", "u3", "u1", "u1", "u4"], C.ITEM: ["a", "d", "c", "d", "b"]}
    )
    many = model.explain_lists(lists, top=2, names=NAMES)
    one_by_one = pd.concat(
        [
            model.explain(user, part[C.ITEM].tolist(), top=2, names=NAMES)
            for user, part in lists.groupby(C.USER, sort=False)
        ],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(many, one_by_one)
    assert many[C.USER].drop_duplicates().tolist() == ["u3", "u1", "u4"]


def test_explain_lists_by_hand_and_on_bad_input():
    model = topn.ItemKNN(neighbors=2, shrinkage=1.0).fit(frame(PAIRS))
    lists = pd.DataFrame({C.USER: ["u1", "u1"], C.ITEM: ["c", "d"]})
    out = model.explain_lists(lists, names=NAMES)
    assert out[C.NEIGHBOR].tolist() == ["b", "a", "a"]  # as test_itemknn_contributions_by_hand
    np.testing.assert_allclose(out[C.CONTRIBUTION], [S_BC, S_AC, S_AD])
    empty = model.explain_lists(lists.iloc[:0])
    assert list(empty.columns) == list(topn.TOPN_EXPLANATION_COLUMNS) and empty.empty
    with pytest.raises(ParameterError, match="columns"):
        model.explain_lists(lists.drop(columns=C.ITEM))
    unknown = pd.DataFrame({C.USER: ["u9", "u1"], C.ITEM: ["a", "c"]})  # u9 was not fitted
    pd.testing.assert_frame_equal(model.explain_lists(unknown), model.explain("u1", ["c"]))
