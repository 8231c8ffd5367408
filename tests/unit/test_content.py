"""Item content, the content and hybrid models, and the cold-start protocol, on tiny frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import content, models, topn
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError


def _content(texts, categories=None, prices=None):
    n = len(texts)
    return pd.DataFrame(
        {
            C.ITEM: [f"i{k}" for k in range(n)],
            C.TEXT: texts,
            C.CATEGORIES: categories or [""] * n,
            C.UNIT_PRICE: prices or [np.nan] * n,
        }
    )


# i0 "red cup", i1 "red plate", i2 "blue cup", i3 "blue plate" (i3: never bought, a cold item)
TEXTS = ["red cup", "red plate", "blue cup", "blue plate"]


@pytest.fixture
def features():
    return content.content_features(_content(TEXTS), min_df=1, price_bands=0)


def test_item_content_of_transactions():
    lines = pd.DataFrame(
        {
            C.ITEM: ["A", "A", "A", "B"],
            C.DESCRIPTION: ["Red cup ", "RED CUP", "Red cup", "plate"],
            C.UNIT_PRICE: [1.0, 2.0, 4.0, 3.0],
        }
    )
    table = content.item_content(lines)
    # A: "Red cup" twice beats "RED CUP" once; median price of 1, 2, 4 is 2
    assert table[C.TEXT].tolist() == ["Red cup", "plate"]
    assert table[C.UNIT_PRICE].tolist() == [2.0, 3.0]
    assert table[C.CATEGORIES].tolist() == ["", ""]


def test_item_content_of_films():
    films = pd.DataFrame(
        {
            C.ITEM: [1, 2],
            C.TITLE: ["Toy Story (1995)", "Casablanca (1942)"],
            C.GENRES: ["Animation|Comedy", "Drama"],
        }
    )
    table = content.item_content(films)
    assert table[C.TEXT].tolist() == ["Toy Story", "Casablanca"]
    assert table[C.CATEGORIES].tolist() == [
        "decade:1990s|genre:Animation|genre:Comedy",
        "decade:1940s|genre:Drama",
    ]


def test_no_content_column_is_named():
    with pytest.raises(DataValidationError, match="no content column"):
        content.item_content(pd.DataFrame({C.ITEM: [1], C.QUANTITY: [2]}))


def test_empty_descriptions_everywhere_are_refused():
    with pytest.raises(DataValidationError, match="empty description"):
        content.content_features(_content(["", "  "]), price_bands=0)


def test_tfidf_matches_the_formula(features):
    # smoothed idf = ln((1 + n) / (1 + df)) + 1 with n = 4 items, every word in 2 items
    idf = np.log(5 / 3) + 1
    assert list(features.names) == ["blue", "cup", "plate", "red"]
    # every item has two words of equal idf: (1/sqrt 2, 1/sqrt 2)
    dense = features.matrix.toarray()
    np.testing.assert_allclose(dense[0], [0, 1 / np.sqrt(2), 0, 1 / np.sqrt(2)])
    assert idf > 1  # the weights are equal, so the idf cancels in the normalisation


def test_category_and_price_blocks():
    table = _content(["cup", "cup"], categories=["genre:A", "genre:B"], prices=[1.0, 9.0])
    features = content.content_features(
        table, min_df=1, category_weight=1.0, price_weight=1.0, price_bands=2
    )
    # blocks (word, category, price band) of unit length each, row scaled by 1/sqrt(3):
    # the two items share only the word, so their cosine is 1/3
    gram = (features.matrix @ features.matrix.T).toarray()
    np.testing.assert_allclose(gram, [[1, 1 / 3], [1 / 3, 1]])
    assert "price:band 1 of 2" in set(features.names)


def test_content_model_scores_cold_items(features):
    train = pd.DataFrame({C.USER: ["u", "v", "v"], C.ITEM: ["i0", "i1", "i2"]})
    params = {"features": features, "centred": False}
    model = models.make("content", params, seed=0).fit(train)
    # the catalogue is every described item, i3 included although nobody bought it
    assert model.items_.tolist() == ["i0", "i1", "i2", "i3"]
    scores = model.score_all(["u"]).values[0]
    # u's profile is "red cup": cos with red plate and blue cup = 1/2, with blue plate 0
    np.testing.assert_allclose(scores, [1.0, 0.5, 0.5, 0.0])
    # v bought red plate and blue cup: profile (1/2, 1/2, 1/2, 1/2); blue plate cos = 1/sqrt 2
    top = model.recommend(["v"], 2)
    assert top[C.ITEM].tolist() == ["i0", "i3"]
    np.testing.assert_allclose(top[C.SCORE], [1 / np.sqrt(2), 1 / np.sqrt(2)])


def test_centred_profiles_subtract_the_mean_customer(features):
    train = pd.DataFrame({C.USER: ["u", "v", "v"], C.ITEM: ["i0", "i1", "i2"]})
    model = models.make("content", {"features": features}, seed=0).fit(train)
    # words blue, cup, plate, red; a = 1/sqrt 2. p_u = a (0, 1, 0, 1), p_v = (1, 1, 1, 1) / 2,
    # mean m = ((a + 1/2) / 2 on cup and red, 1/4 on blue and plate); its scores m . f_i:
    # red cup 1/2 + a/2, red plate and blue cup 1/4 + a/2, blue plate a/2
    a = 1 / np.sqrt(2)
    offset = np.array([0.5 + a / 2, 0.25 + a / 2, 0.25 + a / 2, a / 2])
    scores = model.score_all(["u", "v"]).values
    np.testing.assert_allclose(scores[0], np.array([1.0, 0.5, 0.5, 0.0]) - offset)
    np.testing.assert_allclose(scores[1], np.full(4, a) - offset)
    # v's cosine ties red cup and blue plate (a each); what sets v apart from the mean
    # customer (blue, plate) puts blue plate first: a/2 against a/2 - 1/2
    top = model.recommend(["v"], 2)
    assert top[C.ITEM].tolist() == ["i3", "i0"]
    np.testing.assert_allclose(top[C.SCORE], [a / 2, a / 2 - 0.5])
    # the explanation still adds up: the bought items' parts less the mean customer's
    rows = model.explain("v", ["i3"])
    np.testing.assert_allclose(rows[C.CONTRIBUTION].sum() - a / 2, rows[C.SCORE].iloc[0])
    np.testing.assert_allclose(rows[C.SHARE], [0.5, 0.5])  # of the bought items' part
    with pytest.raises(ParameterError, match="centred"):
        models.make("content", {"features": features, "centred": "yes"}, seed=0)


def test_customer_without_history(features):
    train = pd.DataFrame({C.USER: ["u"], C.ITEM: ["i0"]})
    model = models.make("content", {"features": features}, seed=0).fit(train)
    with pytest.raises(UnknownNameError, match="no training history"):
        model.profiles(["stranger"])
    with pytest.raises(UnknownNameError, match="not in the fitted data"):
        model.recommend(["stranger"], 2, unknown_users="error")
    with pytest.raises(UnknownNameError, match="no training history"):
        model.explain("stranger", ["i1"])


def test_content_needs_features():
    train = pd.DataFrame({C.USER: ["u"], C.ITEM: ["i0"]})
    with pytest.raises(ParameterError, match="needs item content"):
        models.make("content", seed=0).fit(train)
    with pytest.raises(ParameterError, match="ContentFeatures"):
        models.make("content", {"features": 3}, seed=0)


def test_explanation_decomposes_the_score(features):
    train = pd.DataFrame({C.USER: ["v", "v"], C.ITEM: ["i1", "i2"]})
    params = {"features": features, "centred": False}  # one customer: centred scores are 0
    model = models.make("content", params, seed=0).fit(train)
    names = {"i0": "RED CUP", "i1": "RED PLATE", "i2": "BLUE CUP", "i3": "BLUE PLATE"}
    rows = model.explain("v", ["i3"], names=names)
    # blue plate shares 'plate' with red plate and 'blue' with blue cup: cos 1/2 each;
    # profile length |f1 + f2| = sqrt 2, so each contributes (1/2)/sqrt 2
    np.testing.assert_allclose(rows[C.CONTRIBUTION], [0.5 / np.sqrt(2)] * 2)
    np.testing.assert_allclose(rows[C.CONTRIBUTION].sum(), rows[C.SCORE].iloc[0])
    assert rows[C.TERMS].tolist() == ["'plate'", "'blue'"]
    sentences = content.explanation_sentences(rows)
    assert sentences.tolist() == ["shares 'plate' with RED PLATE, which you bought"]


def test_explanation_names_the_month():
    features = content.content_features(_content(TEXTS), min_df=1, price_bands=0)
    when = pd.Timestamp("2011-03-14", tz="UTC")
    train = pd.DataFrame({C.USER: ["u"], C.ITEM: ["i0"], C.TIMESTAMP: [when]})
    model = models.make("content", {"features": features}, seed=0).fit(train)
    rows = model.explain("u", ["i1"], names={"i0": "RED CUP"})
    text = content.explanation_sentences(rows).iloc[0]
    assert text == "shares 'red' with RED CUP, which you bought in March 2011"


@pytest.mark.parametrize("weight", [-0.1, 1.5, True, "half"])
def test_blend_weight_outside_unit_interval(weight):
    with pytest.raises(ParameterError, match=r"\[0, 1\]"):
        models.make("hybrid", {"weight": weight}, seed=0)


def test_hybrid_ends(features):
    train = pd.DataFrame(
        {C.USER: ["u", "u", "v", "v", "w"], C.ITEM: ["i0", "i1", "i1", "i2", "i0"]}
    )
    options = {"features": features, "collaborative": "itemknn"}
    options["collaborative_params"] = {"neighbors": 1, "shrinkage": 0.0}
    cf = models.make("itemknn", options["collaborative_params"], seed=0).fit(train)
    pure_cf = models.make("hybrid", {**options, "weight": 0.0}, seed=0).fit(train)
    pure_content = models.make("hybrid", {**options, "weight": 1.0}, seed=0).fit(train)
    only = models.make("content", {"features": features}, seed=0).fit(train)
    warm = pure_cf.items_.get_indexer(cf.items_)
    expected = cf.score_all(["u"]).values[0]  # u: i2 scores through its neighbour i1
    got = pure_cf.score_all(["u"]).values[0][warm]
    assert expected.max() > 0
    np.testing.assert_allclose(got, expected / np.abs(expected).max())
    content_scores = only.score_all(["w"]).values[0]
    np.testing.assert_allclose(
        pure_content.score_all(["w"]).values[0], content_scores / np.abs(content_scores).max()
    )


def test_cold_item_borrows_its_content_twin():
    # i3 is described exactly like i1 and never bought: with one content neighbour it
    # takes i1's collaborative score
    table = _content(["red cup", "red plate", "blue cup", "red plate"])
    features = content.content_features(table, min_df=1, price_bands=0)
    train = pd.DataFrame({C.USER: ["u", "u", "v", "v"], C.ITEM: ["i0", "i1", "i1", "i2"]})
    model = models.make(
        "hybrid",
        {"features": features, "collaborative": "popularity", "weight": 0.0, "neighbors": 1},
        seed=0,
    ).fit(train)
    scores = model.score_all(["u"]).values[0]
    assert scores[3] == pytest.approx(scores[1])
    assert scores[3] == pytest.approx(1.0)  # i1 is the most popular item


def _setting(train, test, kind="transactions"):
    return topn.TopNSetting(train, test, train, None, None, None, kind, {})


def test_cold_start_setting_of_transactions():
    train = pd.DataFrame({C.USER: ["a", "a", "a", "b"], C.ITEM: ["x", "y", "z", "x"]})
    test = pd.DataFrame({C.USER: ["a", "b", "b"], C.ITEM: ["new", "y", "new"]})
    cold = content.cold_start_setting(_setting(train, test), seed=0)
    assert cold.cold_items.tolist() == ["new"]
    assert cold.cold_item_test[C.USER].tolist() == ["a", "b"]
    # b has one training item: a cold customer, tested on the known item y only
    assert cold.cold_customers.tolist() == ["b"]
    assert cold.cold_customer_test[C.ITEM].tolist() == ["y"]


def test_empty_cold_item_set():
    train = pd.DataFrame({C.USER: ["a", "b"], C.ITEM: ["x", "y"]})
    test = pd.DataFrame({C.USER: ["a"], C.ITEM: ["y"]})
    with pytest.raises(DataValidationError, match="cold-item set is empty"):
        content.cold_start_setting(_setting(train, test), seed=0)


def test_cold_start_setting_of_ratings_is_seeded():
    rows = [(u, i) for u in range(20) for i in range(10) if (u + i) % 3]
    frame = pd.DataFrame(rows, columns=[C.USER, C.ITEM]).assign(**{C.RATING: 4.0})
    train, test = frame.iloc[::2], frame.iloc[1::2]
    one = content.cold_start_setting(_setting(train, test, "ratings"), cold_share=0.2, seed=3)
    two = content.cold_start_setting(_setting(train, test, "ratings"), cold_share=0.2, seed=3)
    assert len(one.cold_items) == 2  # 20 % of 10 films
    assert one.cold_items.equals(two.cold_items)
    assert not one.cold_train[C.ITEM].isin(one.cold_items).any()
    counts = one.cold_train.groupby(C.USER)[C.ITEM].nunique()
    assert (counts.loc[one.cold_customers] <= 2).all()
    # every row of a cold film, train and test, is a cold-item test row
    assert len(one.cold_item_test) == frame[C.ITEM].isin(one.cold_items).sum()


def test_registry_knows_both():
    assert {"content", "hybrid"} <= set(topn.TOPN_MODELS)
    assert models.make("hybrid", seed=0).params["weight"] == 0.3


def test_export_names_the_shared_words(features):
    train = pd.DataFrame({C.USER: ["u"], C.ITEM: ["i0"], C.RATING: [5.0]})
    model = models.make("content", {"features": features}, seed=0)
    fitted = models.fit_model(model, train)  # as 04.00: through a Surprise trainset
    names = {"i0": "RED CUP", "i1": "RED PLATE", "i2": "BLUE CUP", "i3": "BLUE PLATE"}
    table = models.recommendation_table(
        fitted, ["u"], k=2, key="k", names=names, raw_ids=True, top=1
    )
    # red plate and blue cup tie at cosine 1/2 with red cup; the smaller id (i1) first
    assert table[C.ITEM].tolist() == ["i1", "i2"]
    assert table[C.EXPLANATION].iloc[0] == "because you bought RED CUP, sharing 'red' (1.00)"


def test_cold_item_ranking_is_among_candidates_only(features):
    from aftersales.content._study import _rank_among

    train = pd.DataFrame({C.USER: ["u", "v"], C.ITEM: ["i0", "i1"]})
    popular = models.make("popularity", seed=0).fit(train)
    # popularity never saw i2 or i3: both score 0, ordered by the seeded permutation
    ranked = _rank_among(popular, ["u"], 5, candidates=pd.Index(["i2", "i3"]), seed=1)
    assert sorted(ranked[C.ITEM]) == ["i2", "i3"]
    assert ranked[C.SCORE].tolist() == [0.0, 0.0]
    model = models.make("content", {"features": features}, seed=0).fit(train)
    # u bought red cup: blue cup (cos 1/2) before blue plate (0), whatever the permutation
    for seed in (1, 2, 3):
        ranked = _rank_among(model, ["u"], 5, candidates=pd.Index(["i3", "i2"]), seed=seed)
        assert ranked[C.ITEM].tolist() == ["i2", "i3"]


def test_reweighted_shares_the_fit(features):
    train = pd.DataFrame({C.USER: ["u", "u", "v"], C.ITEM: ["i0", "i1", "i1"]})
    model = models.make("hybrid", {"features": features, "weight": 0.0}, seed=0).fit(train)
    other = model.reweighted(1.0)
    assert other.content_ is model.content_ and model.weight == 0.0
    refit = models.make("hybrid", {"features": features, "weight": 1.0}, seed=0).fit(train)
    np.testing.assert_allclose(other.score_all(["u"]).values, refit.score_all(["u"]).values)
    with pytest.raises(ParameterError, match=r"\[0, 1\]"):
        model.reweighted(2.0)


def test_hybrid_from_fitted_parts_equals_its_own_fit(features):
    train = pd.DataFrame({C.USER: ["u", "u", "v"], C.ITEM: ["i0", "i1", "i1"]})
    options = {"features": features, "collaborative": "popularity", "weight": 0.4}
    whole = models.make("hybrid", options, seed=0).fit(train)
    only = models.make("content", {"features": features}, seed=0).fit(train)
    popular = models.make("popularity", seed=0).fit(train)
    built = models.make("hybrid", options, seed=0).with_parts(only, popular)
    np.testing.assert_allclose(built.score_all().values, whole.score_all().values)
    with pytest.raises(ParameterError, match="with_parts"):
        models.make("hybrid", options, seed=0).with_parts(only, only)


def test_top_terms_lists_each_items_heaviest_words_by_hand():
    import scipy.sparse as sp

    names = np.array(["red", "cup", "genre:X", "blue"])
    matrix = sp.csr_matrix(
        np.array(
            [
                [0.6, 0.8, 0.0, 0.0],  # a: cup 0.8, then red 0.6
                [0.0, 0.0, 1.0, 0.0],  # b: a category only, no words
                [0.5, 0.5, 0.5, 0.5],  # c: three words tie at 0.5: by word
            ]
        )
    )
    features = content.ContentFeatures(
        items=pd.Index(["a", "b", "c"]),
        matrix=matrix,
        names=names,
        words=np.array([True, True, False, True]),
    )
    top = features.top_terms(n=2)
    assert top[C.ITEM].tolist() == ["a", "a", "c", "c"]
    assert top[C.TERM].tolist() == ["cup", "red", "blue", "cup"]
    assert top[C.WEIGHT].tolist() == [0.8, 0.6, 0.5, 0.5]
    assert len(features.top_terms(n=5)) == 5  # a: 2 words, c: 3
    with pytest.raises(ParameterError, match="n"):
        features.top_terms(n=0)
