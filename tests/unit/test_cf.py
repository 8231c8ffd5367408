"""Notebook 02.00's neighbourhood studies (aftersales.evaluate), worked example (aftersales.models)
and figures (aftersales.plots.ratings): hand-worked values and Surprise cross-checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import surprise
from surprise import accuracy

from aftersales import columns as C
from aftersales import evaluate, models, privacy, usercf
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.models import explain_knn
from aftersales.plots import ratings as plots_cf
from aftersales.split import to_surprise
from aftersales.usercf import SEED_DESIGN_FLAWS, UserCosineCF

KEY = "0123456789abcdef0123456789abcdef"

# Three users, three items (zero-filled vectors over items 10, 20, 30):
#   u1 = (5, 3, 0), u2 = (4, 0, 2), u3 = (0, 1, 4).
# UserCosineCF's cosine: s12 = 20 / sqrt(34 * 20) = 0.766965, s13 = 3 / sqrt(34 * 17) =
# 0.124784, s23 = 8 / sqrt(20 * 17) = 0.433861. With k = 1: N(1) = {2}, N(2) = {1},
# N(3) = {2}. Scores: (1, 30) = u2's 2; (2, 20) = u1's 3; (3, 10) = u2's 4; (3, 20): u2
# did not rate 20 -> undefined -> the global mean 19 / 6.
SMALL = pd.DataFrame(
    {
        C.USER: [1, 1, 2, 2, 3, 3],
        C.ITEM: [10, 20, 10, 30, 20, 30],
        C.RATING: [5.0, 3.0, 4.0, 2.0, 1.0, 4.0],
    }
)

# A larger frame for the Surprise cross-checks: 6 users x 5 items, 20 ratings in train.
TRAIN = pd.DataFrame(
    {
        C.USER: [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6],
        C.ITEM: [10, 20, 30, 40, 10, 20, 50, 20, 30, 40, 50, 10, 30, 50, 10, 20, 40, 30, 40, 50],
        C.RATING: [5, 3, 4, 1, 4, 2, 5, 1, 5, 4, 2, 4, 4, 1, 2, 5, 3, 3, 2, 5],
    }
).astype({C.RATING: "float64"})
TEST = pd.DataFrame(
    {
        C.USER: [1, 2, 2, 3, 4, 5, 6],
        C.ITEM: [50, 30, 40, 10, 20, 30, 10],
        C.RATING: [2.0, 4.0, 3.0, 5.0, 2.0, 4.0, 1.0],
    }
)


def surprise_fit(algo):
    trainset, testset = to_surprise(TRAIN, TEST, scale=(1, 5))
    algo.fit(trainset)
    return algo, testset


# --- sample_protocol -------------------------------------------------------------------------


def test_sample_protocol_keeps_all_rows_of_the_drawn_users():
    train, test = evaluate.sample_protocol(TRAIN, TEST, max_users=3, seed=1)
    assert train is TRAIN
    assert test[C.USER].nunique() == 3
    drawn = set(test[C.USER])
    # every test row of a drawn user (user 2 has two) is kept, in the original order
    expected = TEST[TEST[C.USER].isin(drawn)]
    pd.testing.assert_frame_equal(test, expected)
    again = evaluate.sample_protocol(TRAIN, TEST, max_users=3, seed=1)[1]
    pd.testing.assert_frame_equal(test, again)


@pytest.mark.parametrize("n", [0, 6, 10])
def test_sample_protocol_zero_or_enough_keeps_everything(n):
    assert evaluate.sample_protocol(TRAIN, TEST, max_users=n, seed=0)[1] is TEST


def test_sample_protocol_rejects_a_negative_size():
    with pytest.raises(ParameterError, match="max_users"):
        evaluate.sample_protocol(TRAIN, TEST, max_users=-1, seed=0)


# --- similarity grid and sweep, cross-checked with Surprise ------------------------------------


def test_similarity_grid_equals_surprise_accuracy():
    grid = evaluate.similarity_grid(
        "KNNWithMeans",
        ["cosine", "msd"],
        ["user", "item"],
        (TRAIN, TEST),
        k=2,
        n_resamples=20,
        progress=False,
    )
    assert list(grid.columns) == list(evaluate.GRID_COLUMNS)
    assert grid[[C.BASIS, C.SIMILARITY_MEASURE]].drop_duplicates().values.tolist() == [
        ["user", "cosine"],
        ["user", "msd"],
        ["item", "cosine"],
        ["item", "msd"],
    ]
    for (basis, measure), part in grid.groupby([C.BASIS, C.SIMILARITY_MEASURE]):
        algo = surprise.KNNWithMeans(
            k=2, sim_options={"name": measure, "user_based": basis == "user"}, verbose=False
        )
        predictions = surprise_fit(algo)[0].test(surprise_fit(algo)[1])
        means = part.set_index(C.METRIC)[C.MEAN]
        assert means["rmse"] == pytest.approx(accuracy.rmse(predictions, verbose=False))
        assert means["mae"] == pytest.approx(accuracy.mae(predictions, verbose=False))
    assert (grid[C.MODEL] == "KNNWithMeans").all()
    assert (grid[C.FIT_TIME] >= 0).all()


def test_similarity_grid_rejects_unknown_names():
    with pytest.raises(UnknownNameError, match="pearson_baseline"):
        evaluate.similarity_grid("KNNBasic", ["jaccard"], ["user"], (TRAIN, TEST), progress=False)
    with pytest.raises(UnknownNameError, match="KNNBaseline"):
        evaluate.similarity_grid("SVD", ["cosine"], ["user"], (TRAIN, TEST), progress=False)
    with pytest.raises(UnknownNameError, match="user, item"):
        evaluate.similarity_grid("KNNBasic", ["cosine"], ["users"], (TRAIN, TEST), progress=False)
    with pytest.raises(ParameterError, match="repeats"):
        evaluate.similarity_grid(
            "KNNBasic", ["msd", "msd"], ["user"], (TRAIN, TEST), progress=False
        )


def test_best_similarity_per_basis_hand_made():
    grid = pd.DataFrame(
        {
            C.BASIS: ["user", "user", "item", "item", "user", "item"],
            C.SIMILARITY_MEASURE: ["cosine", "msd", "cosine", "msd", "cosine", "msd"],
            C.METRIC: ["rmse", "rmse", "rmse", "rmse", "mae", "mae"],
            C.MEAN: [0.95, 0.93, 0.90, 0.90, 0.10, 0.20],
        }
    )
    # user: msd (0.93 < 0.95); item: a tie, the measure listed first (cosine) wins
    assert evaluate.best_similarity(grid) == {"user": "msd", "item": "cosine"}
    # by MAE the user rows only have cosine, the item rows only msd
    assert evaluate.best_similarity(grid, metric="mae") == {"user": "cosine", "item": "msd"}
    with pytest.raises(UnknownNameError, match="fcp"):
        evaluate.best_similarity(grid, metric="fcp")


def test_knn_sweep_equals_surprise_and_best_k():
    sweep = evaluate.knn_sweep(
        "KNNBasic",
        [1, 3],
        (TRAIN, TEST),
        similarity={"user": "msd", "item": "cosine"},
        n_resamples=20,
        progress=False,
    )
    assert list(sweep.columns) == list(evaluate.KNN_SWEEP_COLUMNS)
    assert sweep[[C.BASIS, C.SIMILARITY_MEASURE, C.K]].drop_duplicates().values.tolist() == [
        ["user", "msd", 1],
        ["user", "msd", 3],
        ["item", "cosine", 1],
        ["item", "cosine", 3],
    ]
    rmse = {}
    for basis, measure in (("user", "msd"), ("item", "cosine")):
        for k in (1, 3):
            options = {"name": measure, "user_based": basis == "user"}
            algo, testset = surprise_fit(surprise.KNNBasic(k=k, sim_options=options, verbose=False))
            rmse[basis, k] = accuracy.rmse(algo.test(testset), verbose=False)
            row = sweep[(sweep[C.BASIS] == basis) & (sweep[C.K] == k) & (sweep[C.METRIC] == "rmse")]
            assert row[C.MEAN].item() == pytest.approx(rmse[basis, k])
    expected = {b: min((1, 3), key=lambda k, b=b: (rmse[b, k], k)) for b in ("user", "item")}
    assert evaluate.best_k(sweep) == expected
    best = evaluate.best_setting(sweep)
    assert best.value == pytest.approx(min(rmse.values()))
    assert evaluate.best_setting(sweep, basis="item").basis == "item"


def test_best_k_and_best_setting_hand_made():
    frame = pd.DataFrame(
        {
            C.BASIS: ["user"] * 3 + ["item"] * 3,
            C.SIMILARITY_MEASURE: ["msd"] * 3 + ["pearson"] * 3,
            C.K: [40, 10, 20, 10, 20, 40],
            C.METRIC: ["rmse"] * 6,
            C.MEAN: [0.90, 0.95, 0.90, 0.92, 0.91, 0.90],
        }
    )
    # user: k=20 and k=40 tie at 0.90 -> the smaller k; item: k=40
    assert evaluate.best_k(frame) == {"user": 20, "item": 40}
    # overall: user k=20 (0.90), item k=40 (0.90) tie -> the basis listed first
    assert evaluate.best_setting(frame) == evaluate.KNNSetting("user", "msd", 20, 0.90)
    assert evaluate.best_setting(frame, basis="item") == evaluate.KNNSetting(
        "item", "pearson", 40, 0.90
    )
    with pytest.raises(UnknownNameError, match="basis"):
        evaluate.best_setting(frame[frame[C.BASIS] == "user"], basis="item")


# --- UserCosineCF inside run_experiment --------------------------------------------------------


def test_usercf_algo_estimates_worked_by_hand():
    trainset, _ = to_surprise(SMALL, SMALL.iloc[:0], scale=(1, 5))
    algo = usercf.UserCosineCFAlgo(1).fit(trainset)
    testset = [(1, 30, 3.0), (2, 20, 3.0), (3, 20, 2.0), (3, 10, 5.0), (9, 10, 1.0), (1, 99, 4.0)]
    got = algo.test(testset)
    est = [p.est for p in got]
    mean = 19 / 6
    assert est == pytest.approx([2.0, 3.0, mean, 4.0, mean, mean])
    assert [(p.uid, p.iid, p.r_ui) for p in got] == [t[:3] for t in testset]
    # the defined ones equal UserCosineCF's own scores
    direct = UserCosineCF(1).fit(SMALL).score_all([1, 2, 3])
    frame = pd.DataFrame(direct.values, index=direct.users, columns=direct.items)
    assert frame.loc[1, 30] == pytest.approx(2.0)
    assert math.isnan(frame.loc[3, 20])


def test_usercf_algo_in_run_experiment_matches_surprise_accuracy():
    algo, testset = surprise_fit(usercf.UserCosineCFAlgo(2, center=True))
    predictions = algo.test(testset)
    result = evaluate.compare_usercf(
        {
            "ours": usercf.UserCosineCFAlgo(2, center=True),
            "basic": surprise.KNNBasic(verbose=False),
        },
        (TRAIN, TEST),
        top_k=2,
        n_resamples=20,
    )
    summary = result.summary.set_index([C.MODEL, C.METRIC])[C.MEAN]
    assert summary["ours", "rmse"] == pytest.approx(accuracy.rmse(predictions, verbose=False))
    assert summary["ours", "mae"] == pytest.approx(accuracy.mae(predictions, verbose=False))
    assert set(result.summary[C.METRIC]) == set(evaluate.USERCF_METRICS)
    assert all(1 <= p.est <= 5 for p in predictions)


def test_compare_usercf_keeps_the_lists_a_refit_would_rank():
    # 02.00 reads the overlap of UserCosineCF and KNNBasic from these lists instead of
    # refitting both models and ranking again: the two must agree row for row.
    specs = {
        "ours": usercf.UserCosineCFAlgo(2),
        "basic": evaluate.knn_model("KNNBasic", basis="user", similarity="cosine", k=2, seed=0),
    }
    result = evaluate.compare_usercf(specs, [(TRAIN, TEST), (TRAIN, TEST)], top_k=2, n_resamples=20)
    assert isinstance(result, evaluate.UserCFComparison)
    assert list(result.lists.columns) == list(evaluate.USERCF_LIST_COLUMNS)
    users = [1, 2, 3, 4, 5, 6]  # every test user is in training
    refit_ours = evaluate.fit_ratings(usercf.UserCosineCFAlgo(2), TRAIN, scale=(1, 5)).recommend(
        users, 2
    )
    refit_basic = models.recommend(
        evaluate.fit_ratings(specs["basic"], TRAIN, scale=(1, 5)), users, 2
    )
    for fold in (0, 1):
        pd.testing.assert_frame_equal(result.top_lists("ours", fold=fold), refit_ours)
        pd.testing.assert_frame_equal(result.top_lists("basic", fold=fold), refit_basic)
    kept = models.top_k_overlap(result.top_lists("ours"), result.top_lists("basic"), k=2)
    assert kept == models.top_k_overlap(refit_ours, refit_basic, k=2)
    # user 1 rated 10-40: both models can only list 50 for them
    assert result.top_lists("ours").query(f"{C.USER} == 1")[C.ITEM].tolist() == [50]
    with pytest.raises(UnknownNameError, match="models: ours, basic"):
        result.top_lists("SVD")
    with pytest.raises(UnknownNameError, match="no list on fold 2"):
        result.top_lists("ours", fold=2)


def test_models_recommend_ranks_with_each_kind():
    ours, _ = surprise_fit(usercf.UserCosineCFAlgo(2))
    expected = UserCosineCF(2).fit(TRAIN).recommend([1, 4], 2)
    pd.testing.assert_frame_equal(models.recommend(ours, np.array([1, 4]), 2), expected)
    basic, _ = surprise_fit(surprise.KNNBasic(verbose=False))
    pd.testing.assert_frame_equal(
        models.recommend(basic, np.array([1, 4]), 2),
        models.SurpriseRecommender(basic).recommend([1, 4], 2),
    )
    with pytest.raises(ParameterError, match="Surprise algorithm"):
        models.recommend(object(), [1], 2)


def test_usercf_algo_needs_fit():
    with pytest.raises(ParameterError, match="not fitted"):
        usercf.UserCosineCFAlgo().test([(1, 10, 3.0)])
    with pytest.raises(ParameterError, match="Trainset"):
        usercf.UserCosineCFAlgo().fit(TRAIN)


def test_seed_flaws_table():
    table = usercf.seed_flaws()
    assert list(table.columns) == ["code", "problem", "fix"]
    assert len(table) == len(SEED_DESIGN_FLAWS)
    assert table["code"].iloc[1] == SEED_DESIGN_FLAWS[1].code


def test_knn_and_fit_build_the_named_model():
    algo = evaluate.fit_ratings(
        evaluate.knn_model("KNNWithZScore", basis="item", similarity="pearson", k=3, min_k=2),
        TRAIN,
        scale=(1, 5),
    )
    assert isinstance(algo, surprise.KNNWithZScore)
    assert algo.k == 3 and algo.min_k == 2
    assert algo.sim_options == {"name": "pearson", "user_based": False}
    reference, _ = surprise_fit(
        surprise.KNNWithZScore(
            k=3, min_k=2, sim_options={"name": "pearson", "user_based": False}, verbose=False
        )
    )
    assert algo.predict(1, 50).est == pytest.approx(reference.predict(1, 50).est)
    with pytest.raises(UnknownNameError, match="basis"):
        evaluate.knn_model("KNNBasic", basis="both", similarity="cosine", k=3)


# --- the example customer ----------------------------------------------------------------------


def test_choose_customer_most_test_rows_then_train_rows_then_id():
    train = pd.DataFrame({C.USER: [1, 1, 2, 2, 2, 3, 3, 3], C.ITEM: range(8)})
    # test rows: users 1, 2 and 3 have 2 each, user 9 (not in train) 3
    test = pd.DataFrame({C.USER: [1, 1, 2, 2, 3, 3, 9, 9, 9]})
    # ties on test rows: users 2 and 3 have 3 train rows -> the smaller id, 2
    assert models.choose_customer(train, test) == 2
    assert models.choose_customer(train, test, "3") == 3
    assert isinstance(models.choose_customer(train, test, "3"), int)
    with pytest.raises(UnknownNameError, match="3 customers"):
        models.choose_customer(train, test, "9")


def test_customer_profile_and_summary():
    names = pd.Series({10: "Ten", 20: "Twenty", 30: "Thirty", 40: "Forty", 50: "Fifty"})
    profile = models.customer_profile(TRAIN, 1, names=names, n=3)
    # user 1 rated 10: 5, 20: 3, 30: 4, 40: 1 -> 10, 30, 20
    assert profile.values.tolist() == [[10, "Ten", 5.0], [30, "Thirty", 4.0], [20, "Twenty", 3.0]]
    summary = models.customer_summary(TRAIN, TEST, 2, key=KEY)
    assert summary[C.USER].item() == privacy.pseudonym(2, key=KEY)
    assert summary.drop(columns=C.USER).values.tolist() == [[3, 2, pytest.approx(11 / 3)]]


def test_readable_explanations_item_based_follow_explain_knn():
    algo = evaluate.fit_ratings(
        evaluate.knn_model("KNNBasic", basis="item", similarity="cosine", k=2), TRAIN, scale=(1, 5)
    )
    recs = models.recommend(algo, [1], 2)
    names = {10: "Ten", 20: "Twenty", 30: "Thirty", 40: "Forty", 50: "Fifty"}
    explanation = explain_knn(algo, 1, recs[C.ITEM].tolist(), top=1, names=names)
    table = models.readable_explanations(recs, explanation, key=KEY, user_based=False)
    assert list(table.columns) == list(models.READABLE_COLUMNS)
    assert table[C.USER].unique().tolist() == [privacy.pseudonym(1, key=KEY)]
    assert table[C.ITEM].tolist() == recs[C.ITEM].tolist()
    first = explanation[explanation[C.ITEM] == recs[C.ITEM].iloc[0]].iloc[0]
    expected = (
        f"{first[C.NEIGHBOR_NAME]} (similarity {first[C.SIMILARITY]:.3f}, "
        f"rated {first[C.NEIGHBOR_RATING]:g})"
    )
    assert table[C.EXPLANATION].iloc[0] == expected
    assert table[C.N_NEIGHBORS].iloc[0] == first[C.N_NEIGHBORS]


def test_readable_explanations_user_based_and_fallback():
    recs = pd.DataFrame({C.USER: [7, 7], C.ITEM: [10, 20], C.SCORE: [4.5, 3.0], C.RANK: [1, 2]})
    explanation = pd.DataFrame(
        {
            C.USER: [7, 7],
            C.ITEM: [10, 10],
            C.ITEM_NAME: pd.array(["Ten", "Ten"], dtype="str"),
            C.NEIGHBOR: [3, 5],
            C.NEIGHBOR_NAME: pd.array([None, None], dtype="str"),
            C.SIMILARITY: [0.9, 0.5],
            C.NEIGHBOR_RATING: [5.0, 4.0],
            C.SHARE: [0.9 / 1.4, 0.5 / 1.4],
            C.N_NEIGHBORS: [2, 2],
            C.RANK: [1, 2],
        }
    )
    table = models.readable_explanations(recs, explanation, key=KEY, user_based=True)
    three, five = privacy.pseudonym(3, key=KEY), privacy.pseudonym(5, key=KEY)
    assert table[C.EXPLANATION].tolist() == [
        f"{three} (similarity 0.900, rated it 5); {five} (similarity 0.500, rated it 4)",
        "no neighbour: the model's fallback estimate",
    ]
    assert table[C.N_NEIGHBORS].tolist() == [2, 0]
    shared = models.shareable_explanation(explanation, key=KEY, user_based=True)
    assert shared[C.NEIGHBOR].tolist() == [three, five]
    assert (shared[C.USER] == privacy.pseudonym(7, key=KEY)).all()
    kept = models.shareable_explanation(explanation, key=KEY, user_based=False)
    assert kept[C.NEIGHBOR].tolist() == [3, 5]
    with pytest.raises(DataValidationError, match="one customer"):
        models.readable_explanations(
            recs.assign(**{C.USER: [7, 8]}), explanation, key=KEY, user_based=True
        )


def test_top_k_overlap_by_hand():
    first = pd.DataFrame(
        {C.USER: [1, 1, 1, 2, 2, 3], C.ITEM: [10, 20, 30, 10, 20, 10], C.RANK: [1, 2, 3, 1, 2, 1]}
    )
    second = pd.DataFrame(
        {C.USER: [1, 1, 2, 2, 4], C.ITEM: [30, 10, 30, 40, 10], C.RANK: [2, 1, 1, 2, 1]}
    )
    # k = 2: user 1 {10, 20} & {10, 30} -> 1 of 2; user 2 {10, 20} & {30, 40} -> 0;
    # users 3 and 4 are in one frame only. Mean (0.5 + 0) / 2 = 0.25.
    assert models.top_k_overlap(first, second, k=2) == pytest.approx(0.25)
    # k = 3: user 1 {10, 20, 30} & {10, 30} -> 2 / 3; user 2 -> 0 -> mean 1 / 3
    assert models.top_k_overlap(first, second, k=3) == pytest.approx(1 / 3)
    assert math.isnan(models.top_k_overlap(first[first[C.USER] == 3], second, k=2))


# --- figures -----------------------------------------------------------------------------------


def test_k_sweep_figure_plots_the_means_and_marks_k():
    frame = pd.DataFrame(
        {
            C.BASIS: ["user", "user", "item", "item"] * 2,
            C.SIMILARITY_MEASURE: ["msd"] * 8,
            C.K: [10, 20, 10, 20] * 2,
            C.METRIC: ["rmse"] * 4 + ["mae"] * 4,
            C.MEAN: [0.95, 0.94, 0.93, 0.92, 0.75, 0.74, 0.73, 0.72],
            C.CI_LOW: [0.9] * 4 + [0.7] * 4,
            C.CI_HIGH: [1.0] * 4 + [0.8] * 4,
        }
    )
    figure = plots_cf.k_sweep(frame, chosen={"user": 20, "item": 10}, title="t")
    rmse_axes, mae_axes = figure.axes
    lines = [line for line in rmse_axes.lines if line.get_marker() == "o"]
    assert [line.get_ydata().tolist() for line in lines] == [[0.95, 0.94], [0.93, 0.92]]
    vertical = [line.get_xdata()[0] for line in rmse_axes.lines if line.get_linestyle() == "--"]
    assert vertical == [20, 10]
    assert "MAE" in mae_axes.get_ylabel()


def test_similarity_points_figure_data():
    grid = pd.DataFrame(
        {
            C.BASIS: ["user", "user", "item", "item"],
            C.SIMILARITY_MEASURE: ["cosine", "msd", "cosine", "msd"],
            C.METRIC: ["rmse"] * 4,
            C.MEAN: [0.95, 0.94, 0.93, 0.92],
            C.CI_LOW: [0.9] * 4,
            C.CI_HIGH: [1.0] * 4,
        }
    )
    figure = plots_cf.similarity_points(grid, title="t")
    axes = figure.axes[0]
    ys = [container.lines[0].get_ydata().tolist() for container in axes.containers]
    assert ys == [[0.95, 0.94], [0.93, 0.92]]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["cosine", "msd"]
    with pytest.raises(DataValidationError, match="mae"):
        plots_cf.similarity_points(grid, metric="mae", title="t")


def test_metric_points_figure_data():
    summary = pd.DataFrame(
        {
            C.MODEL: ["a", "a", "b", "b"],
            C.METRIC: ["rmse", "mae", "rmse", "mae"],
            C.MEAN: [1.0, 0.8, 0.9, 0.7],
            C.CI_LOW: [0.95, 0.75, 0.85, 0.65],
            C.CI_HIGH: [1.05, 0.85, 0.95, 0.75],
        }
    )
    figure = plots_cf.metric_points(summary, title="t", ylabel="stars")
    axes = figure.axes[0]
    ys = [container.lines[0].get_ydata().tolist() for container in axes.containers]
    assert ys == [[1.0, 0.8], [0.9, 0.7]]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["rmse", "mae"]
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["a", "b"]
    with pytest.raises(DataValidationError, match="empty"):
        plots_cf.metric_points(summary.iloc[:0], title="t", ylabel="stars")
