"""aftersales.narrate: findings worded from tiny hand-made result frames (issue #12)."""

import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import narrate
from aftersales.errors import DataValidationError


def _grid(item: list[float], user: list[float], *, metric: str = "rmse", width: float = 0.02):
    measures = ["cosine", "msd", "pearson_baseline"]
    rows = [
        (basis, m, metric, v, v - width, v + width)
        for basis, values in (("user", user), ("item", item))
        for m, v in zip(measures, values, strict=True)
    ]
    columns = [C.BASIS, C.SIMILARITY_MEASURE, C.METRIC, C.MEAN, C.CI_LOW, C.CI_HIGH]
    return pd.DataFrame(rows, columns=columns)


def test_similarity_findings_item_wins_everywhere():
    grid = _grid([0.95, 0.93, 0.906], [0.96, 0.94, 0.919])
    text = narrate.similarity_findings(grid).data
    # item < user for all three measures; pearson_baseline lowest on both; cosine highest on both;
    # best and worst differ by 0.044 (item) and 0.041 (user), intervals +-0.02 do not overlap.
    assert text.startswith(
        "Item-based beats user-based with every measure, and pearson_baseline is best on both "
        "bases (RMSE 0.906 item-based and 0.919 user-based); cosine worst."
    )
    assert "do not overlap: the measure matters (up to 0.044 RMSE)" in text


def test_similarity_findings_user_wins_and_mae_agrees():
    grid = _grid([0.95, 0.93, 0.92], [0.94, 0.92, 0.91], width=0.05)
    mae = _grid([0.75, 0.73, 0.72], [0.74, 0.72, 0.71], metric="mae")
    text = narrate.similarity_findings(pd.concat([grid, mae])).data
    assert text.startswith("User-based beats item-based with every measure")
    assert "overlap: between measures the RMSE differs by at most 0.030" in text
    assert text.endswith("MAE orders the settings the same way.")


def test_similarity_findings_mixed_bases():
    text = narrate.similarity_findings(_grid([0.90, 0.95, 0.93], [0.94, 0.92, 0.91])).data
    # item wins with cosine only (0.90 < 0.94); best: cosine item-based, pearson_baseline user.
    assert text.startswith("Item-based beats user-based with 1 of 3 measures (cosine), and")
    assert "cosine user-based (RMSE 0.940)" not in text
    assert "the best measure depends on the basis: cosine item-based (RMSE 0.900)" in text
    assert text.endswith("intervals overlap only user-based.")


def test_similarity_findings_needs_columns():
    with pytest.raises(DataValidationError, match="similarity_measure"):
        narrate.similarity_findings(pd.DataFrame({C.BASIS: ["user"]}))


def test_k_sweep_findings():
    sweep = pd.DataFrame(
        {
            C.BASIS: ["item"] * 4 + ["user"] * 2,
            C.K: [10, 20, 40, 80, 10, 20],
            C.METRIC: "rmse",
            C.MEAN: [0.924, 0.9065, 0.9058, 0.9062, 0.90, 0.95],
        }
    )
    text = narrate.k_sweep_findings(sweep).data
    # item: lowest at 40; at 80 it is 0.0004 above, reported as within 0.001.
    assert text == (
        "Item-based: RMSE 0.924 at k=10, lowest at k=40 (0.906), and within 0.001 of it up to "
        "k=80. User-based: RMSE lowest at the smallest k=10 (0.900), and 0.950 at k=20."
    )


def _usercf_summary():
    rows = [
        ("UserCosineCF, k=40", "rmse", 1.018, 0.98, 1.06),
        ("KNNBasic, user-based cosine, k=40", "rmse", 0.994, 0.95, 1.04),
        ("tuned", "rmse", 0.906, 0.87, 0.94),
        ("UserCosineCF, k=40", "precision", 0.008, 0.004, 0.012),
        ("KNNBasic, user-based cosine, k=40", "precision", 0.074, 0.06, 0.09),
        ("tuned", "precision", 0.05, 0.04, 0.06),
    ]
    return pd.DataFrame(rows, columns=[C.MODEL, C.METRIC, C.MEAN, C.CI_LOW, C.CI_HIGH])


def test_usercf_findings():
    text = narrate.usercf_findings(
        _usercf_summary(),
        0.0493,
        ours="UserCosineCF, k=40",
        surprise="KNNBasic, user-based cosine, k=40",
        tuned="tuned",
        top_k=10,
    ).data
    assert "score RMSE 1.018 (UserCosineCF) and 0.994 (KNNBasic), with overlapping" in text
    assert "they both trail the tuned model of section 3 (0.906)" in text
    assert "have 5 % of their items in common" in text
    assert text.endswith(
        "0.008 for UserCosineCF against 0.074 for KNNBasic: KNNBasic recommends better."
    )


def test_usercf_findings_names_a_missing_model():
    with pytest.raises(DataValidationError, match="nobody"):
        narrate.usercf_findings(
            _usercf_summary(), 0.1, ours="nobody", surprise="tuned", tuned="tuned", top_k=10
        )


def test_example_findings():
    customer = pd.DataFrame({C.TRAIN_ROWS: [413], C.TEST_ROWS: [103]})
    ours = pd.DataFrame(
        {
            C.RANK: [2, 1, 3],
            C.ITEM_NAME: ["B", "A", "C"],
            C.SCORE: [5.0, 5.0, 4.9],
            C.N_NEIGHBORS: [40, 40, 13],
        }
    )
    theirs = pd.DataFrame(
        {
            C.RANK: [1, 2, 3],
            C.ITEM_NAME: ["X", "Y", "Z"],
            C.SCORE: [5.0, 5.0, 4.8],
            C.N_NEIGHBORS: [1, 1, 5],
        }
    )
    text = narrate.example_findings(customer, ours, theirs, k=40).data
    assert text == (
        "The customer has 413 training ratings and 103 held out. The example model's list starts "
        "with A, B and C. C rest on fewer than 40 neighbours (13), so their estimate leans on the "
        "item's own mean. `UserCosineCF` puts 2 items first at 5.0, each on the word of a single "
        "neighbour."
    )


def test_mf_findings():
    comparison = pd.DataFrame(
        {
            C.MODEL: ["NormalPredictor", "BaselineOnly", "SVD", "NMF"],
            "rmse": [1.5078, 0.9429, 0.9351, 0.9645],
        }
    )
    text = narrate.mf_findings(comparison).data
    # 0.9429 - 0.9351 = 0.0078 -> 0.008
    assert text == (
        "SVD is the most accurate (RMSE 0.935), 0.008 ahead of `BaselineOnly` (0.943); then NMF "
        "(0.965). The random predictor (1.508) shows what no learning gives."
    )


def test_mf_findings_baseline_best():
    comparison = pd.DataFrame({C.MODEL: ["BaselineOnly", "SVD"], "rmse": [0.90, 0.95]})
    assert (
        "no factor model beats the user and item biases alone"
        in narrate.mf_findings(comparison).data
    )


def _sweep(settings, means, width=0.01):
    return pd.DataFrame(
        {
            C.PARAMETER: "n_factors",
            C.SETTING: settings,
            C.METRIC: "rmse",
            C.MEAN: means,
            C.CI_LOW: [m - width for m in means],
            C.CI_HIGH: [m + width for m in means],
        }
    )


def test_sweep_findings_flat_then_rising():
    # lowest at 50 (0.9325, interval 0.9225-0.9425): 20 (0.9328) and 100 (0.9351) inside, 5
    # (0.9473) and 200 (0.9517) outside.
    sweep = _sweep([5, 20, 50, 100, 200], [0.9473, 0.9328, 0.9325, 0.9351, 0.9517])
    assert narrate.sweep_findings(sweep).data == (
        "RMSE is lowest at `n_factors` = 50 (0.932). From 20 to 100 the curve stays inside that "
        "point's interval (0.932 to 0.935): flat, within the noise. Below, it is higher: 0.947 "
        "at 5. Above, it rises to 0.952 at 200."
    )


def test_sweep_findings_lowest_at_the_end():
    text = narrate.sweep_findings(_sweep([1, 5, 20], [1.0, 0.96, 0.93], width=0.001)).data
    assert text == "RMSE is lowest at `n_factors` = 20 (0.930). Below, it is higher: 1.000 at 1."


def test_search_findings():
    ranking = pd.DataFrame(
        {
            C.RANK: [2, 1],
            C.SETTING: ["n_factors=100", "n_factors=20"],
            C.MEAN: [0.9565, 0.9554],
            C.STD: [0.0018, 0.0014],
        }
    )
    tuned = pd.DataFrame({C.MODEL: ["SVD (defaults)", "SVD (searched)"], "rmse": [0.9351, 0.9394]})
    assert narrate.search_findings(ranking, tuned).data == (
        "The search prefers n_factors=20 (cross-validated RMSE 0.955), 0.0011 ahead of the next "
        "combination, less than one standard deviation over folds (0.0014). Refitted on the whole "
        "training part it scores worse than the defaults (0.939 against 0.935) on the test part."
    )


def _summary():
    rows = [
        ("KNNBaseline", "rmse", None, 0.930),
        ("SVD", "rmse", None, 0.935),
        ("KNNBaseline", "mae", None, 0.730),
        ("SVD", "mae", None, 0.736),
    ]
    for model, ndcg, precision, novelty in [
        ("KNNBaseline", 0.091, 0.085, 2.885),
        ("SVD", 0.090, 0.084, 2.81),
        ("popularity", 0.208, 0.185, 1.42),
        ("ease", 0.435, 0.365, 1.98),
    ]:
        rows += [
            (model, "ndcg", 10, ndcg),
            (model, "precision", 10, precision),
            (model, "novelty", 10, novelty),
        ]
    return pd.DataFrame(rows, columns=[C.MODEL, C.METRIC, C.K, C.MEAN])


def test_comparison_findings():
    assert narrate.comparison_findings(_summary(), k=10).data == (
        "KNNBaseline predicts ratings best (RMSE 0.930 and MAE). ease leads every ranking metric "
        "(ndcg@10 0.435, next best 0.208). Every ranking-only model beats every rating model at "
        "ranking (best rating model 0.091): predicting how a customer rates an item well does not "
        "put the items they choose at the top. The most novel lists (the rarest items) come from "
        "KNNBaseline (2.88 bits)."
    )


def test_comparison_findings_rating_model_ranks_best():
    summary = _summary()
    summary.loc[(summary[C.MODEL] == "SVD") & (summary[C.METRIC] == "ndcg"), C.MEAN] = 0.5
    text = narrate.comparison_findings(summary, k=10).data
    assert "SVD leads ndcg@10 (ndcg@10 0.500, next best 0.435)." in text
    assert "A rating model, SVD, also ranks best." in text


def test_comparison_findings_needs_the_metric():
    with pytest.raises(DataValidationError, match="map@10"):
        narrate.comparison_findings(_summary(), k=10, metric="map")


def test_protocol_findings():
    table = pd.DataFrame(
        {
            "ndcg@10 chronological": [0.05, 0.10, 0.08],
            "ndcg@10 random": [float("nan"), 0.27, 0.30],
            "precision@10 chronological": [0.02, 0.04, 0.03],
            "precision@10 random": [float("nan"), 0.12, 0.13],
        },
        index=pd.Index(["popularity", "ease", "itemknn"], name=C.MODEL),
    )
    labels = {"chronological": "forward", "random": "optimistic"}
    text = narrate.protocol_findings(
        table, chosen="chronological", labels=labels, k=10, n_unknown=25, n_test=100
    ).data
    assert text == (
        "Under the chronological protocol (forward), ease leads ndcg@10 (0.100). 25 of its 100 "
        "test customers (25 %) had no purchase before the cut-off and were ranked by each "
        "model's popular fallback. Under the random protocol (optimistic) the same models score "
        "ease 0.270 against 0.100, itemknn 0.300 against 0.080; it would pick itemknn instead "
        "of ease."
    )
    with pytest.raises(DataValidationError, match="ndcg@5"):
        narrate.protocol_findings(table, chosen="chronological", labels=labels, k=5)


def test_coverage_findings():
    table = pd.DataFrame(
        {
            "coverage": [0.034, 0.199, 0.168],
            "novelty": [1.508, 1.99, 2.822],
            "ndcg": [0.25, 0.47, 0.10],
        },
        index=pd.Index(["popularity", "ease", "SVD"], name=C.MODEL),
    )
    assert narrate.coverage_findings(table, k=10).data == (
        "popularity's top-10 lists use the least of the catalogue (3 %) and ease's the most "
        "(20 %). SVD's lists hold the rarest items (novelty 2.82 bits, against 1.51 for "
        "popularity); its ndcg@10 ranks 3 of 3. The most accurate model, ease (ndcg@10 0.470), "
        "covers 20 % of the catalogue."
    )


def test_revenue_concentration():
    summary = pd.DataFrame(
        {
            C.SEGMENT: ["Champions", "Loyal Customers", "At Risk", "Hibernating", "Lost"],
            C.CUSTOMER_SHARE: [0.15, 0.19, 0.41, 0.10, 0.15],
            C.REVENUE_SHARE: [0.49, 0.26, 0.19, 0.02, 0.04],
        }
    )
    # 0.49 < 0.5, so the top two segments: 34 % of customers, 75 % of revenue.
    assert narrate.revenue_concentration(summary).data == (
        "The Champions and Loyal Customers, 34 % of the customers, hold 75 % of the revenue. "
        "Hibernating and Lost customers are 25 % of the base with 6 % of the revenue."
    )


def test_silhouette_findings():
    table = pd.DataFrame({C.K: [2, 3, 4], C.SILHOUETTE: [0.4328, 0.3387, 0.2970]})
    assert narrate.silhouette_findings(table, k=2).data == (
        "The mean silhouette is highest at k = 2 (0.433) and falls steadily to 0.297 at k = 4; "
        "the clustering uses k = 2."
    )


def test_holdout_findings():
    holdout = pd.DataFrame(
        {
            C.METRIC: [
                "predicted_purchases",
                "actual_purchases",
                "relative_error",
                "mae",
                "baseline_mae",
            ],
            C.VALUE: [3357.3, 4460.0, -0.2472, 0.9343, 0.9190],
        }
    )
    assert narrate.holdout_findings(holdout).data == (
        "Over the holdout the model forecasts 3,357 purchase days in total against 4,460 made: "
        "25 % too few. Per customer its mean absolute error is 0.934, worse than the naive "
        "baseline's 0.919."
    )


def test_largest_spenders():
    segmented = pd.DataFrame(
        {C.CUSTOMER: ["a", "b"], C.MONETARY: [500.0, 90.0], C.FREQUENCY: [7, 2]}
    )
    transactions = pd.DataFrame(
        {
            C.CUSTOMER: ["a", "b", "b"],
            C.DESCRIPTION: ["MUG", "BIRDIE", "CARD"],
            C.QUANTITY: [100, 400, 10],
            C.UNIT_PRICE: [5.0, 0.2, 1.0],
        }
    )
    # b's lines: 80 + 10 = 90; the 400-unit line is 80 / 90 = 89 %.
    assert narrate.largest_spenders(segmented, transactions).data == (
        "The largest monetary value is 500 over 7 invoices. The largest single line is 400 units "
        "of BIRDIE; it makes 89 % of its customer's 90 (over 2 invoices)."
    )


def _comparison(labels=("UK", "DE")):
    a, b = labels
    return pd.DataFrame(
        {
            C.ANTECEDENT_DESCRIPTIONS: ["BAG RED", "CLOCK", "MUG", "CARD", "TIN"],
            C.CONSEQUENT_DESCRIPTIONS: [
                "BAG BLUE",
                "CLOCK GREEN",
                "SNACK BOX",
                "SNACK BOX",
                "TIN B",
            ],
            C.FOUND_IN: [f"{a} only", "both", f"{b} only", f"{b} only", f"{b} only"],
            f"lift ({b})": [0.0, 5.0, 2.4, 3.1, 9.0],
            C.DIFFERENCE: [0.4, 0.1, -0.6, -0.5, -0.2],
        }
    )


def test_segment_rules_findings():
    text = narrate.segment_rules_findings(_comparison(), labels=("UK", "DE"), n=2).data
    assert text == (
        "2 pair rules pass among UK and 4 among DE, 1 of them in both. The rules most more "
        "confident among UK: BAG RED -> BAG BLUE and CLOCK -> CLOCK GREEN. The rules most more "
        "confident among DE: MUG -> SNACK BOX and CARD -> SNACK BOX."
    )


def test_country_rules_findings():
    text = narrate.country_rules_findings(
        _comparison(), labels=("UK", "DE"), n_baskets=(16579, 443), min_support=0.02
    ).data
    # 2 % of 443 = 8.86 -> 9 baskets.
    assert text == (
        "DE holds 443 baskets (against 16,579), so a support of 2 % there is 9 baskets. 2 pooled "
        "rules pass in UK and 4 in DE; 1 pass in both. Of the rules found only in DE, 2 lead to "
        "SNACK BOX (lift 2.4 to 3.1 there)."
    )


def test_top_rules_findings():
    rules = pd.DataFrame(
        {
            C.ANTECEDENT_DESCRIPTIONS: ["PLATE ROSES + PLATE GREEN", "JUG"],
            C.CONSEQUENT_DESCRIPTIONS: ["PLATE PINK", "BOWL"],
            C.CONFIDENCE: [0.8079, 0.75],
            C.LIFT: [66.37, 52.0],
        }
    )
    assert narrate.top_rules_findings(rules).data == (
        "The strongest rule is PLATE ROSES + PLATE GREEN -> PLATE PINK: 81 % of the baskets with "
        "the left side also hold the right, 66 times more often than chance. The 2 strongest "
        "rules join 5 products: PLATE ROSES, PLATE GREEN, JUG, PLATE PINK and BOWL."
    )


def test_cross_sell_findings():
    table = pd.DataFrame(
        {
            C.ITEM: ["1", "1", "2", "2"],
            C.DESCRIPTION: ["JUMBO BAG RED", "JUMBO BAG RED", "BIRD ORNAMENT", "BIRD ORNAMENT"],
            C.CROSS_SELL_DESCRIPTION: [
                "JUMBO BAG PINK",
                "JUMBO BAG PEARS",
                "METAL PEARS",
                "T-LIGHT",
            ],
            C.LIFT: [7.2, 9.8, 9.7, 2.6],
        }
    )
    assert narrate.cross_sell_findings(table).data == (
        "For 1 of the 2 best sellers most partners share a word of the description: the same "
        "product in another colour or print, or the rest of its range. The exceptions: BIRD "
        "ORNAMENT. The strongest pair is JUMBO BAG RED with JUMBO BAG PEARS (lift 9.8)."
    )


def test_dropout_findings():
    parameters = pd.DataFrame(
        {
            C.MODEL: ["BG/NBD", "BG/NBD", "Gamma-Gamma"],
            C.PARAMETER: ["a", "b", "p"],
            C.VALUE: [0.007, 22.746, 2.3],
        }
    )
    customers = pd.DataFrame({C.P_ALIVE: [0.99, 0.95, 0.5, 1.0]})
    # a / (a + b) = 0.007 / 22.753 = 0.000308 -> 0.031 %; 3 of 4 customers at >= 0.9.
    assert narrate.dropout_findings(parameters, customers).data == (
        "Fitted here, a / (a + b), the mean chance of dropping out after a purchase, is 0.031 %; "
        "the model gives 75 % of the customers a probability of at least 0.9 of still being "
        "active, so purchase rate and spend drive the lifetime value."
    )
    with pytest.raises(DataValidationError, match="'b'"):
        narrate.dropout_findings(parameters[parameters[C.PARAMETER] != "b"], customers)


def test_example_findings_counts_many_thin_estimates():
    customer = pd.DataFrame({C.TRAIN_ROWS: [5], C.TEST_ROWS: [2]})
    ours = pd.DataFrame(
        {
            C.RANK: [1, 2, 3, 4, 5],
            C.ITEM_NAME: list("ABCDE"),
            C.SCORE: 5.0,
            C.N_NEIGHBORS: [1, 4, 4, 2, 40],
        }
    )
    theirs = ours.assign(**{C.N_NEIGHBORS: 3})
    text = narrate.example_findings(customer, ours, theirs, k=40).data
    assert "4 of the 5 items rest on fewer than 40 neighbours (as few as 1)" in text
    assert text.endswith("`UserCosineCF`'s first item scores 5.0 from 3 neighbours.")
