"""The recommender contract, its one ``recommend`` and the one registry ``models.make``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from surprise import Dataset, Reader

from aftersales import columns as C
from aftersales import content, models
from aftersales.errors import ParameterError, UnknownNameError

# Four customers, five items (i0..i4), ratings 1-5; every customer rated two or three items.
#   u1: i0 5, i1 3      u2: i0 4, i2 5, i3 2      u3: i1 4, i2 3      u4: i3 5, i4 4, i0 1
RATINGS = pd.DataFrame(
    [
        ("u1", "i0", 5.0),
        ("u1", "i1", 3.0),
        ("u2", "i0", 4.0),
        ("u2", "i2", 5.0),
        ("u2", "i3", 2.0),
        ("u3", "i1", 4.0),
        ("u3", "i2", 3.0),
        ("u4", "i3", 5.0),
        ("u4", "i4", 4.0),
        ("u4", "i0", 1.0),
    ],
    columns=[C.USER, C.ITEM, C.RATING],
)
SEEN = RATINGS.groupby(C.USER)[C.ITEM].agg(set).to_dict()
TEXTS = ["red cup", "red plate", "blue cup", "blue plate", "green cup"]

EXPECTED_NAMES = {
    *("NormalPredictor", "BaselineOnly", "KNNBasic", "KNNWithMeans", "KNNWithZScore"),
    *("KNNBaseline", "SVD", "SVDpp", "NMF", "SlopeOne", "CoClustering"),
    *("popularity", "itemknn", "ease", "als", "bpr", "content", "hybrid", "usercf", "fbt"),
}


def _trainset():
    reader = Reader(rating_scale=(1.0, 5.0))
    return Dataset.load_from_df(RATINGS, reader).build_full_trainset()


def _features():
    frame = pd.DataFrame(
        {
            C.ITEM: [f"i{k}" for k in range(len(TEXTS))],
            C.TEXT: TEXTS,
            C.CATEGORIES: [""] * len(TEXTS),
            C.UNIT_PRICE: [np.nan] * len(TEXTS),
        }
    )
    return content.content_features(frame, min_df=1, price_bands=0)


SMALL = {  # fast settings of the models that fit for long by default
    "SVD": {"n_factors": 2, "n_epochs": 3},
    "SVDpp": {"n_factors": 2, "n_epochs": 3},
    "NMF": {"n_factors": 2, "n_epochs": 3},
    "CoClustering": {"n_cltr_u": 2, "n_cltr_i": 2, "n_epochs": 3},
    "itemknn": {"neighbors": 2},
    "als": {"factors": 2, "iterations": 3},
    "bpr": {"factors": 2, "iterations": 3},
    "content": {"features": None},
    "hybrid": {"features": None, "collaborative_params": {"regularization": 1.0}},
    "usercf": {"k": 2},
    "fbt": {"min_support": 0.01},
}


def _fitted(name: str):
    params = dict(SMALL.get(name, {}))
    if "features" in params:
        params["features"] = _features()
    model = models.make(name, params, seed=0)
    # a frame for the models that learn from interactions, a trainset for Surprise's
    data = _trainset() if name in models.RATING_MODELS else RATINGS
    fitted = model.fit(data)
    return fitted if fitted is not None else model


def test_the_registry_holds_every_model_family():
    assert set(models.NAMES) == EXPECTED_NAMES
    assert set(models.RATING_MODELS) < set(models.NAMES)
    assert len(models.NAMES) == len(set(models.NAMES))


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_every_registered_model_follows_the_contract(name):
    view = models.recommender(_fitted(name))
    for call in ("fit", "score_all", "recommend", "explain", "knows", "explain_lists"):
        assert callable(getattr(view, call)), call
    assert isinstance(view.neighbours_are_items, bool)
    if name in models.RATING_MODELS:
        assert 1.0 <= view.predict("u1", "i2").est <= 5.0

    recs = view.recommend(["u1", "u4"], 2)
    assert list(recs.columns) == [C.USER, C.ITEM, C.SCORE, C.RANK]
    for user, part in recs.groupby(C.USER):
        assert not set(part[C.ITEM]) & SEEN[user]  # seen items are left out
        assert part[C.RANK].tolist() == list(range(1, len(part) + 1))
        assert part[C.SCORE].is_monotonic_decreasing

    assert view.knows("u1") and not view.knows("nobody")
    reasons = view.explain("u1", recs.loc[recs[C.USER] == "u1", C.ITEM].tolist())
    assert set(models.EXPLANATION_COLUMNS) <= set(reasons.columns)
    assert set(reasons[C.USER]) <= {"u1"}


@pytest.mark.parametrize("name", ["SVD", "KNNBaseline", "itemknn", "ease", "usercf"])
def test_scores_rank_as_recommend_does(name):
    # recommend's list is the top of score_all's row once the seen items are set aside
    view = models.recommender(_fitted(name))
    scores = view.score_all(["u3"])
    row = pd.Series(scores.values[0], index=scores.items).drop(sorted(SEEN["u3"]))
    row = row.dropna().round(12)
    ranked = row.sort_values(ascending=False, kind="stable")
    top = view.recommend(["u3"], 2)
    assert top[C.SCORE].tolist() == pytest.approx(ranked.iloc[:2].tolist())


class Fixed(models.Ranker):
    """A ranker over hand-made scores: users a, b; items x, y, z."""

    fitted_on = "toy data"

    def __init__(self) -> None:
        self.users = pd.Index(["a", "b"])
        self.items = pd.Index(["x", "y", "z"])
        self.scores = np.array([[0.2, 0.9, 0.9], [0.5, 0.1, 0.7]])

    def _lookup(self, users):
        wanted = self.users if users is None else pd.Index(list(users))
        return wanted, self.users.get_indexer(wanted).astype(np.int64)

    def _item_ids(self):
        return self.items

    def _ranking_block(self, wanted, codes, policy):
        values = np.empty((len(codes), len(self.items)))
        values[codes >= 0] = self.scores[codes[codes >= 0]]
        values[codes < 0] = [3.0, 1.0, 2.0]  # popularity: x, z, y
        return values

    def _seen_items(self):
        return sp.csr_matrix(np.array([[0, 0, 1], [0, 0, 0]]))  # a has z


def test_the_one_recommend_by_hand():
    model = Fixed()
    # a: z is seen, so y (0.9) then x (0.2); b: z 0.7, x 0.5, y 0.1
    got = model.recommend(None, 2)
    expected = pd.DataFrame(
        {
            C.USER: ["a", "a", "b", "b"],
            C.ITEM: ["y", "x", "z", "x"],
            C.SCORE: [0.9, 0.2, 0.7, 0.5],
            C.RANK: [1, 2, 1, 2],
        }
    )
    pd.testing.assert_frame_equal(got, expected)
    # with z kept, a's y and z tie at 0.9: the earlier column (y) ranks first
    kept = model.recommend(["a"], 2, exclude_seen=False)
    assert kept[C.ITEM].tolist() == ["y", "z"]
    # unknown users: by the asked policy
    popular = model.recommend(["new", "b"], 1, unknown_users="popular")
    assert popular[C.ITEM].tolist() == ["x", "z"]
    assert model.recommend(["new", "b"], 1, unknown_users="skip")[C.USER].tolist() == ["b"]
    with pytest.raises(UnknownNameError, match=r"1 user.*toy data.*'new'"):
        model.recommend(["new"], 1)
    with pytest.raises(ParameterError, match="Fixed supports error, popular, skip"):
        model.recommend(["a"], 1, unknown_users="model")
    with pytest.raises(ParameterError, match="duplicates"):
        model.recommend(["a", "a"], 1)
    with pytest.raises(ParameterError, match="`k`"):
        model.recommend(["a"], 0)
    assert model.explain("a", ["x"]).empty  # no reasons by default


def test_make_names_a_bad_name_or_parameter_with_the_closest_valid_one():
    with pytest.raises(UnknownNameError, match=r"did you mean `SlopeOne`.*valid models: .*fbt"):
        models.make("SlopeOn", seed=0)
    with pytest.raises(UnknownNameError, match="did you mean `itemknn`"):
        models.make("itemkn", seed=0)
    with pytest.raises(ParameterError, match="did you mean `neighbors`"):
        models.make("itemknn", {"neighbours": 3}, seed=0)
    with pytest.raises(ParameterError, match="through `seed`"):
        models.make("usercf", {"seed": 3}, seed=0)
    with pytest.raises(ParameterError, match="seed"):
        models.make("fbt", seed=-1)
    assert models.model_params("usercf") == ("k", "min_similarity", "shrinkage", "center")


@pytest.mark.parametrize("name", ["SVD", "NormalPredictor", "als", "bpr"])
def test_make_with_one_seed_reproduces_a_fit_and_another_seed_does_not(name):
    def scores(seed):
        params = SMALL.get(name, {})
        data = _trainset() if name in models.RATING_MODELS else RATINGS
        model = models.make(name, params, seed=seed)
        fitted = model.fit(data)
        return models.recommender(fitted).score_all(["u1", "u2"]).values

    np.testing.assert_array_equal(scores(3), scores(3))
    assert not np.array_equal(scores(3), scores(4))
