"""The recommendation export and the frequently-bought-together adapter."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from aftersales import basket, models
from aftersales import columns as C
from aftersales.errors import ParameterError, RankingOnlyError, UnknownNameError
from aftersales.models import explain_knn

KEY = "test-key-0123456789abcdef"
NAMES = pd.Series({"A": "apple", "B": "bread", "C": "cheese", "D": "dates", "E": "eggs"})


def history() -> pd.DataFrame:
    # Five customers: u1 and u2 bought A and B, u3 C and D, u4 only C, u5 only E.
    # Support (share of customers): A, B, C 2/5; D, E 1/5. Pairs: A+B 2/5, C+D 1/5.
    # lift(A -> B) = 0.4 / (0.4 * 0.4) = 2.5; lift(C -> D) = 0.2 / (0.4 * 0.2) = 2.5
    # (and the mirrored rules). Popularity (customers): A 2, B 2, C 2, D 1, E 1.
    pairs = [("u1", "A"), ("u1", "B"), ("u2", "A"), ("u2", "B"), ("u3", "C"), ("u3", "D")]
    pairs += [("u4", "C"), ("u5", "E")]
    return pd.DataFrame(pairs, columns=[C.USER, C.ITEM]).assign(**{C.RATING: 1.0})


def test_basket_recommender_rules_first_then_popular_items() -> None:
    model = basket.BasketRecommender().fit(history())
    recs = model.recommend(["u4", "u1", "u5"], 2)
    # u4 has C: C -> D (lift 2.5) first, then the most popular unseen item, A (A, B tie on
    # 2 customers: the smaller item id). u1 has A and B, whose rules lead to seen items
    # only: C (2), then D (1; D and E tie, D first). u5 has E, which has no rule: A, B.
    expected = pd.DataFrame(
        {
            C.USER: ["u4", "u4", "u1", "u1", "u5", "u5"],
            C.ITEM: ["D", "A", "C", "D", "A", "B"],
            C.SCORE: [2.5, 0.0, 0.0, 0.0, 0.0, 0.0],
            C.RANK: [1, 2, 1, 2, 1, 2],
        }
    )
    pd.testing.assert_frame_equal(recs, expected, check_dtype=False)
    assert recs[C.RANK].dtype == np.int64
    why = model.explain("u4", ["D", "A"], names=NAMES)
    assert list(why[C.ITEM]) == ["D"] and list(why[C.NEIGHBOR]) == ["C"]
    assert why[C.SIMILARITY].iloc[0] == pytest.approx(2.5)
    assert why[C.NEIGHBOR_NAME].iloc[0] == "cheese"
    with pytest.raises(RankingOnlyError):
        model.predict("u4", "A")
    with pytest.raises(ParameterError, match="not fitted"):
        basket.BasketRecommender().recommend(["u1"], 2)


def test_basket_recommender_ranks_rules_by_metric_then_popularity_with_ties_by_item() -> None:
    # Five customers: u1, u2 {A, B}, u3 {A, C}, u4 {D}, u5 {A}. Popularity: A 4, B 2, C 1,
    # D 1. Pairs: A+B 2/5, A+C 1/5 (D meets nothing). confidence(A -> B) = 2/4, (A -> C) =
    # 1/4, (B -> A) = (C -> A) = 1; every lift is 1.25 (0.4 / (0.8 * 0.4), 0.2 / (0.8 * 0.2)).
    pairs = [("u1", "A"), ("u1", "B"), ("u2", "A"), ("u2", "B"), ("u3", "A"), ("u3", "C")]
    frame = pd.DataFrame([*pairs, ("u4", "D"), ("u5", "A")], columns=[C.USER, C.ITEM])
    by_confidence = basket.BasketRecommender("confidence").fit(frame)

    def lists(model, users, k, **options):
        recs = model.recommend(users, k, **options)
        return {
            user: list(zip(part[C.ITEM], part[C.SCORE].round(6), part[C.RANK], strict=True))
            for user, part in recs.groupby(C.USER, sort=False)
        }

    # u5 {A}: B (0.5) above C (0.25), then D, the only popular unseen item; u3 {A, C}: B by
    # its rule, then D; u4 {D}: no rule, popular items A, B; u9 (unknown): A, B, then C and D
    # tie on one customer (the smaller id first).
    assert lists(by_confidence, ["u5", "u3", "u4", "u9"], 3) == {
        "u5": [("B", 0.5, 1), ("C", 0.25, 2), ("D", 0.0, 3)],
        "u3": [("B", 0.5, 1), ("D", 0.0, 2)],
        "u4": [("A", 0.0, 1), ("B", 0.0, 2), ("C", 0.0, 3)],
        "u9": [("A", 0.0, 1), ("B", 0.0, 2), ("C", 0.0, 3)],
    }
    # Seen items allowed: u5's rules come first, then A itself (no rule, most popular).
    assert lists(by_confidence, ["u5"], 3, exclude_seen=False) == {
        "u5": [("B", 0.5, 1), ("C", 0.25, 2), ("A", 0.0, 3)]
    }
    # By lift B and C tie at 1.25: the smaller id first; k=1 keeps the first rule only.
    by_lift = basket.BasketRecommender("lift").fit(frame)
    assert lists(by_lift, ["u5"], 3) == {"u5": [("B", 1.25, 1), ("C", 1.25, 2), ("D", 0.0, 3)]}
    assert lists(by_lift, ["u5"], 1) == {"u5": [("B", 1.25, 1)]}
    with pytest.raises(ParameterError, match="fbt supports popular"):
        by_lift.recommend(["u5"], 1, unknown_users="error")


def test_explanation_text_for_items_users_and_popularity() -> None:
    rows = pd.DataFrame(
        {
            C.ITEM: ["x", "x", "y", "z"],
            C.NEIGHBOR: ["A", "B", "C", None],
            C.NEIGHBOR_NAME: ["apple", None, "cheese", None],
            C.SIMILARITY: [0.9, 0.5, 3.0, np.nan],
            C.SHARE: [0.42, 0.308, np.nan, 1.0],
            C.N_NEIGHBORS: [4, 4, 1, 0],
        }
    )
    texts = models.explanation_text(rows, ["x", "y", "z", "w"], verb="rated", default="none")
    # x: shares 0.42 and 0.31 (B has no name: its id); y: no share, the similarity (lift).
    assert texts == [
        "because you rated apple (0.42), B (0.31)",
        "because you rated cheese (3.00)",
        "popular with customers",
        "none",
    ]
    users = rows.iloc[:3].assign(**{C.NEIGHBOR: ["u7", "u8", "u9"]})
    assert models.explanation_text(users, ["x", "y"], items_as_neighbours=False) == [
        "liked by 4 similar customers",
        "liked by 1 similar customer",
    ]


def test_recommendation_table_is_pseudonymised_by_default() -> None:
    model = basket.BasketRecommender().fit(history())
    table = models.recommendation_table(model, ["u4", "u5"], k=2, key=KEY, names=NAMES)
    assert tuple(table.columns) == models.EXPORT_COLUMNS
    assert list(table[C.ITEM]) == ["D", "A", "A", "B"]
    assert list(table[C.ITEM_NAME]) == ["dates", "apple", "apple", "bread"]
    assert list(table[C.RANK]) == [1, 2, 1, 2]
    default = "ranked by BasketRecommender's score"
    assert list(table[C.EXPLANATION]) == ["because you bought cheese (2.50)"] + [default] * 3
    assert all(re.fullmatch(r"c_[0-9a-f]{16}", u) for u in table[C.USER])
    assert table[C.USER].nunique() == 2
    text = table.to_csv(index=False)
    assert not re.search(r"\bu[1-5]\b", text)  # no raw id anywhere
    raw = models.recommendation_table(model, ["u4"], k=1, key=KEY, names=NAMES, raw_ids=True)
    assert list(raw[C.USER]) == ["u4"]
    with pytest.raises(ParameterError, match="`top`"):
        models.recommendation_table(model, ["u4"], k=1, key=KEY, top=0)


def test_recommendation_table_of_a_top_n_model() -> None:
    # Popularity scores an item by its share of customers: u4 (has C) gets A then B (2/5).
    model = models.fit_model(models.make("popularity", seed=0), history())
    table = models.recommendation_table(
        model, ["u4"], k=2, key=KEY, names=NAMES, label="popularity"
    )
    assert list(table[C.ITEM]) == ["A", "B"]
    assert list(table[C.SCORE]) == [0.4, 0.4]
    assert list(table[C.EXPLANATION]) == ["popular with customers"] * 2


def test_recommendation_table_explains_top_n_lists_as_explain_does_per_user() -> None:
    # The export explains a top-N model's lists in one explain_lists call; the texts
    # must be those of the model's explain asked customer by customer (u9 is unknown: popular
    # fallback items, no explanation rows, the default text).
    model = models.fit_model(models.make("itemknn", {"neighbors": 3}, seed=0), history())
    users = ["u4", "u1", "u9", "u3"]
    table = models.recommendation_table(
        model, users, k=2, key=KEY, names=NAMES, label="itemknn", raw_ids=True
    )
    recs = models.recommend(model, users, 2)
    expected = []
    for user, part in recs.groupby(C.USER, sort=False):
        items = part[C.ITEM].tolist()
        if user in model.users_:
            rows = model.explain(user, items, top=2, names=NAMES)
            expected += models.explanation_text(rows, items, default="ranked by itemknn's score")
        else:
            expected += ["ranked by itemknn's score"] * len(items)
    assert list(table[C.USER]) == list(recs[C.USER])
    assert list(table[C.EXPLANATION]) == expected
    # u4 has only C, bought with D by u3: D first, because of cheese, with all the score
    assert table[C.EXPLANATION].iloc[0] == "because you bought cheese (1.00)"


def test_recommendation_table_of_a_surprise_knn_names_neighbour_items() -> None:
    ratings = pd.DataFrame(
        {
            C.USER: ["a", "a", "a", "b", "b", "b", "c", "c", "d", "d"],
            C.ITEM: ["A", "B", "C", "A", "B", "D", "A", "D", "B", "E"],
            C.RATING: [5.0, 4.0, 1.0, 4.0, 5.0, 2.0, 3.0, 4.0, 2.0, 5.0],
        }
    )
    rating, ranking = models.make_models(
        ["KNNBasic"], {"KNNBasic": {"k": 5, "sim_options": {"user_based": False}}}, seed=0
    )
    assert not ranking
    model = models.fit_model(rating["KNNBasic"], ratings)
    table = models.recommendation_table(
        model, ["c"], k=2, key=KEY, names=NAMES, top=2, verb="rated"
    )
    # Cross-check against explain_knn directly: the shares of the two named neighbours.
    for item, text in zip(table[C.ITEM], table[C.EXPLANATION], strict=True):
        why = explain_knn(model, "c", [item], top=2, names=NAMES)
        if why.empty:
            assert text == "ranked by KNNBasic's score"
            continue
        parts = [f"{n} ({s:.2f})" for n, s in zip(why[C.NEIGHBOR_NAME], why[C.SHARE], strict=True)]
        assert text == "because you rated " + ", ".join(parts)


def test_make_models_splits_kinds_and_names_bad_ones() -> None:
    rating, ranking = models.make_models(
        ["SVD", "ease", "fbt"], {"fbt": {"min_support": 0.01}}, seed=1
    )
    assert list(rating) == ["SVD"] and list(ranking) == ["ease", "fbt"]
    assert ranking["fbt"].model.min_support == 0.01
    with pytest.raises(UnknownNameError, match=r"valid models: .*fbt"):
        models.make_models(["SVD", "svd"], seed=1)
    with pytest.raises(ParameterError, match="unknown parameter"):
        models.make_models(["ease"], {"ease": {"lambda": 1}}, seed=1)


def test_recommendation_table_of_user_cosine_cf_hides_the_neighbours() -> None:
    from aftersales.usercf import UserCosineCF

    model = UserCosineCF(k=3).fit(history())
    table = models.recommendation_table(model, ["u4"], k=1, key=KEY, names=NAMES)
    # u4 (C) is similar to u3 (C, D) only: D, explained by one similar customer.
    assert list(table[C.ITEM]) == ["D"]
    expected = model.explain("u4", ["D"])
    assert len(expected) == 1 and expected[C.N_NEIGHBORS].iloc[0] == 1
    assert list(table[C.EXPLANATION]) == ["liked by 1 similar customer"]
    assert "u3" not in table.to_csv(index=False)
