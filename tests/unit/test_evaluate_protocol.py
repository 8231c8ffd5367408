"""04.00's protocols: chronological on transactions, the fallback of unknown customers, the
side-by-side table, and the export refitted on the history without bought items."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pytest

from aftersales import basket, evaluate, models, params
from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.split import Split

KEY = "test-key-0123456789abcdef"


def lines(tz: str | None = None) -> pd.DataFrame:
    # Four customers over four months; the last purchase is on 2011-04-20, so the default
    # cut-off is 2011-03-20. Before it: u1 a (twice), c; u2 b, a; u3 b. After it: u1 c again (a
    # repeat, dropped from the test), u2 d, u4 e (u4's first purchase), u3 a.
    times = pd.to_datetime(
        ["2011-01-05", "2011-01-10", "2011-02-15", "2011-02-25", "2011-03-01", "2011-03-25",
         "2011-04-01", "2011-04-10", "2011-04-20", "2011-01-20"]
    )  # fmt: skip
    return pd.DataFrame(
        {
            C.INVOICE: [str(n) for n in range(1, 11)],
            C.ITEM: ["a", "b", "a", "c", "b", "c", "d", "e", "a", "a"],
            C.DESCRIPTION: "x",
            C.QUANTITY: [1, 2, 1, 1, 3, 1, 1, 1, 2, 1],
            C.UNIT_PRICE: 1.0,
            C.TIMESTAMP: times if tz is None else times.tz_localize(tz),
            C.CUSTOMER: ["u1", "u2", "u2", "u1", "u3", "u1", "u2", "u4", "u3", "u1"],
            C.COUNTRY: "UK",
        }
    )


@dataclass
class FakePrepared:
    cleaned: pd.DataFrame
    interactions: pd.DataFrame = field(default_factory=pd.DataFrame)
    split: Split | None = None


def pairs(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return sorted(zip(frame[C.USER], frame[C.ITEM], strict=True))


def test_chronological_protocol_cuts_at_the_date_and_counts_unknown_customers() -> None:
    protocol = evaluate.make_protocol(FakePrepared(lines()))
    assert protocol.name == "chronological"
    assert protocol.label == evaluate.LABELS["chronological"]
    assert protocol.cutoff == pd.Timestamp("2011-03-20")
    assert protocol.test_end == protocol.reference_date == pd.Timestamp("2011-04-20")
    train, test = protocol.split.train, protocol.split.test
    assert pairs(train) == [("u1", "a"), ("u1", "c"), ("u2", "a"), ("u2", "b"), ("u3", "b")]
    assert pairs(test) == [("u2", "d"), ("u3", "a"), ("u4", "e")]
    assert train[C.RATING].between(1, 5).all() and test[C.RATING].between(1, 5).all()
    assert list(protocol.split.cold_users) == ["u4"]
    assert protocol.n_unknown == 1 and protocol.n_test_customers == 3
    # the history is every purchase up to the reference date, test period included
    assert pairs(protocol.history) == [
        ("u1", "a"), ("u1", "c"), ("u2", "a"), ("u2", "b"), ("u2", "d"), ("u3", "a"),
        ("u3", "b"), ("u4", "e"),
    ]  # fmt: skip


def test_chronological_protocol_takes_a_cutoff_and_a_window() -> None:
    # Cut 2011-02-20, one month: train lines 1-3 (u1 a; u2 b, a), test lines 4-5 (u1 c,
    # u3 b: u3 is new); later lines are outside the window but in the history.
    protocol = evaluate.make_protocol(FakePrepared(lines("UTC")), cutoff="2011-02-20")
    assert protocol.cutoff == pd.Timestamp("2011-02-20", tz="UTC")
    assert protocol.test_end == pd.Timestamp("2011-03-01", tz="UTC")
    assert pairs(protocol.split.test) == [("u1", "c"), ("u3", "b")]
    assert list(protocol.split.cold_users) == ["u3"]
    assert len(protocol.history) == 8
    with pytest.raises(ParameterError, match="`cutoff`"):
        evaluate.make_protocol(FakePrepared(lines()), cutoff="soon")
    with pytest.raises(DataValidationError, match="outside"):
        evaluate.make_protocol(FakePrepared(lines()), cutoff="2012-01-01")
    with pytest.raises(UnknownNameError, match="chronological, random"):
        evaluate.make_protocol(FakePrepared(lines()), "leave_last")
    with pytest.raises(ParameterError, match="test_months"):
        evaluate.make_protocol(FakePrepared(lines()), test_months=0)


def test_random_protocol_is_the_prepared_split_and_ratings_refuse_the_chronological() -> None:
    ratings = pd.DataFrame(
        {C.USER: [1, 1, 2], C.ITEM: [10, 11, 10], C.RATING: [4.0, 3.0, 5.0]}
    ).assign(**{C.TIMESTAMP: pd.to_datetime(["2020-01-01", "2020-01-03", "2020-01-02"])})
    split = Split(ratings.iloc[:2], ratings.iloc[2:], pd.Index([2]), pd.Index([]), "random")
    prepared = FakePrepared(ratings, ratings, split)
    protocol = evaluate.make_protocol(prepared, "random")
    assert protocol.split is split and protocol.history is ratings
    assert protocol.label == evaluate.LABELS["ratings"]
    assert protocol.reference_date == pd.Timestamp("2020-01-03")
    with pytest.raises(ParameterError, match="needs transactions"):
        evaluate.make_protocol(prepared, "chronological")
    retail = evaluate.make_protocol(FakePrepared(lines(), ratings, split), "random")
    assert retail.label == "optimistic: lines of one basket on both sides"


def test_unknown_customers_get_the_popular_fallback_when_asked() -> None:
    split = evaluate.make_protocol(FakePrepared(lines())).split
    # Popularity on the training pairs: a 2 customers, b 2, c 1 (d, e are unknown items).
    # k = 2: u2 (has a, b) gets c: no hit on d; u3 (has b) gets a, c: a hit (1/2); u4 is
    # unknown: the fallback a, b, no hit on e. precision@2: 1/4 over u2, u3; 1/6 with u4.
    options = {"ks": [2], "n_resamples": 10, "seed": 0}
    without = evaluate.compare_models(["popularity", "ease"], split, **options)
    with_fallback = evaluate.compare_models(
        ["popularity", "ease"], split, rank_unknown=True, **options
    )
    for experiment, users, value in ((without, ["u2", "u3"], 0.25), (with_fallback, None, 1 / 6)):
        rows = experiment.per_user[
            (experiment.per_user[C.MODEL] == "popularity")
            & (experiment.per_user[C.METRIC] == "precision")
        ]
        assert sorted(rows[C.USER]) == (users or ["u2", "u3", "u4"])
        assert rows[C.VALUE].mean() == pytest.approx(value)


def test_rank_with_fallback_gives_a_surprise_model_popular_items_for_unknown_users() -> None:
    train = pd.DataFrame(
        {
            C.USER: ["x", "y", "y", "z", "z", "z"],
            C.ITEM: ["A", "B", "A", "C", "A", "B"],
            C.RATING: [1.0, 2.0, 3.0, 4.0, 5.0, 2.0],
        }
    )
    model = models.fit_model(models.make("BaselineOnly", seed=0), train)
    recs = evaluate.rank_with_fallback(model, ["w"], 3)
    # training ratings per item: A 3, B 2, C 1
    assert list(recs[C.ITEM]) == ["A", "B", "C"]
    with pytest.raises(UnknownNameError):
        models.recommend(model, ["w"], 3)


def test_export_refitted_on_the_history_never_holds_a_bought_item() -> None:
    protocol = evaluate.make_protocol(FakePrepared(lines()))
    # The model of the split ranks a for u3 (a: 2 training customers), which u3 bought in
    # the test period: the leak of exporting the evaluated fit.
    stale = models.fit_model(models.make("popularity", seed=0), protocol.split.train)
    stale_table = models.recommendation_table(stale, ["u3"], k=1, key=KEY, raw_ids=True)
    assert models.bought_share(stale_table, protocol.history) == 1.0
    refit = models.fit_model(models.make("popularity", seed=0), protocol.history)
    # the refit sees the test period: d and e were bought only after the cut-off
    assert set(refit.items_) == {"a", "b", "c", "d", "e"}
    assert not {"d", "e"} & set(stale.items_)
    users = protocol.history[C.USER].unique()
    table = models.recommendation_table(
        refit, users, k=2, key=KEY, raw_ids=True, history=protocol.history
    )
    assert models.bought_share(table, protocol.history) == 0.0
    # history popularity: a 3 customers, b 2, c d e 1 (ties to the smaller id)
    assert pairs(table[table[C.USER] == "u3"]) == [("u3", "c"), ("u3", "d")]
    assert pairs(table[table[C.USER] == "u4"]) == [("u4", "a"), ("u4", "b")]
    shared = models.recommendation_table(refit, users, k=2, key=KEY, history=protocol.history)
    from aftersales import outputs

    assert models.bought_share(shared, outputs.shareable(protocol.history, key=KEY)) == 0.0


def test_export_ranks_deeper_when_the_fit_misses_a_bought_item() -> None:
    fitted = pd.DataFrame({C.USER: ["u1", "u1", "u2", "u2", "u3", "u4"]})
    fitted = fitted.assign(**{C.ITEM: ["A", "B", "A", "B", "C", "C"], C.RATING: 1.0})
    model = models.fit_model(models.make("popularity", seed=0), fitted.iloc[:5])
    # Popularity: A 2, B 2, C 1. u3 (has C) ranks A, B; its history also holds A (bought
    # after the fit), so the list goes deeper: B only, as C is fitted and excluded.
    bought = pd.concat([fitted, pd.DataFrame({C.USER: ["u3"], C.ITEM: ["A"]})])
    table = models.recommendation_table(
        model, ["u3", "u1"], k=2, key=KEY, raw_ids=True, history=bought
    )
    assert list(zip(table[C.USER], table[C.ITEM], table[C.RANK], strict=True)) == [
        ("u3", "B", 1),
        ("u1", "C", 1),
    ]


def test_export_reasons_name_only_items_of_the_history() -> None:
    bought = pd.DataFrame(
        {
            C.USER: ["u1", "u1", "u2", "u2", "u3", "u3", "u4", "u5"],
            C.ITEM: ["A", "B", "A", "B", "C", "D", "C", "E"],
            C.RATING: 1.0,
        }
    )
    model = basket.BasketRecommender().fit(bought)
    # u4 gets D by the rule C -> D; with C in the history the reason names it, with a
    # history that lacks C (C bought after the reference date) the reason cannot.
    named = models.recommendation_table(model, ["u4"], k=1, key=KEY, raw_ids=True, history=bought)
    assert list(named[C.EXPLANATION]) == ["because you bought C (2.50)"]
    without = bought[~((bought[C.USER] == "u4") & (bought[C.ITEM] == "C"))]
    hidden = models.recommendation_table(model, ["u4"], k=1, key=KEY, raw_ids=True, history=without)
    assert list(hidden[C.ITEM]) == ["D"]
    assert list(hidden[C.EXPLANATION]) == ["ranked by BasketRecommender's score"]


def test_protocol_table_sets_protocols_side_by_side_and_leading_models() -> None:
    def summary(values: dict[str, tuple[float, float]]) -> pd.DataFrame:
        rows = [
            (model, metric, 10, value)
            for model, pair in values.items()
            for metric, value in zip(("ndcg", "precision"), pair, strict=True)
        ]
        return pd.DataFrame(rows, columns=[C.MODEL, C.METRIC, C.K, C.MEAN])

    chrono = summary({"pop": (0.05, 0.02), "ease": (0.10, 0.04), "svd": (0.08, 0.03)})
    rand = summary({"ease": (0.27, 0.12), "svd": (0.12, 0.05)})
    table = evaluate.protocol_table({"chronological": chrono, "random": rand}, k=10)
    assert list(table.index) == ["pop", "ease", "svd"]
    assert list(table.columns) == [
        "ndcg@10 chronological",
        "ndcg@10 random",
        "precision@10 chronological",
        "precision@10 random",
    ]
    assert table.loc["ease"].tolist() == [0.10, 0.27, 0.04, 0.12]
    assert pd.isna(table.loc["pop", "ndcg@10 random"])
    assert evaluate.leading_models(chrono, metric="ndcg", k=10, n=2) == ["ease", "svd"]
    assert evaluate.leading_models(chrono, metric="ndcg", k=10, n=0) == []
    with pytest.raises(DataValidationError, match="ndcg@5"):
        evaluate.protocol_table({"chronological": chrono}, k=5)
    with pytest.raises(ParameterError):
        evaluate.protocol_table({}, k=10)
    with pytest.raises(ParameterError, match="`n`"):
        evaluate.leading_models(chrono, metric="ndcg", k=10, n=-1)


def test_04_00_parameters_resolve_the_protocol() -> None:
    p = params.check("04.00")
    assert p.chosen_protocol == "random" and p.contrast_protocol is None
    given = {"dataset": "online-retail", "models": ["KNNBaseline", "ease"]}
    retail = params.check("04.00", **given)
    assert retail.chosen_protocol == "chronological" and retail.contrast_protocol == "random"
    assert params.check("04.00", **given, protocol="random").contrast_protocol == "chronological"
    assert params.check("04.00", **given, contrast_models=0).contrast_protocol is None
    with pytest.raises(ParameterError, match="chronological"):
        params.check("04.00", protocol="chronological")
    with pytest.raises(ParameterError, match="`cutoff`"):
        params.check("04.00", **given, cutoff="later")
